"""Compiled legs along a polyline (numba), for the two callers that lay thousands a run.

Why compiled: a patrol plan (``sim.model.motion.legs_along``) and a fishing trip's passage
(``sim.model.fishing``) each lay a polyline's legs at one speed, tens of thousands of times a
run, for polylines of a few to a few hundred points. In numpy each call pays ~10 array
dispatches and their temporaries (diff, hypot, mask, cumsum, column_stack), ~100 us, for
microseconds of arithmetic. These loops do the same IEEE operations in the same order as the
numpy code they replace (``np.cumsum`` adds left to right), so the legs are bit-identical.
The two callers round differently (a leg's start as the running sum of the durations before
it, or as its end less its duration), and each keeps its own rule.

Compiled on first use and cached on disk beside this file (``cache=True``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["legs_at_speed", "legs_from_sums"]

_MIN_SEG_M = 1e-6
"""Segments shorter than this (m) are dropped (repeated points; both callers' rule)."""


@njit(cache=True, nogil=True)
def legs_at_speed(xy: np.ndarray, t_start_h: float, speed_m_h: float) -> np.ndarray:
    """``motion.legs_along``'s legs: each leg ends at the running sum, starts at end - duration."""
    n = max(xy.shape[0] - 1, 0)
    out = np.empty((n, 6))
    k = 0
    c = 0.0
    for i in range(n):
        dx = xy[i + 1, 0] - xy[i, 0]
        dy = xy[i + 1, 1] - xy[i, 1]
        seg = np.hypot(dx, dy)
        if seg > _MIN_SEG_M:
            dur = seg / speed_m_h
            c += dur
            t1 = t_start_h + c
            out[k, 0] = t1 - dur
            out[k, 1] = t1
            out[k, 2] = xy[i, 0]
            out[k, 3] = xy[i, 1]
            out[k, 4] = dx / dur
            out[k, 5] = dy / dur
            k += 1
    return out[:k].copy()


@njit(cache=True, nogil=True)
def legs_from_sums(xy: np.ndarray, t0_h: float, speed_m_h: float) -> tuple[np.ndarray, float]:
    """``fishing``'s legs: leg i spans (t0 + sum of durations before it, t0 + sum through it).

    Returns the legs and the arrival time (``t0_h`` when no segment is long enough).
    """
    n = max(xy.shape[0] - 1, 0)
    out = np.empty((n, 6))
    k = 0
    c = 0.0
    t = t0_h + 0.0
    for i in range(n):
        dx = xy[i + 1, 0] - xy[i, 0]
        dy = xy[i + 1, 1] - xy[i, 1]
        seg = np.hypot(dx, dy)
        if seg > _MIN_SEG_M:
            dt = seg / speed_m_h
            out[k, 0] = t
            c += dt
            t = t0_h + c
            out[k, 1] = t
            out[k, 2] = xy[i, 0]
            out[k, 3] = xy[i, 1]
            out[k, 4] = dx / dt
            out[k, 5] = dy / dt
            k += 1
    return out[:k].copy(), t


@njit(cache=True, nogil=True)
def last_legs_before(
    t0_h: np.ndarray, ids: np.ndarray, n: int, vessel: np.ndarray, t_h: np.ndarray, k: int
) -> np.ndarray:
    """Per query q, the rows of vessel ``vessel[q]``'s last ``k`` legs starting before ``t_h[q]``.

    The legs are in any order: rows are ordered by (start, row), the order a stable sort by
    vessel then start gives, and returned in it, -1 padding the front when a vessel has fewer.
    ``ids`` are vessel numbers in [0, n). One counting sort by vessel, then a scan of the
    vessel's starts per query: a stable sort of the whole table by (vessel, start) costs more
    than all the queries, and gathering a vessel's scattered rows once per query more still.
    """
    m = ids.shape[0]
    first = np.zeros(n + 1, dtype=np.int64)
    for i in range(m):
        first[ids[i] + 1] += 1
    for v in range(n):
        first[v + 1] += first[v]
    fill = first[:-1].copy()
    row = np.empty(m, dtype=np.int64)
    start = np.empty(m)
    for i in range(m):  # stable: rows of a vessel keep their order
        j = fill[ids[i]]
        row[j] = i
        start[j] = t0_h[i]
        fill[ids[i]] += 1
    out = np.full((vessel.shape[0], k), -1, dtype=np.int64)
    best_t = np.empty(k)
    best_r = np.empty(k, dtype=np.int64)
    for q in range(vessel.shape[0]):
        v = vessel[q]
        c = 0  # best_* hold the c largest (start, row) so far, ascending
        for j in range(first[v], first[v + 1]):
            s = start[j]
            if not s < t_h[q]:
                continue
            r = row[j]
            if c == k and not (s > best_t[0] or (s == best_t[0] and r > best_r[0])):
                continue
            if c == k:  # drop the smallest
                for u in range(1, k):
                    best_t[u - 1] = best_t[u]
                    best_r[u - 1] = best_r[u]
                c -= 1
            u = c  # insert in order
            while u > 0 and (best_t[u - 1] > s or (best_t[u - 1] == s and best_r[u - 1] > r)):
                best_t[u] = best_t[u - 1]
                best_r[u] = best_r[u - 1]
                u -= 1
            best_t[u] = s
            best_r[u] = r
            c += 1
        for u in range(c):
            out[q, k - c + u] = best_r[u]
    return out
