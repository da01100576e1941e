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

__all__ = [
    "detection_candidates",
    "near_box_candidates",
    "time_sorted",
    "cookie_cutter_hits",
    "legs_near_box",
    "ray_exit",
    "delay_by_earlier_stops",
    "point_in_rings",
    "in_stops",
    "position_in_rows",
    "lay_legs",
    "first_per_id",
    "live_in_box",
]


@njit(cache=True, nogil=True)
def _sorted(x: np.ndarray) -> bool:
    for i in range(1, x.shape[0]):
        if x[i] < x[i - 1]:
            return False
    return True


@njit(cache=True, nogil=True)
def time_sorted(legs: np.ndarray) -> bool:
    """Whether legs are in time order, starts and ends (a track): the sweep line's condition."""
    return legs.shape[0] <= 1 or (_sorted(legs[:, 0]) and _sorted(legs[:, 1]))


@njit(cache=True, nogil=True)
def detection_candidates(
    sensor_legs: np.ndarray,
    target_legs: np.ndarray,
    target_ids: np.ndarray,
    rows: np.ndarray,
    t_min_h: float,
    range_m: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The (sensor leg, target leg) pairs that overlap in time and may come within ``range_m``.

    Only the target legs ``rows`` are looked at (read in place: no copy of a subset). Returns
    (px, py, vx, vy, dur, ta, ids): relative position and velocity of the target at the start
    ``ta`` of the common window, its length, and the target id, one row per pair, ordered by
    target leg then sensor leg. Time-sorted sensor legs (a track) are paired by a sweep line:
    two binary searches per target leg; unsorted ones, all pairs (sensor leg major).
    """
    m = sensor_legs.shape[0]
    n = rows.shape[0]
    s0 = np.ascontiguousarray(sensor_legs[:, 0])
    s1 = np.ascontiguousarray(sensor_legs[:, 1])
    ordered = m <= 1 or (_sorted(s0) and _sorted(s1))
    lo = np.zeros(n, dtype=np.int64)
    hi = np.zeros(n, dtype=np.int64)
    total = 0
    if ordered:
        for o in range(n):
            j = rows[o]
            lo[o] = np.searchsorted(s1, max(target_legs[j, 0], t_min_h), side="left")
            hi[o] = np.searchsorted(s0, target_legs[j, 1], side="right")
            if hi[o] > lo[o]:
                total += hi[o] - lo[o]
    else:
        total = m * n
    return _pairs(
        sensor_legs, target_legs, target_ids, rows, lo, hi, total, ordered, t_min_h, range_m
    )


@njit(cache=True, nogil=True)
def leg_box_meets(
    legs: np.ndarray, j: int, t1: float, ax0: float, ay0: float, ax1: float, ay1: float
) -> bool:
    """Whether leg ``j`` (ending at ``t1``) has a box overlapping (ax0, ay0, ax1, ay1)."""
    dur = t1 - legs[j, 0]
    xa, ya = legs[j, 2], legs[j, 3]
    xb, yb = xa + legs[j, 4] * dur, ya + legs[j, 5] * dur
    return max(xa, xb) >= ax0 and min(xa, xb) <= ax1 and max(ya, yb) >= ay0 and min(ya, yb) <= ay1


@njit(cache=True, nogil=True)
def near_box_candidates(
    sensor_legs: np.ndarray,
    legs: np.ndarray,
    target_ids: np.ndarray,
    lo_row: int,
    hi_row: int,
    box: tuple[float, float, float, float, float],
    t_min_h: float,
    range_m: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`detection_candidates` of the rows :func:`legs_near_box` keeps, in one kernel.

    ``box`` is (now_h, x0, y0, x1, y1) and the margin is ``range_m``. The referee scans tens
    of thousands of legitimate legs per sensor plan and keeps a few thousand; filtering and
    pairing them apart read each kept row twice, the second time from memory (a year of
    legs is far larger than the caches), which was most of the pairing's cost. Here a kept
    row's time window in the sensor's track is found while the row is in cache. The same
    rows in the same order give the same pairs, so the candidates are identical. Time-sorted
    sensor legs only (a track); unsorted ones go through the two kernels.
    """
    now_h, x0, y0, x1, y1 = box
    s0 = np.ascontiguousarray(sensor_legs[:, 0])
    s1 = np.ascontiguousarray(sensor_legs[:, 1])
    n = max(hi_row - lo_row, 0)
    rows = np.empty(n, dtype=np.int64)
    lo = np.empty(n, dtype=np.int64)
    hi = np.empty(n, dtype=np.int64)
    k = 0
    total = 0
    ax0, ay0, ax1, ay1 = x0 - range_m, y0 - range_m, x1 + range_m, y1 + range_m
    for j in range(lo_row, hi_row):
        t1 = legs[j, 1]
        if not t1 > now_h:
            continue
        if leg_box_meets(legs, j, t1, ax0, ay0, ax1, ay1):
            rows[k] = j
            lo[k] = np.searchsorted(s1, max(legs[j, 0], t_min_h), side="left")
            hi[k] = np.searchsorted(s0, t1, side="right")
            if hi[k] > lo[k]:
                total += hi[k] - lo[k]
            k += 1
    return _pairs(
        sensor_legs, legs, target_ids, rows[:k], lo[:k], hi[:k], total, True, t_min_h, range_m
    )


@njit(cache=True, nogil=True)
def _pairs(
    sensor_legs: np.ndarray,
    target_legs: np.ndarray,
    target_ids: np.ndarray,
    rows: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    total: int,
    ordered: bool,
    t_min_h: float,
    range_m: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The candidate pairs of :func:`detection_candidates`, given each row's sensor-leg range."""
    m = sensor_legs.shape[0]
    n = rows.shape[0]
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
        i0, i1 = (lo[o], hi[o]) if ordered else (0, n)
        for inner in range(i0, i1):
            i = inner if ordered else o
            j = rows[o] if ordered else rows[inner]
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
            # the most the gap can close over the window: beyond range at the start by more is
            # no pair. Decided with square roots, an ulp or two from hypot, and only when that
            # leaves it within a relative 1e-9 with hypot itself (3x dearer), so the same pairs
            g = math.sqrt(rx * rx + ry * ry)
            c = math.sqrt(wx * wx + wy * wy) * d
            gap = g - c - range_m
            if gap > 1e-9 * (g + c + range_m):
                continue
            if not gap < -1e-9 * (g + c + range_m):
                # (no closing when still: 0 x an unbounded window would be NaN)
                speed = math.hypot(wx, wy)
                if not math.hypot(rx, ry) - (speed * d if speed > 0 else 0.0) <= range_m:
                    continue
            px[k], py[k], vx[k], vy[k], dur[k], ta_out[k] = rx, ry, wx, wy, d, ta
            ids[k] = target_ids[j]
            k += 1
    return px[:k], py[:k], vx[:k], vy[:k], dur[:k], ta_out[:k], ids[:k]


@njit(cache=True, nogil=True)
def cookie_cutter_hits(
    px: np.ndarray,
    py: np.ndarray,
    vx: np.ndarray,
    vy: np.ndarray,
    dur: np.ndarray,
    ta: np.ndarray,
    ids: np.ndarray,
    range_m: float,
) -> tuple[np.ndarray, np.ndarray]:
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
        elif a <= 0 and c <= 0:  # still relative to each other, inside range (NaN: neither)
            t_in, t_out = -math.inf, math.inf
        else:
            continue
        t_in = max(t_in, 0.0)
        t_out = min(t_out, dur[q])
        if t_in <= t_out:
            out_t[k] = ta[q] + t_in
            out_i[k] = ids[q]
            k += 1
    return out_i[:k], out_t[:k]


@njit(cache=True, nogil=True)
def legs_near_box(
    legs: np.ndarray,
    lo: int,
    hi: int,
    now_h: float,
    x0: float,
    y0: float,
    x1: float,
    y1: float,
    margin_m: float,
) -> np.ndarray:
    """Indices j in [lo, hi) of legs running at ``now_h`` whose box comes near a box.

    Near: within ``margin_m`` of the box (x0, y0, x1, y1). The leg's end is computed here, so
    the model keeps no per-leg box arrays (~70 MB for a year of 2,000 ships).
    """
    out = np.empty(max(hi - lo, 0), dtype=np.int64)
    k = 0
    ax0, ay0, ax1, ay1 = x0 - margin_m, y0 - margin_m, x1 + margin_m, y1 + margin_m
    for j in range(lo, hi):
        t1 = legs[j, 1]
        if not t1 > now_h:
            continue
        if leg_box_meets(legs, j, t1, ax0, ay0, ax1, ay1):
            out[k] = j
            k += 1
    return out[:k]


@njit(cache=True, nogil=True)
def ray_exit(
    a: np.ndarray, e: np.ndarray, px: float, py: float, dx: float, dy: float
) -> tuple[int, float]:
    """(segment index, distance) of the first boundary crossing along a ray.

    The crossing is the first more than 1 m along p + t d, or (-1, inf) if there is none; a
    vertex belongs to both its segments.
    """
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


@njit(cache=True, nogil=True)
def billiard(
    a: np.ndarray,
    e: np.ndarray,
    normals: np.ndarray,
    px: float,
    py: float,
    length_m: float,
    u: np.ndarray,
    min_leg_m: float,
    max_short: int,
) -> tuple[int, np.ndarray, int]:
    """The Lambertian billiard of :class:`sim.model.strategies.RandomSearch`.

    It runs from (px, py) until ``length_m`` is travelled, drawing its random numbers from
    ``u`` (standard uniforms, used in the order the scalar draws of the Python loop made
    them: a direction is ``2 pi u``, a bounce
    ``sin = 2u - 1``).

    Returns (status, waypoints after the start, uniforms used): status 0 done, 1 stuck (more
    than ``max_short`` bounces shorter than ``min_leg_m`` in a row), 2 ``u`` ran out.
    """
    two_pi = 2 * math.pi
    cap = 64
    out = np.empty((cap, 2))
    m = 0
    k = 0
    if k >= u.shape[0]:
        return 2, out[:0], k
    ang = 0.0 + two_pi * u[k]
    k += 1
    dx, dy = math.cos(ang), math.sin(ang)
    travelled = 0.0
    short = 0
    while travelled < length_m:
        seg, t = ray_exit(a, e, px, py, dx, dy)
        if seg < 0 or t < min_leg_m:
            short += 1
            if short > max_short:
                return 1, out[:m], k
        else:
            short = 0
        if seg < 0:  # rounding left the walker facing out at a corner: draw again
            if k >= u.shape[0]:
                return 2, out[:m], k
            ang = 0.0 + two_pi * u[k]
            k += 1
            dx, dy = math.cos(ang), math.sin(ang)
            continue
        qx, qy = px + dx * t, py + dy * t
        mx, my = px + dx * (0.5 * t), py + dy * (0.5 * t)
        if not point_in_rings(a, e, mx, my):  # slipped between two segments at a vertex
            if k >= u.shape[0]:
                return 2, out[:m], k
            ang = 0.0 + two_pi * u[k]
            k += 1
            dx, dy = math.cos(ang), math.sin(ang)
            short += 1
            continue
        nx, ny = normals[seg, 0], normals[seg, 1]
        travelled += t
        if m == cap:
            cap *= 2
            grown = np.empty((cap, 2))
            grown[:m] = out[:m]
            out = grown
        out[m, 0], out[m, 1] = qx, qy
        m += 1
        px, py = qx, qy
        if k >= u.shape[0]:
            return 2, out[:m], k
        s = -1.0 + 2.0 * u[k]  # Lambert: sin(angle to the normal) is uniform
        k += 1
        c = math.sqrt(1.0 - s * s)
        dx, dy = nx * c - ny * s, nx * s + ny * c
    return 0, out[:m], k


@njit(cache=True, nogil=True)
def delay_by_earlier_stops(
    legs: np.ndarray,
    vessel: np.ndarray,
    stop_vessel: np.ndarray,
    stop_key: np.ndarray,
    stop_d: np.ndarray,
) -> None:
    """In place: each leg's times plus the durations of its vessel's stops keyed before it.

    ``legs`` are in (vessel, start) order and the stops sorted by (vessel, key); a stop
    counts for a leg when ``key < start`` (the start read before it is moved). One pass with
    a pointer per vessel; the durations are added one at a time in stop order, from 0.0, as
    the per-stop loop of ``sim.model.legit_stops`` added them.
    """
    m = stop_vessel.shape[0]
    k = 0
    kk = 0
    cur = -1
    acc = 0.0
    for i in range(legs.shape[0]):
        c = vessel[i]
        if c != cur:
            cur = c
            while k < m and stop_vessel[k] < c:
                k += 1
            kk = k
            acc = 0.0
        t = legs[i, 0]
        while kk < m and stop_vessel[kk] == c and stop_key[kk] < t:
            acc += stop_d[kk]
            kk += 1
        legs[i, 0] += acc
        legs[i, 1] += acc


@njit(cache=True, nogil=True)
def in_stops(
    first: np.ndarray,
    s0: np.ndarray,
    s1: np.ndarray,
    vessel: np.ndarray,
    t_h: np.ndarray,
) -> np.ndarray:
    """Whether each (vessel, time) falls in one of the vessel's stops ``[s0, s1)``.

    The stops are sorted by (vessel, start) and vessel ``v``'s are ``first[v]:first[v + 1]``
    (vessels beyond ``first`` have none); one vessel's stops do not overlap, so the only
    stop a time may fall in is the last one starting at or before it (a binary search).
    """
    n_v = first.shape[0] - 1
    out = np.zeros(vessel.shape[0], dtype=np.bool_)
    for q in range(vessel.shape[0]):
        v = vessel[q]
        if v < 0 or v >= n_v:
            continue
        t = t_h[q]
        a = first[v]
        k = a + np.searchsorted(s0[a : first[v + 1]], t, side="right") - 1
        out[q] = k >= a and t < s1[k]
    return out


@njit(cache=True, nogil=True)
def position_in_rows(legs: np.ndarray, rows: np.ndarray, t_h: float) -> tuple[float, float]:
    """``Track(legs[rows]).position(t_h)`` without gathering the rows (``sim.model.motion``).

    ``rows`` are one mover's legs in time order (their ends sorted): a binary search for
    the first leg ending at or after ``t_h`` reads a dozen rows of the table, not thousands.
    The arithmetic is ``Track.position``'s; ``rows`` must not be empty.
    """
    lo, hi = 0, rows.shape[0]
    while lo < hi:  # np.searchsorted(legs[rows, 1], t_h, side="left")
        mid = (lo + hi) // 2
        if legs[rows[mid], 1] < t_h:
            lo = mid + 1
        else:
            hi = mid
    if lo >= rows.shape[0]:
        r = rows[rows.shape[0] - 1]
        dt = legs[r, 1] - legs[r, 0]
        return legs[r, 2] + legs[r, 4] * dt, legs[r, 3] + legs[r, 5] * dt
    r = rows[lo]
    dt = max(0.0, t_h - legs[r, 0])
    return legs[r, 2] + legs[r, 4] * dt, legs[r, 3] + legs[r, 5] * dt


@njit(cache=True, nogil=True)
def lay_legs(
    off: np.ndarray,
    start: np.ndarray,
    direction: np.ndarray,
    seg_len: np.ndarray,
    run: np.ndarray,
    voyages: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    end_h: float,
    out: np.ndarray,
    out_ids: np.ndarray,
) -> int:
    """Lay each voyage's route template as legs into ``out``; returns the rows written.

    ``voyages`` are (template, departure h, speed m/h, ship) per voyage, in the order the
    legs are wanted; template ``p``'s segments are ``off[p]:off[p + 1]`` of ``start``,
    ``direction`` (unit), ``seg_len`` and ``run`` (distance before the segment). A leg is
    kept when it runs within the run (ends after 0, starts before ``end_h``). The arithmetic
    is ``sim.model.traffic``'s vectorised laying, element by element, without its eight
    table-long temporaries (the build's peak of memory).
    """
    pair, t_dep, speed, ship = voyages
    k = 0
    for q in range(pair.shape[0]):
        p = pair[q]
        t, sp = t_dep[q], speed[q]
        for r in range(off[p], off[p + 1]):
            t0 = t + run[r] / sp
            t1 = t + (run[r] + seg_len[r]) / sp
            if t1 > 0 and t0 < end_h:
                out[k, 0] = t0
                out[k, 1] = t1
                out[k, 2] = start[r, 0]
                out[k, 3] = start[r, 1]
                out[k, 4] = direction[r, 0] * sp
                out[k, 5] = direction[r, 1] * sp
                out_ids[k] = ship[q]
                k += 1
    return k


@njit(cache=True, nogil=True)
def first_per_id(ids: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each id's earliest time, by id: ``np.lexsort((times, ids))`` and the first of each id.

    A stable sort by id, then the least time of each id (NaN only when all are NaN, as the
    lexsort orders them; of equal times the first given, as its ties). The numpy version was
    a dozen array calls per sensor plan, 40 us each time, for a few dozen detections.
    """
    n = ids.shape[0]
    order = np.argsort(ids, kind="mergesort")
    out_i = np.empty(n, dtype=np.int64)
    out_t = np.empty(n)
    k = -1
    for q in range(n):
        j = order[q]
        i = ids[j]
        t = times[j]
        if k < 0 or out_i[k] != i:
            k += 1
            out_i[k] = i
            out_t[k] = t
        elif t < out_t[k] or (math.isnan(out_t[k]) and not math.isnan(t)):
            out_t[k] = t
    return out_i[: k + 1], out_t[: k + 1]


@njit(cache=True, nogil=True)
def live_in_box(
    legs: np.ndarray, lo: int, hi: int, t_h: float, box: tuple[float, float, float, float]
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Of rows [lo, hi) live at ``t_h`` (``t0 <= t_h < t1``), those whose position is in a box.

    Returns (how many are live, and of those in the box: rows, ranks among the live rows,
    x, y). The positions are
    ``sim.model.sensing.positions_at``'s arithmetic, in one pass without its temporaries; a
    point outside the box (x0, y0, x1, y1) is counted but not returned.
    """
    x0, y0, x1, y1 = box
    n = max(hi - lo, 0)
    rows = np.empty(n, dtype=np.int64)
    rank = np.empty(n, dtype=np.int64)
    xs = np.empty(n)
    ys = np.empty(n)
    live = 0
    k = 0
    for j in range(lo, hi):
        if not (legs[j, 0] <= t_h and legs[j, 1] > t_h):
            continue
        dt = t_h - legs[j, 0]
        x, y = legs[j, 2] + legs[j, 4] * dt, legs[j, 3] + legs[j, 5] * dt
        if x >= x0 and x <= x1 and y >= y0 and y <= y1:
            rows[k], rank[k], xs[k], ys[k] = j, live, x, y
            k += 1
        live += 1
    return live, rows[:k], rank[:k], xs[:k], ys[:k]
