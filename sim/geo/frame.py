"""The frame of a theater: its metric CRS, land, water and domain, and snapping to water.

Everything is computed in an azimuthal-equidistant CRS centred on the theater
(``+proj=aeqd``), in metres; lon/lat appears only at the edges (inputs, tables, plots).
Distances in the AEQD plane are exact from the centre and within ~1% out to ~1,500 km,
which is far below the other uncertainties in the model. Zones, places and the seaway are
built on a frame (:mod:`sim.geo.zonemap`, :mod:`sim.geo.gazetteer`, :mod:`sim.geo.seaway`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias, overload

import numpy as np
import numpy.typing as npt
import pyproj
import shapely
from numpy.typing import ArrayLike
from shapely.geometry.base import BaseGeometry

from sim.errors import UserError
from sim.geo.shoreline import data_fingerprint, read_land_lonlat
from sim.geo.sovereignty import DEFAULT_STATE, KOREA_PARTITION, Partition, state_codes_at
from sim.units import NM_M

__all__ = [
    "BoolArray",
    "Coords",
    "FloatArray",
    "PORT_CLEARANCE_NM",
    "ROUTE_SNAP_MAX_NM",
    "Frame",
    "as_array",
    "inscribed_box",
    "sample_points_in_polygon",
]

ROUTE_SNAP_MAX_NM = 10.0
"""A route endpoint on land is moved to the nearest water at most this far, else UserError."""

PORT_CLEARANCE_NM = 0.5
"""Snapped places and endpoints are put at least this far off the GSHHS-i coast."""

Coords: TypeAlias = "np.ndarray | Sequence[float]"
"""Several coordinates (an array or a list): point queries then answer with an array."""

BoolArray: TypeAlias = "npt.NDArray[np.bool_]"
"""One bool per queried point, in the shape of the query."""

FloatArray: TypeAlias = "npt.NDArray[np.float64]"
"""One float per queried point, in the shape of the query."""


def as_array(v: ArrayLike) -> tuple[np.ndarray, bool]:
    """``v`` as a float array, and whether it was a scalar."""
    arr = np.asarray(v, dtype=float)
    return arr, arr.ndim == 0


class Frame:
    """A sea region's CRS, land and water (metres), and its sovereignty partition.

    Args:
        name: theater name (``korea`` selects the Korean sovereignty partition).
        bbox: (lon0, lat0, lon1, lat1) degrees.
        resolution: GSHHS resolution of the land.
        open_water_half_side_nm: build a square of open water this size instead (no land).
    """

    def __init__(
        self,
        name: str,
        bbox: tuple[float, float, float, float],
        resolution: str = "i",
        *,
        open_water_half_side_nm: float | None = None,
    ) -> None:
        """Project the land of ``bbox`` (or an open-water square) into the theater CRS."""
        lon0, lat0, lon1, lat1 = (float(v) for v in bbox)
        self.name = name
        self.bbox = (lon0, lat0, lon1, lat1)
        self.resolution = resolution
        lon_c, lat_c = (lon0 + lon1) / 2, (lat0 + lat1) / 2
        self.crs = pyproj.CRS.from_proj4(
            f"+proj=aeqd +lat_0={lat_c} +lon_0={lon_c} +datum=WGS84 +units=m +no_defs"
        )
        self._fwd = pyproj.Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)
        self._inv = pyproj.Transformer.from_crs(self.crs, "EPSG:4326", always_xy=True)
        if open_water_half_side_nm is not None:
            h = open_water_half_side_nm * NM_M
            self.domain_xy = shapely.box(-h, -h, h, h)
            self.land_xy: BaseGeometry = shapely.Polygon()
            self.partition: Partition = []
            self.default_state = "unknown"
        else:
            lons = np.concatenate(
                [
                    np.linspace(lon0, lon1, 200),
                    np.full(200, lon1),
                    np.linspace(lon1, lon0, 200),
                    np.full(200, lon0),
                ]
            )
            lats = np.concatenate(
                [
                    np.full(200, lat0),
                    np.linspace(lat0, lat1, 200),
                    np.full(200, lat1),
                    np.linspace(lat1, lat0, 200),
                ]
            )
            self.domain_xy = shapely.Polygon(np.column_stack(self._fwd.transform(lons, lats)))
            # densify first: the bbox clip leaves edges of a single long segment, which would
            # project to straight chords while the domain's edges are curved, leaving slivers of
            # false "water" along the theater's edges (up to a few km wide)
            land_ll = shapely.segmentize(read_land_lonlat(self.bbox, resolution), 0.05)
            self.land_xy = shapely.transform(
                land_ll, lambda c: np.column_stack(self._fwd.transform(c[:, 0], c[:, 1]))
            )
            self.land_xy = shapely.intersection(self.land_xy, self.domain_xy)
            self.partition = KOREA_PARTITION if name == "korea" else []
            self.default_state = DEFAULT_STATE.get(name, "unknown")
        self.water_xy = (
            shapely.difference(self.domain_xy, self.land_xy)
            if not self.land_xy.is_empty
            else self.domain_xy
        )
        self.water_area_nm2 = float(self.water_xy.area / NM_M**2)
        # < 1% water means an inland box (GSHHS seams/lake slivers leave a few hundred nm2)
        if self.water_area_nm2 < 0.01 * self.domain_xy.area / NM_M**2:
            raise UserError(
                f"theater {name!r} (bbox {self.bbox}) contains no navigable water "
                f"({self.water_area_nm2:.0f} nm2, under 1% of the box)"
            )
        shapely.prepare(self.land_xy)
        shapely.prepare(self.domain_xy)
        self.inner_box = inscribed_box(self.domain_xy)
        self.land_clear = shapely.buffer(self.land_xy, PORT_CLEARANCE_NM * NM_M, quad_segs=4)
        shapely.prepare(self.land_clear)
        self.fingerprint = (
            data_fingerprint(resolution) if open_water_half_side_nm is None else "none"
        )

    def __repr__(self) -> str:
        return f"Frame({self.name!r}, bbox={self.bbox}, water={self.water_area_nm2:,.0f} nm2)"

    def to_xy(self, lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Convert lon/lat degrees (scalars or arrays) to theater metres (x_m, y_m)."""
        x, y = self._fwd.transform(np.asarray(lon, float), np.asarray(lat, float))
        return np.asarray(x), np.asarray(y)

    def to_lonlat(self, x_m: ArrayLike, y_m: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Convert theater metres to lon/lat degrees."""
        lon, lat = self._inv.transform(np.asarray(x_m, float), np.asarray(y_m, float))
        return np.asarray(lon), np.asarray(lat)

    @overload
    def is_water_xy(self, x_m: float, y_m: ArrayLike) -> bool: ...
    @overload
    def is_water_xy(self, x_m: Coords, y_m: ArrayLike) -> BoolArray: ...
    def is_water_xy(self, x_m: ArrayLike, y_m: ArrayLike) -> bool | BoolArray:
        """True for points inside the theater and not on land (exact GSHHS polygons).

        A scalar ``x_m`` (a 0-d array too) gives a ``bool``, an array an array of its shape.
        """
        x, scalar = as_array(x_m)
        y = np.asarray(y_m, dtype=float)
        out = shapely.contains_xy(self.domain_xy, x, y)
        if not self.land_xy.is_empty:
            out &= ~shapely.contains_xy(self.land_xy, x, y)
        return bool(out) if scalar else out

    @overload
    def is_water(self, lon: float, lat: ArrayLike) -> bool: ...
    @overload
    def is_water(self, lon: Coords, lat: ArrayLike) -> BoolArray: ...
    def is_water(self, lon: ArrayLike, lat: ArrayLike) -> bool | BoolArray:
        """Lon/lat variant of :meth:`is_water_xy`."""
        _, scalar = as_array(lon)
        out = self.is_water_xy(*self.to_xy(lon, lat))
        return bool(out) if scalar else out

    def snap_to_water_xy(
        self, x_m: float, y_m: float, max_nm: float = ROUTE_SNAP_MAX_NM, label: str | None = None
    ) -> tuple[float, float, float]:
        """Move a point to water at least ``PORT_CLEARANCE_NM`` off the coast.

        Returns:
            (x_m, y_m, moved_nm). Points already clear of the coast are returned unchanged.

        Raises:
            UserError: when no such water lies within ``max_nm``.
        """
        label = label or f"point ({x_m:.0f} m, {y_m:.0f} m)"
        pt = shapely.Point(x_m, y_m)
        inside_domain = shapely.contains_xy(self.domain_xy, x_m, y_m)
        if inside_domain and not shapely.contains_xy(self.land_clear, x_m, y_m):
            return float(x_m), float(y_m), 0.0
        target = shapely.intersection(
            shapely.buffer(pt, (max_nm + 1) * NM_M), self.water_xy
        ).difference(self.land_clear)
        target = shapely.buffer(target, -1.0)  # strictly inside, not on the clearance line
        if target.is_empty:
            raise UserError(f"{label} is not within {max_nm:g} nm of navigable water")
        qx, qy = shapely.get_coordinates(shapely.shortest_line(target, pt))[0]
        q = shapely.Point(qx, qy)
        moved_nm = pt.distance(q) / NM_M
        if moved_nm > max_nm:
            raise UserError(
                f"{label} is {moved_nm:.1f} nm from navigable water (limit {max_nm:g} nm)"
            )
        return float(q.x), float(q.y), float(moved_nm)

    def snap_to_water(
        self, lon: float, lat: float, max_nm: float = ROUTE_SNAP_MAX_NM
    ) -> tuple[float, float]:
        """Lon/lat variant of :meth:`snap_to_water_xy`; returns (lon, lat)."""
        x, y = self.to_xy(lon, lat)
        sx, sy, _ = self.snap_to_water_xy(float(x), float(y), max_nm, label=f"({lon}, {lat})")
        slon, slat = self.to_lonlat(sx, sy)
        return float(slon), float(slat)

    def geom_to_xy(self, geom_ll: BaseGeometry) -> BaseGeometry:
        """A lon/lat geometry in theater metres (vertices projected; densify first)."""
        return shapely.transform(
            geom_ll, lambda c: np.column_stack(self._fwd.transform(c[:, 0], c[:, 1]))
        )

    def geom_to_lonlat(self, geom_xy: BaseGeometry) -> BaseGeometry:
        """A metric geometry in lon/lat degrees."""
        return shapely.transform(
            geom_xy, lambda c: np.column_stack(self._inv.transform(c[:, 0], c[:, 1]))
        )

    def land_state_codes(self, x_m: np.ndarray, y_m: np.ndarray) -> np.ndarray:
        """State codes of land points by the coarse sovereignty partition."""
        lon, lat = self.to_lonlat(x_m, y_m)
        return state_codes_at(lon, lat, self.partition, self.default_state)

    def state_land(self, state: str) -> BaseGeometry:
        """Land owned by ``state`` (metres), from the coarse sovereignty partition."""
        if self.land_xy.is_empty:
            return shapely.Polygon()
        claimed: list[BaseGeometry] = []
        result = None
        for st, ring in self.partition:
            lon, lat = np.asarray(ring).T
            poly = shapely.Polygon(np.column_stack(self.to_xy(lon, lat)))
            region = shapely.difference(poly, shapely.union_all(claimed)) if claimed else poly
            if st == state:
                part = shapely.intersection(self.land_xy, region)
                result = part if result is None else shapely.union(result, part)
            claimed.append(poly)
        if state == self.default_state:
            rest = (
                shapely.difference(self.land_xy, shapely.union_all(claimed))
                if claimed
                else self.land_xy
            )
            result = rest if result is None else shapely.union(result, rest)
        return result if result is not None else shapely.Polygon()


def inscribed_box(poly: BaseGeometry) -> tuple[float, float, float, float]:
    """An axis-aligned box inside ``poly`` (for a fast "inside the theater" test).

    Shrinks the bounding box about the centroid until it fits; points inside it need no
    polygon test. An empty box (never inside) if nothing fits.
    """
    x0, y0, x1, y1 = poly.bounds
    cx, cy = poly.centroid.x, poly.centroid.y
    for f in np.linspace(1.0, 0.5, 26):
        box = (cx - (cx - x0) * f, cy - (cy - y0) * f, cx + (x1 - cx) * f, cy + (y1 - cy) * f)
        if shapely.contains(poly, shapely.box(*box)):
            return box
    return (np.inf, np.inf, -np.inf, -np.inf)


def sample_points_in_polygon(poly: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, 2) points uniform over a metric polygon.

    Rejection sampling from its bounding box, drawing only from ``rng``.
    """
    xmin, ymin, xmax, ymax = poly.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        k = max(16, 2 * (n - len(out)))
        pts = rng.uniform((xmin, ymin), (xmax, ymax), size=(k, 2))
        out = np.vstack([out, pts[shapely.contains_xy(poly, pts[:, 0], pts[:, 1])]])
    return out[:n]
