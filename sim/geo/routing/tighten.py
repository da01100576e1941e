"""Tightening: pull a graph path taut against the exact obstacle.

Graph nodes sit up to ~3 nm off the coast, so each bend of a route costs a little; pulling
the path taut moves the bends onto the obstacle's corners and removes most of that length.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from sim.geo import _kernels
from sim.geo.routing.obstacles import clear
from sim.geo.routing.route import Polyline

__all__ = ["Tightener"]

_NO_EDGES = np.zeros((0, 2, 2))


class Tightener:
    """Pulls polylines taut against one obstacle.

    Args:
        blocked: the obstacle (called when first needed: building it can be slow).
        offset_m: how far new bends stay off the obstacle's corners (m).
    """

    PASSES = 4
    GAIN_M = 100.0  # another pass only while the last one saved this much (m; assumption)

    def __init__(self, blocked: Callable[[], BaseGeometry], offset_m: float) -> None:
        """Tighten against ``blocked()``, bends ``offset_m`` off its corners."""
        self._blocked = blocked
        self.offset_m = offset_m
        self._seg_tree: tuple[shapely.STRtree, np.ndarray] | None = None

    def _segments(self) -> tuple[shapely.STRtree, np.ndarray]:
        """STRtree over the edges of the obstacle, and their (k, 2, 2) ends."""
        if self._seg_tree is None:
            rings = shapely.get_rings(shapely.get_parts(self._blocked()))
            coords, ring_of = shapely.get_coordinates(rings, return_index=True)
            same = ring_of[:-1] == ring_of[1:]  # consecutive vertices of one ring: an edge
            ends = np.stack([coords[:-1][same], coords[1:][same]], axis=1)
            self._seg_tree = (shapely.STRtree(shapely.linestrings(ends)), ends)
        return self._seg_tree

    def tighten(self, pts: np.ndarray, cost: float) -> Polyline:
        """Pull the polyline taut (returns it unchanged with fewer than three vertices).

        Every interior vertex c (with neighbours p, q) is replaced by the convex chain that
        the obstacle inside the triangle (p, c, q) forces between p and q (its convex hull,
        vertices pushed ``offset_m`` outwards), or dropped when p sees q. Each new leg is
        tested exactly against the obstacle and a change is kept only if all clear and it is
        shorter, so the result is never longer and never closer to land than allowed. A bend
        tightened against a neighbour that moves later can gain again, so passes repeat (at
        most ``PASSES``) while the last one saved ``GAIN_M``: in archipelagos the second and
        third passes still save several per cent. The cost returned is the new length.
        """
        if len(pts) < 3:
            return Polyline(pts, cost)
        blocked = self._blocked()
        tree, ends = self._segments()
        eps = self.offset_m
        # legs from points inside the obstacle (ports, escapes from estuaries) only have to
        # clear the raw coast: leave the bends next to them alone
        inside = list(shapely.contains_xy(blocked, pts[:, 0], pts[:, 1]))
        path = [np.asarray(v, dtype=float) for v in pts]
        for _ in range(self.PASSES):
            gain = 0.0
            i = 1
            while i < len(path) - 1:
                if inside[i - 1] or inside[i] or inside[i + 1]:
                    i += 1
                    continue
                p, c, q = path[i - 1], path[i], path[i + 1]
                new = self._chain(p, c, q, tree, ends, eps, blocked)
                if new is not None:
                    gain += (
                        np.hypot(*(c - p))
                        + np.hypot(*(q - c))
                        - float(np.hypot(*np.diff(np.vstack([p, new, q]), axis=0).T).sum())
                    )
                    path[i : i + 1] = list(new)
                    inside[i : i + 1] = [False] * len(new)
                    i += len(new)
                else:
                    i += 1
            if gain < self.GAIN_M:
                break
        out = np.array(path)
        return Polyline(out, float(np.hypot(*np.diff(out, axis=0).T).sum()))

    @staticmethod
    def _chain(
        p: np.ndarray,
        c: np.ndarray,
        q: np.ndarray,
        tree: shapely.STRtree,
        ends: np.ndarray,
        eps: float,
        blocked: BaseGeometry,
    ) -> np.ndarray | None:
        """The chain replacing c between p and q (possibly empty), or None to keep c.

        The geometry (edge ends inside the triangle, crossings of the chord, their upper hull
        pushed ``eps`` out) is :func:`sim.geo._kernels.tight_chain`; the new legs are then
        tested exactly against ``blocked``.
        """
        lo, hi = np.minimum(np.minimum(p, c), q), np.maximum(np.maximum(p, c), q)
        hit = tree.query(shapely.box(lo[0], lo[1], hi[0], hi[1]))  # edges near the triangle
        status, chain = _kernels.tight_chain(
            float(p[0]),
            float(p[1]),
            float(c[0]),
            float(c[1]),
            float(q[0]),
            float(q[1]),
            ends[hit] if len(hit) else _NO_EDGES,
            float(eps),
        )
        if status == 0:
            return None
        if status == 2:  # collinear: c is redundant if p sees q
            return np.zeros((0, 2)) if clear(p, q, blocked) else None
        new = np.vstack([p, chain, q])
        lines = shapely.linestrings(np.stack([new[:-1], new[1:]], axis=1))
        if shapely.intersects(blocked, lines).any():
            return None
        out: np.ndarray = chain
        return out
