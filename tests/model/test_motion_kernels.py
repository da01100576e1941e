"""The compiled leg layers give bit-identical legs to the numpy code they replaced.

The references below are the numpy implementations that ``motion.legs_along`` and the
fishing builder used before they were compiled; any difference in rounding would change
every plan and every fishing trip, so the comparison is exact (``array_equal``), not approximate.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.model import _motion_kernels
from sim.model.motion import legs_along
from sim.units import KN_M_PER_H

coords = st.floats(-2e6, 2e6, allow_nan=False, allow_infinity=False)
polylines = st.integers(0, 12).flatmap(lambda n: arrays(np.float64, (n, 2), elements=coords))


def _legs_along_numpy(xy: np.ndarray, t_start_h: float, speed_kn: float) -> np.ndarray:
    d = np.diff(xy, axis=0)
    seg_m = np.hypot(d[:, 0], d[:, 1])
    keep = seg_m > 1e-6
    d, seg_m, starts = d[keep], seg_m[keep], xy[:-1][keep]
    if not len(seg_m):
        return np.zeros((0, 6))
    dur_h = seg_m / (speed_kn * KN_M_PER_H)
    t1 = t_start_h + np.cumsum(dur_h)
    t0 = t1 - dur_h
    vel = d / dur_h[:, None]
    return np.column_stack([t0, t1, starts[:, 0], starts[:, 1], vel[:, 0], vel[:, 1]])


def _lay_numpy(pts: np.ndarray, t0: float, speed_m_h: float) -> tuple[np.ndarray, float]:
    d = np.diff(pts, axis=0)
    seg = np.hypot(d[:, 0], d[:, 1])
    ok = seg > 1e-6
    d, seg, start = d[ok], seg[ok], pts[:-1][ok]
    dt = seg / speed_m_h
    t = t0 + np.concatenate([[0.0], np.cumsum(dt)])
    legs = np.column_stack([t[:-1], t[1:], start, d / dt[:, None]])
    return legs.reshape(-1, 6), float(t[-1])


@settings(max_examples=200, deadline=None)
@given(polylines, st.floats(-1e4, 1e4), st.floats(0.5, 600.0))
def test_legs_along_is_bit_identical_to_numpy(xy: np.ndarray, t_h: float, speed_kn: float) -> None:
    got = legs_along(xy, t_h, speed_kn)
    want = _legs_along_numpy(xy, t_h, speed_kn) if len(xy) else np.zeros((0, 6))
    assert got.shape == want.shape
    assert np.array_equal(got, want)


@settings(max_examples=200, deadline=None)
@given(polylines, st.floats(-1e4, 1e4), st.floats(100.0, 2e4))
def test_fishing_lay_is_bit_identical_to_numpy(
    xy: np.ndarray, t_h: float, speed_m_h: float
) -> None:
    if len(xy) == 0:
        xy = np.zeros((1, 2))
    legs, arrive = _motion_kernels.legs_from_sums(xy, t_h, speed_m_h)
    want, want_arrive = _lay_numpy(xy, t_h, speed_m_h)
    assert np.array_equal(legs, want)
    assert arrive == want_arrive


def test_repeated_points_make_no_leg() -> None:
    xy = np.array([[0.0, 0.0], [0.0, 0.0], [1852.0, 0.0], [1852.0, 0.0]])
    legs = legs_along(xy, 5.0, 1.0)
    assert legs.tolist() == [[5.0, 6.0, 0.0, 0.0, 1852.0, 0.0]]
    legs, arrive = _motion_kernels.legs_from_sums(xy, 5.0, 1852.0)
    assert legs.tolist() == [[5.0, 6.0, 0.0, 0.0, 1852.0, 0.0]] and arrive == 6.0
    none, arrive = _motion_kernels.legs_from_sums(xy[:2], 5.0, 1852.0)
    assert none.shape == (0, 6) and arrive == 5.0


def _last_legs_reference(
    t0: np.ndarray, ids: np.ndarray, vessel: np.ndarray, t_h: np.ndarray, k: int
) -> np.ndarray:
    order = np.lexsort((t0, ids))  # by vessel, then start, ties by row
    out = np.full((len(vessel), k), -1)
    for q, (v, t) in enumerate(zip(vessel, t_h, strict=True)):
        mine = order[ids[order] == v]
        mine = mine[t0[mine] < t][-k:]
        out[q, k - len(mine) :] = mine
    return out


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, 20)), max_size=60),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(-1, 22)), max_size=10),
            st.integers(1, 5),
        )
    )
)
def test_last_legs_before_matches_a_stable_sort(
    case: tuple[int, list[tuple[int, int]], list[tuple[int, int]], int],
) -> None:
    n, legs, queries, k = case
    ids = np.array([v for v, _ in legs], dtype=np.int64)
    t0 = np.array([t for _, t in legs], dtype=float)  # integer starts: many ties
    vessel = np.array([v for v, _ in queries], dtype=np.int64)
    t_h = np.array([t for _, t in queries], dtype=float)
    got = _motion_kernels.last_legs_before(t0, ids, n, vessel, t_h, k)
    assert np.array_equal(got, _last_legs_reference(t0, ids, vessel, t_h, k))


def test_last_legs_before_keeps_time_order_and_pads_the_front() -> None:
    # vessel 0's legs laid out of order (a trip's passage is added after its tows)
    t0 = np.array([5.0, 1.0, 3.0, 2.0, 9.0])
    ids = np.array([0, 0, 1, 0, 0])
    queries, at_h = np.array([0, 1, 0]), np.array([6.0, 9.0, 1.5])
    got = _motion_kernels.last_legs_before(t0, ids, 2, queries, at_h, 2)
    assert got.tolist() == [[3, 0], [-1, 2], [-1, 1]]
