"""Compiled inner loops of the referee and the random-search billiard (numba).

Why compiled: the referee solves tens of thousands of small (sensor legs x target legs)
problems a run, and the billiard casts a ray against a polygon's boundary at every bounce.
In numpy each call pays ~60 array-function dispatches and their temporaries for a few
hundred pairs, so the overhead, not the arithmetic, was most of the time
(``benchmarks/profile_run.py``). These kernels do the same arithmetic, in the same order and
with the same IEEE operations as the numpy code they replace, one pass and no temporaries.

Compiled on first use and cached on disk beside this file (``cache=True``); importing this
module compiles nothing.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["detection_candidates", "cookie_cutter_hits", "legs_near_box", "ray_exit", "point_in_rings"]


@njit(cache=True, nogil=True)
def _pair_bounds(s0: np.ndarray, s1: np.ndarray, target_legs: np.ndarray, t_min_h: float):
    """Per target leg, the run [lo, hi) of time-sorted sensor legs that can overlap it."""
    n = target_legs.shape[0]
    lo = np.searchsorted(s1, np.maximum(target_legs[:, 0], t_min_h), side="left")
    hi = np.searchsorted(s0, target_legs[:, 1], side="right")
    total = 0
    for j in range(n):
        if hi[j] > lo[j]:
            total += hi[j] - lo[j]
    return lo, hi, total


@njit(cache=True, nogil=True)
def _sorted(x: np.ndarray) -> bool:
    for i in range(1, x.shape[0]):
        if x[i] < x[i - 1]:
            return False
    return True


@njit(cache=True, nogil=True)
def detection_candidates(sensor_legs: np.ndarray, target_legs: np.ndarray, target_ids: np.ndarray,
                         t_min_h: float, range_m: float):
    """The (sensor leg, target leg) pairs that overlap in time and may come within ``range_m``.

    Returns (px, py, vx, vy, dur, ta, ids): relative position and velocity of the target at
    the start ``ta`` of the common window, its length, and the target id, one row per pair,
    in the order of :func:`sim.model.sensing._time_overlapping_pairs` (target leg, then
    sensor leg; all pairs sensor-major when the sensor legs are not time-sorted).
    """
    m = sensor_legs.shape[0]
    n = target_legs.shape[0]
    s0 = np.ascontiguousarray(sensor_legs[:, 0])
    s1 = np.ascontiguousarray(sensor_legs[:, 1])
    ordered = m <= 1 or (_sorted(s0) and _sorted(s1))
    if ordered:
        lo, hi, total = _pair_bounds(s0, s1, target_legs, t_min_h)
    else:
        lo = np.zeros(n, dtype=np.int64)
        hi = np.zeros(n, dtype=np.int64)
        total = m * n
    px = np.empty(total)
    py = np.empty(total)
    vx = np.empty(total)
    vy = np.empty(total)
    dur = np.empty(total)
    ta_out = np.empty(total)
    ids = np.empty(total, dtype=np.int64)
    k = 0
    outer = n if ordered else m
    for o in range(outer):
        if ordered:
            i0, i1 = lo[o], hi[o]
        else:
            i0, i1 = 0, n
        for inner in range(i0, i1):
            i = inner if ordered else o
            j = o if ordered else inner
            ta = max(max(sensor_legs[i, 0], target_legs[j, 0]), t_min_h)
            tb = min(sensor_legs[i, 1], target_legs[j, 1])
            if not tb >= ta:
                continue
            sx = sensor_legs[i, 2] + sensor_legs[i, 4] * (ta - sensor_legs[i, 0])
            sy = sensor_legs[i, 3] + sensor_legs[i, 5] * (ta - sensor_legs[i, 0])
            tx = target_legs[j, 2] + target_legs[j, 4] * (ta - target_legs[j, 0])
            ty = target_legs[j, 3] + target_legs[j, 5] * (ta - target_legs[j, 0])
            rx, ry = tx - sx, ty - sy
            wx, wy = target_legs[j, 4] - sensor_legs[i, 4], target_legs[j, 5] - sensor_legs[i, 5]
            d = tb - ta
            # the most the gap can close over the window: beyond range at the start by more is no pair
            if math.hypot(rx, ry) - math.hypot(wx, wy) * d > range_m:
                continue
            px[k], py[k], vx[k], vy[k], dur[k], ta_out[k] = rx, ry, wx, wy, d, ta
            ids[k] = target_ids[j]
            k += 1
    return px[:k], py[:k], vx[:k], vy[:k], dur[:k], ta_out[:k], ids[:k]


@njit(cache=True, nogil=True)
def cookie_cutter_hits(px, py, vx, vy, dur, ta, ids, range_m: float):
    """Entry times into range (the cookie-cutter detections) of the candidate pairs that hit.

    The quadratic of :func:`sim.model.sensing.in_range_interval`, per pair. Returns (ids, times).
    """
    n = px.shape[0]
    out_t = np.empty(n)
    out_i = np.empty(n, dtype=np.int64)
    k = 0
    r2 = range_m * range_m
    for q in range(n):
        a = vx[q] * vx[q] + vy[q] * vy[q]
        b = 2.0 * (px[q] * vx[q] + py[q] * vy[q])
        c = px[q] * px[q] + py[q] * py[q] - r2
        if a > 0:
            disc = b * b - 4.0 * a * c
            if not disc >= 0:
                continue
            sq = math.sqrt(disc)
            t_in = (-b - sq) / (2.0 * a)
            t_out = (-b + sq) / (2.0 * a)
        else:
            if not c <= 0:
                continue
            t_in, t_out = -math.inf, math.inf
        t_in = max(t_in, 0.0)
        t_out = min(t_out, dur[q])
        if t_in <= t_out:
            out_t[k] = ta[q] + t_in
            out_i[k] = ids[q]
            k += 1
    return out_i[:k], out_t[:k]


@njit(cache=True, nogil=True)
def legs_near_box(legs: np.ndarray, lo: int, hi: int, now_h: float, x0: float, y0: float, x1: float,
                  y1: float, margin_m: float) -> np.ndarray:
    """Indices j in [lo, hi) of legs still running at ``now_h`` whose bounding box comes within
    ``margin_m`` of the box (x0, y0, x1, y1). The leg's end is computed here, so the model keeps
    no per-leg box arrays (~70 MB for a year of 2,000 ships)."""
    out = np.empty(max(hi - lo, 0), dtype=np.int64)
    k = 0
    ax0, ay0, ax1, ay1 = x0 - margin_m, y0 - margin_m, x1 + margin_m, y1 + margin_m
    for j in range(lo, hi):
        t1 = legs[j, 1]
        if not t1 > now_h:
            continue
        dur = t1 - legs[j, 0]
        xa, ya = legs[j, 2], legs[j, 3]
        xb, yb = xa + legs[j, 4] * dur, ya + legs[j, 5] * dur
        if max(xa, xb) >= ax0 and min(xa, xb) <= ax1 and max(ya, yb) >= ay0 and min(ya, yb) <= ay1:
            out[k] = j
            k += 1
    return out[:k]


@njit(cache=True, nogil=True)
def ray_exit(a: np.ndarray, e: np.ndarray, px: float, py: float, dx: float, dy: float):
    """(segment index, distance) of the first boundary crossing more than 1 m along the ray
    p + t d, or (-1, inf); a vertex belongs to both its segments."""
    best_k = -1
    best_t = math.inf
    for k in range(a.shape[0]):
        ex, ey = e[k, 0], e[k, 1]
        denom = dx * ey - dy * ex
        if denom == 0.0:
            continue
        wx = a[k, 0] - px
        wy = a[k, 1] - py
        t = (wx * ey - wy * ex) / denom
        s = (wx * dy - wy * dx) / denom
        if s >= -1e-9 and s <= 1.0 + 1e-9 and t > 1.0 and t < best_t:
            best_t = t
            best_k = k
    return best_k, best_t


@njit(cache=True, nogil=True)
def point_in_rings(a: np.ndarray, e: np.ndarray, x: float, y: float) -> bool:
    """Even-odd point-in-polygon test against all boundary segments (exterior and holes)."""
    inside = False
    for k in range(a.shape[0]):
        x0, y0 = a[k, 0], a[k, 1]
        x1, y1 = x0 + e[k, 0], y0 + e[k, 1]
        if (y0 > y) != (y1 > y):
            xc = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
            if x < xc:
                inside = not inside
    return inside
