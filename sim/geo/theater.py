"""The Theater: one metric CRS, land, zones, places, areas and routing for a sea region.

A facade over four parts, each its own module and testable alone: the :class:`Frame` (CRS,
land, water, snapping), the :class:`ZoneMap` (maritime zones, distance to the coast), the
:class:`Gazetteer` (places and areas) and the :class:`Seaway` (routing graphs and routes).

Expensive products (zone raster, routing graphs) are cached on disk (see ``sim.geo.cache``)
and theaters are memoised in-process by ``load_theater``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any, overload

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from shapely.geometry.base import BaseGeometry

from sim.errors import UserError, suggest
from sim.geo.frame import (
    PORT_CLEARANCE_NM,
    ROUTE_SNAP_MAX_NM,
    BoolArray,
    Coords,
    FloatArray,
    Frame,
    sample_points_in_polygon,
)
from sim.geo.gazetteer import PLACE_SNAP_MAX_NM, Gazetteer, Place
from sim.geo.places import Area
from sim.geo.routing import Route, RoutingGraph
from sim.geo.seaway import Seaway
from sim.geo.zonemap import ZoneMap
from sim.geo.zones import Zone, ZoneRaster

__all__ = [
    "Theater",
    "Place",
    "load_theater",
    "THEATER_PRESETS",
    "ROUTE_SNAP_MAX_NM",
    "PLACE_SNAP_MAX_NM",
    "PORT_CLEARANCE_NM",
    "sample_points_in_polygon",
]

THEATER_PRESETS: dict[str, dict[str, Any]] = {
    "korea": {"bbox": (117.0, 21.0, 143.0, 46.0), "resolution": "i"},
    # 600 x 600 nm of open sea centred on 30N 125E (search-theory checks): no land at all.
    "open_water": {"center": (125.0, 30.0), "half_side_nm": 300.0},
}
"""Named theaters. Any other region: ``load_theater(bbox=(lon0, lat0, lon1, lat1))``."""


class Theater:
    """A sea region with land, maritime zones, places, named areas and water routing.

    Build with :func:`load_theater`; instances are immutable in practice and shared.

    Attributes:
        frame: CRS, land and water. zonemap: zones. gazetteer: places and areas.
        seaway: routing. The attributes below are the frame's and the gazetteer's, and
        ``zones`` is the zone raster (kept for callers that read it directly).
    """

    def __init__(
        self,
        name: str,
        bbox: tuple[float, float, float, float],
        resolution: str = "i",
        *,
        open_water_half_side_nm: float | None = None,
    ) -> None:
        """Build the frame, zones, places and seaway of a region (see :class:`Frame`)."""
        self.frame = Frame(name, bbox, resolution, open_water_half_side_nm=open_water_half_side_nm)
        self.zonemap = ZoneMap(self.frame)
        self.gazetteer = Gazetteer(self.frame)
        self.seaway = Seaway(self.frame, self.zonemap, self.gazetteer.place)
        f = self.frame
        self.name, self.bbox, self.resolution, self.crs = f.name, f.bbox, f.resolution, f.crs
        self.domain_xy: BaseGeometry = f.domain_xy
        self.land_xy: BaseGeometry = f.land_xy
        self.water_xy: BaseGeometry = f.water_xy
        self.water_area_nm2 = f.water_area_nm2
        self.zones: ZoneRaster = self.zonemap.raster
        self.ports: pd.DataFrame = self.gazetteer.places
        self.places: pd.DataFrame = self.gazetteer.places
        self.areas: pd.DataFrame = self.gazetteer.areas

    def __repr__(self) -> str:
        return f"Theater({self.name!r}, bbox={self.bbox}, water={self.water_area_nm2:,.0f} nm2)"

    @property
    def fingerprint(self) -> str:
        """Identity of the shoreline data the theater was built from (part of cache keys)."""
        return self.frame.fingerprint

    # ------------------------------------------------------------------ frame
    def to_xy(self, lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Convert lon/lat degrees (scalars or arrays) to theater metres (x_m, y_m)."""
        return self.frame.to_xy(lon, lat)

    def to_lonlat(self, x_m: ArrayLike, y_m: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Convert theater metres to lon/lat degrees."""
        return self.frame.to_lonlat(x_m, y_m)

    @overload
    def is_water_xy(self, x_m: float, y_m: ArrayLike) -> bool: ...
    @overload
    def is_water_xy(self, x_m: Coords, y_m: ArrayLike) -> BoolArray: ...
    def is_water_xy(self, x_m: float | Coords, y_m: ArrayLike) -> bool | BoolArray:
        """True for points inside the theater and not on land (see :meth:`Frame.is_water_xy`)."""
        return self.frame.is_water_xy(x_m, y_m)

    @overload
    def is_water(self, lon: float, lat: ArrayLike) -> bool: ...
    @overload
    def is_water(self, lon: Coords, lat: ArrayLike) -> BoolArray: ...
    def is_water(self, lon: float | Coords, lat: ArrayLike) -> bool | BoolArray:
        """Lon/lat variant of :meth:`is_water_xy`."""
        return self.frame.is_water(lon, lat)

    def snap_to_water_xy(
        self, x_m: float, y_m: float, max_nm: float = ROUTE_SNAP_MAX_NM, label: str | None = None
    ) -> tuple[float, float, float]:
        """Move a point to water off the coast (see :meth:`Frame.snap_to_water_xy`)."""
        return self.frame.snap_to_water_xy(x_m, y_m, max_nm, label)

    def snap_to_water(
        self, lon: float, lat: float, max_nm: float = ROUTE_SNAP_MAX_NM
    ) -> tuple[float, float]:
        """Lon/lat variant of :meth:`snap_to_water_xy`; returns (lon, lat)."""
        return self.frame.snap_to_water(lon, lat, max_nm)

    # ------------------------------------------------------------------ zones
    def zone_at_xy(self, x_m: ArrayLike, y_m: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """(state_code, kind_code) of metric points (see :meth:`ZoneMap.zone_at_xy`)."""
        return self.zonemap.zone_at_xy(x_m, y_m)

    def zone_at(self, lon: ArrayLike, lat: ArrayLike) -> Zone:
        """Zone of a lon/lat point (see :meth:`ZoneMap.zone_at`)."""
        return self.zonemap.zone_at(lon, lat)

    def zone_near_xy(self, x_m: float, y_m: float) -> Zone | None:
        """Zone of a metric point the raster is sure of within a cell (``ZoneMap.zone_near_xy``)."""
        return self.zonemap.zone_near_xy(x_m, y_m)

    def dprk_claim_xy(self, x_m: np.ndarray, y_m: np.ndarray) -> np.ndarray:
        """Whether metric points may be in DPRK-claimed waters (:meth:`ZoneMap.dprk_claim_xy`)."""
        return self.zonemap.dprk_claim_xy(x_m, y_m)

    def dprk_claim_box(self, xmin_m: float, ymin_m: float, xmax_m: float, ymax_m: float) -> bool:
        """Whether a metric box may reach DPRK-claimed waters (:meth:`ZoneMap.dprk_claim_box`)."""
        return self.zonemap.dprk_claim_box(xmin_m, ymin_m, xmax_m, ymax_m)

    @overload
    def distance_to_coast_nm_xy(self, x_m: float, y_m: ArrayLike) -> float: ...
    @overload
    def distance_to_coast_nm_xy(self, x_m: Coords, y_m: ArrayLike) -> FloatArray: ...
    def distance_to_coast_nm_xy(self, x_m: float | Coords, y_m: ArrayLike) -> float | FloatArray:
        """Distance to the nearest coast (nm; see :meth:`ZoneMap.distance_to_coast_nm_xy`)."""
        return self.zonemap.distance_to_coast_nm_xy(x_m, y_m)

    @overload
    def distance_to_coast_nm(self, lon: float, lat: ArrayLike) -> float: ...
    @overload
    def distance_to_coast_nm(self, lon: Coords, lat: ArrayLike) -> FloatArray: ...
    def distance_to_coast_nm(self, lon: float | Coords, lat: ArrayLike) -> float | FloatArray:
        """Lon/lat variant of :meth:`distance_to_coast_nm_xy`."""
        return self.zonemap.distance_to_coast_nm(lon, lat)

    def segments_off_coast_xy(
        self,
        a: np.ndarray,
        b: np.ndarray,
        min_nm: float,
        step_m: float = 500.0,
        min_samples: int = 8,
    ) -> np.ndarray:
        """Whether segments keep ``min_nm`` off the coast (``ZoneMap.segments_off_coast_xy``)."""
        return self.zonemap.segments_off_coast_xy(a, b, min_nm, step_m, min_samples)

    def zone_geometry(self, state: str, kind: str) -> BaseGeometry:
        """Water within ``kind``'s limit of ``state``'s coast (:meth:`ZoneMap.zone_geometry`)."""
        return self.zonemap.zone_geometry(state, kind)

    # ------------------------------------------------------------------ places
    def place(self, name: str) -> Place:
        """Return a place by name (UserError with a suggestion when unknown)."""
        return self.gazetteer.place(name)

    def area(self, name: str) -> Area:
        """Return a named sea area (UserError with a suggestion when unknown)."""
        return self.gazetteer.area(name)

    def sample_points_in_area(self, name: str, n: int, rng: np.random.Generator) -> np.ndarray:
        """(n, 2) metric points uniform over the area's water, drawn only from ``rng``."""
        return self.gazetteer.sample_points_in_area(name, n, rng)

    # ------------------------------------------------------------------ routing
    def _graph(self, avoid: tuple[tuple[str, str], ...], prefer: tuple[str, ...]) -> RoutingGraph:
        """The routing graph of one variant (for tests and benchmarks; see :meth:`Seaway.graph`)."""
        return self.seaway.graph(avoid, prefer)

    def route_xy(
        self,
        a_xy: tuple[float, float] | np.ndarray,
        b_xy: tuple[float, float] | np.ndarray,
        avoid: Iterable[tuple[str, str]] = (),
        prefer: Iterable[str] = (),
    ) -> Route:
        """Shortest water route between metric points on water (see :meth:`Seaway.route_xy`)."""
        return self.seaway.route_xy(a_xy, b_xy, avoid, prefer)

    def route(
        self,
        a: str | tuple[float, float],
        b: str | tuple[float, float],
        avoid: Iterable[tuple[str, str]] = (),
        prefer: Iterable[str] = (),
    ) -> Route:
        """Shortest route over water between places or (lon, lat) (see :meth:`Seaway.route`)."""
        return self.seaway.route(a, b, avoid, prefer)


def _validate_bbox(bbox: Iterable[float]) -> tuple[float, float, float, float]:
    try:
        lon0, lat0, lon1, lat1 = (float(v) for v in bbox)
    except (TypeError, ValueError):
        raise UserError(f"bbox must be (lon0, lat0, lon1, lat1) numbers, got {bbox!r}") from None
    if not (lon0 < lon1 and lat0 < lat1):
        raise UserError(
            f"bbox {bbox!r} is inverted or empty: need lon0 < lon1 and lat0 < lat1 "
            "(order is lon0, lat0, lon1, lat1)"
        )
    if not (-90 <= lat0 and lat1 <= 90 and -180 <= lon0 and lon1 <= 360 and lon1 - lon0 <= 60):
        raise UserError(f"bbox {bbox!r} is outside the globe or wider than 60 degrees")
    return lon0, lat0, lon1, lat1


@lru_cache(maxsize=8)
def _load(
    name: str | None, bbox: tuple[float, float, float, float] | None, resolution: str
) -> Theater:
    if bbox is not None:
        b = _validate_bbox(bbox)
        return Theater(name or "bbox_{:g}_{:g}_{:g}_{:g}".format(*b), b, resolution)
    if name is None:
        raise UserError("load_theater needs a theater name or a bbox")
    if name not in THEATER_PRESETS:
        raise UserError(f"unknown theater {name!r}.{suggest(name, list(THEATER_PRESETS))}")
    preset = THEATER_PRESETS[name]
    if "center" in preset:
        lon_c, lat_c = preset["center"]
        half_deg_lat = preset["half_side_nm"] / 60.0
        half_deg_lon = half_deg_lat / np.cos(np.radians(lat_c))
        b = (lon_c - half_deg_lon, lat_c - half_deg_lat, lon_c + half_deg_lon, lat_c + half_deg_lat)
        return Theater(name, b, resolution, open_water_half_side_nm=preset["half_side_nm"])
    return Theater(name, preset["bbox"], preset.get("resolution", resolution))


def load_theater(
    name: str | None = "korea",
    bbox: tuple[float, float, float, float] | None = None,
    resolution: str = "i",
) -> Theater:
    """Load a theater by preset name or by bbox (memoised per arguments).

    Args:
        name: "korea" (default), "open_water", or a label when ``bbox`` is given.
        bbox: (lon0, lat0, lon1, lat1) degrees for any other region, e.g. the Baltic.
        resolution: GSHHS resolution "c", "l" or "i" (bbox theaters only).

    Raises:
        UserError: unknown name, inverted bbox, or a bbox with no water.
    """
    if bbox is not None:
        bbox = _validate_bbox(bbox)  # floats, hashable for the memo
        if name == "korea":
            name = None
    return _load(name, bbox, resolution)
