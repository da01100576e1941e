"""The closed-form sensing referee against hand-computed passes and the inverse-cube law."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.sensing import first_detections, in_range_interval

KM = 1000.0


def leg(t0: float, t1: float, x0: float, y0: float, vx: float = 0.0, vy: float = 0.0) -> np.ndarray:
    return np.array([[t0, t1, x0, y0, vx, vy]])


def detect(
    sensor: np.ndarray,
    target: np.ndarray,
    law: str = "cookie_cutter",
    r: float = 20 * KM,
    w: float | None = None,
    seed: int = 0,
    ids: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    ids = np.zeros(len(target), dtype=np.int64) if ids is None else ids
    return first_detections(
        sensor,
        target,
        ids,
        law=law,
        range_m=r,
        sweep_width_m=w or 2 * r,
        reference_speed_m_h=10 * KM,
        rng=np.random.default_rng(seed),
    )


def test_cookie_cutter_entry_time_is_exact() -> None:
    # target moves along y = 10 km at 10 km/h from x = -100 km; range 20 km: enters at
    # x = -sqrt(300) km
    sensor = leg(0, 100, 0, 0)
    target = leg(0, 100, -100 * KM, 10 * KM, vx=10 * KM)
    ids, t = detect(sensor, target)
    assert ids.tolist() == [0]
    assert t[0] == pytest.approx((100 - math.sqrt(300)) / 10, rel=1e-9)


def test_cookie_cutter_misses_beyond_range() -> None:
    ids, _ = detect(leg(0, 100, 0, 0), leg(0, 100, -100 * KM, 21 * KM, vx=10 * KM))
    assert len(ids) == 0


def test_detection_only_within_common_time_window() -> None:
    # the target passes the sensor's position before the sensor arrives there
    ids, _ = detect(leg(50, 60, 0, 0), leg(0, 20, -100 * KM, 0, vx=10 * KM))
    assert len(ids) == 0


def test_already_in_range_is_detected_at_window_start() -> None:
    ids, t = detect(leg(5, 10, 0, 0), leg(0, 10, 1 * KM, 0))
    assert t.tolist() == [5.0]


def test_first_detection_per_target_over_several_legs() -> None:
    sensor = np.vstack([leg(0, 10, 0, 0), leg(10, 20, 0, 0, vx=10 * KM)])
    targets = np.vstack([leg(0, 20, 110 * KM, 0), leg(0, 20, 5 * KM, 0), leg(0, 20, 300 * KM, 0)])
    ids, t = detect(sensor, targets, ids=np.array([7, 3, 9]))
    assert dict(zip(ids.tolist(), t.tolist(), strict=True)) == {3: 0.0, 7: pytest.approx(10 + 9.0)}


@given(
    px=st.floats(-1e5, 1e5),
    py=st.floats(-1e5, 1e5),
    vx=st.floats(-5e4, 5e4),
    vy=st.floats(-5e4, 5e4),
    dur=st.floats(0, 20),
    r=st.floats(100, 5e4),
)
@settings(max_examples=300, deadline=None)
def test_in_range_interval_is_inside_range(
    px: float, py: float, vx: float, vy: float, dur: float, r: float
) -> None:
    one = [np.array([v]) for v in (px, py, vx, vy, dur)]
    hit, t_in, t_out = in_range_interval(one[0], one[1], one[2], one[3], one[4], r)
    if hit[0]:
        for tau in (t_in[0], t_out[0], (t_in[0] + t_out[0]) / 2):
            assert math.hypot(px + vx * tau, py + vy * tau) <= r * (1 + 1e-6) + 1e-6
            assert -1e-9 <= tau <= dur + 1e-9
    else:  # a miss: sample the window and check nothing was in range
        taus = np.linspace(0, dur, 201)
        assert np.all(np.hypot(px + vx * taus, py + vy * taus) > r * (1 - 1e-6))


def test_inverse_cube_lateral_range_curve_matches_koopman() -> None:
    # Long straight passes at lateral range x: P(x) = 1 - exp(-W^2 / (4 pi x^2)).
    w = 20 * KM
    n = 4000
    for x in (5 * KM, 10 * KM, 20 * KM):
        sensor = leg(0, 1000, 0, 0)
        targets = np.tile(leg(0, 1000, -5000 * KM, x, vx=10 * KM), (n, 1))
        ids, _ = detect(
            sensor, targets, law="inverse_cube", r=2000 * KM, w=w, seed=1, ids=np.arange(n)
        )
        p = len(ids) / n
        expected = 1 - math.exp(-w * w / (4 * math.pi * x * x))
        assert abs(p - expected) < 4 * math.sqrt(expected * (1 - expected) / n) + 1e-3, (
            x,
            p,
            expected,
        )


def test_inverse_cube_sweep_width_integrates_to_w() -> None:
    w = 20 * KM
    xs = np.linspace(-200 * KM, 200 * KM, 4001)
    p = 1 - np.exp(-w * w / (4 * math.pi * np.maximum(np.abs(xs), 1.0) ** 2))
    assert np.trapezoid(p, xs) == pytest.approx(w, rel=0.02)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_sweep_line_pairs_give_the_all_pairs_answer(seed: int) -> None:
    """Sensor legs in track order are paired by binary search; shuffled, by all pairs.

    The cookie-cutter first detections must be the same.
    """
    from sim.model.motion import legs_along

    rng = np.random.default_rng(seed)
    sensor = legs_along(
        rng.uniform(0, 200_000, (int(rng.integers(2, 40)), 2)), rng.uniform(0, 10), 12.0
    )
    target_legs: list[np.ndarray] = []
    target_ids: list[np.ndarray] = []
    for k in range(int(rng.integers(1, 30))):
        legs = legs_along(
            rng.uniform(0, 200_000, (int(rng.integers(2, 6)), 2)),
            rng.uniform(-20, 40),
            rng.uniform(5, 20),
        )
        target_legs.append(legs)
        target_ids.append(np.full(len(legs), k))
    T, ids = np.vstack(target_legs), np.concatenate(target_ids)
    kw: dict[str, Any] = dict(
        law="cookie_cutter",
        range_m=15_000.0,
        sweep_width_m=30_000.0,
        reference_speed_m_h=1.0,
        rng=rng,
        t_min_h=float(rng.uniform(0, 20)),
    )
    a = first_detections(sensor, T, ids, **kw)
    b = first_detections(sensor[rng.permutation(len(sensor))], T, ids, **kw)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_allclose(a[1], b[1])


def _all_pairs_reference(
    sensor: np.ndarray, targets: np.ndarray, ids: np.ndarray, r: float, t_min: float
) -> tuple[np.ndarray, np.ndarray]:
    """The closed form over every (sensor leg, target leg) pair in plain numpy.

    No sweep line, no prefilter: the compiled referee must give the same first detections.
    """
    S = np.repeat(sensor, len(targets), axis=0)
    T = np.tile(targets, (len(sensor), 1))
    tid = np.tile(ids, len(sensor))
    ta = np.maximum(np.maximum(S[:, 0], T[:, 0]), t_min)
    tb = np.minimum(S[:, 1], T[:, 1])
    px = (T[:, 2] + T[:, 4] * (ta - T[:, 0])) - (S[:, 2] + S[:, 4] * (ta - S[:, 0]))
    py = (T[:, 3] + T[:, 5] * (ta - T[:, 0])) - (S[:, 3] + S[:, 5] * (ta - S[:, 0]))
    hit, t_in, _ = in_range_interval(px, py, T[:, 4] - S[:, 4], T[:, 5] - S[:, 5], tb - ta, r)
    hit &= tb >= ta
    out: dict[int, float] = {}
    for i, t in zip(tid[hit].tolist(), (ta + t_in)[hit].tolist(), strict=True):
        out[i] = min(t, out.get(i, math.inf))
    return np.array(sorted(out), dtype=np.int64), np.array([out[i] for i in sorted(out)])


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_compiled_referee_matches_the_all_pairs_closed_form(seed: int) -> None:
    from sim.model.motion import legs_along

    rng = np.random.default_rng(seed)
    sensor = legs_along(
        rng.uniform(0, 100_000, (int(rng.integers(2, 30)), 2)), rng.uniform(0, 10), 12.0
    )
    target_legs: list[np.ndarray] = []
    target_ids: list[np.ndarray] = []
    for k in range(int(rng.integers(1, 25))):
        legs = legs_along(
            rng.uniform(0, 100_000, (int(rng.integers(2, 6)), 2)),
            rng.uniform(-20, 40),
            rng.uniform(0.0, 20),
        )  # speed 0 gives stationary targets too
        target_legs.append(legs)
        target_ids.append(np.full(len(legs), 3 * k + 1))
    T, ids = np.vstack(target_legs), np.concatenate(target_ids)
    r, t_min = float(rng.uniform(2_000, 30_000)), float(rng.uniform(0, 20))
    got = first_detections(
        sensor,
        T,
        ids,
        law="cookie_cutter",
        range_m=r,
        sweep_width_m=2 * r,
        reference_speed_m_h=1.0,
        rng=rng,
        t_min_h=t_min,
    )
    want = _all_pairs_reference(sensor, T, ids, r, t_min)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_allclose(got[1], want[1], rtol=0, atol=1e-9)


def test_still_pair_with_an_unbounded_window_is_detected_at_once() -> None:
    """A sensor and a target both holding (legs to t = inf), 500 m apart, range 1 km.

    Detected at the window start (the prefilter must not turn 0 x inf into NaN and drop it).
    """
    sensor = np.array([[0.0, math.inf, 0.0, 0.0, 0.0, 0.0]])
    target = np.array([[0.0, math.inf, 500.0, 0.0, 0.0, 0.0]])
    ids, times = detect(sensor, target, r=1000.0)
    assert ids.tolist() == [0] and times.tolist() == [0.0]
    ids, _ = detect(sensor, target, r=400.0)
    assert len(ids) == 0


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["cookie_cutter", "inverse_cube"]))
def test_near_box_detections_equal_the_filter_then_the_pairing(seed: int, law: str) -> None:
    """The fused filter-and-pair kernel finds what ``legs_near_box`` then pairing find.

    Same ids, same times bit for bit, and the same draws of the inverse-cube law (the
    generators end in the same state), for time-sorted and shuffled sensor legs alike.
    """
    from sim.model import _kernels
    from sim.model.motion import legs_along
    from sim.model.sensing import first_detections_near_box

    rng = np.random.default_rng(seed)
    sensor = legs_along(
        rng.uniform(0, 100_000, (int(rng.integers(2, 12)), 2)), rng.uniform(0, 10), 12.0
    )
    if rng.random() < 0.3:
        sensor = sensor[rng.permutation(len(sensor))]
    target_legs = [
        legs_along(
            rng.uniform(-50_000, 150_000, (int(rng.integers(2, 6)), 2)),
            rng.uniform(-20, 40),
            rng.uniform(0.0, 20),
        )
        for _ in range(int(rng.integers(1, 40)))
    ]
    ids = np.concatenate([np.full(len(g), k, dtype=np.int32) for k, g in enumerate(target_legs)])
    T = np.vstack(target_legs)
    order = np.argsort(T[:, 0], kind="stable")
    T, ids = T[order], ids[order]
    now, r = float(rng.uniform(-10, 30)), float(rng.uniform(2_000, 30_000))
    lo, hi = sorted(int(x) for x in rng.integers(0, len(T) + 1, 2))
    xs = np.concatenate([sensor[:, 2], sensor[:, 2] + sensor[:, 4] * (sensor[:, 1] - sensor[:, 0])])
    ys = np.concatenate([sensor[:, 3], sensor[:, 3] + sensor[:, 5] * (sensor[:, 1] - sensor[:, 0])])
    box = (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))
    kw: dict[str, Any] = dict(law=law, range_m=r, sweep_width_m=r, reference_speed_m_h=10 * KM)
    rng_a, rng_b = np.random.default_rng(seed), np.random.default_rng(seed)
    keep = _kernels.legs_near_box(T, lo, hi, now, *box, r)
    a = first_detections(sensor, T, ids, rng=rng_a, t_min_h=now, rows=keep, **kw)
    b = first_detections_near_box(sensor, T, ids, (lo, hi), box, rng=rng_b, t_min_h=now, **kw)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert rng_a.random() == rng_b.random()


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 6),
            st.one_of(st.sampled_from([0.0, -0.0, 1.0, math.nan]), st.floats(-5, 5)),
        ),
        max_size=40,
    )
)
def test_first_per_id_is_the_first_of_a_lexsort(pairs: list[tuple[int, float]]) -> None:
    """The compiled first detection per id equals the lexsort it replaces, NaN and -0 too."""
    from sim.model import _kernels

    ids = np.array([p[0] for p in pairs], dtype=np.int64)
    times = np.array([p[1] for p in pairs], dtype=float)
    order = np.lexsort((times, ids))
    i, t = ids[order], times[order]
    first = np.ones(len(i), dtype=bool)
    first[1:] = i[1:] != i[:-1]
    got_i, got_t = _kernels.first_per_id(ids, times)
    np.testing.assert_array_equal(got_i, i[first])
    np.testing.assert_array_equal(got_t, t[first])
    assert np.array_equal(np.signbit(got_t), np.signbit(t[first]))


def test_live_in_box_is_positions_at_within_the_box() -> None:
    """The satellite's pass: the same ships at sea, and exactly those of them in the box."""
    from sim.model.sensing import live_in_box, positions_at

    rng = np.random.default_rng(5)
    n = 2000
    t0 = np.sort(rng.uniform(0.0, 50.0, n))
    legs = np.column_stack(
        [
            t0,
            t0 + rng.uniform(0.0, 12.0, n),
            rng.uniform(-100 * KM, 100 * KM, n),
            rng.uniform(-100 * KM, 100 * KM, n),
            rng.uniform(-20 * KM, 20 * KM, n),
            rng.uniform(-20 * KM, 20 * KM, n),
        ]
    )
    legs[7, 1] = np.nan  # never live
    legs[9, 4] = np.nan  # live, nowhere
    for t, box, lo, hi in [
        (20.0, (-30 * KM, -50 * KM, 40 * KM, 10 * KM), 0, n),
        (30.0, (-1e9, -1e9, 1e9, 1e9), 300, 1500),
        (30.0, (5e6, 5e6, 6e6, 6e6), 0, n),
        (10.0, (np.nan, np.nan, np.nan, np.nan), 0, n),
        (10.0, (0.0, 0.0, 1.0, 1.0), 500, 500),
    ]:
        mask, x, y = positions_at(legs[lo:hi], t)
        inside = (x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3])
        live, rows, rank, bx, by = live_in_box(legs, (lo, hi), t, box)
        assert live == int(mask.sum())
        assert np.array_equal(rows, lo + np.flatnonzero(mask)[inside])
        assert np.array_equal(rank, np.flatnonzero(inside))
        assert np.array_equal(bx, x[inside]) and np.array_equal(by, y[inside])
