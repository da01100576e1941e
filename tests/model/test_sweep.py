"""The sweep strategy does what it says: it covers the whole box and resumes where it left off.

Before, a ship re-planned every 24 h restarted the lawnmower at lane 1 (in a 100 x 100 nm box
at 15 kn it never got past lane 4), an aircraft restarted at every sortie, and the strip
beyond the last lane centre was never swept.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from sim.geo import Theater
from sim.model.strategies import ParallelSweep, make_strategy
from sim.scenarios.schema import Strategy
from sim.units import NM_M


class _Ctx:
    """A strategy context over one open-sea polygon (no land: straight legs)."""

    def __init__(self, poly: shapely.Geometry) -> None:
        self.poly = poly
        self.rng = np.random.default_rng(0)

    def area_polygon(self, name: str) -> shapely.Geometry:
        return self.poly

    def sample_in_area(self, name: str, n: int) -> np.ndarray:
        raise AssertionError("a sweep does not sample")

    def site(self, name: str) -> np.ndarray:
        raise AssertionError("a sweep does not draw sites")

    def seaway(self, pts: np.ndarray) -> np.ndarray:
        return np.asarray(pts, dtype=float)


BOX = shapely.box(0.0, 0.0, 100 * NM_M, 100 * NM_M)


def _sweep(spacing_nm: float, speed_kn: float = 15.0) -> ParallelSweep:
    spec = Strategy(kind="sweep", areas=("box",), track_spacing_nm=spacing_nm)
    s = make_strategy(spec, speed_kn, spacing_nm * NM_M)
    assert isinstance(s, ParallelSweep)
    return s


def _lane_ys(pat: np.ndarray) -> np.ndarray:
    return np.unique(np.round(pat[:, 1], 3))


@pytest.mark.parametrize("spacing_nm", [7.0, 10.0, 30.0, 33.0, 100.0, 140.0])
def test_lanes_cover_the_whole_box_including_the_last_strip(spacing_nm: float) -> None:
    """Each lane sweeps half a spacing either side; together they leave no strip unswept."""
    s = _sweep(spacing_nm)
    ys = _lane_ys(s.pattern(_Ctx(BOX)))
    half = spacing_nm * NM_M / 2
    assert ys[0] - 0.0 <= half + 1e-6
    assert 100 * NM_M - ys[-1] <= half + 1e-6
    assert np.all(np.diff(ys) <= 2 * half + 1e-6)


def _reached_lanes(legs: np.ndarray) -> set[float]:
    """Lanes (their y) along which a leg of the plan runs east-west."""
    horizontal = np.abs(legs[:, 5]) < 1e-9
    moving = np.abs(legs[:, 4]) > 0
    return set(np.round(legs[horizontal & moving, 3], 3).tolist())


def test_a_ship_replanned_daily_resumes_at_the_next_lane_and_completes_the_box() -> None:
    """100 x 100 nm at 15 kn, 10 nm lanes, a new plan every 24 h: every lane is swept."""
    s, ctx = _sweep(10.0), _Ctx(BOX)
    lanes = set(_lane_ys(s.pattern(ctx)).tolist())
    xy, t, seen = s.entry_point(ctx, np.zeros(2)), 0.0, set()
    for _day in range(5):  # one full sweep is ~1,100 nm: 3 days at 15 kn
        legs = s.legs(ctx, xy, t, t + 24.0)
        seen |= _reached_lanes(legs)
        t = float(legs[-1, 1])
        e = legs[-1]
        xy = e[2:4] + e[4:6] * (e[1] - e[0])
    assert lanes <= seen


def test_a_tasking_interrupts_the_plan_and_the_sweep_resumes_where_the_ship_got_to() -> None:
    """Interrupted 10 h into a plan, the ship resumes with the waypoint it had not reached."""
    s, ctx = _sweep(10.0), _Ctx(BOX)
    xy = s.entry_point(ctx, np.zeros(2))
    legs = s.legs(ctx, xy, 0.0, 24.0)
    s.stopped(10.0)  # pursuit from t = 10 h
    here = np.array([50 * NM_M, 50 * NM_M])
    again = s.legs(ctx, here, 40.0, 64.0)
    first_target = again[0, 2:4] + again[0, 4:6] * (again[0, 1] - again[0, 0])
    ends = legs[:, 2:4] + legs[:, 4:6] * (legs[:, 1] - legs[:, 0])[:, None]
    not_yet = ends[legs[:, 1] > 10.0 + 1e-9][0]  # the waypoint the ship was heading for at 10 h
    np.testing.assert_allclose(first_target, not_yet, atol=1.0)


def test_an_aircraft_resumes_the_pattern_at_its_next_sortie() -> None:
    """The next sortie's entry point is the first waypoint the last one did not reach."""
    s, ctx = _sweep(10.0, speed_kn=300.0), _Ctx(BOX)
    entry = s.entry_point(ctx, np.zeros(2))
    legs = s.legs(ctx, entry, 1.0, 5.0)
    s.stopped(3.0)  # endurance: time on station cut at 3 h
    ends = legs[:, 2:4] + legs[:, 4:6] * (legs[:, 1] - legs[:, 0])[:, None]
    expect = ends[legs[:, 1] > 3.0 + 1e-9][0]
    second = s.entry_point(ctx, np.zeros(2))
    np.testing.assert_allclose(second, expect, atol=1.0)
    assert not np.allclose(second, entry)


def test_a_patrol_area_is_searched_as_declared_with_a_margin_only_against_land(
    korea: Theater,
) -> None:
    """Open-sea edges stay where the area declares them; only coasts get the 4 nm margin."""
    from sim.model.engine import Model, RouteCache
    from sim.model.waters import OFFSHORE_NM
    from sim.scenarios import load_scenario
    from tests.model.test_run import small

    m = Model(load_scenario(small(duration_days=1)), korea, 1, RouteCache())
    for name in ("ecs_patrol", "korea_bay_nampo"):
        declared = korea.area(name).polygon_xy
        patrol = m.waters.area_polygon(name)
        pts = korea.sample_points_in_area(name, 4000, np.random.default_rng(3))
        d_nm = korea.distance_to_coast_nm_xy(pts[:, 0], pts[:, 1])
        inside = shapely.contains_xy(patrol, pts[:, 0], pts[:, 1])
        far = d_nm >= OFFSHORE_NM + 1.5  # clear of the margin (raster and simplification slack)
        assert inside[far].mean() > 0.99, name
        assert not inside[d_nm < OFFSHORE_NM - 1.0].any(), name
        assert patrol.area <= declared.area + 1.0
