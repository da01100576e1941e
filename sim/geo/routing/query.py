"""Graph queries: line of sight from the two endpoints to graph nodes, then the best pair.

Line of sight from an endpoint is tested lazily: by the raster where it proves visibility,
and exactly wherever a better path could still hide, so the graph's best path is found as
with exact line of sight everywhere. The per-endpoint state is an :class:`EndpointState`;
the answer is a :class:`QueryResult` whose :class:`QueryOutcome` says whether a path was
found, none exists through the graph, or an endpoint sees no node at all (it needs an escape).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from sim.geo.routing.obstacles import clear, clear_many, tangent
from sim.geo.routing.params import PREFER_FACTOR
from sim.geo.routing.route import Polyline
from sim.units import NM_M

if TYPE_CHECKING:
    from sim.geo.routing.graph import RoutingGraph

__all__ = [
    "BLOCKED",
    "RASTER_NO",
    "UNTESTED",
    "VISIBLE",
    "EndpointState",
    "GraphSearch",
    "QueryOutcome",
    "QueryResult",
    "node_path",
]

# line-of-sight states of an endpoint's candidate nodes (int8 codes)
UNTESTED, VISIBLE, BLOCKED, RASTER_NO = 0, 1, 2, 3

# Endpoints that are not in a free raster cell (ports, points hugging the coast) are tested
# exactly, first against the nearest candidate nodes only (assumptions, tuned on Korea).
_COASTAL_RADIUS_M = 60 * NM_M
_COASTAL_MAX_NODES = 96
_NEAR_FIRST = 24
_MEMO_ENDPOINTS = 2048  # endpoints whose geometry and exact facts are kept between queries


@dataclass
class EndpointState:
    """What one query knows about one endpoint.

    Attributes:
        p: the endpoint (m).
        cand: indices of the graph nodes a line from ``p`` can be tangent to.
        leg: straight distance from ``p`` to each candidate (m).
        coastal: ``p`` is not in a free raster cell (tested exactly, against ``obs``).
        obs: for coastal endpoints, the obstacle their legs must clear (``thin`` when ``p``
            is inside ``blocked``), else None.
        facts: exact line-of-sight answers per candidate, kept between queries.
        state: what this query has tested (``UNTESTED``, ``VISIBLE``, ``BLOCKED``,
            ``RASTER_NO``); never carried over, so answers do not depend on earlier queries.
    """

    p: np.ndarray
    cand: np.ndarray
    leg: np.ndarray
    coastal: bool
    obs: BaseGeometry | None
    facts: np.ndarray
    state: np.ndarray

    def visible_nodes(self) -> tuple[np.ndarray, np.ndarray]:
        """(visible nodes, leg lengths) found so far."""
        vis = self.state == VISIBLE
        return self.cand[vis], self.leg[vis]


class QueryOutcome(Enum):
    """How a graph query ended."""

    FOUND = "found"
    NO_PATH = "no path"  # both ends see nodes, but no graph path joins them
    BLIND = "blind"  # an endpoint sees no graph node: it needs an escape


class QueryResult(NamedTuple):
    """A query's outcome and, when ``FOUND``, the path."""

    outcome: QueryOutcome
    path: Polyline | None = None

    @property
    def found(self) -> bool:
        """Whether a path was found."""
        return self.outcome is QueryOutcome.FOUND


_NO_PATH = QueryResult(QueryOutcome.NO_PATH)
_BLIND = QueryResult(QueryOutcome.BLIND)


def node_path(pred: np.ndarray, u: int, v: int) -> list[int] | None:
    """Graph nodes from ``u`` to ``v`` by the predecessor matrix, or None if unreachable."""
    path = [v]
    while path[-1] != u:
        path.append(int(pred[u, path[-1]]))
        if path[-1] < 0:
            return None
    return path[::-1]


class GraphSearch:
    """Raster-accelerated queries on one graph, with the per-endpoint memo.

    Args:
        graph: the graph (nodes, matrices, raster and obstacles).
    """

    def __init__(self, graph: RoutingGraph) -> None:
        """Queries on ``graph``; call :meth:`begin` before each query."""
        self.g = graph
        self._query: dict[tuple[float, float], EndpointState] = {}
        self._memo: dict[tuple[float, float], EndpointState] = {}

    def begin(self) -> None:
        """Start a query: visibility found by earlier queries is forgotten (see :meth:`prep`)."""
        self._query = {}

    def prep(self, p: np.ndarray) -> EndpointState:
        """The endpoint's state in this query: candidates, legs, lazily tested visibility."""
        key = (float(p[0]), float(p[1]))
        hit = self._query.get(key)
        if hit is not None:
            return hit
        base = self._memo.get(key)
        if base is not None:
            # the geometry of the endpoint and its exact line-of-sight facts are reused, the
            # state of a query is not: which nodes count as tested must not depend on which
            # queries came before (a run's results would depend on what the disk cache held)
            st = dataclasses.replace(base, state=np.zeros(len(base.cand), dtype=np.int8))
            self._query[key] = st
            return st
        g = self.g
        cand = np.flatnonzero(tangent(p, g.nodes, g.prev, g.next))
        leg = np.hypot(*(g.nodes[cand] - p).T)
        coastal = not bool(g.line_of_sight.free(p)[0])
        obs = None
        if coastal:
            obs = g.thin if shapely.contains_xy(g.blocked, *p) else g.blocked
        st = EndpointState(
            p,
            cand,
            leg,
            coastal,
            obs,
            np.zeros(len(cand), dtype=np.int8),
            np.zeros(len(cand), dtype=np.int8),
        )
        if len(self._memo) > _MEMO_ENDPOINTS:
            self._memo.clear()
        self._memo[key] = st
        self._query[key] = st
        return st

    def test(self, st: EndpointState, idx: np.ndarray, exact: bool = False) -> None:
        """Line of sight from the endpoint to candidates ``idx``.

        By the raster where it proves visibility or blocking, else exactly. With
        ``exact=False`` the raster's
        undecided answers for nodes in free cells (it errs on "no" within ~1.3 cells of the
        obstacle) are kept as ``RASTER_NO`` for the exact pass.
        """
        g = self.g
        state = st.state
        idx = idx[(state[idx] == UNTESTED) | (exact & (state[idx] == RASTER_NO))]
        if len(idx) == 0:
            return
        nodes = st.cand[idx]
        ex = np.ones(len(idx), dtype=bool)
        if not st.coastal:
            ras = state[idx] == UNTESTED
            if ras.any():
                ok, no = g.line_of_sight.visible_or_blocked(st.p, g.nodes[nodes[ras]])
                # a node in a free cell the raster cannot prove visible waits for the exact
                # pass; one hugging the obstacle (a narrows node) is tested exactly now
                undecided = np.where(g.node_free[nodes[ras]], RASTER_NO, UNTESTED)
                state[idx[ras]] = np.where(ok, VISIBLE, np.where(no, BLOCKED, undecided))
            ex = (state[idx] == UNTESTED) | (exact & (state[idx] == RASTER_NO))
        if ex.any():
            # exact answers are facts about (endpoint, node): kept with the endpoint's geometry
            # and reused, but only for the nodes this query would test anyway, so the answer
            # does not depend on earlier queries (a port is the end of many routes)
            facts = st.facts
            todo = idx[ex]
            unknown = todo[facts[todo] == UNTESTED]
            if len(unknown):
                obs = st.obs if st.obs is not None else g.blocked
                ok = clear_many(st.p, g.nodes[st.cand[unknown]], obs)
                facts[unknown] = np.where(ok, VISIBLE, BLOCKED)
            state[todo] = facts[todo]

    def sees_node(self, p: np.ndarray) -> bool:
        """Whether this query has found a graph node visible from ``p`` (after :meth:`fast`)."""
        return bool((self.prep(p).state == VISIBLE).any())

    def direct(self, a: np.ndarray, b: np.ndarray, a_coastal: bool, b_coastal: bool) -> bool:
        """Whether the straight leg a -> b is allowed (raster first for open endpoints)."""
        g = self.g
        if not a_coastal and not b_coastal:
            # both ends in free raster cells, so outside the obstacle: only ``blocked`` counts
            return bool(g.line_of_sight.visible(a, b[None])[0]) or clear(a, b, g.blocked)
        return g.straight_leg_clear(a, b)

    def _first_tests(self, st: EndpointState, other: np.ndarray) -> None:
        """Test the nodes most likely to be on the best path first (an upper bound)."""
        g = self.g
        n = len(st.cand)
        if st.coastal:
            near = np.flatnonzero(st.leg <= _COASTAL_RADIUS_M)
            if len(near) > _COASTAL_MAX_NODES:
                near = near[np.argpartition(st.leg[near], _COASTAL_MAX_NODES)[:_COASTAL_MAX_NODES]]
            self.test(st, near)
            return
        k = min(_NEAR_FIRST, n)  # the nearest nodes, and those nearest the straight line a-b
        if k:
            lb = st.leg + np.hypot(*(g.nodes[st.cand] - other).T)
            first = (
                np.concatenate([np.argpartition(st.leg, k - 1)[:k], np.argpartition(lb, k - 1)[:k]])
                if n > k
                else np.arange(n)
            )
            self.test(st, first)

    def _upper_bound(self, A: EndpointState, B: EndpointState) -> float:
        (ia, la), (ib, lb) = A.visible_nodes(), B.visible_nodes()
        if len(ia) == 0 or len(ib) == 0:
            return float(np.inf)
        tot = self.g.dist[np.ix_(ia, ib)] + la[:, None] + lb[None, :]
        return float(tot.min())  # unweighted legs: an upper bound even with prefer

    def fast(self, a: np.ndarray, b: np.ndarray) -> QueryResult:
        """Raster-accelerated query (``BLIND`` when an endpoint sees no node).

        Visibility is tested lazily: first the nearest few candidate nodes of each end give
        an upper bound UB; then only nodes i with f * (|a-i| + |i-b|) < UB can be on a
        better path (f = PREFER_FACTOR with prefer, else 1), and only those are tested:
        by the raster, then exactly where the raster could not prove visibility and the
        (possibly lower) bound still admits them. The result is therefore the best path
        through the graph, as with exact line of sight everywhere.
        """
        g = self.g
        A, B = self.prep(a), self.prep(b)
        if self.direct(a, b, A.coastal, B.coastal):
            return QueryResult(
                QueryOutcome.FOUND, Polyline(np.array([a, b]), float(g.cost(a[None], b[None])[0]))
            )
        if len(g.nodes) == 0:
            return _NO_PATH
        f = PREFER_FACTOR if g.has_prefer else 1.0
        self._first_tests(A, b)
        self._first_tests(B, a)
        lbs = [
            f * (st.leg + np.hypot(*(g.nodes[st.cand] - other).T)) for st, other in ((A, b), (B, a))
        ]
        for exact in (False, True):
            ub = self._upper_bound(A, B)
            if not np.isfinite(ub) and (exact or A.coastal or B.coastal):
                break  # nothing to bound the (costly) exact tests with
            for st, lb in zip((A, B), lbs, strict=True):
                self.test(st, np.flatnonzero(lb < ub), exact=exact)
        (ia, da), (ib, db) = A.visible_nodes(), B.visible_nodes()
        if len(ia) == 0 or len(ib) == 0:
            return _BLIND
        best = self._best_pair(a, b, ia, da, ib, db, f)
        if best is None:
            return _NO_PATH
        u, v, cost = best
        nodes = node_path(g.pred, u, v)
        if nodes is None:
            return _NO_PATH
        return QueryResult(QueryOutcome.FOUND, Polyline(np.vstack([a, g.nodes[nodes], b]), cost))

    def _best_pair(
        self,
        a: np.ndarray,
        b: np.ndarray,
        ia: np.ndarray,
        da: np.ndarray,
        ib: np.ndarray,
        db: np.ndarray,
        f: float,
    ) -> tuple[int, int, float] | None:
        """(first node, last node, cost) of the cheapest path via visible nodes, or None."""
        g = self.g
        total = g.dist[np.ix_(ia, ib)] + (f * da)[:, None] + (f * db)[None, :]
        flat = total.ravel()
        if not g.has_prefer:
            k = int(np.argmin(flat))
            if not np.isfinite(flat[k]):
                return None
            i, j = divmod(k, len(ib))
            return int(ia[i]), int(ib[j]), float(flat[k])
        # with prefer the weighted legs are a lower bound: it ranks pairs, exact leg costs
        # decide among the best few
        fin = np.flatnonzero(np.isfinite(flat))
        if len(fin) == 0:
            return None
        top = fin[np.argpartition(flat[fin], 15)[:16]] if len(fin) > 16 else fin
        ii, jj = np.divmod(top, len(ib))
        u_, v_ = ia[ii], ib[jj]
        c = (
            g.cost(np.broadcast_to(a, (len(u_), 2)), g.nodes[u_])
            + g.dist[u_, v_]
            + g.cost(g.nodes[v_], np.broadcast_to(b, (len(v_), 2)))
        )
        m = int(np.argmin(c))
        return int(u_[m]), int(v_[m]), float(c[m])
