"""Event-driven sensing: when does a sensor on its legs first detect a target on its legs?

For every pair (sensor leg, target leg) the relative motion over their common
time window is linear, so detection is solved in closed form, for all pairs in
one compiled pass (``sim.model._kernels``; the approach of NPS Simkit's
sensor-mover referee), instead of polling positions on a clock.

Two detection laws:

- **cookie cutter**: certain detection on entering range R (sweep width W = 2R);
- **inverse cube** (Koopman): instantaneous detection rate ``gamma(r) = k / r**3``.
  Over an infinite straight pass at lateral range x and relative speed w the
  cumulative hazard is ``2k / (w x**2)``, so the sweep width is
  ``W = 2*sqrt(2*pi*k/w)``; we parametrise by W at a reference speed, hence
  ``k = W_ref**2 * w_ref / (8*pi)``. Over a finite window the hazard integrates to
  ``k/(w x**2) * [s/sqrt(x**2+s**2)]`` between the along-track offsets ``s``;
  the detection time is found by inverting that expression at an Exp(1) draw.
  Nothing is detected beyond the cut-off range.
"""

from __future__ import annotations

import math

import numpy as np

from sim.model import _kernels
from sim.model.leg_index import LegIndex

__all__ = [
    "first_detections",
    "first_detections_indexed",
    "first_detections_near_box",
    "in_range_interval",
    "live_in_box",
    "positions_at",
]

_X_FLOOR_M = 10.0


def in_range_interval(
    px: np.ndarray, py: np.ndarray, vx: np.ndarray, vy: np.ndarray, dur: np.ndarray, r_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For relative motion p + v*tau, tau in [0, dur], the sub-interval where |.| <= r_m.

    Returns (hit mask, tau_in, tau_out).
    """
    a = vx * vx + vy * vy
    b = 2.0 * (px * vx + py * vy)
    c = px * px + py * py - r_m * r_m
    disc = b * b - 4.0 * a * c
    with np.errstate(divide="ignore", invalid="ignore"):
        sq = np.sqrt(np.maximum(disc, 0.0))
        t_in = np.where(a > 0, (-b - sq) / (2.0 * a), np.where(c <= 0, -np.inf, np.inf))
        t_out = np.where(a > 0, (-b + sq) / (2.0 * a), np.where(c <= 0, np.inf, -np.inf))
    moving_ok = (a > 0) & (disc >= 0)
    still_ok = (a <= 0) & (c <= 0)
    t_in = np.maximum(t_in, 0.0)
    t_out = np.minimum(t_out, dur)
    hit = (moving_ok | still_ok) & (t_in <= t_out)
    return hit, t_in, t_out


def first_detections(
    sensor_legs: np.ndarray,
    target_legs: np.ndarray,
    target_ids: np.ndarray,
    *,
    law: str,
    range_m: float,
    sweep_width_m: float,
    reference_speed_m_h: float,
    rng: np.random.Generator,
    t_min_h: float = -math.inf,
    rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """First detection time of each target by one sensor following ``sensor_legs``.

    Args:
        sensor_legs: (m, 6) legs of the sensor (see ``sim.model.motion``).
        target_legs: (n, 6) legs of all targets, several per target allowed.
        target_ids: (n,) integer id of the target each leg belongs to.
        law: "cookie_cutter" or "inverse_cube".
        range_m: detection range (cookie cutter) or cut-off range (inverse cube).
        sweep_width_m: inverse-cube sweep width at ``reference_speed_m_h``.
        reference_speed_m_h: reference relative speed of the sweep width.
        rng: the run's generator (used by the inverse-cube law only).
        t_min_h: ignore detections before this time.
        rows: only these target legs (indices into ``target_legs``; default all).

    Returns:
        (ids, times): unique target ids detected and their first detection time, sorted by id.
    """
    rows = np.arange(len(target_legs)) if rows is None else np.asarray(rows, dtype=np.int64)
    if not len(sensor_legs) or not len(rows):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    # pairs overlapping in time (sweep line) that may come within range: compiled, one pass
    cand = _kernels.detection_candidates(
        _f64(sensor_legs),
        _f64(target_legs),
        np.ascontiguousarray(target_ids),
        rows,
        float(t_min_h),
        float(range_m),
    )
    return _first_hits(cand, law, range_m, sweep_width_m, reference_speed_m_h, rng)


def first_detections_near_box(
    sensor_legs: np.ndarray,
    target_legs: np.ndarray,
    target_ids: np.ndarray,
    rows: tuple[int, int],
    box: tuple[float, float, float, float],
    *,
    law: str,
    range_m: float,
    sweep_width_m: float,
    reference_speed_m_h: float,
    rng: np.random.Generator,
    t_min_h: float,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`first_detections` of the target legs in ``rows`` (lo, hi) near a box.

    Near: running at ``t_min_h`` and with a box within ``range_m`` of ``box`` (x0, y0, x1,
    y1): the rows ``_kernels.legs_near_box`` keeps, filtered and paired in one compiled pass
    (``_kernels.near_box_candidates``), so the same detections, drawn the same way. The
    sensor's legs must be in time order (a track); others are filtered and paired apart.
    """
    s = _f64(sensor_legs)
    t = _f64(target_legs)
    lo, hi = rows
    if not len(s):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    x0, y0, x1, y1 = (float(c) for c in box)
    if not _kernels.time_sorted(s):
        keep = _kernels.legs_near_box(t, lo, hi, float(t_min_h), x0, y0, x1, y1, float(range_m))
        return first_detections(
            s,
            t,
            target_ids,
            law=law,
            range_m=range_m,
            sweep_width_m=sweep_width_m,
            reference_speed_m_h=reference_speed_m_h,
            rng=rng,
            t_min_h=t_min_h,
            rows=keep,
        )
    cand = _kernels.near_box_candidates(
        s,
        t,
        np.ascontiguousarray(target_ids),
        int(lo),
        int(hi),
        (float(t_min_h), x0, y0, x1, y1),
        float(t_min_h),
        float(range_m),
    )
    return _first_hits(cand, law, range_m, sweep_width_m, reference_speed_m_h, rng)


def first_detections_indexed(
    sensor_legs: np.ndarray,
    index: LegIndex,
    rows: tuple[int, int],
    box: tuple[float, float, float, float],
    *,
    law: str,
    range_m: float,
    sweep_width_m: float,
    reference_speed_m_h: float,
    rng: np.random.Generator,
    t_min_h: float,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`first_detections_near_box` of the index's legs and ids, the rows from the index.

    The same rows in the same order (``LegIndex.near_box``), so the same candidate pairs, in
    the same order, and the same draws. Each chunk's kept legs are paired from the chunk's
    copy, where the query just read them; a track's pairs are ordered by target row, so the
    chunks' pairs, in chunk order, are the pairs of all rows at once. Legs not in time order
    pair sensor-leg first across all rows, so they, and a box that is not finite, take the
    scan's path.
    """
    s = _f64(sensor_legs)
    if not len(s):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    parts = None
    if _kernels.time_sorted(s):
        parts = index.near_box_parts(rows[0], rows[1], t_min_h, box, range_m)
    if parts is None:
        return first_detections_near_box(
            s,
            index.legs,
            index.ids,
            rows,
            box,
            law=law,
            range_m=range_m,
            sweep_width_m=sweep_width_m,
            reference_speed_m_h=reference_speed_m_h,
            rng=rng,
            t_min_h=t_min_h,
        )
    cands = [
        _kernels.detection_candidates(s, legs, ids, pos, float(t_min_h), float(range_m))
        for legs, ids, pos, _ in parts
        if len(pos)
    ]
    if not cands:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    cand = (
        cands[0] if len(cands) == 1 else tuple(np.concatenate(c) for c in zip(*cands, strict=True))
    )
    return _first_hits(cand, law, range_m, sweep_width_m, reference_speed_m_h, rng)


def _first_hits(
    cand: tuple[np.ndarray, ...],
    law: str,
    range_m: float,
    sweep_width_m: float,
    reference_speed_m_h: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs' detections under ``law``, then each target's first (by id)."""
    px, py, vx, vy, dur, ta, ids = cand
    if not len(px):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    if law == "cookie_cutter":
        ids, times = _kernels.cookie_cutter_hits(px, py, vx, vy, dur, ta, ids, float(range_m))
    else:
        hit, t_in, t_out = in_range_interval(px, py, vx, vy, dur, range_m)
        times = ta + _inverse_cube_times(
            px, py, vx, vy, t_in, t_out, sweep_width_m, reference_speed_m_h, hit, rng
        )
        hit &= np.isfinite(times)
        ids, times = ids[hit], times[hit]
    if not len(ids):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return _kernels.first_per_id(np.ascontiguousarray(ids), np.ascontiguousarray(times, float))


def _f64(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float64)


def _inverse_cube_times(
    px: np.ndarray,
    py: np.ndarray,
    vx: np.ndarray,
    vy: np.ndarray,
    t_in: np.ndarray,
    t_out: np.ndarray,
    w_ref_m: float,
    v_ref_m_h: float,
    hit: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Detection offset (hours from window start) under the inverse-cube law, inf if none."""
    k = w_ref_m**2 * v_ref_m_h / (8.0 * math.pi)  # m^3/h
    e = rng.exponential(1.0, size=len(px))
    w2 = vx * vx + vy * vy
    w = np.sqrt(w2)
    out = np.full(len(px), np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        # moving pairs: lateral range and along-track offsets
        t_cpa = np.where(w2 > 0, -(px * vx + py * vy) / np.where(w2 > 0, w2, 1.0), 0.0)
        x = np.maximum(np.hypot(px + vx * t_cpa, py + vy * t_cpa), _X_FLOOR_M)
        sa, sb = w * (t_in - t_cpa), w * (t_out - t_cpa)
        ua, ub = sa / np.sqrt(x * x + sa * sa), sb / np.sqrt(x * x + sb * sb)
        scale = k / np.where(w > 0, w, 1.0) / (x * x)
        lam = scale * (ub - ua)
        moving = hit & (w > 1e-6) & (lam >= e)
        u = ua + e / scale
        s = u * x / np.sqrt(np.maximum(1.0 - u * u, 1e-300))
        out = np.where(moving, t_cpa + s / np.where(w > 0, w, 1.0), out)
        # stationary pairs: constant rate k/r^3
        r = np.maximum(np.hypot(px, py), _X_FLOOR_M)
        rate = k / r**3
        still = hit & (w <= 1e-6) & (rate * (t_out - t_in) >= e)
        out = np.where(still, t_in + e / rate, out)
    return out


def positions_at(legs: np.ndarray, t_h: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions at ``t_h`` of the legs that are active then; returns (row mask, x, y)."""
    active = (legs[:, 0] <= t_h) & (legs[:, 1] > t_h)
    sub = legs[active]
    dt = t_h - sub[:, 0]
    return active, sub[:, 2] + sub[:, 4] * dt, sub[:, 3] + sub[:, 5] * dt


def live_in_box(
    legs: np.ndarray, rows: tuple[int, int], t_h: float, box: tuple[float, float, float, float]
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`positions_at` of ``legs[lo:hi]``, only the positions inside ``box``, in one pass.

    A satellite images an area whose bounds hold a few of the ~10,000 ships at sea, yet
    draws one number per ship at sea; so all are counted and only those inside the bounds
    (x0, y0, x1, y1) are returned, for the polygon test. Returns (ships at sea, and of those
    inside the bounds: rows, ranks among the ships at sea, x, y), in row order.
    """
    lo, hi = rows
    x0, y0, x1, y1 = (float(c) for c in box)
    return _kernels.live_in_box(_f64(legs), int(lo), int(hi), float(t_h), (x0, y0, x1, y1))
