"""A spatial index over the legitimate legs: the referee's box query without scanning them all.

For every new sensor plan the referee wants the legitimate legs whose start lies in a row
window ``[lo, hi)`` of the start-sorted table, that still run after ``now`` and whose box
comes within range of the plan's box (``sim.model._kernels.legs_near_box``). At 10,000
ships a window is ~16,000 rows, of which ~7% are kept, and the scan of 1.2 G rows a year was
the largest single cost of the run. :class:`LegIndex` answers the same question from a
grid, reading only the rows near the box, and returns **exactly** the rows of the scan, in
ascending order, so the pairing and every random draw after it are unchanged.

Layout (why): the table is cut into chunks of :data:`CHUNK_ROWS` consecutive rows, built
lazily when a query first reaches them and dropped once the window has passed them (the
window only moves forward), so only a few chunks are held, never an index of the year
(~15 M rows at 10,000 ships). Within a chunk each leg sits in exactly one bucket of a
*loose* multi-level grid: the level whose cell side ``c`` is the smallest at least the leg's
box extent, and the cell holding its box's lower corner. A leg meeting a query box then has
its lower corner within ``c`` below the box, so the query reads, per level, the cells of the
box grown by ``c`` downwards, and never sees a leg twice (no deduplication). A bucket holds
its rows in ascending order, so the rows of the window are found by a binary search, and the
exact tests of the scan (row in the window, ``t1 > now``, the box test) decide what is kept.
The chunk holds a copy of its legs and ids in bucket order (56 bytes a leg): read through
row ids, the candidates near a box lie scattered over megabytes of the table, and a cache
miss each made the index slower than the scan it replaces. Legs with a non-finite box or
one too large for the top level go into an overflow bucket that every query reads.

Why it is exact: cell indices are ``floor((x - origin) / c)`` clamped to the grid, which is
monotone in ``x`` under IEEE rounding, so a leg with ``xmin <= ax1`` has a cell at most the
query's top cell; the query's bottom cell is taken from ``ax0 - c - SLACK_M``, below any
``xmin`` whose extent is at most ``c`` (rounding errors at theater coordinates are ~1e-9 m).
The rows are then tested by the scan's own compiled box test, so the index only decides
which rows are *read*, never which are *kept*.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from sim.model import _kernels

__all__ = ["CELL_M", "CHUNK_ROWS", "LEVELS", "SLACK_M", "LegIndex"]

CELL_M = 25_000.0
"""Cell side of the finest level, m. Assumption, chosen by measurement: replaying the 2,008
box queries of a 30-day 10,000/50 run (pairing included, chunk builds included), 12.5, 25,
50 and 100 km took 1.23-1.28, 0.93-1.20, 1.10-1.45 and 0.99-1.29 s (the scan: 1.58 s); most
legs (12 h legs at 10-16 kn, up to ~250 km) sit at the coarser levels whatever the finest."""

LEVELS = 8
"""Grid levels, each cell twice the side of the one below: 25 km to 3,200 km, more than
the theater; larger or non-finite boxes go into the overflow bucket. Assumption."""

CHUNK_ROWS = 1 << 18
"""Rows per chunk (262,144: ~6 days of legs at 10,000 ships; 56 bytes a row, 15 MB). Assumption,
by the same replay: 2^16, 2^17, 2^18 and 2^20 rows were within noise of each other (2^18 the
best by a little); a query window (~16,000-60,000 rows) mostly falls in one chunk, and each
chunk is built once. Smaller chunks cost more builds and calls, larger ones only memory."""

SLACK_M = 1.0
"""Margin, m, below the query box's lower edge for rounding (errors there are ~1e-9 m for
coordinates below 1e7 m; the argument holds to ~1e15 m)."""

_MAX_CELLS = 4096  # cells per axis and level at most (a wider chunk clamps: still exact)

Chunk = tuple[
    float, float, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray
]
"""One chunk's index: grid origin (x, y), cells per axis per level (x, y), first bucket of each
level, first entry of each bucket, and per entry its row, its leg (a copy) and its id."""


@njit(cache=True, nogil=True)
def _box(legs: np.ndarray, j: int) -> tuple[float, float, float]:
    """(xmin, ymin, extent) of leg ``j``'s box, computed as ``_kernels._leg_box_meets`` does."""
    dur = legs[j, 1] - legs[j, 0]
    xa, ya = legs[j, 2], legs[j, 3]
    xb, yb = xa + legs[j, 4] * dur, ya + legs[j, 5] * dur
    return min(xa, xb), min(ya, yb), max(abs(xb - xa), abs(yb - ya))


@njit(cache=True, nogil=True)
def _cell(v: float, origin: float, side: float, n: int) -> int:
    """Clamped ``floor((v - origin) / side)``: monotone in ``v`` (NaN reads as cell 0)."""
    q = math.floor((v - origin) / side)
    if not q > 0.0:
        return 0
    if q >= n - 1:
        return n - 1
    return int(q)


@njit(cache=True, nogil=True)
def _level(extent: float, cell_m: float, levels: int) -> int:
    """The smallest level whose cell side is at least ``extent``; ``levels``: the overflow."""
    if not extent <= cell_m * 2.0 ** (levels - 1):  # too large, or NaN
        return levels
    side = cell_m
    lev = 0
    while side < extent:
        side *= 2.0
        lev += 1
    return lev


@njit(cache=True, nogil=True)
def _grid(
    legs: np.ndarray, r0: int, r1: int, cell_m: float, levels: int
) -> tuple[float, float, np.ndarray, np.ndarray, np.ndarray]:
    """A chunk's grid: origin (ox, oy), cells per axis per level (nx, ny), first bucket of each."""
    ox, oy, mx, my = math.inf, math.inf, -math.inf, -math.inf
    for j in range(r0, r1):
        x, y, e = _box(legs, j)
        if _level(e, cell_m, levels) < levels and math.isfinite(x) and math.isfinite(y):
            ox, oy, mx, my = min(ox, x), min(oy, y), max(mx, x), max(my, y)
    if ox > mx:  # no gridded leg: one cell per level
        ox, oy, mx, my = 0.0, 0.0, 0.0, 0.0
    nx = np.empty(levels, dtype=np.int64)
    ny = np.empty(levels, dtype=np.int64)
    base = np.empty(levels + 2, dtype=np.int64)
    base[0] = 0
    side = cell_m
    for lev in range(levels):
        nx[lev] = int(min((mx - ox) / side, _MAX_CELLS - 1.0)) + 1
        ny[lev] = int(min((my - oy) / side, _MAX_CELLS - 1.0)) + 1
        base[lev + 1] = base[lev] + nx[lev] * ny[lev]
        side *= 2.0
    base[levels + 1] = base[levels] + 1  # the overflow bucket
    return ox, oy, nx, ny, base


@njit(cache=True, nogil=True)
def _bucket(
    legs: np.ndarray,
    j: int,
    grid: tuple[float, float, np.ndarray, np.ndarray, np.ndarray],
    cell_m: float,
    levels: int,
) -> int:
    """Leg ``j``'s one bucket: its level's cell of its box's lower corner, or the overflow."""
    ox, oy, nx, ny, base = grid
    x, y, e = _box(legs, j)
    lev = _level(e, cell_m, levels)
    if lev == levels or not (math.isfinite(x) and math.isfinite(y)):
        return base[levels]
    side = cell_m * 2.0**lev
    return base[lev] + _cell(y, oy, side, ny[lev]) * nx[lev] + _cell(x, ox, side, nx[lev])


@njit(cache=True, nogil=True)
def _build(
    legs: np.ndarray, ids: np.ndarray, r0: int, r1: int, cell_m: float, levels: int
) -> Chunk:
    """Bucket rows ``[r0, r1)``: a counting sort, so each bucket's rows stay ascending.

    The legs and ids are copied in bucket order, so a query reads each bucket's legs one
    after another: read row by row from the start-sorted table, the candidates near a box
    are scattered over megabytes, and a cache miss each made the index slower than the scan.
    """
    grid = _grid(legs, r0, r1, cell_m, levels)
    ox, oy, nx, ny, base = grid
    nb = base[levels + 1]
    start = np.zeros(nb + 1, dtype=np.int64)
    key = np.empty(r1 - r0, dtype=np.int32)
    for j in range(r0, r1):
        key[j - r0] = _bucket(legs, j, grid, cell_m, levels)
        start[key[j - r0] + 1] += 1
    for b in range(nb):
        start[b + 1] += start[b]
    fill = start[:-1].copy()
    rows = np.empty(r1 - r0, dtype=np.int32)
    copy = np.empty((r1 - r0, 6))
    copy_ids = np.empty(r1 - r0, dtype=ids.dtype)
    for j in range(r0, r1):
        b = key[j - r0]
        q = fill[b]
        rows[q] = j
        copy[q, :] = legs[j, :]
        copy_ids[q] = ids[j]
        fill[b] += 1
    return ox, oy, nx, ny, base, start, rows, copy, copy_ids


@njit(cache=True, nogil=True)
def _query(
    index: Chunk,
    window: tuple[int, int, float],
    box: tuple[float, float, float, float],
    cell_m: float,
    levels: int,
) -> np.ndarray:
    """In one chunk's copy, the rows ``lo <= j < hi`` running after ``now`` that meet ``box``.

    Returned as positions in the copy, ordered by row. ``box`` is the query box already grown
    by the range (ax0, ay0, ax1, ay1); the tests are ``_kernels.legs_near_box``'s, on the copy
    (the same numbers).
    """
    ox, oy, nx, ny, base, start, rows, legs, _ = index
    lo, hi, now_h = window
    ax0, ay0, ax1, ay1 = box
    # kept positions by row (+1; 0: not kept), read back in row order: cheaper than sorting
    # the few thousand kept when the window is a few tens of thousands of rows
    at = np.zeros(max(hi - lo, 0), dtype=np.int32)
    k = 0
    for lev in range(levels + 1):
        if lev < levels:
            if start[base[lev + 1]] == start[base[lev]]:
                continue  # no leg at this level
            side = cell_m * 2.0**lev
            cx0 = _cell(ax0 - side - SLACK_M, ox, side, nx[lev])
            cx1 = _cell(ax1, ox, side, nx[lev])
            cy0 = _cell(ay0 - side - SLACK_M, oy, side, ny[lev])
            cy1 = _cell(ay1, oy, side, ny[lev])
        else:
            cx0 = cx1 = cy0 = cy1 = 0
        for cy in range(cy0, cy1 + 1):
            for cx in range(cx0, cx1 + 1):
                b = base[lev] + cy * nx[lev] + cx if lev < levels else base[levels]
                s, e = start[b], start[b + 1]
                if e == s:
                    continue
                q = s + np.searchsorted(rows[s:e], lo, side="left")
                while q < e and rows[q] < hi:
                    t1 = legs[q, 1]
                    if t1 > now_h and _kernels.leg_box_meets(legs, q, t1, ax0, ay0, ax1, ay1):
                        at[rows[q] - lo] = q + 1
                        k += 1
                    q += 1
    out = np.empty(k, dtype=np.int64)
    k = 0
    for i in range(at.shape[0]):
        if at[i]:
            out[k] = at[i] - 1
            k += 1
    return out


class LegIndex:
    """The box query of :func:`sim.model._kernels.legs_near_box` over a fixed table of legs.

    Args:
        legs: (k, 6) legs (``sim.model.motion`` layout), never modified while indexed (the
            legitimate legs are laid once, before the referee is built).
        ids: (k,) the id of each leg's mover (copied into the chunks with the legs).
        chunk_rows: rows per lazily built chunk (:data:`CHUNK_ROWS`).
        cell_m: the finest level's cell side, m (:data:`CELL_M`).
        levels: number of grid levels (:data:`LEVELS`).

    Attributes:
        built: chunks built so far (a chunk dropped and needed again counts twice).
    """

    def __init__(
        self,
        legs: np.ndarray,
        ids: np.ndarray,
        chunk_rows: int = CHUNK_ROWS,
        cell_m: float = CELL_M,
        levels: int = LEVELS,
    ) -> None:
        if chunk_rows < 1 or not cell_m > 0 or levels < 1 or len(legs) >= 2**31:
            raise ValueError("bad index parameters")
        if len(ids) != len(legs):
            raise ValueError("one id per leg")
        self.legs = np.ascontiguousarray(legs, dtype=np.float64)
        self.ids = np.ascontiguousarray(ids)
        self.chunk_rows = chunk_rows
        self.cell_m = float(cell_m)
        self.levels = levels
        self._chunks: dict[int, Chunk] = {}
        self.built = 0

    def near_box_parts(
        self,
        lo: int,
        hi: int,
        now_h: float,
        box: tuple[float, float, float, float],
        margin_m: float,
    ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] | None:
        """The rows of :meth:`near_box` chunk by chunk, in row order.

        Each part is (legs, ids, positions, rows): ``legs``, ``ids`` and ``rows`` are a
        chunk's copies of the legs, their ids and their rows in the table; ``positions`` index
        them, ordered by row, so a pairing kernel reads the kept legs where the query just
        read them. None for a box that is not finite (no grid answers it; :meth:`near_box`
        then scans). Chunks wholly before ``lo`` are dropped: the referee's windows only move
        forward (``lo`` follows the clock), and a chunk needed again is simply rebuilt.
        """
        n = len(self.legs)
        lo, hi = max(int(lo), 0), min(int(hi), n)
        m = float(margin_m)
        x0, y0, x1, y1 = (float(c) for c in box)
        grown = (x0 - m, y0 - m, x1 + m, y1 + m)
        if not all(math.isfinite(v) for v in grown):
            return None
        for c in [c for c in self._chunks if (c + 1) * self.chunk_rows <= lo]:
            del self._chunks[c]
        parts = []
        for c in range(lo // self.chunk_rows, (hi - 1) // self.chunk_rows + 1) if hi > lo else ():
            r0, r1 = c * self.chunk_rows, min((c + 1) * self.chunk_rows, n)
            index = self._chunks.get(c)
            if index is None:
                index = _build(self.legs, self.ids, r0, r1, self.cell_m, self.levels)
                self._chunks[c] = index
                self.built += 1
            window = (max(lo, r0), min(hi, r1), float(now_h))
            pos = _query(index, window, grown, self.cell_m, self.levels)
            parts.append((index[7], index[8], pos, index[6]))
        return parts

    def near_box(
        self,
        lo: int,
        hi: int,
        now_h: float,
        box: tuple[float, float, float, float],
        margin_m: float,
    ) -> np.ndarray:
        """``_kernels.legs_near_box(legs, lo, hi, now_h, *box, margin_m)``: the same rows."""
        parts = self.near_box_parts(lo, hi, now_h, box, margin_m)
        if parts is None:
            x0, y0, x1, y1 = (float(c) for c in box)
            return _kernels.legs_near_box(
                self.legs, int(lo), int(hi), float(now_h), x0, y0, x1, y1, float(margin_m)
            )
        rows = [row[pos].astype(np.int64) for _, _, pos, row in parts]
        return np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
