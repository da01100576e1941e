"""Fishing fleets: vessels that fish their grounds in season, often dark, and meet carriers.

Each test declares a fleet on the land-free ``open_water`` theater (a home port and a 60 nm
square ground given as coordinates), builds the run's legitimate traffic and reads it as the
referee and the AIS monitor read it: legs, AIS-off flags and stops alongside.
"""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.geo.theater import Theater
from sim.model.engine import Model, RouteCache
from sim.model.fishing import closed_intervals_h, cut_long_legs
from sim.model.records import EventKind as K
from sim.model.records import Reason as R
from sim.model.traffic import LEGIT_MAX_LEG_H, LegitTraffic
from sim.scenarios import load_scenario
from sim.scenarios.traffic_schema import DEFAULT_FLEETS
from sim.units import NM_M
from tests.model.test_reference import lonlat

GROUND_NM = ((40, -30), (100, -30), (100, 30), (40, 30))
"""The ground: a 60 nm square 40-100 nm east of the port."""


def fishing_scenario(theater: Theater, fleet: dict | None = None, **over: Any) -> dict:
    """A port at the origin, one fleet fishing the square ground, no merchant traffic."""
    f = {
        "name": "trawlers",
        "flag": "CHN",
        "vessels": 40,
        "home_ports": ["port"],
        "grounds": ["ground"],
        "trip_days": [4, 8],
        "port_days": [1, 2],
        **(fleet or {}),
    }
    d = {
        "name": "fishing_demo",
        "description": "one fishing fleet on open water",
        "theater": "open_water",
        "start_date": "2018-01-01",
        "duration_days": 30,
        "traffic": {"vessels": 0},
        "places": [
            {"name": "port", "lon": lonlat(theater, 0, 0)[0], "lat": lonlat(theater, 0, 0)[1]}
        ],
        "areas": [{"name": "ground", "polygon": [lonlat(theater, x, y) for x, y in GROUND_NM]}],
        "fishing": {"enabled": True, "scale": 1, "fleets": [f]},
    }
    return {**d, **over}


def traffic_of(theater: Theater, sc: dict, seed: int = 3) -> tuple[Model, LegitTraffic]:
    m = Model(load_scenario(sc), theater, seed, RouteCache())
    return m, m.traffic


def speeds_kn(legs: np.ndarray) -> np.ndarray:
    return np.hypot(legs[:, 4], legs[:, 5]) / NM_M


def test_the_fishing_section_is_off_by_default() -> None:
    """Existing scenarios keep their traffic: the sourced fleets sail only when switched on."""
    sc = load_scenario("scenarios/crackdown_2018.yaml")
    assert not sc.fishing.enabled and sc.fishing.vessels == 0
    assert sc.fishing.fleets is None and sc.fishing.at_sea == ()
    assert {f.flag for f in DEFAULT_FLEETS} == {"CHN", "KOR", "JPN", "PRK"}
    on = load_scenario("scenarios/examples/crackdown_2018_fishing.yaml")
    assert on.fishing.enabled and on.fishing.vessels == 600


def test_a_fleet_fishes_slowly_inside_its_ground_and_sails_between_at_passage_speed(
    open_water: Theater,
) -> None:
    _, tr = traffic_of(open_water, fishing_scenario(open_water))
    fishing = tr.legit_kind[tr.legit_ids] == "fishing"
    legs = tr.legit_legs[fishing]
    v = speeds_kn(legs)
    ground = shapely.Polygon([(x * NM_M, y * NM_M) for x, y in GROUND_NM])
    slow = legs[v < 5.0]
    ends = slow[:, 2:4] + slow[:, 4:6] * (slow[:, 1] - slow[:, 0])[:, None]
    # every tow and stop lies in the ground (1 m of rounding)
    grown = shapely.buffer(ground, 1.0)
    assert shapely.contains_xy(grown, slow[:, 2], slow[:, 3]).all()
    assert shapely.contains_xy(grown, ends[:, 0], ends[:, 1]).all()
    # tows at up to 4 kn (2.5-4 kn, shorter when turned back towards the entry point),
    # stops at 0, passages at 8-10 kn: nothing else
    tow = v <= 4.0 + 1e-9
    assert np.all(tow | ((v >= 8 - 1e-9) & (v <= 10 + 1e-9)))
    assert np.mean((v[tow] > 0) & (v[tow] < 2.5)) < 0.1  # most tows are at towing speed
    stopped = legs[v < 1e-9]
    assert len(stopped) > 40 * 10  # each vessel stops many times a month
    # a stop that is not a meeting lasts drift_h (1-4 h); longer ones are meetings (2-6 h)
    assert np.all(stopped[:, 1] - stopped[:, 0] <= 6.0 + 1e-9)
    assert np.all(tr.legit_legs[:, 1] - tr.legit_legs[:, 0] <= LEGIT_MAX_LEG_H + 1e-9)


def test_one_vessels_legs_join_up_into_a_track(open_water: Theater) -> None:
    _, tr = traffic_of(open_water, fishing_scenario(open_water))
    g = tr.legit_track(5).legs
    ends = g[:-1, 2:4] + g[:-1, 4:6] * (g[:-1, 1] - g[:-1, 0])[:, None]
    same = np.isclose(g[1:, 0], g[:-1, 1])
    assert same.mean() > 0.9  # breaks only in port between trips
    np.testing.assert_allclose(g[1:, 2:4][same], ends[same], atol=1e-3)


def test_a_fleet_stays_in_port_through_its_closed_season(open_water: Theater) -> None:
    """China's summer moratorium: no fishing vessel at sea from 1 May to 1 Sep."""
    sc = fishing_scenario(open_water, {"closed_season": ["05-01", "09-01"]}, duration_days=365)
    _, tr = traffic_of(open_water, sc)
    legs = tr.legit_legs[tr.legit_kind[tr.legit_ids] == "fishing"]
    ((lo, hi),) = closed_intervals_h(datetime.date(2018, 1, 1), 365 * 24, ("05-01", "09-01"))[1:2]
    assert lo == (datetime.date(2018, 5, 1) - datetime.date(2018, 1, 1)).days * 24
    assert hi == (datetime.date(2018, 9, 1) - datetime.date(2018, 1, 1)).days * 24
    at_sea = (legs[:, 1] > lo + 1e-6) & (legs[:, 0] < hi - 1e-6)
    assert not at_sea.any()
    # and they are at sea before and after it
    assert (legs[:, 0] < lo).any() and (legs[:, 0] > hi).any()


def test_a_closed_season_over_new_year_is_one_closure() -> None:
    start = datetime.date(2018, 1, 1)
    iv = closed_intervals_h(start, 365 * 24, ("12-01", "03-01"))
    dates = [[start + datetime.timedelta(hours=float(h)) for h in row] for row in iv]
    assert dates[0] == [datetime.date(2017, 12, 1), datetime.date(2018, 3, 1)]
    assert dates[1] == [datetime.date(2018, 12, 1), datetime.date(2019, 3, 1)]
    assert np.all(np.diff(iv[:, 0]) > 0)  # in order, one per winter


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_the_dark_share_is_honoured_within_a_binomial_interval(
    open_water: Theater, p: float
) -> None:
    n = 400
    sc = fishing_scenario(open_water, {"vessels": n, "ais_off_probability": p}, duration_days=2)
    _, tr = traffic_of(open_water, sc)
    dark = int(tr.legit_dark[tr.legit_kind == "fishing"].sum())
    half = 4.0 * np.sqrt(n * p * (1 - p))  # 4 standard deviations: fails about 1 in 16,000
    assert abs(dark - n * p) <= half


def test_meetings_bring_a_visitor_alongside_and_scale_with_the_rate(open_water: Theater) -> None:
    counts = {}
    for rate in (0.0, 0.5):
        sc = fishing_scenario(open_water, {"meet_per_day": rate})
        _, tr = traffic_of(open_water, sc)
        counts[rate] = int((tr.legit_kind == "visitor").sum())
        if rate:
            st = tr.legit_stops
            v = st.vessel[tr.legit_kind[st.vessel] == "visitor"][0]
            k = np.flatnonzero(st.vessel == v)[0]
            client = st.vessel[k - 1]  # stops come in pairs: client, then visitor
            t = (st.t0_h[k] + st.t1_h[k]) / 2
            assert tr.legit_stops.is_alongside(np.array([client, v]), np.array([t, t])).all()
            a = tr.legit_track(int(client)).position(t)
            b = tr.legit_track(int(v)).position(t)
            assert np.hypot(a[0] - b[0], a[1] - b[1]) < 1.0
    assert counts[0.0] == 0 and counts[0.5] > 40  # 40 vessels x ~20 days x 0.5 a day


def test_each_fleet_draws_from_its_own_stream(open_water: Theater) -> None:
    """Adding a second fleet leaves the first fleet's trips exactly as they were."""
    one = fishing_scenario(open_water)
    two = fishing_scenario(open_water)
    two["fishing"]["fleets"] = [
        *one["fishing"]["fleets"],
        {**one["fishing"]["fleets"][0], "name": "other"},
    ]
    _, a = traffic_of(open_water, one)
    _, b = traffic_of(open_water, two)
    mine = b.legit_fleet[b.legit_ids] == "trawlers"
    first = a.legit_fleet[a.legit_ids] == "trawlers"
    np.testing.assert_array_equal(
        np.sort(a.legit_legs[first], axis=0), np.sort(b.legit_legs[mine], axis=0)
    )


days = st.dates(datetime.date(2021, 1, 1), datetime.date(2021, 12, 31)).map(
    lambda d: d.strftime("%m-%d")
)


@settings(max_examples=80, deadline=None)
@given(
    days,
    days,
    st.integers(2015, 2030),
    st.dates(datetime.date(2015, 1, 1), datetime.date(2031, 12, 31)),
)
def test_a_day_is_closed_exactly_when_its_calendar_day_is_in_the_season(
    first: str, opens: str, year: int, day: datetime.date
) -> None:
    start = datetime.date(year, 1, 1)
    iv = closed_intervals_h(start, 2 * 8760.0, (first, opens))
    assert np.all(iv[:, 1] > iv[:, 0]) and np.all(iv[1:, 0] >= iv[:-1, 1])  # ordered, disjoint
    if not start <= day < start + datetime.timedelta(days=730):
        return
    h = (day - start).days * 24.0 + 12.0
    inside = bool(np.any((iv[:, 0] <= h) & (h < iv[:, 1])))
    md, a, b = day.strftime("%m-%d"), first, opens
    expected = (a <= md < b) if a < b else (md >= a or md < b)
    assert inside == expected


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(0, 100), st.floats(0.01, 60), st.floats(-2e4, 2e4), st.floats(-2e4, 2e4)
        ),
        min_size=1,
        max_size=6,
    ),
    st.floats(0.5, 24),
)
def test_cut_legs_are_short_and_keep_every_position(rows: list, max_h: float) -> None:
    legs = np.array([[t0, t0 + d, 0.0, 0.0, vx, vy] for t0, d, vx, vy in rows])
    out, ids = cut_long_legs(legs, np.arange(len(legs)), max_h)
    assert np.all(out[:, 1] - out[:, 0] <= max_h * (1 + 1e-9))
    for k, leg in enumerate(legs):
        mine = out[ids == k]
        assert np.isclose(mine[0, 0], leg[0]) and np.isclose(mine[-1, 1], leg[1])
        mid = (mine[:, 0] + mine[:, 1]) / 2
        want = leg[2:4] + leg[4:6] * (mid - leg[0])[:, None]
        got = mine[:, 2:4] + mine[:, 4:6] * (mid - mine[:, 0])[:, None]
        np.testing.assert_allclose(got, want, atol=1e-6 * (1 + np.abs(want).max()))


def test_long_legs_are_cut_without_moving_the_path() -> None:
    legs = np.array([[0.0, 30.0, 0.0, 0.0, 1000.0, 0.0], [30.0, 31.0, 3e4, 0.0, 0.0, 0.0]])
    out, ids = cut_long_legs(legs, np.array([7, 8]), 12.0)
    assert len(out) == 4 and list(ids) == [7, 7, 7, 8]
    np.testing.assert_allclose(out[:3, 0], [0, 10, 20])
    np.testing.assert_allclose(out[:3, 2], [0, 1e4, 2e4])


def test_fishing_vessels_raise_false_ais_alerts_and_false_sightings(open_water: Theater) -> None:
    """Through the boundaries: the AIS monitor's detectors and a patrol's own radar.

    No smugglers sail; every loitering or encounter alert and every alongside or dark report
    is therefore a fishing vessel or its visitor, seen only as the feed and the sensor saw it.
    """
    centre = lonlat(open_water, 70, 0)
    sc = fishing_scenario(
        open_water,
        {"vessels": 30, "ais_off_probability": 0.3, "meet_per_day": 0.3, "drift_h": [4, 8]},
        duration_days=8,
        coordination={"ais_analytics": True, "analytics_interval_h": 6},
        places=[
            *fishing_scenario(open_water)["places"],
            {"name": "base", "lon": centre[0], "lat": centre[1], "kind": "naval_base"},
        ],
        assets=[
            {
                "name": "ship",
                "kind": "warship",
                "count": 1,
                "base": "base",
                "speed_kn": 12,
                "patrol_speed_kn": 10,
                "endurance_h": 1000,
                "turnaround_h": 0,
                "can_board": False,
                "sensor": {"law": "cookie_cutter", "range_nm": 20},
                "strategy": {"kind": "random", "areas": ["ground"]},
            }
        ],
    )
    m, _ = traffic_of(open_water, sc)
    m.run()
    reports = [e for e in m.events if e.kind == K.SUSPECT_REPORT]
    assert reports and all(e.vessel.startswith("L") for e in reports)
    reasons = {e.reason for e in reports}
    assert reasons & {R.AIS_LOITERING, R.AIS_ENCOUNTER}, reasons
    assert reasons & {R.ALONGSIDE, R.DARK_CONTACT}, reasons


def test_the_sourced_fleets_stay_on_water_in_the_korean_theater(korea: Theater) -> None:
    """Every fleet of the example scenario: tows, stops and passages never cross land."""
    sc = load_scenario(
        "scenarios/examples/crackdown_2018_fishing.yaml",
        overrides=["fishing.scale=0.02", "duration_days=20", "warmup_days=0", "traffic.vessels=0"],
    )
    m = Model(sc, korea, 5, RouteCache.load(korea))
    tr = m.traffic
    assert set(tr.legit_fleet) >= {f.name for f in DEFAULT_FLEETS}
    legs = tr.legit_legs
    for q in (0.0, 0.25, 0.5, 0.75, 1.0):
        t = legs[:, 0] + q * (legs[:, 1] - legs[:, 0])
        x = legs[:, 2] + legs[:, 4] * (t - legs[:, 0])
        y = legs[:, 3] + legs[:, 5] * (t - legs[:, 0])
        assert np.asarray(korea.is_water_xy(x, y)).all(), q
