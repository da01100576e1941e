"""Maritime zones of a theater: which state's waters a point is in, distance to the coast.

A raster (:class:`~sim.geo.zones.ZoneRaster`, cached on disk) answers fast; the exact land
polygons decide within ~1.5 cells of the coast, so ``kind == land`` agrees with
:meth:`~sim.geo.frame.Frame.is_water_xy`.
"""

from __future__ import annotations

import logging
import math
import time
from typing import overload

import numpy as np
import shapely
from numpy.typing import ArrayLike
from scipy import ndimage
from shapely.geometry.base import BaseGeometry

from sim.errors import UserError, suggest
from sim.geo import _kernels, cache
from sim.geo.frame import Coords, FloatArray, Frame, as_array
from sim.geo.sovereignty import STATE_CODES
from sim.geo.zones import (
    CONTIGUOUS_NM,
    DIST_UNIT_NM,
    DPRK_MILITARY_ZONE_NM,
    EEZ_NM,
    TERRITORIAL_NM,
    ZONE_KINDS,
    Zone,
    ZoneRaster,
    build_zone_raster,
    dprk_military_mask,
)
from sim.units import NM_M

__all__ = ["CLAIM_OUT", "CLAIM_MAYBE", "CLAIM_IN", "ZONE_RADIUS_NM", "ZoneMap"]

CLAIM_OUT, CLAIM_MAYBE, CLAIM_IN = 0, 1, 2
"""Codes of :meth:`ZoneMap.dprk_claim_xy`: surely outside DPRK-claimed waters, undecided,
surely inside."""

_MAX_RASTER_CELLS = 8_000_000  # zone raster cells at most (memory; assumption)
_CLAIM_BLOCK = 16
"""Cells per side of a block of :meth:`ZoneMap.dprk_claim_box` (assumption: 16 km blocks are
small beside a patrol plan's box, and the table is tiny)."""

_log = logging.getLogger(__name__)

ZONE_RADIUS_NM = {"territorial": TERRITORIAL_NM, "contiguous": CONTIGUOUS_NM, "eez": EEZ_NM}
"""Outer limit of each zone kind from the coast (nm; UNCLOS arts. 3, 33, 57)."""


class ZoneMap:
    """Zones of one frame.

    Args:
        frame: the theater's CRS, land and domain.
    """

    def __init__(self, frame: Frame) -> None:
        """Load (or build and cache) the zone raster of ``frame``."""
        self.frame = frame
        self.raster = self._load_raster()
        self._geoms: dict[tuple[str, str], BaseGeometry] = {}
        self._claim: np.ndarray | None = None
        self._claim_sum: np.ndarray | None = None

    def _load_raster(self) -> ZoneRaster:
        f = self.frame
        xmin, ymin, xmax, ymax = f.domain_xy.bounds
        cell_m = max(1000.0, float(np.sqrt((xmax - xmin) * (ymax - ymin) / _MAX_RASTER_CELLS)))
        key = cache.cache_key(
            "zones",
            {
                "name": f.name,
                "bbox": f.bbox,
                "res": f.resolution,
                "data": f.fingerprint,
                "cell": cell_m,
                "partition": f.partition,
                "default": f.default_state,
            },
        )
        arrays = cache.load_arrays(key)
        if arrays is not None:
            return ZoneRaster.from_arrays(arrays)
        cells = (xmax - xmin) * (ymax - ymin) / cell_m**2
        _log.info(
            "zone raster of %s: not in the cache, building it (%.1f M cells of %.0f m)",
            f.name,
            cells / 1e6,
            cell_m,
        )
        t0 = time.perf_counter()
        raster = build_zone_raster(f.land_xy, (xmin, ymin, xmax, ymax), cell_m, f.land_state_codes)
        cache.save_arrays(key, raster.to_arrays())
        _log.info("zone raster: built and cached in %.0f s", time.perf_counter() - t0)
        return raster

    def zone_at_xy(self, x_m: ArrayLike, y_m: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Fast zone codes for metric points: (state_code, kind_code) uint8 arrays.

        Index ``STATE_CODES`` / ``ZONE_KINDS`` with the codes. The raster decides, except
        within ~1.5 cells of the coast, where the exact land polygons decide land vs water
        (so ``kind == land`` agrees with :meth:`is_water_xy`).
        """
        shape = np.shape(x_m) or (1,)
        x = np.asarray(x_m, dtype=float).ravel()  # flat: the near-coast fix indexes by position
        y = np.asarray(y_m, dtype=float).ravel()
        state, kind = self.raster.codes(x, y)
        state, kind = state.copy(), kind.copy()
        if not self.frame.land_xy.is_empty:
            near = self.raster.distance_nm(x, y) <= 1.5 * self.raster.cell_m / NM_M
            if near.any():
                idx = np.flatnonzero(near)
                on_land = shapely.contains_xy(self.frame.land_xy, x[idx], y[idx])
                land_code = ZONE_KINDS.index("land")
                terr = ZONE_KINDS.index("territorial")
                kind[idx[on_land]] = land_code
                wrong = idx[~on_land & (kind[idx] == land_code)]
                kind[wrong] = terr
        return state.reshape(shape), kind.reshape(shape)

    def dprk_claim_xy(self, x_m: np.ndarray, y_m: np.ndarray) -> np.ndarray:
        """Whether metric points may be in DPRK-claimed waters, as ``CLAIM_*`` codes.

        Claimed waters are the DPRK territorial sea and its 50 nm military zone, as
        :meth:`zone_at` names them. The answer holds for any point within one raster cell
        of the one asked about (so for that point after a lon/lat round trip, which moves
        it by nanometres): ``CLAIM_OUT`` and ``CLAIM_IN`` are certain, and only points of
        ``CLAIM_MAYBE`` cells (the zone's edge, and its coast, where the exact land
        polygons decide) need :meth:`zone_at`. Most of a patrol plan's samples are then
        decided by one array lookup instead of two projections and a polygon test.
        """
        if self._claim is None:
            self._claim = self._claim_raster()
        iy, ix = self.raster.cell_index(x_m, y_m)
        return self._claim[iy, ix]

    def dprk_claim_box(self, xmin_m: float, ymin_m: float, xmax_m: float, ymax_m: float) -> bool:
        """Whether any point of a metric box may be in DPRK-claimed waters.

        False only if every cell the box touches, grown by one cell, is ``CLAIM_OUT`` (so no
        point of the box, rounded or round-tripped through lon/lat, is claimed). A summed-area
        table over blocks of ``_CLAIM_BLOCK`` cells answers in constant time (a block counts
        if any of its cells is not ``CLAIM_OUT``): a plan far from the DPRK, as most are, is
        cleared by its bounding box without sampling it.
        """
        if not math.isfinite(xmin_m + ymin_m + xmax_m + ymax_m):
            return True
        if self._claim_sum is None:
            self._claim_sum = self._claim_blocks()
        r = self.raster
        ny, nx = r.shape
        ix0 = min(max(int((xmin_m - r.x0_m) // r.cell_m) - 1, 0), nx - 1) // _CLAIM_BLOCK
        iy0 = min(max(int((ymin_m - r.y0_m) // r.cell_m) - 1, 0), ny - 1) // _CLAIM_BLOCK
        ix1 = min(max(int((xmax_m - r.x0_m) // r.cell_m) + 1, 0), nx - 1) // _CLAIM_BLOCK
        iy1 = min(max(int((ymax_m - r.y0_m) // r.cell_m) + 1, 0), ny - 1) // _CLAIM_BLOCK
        s = self._claim_sum
        return bool(s[iy1 + 1, ix1 + 1] - s[iy0, ix1 + 1] - s[iy1 + 1, ix0] + s[iy0, ix0] > 0)

    def _claim_blocks(self) -> np.ndarray:
        """Summed-area table of the blocks holding a cell that is not ``CLAIM_OUT``."""
        if self._claim is None:
            self._claim = self._claim_raster()
        ny, nx = self.raster.shape
        b = _CLAIM_BLOCK
        pad = np.zeros((-(-ny // b) * b, -(-nx // b) * b), dtype=bool)
        pad[:ny, :nx] = self._claim != CLAIM_OUT
        blocks = pad.reshape(pad.shape[0] // b, b, pad.shape[1] // b, b).any(axis=(1, 3))
        s = np.zeros((blocks.shape[0] + 1, blocks.shape[1] + 1), dtype=np.int64)
        s[1:, 1:] = blocks.cumsum(axis=0).cumsum(axis=1)
        return s

    def _claim_raster(self) -> np.ndarray:
        """The ``CLAIM_*`` code of every raster cell (see :meth:`dprk_claim_xy`).

        Every claimed point lies in a cell whose nearest coast is the DPRK's within 50 nm
        (land and the territorial sea included); every point of such a cell further from
        the coast than ``near_coast_nm`` is claimed (no polygon test overrides the raster
        there). A 3 x 3 dilation and erosion extend both answers to one cell around; edges
        repeat, as :meth:`ZoneRaster.cell_index` clips points outside the grid to them.
        """
        r = self.raster
        d = r.dist.astype(np.float64) * DIST_UNIT_NM  # the very values zone_at compares
        near = (r.state == STATE_CODES.index("PRK")) & (d <= DPRK_MILITARY_ZONE_NM)
        maybe = ndimage.maximum_filter(near, size=3, mode="nearest")
        sure = ndimage.minimum_filter(near & (d > self.near_coast_nm), size=3, mode="nearest")
        code = np.full(r.shape, CLAIM_OUT, dtype=np.uint8)
        code[maybe] = CLAIM_MAYBE
        code[sure] = CLAIM_IN
        return code

    @overload
    def distance_to_coast_nm_xy(self, x_m: float, y_m: ArrayLike) -> float: ...
    @overload
    def distance_to_coast_nm_xy(self, x_m: Coords, y_m: ArrayLike) -> FloatArray: ...
    def distance_to_coast_nm_xy(self, x_m: ArrayLike, y_m: ArrayLike) -> float | FloatArray:
        """Distance to the nearest coast in nm (raster, ~0.5 nm accuracy; 0 on land and outside).

        A scalar ``x_m`` (a 0-d array too) gives a ``float``, an array an array of its shape.

        Outside the theater there is no sea room to speak of: the raster would answer with its
        edge cell, so a point past the edge could pass for open water.
        """
        x, scalar = as_array(x_m)
        xs = np.asarray(x, dtype=float).ravel()  # flat, as distance_zero indexes by position
        y = np.asarray(y_m, dtype=float).ravel()
        d = self.raster.distance_nm(xs, y)
        x0, y0, x1, y1 = self.frame.inner_box
        d[
            self.distance_zero(
                xs, y, d <= self.near_coast_nm, (xs < x0) | (xs > x1) | (y < y0) | (y > y1)
            )
        ] = 0.0
        return float(d[0]) if scalar else d.reshape(x.shape)

    @property
    def near_coast_nm(self) -> float:
        """Raster distances up to this may be on land: the exact polygons decide there."""
        return 1.5 * self.raster.cell_m / NM_M if not self.frame.land_xy.is_empty else -1.0

    def distance_zero(
        self, x: np.ndarray, y: np.ndarray, near: np.ndarray, edge: np.ndarray
    ) -> np.ndarray:
        """Which points have distance 0 to the coast although the raster says more.

        Those ``near`` the coast that are on land (as :meth:`zone_at_xy` decides), and those past
        the inscribed box (``edge``) that are outside the theater (no sea room to speak of there).
        """
        zero = np.zeros(len(x), dtype=bool)
        i = np.flatnonzero(near)
        if len(i):
            zero[i] = shapely.contains_xy(self.frame.land_xy, x[i], y[i])
        j = np.flatnonzero(edge)
        if len(j):
            zero[j] |= ~shapely.contains_xy(self.frame.domain_xy, x[j], y[j])
        return zero

    def segments_off_coast_xy(
        self,
        a: np.ndarray,
        b: np.ndarray,
        min_nm: float,
        step_m: float = 500.0,
        min_samples: int = 8,
    ) -> np.ndarray:
        """Whether each segment a[i] -> b[i] (arrays (n, 2), metres) stays ``min_nm`` off the coast.

        True where every sample point (every ``step_m``, at least ``min_samples``, ends
        included) is at least ``min_nm`` off the coast by :meth:`distance_to_coast_nm_xy`; the
        same answer, sampled in one compiled pass that stops at a segment's first close sample
        and, far off the coast, does not read the samples the distance transform vouches for.
        """
        a = np.asarray(a, dtype=float).reshape(-1, 2)
        b = np.asarray(b, dtype=float).reshape(-1, 2)
        if min_samples < 2:
            raise ValueError("min_samples must be at least 2 (both ends are sampled)")
        if not len(a):
            return np.zeros(0, dtype=bool)
        z = self.raster
        ok, seg, x, y, code = _kernels.segments_off_coast(
            np.ascontiguousarray(a[:, 0]),
            np.ascontiguousarray(a[:, 1]),
            np.ascontiguousarray(b[:, 0]),
            np.ascontiguousarray(b[:, 1]),
            z.dist,
            z.x0_m,
            z.y0_m,
            z.cell_m,
            DIST_UNIT_NM,
            float(min_nm),
            self.near_coast_nm,
            np.asarray(self.frame.inner_box, dtype=float),
            float(step_m),
            int(min_samples),
            NM_M,  # the raster is a distance transform (build_zone_raster)
        )
        if len(seg) and min_nm > 0:  # distance 0 only fails min_nm > 0
            ok[seg[self.distance_zero(x, y, (code & 1) > 0, (code & 2) > 0)]] = False
        return ok

    @overload
    def distance_to_coast_nm(self, lon: float, lat: ArrayLike) -> float: ...
    @overload
    def distance_to_coast_nm(self, lon: Coords, lat: ArrayLike) -> FloatArray: ...
    def distance_to_coast_nm(self, lon: ArrayLike, lat: ArrayLike) -> float | FloatArray:
        """Lon/lat variant of :meth:`distance_to_coast_nm_xy`."""
        _, scalar = as_array(lon)
        d = self.distance_to_coast_nm_xy(*self.frame.to_xy(lon, lat))
        return float(d) if scalar else d

    def zone_near_xy(self, x_m: float, y_m: float) -> Zone | None:
        """The zone of a metric point if every point within one raster cell of it has that zone.

        The zone is then also that of the point after a lon/lat round trip, so callers that
        name zones by :meth:`zone_at` of the converted point get the same answer without the
        two projections; None (ask :meth:`zone_at`) near the coast, where the exact land
        polygons decide, and where a neighbouring cell differs in state, kind or the 50 nm
        limit. The 3 x 3 cells are read at each call (a whole-raster table would cost more to
        build than a year's calls save).
        """
        if not (math.isfinite(x_m) and math.isfinite(y_m)):
            return None
        r = self.raster
        ny, nx = r.shape
        ix = min(max(int((x_m - r.x0_m) / r.cell_m), 0), nx - 1)  # as ZoneRaster.cell_index
        iy = min(max(int((y_m - r.y0_m) / r.cell_m), 0), ny - 1)
        rows, cols = slice(max(iy - 1, 0), iy + 2), slice(max(ix - 1, 0), ix + 2)  # edges clip
        d = r.dist[rows, cols].astype(np.float64) * DIST_UNIT_NM  # the values zone_at compares
        if d.min() <= self.near_coast_nm:
            return None
        s, k = int(r.state[iy, ix]), int(r.kind[iy, ix])
        within = d <= DPRK_MILITARY_ZONE_NM
        if (
            within.any() != within.all()
            or (r.state[rows, cols] != s).any()
            or (r.kind[rows, cols] != k).any()
        ):
            return None
        mz = s == STATE_CODES.index("PRK") and bool(within[0, 0]) and k != ZONE_KINDS.index("land")
        return Zone(STATE_CODES[s], ZONE_KINDS[k], bool(mz))

    def zone_at(self, lon: ArrayLike, lat: ArrayLike) -> Zone:
        """Zone of a lon/lat point (scalars -> Zone of str/bool; arrays -> Zone of arrays)."""
        lon_a, scalar = as_array(lon)
        x, y = self.frame.to_xy(lon, lat)
        x1, y1 = np.ravel(x), np.ravel(y)
        s, k = self.zone_at_xy(x1, y1)
        mz = dprk_military_mask(s, self.raster.distance_nm(x1, y1)) & (
            k != ZONE_KINDS.index("land")
        )
        states = np.asarray(STATE_CODES, dtype=object)[s]
        kinds = np.asarray(ZONE_KINDS, dtype=object)[k]
        if scalar:
            return Zone(str(states[0]), str(kinds[0]), bool(mz[0]))
        shape = lon_a.shape
        return Zone(states.reshape(shape), kinds.reshape(shape), mz.reshape(shape))

    def zone_geometry(self, state: str, kind: str) -> BaseGeometry:
        """Water within the outer limit of ``kind`` of ``state``'s coast (metres).

        Approximation used by routing: a plain buffer of the state's land (ignores median
        lines with neighbours, so it is conservative in narrow seas).
        """
        radius_nm = ZONE_RADIUS_NM
        if kind not in radius_nm:
            raise UserError(f"unknown zone kind {kind!r}.{suggest(kind, list(radius_nm))}")
        if state not in STATE_CODES:
            raise UserError(f"unknown state {state!r}.{suggest(state, list(STATE_CODES))}")
        land = self.frame.state_land(state)
        if land.is_empty:
            return shapely.Polygon()
        buf = shapely.buffer(shapely.simplify(land, 200.0), radius_nm[kind] * NM_M, quad_segs=4)
        return shapely.difference(
            shapely.intersection(buf, self.frame.domain_xy), self.frame.land_xy
        )

    def zone_geometry_cached(self, state: str, kind: str) -> BaseGeometry:
        """:meth:`zone_geometry`, memoised (routing asks for the same zones per variant)."""
        key = (state, kind)
        if key not in self._geoms:
            self._geoms[key] = self.zone_geometry(state, kind)
        return self._geoms[key]
