"""Building a routing graph: obstacles, raster, nodes, bitangent edges, all-pairs paths.

Graph nodes are convex vertices of land buffered by ``node_buffer_nm`` (3 nm) and
simplified with ``node_tol_nm`` (1 nm), plus the narrows nodes
(:func:`sim.geo.routing.obstacles.fine_vertices`). Only *bitangent* edges are kept (the edge
line does not enter the polygon at either end), the classic pruning that leaves shortest
paths unchanged; every edge is tested exactly against the obstacle.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeAlias

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import shortest_path
from shapely.geometry.base import BaseGeometry

from sim.geo.routing.graph import GraphGeoms, LazyGeoms, RoutingGraph
from sim.geo.routing.obstacles import convex_ring_vertices, fine_vertices, obstacles, tangent
from sim.geo.routing.params import GraphConfig, RoutingParams
from sim.geo.routing.rasters import ClearanceRaster, clearance_raster
from sim.geo.routing.route import leg_cost
from sim.units import NM_M

__all__ = ["GeometrySource", "build_graph"]

GeometrySource: TypeAlias = BaseGeometry | Callable[[], BaseGeometry | None] | None
"""A geometry, a zero-argument callable returning it (evaluated only when needed), or None."""

_EDGE_CHUNK = 4_000_000  # node pairs tested for bitangency at once (memory bound)

_log = logging.getLogger(__name__)


def _resolve(src: GeometrySource) -> BaseGeometry | None:
    return src() if callable(src) else src


class _Phases:
    """Wall time of the build's phases (s), for the benchmark, and progress as they start.

    A cold build takes seconds per graph; each phase is logged (INFO) when it begins, so a
    command can show which one is running (``sim.cli.common.Progress``).
    """

    _SAY = {
        "zones": "waters avoided or preferred (zone buffers)",
        "obstacles": "obstacles (land and avoided waters, buffered)",
        "raster": "line-of-sight raster",
        "nodes": "nodes",
        "bitangents": "bitangent edges",
        "line_of_sight": "edges clear of land",
        "all_pairs": "all-pairs shortest paths",
    }

    def __init__(self, label: str) -> None:
        self.times: dict[str, float] = {}
        self._label = label
        self._phase: str | None = None
        self._t = time.perf_counter()

    def begin(self, phase: str) -> None:
        """End the running phase (its time is kept) and announce ``phase``."""
        self.end()
        self._phase = phase
        _log.info("%s: %s", self._label, self._SAY[phase])

    def end(self) -> None:
        """End the running phase, if any."""
        now = time.perf_counter()
        if self._phase is not None:
            self.times[self._phase] = round(now - self._t, 3)
        self._phase, self._t = None, now


def _nodes(
    node_parts: list[BaseGeometry],
    land_obstacle: BaseGeometry,
    blocked: BaseGeometry,
    params: RoutingParams,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(v, prev, next): the coarse and narrows nodes outside the obstacle, ring neighbours."""
    node_geom = shapely.simplify(shapely.union_all(node_parts), params.node_tol_nm * NM_M)
    v, p, n = convex_ring_vertices(node_geom)
    cv, cp, cn, fine = fine_vertices(land_obstacle, params)
    v, p, n = (
        np.concatenate([v, cv[fine]]),
        np.concatenate([p, cp[fine]]),
        np.concatenate([n, cn[fine]]),
    )
    ok = ~shapely.contains_xy(blocked, v[:, 0], v[:, 1])
    return v[ok], p[ok], n[ok]


def _bitangent_pairs(v: np.ndarray, p: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) of node pairs i < j whose line is tangent at both ends."""
    nn = len(v)
    rows, cols = [], []
    chunk = max(1, _EDGE_CHUNK // max(nn, 1))
    for i0 in range(0, nn, chunk):
        i1 = min(nn, i0 + chunk)
        vi = v[i0:i1, None, :]
        t1 = tangent(vi, v[None, :, :], p[None, :, :], n[None, :, :])  # tangent at j
        t2 = tangent(v[None, :, :], vi, p[i0:i1, None, :], n[i0:i1, None, :])  # at i
        ii, jj = np.nonzero(t1 & t2)
        keep = (ii + i0) < jj
        rows.append(ii[keep] + i0)
        cols.append(jj[keep])
    r = np.concatenate(rows) if rows else np.zeros(0, int)
    c = np.concatenate(cols) if cols else np.zeros(0, int)
    return r, c


def _all_pairs(
    v: np.ndarray, r: np.ndarray, c: np.ndarray, prefer: BaseGeometry | None
) -> tuple[np.ndarray, np.ndarray]:
    """(dist float32, pred int16/int32) all-pairs shortest paths over edges (r, c)."""
    nn = len(v)
    w = leg_cost(v[r], v[c], prefer) if len(r) else np.zeros(0)
    w = np.maximum(w, 1e-3)  # csgraph treats explicit zeros as missing edges
    mat = coo_matrix(
        (np.concatenate([w, w]), (np.concatenate([r, c]), np.concatenate([c, r]))), shape=(nn, nn)
    ).tocsr()
    dist, pred = shortest_path(mat, method="D", directed=False, return_predecessors=True)
    return dist.astype(np.float32), pred.astype(np.int16 if nn < 2**15 else np.int32)


def build_graph(
    land_xy: BaseGeometry,
    domain_xy: BaseGeometry,
    config: GraphConfig,
    extra_obstacle: GeometrySource = None,
    prefer_geom: GeometrySource = None,
    cached: dict[str, np.ndarray] | None = None,
) -> RoutingGraph:
    """Build (or re-hydrate from ``cached``) the routing graph for one theater variant.

    Args:
        land_xy: land polygons in metres (also the exact final check of every route).
        domain_xy: the theater's water domain outline (metres); outside is blocked.
        config: build parameters, raster cell, and the graph's store and open-water test.
        extra_obstacle: waters to avoid (metres), a zero-argument callable returning them
            (evaluated only when the geometry is needed), or None.
        prefer_geom: cheaper waters (metres), a callable, or None.
        cached: arrays from :meth:`RoutingGraph.to_arrays` to skip the expensive part.
    """
    t0 = time.perf_counter()
    params = config.params
    has_prefer = prefer_geom is not None
    land = land_xy if not land_xy.is_empty else None
    if cached is not None and "clear" in cached:

        def geoms() -> GraphGeoms:
            obs = obstacles(land_xy, domain_xy, params, _resolve(extra_obstacle))
            return GraphGeoms(obs.blocked, obs.thin, _resolve(prefer_geom))

        g = RoutingGraph(
            cached["nodes"],
            cached["prev"],
            cached["next"],
            cached["dist"],
            cached["pred"],
            LazyGeoms(geoms, lambda: _resolve(prefer_geom)),
            ClearanceRaster.from_arrays(cached),
            land,
            has_prefer,
            config,
        )
        g.build_s = time.perf_counter() - t0
        return g
    phases = _Phases(config.label)
    if extra_obstacle is not None or prefer_geom is not None:
        phases.begin("zones")
    extra = _resolve(extra_obstacle)
    pref = _resolve(prefer_geom)
    phases.begin("obstacles")
    obs = obstacles(land_xy, domain_xy, params, extra)
    shapely.prepare(obs.blocked)
    phases.begin("raster")
    raster = clearance_raster(obs.blocked, domain_xy.bounds, config.raster_cell_m)
    phases.begin("nodes")
    v, p, n = _nodes(obs.node_parts, obs.land_obstacle, obs.blocked, params)
    phases.begin("bitangents")
    r, c = _bitangent_pairs(v, p, n)
    phases.begin("line_of_sight")
    if len(r):
        lines = shapely.linestrings(np.stack([v[r], v[c]], axis=1))
        free = ~shapely.intersects(obs.blocked, lines)
        r, c = r[free], c[free]
    phases.begin("all_pairs")
    dist, pred = _all_pairs(v, r, c, pref)
    phases.end()
    g = RoutingGraph(
        v,
        p,
        n,
        dist,
        pred,
        GraphGeoms(obs.blocked, obs.thin, pref),
        raster,
        land,
        has_prefer,
        config,
    )
    g.build_phases = phases.times
    g.build_s = time.perf_counter() - t0
    return g
