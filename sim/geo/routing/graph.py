"""The routing graph: nodes, all-pairs matrices and obstacles, and its one query.

:meth:`RoutingGraph.shortest` runs the fast graph query, escapes, tightening and the exact
fallback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from sim.geo.routing.escape import EscapeCache, Escaper, EscapeTree, escape_tree
from sim.geo.routing.exact import exact_search
from sim.geo.routing.obstacles import clear
from sim.geo.routing.params import GraphConfig
from sim.geo.routing.query import GraphSearch, QueryOutcome, QueryResult
from sim.geo.routing.rasters import ClearanceRaster, InsideRaster, inside_raster
from sim.geo.routing.route import Polyline, leg_cost, splice
from sim.geo.routing.tighten import Tightener
from sim.units import NM_M

__all__ = ["GraphGeoms", "LazyGeoms", "RoutingGraph"]

_INSIDE_CELL_M = 500.0  # cell of the point-in-obstacle rasters (m; assumption: ~33 MB each)
_PORT_LEG_MAX_M = 5 * NM_M  # longest straight leg from an endpoint inside the obstacle (m)


class GraphGeoms(NamedTuple):
    """The query geometries of a graph (metres).

    Attributes:
        blocked: the line-of-sight obstacle.
        thin: raw land plus ``port_clear_nm``, and the outside.
        prefer: the preferred waters, or None.
    """

    blocked: BaseGeometry
    thin: BaseGeometry
    prefer: BaseGeometry | None


class LazyGeoms(NamedTuple):
    """How to build a re-hydrated graph's geometries when first needed.

    Attributes:
        build: builds all three (slow: buffers of whole coastlines).
        prefer: builds the preferred waters alone (when blocked/thin come from the store).
    """

    build: Callable[[], GraphGeoms]
    prefer: Callable[[], BaseGeometry | None]


class RoutingGraph:
    """All-pairs shortest paths over visibility-graph nodes plus the obstacles to query with.

    Attributes:
        nodes: (n, 2) node coordinates (m). prev/next: their ring neighbours.
        dist: (n, n) float32 shortest cost between nodes (m, weighted by prefer).
        pred: (n, n) int16 predecessor matrix (-9999 = none; int32 past 32,767 nodes).
        raster: conservative :class:`ClearanceRaster` of ``blocked`` (fast line of sight).
        blocked: obstacle for line of sight (prepared). thin: raw land + clearance.
        prefer_geom: region with reduced cost, or None. These three are built lazily (only
            the exact fallback, escapes and ``prefer`` costs need them).
        land: exact land, the final arbiter every returned path is checked against.
        open_fn: the config's "well offshore" test for escapes, or None.
        stats: how many queries took the fast path, an escape, or the exact fallback.
    """

    def __init__(
        self,
        nodes: np.ndarray,
        prev: np.ndarray,
        nxt: np.ndarray,
        dist: np.ndarray,
        pred: np.ndarray,
        geoms: GraphGeoms | LazyGeoms,
        raster: ClearanceRaster | None = None,
        land: BaseGeometry | None = None,
        has_prefer: bool = False,
        config: GraphConfig | None = None,
    ) -> None:
        """A graph over ``nodes`` with its matrices; ``geoms`` ready or built when needed."""
        self.config = config if config is not None else GraphConfig()
        self.nodes, self.prev, self.next = nodes, prev, nxt
        self.dist, self.pred = dist, pred
        self._geoms_src = geoms
        self._geoms: GraphGeoms | None = None
        self.raster = raster
        self.land = land
        self.has_prefer = has_prefer
        self.build_s = 0.0
        self.build_phases: dict[str, float] = {}
        self.open_fn = self.config.open_water
        self.stats = {"fast": 0, "escape": 0, "exact_fallback": 0}
        self._inside: dict[str, InsideRaster] = {}
        self._node_free: np.ndarray | None = None
        self._search = GraphSearch(self)
        self._escaper = Escaper(self._escape_tree, lambda: self.thin)
        self._tightener = Tightener(lambda: self.blocked, self.config.offset_m)

    # ----------------------------------------------------------------- geometry
    def _g(self) -> GraphGeoms:
        if self._geoms is None:
            src, store = self._geoms_src, self.config.store
            if isinstance(src, GraphGeoms):
                geoms = src
                if store is not None:  # fill the memo now: the next process reads, not builds
                    store("geoms", lambda: _geoms_wkb(geoms))
            elif store is None:
                geoms = src.build()
            else:  # blocked/thin from the disk memo (WKB round-trips exactly); prefer lazily
                built: list[GraphGeoms] = []

                def build() -> dict[str, np.ndarray]:
                    built.append(src.build())
                    return _geoms_wkb(built[0])

                arr = store("geoms", build)
                geoms = (
                    built[0]
                    if built
                    else GraphGeoms(
                        shapely.from_wkb(arr["blocked"].tobytes()),
                        shapely.from_wkb(arr["thin"].tobytes()),
                        src.prefer() if self.has_prefer else None,
                    )
                )
            for g in geoms:
                if g is not None:
                    shapely.prepare(g)
            self._geoms = geoms
        return self._geoms

    @property
    def blocked(self) -> BaseGeometry:
        """The line-of-sight obstacle (prepared)."""
        return self._g().blocked

    @property
    def thin(self) -> BaseGeometry:
        """Raw land plus ``port_clear_nm``, and the outside (prepared)."""
        return self._g().thin

    @property
    def prefer_geom(self) -> BaseGeometry | None:
        """The preferred waters, or None."""
        return self._g().prefer if self.has_prefer else None

    @property
    def line_of_sight(self) -> ClearanceRaster:
        """The raster (raises if this graph has none: only the exact search works then)."""
        if self.raster is None:
            raise RuntimeError("this routing graph has no line-of-sight raster")
        return self.raster

    @property
    def node_free(self) -> np.ndarray:
        """True for nodes in free raster cells (not the fine nodes: they hug the obstacle)."""
        if self._node_free is None:
            self._node_free = (
                self.line_of_sight.free(self.nodes) if len(self.nodes) else np.zeros(0, bool)
            )
        return self._node_free

    def contains(self, which: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """``shapely.contains_xy`` of the ``blocked`` or ``thin`` obstacle, sped up.

        An :class:`InsideRaster` answers where it is sure (identical results, much faster).
        """
        geom = self.blocked if which == "blocked" else self.thin
        return self._inside_raster(which).contains_xy(geom, x, y)

    def _inside_raster(self, which: str) -> InsideRaster:
        r = self._inside.get(which)
        if r is None:
            geom = self.blocked if which == "blocked" else self.thin
            store = self.config.store
            if store is None:
                r = inside_raster(geom, _INSIDE_CELL_M)
            else:
                arr = store(which, lambda: inside_raster(geom, _INSIDE_CELL_M).to_arrays("r"))
                r = InsideRaster.from_arrays(arr, "r")
            self._inside[which] = r
        return r

    def prepare(self) -> None:
        """Load or build now what the first query would: obstacle geometry, inside rasters.

        A command calls it before it forks workers, so that on a cold cache these are built
        once, while it shows progress, rather than silently in every worker's first query.
        Queries answer the same either way.
        """
        for which in ("blocked", "thin"):
            self._inside_raster(which)

    # ----------------------------------------------------------------- legs
    def cost(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Cost (m) of straight legs a->b (arrays (k, 2)), honouring ``prefer``."""
        return leg_cost(a, b, self.prefer_geom if self.has_prefer else None)

    def straight_leg_clear(self, a: np.ndarray, b: np.ndarray) -> bool:
        """Exactly: whether the straight leg a -> b is allowed.

        It must clear ``blocked``, or, from an endpoint inside it (a port), be short and clear
        the raw coast (``thin``).
        """
        if clear(a, b, self.blocked):
            return True
        a_in = bool(shapely.contains_xy(self.blocked, *a))
        b_in = bool(shapely.contains_xy(self.blocked, *b))
        return (a_in or b_in) and np.hypot(*(b - a)) < _PORT_LEG_MAX_M and clear(a, b, self.thin)

    def _on_land(self, pts: np.ndarray) -> bool:
        """Exact check of the first and last legs against the real land.

        Graph edges were checked exactly against the margin obstacle when the graph was built.
        """
        if self.land is None or len(pts) < 2:
            return False
        seg = [0, len(pts) - 2] if len(pts) > 2 else [0]
        lines = shapely.linestrings(np.stack([pts[seg], pts[[s + 1 for s in seg]]], axis=1))
        return bool(shapely.intersects(self.land, lines).any())

    # ----------------------------------------------------------------- queries
    def shortest(self, a: np.ndarray, b: np.ndarray) -> Polyline | None:
        """Return (polyline xy, cost_m) from a to b, or None when no route exists.

        Fast path: raster line of sight from both endpoints to all graph nodes at once, one
        min over the (visible-from-a x visible-from-b) block of the all-pairs matrix, and an
        exact check of the result against the real land (the final arbiter). Endpoints deep
        in narrow estuaries (Nampo up the Taedong) see no graph node; they first "escape"
        along a fine local grid to open water, then join the graph. If anything fails the
        original exact-geometry search (:meth:`shortest_exact`) decides.
        """
        a = np.asarray(a, dtype=float)
        b = np.asarray(b, dtype=float)
        self._search.begin()  # visibility found by one query only (see GraphSearch.prep)
        if self.raster is not None:
            res = self._search.fast(a, b)
            if res.outcome is QueryOutcome.BLIND:
                res = self._via_escapes(a, b)
            if res.path is not None:
                tight = self._tighten(res.path)
                if not self._on_land(tight.xy_m):
                    self.stats["fast"] += 1
                    return tight
        self.stats["exact_fallback"] += 1
        found = self.shortest_exact(a, b)
        return self._tighten(found) if found is not None else None

    def _tighten(self, path: Polyline) -> Polyline:
        """Pull the path taut (no effect with ``prefer``: costs are not lengths there)."""
        if self.has_prefer:
            return path
        return self._tightener.tighten(path.xy_m, path.cost_m)

    def _via_escapes(self, a: np.ndarray, b: np.ndarray) -> QueryResult:
        """The fast query again from escape exits, in up to three stages.

        First the blind ends escape; then an end whose exit still sees no node searches the
        full window; then both ends do. An end is blind when it sees no graph node (both
        ends are, if neither is).
        """
        search = self._search
        blind_a, blind_b = not search.sees_node(a), not search.sees_node(b)
        if not (blind_a or blind_b):
            blind_a = blind_b = True
        pre = self._escape(a, toward=b) if blind_a else None
        post = self._escape(b, toward=a) if blind_b else None
        res = self._join(a, b, pre, post)
        if res.outcome is not QueryOutcome.BLIND:
            return res
        # only an end whose exit still sees no graph node searches the full window (an estuary
        # port among islands: Ningbo-Zhoushan); the other keeps its exit, rather than a 40 nm
        # grid search from open water
        a2 = pre[-1] if pre is not None else a
        b2 = post[-1] if post is not None else b
        still_a, still_b = not search.sees_node(a2), not search.sees_node(b2)
        if still_a != still_b:  # both (or, oddly, neither): the last stage does both
            pre = self._kept_exit(a, b, still_a, pre)
            post = self._kept_exit(b, a, still_b, post)
            res = self._join(a, b, pre, post)
            if res.outcome is not QueryOutcome.BLIND:
                return res
        pre = self._escape(a, toward=b, full=True)
        post = self._escape(b, toward=a, full=True)
        return self._join(a, b, pre, post)

    def _kept_exit(
        self, p: np.ndarray, q: np.ndarray, still: bool, prev: np.ndarray | None
    ) -> np.ndarray | None:
        """The second stage's exit of end ``p`` (toward ``q``)."""
        if still:
            return self._escape(p, toward=q, full=True)
        if prev is None and self._search.prep(p).coastal:
            # a coastal end that sees nodes may see only a poor few (a port behind a
            # headland): its small-window exit toward the other end
            return self._escape(p, toward=q)
        return prev

    def _join(
        self, a: np.ndarray, b: np.ndarray, pre: np.ndarray | None, post: np.ndarray | None
    ) -> QueryResult:
        """Fast query between the exits, spliced to the escape legs (``BLIND`` if none)."""
        a2 = pre[-1] if pre is not None else a
        b2 = post[-1] if post is not None else b
        res = self._search.fast(a2, b2)
        if res.path is None:
            return QueryResult(QueryOutcome.BLIND)
        pts = splice(pre, res.path.xy_m, post)
        self.stats["escape"] += 1
        return QueryResult(
            QueryOutcome.FOUND, Polyline(pts, float(self.cost(pts[:-1], pts[1:]).sum()))
        )

    def shortest_exact(self, a: np.ndarray, b: np.ndarray) -> Polyline | None:
        """The exact-geometry search (slow; the fallback of :meth:`shortest`)."""
        a = np.asarray(a, dtype=float)
        b = np.asarray(b, dtype=float)
        res = exact_search(self, a, b, los_budget=80)
        if res is not None:
            return res
        pre = self._escape(a, toward=b, full=True)
        post = self._escape(b, toward=a, full=True)
        a2 = pre[-1] if pre is not None else a
        b2 = post[-1] if post is not None else b
        res = exact_search(self, a2, b2, los_budget=None)
        if res is None:
            return None
        pts = splice(pre, res.xy_m, post)
        return Polyline(pts, float(self.cost(pts[:-1], pts[1:]).sum()))

    # ----------------------------------------------------------------- escapes
    @property
    def _escapes(self) -> EscapeCache:
        """The memo of escape trees (keys: x, y rounded to 0.1 m, full window)."""
        return self._escaper.cache

    def _escape(self, p: np.ndarray, toward: np.ndarray, full: bool = False) -> np.ndarray | None:
        return self._escaper.escape(p, toward, full=full)

    def _escape_tree(self, p: np.ndarray, window_nm: float, cell_nm: float) -> EscapeTree:
        """Local grid Dijkstra from ``p`` (memoised per point by the escaper)."""
        return escape_tree(p, window_nm, cell_nm, self.contains, self.raster, self.open_fn)

    # ----------------------------------------------------------------- cache
    def to_arrays(self) -> dict[str, np.ndarray]:
        """Serialise the node set, matrices and raster (geometries are rebuilt lazily)."""
        out = {
            "nodes": self.nodes,
            "prev": self.prev,
            "next": self.next,
            "dist": self.dist,
            "pred": self.pred,
        }
        if self.raster is not None:
            out.update(self.raster.to_arrays())
        return out


def _geoms_wkb(geoms: GraphGeoms) -> dict[str, np.ndarray]:
    """The obstacle geometry as stored in the disk memo (WKB round-trips exactly)."""
    return {
        "blocked": np.frombuffer(shapely.to_wkb(geoms.blocked), np.uint8),
        "thin": np.frombuffer(shapely.to_wkb(geoms.thin), np.uint8),
    }
