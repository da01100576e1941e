"""The seaway of a theater: routing graphs per avoid/prefer variant, and water routes.

Each variant's graph is memoised in memory and on disk (:mod:`sim.geo.cache`); the graphs
themselves are :mod:`sim.geo.routing`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

import numpy as np
import shapely

from sim.errors import UserError, suggest
from sim.geo import cache
from sim.geo.frame import ROUTE_SNAP_MAX_NM, Frame
from sim.geo.gazetteer import Place
from sim.geo.routing import GraphConfig, Route, RoutingGraph, RoutingParams, build_graph
from sim.geo.routing.params import ArrayStore
from sim.geo.sovereignty import STATE_CODES
from sim.geo.zonemap import ZONE_RADIUS_NM, ZoneMap
from sim.units import NM_M

__all__ = ["Seaway", "Variant", "describe_variant"]

Variant = tuple[tuple[tuple[str, str], ...], tuple[str, ...]]
"""(avoid, prefer) of one routing graph, sorted: ((state, zone kind), ...), (state, ...)."""

_OPEN_EXTRA_NM = 3.0  # escapes end this far beyond the node buffer (clear of island mazes)

_log = logging.getLogger(__name__)

_AUX_SAY = {
    "geoms": "obstacle geometry",
    "blocked": "inside raster of the obstacle",
    "thin": "inside raster of the coast",
}
"""What each derived array set of a graph is, in progress messages."""


def describe_variant(avoid: tuple[tuple[str, str], ...], prefer: tuple[str, ...]) -> str:
    """A graph variant as a progress message names it: ``routing graph (avoiding KOR eez)``."""
    parts = []
    if avoid:
        parts.append("avoiding " + ", ".join(f"{s} {k}" for s, k in avoid))
    if prefer:
        parts.append("preferring " + ", ".join(prefer))
    return "routing graph" + (f" ({'; '.join(parts)})" if parts else "")


class Seaway:
    """Water routes over one frame.

    Args:
        frame: the theater's CRS, land and domain.
        zones: its zones (avoided and preferred waters, the raster cell, open water).
        place: looks a place up by name (for routes between named places).
    """

    def __init__(self, frame: Frame, zones: ZoneMap, place: Callable[[str], Place]) -> None:
        """Routes over ``frame``; graphs are built or loaded on first use."""
        self.frame = frame
        self.zones = zones
        self._place = place
        self._graphs: dict[Variant, RoutingGraph] = {}
        self._aux_mem: dict[str, dict[str, np.ndarray]] = {}

    def graph(self, avoid: tuple[tuple[str, str], ...], prefer: tuple[str, ...]) -> RoutingGraph:
        """Routing graph for one avoid/prefer variant, memoised in memory and on disk.

        Zone geometries (buffers of whole coastlines, the slow part) are only computed when
        the graph is built or its exact geometry is needed, not on a cached load.
        """
        gkey: Variant = (avoid, prefer)
        if gkey in self._graphs:
            return self._graphs[gkey]
        for s, k in avoid:  # validate names up front (UserError), cheaply
            if s not in STATE_CODES:
                raise UserError(f"unknown state {s!r}.{suggest(s, list(STATE_CODES))}")
            if k not in ZONE_RADIUS_NM:
                raise UserError(f"unknown zone kind {k!r}.{suggest(k, list(ZONE_RADIUS_NM))}")
        for s in prefer:
            if s not in STATE_CODES:
                raise UserError(f"unknown state {s!r}.{suggest(s, list(STATE_CODES))}")
        params = RoutingParams()
        f = self.frame
        extra = (
            (lambda: shapely.union_all([self.zones.zone_geometry_cached(s, k) for s, k in avoid]))
            if avoid
            else None
        )
        pref = (
            (lambda: shapely.union_all([self.zones.zone_geometry_cached(s, "eez") for s in prefer]))
            if prefer
            else None
        )
        key = cache.cache_key(
            "route",
            {
                "name": f.name,
                "bbox": f.bbox,
                "res": f.resolution,
                "data": f.fingerprint,
                "params": params.__dict__,
                "avoid": avoid,
                "prefer": prefer,
                "partition": f.partition,
                "raster_cell": self.zones.raster.cell_m,
            },
        )
        cached = cache.load_arrays(key)
        open_nm = params.node_buffer_nm + _OPEN_EXTRA_NM
        label = describe_variant(avoid, prefer)
        config = GraphConfig(
            params=params,
            raster_cell_m=self.zones.raster.cell_m,
            store=self._aux_store(key, label),
            open_water=lambda x, y: self.zones.raster.distance_nm(x, y) >= open_nm,
            label=label,
        )
        cold = cached is None or "clear" not in cached
        if cold:
            _log.info("%s of %s: not in the cache, building it", label, f.name)
        g = build_graph(f.land_xy, f.domain_xy, config, extra, pref, cached)
        if cold:
            cache.save_arrays(key, g.to_arrays())
            _log.info("%s: built and cached in %.0f s", label, g.build_s)
        self._graphs[gkey] = g
        return g

    def _aux_store(self, graph_key: str, label: str) -> ArrayStore:
        """Disk memo of a routing graph's derived arrays (obstacle geometry, inside rasters).

        ``thin`` (land + frame) is the same for every avoid/prefer variant, so it is shared.
        """
        mem = self._aux_mem

        def store(name: str, build: Callable[[], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
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
                what = _AUX_SAY.get(name, name)
                _log.info("%s: %s, not in the cache, building it", label, what)
                t0 = time.perf_counter()
                arr = build()
                _log.info("%s: %s built in %.0f s", label, what, time.perf_counter() - t0)
                cache.save_arrays(k, arr)
            if name == "thin":
                mem[k] = arr
            return arr

        return store

    def _graph_base_key(self) -> str:
        f = self.frame
        return cache.cache_key(
            "route",
            {
                "name": f.name,
                "bbox": f.bbox,
                "res": f.resolution,
                "data": f.fingerprint,
                "params": RoutingParams().__dict__,
                "raster_cell": self.zones.raster.cell_m,
                "thin": 1,
            },
        )

    def _endpoint_xy(self, p: str | tuple[float, float], which: str) -> np.ndarray:
        if isinstance(p, str):
            pl = self._place(p)
            return np.array([pl.x_m, pl.y_m])
        lon, lat = (float(v) for v in p)
        x, y = (float(v) for v in self.frame.to_xy(lon, lat))
        sx, sy, _ = self.frame.snap_to_water_xy(
            x, y, ROUTE_SNAP_MAX_NM, label=f"route {which} ({lon:g}, {lat:g})"
        )
        return np.array([sx, sy])

    def route_xy(
        self,
        a_xy: tuple[float, float] | np.ndarray,
        b_xy: tuple[float, float] | np.ndarray,
        avoid: Iterable[tuple[str, str]] = (),
        prefer: Iterable[str] = (),
    ) -> Route:
        """Shortest water route between metric points already on water.

        Points hugging the coast (closer than ``PORT_CLEARANCE_NM``, e.g. sampled area
        points) are routed from their snapped position; the route still starts and ends at
        the given points (a short extra leg).
        """
        g = self.graph(
            tuple(sorted((str(s), str(k)) for s, k in avoid)), tuple(sorted(str(s) for s in prefer))
        )
        a0, b0 = np.asarray(a_xy, float), np.asarray(b_xy, float)
        a, b = a0, b0
        f = self.frame
        if not f.land_xy.is_empty:
            if shapely.contains_xy(f.land_clear, *a0):
                ax, ay, _ = f.snap_to_water_xy(float(a0[0]), float(a0[1]), label="route start")
                a = np.array([ax, ay])
            if shapely.contains_xy(f.land_clear, *b0):
                bx, by, _ = f.snap_to_water_xy(float(b0[0]), float(b0[1]), label="route end")
                b = np.array([bx, by])
        res = g.shortest(a, b)
        if res is None:
            raise UserError(f"no water route between {tuple(a_xy)} and {tuple(b_xy)} in {f.name!r}")
        pts, cost_m = res
        if a is not a0 or b is not b0:
            extra = float(np.hypot(*(a - a0)) + np.hypot(*(b - b0)))
            pts = np.vstack([a0[None], pts, b0[None]])
            pts = pts[np.r_[True, np.hypot(*np.diff(pts, axis=0).T) > 0]]
            cost_m += extra
        lon, lat = f.to_lonlat(pts[:, 0], pts[:, 1])
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
