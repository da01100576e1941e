"""Escapes: a grid path from an endpoint deep in an estuary out to water that sees the graph.

Endpoints deep in narrow estuaries (Nampo up the Taedong) see no graph node. They "escape"
along a fine local grid to open water first, then join the graph. Grid searches are costly
and ports are the ends of many routes, so each search (an :class:`EscapeTree`) is memoised in
a byte-counted least-recently-used cache (:class:`EscapeCache`), and each exit's string-pulled
path with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.geometry.base import BaseGeometry

from sim.geo.routing.obstacles import clear_many
from sim.geo.routing.params import OpenWaterTest
from sim.geo.routing.rasters import ClearanceRaster
from sim.units import NM_M

__all__ = ["ESCAPE_CACHE_BYTES", "EscapeCache", "EscapeTree", "Escaper", "escape_tree"]

ESCAPE_CACHE_BYTES = 48 * 2**20
"""Memory for memoised escape trees per graph (bytes; assumption: a few hundred ports' trees)."""

_PULL_BATCH = 8  # string pulling tests this many far vertices per exact intersection call

Contains = Callable[[str, np.ndarray, np.ndarray], np.ndarray]
"""``contains(which, x, y)``: point-in-obstacle test of the ``"thin"`` or ``"blocked"`` one."""


class EscapeTree(NamedTuple):
    """One local grid Dijkstra from an endpoint, kept compact (the LRU holds many).

    Attributes:
        xs: (w,) grid x coordinates (m). ys: (h,) grid y coordinates (m).
        cand: reachable exit cells (flat indices, int32).
        dc: grid path length to each exit (m).
        pred: (w * h,) predecessor of each cell (int32; negative: none).
        start: flat index of the endpoint's cell.
        open_exit: whether the exits are in water the line-of-sight raster sees as open.
    """

    xs: np.ndarray
    ys: np.ndarray
    cand: np.ndarray
    dc: np.ndarray
    pred: np.ndarray
    start: int
    open_exit: bool

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays."""
        return int(sum(a.nbytes for a in (self.xs, self.ys, self.cand, self.dc, self.pred)))


def escape_tree(
    p: np.ndarray,
    window_nm: float,
    cell_nm: float,
    contains: Contains,
    raster: ClearanceRaster | None,
    open_water: OpenWaterTest | None,
) -> EscapeTree:
    """Local 8-connected grid Dijkstra from ``p`` over cells outside the ``thin`` obstacle.

    Exits are reachable cells out of the ``blocked`` obstacle, preferring those in open water
    and, among them, those the line-of-sight raster sees as open (an exit hugging the
    obstacle, e.g. the edge of an avoided territorial sea, would be "coastal" again and see no
    graph node). Each preference only among reachable cells: a lake across a spit must not win.
    """
    cell = cell_nm * NM_M
    k = int(window_nm / cell_nm)
    off = (np.arange(-k, k + 1)) * cell
    X, Y = np.meshgrid(p[0] + off, p[1] + off)
    free = ~contains("thin", X, Y)
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
    goal = free & ~contains("blocked", X, Y) & np.isfinite(d).reshape(X.shape)
    if open_water is not None:
        open_goal = goal & open_water(X, Y)
        goal = open_goal if open_goal.any() else goal
    clear = True
    if raster is not None:
        clear_goal = goal & raster.free(np.column_stack([X.ravel(), Y.ravel()])).reshape(X.shape)
        clear = bool(clear_goal.any())
        goal = clear_goal if clear else goal
    # predecessors as int32 (an (n,) float X/Y pair would triple the size)
    cand = np.flatnonzero(goal.ravel()).astype(np.int32)
    open_exit = clear and len(cand) > 0
    return EscapeTree(
        X[0].copy(), Y[:, 0].copy(), cand, d[cand], pred.astype(np.int32), start, open_exit
    )


EscapeKey = tuple[float, float, bool]
"""(x, y rounded to 0.1 m, full window) of a memoised escape."""


class _Entry(NamedTuple):
    tree: EscapeTree
    paths: dict[int, np.ndarray]  # string-pulled path per exit cell
    nbytes: int


class EscapeCache:
    """Least-recently-used memo of escape trees, bounded by their bytes.

    Ports stay, one-off points go first. Iterating yields the keys, oldest first.
    """

    def __init__(self, max_bytes: int = ESCAPE_CACHE_BYTES) -> None:
        """An empty cache holding at most ``max_bytes`` of trees."""
        self.max_bytes = max_bytes
        self.nbytes = 0
        self._entries: dict[EscapeKey, _Entry] = {}

    def __iter__(self) -> Iterator[EscapeKey]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def get(self, key: EscapeKey) -> _Entry | None:
        """The entry of ``key`` (now the most recently used), or None."""
        hit = self._entries.pop(key, None)
        if hit is not None:
            self._entries[key] = hit
        return hit

    def put(self, key: EscapeKey, tree: EscapeTree) -> _Entry:
        """Store ``tree``, evicting the least recently used trees to stay within budget."""
        nbytes = tree.nbytes
        replaced = self._entries.pop(key, None)  # a key stored again: its old bytes go
        if replaced is not None:
            self.nbytes -= replaced.nbytes
        while self._entries and self.nbytes + nbytes > self.max_bytes:
            old = self._entries.pop(next(iter(self._entries)))
            self.nbytes -= old.nbytes
        entry = _Entry(tree, {}, nbytes)
        self._entries[key] = entry
        self.nbytes += nbytes
        return entry


class Escaper:
    """Finds (and memoises) escapes for one graph.

    Args:
        tree: ``tree(p, window_nm, cell_nm)`` runs one grid search (:func:`escape_tree`).
        thin: the thin obstacle that string-pulled legs must clear (called when needed).
    """

    def __init__(
        self,
        tree: Callable[[np.ndarray, float, float], EscapeTree],
        thin: Callable[[], BaseGeometry],
    ) -> None:
        """Escapes by ``tree`` searches, pulled taut against ``thin()``."""
        self._tree = tree
        self._thin = thin
        self.cache = EscapeCache()

    def escape(
        self,
        p: np.ndarray,
        toward: np.ndarray,
        window_nm: float = 40.0,
        cell_nm: float = 0.3,
        full: bool = False,
    ) -> np.ndarray | None:
        """Grid path from ``p`` out to open water (None if ``p`` is already open).

        The exit cell minimises grid path length + straight distance to ``toward`` (the
        other endpoint), so a port in an estuary leaves seaward, not up-river.

        8-connected Dijkstra on a local 0.3 nm grid (0.15 nm when that finds no way out) whose
        free cells clear the coast by ``port_clear_nm``; a diagonal step between two free cell
        centres can only graze land where the half-diagonal (0.21 nm at 0.3 nm cells) exceeds
        that clearance. The path is then string-pulled against the same thin obstacle, each
        pulled leg tested exactly.
        """
        key = (round(float(p[0]), 1), round(float(p[1]), 1), full)
        entry = self.cache.get(key)
        if entry is None:
            entry = self.cache.put(key, self._search(p, window_nm, cell_nm, full))
        tree, paths = entry.tree, entry.paths
        if len(tree.cand) == 0:
            return None
        w = len(tree.xs)
        score = tree.dc + np.hypot(
            tree.xs[tree.cand % w] - toward[0], tree.ys[tree.cand // w] - toward[1]
        )
        j = int(tree.cand[np.argmin(score)])
        if j == tree.start:
            return None
        if j not in paths:  # memoised per exit cell (ports repeat with many destinations)
            paths[j] = self._pulled_path(p, tree, j)
        return paths[j]

    def _search(self, p: np.ndarray, window_nm: float, cell_nm: float, full: bool) -> EscapeTree:
        """A small window first (cheap; enough for most coastal points), then the full one."""
        tree = self._tree(p, window_nm if full else min(12.0, window_nm), cell_nm)
        if not full and not tree.open_exit:  # no open exit nearby: the full window
            tree = self._tree(p, window_nm, cell_nm)
        if not len(tree.cand):
            # no exit at all: a channel narrower than the grid resolves (the entrance of
            # Sasebo bay at 0.3 nm cells); a grid twice as fine (rare, so the full window:
            # leaving an avoided territorial sea can take it)
            fine = self._tree(p, window_nm, cell_nm / 2)
            if len(fine.cand):
                tree = fine
        return tree

    def _pulled_path(self, p: np.ndarray, tree: EscapeTree, j: int) -> np.ndarray:
        """The grid path from ``p`` to exit cell ``j``, string-pulled against ``thin``."""
        xs, ys = tree.xs, tree.ys
        path = [j]
        while path[-1] != tree.start:
            path.append(int(tree.pred[path[-1]]))
        cells_idx = np.asarray(path[::-1])
        cells = np.column_stack([xs[cells_idx % len(xs)], ys[cells_idx // len(xs)]])
        cells[0] = p
        thin = self._thin()
        # string pulling: greedily jump to the farthest visible vertex
        out = [cells[0]]
        i = 0
        while i < len(cells) - 1:
            # the farthest visible vertex, tested in batches from the far end (same answer as
            # testing all of them, far fewer exact intersections)
            j2 = i + 1
            hi = len(cells)
            while hi > i + 2:
                lo = max(i + 2, hi - _PULL_BATCH)
                ok = clear_many(cells[i], cells[lo:hi], thin)
                if ok.any():
                    j2 = lo + int(np.flatnonzero(ok)[-1])
                    break
                hi = lo
            out.append(cells[j2])
            i = j2
        return np.array(out)
