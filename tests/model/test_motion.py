"""Piecewise-linear motion and the intercept solver."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.motion import Track, intercept_time_h, legs_along
from sim.units import NM_M


def test_legs_follow_polyline_at_speed() -> None:
    pts = np.array([[0.0, 0.0], [10 * NM_M, 0.0], [10 * NM_M, 5 * NM_M]])
    legs = legs_along(pts, 2.0, 10.0)
    assert legs[:, 0].tolist() == pytest.approx([2.0, 3.0])
    assert legs[:, 1].tolist() == pytest.approx([3.0, 3.5])
    tr = Track()
    tr.set(legs)
    assert tr.position(2.5) == pytest.approx((5 * NM_M, 0.0))
    assert tr.position(3.25) == pytest.approx((10 * NM_M, 2.5 * NM_M))
    assert tr.position(99) == pytest.approx((10 * NM_M, 5 * NM_M))
    assert tr.distance_m(2.0, 3.5) == pytest.approx(15 * NM_M)


def test_track_version_bumps_on_replan() -> None:
    tr = Track()
    v0 = tr.version
    tr.set(legs_along(np.array([[0.0, 0.0], [1000.0, 0.0]]), 0.0, 10.0))
    assert tr.version == v0 + 1


@given(
    px=st.floats(-1e5, 1e5),
    py=st.floats(-1e5, 1e5),
    vx=st.floats(-2e4, 2e4),
    vy=st.floats(-2e4, 2e4),
)
@settings(max_examples=200, deadline=None)
def test_intercept_meets_target(px: float, py: float, vx: float, vy: float) -> None:
    s = 5e4  # faster than any target here
    t = intercept_time_h(px, py, vx, vy, s)
    assert math.isfinite(t) and t >= 0
    assert math.hypot(px + vx * t, py + vy * t) == pytest.approx(s * t, rel=1e-6, abs=1e-3)


def test_slower_pursuer_cannot_catch_a_fleeing_target() -> None:
    assert intercept_time_h(1000.0, 0.0, 20.0, 0.0, 10.0) == math.inf


def test_positions_matches_position() -> None:
    from sim.model.motion import Track, legs_along

    rng = np.random.default_rng(3)
    tr = Track(legs_along(rng.uniform(0, 1e5, (12, 2)), 5.0, 14.0))
    times = np.concatenate([[0.0, 5.0], rng.uniform(0, tr.end_h + 10, 200), [tr.end_h]])
    expected = np.array([tr.position(t) for t in times])
    np.testing.assert_allclose(tr.positions(times), expected)
