"""The simulation's patrol strategies and detection referee against analytic search theory.

Marked ``validation``. Seeds are fixed, so the tests are deterministic; replication
counts are sized so that the measured 95% interval is narrow (half-width < 0.015) and
the analytic value sits well inside the 99% interval. Conditions for each formula are
in ``sim.experiments.verification``.
"""

from __future__ import annotations

import pytest

from sim.experiments import verification as v

pytestmark = pytest.mark.validation


def assert_agrees(check: v.SearchCheck) -> None:
    lo95, hi95 = check.interval(0.95)
    lo99, hi99 = check.interval(0.99)
    assert hi95 - lo95 < 0.03, (
        f"{check.name}: interval too wide to mean anything ({lo95:.3f}, {hi95:.3f})"
    )
    assert lo99 <= check.analytic <= hi99, (
        f"{check.name}: measured {check.measured:.4f} [{lo95:.4f}, "
        f"{hi95:.4f}] vs analytic {check.analytic:.4f}"
    )


@pytest.mark.parametrize("hours", [250, 750, 1500])
def test_random_search_koopman(open_water, hours):
    assert_agrees(
        v.random_search(
            open_water,
            side_nm=300,
            range_nm=2,
            speed_kn=15,
            hours=hours,
            targets=100,
            searches=300,
            seed=hours,
        )
    )


@pytest.mark.parametrize("lane_hours", [100, 250])
def test_exhaustive_parallel_sweep(open_water, lane_hours):
    assert_agrees(
        v.parallel_sweep(
            open_water,
            side_nm=200,
            range_nm=4,
            speed_kn=15,
            lane_hours=lane_hours,
            targets=200,
            searches=50,
            seed=lane_hours,
        )
    )


def test_parallel_sweep_saturates_at_one(open_water):
    c = v.parallel_sweep(
        open_water,
        side_nm=100,
        range_nm=5,
        speed_kn=15,
        lane_hours=400,
        targets=200,
        searches=5,
        seed=9,
    )
    assert c.analytic == 1.0 and c.measured == 1.0


@pytest.mark.parametrize("present_h", [120, 600])
def test_transient_target_sts(open_water, present_h):
    assert_agrees(
        v.transient_target(
            open_water,
            side_nm=300,
            range_nm=2,
            speed_kn=15,
            present_h=present_h,
            hours=present_h + 200,
            targets=100,
            searches=300,
            seed=present_h,
        )
    )


@pytest.mark.parametrize("speed_kn", [20, 30])
def test_barrier_patrol(open_water, speed_kn):
    assert_agrees(
        v.barrier_patrol(
            open_water,
            length_nm=300,
            range_nm=6,
            speed_kn=speed_kn,
            target_speed_kn=10,
            targets=400,
            patrols=100,
            seed=speed_kn,
        )
    )


def test_a_wrong_formula_would_be_caught(open_water):
    """The check has power: doubling the sweep width in the formula is rejected."""
    c = v.random_search(
        open_water,
        side_nm=300,
        range_nm=2,
        speed_kn=15,
        hours=750,
        targets=100,
        searches=300,
        seed=750,
    )
    import math

    wrong = 1 - math.exp(-2 * (2 * 2) * 15 * 750 / 300**2)
    lo, hi = c.interval(0.99)
    assert not (lo <= wrong <= hi)
