"""The Theater: one metric CRS, land, zones, places, areas and routing for a sea region.

Everything is computed in an azimuthal-equidistant CRS centred on the theater
(``+proj=aeqd``), in metres; lon/lat appears only at the edges (inputs, tables, plots).
Distances in the AEQD plane are exact from the centre and within ~1% out to ~1,500 km,
which is far below the other uncertainties in the model.

Expensive products (zone raster, routing graphs) are cached on disk (see ``sim.geo.cache``)
and theaters are memoised in-process by ``load_theater``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from sim.errors import UserError, suggest
from sim.geo import _kernels, cache
from sim.geo.places import Area, read_areas_csv, read_places_csv
from sim.geo.routing import GraphConfig, Route, RoutingGraph, RoutingParams, build_graph
from sim.geo.shoreline import data_fingerprint, read_land_lonlat
from sim.geo.sovereignty import DEFAULT_STATE, KOREA_PARTITION, STATE_CODES, state_codes_at
from sim.geo.zones import (
    _DIST_UNIT_NM,
    CONTIGUOUS_NM,
    EEZ_NM,
    TERRITORIAL_NM,
    ZONE_KINDS,
    Zone,
    ZoneRaster,
    build_zone_raster,
    dprk_military_mask,
)
from sim.units import NM_M

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

ROUTE_SNAP_MAX_NM = 10.0
"""A route endpoint on land is moved to the nearest water at most this far, else UserError."""

PLACE_SNAP_MAX_NM = 25.0
"""Places further than this from navigable water are a data error (Songnim is up-river)."""

PORT_CLEARANCE_NM = 0.5
"""Snapped places and endpoints are put at least this far off the GSHHS-i coast."""

_MAX_RASTER_CELLS = 8_000_000


class Place(NamedTuple):
    """A port, base or gate. ``lon``/``lat``/``x_m``/``y_m`` are the snapped water position
    (air bases are not snapped); ``snap_nm`` is how far the file position was moved.
    """

    name: str
    kind: str
    state: str
    lon: float
    lat: float
    x_m: float
    y_m: float
    snap_nm: float
    source: str


def _as_array(v: Any) -> tuple[np.ndarray, bool]:
    arr = np.asarray(v, dtype=float)
    return arr, arr.ndim == 0


class Theater:
    """A sea region with land, maritime zones, places, named areas and water routing.

    Build with :func:`load_theater`; instances are immutable in practice and shared.
    """

    def __init__(
        self,
        name: str,
        bbox: tuple[float, float, float, float],
        resolution: str = "i",
        *,
        open_water_half_side_nm: float | None = None,
    ) -> None:
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
            self._partition: list = []
            self._default_state = "unknown"
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
            self._partition = KOREA_PARTITION if name == "korea" else []
            self._default_state = DEFAULT_STATE.get(name, "unknown")
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
        self._inner_box = _inscribed_box(self.domain_xy)
        self._land_clear = shapely.buffer(self.land_xy, PORT_CLEARANCE_NM * NM_M, quad_segs=4)
        shapely.prepare(self._land_clear)
        self._fingerprint = (
            data_fingerprint(resolution) if open_water_half_side_nm is None else "none"
        )
        self.zones = self._load_zones()
        self._graphs: dict[tuple, RoutingGraph] = {}
        self._zone_geoms: dict[tuple[str, str], BaseGeometry] = {}
        self.ports = self._load_places()
        self.places = self.ports
        self._place_by_name: dict[
            str, Place
        ] = {}  # the model asks for places thousands of times a run
        for r in self.ports.itertuples(index=False):
            self._place_by_name.setdefault(
                r.name,
                Place(
                    r.name,
                    r.kind,
                    r.state,
                    float(r.lon),
                    float(r.lat),
                    float(r.x_m),
                    float(r.y_m),
                    float(r.snap_nm),
                    r.source,
                ),
            )
        self._areas = self._load_areas()
        self.areas = pd.DataFrame(
            [
                {
                    "name": a.name,
                    "kind": a.kind,
                    "lon": a.centroid_lon,
                    "lat": a.centroid_lat,
                    "area_nm2": a.area_nm2,
                    "source": a.source,
                }
                for a in self._areas.values()
            ],
            columns=["name", "kind", "lon", "lat", "area_nm2", "source"],
        )

    def __repr__(self) -> str:
        return f"Theater({self.name!r}, bbox={self.bbox}, water={self.water_area_nm2:,.0f} nm2)"

    # ------------------------------------------------------------------ coordinates
    def to_xy(self, lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
        """Convert lon/lat degrees (scalars or arrays) to theater metres (x_m, y_m)."""
        x, y = self._fwd.transform(np.asarray(lon, float), np.asarray(lat, float))
        return np.asarray(x), np.asarray(y)

    def to_lonlat(self, x_m: Any, y_m: Any) -> tuple[np.ndarray, np.ndarray]:
        """Convert theater metres to lon/lat degrees."""
        lon, lat = self._inv.transform(np.asarray(x_m, float), np.asarray(y_m, float))
        return np.asarray(lon), np.asarray(lat)

    # ------------------------------------------------------------------ land / water
    def is_water_xy(self, x_m: Any, y_m: Any) -> Any:
        """True for points inside the theater and not on land (exact GSHHS polygons)."""
        x, scalar = _as_array(x_m)
        y = np.asarray(y_m, dtype=float)
        out = shapely.contains_xy(self.domain_xy, x, y)
        if not self.land_xy.is_empty:
            out &= ~shapely.contains_xy(self.land_xy, x, y)
        return bool(out) if scalar else out

    def is_water(self, lon: Any, lat: Any) -> Any:
        """Lon/lat variant of :meth:`is_water_xy`."""
        _, scalar = _as_array(lon)
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
        if inside_domain and not shapely.contains_xy(self._land_clear, x_m, y_m):
            return float(x_m), float(y_m), 0.0
        target = shapely.intersection(
            shapely.buffer(pt, (max_nm + 1) * NM_M), self.water_xy
        ).difference(self._land_clear)
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

    # ------------------------------------------------------------------ zones
    def _land_state_codes(self, x_m: np.ndarray, y_m: np.ndarray) -> np.ndarray:
        lon, lat = self.to_lonlat(x_m, y_m)
        return state_codes_at(lon, lat, self._partition, self._default_state)

    def _load_zones(self) -> ZoneRaster:
        xmin, ymin, xmax, ymax = self.domain_xy.bounds
        cell_m = max(1000.0, float(np.sqrt((xmax - xmin) * (ymax - ymin) / _MAX_RASTER_CELLS)))
        key = cache.cache_key(
            "zones",
            {
                "name": self.name,
                "bbox": self.bbox,
                "res": self.resolution,
                "data": self._fingerprint,
                "cell": cell_m,
                "partition": self._partition,
                "default": self._default_state,
            },
        )
        arrays = cache.load_arrays(key)
        if arrays is not None:
            return ZoneRaster.from_arrays(arrays)
        raster = build_zone_raster(
            self.land_xy, (xmin, ymin, xmax, ymax), cell_m, self._land_state_codes
        )
        cache.save_arrays(key, raster.to_arrays())
        return raster

    def zone_at_xy(self, x_m: Any, y_m: Any) -> tuple[np.ndarray, np.ndarray]:
        """Fast zone codes for metric points: (state_code, kind_code) uint8 arrays.

        Index ``STATE_CODES`` / ``ZONE_KINDS`` with the codes. The raster decides, except
        within ~1.5 cells of the coast, where the exact land polygons decide land vs water
        (so ``kind == land`` agrees with :meth:`is_water_xy`).
        """
        x = np.atleast_1d(np.asarray(x_m, dtype=float))
        y = np.atleast_1d(np.asarray(y_m, dtype=float))
        state, kind = self.zones.codes(x, y)
        state, kind = state.copy(), kind.copy()
        if not self.land_xy.is_empty:
            near = self.zones.distance_nm(x, y) <= 1.5 * self.zones.cell_m / NM_M
            if near.any():
                idx = np.flatnonzero(near)
                on_land = shapely.contains_xy(self.land_xy, x[idx], y[idx])
                land_code = ZONE_KINDS.index("land")
                terr = ZONE_KINDS.index("territorial")
                kind[idx[on_land]] = land_code
                wrong = idx[~on_land & (kind[idx] == land_code)]
                kind[wrong] = terr
        return state, kind

    def distance_to_coast_nm_xy(self, x_m: Any, y_m: Any) -> Any:
        """Distance to the nearest coast in nm (raster, ~0.5 nm accuracy; 0 on land and outside the theater).

        Outside the theater there is no sea room to speak of: the raster would answer with its
        edge cell, so a point past the edge could pass for open water.
        """
        x, scalar = _as_array(x_m)
        xs = np.atleast_1d(np.asarray(x, dtype=float))
        y = np.atleast_1d(np.asarray(y_m, dtype=float))
        d = self.zones.distance_nm(xs, y)
        x0, y0, x1, y1 = self._inner_box
        d[
            self._distance_zero(
                xs, y, d <= self._near_coast_nm, (xs < x0) | (xs > x1) | (y < y0) | (y > y1)
            )
        ] = 0.0
        return float(d[0]) if scalar else d.reshape(x.shape)

    @property
    def _near_coast_nm(self) -> float:
        """Raster distances up to this may be on land: the exact polygons decide there."""
        return 1.5 * self.zones.cell_m / NM_M if not self.land_xy.is_empty else -1.0

    def _distance_zero(
        self, x: np.ndarray, y: np.ndarray, near: np.ndarray, edge: np.ndarray
    ) -> np.ndarray:
        """Which points have distance 0 to the coast although the raster says more: those
        ``near`` the coast that are on land (as :meth:`zone_at_xy` decides), and those past the
        inscribed box (``edge``) that are outside the theater (no sea room to speak of there).
        """
        zero = np.zeros(len(x), dtype=bool)
        i = np.flatnonzero(near)
        if len(i):
            zero[i] = shapely.contains_xy(self.land_xy, x[i], y[i])
        j = np.flatnonzero(edge)
        if len(j):
            zero[j] |= ~shapely.contains_xy(self.domain_xy, x[j], y[j])
        return zero

    def segments_off_coast_xy(
        self,
        a: np.ndarray,
        b: np.ndarray,
        min_nm: float,
        step_m: float = 500.0,
        min_samples: int = 8,
    ) -> np.ndarray:
        """For each segment a[i] -> b[i] (arrays (n, 2), metres), whether every sample point
        (every ``step_m``, at least ``min_samples``, ends included) is at least ``min_nm`` off
        the coast by :meth:`distance_to_coast_nm_xy`; the same answer, sampled in one compiled
        pass that stops at a segment's first close sample.
        """
        a = np.asarray(a, dtype=float).reshape(-1, 2)
        b = np.asarray(b, dtype=float).reshape(-1, 2)
        if min_samples < 2:
            raise ValueError("min_samples must be at least 2 (both ends are sampled)")
        if not len(a):
            return np.zeros(0, dtype=bool)
        z = self.zones
        ok, seg, x, y, code = _kernels.segments_off_coast(
            np.ascontiguousarray(a[:, 0]),
            np.ascontiguousarray(a[:, 1]),
            np.ascontiguousarray(b[:, 0]),
            np.ascontiguousarray(b[:, 1]),
            z.dist,
            z.x0_m,
            z.y0_m,
            z.cell_m,
            _DIST_UNIT_NM,
            float(min_nm),
            self._near_coast_nm,
            np.asarray(self._inner_box, dtype=float),
            float(step_m),
            int(min_samples),
        )
        if len(seg) and min_nm > 0:  # distance 0 only fails min_nm > 0
            ok[seg[self._distance_zero(x, y, (code & 1) > 0, (code & 2) > 0)]] = False
        return ok

    def distance_to_coast_nm(self, lon: Any, lat: Any) -> Any:
        """Lon/lat variant of :meth:`distance_to_coast_nm_xy`."""
        _, scalar = _as_array(lon)
        d = self.distance_to_coast_nm_xy(*self.to_xy(lon, lat))
        return float(d) if scalar else d

    def zone_at(self, lon: Any, lat: Any) -> Zone:
        """Zone of a lon/lat point (scalars -> Zone of str/bool; arrays -> Zone of arrays)."""
        lon_a, scalar = _as_array(lon)
        x, y = self.to_xy(lon, lat)
        x1, y1 = np.atleast_1d(x), np.atleast_1d(y)
        s, k = self.zone_at_xy(x1, y1)
        mz = dprk_military_mask(s, self.zones.distance_nm(x1, y1)) & (k != ZONE_KINDS.index("land"))
        states = np.asarray(STATE_CODES, dtype=object)[s]
        kinds = np.asarray(ZONE_KINDS, dtype=object)[k]
        if scalar:
            return Zone(str(states[0]), str(kinds[0]), bool(mz[0]))
        shape = lon_a.shape
        return Zone(states.reshape(shape), kinds.reshape(shape), mz.reshape(shape))

    # ------------------------------------------------------------------ places
    def _load_places(self) -> pd.DataFrame:
        cols = [
            "name",
            "kind",
            "state",
            "lon",
            "lat",
            "x_m",
            "y_m",
            "snap_nm",
            "lon_file",
            "lat_file",
            "source",
        ]
        if self.land_xy.is_empty:
            return pd.DataFrame(columns=cols)
        df = read_places_csv()
        lon0, lat0, lon1, lat1 = self.bbox
        df = df[(df.lon >= lon0) & (df.lon <= lon1) & (df.lat >= lat0) & (df.lat <= lat1)]
        rows = []
        for r in df.itertuples(index=False):
            x, y = (float(v) for v in self.to_xy(r.lon, r.lat))
            moved = 0.0
            if r.kind != "air_base":
                x, y, moved = self.snap_to_water_xy(
                    x, y, PLACE_SNAP_MAX_NM, label=f"place {r.name!r}"
                )
            lon, lat = (float(v) for v in self.to_lonlat(x, y))
            rows.append([r.name, r.kind, r.state, lon, lat, x, y, moved, r.lon, r.lat, r.source])
        return pd.DataFrame(rows, columns=cols)

    def place(self, name: str) -> Place:
        """Return a place by name (UserError with a suggestion when unknown)."""
        hit = self._place_by_name.get(name)
        if hit is None:
            names = list(self.ports["name"])
            raise UserError(
                f"unknown place {name!r} in theater {self.name!r}.{suggest(name, names)}"
            )
        return hit

    # ------------------------------------------------------------------ areas
    def _load_areas(self) -> dict[str, Area]:
        out: dict[str, Area] = {}
        if self.land_xy.is_empty:
            return out
        df = read_areas_csv()
        box = shapely.box(*self.bbox)
        for r in df.itertuples(index=False):
            if not box.contains(r.geometry):
                continue
            ll = shapely.segmentize(r.geometry, 0.05)
            poly_xy = shapely.transform(
                ll, lambda c: np.column_stack(self._fwd.transform(c[:, 0], c[:, 1]))
            )
            water = shapely.intersection(poly_xy, self.water_xy)
            if water.is_empty:
                raise ValueError(f"areas.csv: area {r.name!r} has no water")
            c = water.centroid
            clon, clat = self.to_lonlat(c.x, c.y)
            water_ll = shapely.transform(
                water, lambda c: np.column_stack(self._inv.transform(c[:, 0], c[:, 1]))
            )
            out[r.name] = Area(
                r.name,
                r.kind,
                water,
                water_ll,
                float(water.area / NM_M**2),
                float(clon),
                float(clat),
                r.source,
            )
        return out

    def area(self, name: str) -> Area:
        """Return a named sea area (UserError with a suggestion when unknown)."""
        try:
            return self._areas[name]
        except KeyError:
            raise UserError(
                f"unknown area {name!r} in theater {self.name!r}.{suggest(name, list(self._areas))}"
            ) from None

    def sample_points_in_area(self, name: str, n: int, rng: np.random.Generator) -> np.ndarray:
        """Return (n, 2) metric points uniformly distributed over the area's water.

        Rejection sampling from the bounding box using only the given generator.
        """
        poly = self.area(name).polygon_xy
        shapely.prepare(poly)
        return sample_points_in_polygon(poly, n, rng)

    # ------------------------------------------------------------------ routing
    def _state_land(self, state: str) -> BaseGeometry:
        """Land owned by ``state`` (metres), from the coarse sovereignty partition."""
        if self.land_xy.is_empty:
            return shapely.Polygon()
        claimed = []
        result = None
        for st, ring in self._partition:
            lon, lat = np.asarray(ring).T
            poly = shapely.Polygon(np.column_stack(self.to_xy(lon, lat)))
            region = shapely.difference(poly, shapely.union_all(claimed)) if claimed else poly
            if st == state:
                part = shapely.intersection(self.land_xy, region)
                result = part if result is None else shapely.union(result, part)
            claimed.append(poly)
        if state == self._default_state:
            rest = (
                shapely.difference(self.land_xy, shapely.union_all(claimed))
                if claimed
                else self.land_xy
            )
            result = rest if result is None else shapely.union(result, rest)
        return result if result is not None else shapely.Polygon()

    def zone_geometry(self, state: str, kind: str) -> BaseGeometry:
        """Water within the outer limit of ``kind`` of ``state``'s coast (metres).

        Approximation used by routing: a plain buffer of the state's land (ignores median
        lines with neighbours, so it is conservative in narrow seas).
        """
        radius_nm = {"territorial": TERRITORIAL_NM, "contiguous": CONTIGUOUS_NM, "eez": EEZ_NM}
        if kind not in radius_nm:
            raise UserError(f"unknown zone kind {kind!r}.{suggest(kind, list(radius_nm))}")
        if state not in STATE_CODES:
            raise UserError(f"unknown state {state!r}.{suggest(state, list(STATE_CODES))}")
        land = self._state_land(state)
        if land.is_empty:
            return shapely.Polygon()
        buf = shapely.buffer(shapely.simplify(land, 200.0), radius_nm[kind] * NM_M, quad_segs=4)
        return shapely.difference(shapely.intersection(buf, self.domain_xy), self.land_xy)

    def _zone_geometry_cached(self, state: str, kind: str) -> BaseGeometry:
        key = (state, kind)
        if key not in self._zone_geoms:
            self._zone_geoms[key] = self.zone_geometry(state, kind)
        return self._zone_geoms[key]

    def _graph(self, avoid: tuple[tuple[str, str], ...], prefer: tuple[str, ...]) -> RoutingGraph:
        """Routing graph for one avoid/prefer variant, memoised in memory and on disk.

        Zone geometries (buffers of whole coastlines, the slow part) are only computed when
        the graph is built or its exact geometry is needed, not on a cached load.
        """
        gkey = (avoid, prefer)
        if gkey in self._graphs:
            return self._graphs[gkey]
        for s, k in avoid:  # validate names up front (UserError), cheaply
            if s not in STATE_CODES:
                raise UserError(f"unknown state {s!r}.{suggest(s, list(STATE_CODES))}")
            if k not in ("territorial", "contiguous", "eez"):
                raise UserError(
                    f"unknown zone kind {k!r}.{suggest(k, ['territorial', 'contiguous', 'eez'])}"
                )
        for s in prefer:
            if s not in STATE_CODES:
                raise UserError(f"unknown state {s!r}.{suggest(s, list(STATE_CODES))}")
        params = RoutingParams()
        extra = (
            (lambda: shapely.union_all([self._zone_geometry_cached(s, k) for s, k in avoid]))
            if avoid
            else None
        )
        pref = (
            (lambda: shapely.union_all([self._zone_geometry_cached(s, "eez") for s in prefer]))
            if prefer
            else None
        )
        key = cache.cache_key(
            "route",
            {
                "name": self.name,
                "bbox": self.bbox,
                "res": self.resolution,
                "data": self._fingerprint,
                "params": params.__dict__,
                "avoid": avoid,
                "prefer": prefer,
                "partition": self._partition,
                "raster_cell": self.zones.cell_m,
            },
        )
        cached = cache.load_arrays(key)
        open_nm = params.node_buffer_nm + 3.0  # escapes end well clear of island mazes
        config = GraphConfig(
            params=params,
            raster_cell_m=self.zones.cell_m,
            store=self._aux_store(key, gkey),
            open_water=lambda x, y: self.zones.distance_nm(x, y) >= open_nm,
        )
        g = build_graph(self.land_xy, self.domain_xy, config, extra, pref, cached)
        if cached is None or "clear" not in cached:
            cache.save_arrays(key, g.to_arrays())
        self._graphs[gkey] = g
        return g

    def _aux_store(self, graph_key: str, gkey: tuple) -> Any:
        """Disk memo of a routing graph's derived arrays (obstacle geometry, inside rasters).

        ``thin`` (land + frame) is the same for every avoid/prefer variant, so it is shared.
        """
        mem = self.__dict__.setdefault("_aux_mem", {})

        def store(name: str, build: Any) -> dict[str, np.ndarray]:
            k = cache.cache_key(
                "route-aux",
                {
                    "graph": graph_key if name != "thin" else self._graph_base_key(),
                    "which": name,
                    "v": 2,
                },
            )
            if k in mem:
                return mem[k]
            arr = cache.load_arrays(k)
            if arr is None:
                arr = build()
                cache.save_arrays(k, arr)
            if name == "thin":
                mem[k] = arr
            return arr

        return store

    def _graph_base_key(self) -> str:
        return cache.cache_key(
            "route",
            {
                "name": self.name,
                "bbox": self.bbox,
                "res": self.resolution,
                "data": self._fingerprint,
                "params": RoutingParams().__dict__,
                "raster_cell": self.zones.cell_m,
                "thin": 1,
            },
        )

    def _endpoint_xy(self, p: str | tuple[float, float], which: str) -> np.ndarray:
        if isinstance(p, str):
            pl = self.place(p)
            return np.array([pl.x_m, pl.y_m])
        lon, lat = (float(v) for v in p)
        x, y = (float(v) for v in self.to_xy(lon, lat))
        sx, sy, _ = self.snap_to_water_xy(
            x, y, ROUTE_SNAP_MAX_NM, label=f"route {which} ({lon:g}, {lat:g})"
        )
        return np.array([sx, sy])

    def route_xy(
        self,
        a_xy: tuple[float, float],
        b_xy: tuple[float, float],
        avoid: Iterable[tuple[str, str]] = (),
        prefer: Iterable[str] = (),
    ) -> Route:
        """Shortest water route between metric points already on water.

        Points hugging the coast (closer than ``PORT_CLEARANCE_NM``, e.g. sampled area
        points) are routed from their snapped position; the route still starts and ends at
        the given points (a short extra leg).
        """
        g = self._graph(
            tuple(sorted((str(s), str(k)) for s, k in avoid)), tuple(sorted(str(s) for s in prefer))
        )
        a0, b0 = np.asarray(a_xy, float), np.asarray(b_xy, float)
        a, b = a0, b0
        if not self.land_xy.is_empty:
            if shapely.contains_xy(self._land_clear, *a0):
                a = np.array(self.snap_to_water_xy(*a0, label="route start")[:2])
            if shapely.contains_xy(self._land_clear, *b0):
                b = np.array(self.snap_to_water_xy(*b0, label="route end")[:2])
        res = g.shortest(a, b)
        if res is None:
            raise UserError(
                f"no water route between {tuple(a_xy)} and {tuple(b_xy)} in {self.name!r}"
            )
        pts, cost_m = res
        if a is not a0 or b is not b0:
            extra = float(np.hypot(*(a - a0)) + np.hypot(*(b - b0)))
            pts = np.vstack([a0[None], pts, b0[None]])
            pts = pts[np.r_[True, np.hypot(*np.diff(pts, axis=0).T) > 0]]
            cost_m += extra
        lon, lat = self.to_lonlat(pts[:, 0], pts[:, 1])
        length_nm = float(np.hypot(*np.diff(pts, axis=0).T).sum() / NM_M)
        return Route(np.column_stack([lon, lat]), pts, length_nm, float(cost_m / NM_M))

    def route(
        self,
        a: str | tuple[float, float],
        b: str | tuple[float, float],
        avoid: Iterable[tuple[str, str]] = (),
        prefer: Iterable[str] = (),
    ) -> Route:
        """Shortest route over water between places (names) or (lon, lat) tuples.

        Args:
            a: start: a place name or (lon, lat); points on land snap up to 10 nm.
            b: end, same forms.
            avoid: (state, zone_kind) pairs whose waters the route must not enter
                (kind "contiguous" means all water within 24 nm, "eez" within 200 nm).
                Endpoints inside avoided waters leave them by a direct leg.
            prefer: states whose waters (within 200 nm) cost ``PREFER_FACTOR`` per nm.

        Returns:
            A :class:`Route`; ``length_nm`` is the true polyline length.
        """
        return self.route_xy(
            self._endpoint_xy(a, "start"), self._endpoint_xy(b, "end"), avoid, prefer
        )


def _validate_bbox(bbox: Any) -> tuple[float, float, float, float]:
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
    assert name is not None
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
        bbox = tuple(float(v) for v in bbox)  # hashable for the memo
        if name == "korea":
            name = None
    return _load(name, bbox, resolution)


def _inscribed_box(poly: BaseGeometry) -> tuple[float, float, float, float]:
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
    """(n, 2) points uniform over a metric polygon: rejection sampling from its bounding box,
    drawing only from ``rng``.
    """
    xmin, ymin, xmax, ymax = poly.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        k = max(16, 2 * (n - len(out)))
        pts = rng.uniform((xmin, ymin), (xmax, ymax), size=(k, 2))
        out = np.vstack([out, pts[shapely.contains_xy(poly, pts[:, 0], pts[:, 1])]])
    return out[:n]
