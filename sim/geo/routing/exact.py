"""The exact-geometry search: the slow fallback when the raster-accelerated query fails.

Candidate node pairs are taken in order of their lower bound (straight legs plus the
all-pairs distance) and their legs tested exactly until the bound exceeds the best path
found; without ``prefer`` the bound is exact, so the first feasible pair is optimal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shapely

from sim.geo.routing.obstacles import clear, tangent
from sim.geo.routing.params import PREFER_FACTOR
from sim.geo.routing.query import node_path
from sim.geo.routing.route import Polyline

if TYPE_CHECKING:
    from sim.geo.routing.graph import RoutingGraph

__all__ = ["exact_search"]


def exact_search(
    g: RoutingGraph, a: np.ndarray, b: np.ndarray, los_budget: int | None
) -> Polyline | None:
    """Best graph path from a to b with exact line of sight, or None.

    Args:
        g: the graph.
        a: start (m).
        b: end (m).
        los_budget: give up after this many failed exact line-of-sight tests (None: never).
    """
    if g.straight_leg_clear(a, b):
        return Polyline(np.array([a, b]), float(g.cost(a[None], b[None])[0]))
    if len(g.nodes) == 0:
        return None
    ca = np.flatnonzero(tangent(a, g.nodes, g.prev, g.next))
    cb = np.flatnonzero(tangent(b, g.nodes, g.prev, g.next))
    if len(ca) == 0 or len(cb) == 0:
        return None
    prefer = g.prefer_geom
    f = PREFER_FACTOR if prefer is not None else 1.0
    da = np.hypot(*(g.nodes[ca] - a).T) * f
    db = np.hypot(*(g.nodes[cb] - b).T) * f
    total = da[:, None] + g.dist[np.ix_(ca, cb)] + db[None, :]
    flat = total.ravel()
    finite = np.flatnonzero(np.isfinite(flat))
    order = finite[np.argsort(flat[finite], kind="stable")]
    obs_a = g.thin if shapely.contains_xy(g.blocked, *a) else g.blocked
    obs_b = g.thin if shapely.contains_xy(g.blocked, *b) else g.blocked
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
            vis_a[i] = clear(a, g.nodes[ca[i]], obs_a)
            checks += 1
        if not vis_a[i]:
            if los_budget is not None and checks > los_budget:
                break
            continue
        if j not in vis_b:
            vis_b[j] = clear(g.nodes[cb[j]], b, obs_b)
            checks += 1
        if not vis_b[j]:
            if los_budget is not None and checks > los_budget:
                break
            continue
        if prefer is None:
            cost = float(lbound)
        else:
            cost = float(
                g.cost(a[None], g.nodes[ca[i]][None])[0]
                + g.dist[ca[i], cb[j]]
                + g.cost(g.nodes[cb[j]][None], b[None])[0]
            )
        if best is None or cost < best[0]:
            best = (cost, int(ca[i]), int(cb[j]))
        if prefer is None:
            break  # the bound was exact: the first feasible pair is optimal
    if best is None:
        return None
    cost, u, v = best
    nodes = node_path(g.pred, u, v)
    if nodes is None:
        return None
    return Polyline(np.vstack([a, g.nodes[nodes], b]), cost)
