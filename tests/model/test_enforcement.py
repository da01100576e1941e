"""States as actors, port-state control, dated designations and claimed waters.

Rules and decisions are pure functions, tested here without running the model.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.model.claimed_waters import SAMPLE_H, entry_times
from sim.model.interdiction import Decision, decide
from sim.model.port_state import inspection_probability
from sim.model.records import Reason as R
from sim.model.watchlist import Listing, avoid_detaining_port, listing
from sim.scenarios.schema import Designation, Designations, Rules, StateCooperation

COOP = StateCooperation(
    port_inspection_probability=0.9,
    reported_port_inspection_probability=0.5,
    territorial_action_probability=1.0,
    flag_consent_probability=1.0,
)
NONE = StateCooperation()
RNG = np.random.default_rng(0)


def d(rules: Rules, **kw: Any) -> Decision:
    args: dict[str, Any] = dict(
        state="", zone="high_seas", dprk_zone=False, flag="PAN", dprk_bound=True, rng=RNG
    )
    args.update(kw)
    return decide(rules, **args)


# ------------------------------------------------------------------ states as actors
def test_a_cooperating_coastal_state_acts_on_reports_in_its_territorial_sea() -> None:
    r = d(Rules(states={"CHN": COOP}), state="CHN", zone="territorial")
    assert (r.action, r.reason) == ("board", R.COASTAL_STATE_ACTS)


def test_an_opposed_coastal_state_leaves_the_suspect_alone() -> None:
    r = d(Rules(states={"CHN": NONE}), state="CHN", zone="territorial")
    assert (r.action, r.reason) == ("release", R.NO_JURISDICTION)


def test_flag_consent_comes_from_the_state_when_it_is_named() -> None:
    rules = Rules(states={"CHN": COOP}, consent_probability={"CHN": 0.0})
    assert d(rules, flag="CHN").reason == R.FLAG_CONSENTED
    opposed = Rules(states={"CHN": NONE}, consent_probability={"CHN": 1.0})
    assert d(opposed, flag="CHN").reason == R.FLAG_REFUSES_ALL


def test_port_inspection_depends_on_listing_and_reports() -> None:
    rules = Rules(states={"KOR": COOP, "CHN": NONE})
    p = inspection_probability
    assert p(rules, "KOR", listed=True, reported=False) == 0.9
    assert p(rules, "KOR", listed=False, reported=True) == 0.5
    assert p(rules, "KOR", listed=True, reported=True) == 0.9
    assert p(rules, "KOR", listed=False, reported=False) == 0.0
    assert p(rules, "CHN", listed=True, reported=True) == 0.0
    assert p(rules, "TWN", listed=True, reported=True) == 0.0  # a state not named does nothing
    assert p(Rules(states={"PRK": COOP}), "PRK", listed=True, reported=True) == 0.0


# ------------------------------------------------------------------ blockade zone
def test_a_blockade_stops_only_inside_its_zone() -> None:
    rules = Rules(blockade=True, high_seas_boarding=False)
    assert d(rules, in_blockade_zone=True).reason == R.BLOCKADE_STOP
    outside = d(rules, in_blockade_zone=False)
    assert (outside.action, outside.reason, outside.escalation) == (
        "release",
        R.OBSERVE_ONLY,
        False,
    )


# ------------------------------------------------------------------ dated designations
TRANCHES = Designations(
    tranches=(
        Designation(date=datetime.date(2018, 2, 23), vessels=28),
        Designation(date=datetime.date(2017, 11, 21), vessels=20),
    ),
    laundering_probability=1.0,
    laundering_delay_days=30,
)
START = datetime.date(2017, 1, 1)


def test_tranches_are_in_date_order_in_hours_from_the_start() -> None:
    hours = [h for h, _ in TRANCHES.listed_since_h(START)]
    assert hours == [(datetime.date(2017, 11, 21) - START).days * 24.0, 418 * 24.0]


def test_no_vessel_is_listed_before_the_first_tranche() -> None:
    for seed in range(50):
        s = listing(True, TRANCHES, START, 24.0 * 100, np.random.default_rng(seed))
        assert not s.watchlisted and not s.designated and s.listed_from_h > 24.0 * 100


def test_a_listed_vessel_is_laundered_once_the_delay_has_passed() -> None:
    day = (datetime.date(2018, 3, 1) - START).days * 24.0
    later = (datetime.date(2018, 6, 1) - START).days * 24.0
    early = [listing(True, TRANCHES, START, day, np.random.default_rng(s)) for s in range(100)]
    late = [listing(True, TRANCHES, START, later, np.random.default_rng(s)) for s in range(100)]
    # early: those of the Feb 2018 tranche are listed and not yet laundered
    assert any(x.watchlisted for x in early)
    assert all(x.laundered and not x.watchlisted for x in late)


def test_both_tranches_are_drawn_in_proportion_to_their_size() -> None:
    end = 24.0 * 800
    since = [listing(True, TRANCHES, START, end, np.random.default_rng(s)) for s in range(400)]
    first = sum(x.listed_from_h < 24.0 * 400 for x in since) / len(since)
    assert abs(first - 20 / 48) < 0.08


def test_takeover_puts_a_non_designated_vessel_on_the_voyage() -> None:
    all_take = Designations(takeover_probability=1.0)
    s = listing(True, all_take, START, 0.0, np.random.default_rng(1))
    assert s.designated and s.replaced and not s.watchlisted


def test_without_tranches_a_designated_vessel_is_listed_from_the_start() -> None:
    s = listing(True, Designations(), START, 0.0, np.random.default_rng(1))
    assert s.watchlisted and s.listed_from_h == -math.inf
    assert not listing(False, Designations(), START, 0.0, np.random.default_rng(1)).watchlisted


def test_owners_keep_a_listed_ship_out_of_ports_that_detain_listed_ships() -> None:
    """A listed ship is replaced by an unlisted one as often as its port would detain it.

    With awareness 1 and a port detaining 90% of listed ships, about 90% are replaced; the
    replacement is not on the list.
    """
    listed = Listing(True, listed_from_h=0.0)
    out = [avoid_detaining_port(listed, 0.9, 1.0, np.random.default_rng(s)) for s in range(400)]
    replaced = sum(x.replaced for x in out) / len(out)
    assert abs(replaced - 0.9) < 0.05
    assert all(x.designated and x.watchlisted == (not x.replaced) for x in out)
    half = [avoid_detaining_port(listed, 0.9, 0.5, np.random.default_rng(s)) for s in range(400)]
    assert abs(sum(x.replaced for x in half) / len(half) - 0.45) < 0.07


def test_port_avoidance_leaves_unlisted_ships_and_safe_ports_and_their_streams_alone() -> None:
    unlisted = Listing(False)
    laundered = Listing(True, laundered=True)
    listed = Listing(True)
    for status, p, awareness in (
        (unlisted, 0.9, 1.0),
        (laundered, 0.9, 1.0),
        (listed, 0.0, 1.0),
        (listed, 0.9, 0.0),
    ):
        rng = np.random.default_rng(3)
        assert avoid_detaining_port(status, p, awareness, rng) is status
        assert rng.random() == np.random.default_rng(3).random()  # no draw was made


# ------------------------------------------------------------------ claimed waters
def inside_right_half(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.asarray(x) > 0.0


def test_a_plan_crossing_into_claimed_waters_is_one_entry_at_the_crossing() -> None:
    legs = np.array([[0.0, 10.0, -5.0, 0.0, 1.0, 0.0]])  # x from -5 to +5 over 10 h
    times = entry_times(legs, inside_right_half, from_h=0.0)
    assert len(times) == 1 and 5.0 <= times[0] <= 5.0 + SAMPLE_H


def test_no_entry_when_already_inside_or_never_inside() -> None:
    inside = np.array([[0.0, 10.0, 1.0, 0.0, 1.0, 0.0]])
    assert entry_times(inside, inside_right_half, from_h=0.0, was_inside=True) == []
    outside = np.array([[0.0, 10.0, -20.0, 0.0, 1.0, 0.0]])
    assert entry_times(outside, inside_right_half, from_h=0.0) == []


@given(st.lists(st.integers(-10, 10).filter(bool).map(float), min_size=2, max_size=12))
def test_sampled_entries_never_exceed_the_true_entries(xs: list[float]) -> None:
    """Each leg moves straight, so it enters at most once: when it starts out and ends in."""
    t = np.arange(len(xs), dtype=float)
    legs = np.array(
        [[t[i], t[i] + 1, xs[i], 0.0, xs[i + 1] - xs[i], 0.0] for i in range(len(xs) - 1)]
    )
    n = len(entry_times(legs, inside_right_half, from_h=0.0, was_inside=xs[0] > 0.0))
    true_entries = sum(1 for a, b in zip(xs, xs[1:], strict=False) if a <= 0.0 < b)
    assert n <= true_entries


def test_claimed_waters_test_agrees_with_the_zone_lookup_point_for_point(korea: Any) -> None:
    """The claim raster only shortcuts :func:`in_dprk_claimed_xy`; the answer is unchanged."""
    from sim.model.enforcement import in_dprk_claimed_xy

    rng = np.random.default_rng(11)
    x, y = korea.to_xy(rng.uniform(122.0, 133.0, 50000), rng.uniform(35.0, 44.0, 50000))
    z = korea.zone_at(*korea.to_lonlat(x, y))
    truth = np.asarray(z.dprk_military_zone) | (
        (np.asarray(z.state) == "PRK") & (np.asarray(z.kind) == "territorial")
    )
    got = in_dprk_claimed_xy(korea, x, y)
    assert got.dtype == bool and truth.sum() > 1000
    assert (got == truth).all()
    assert in_dprk_claimed_xy(korea, [float(x[0])], [float(y[0])]).tolist() == [truth[0]]


def test_port_of_names_the_port_at_a_position_and_nothing_elsewhere(korea: Any) -> None:
    from sim.model.enforcement import port_of

    ports = korea.ports
    for _, row in ports.iterrows():
        got = port_of(korea, (row.x_m + 300.0, row.y_m - 300.0))
        assert got == ((row["name"], row.state) if row.kind == "port" else ("", ""))
    dalian = ports[ports.name == "Dalian"].iloc[0]
    assert port_of(korea, (dalian.x_m + 5000.0, dalian.y_m)) == ("", "")
    assert port_of(korea, (dalian.x_m, dalian.y_m)) == ("Dalian", "CHN")  # read again: cached
