"""Shortest water routes: a visibility graph over buffered, simplified coastlines.

Design (why this and not a grid): ship routes are straight lines between headlands, and a
visibility graph gives exactly those with a few thousand nodes, so all-pairs distances fit
in memory and a query is a handful of array operations plus a few line-of-sight tests.

* Obstacle for line of sight: land buffered by ``margin_nm`` (1 nm), lightly simplified,
  united with everything outside the theater. Routes therefore keep >= ~0.75 nm off the
  GSHHS-i coast (the simplification tolerance eats 0.25 nm).
* Graph nodes: convex vertices of land buffered by ``node_buffer_nm`` (3 nm) and
  simplified with ``node_tol_nm`` (1 nm); they sit ~2-3 nm off the coast, clear of the
  obstacle. Only *bitangent* edges are kept (the edge line does not enter the polygon at
  either end), the classic pruning that leaves shortest paths unchanged.
* Endpoints inside the obstacle (ports snapped close to the coast) connect with legs that
  only need to clear the raw coast by ``port_clear_nm`` (0.2 nm).
* ``avoid`` adds buffers of the named states' land (12/24/200 nm) to the obstacle;
  ``prefer`` makes travel inside the named states' 200 nm waters cost ``PREFER_FACTOR``
  per nm. Both are approximations (buffers ignore median lines) documented here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra, shortest_path
from shapely.geometry.base import BaseGeometry

from sim.units import NM_M

__all__ = ["Route", "RoutingGraph", "RoutingParams", "PREFER_FACTOR", "build_graph"]

PREFER_FACTOR = 0.6
"""Cost per nm inside preferred waters relative to elsewhere (a smuggler hugging them)."""


@dataclass(frozen=True)
class Route:
    """A water route.

    Attributes:
        lonlat: (n, 2) lon/lat degrees of the polyline vertices.
        xy_m: (n, 2) metric theater coordinates of the same vertices.
        length_nm: polyline length in nautical miles (metric CRS).
        cost_nm: length weighted by ``prefer`` (equals length_nm without preferences).
    """

    lonlat: np.ndarray = field(repr=False)
    xy_m: np.ndarray = field(repr=False)
    length_nm: float
    cost_nm: float = 0.0


@dataclass(frozen=True)
class RoutingParams:
    """Build parameters; part of the cache key."""

    margin_nm: float = 1.0
    node_buffer_nm: float = 3.0
    node_tol_nm: float = 1.0
    port_clear_nm: float = 0.2


def _convex_ring_vertices(poly_geom: BaseGeometry) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (v, prev, next) arrays of convex vertices of all rings (obstacle on the left)."""
    geom = shapely.orient_polygons(poly_geom, exterior_cw=False)
    vs, ps, ns = [], [], []
    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon":
            continue
        for ring in [poly.exterior, *poly.interiors]:
            c = np.asarray(ring.coords)[:-1]
            if len(c) < 3:
                continue
            p = np.roll(c, 1, axis=0)
            n = np.roll(c, -1, axis=0)
            cross = (c[:, 0] - p[:, 0]) * (n[:, 1] - c[:, 1]) - (c[:, 1] - p[:, 1]) * (n[:, 0] - c[:, 0])
            keep = cross > 0
            vs.append(c[keep])
            ps.append(p[keep])
            ns.append(n[keep])
    if not vs:
        z = np.zeros((0, 2))
        return z, z, z
    return np.concatenate(vs), np.concatenate(ps), np.concatenate(ns)


def _tangent(from_xy: np.ndarray, v: np.ndarray, p: np.ndarray, n: np.ndarray) -> np.ndarray:
    """True where the line from ``from_xy`` to node v stays locally outside at v.

    Works for broadcasting shapes: from_xy (..., 2) against nodes (..., 2).
    """
    d = v - from_xy
    c1 = d[..., 0] * (p[..., 1] - v[..., 1]) - d[..., 1] * (p[..., 0] - v[..., 0])
    c2 = d[..., 0] * (n[..., 1] - v[..., 1]) - d[..., 1] * (n[..., 0] - v[..., 0])
    return c1 * c2 >= 0


class RoutingGraph:
    """All-pairs shortest paths over visibility-graph nodes plus the obstacles to query with.

    Attributes:
        nodes: (n, 2) node coordinates (m). prev/next: their ring neighbours.
        dist: (n, n) float32 shortest cost between nodes (m, weighted by prefer).
        pred: (n, n) int32 predecessor matrix (-9999 = none).
        blocked: obstacle for line of sight (prepared). thin: raw land + clearance.
        prefer_geom: region with reduced cost, or None.
    """

    def __init__(
        self, nodes: np.ndarray, prev: np.ndarray, nxt: np.ndarray, dist: np.ndarray,
        pred: np.ndarray, blocked: BaseGeometry, thin: BaseGeometry,
        prefer_geom: BaseGeometry | None,
    ) -> None:
        self.nodes, self.prev, self.next = nodes, prev, nxt
        self.dist, self.pred = dist, pred
        self.blocked, self.thin, self.prefer_geom = blocked, thin, prefer_geom
        for g in (blocked, thin, prefer_geom):
            if g is not None:
                shapely.prepare(g)
        self.build_s = 0.0
        self.open_fn = None  # optional (x, y) -> bool "well offshore" test used by escapes
        self._escapes: dict[tuple[float, float], tuple | None] = {}

    # ----------------------------------------------------------------- queries
    def _cost(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Cost (m) of straight legs a->b (arrays (k, 2)), honouring ``prefer``."""
        length = np.hypot(*(b - a).T)
        if self.prefer_geom is None:
            return length
        lines = shapely.linestrings(np.stack([a, b], axis=1))
        inside = shapely.length(shapely.intersection(lines, self.prefer_geom))
        return length - (1.0 - PREFER_FACTOR) * inside

    def _clear(self, a: np.ndarray, b: np.ndarray, obstacle: BaseGeometry) -> bool:
        if np.allclose(a, b):
            return True
        return not shapely.intersects(shapely.LineString([a, b]), obstacle)

    def shortest(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, float] | None:
        """Return (polyline xy, cost_m) from a to b, or None when no route exists.

        Endpoints deep in narrow estuaries (Nampo up the Taedong) see no graph node; they
        first "escape" along a fine local grid to open water, then join the graph.
        """
        a = np.asarray(a, dtype=float)
        b = np.asarray(b, dtype=float)
        res = self._core(a, b, los_budget=80)
        if res is not None:
            return res
        pre = self._escape(a, toward=b)
        post = self._escape(b, toward=a)
        a2 = pre[-1] if pre is not None else a
        b2 = post[-1] if post is not None else b
        res = self._core(a2, b2, los_budget=None)
        if res is None:
            return None
        pts, _ = res
        parts = ([pre[:-1]] if pre is not None else []) + [pts] + (
            [post[::-1][1:]] if post is not None else [])
        pts = np.vstack(parts)
        cost = float(self._cost(pts[:-1], pts[1:]).sum())
        return pts, cost

    def _escape(
        self, p: np.ndarray, toward: np.ndarray, window_nm: float = 40.0, cell_nm: float = 0.3
    ) -> np.ndarray | None:
        """Grid path from ``p`` out to open water (None if ``p`` is already open).

        The exit cell minimises grid path length + straight distance to ``toward`` (the
        other endpoint), so a port in an estuary leaves seaward, not up-river.

        8-connected Dijkstra on a local 0.25 nm grid whose free cells clear the coast by
        ``port_clear_nm``; a diagonal step between two free cell centres cannot touch land
        because the half-diagonal (0.18 nm) is below that clearance. The path is then
        string-pulled against the same thin obstacle.
        """
        key = (round(float(p[0]), 1), round(float(p[1]), 1))
        if key not in self._escapes:
            self._escapes[key] = self._escape_tree(p, window_nm, cell_nm)
        tree = self._escapes[key]
        if tree is None:
            return None
        X, Y, goal, d, pred, start = tree
        cand = np.flatnonzero(goal.ravel() & np.isfinite(d))
        if len(cand) == 0:
            return None
        score = d[cand] + np.hypot(X.ravel()[cand] - toward[0], Y.ravel()[cand] - toward[1])
        j = int(cand[np.argmin(score)])
        if j == start:
            return None
        path = [j]
        while path[-1] != start:
            path.append(int(pred[path[-1]]))
        cells = np.column_stack([X.ravel()[path[::-1]], Y.ravel()[path[::-1]]])
        cells[0] = p
        # string pulling: greedily jump to the farthest visible vertex
        out = [cells[0]]
        i = 0
        while i < len(cells) - 1:
            j2 = len(cells) - 1
            while j2 > i + 1 and not self._clear(cells[i], cells[j2], self.thin):
                j2 -= 1
            out.append(cells[j2])
            i = j2
        return np.array(out)

    def _escape_tree(self, p: np.ndarray, window_nm: float, cell_nm: float) -> tuple | None:
        """Local grid Dijkstra from ``p`` (memoised per point by :meth:`_escape`)."""
        cell = cell_nm * NM_M
        k = int(window_nm / cell_nm)
        off = (np.arange(-k, k + 1)) * cell
        X, Y = np.meshgrid(p[0] + off, p[1] + off)
        free = ~shapely.contains_xy(self.thin, X, Y)
        goal = free & ~shapely.contains_xy(self.blocked, X, Y)
        if self.open_fn is not None:
            open_goal = goal & self.open_fn(X, Y)
            goal = open_goal if open_goal.any() else goal
        n = X.size
        idx = np.arange(n).reshape(X.shape)
        rows, cols, w = [], [], []
        for dy, dx in ((0, 1), (1, 0), (1, 1), (1, -1)):
            a_sl = (slice(0, X.shape[0] - dy), slice(max(0, -dx), X.shape[1] - max(0, dx)))
            b_sl = (slice(dy, X.shape[0]), slice(max(0, dx), X.shape[1] - max(0, -dx)))
            ok = free[a_sl] & free[b_sl]
            rows.append(idx[a_sl][ok])
            cols.append(idx[b_sl][ok])
            w.append(np.full(ok.sum(), cell * np.hypot(dx, dy)))
        r, c, ww = np.concatenate(rows), np.concatenate(cols), np.concatenate(w)
        mat = coo_matrix((ww, (r, c)), shape=(n, n)).tocsr()
        start = int(idx[k, k])
        d, pred = dijkstra(mat, directed=False, indices=start, return_predecessors=True)
        return X, Y, goal, d, pred, start

    def _core(self, a: np.ndarray, b: np.ndarray, los_budget: int | None) -> tuple[np.ndarray, float] | None:
        a_in = shapely.contains_xy(self.blocked, *a)
        b_in = shapely.contains_xy(self.blocked, *b)
        if self._clear(a, b, self.blocked) or (
            (a_in or b_in) and np.hypot(*(b - a)) < 5 * NM_M and self._clear(a, b, self.thin)
        ):
            return np.array([a, b]), float(self._cost(a[None], b[None])[0])
        if len(self.nodes) == 0:
            return None
        ca = np.flatnonzero(_tangent(a, self.nodes, self.prev, self.next))
        cb = np.flatnonzero(_tangent(b, self.nodes, self.prev, self.next))
        if len(ca) == 0 or len(cb) == 0:
            return None
        f = PREFER_FACTOR if self.prefer_geom is not None else 1.0
        da = np.hypot(*(self.nodes[ca] - a).T) * f
        db = np.hypot(*(self.nodes[cb] - b).T) * f
        total = da[:, None] + self.dist[np.ix_(ca, cb)] + db[None, :]
        flat = total.ravel()
        finite = np.flatnonzero(np.isfinite(flat))
        order = finite[np.argsort(flat[finite], kind="stable")]
        obs_a = self.thin if a_in else self.blocked
        obs_b = self.thin if b_in else self.blocked
        vis_a: dict[int, bool] = {}
        vis_b: dict[int, bool] = {}
        best: tuple[float, int, int] | None = None
        checks = 0
        ncb = len(cb)
        for k in order:
            lbound = flat[k]
            if best is not None and lbound >= best[0]:
                break
            i, j = divmod(int(k), ncb)
            if i not in vis_a:
                vis_a[i] = self._clear(a, self.nodes[ca[i]], obs_a)
                checks += 1
            if not vis_a[i]:
                if los_budget is not None and checks > los_budget:
                    break
                continue
            if j not in vis_b:
                vis_b[j] = self._clear(self.nodes[cb[j]], b, obs_b)
                checks += 1
            if not vis_b[j]:
                if los_budget is not None and checks > los_budget:
                    break
                continue
            if self.prefer_geom is None:
                cost = float(lbound)
            else:
                cost = float(
                    self._cost(a[None], self.nodes[ca[i]][None])[0]
                    + self.dist[ca[i], cb[j]]
                    + self._cost(self.nodes[cb[j]][None], b[None])[0]
                )
            if best is None or cost < best[0]:
                best = (cost, int(ca[i]), int(cb[j]))
            if self.prefer_geom is None:
                break  # the bound was exact: the first feasible pair is optimal
        if best is None:
            return None
        cost, u, v = best
        path = [v]
        while path[-1] != u:
            path.append(int(self.pred[u, path[-1]]))
            if path[-1] < 0:
                return None
        pts = np.vstack([a, self.nodes[path[::-1]], b])
        return pts, cost

    # ----------------------------------------------------------------- cache
    def to_arrays(self) -> dict[str, np.ndarray]:
        """Serialise the node set and matrices (geometries are rebuilt by the caller)."""
        return {"nodes": self.nodes, "prev": self.prev, "next": self.next,
                "dist": self.dist, "pred": self.pred}


def build_graph(
    land_xy: BaseGeometry,
    domain_xy: BaseGeometry,
    params: RoutingParams,
    extra_obstacle: BaseGeometry | None = None,
    prefer_geom: BaseGeometry | None = None,
    cached: dict[str, np.ndarray] | None = None,
) -> RoutingGraph:
    """Build (or re-hydrate from ``cached``) the routing graph for one theater variant.

    Args:
        land_xy: land polygons in metres.
        domain_xy: the theater's water domain outline (metres); outside is blocked.
        params: buffers and tolerances.
        extra_obstacle: waters to avoid (metres), or None.
        prefer_geom: cheaper waters (metres), or None.
        cached: arrays from :meth:`RoutingGraph.to_arrays` to skip the expensive part.
    """
    t0 = time.perf_counter()
    xmin, ymin, xmax, ymax = domain_xy.bounds
    pad = 50 * NM_M
    frame = shapely.box(xmin - pad, ymin - pad, xmax + pad, ymax + pad).difference(domain_xy)
    m = params.margin_nm * NM_M
    blocked_parts = [frame]
    node_parts = [shapely.box(xmin - 2 * pad, ymin - 2 * pad, xmax + 2 * pad, ymax + 2 * pad)
                  .difference(shapely.buffer(domain_xy, -params.node_buffer_nm * NM_M))]
    if not land_xy.is_empty:
        blocked_parts.append(shapely.simplify(shapely.buffer(land_xy, m, quad_segs=2), 0.25 * NM_M))
        node_parts.append(shapely.buffer(land_xy, params.node_buffer_nm * NM_M, quad_segs=2))
    if extra_obstacle is not None and not extra_obstacle.is_empty:
        blocked_parts.append(extra_obstacle)
        node_parts.append(shapely.buffer(extra_obstacle, (params.node_buffer_nm - params.margin_nm) * NM_M, quad_segs=2))
    blocked = shapely.union_all(blocked_parts)
    thin = shapely.union_all([frame, shapely.buffer(land_xy, params.port_clear_nm * NM_M, quad_segs=2)]) \
        if not land_xy.is_empty else frame
    if cached is not None:
        g = RoutingGraph(cached["nodes"], cached["prev"], cached["next"], cached["dist"],
                         cached["pred"], blocked, thin, prefer_geom)
        g.build_s = time.perf_counter() - t0
        return g
    node_geom = shapely.simplify(shapely.union_all(node_parts), params.node_tol_nm * NM_M)
    v, p, n = _convex_ring_vertices(node_geom)
    shapely.prepare(blocked)
    ok = ~shapely.contains_xy(blocked, v[:, 0], v[:, 1])
    v, p, n = v[ok], p[ok], n[ok]
    # also drop nodes touching the obstacle boundary (distance 0)
    nn = len(v)
    rows, cols = [], []
    chunk = max(1, 4_000_000 // max(nn, 1))
    for i0 in range(0, nn, chunk):
        i1 = min(nn, i0 + chunk)
        vi = v[i0:i1, None, :]
        t1 = _tangent(vi, v[None, :, :], p[None, :, :], n[None, :, :])  # tangent at j
        t2 = _tangent(v[None, :, :], vi, p[i0:i1, None, :], n[i0:i1, None, :])  # at i
        ii, jj = np.nonzero(t1 & t2)
        keep = (ii + i0) < jj
        rows.append(ii[keep] + i0)
        cols.append(jj[keep])
    r = np.concatenate(rows) if rows else np.zeros(0, int)
    c = np.concatenate(cols) if cols else np.zeros(0, int)
    if len(r):
        lines = shapely.linestrings(np.stack([v[r], v[c]], axis=1))
        free = ~shapely.intersects(lines, blocked)
        r, c = r[free], c[free]
    g = RoutingGraph(v, p, n, np.zeros((0, 0), np.float32), np.zeros((0, 0), np.int32),
                     blocked, thin, prefer_geom)
    w = g._cost(v[r], v[c]) if len(r) else np.zeros(0)
    w = np.maximum(w, 1e-3)  # csgraph treats explicit zeros as missing edges
    mat = coo_matrix((np.concatenate([w, w]), (np.concatenate([r, c]), np.concatenate([c, r]))),
                     shape=(nn, nn)).tocsr()
    dist, pred = shortest_path(mat, method="D", directed=False, return_predecessors=True)
    g.dist = dist.astype(np.float32)
    g.pred = pred.astype(np.int32)
    g.build_s = time.perf_counter() - t0
    return g
