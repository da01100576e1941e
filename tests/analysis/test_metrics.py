"""Headline metrics on small hand-built run tables, and invariants that hold for any table.

``summarise_run`` is otherwise exercised only through whole simulations; here each rule in
its docstring is pinned by a table small enough to check by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analysis.metrics import HEADLINE_METRICS, UN_CAP_BBL_PER_YEAR, cargo_balance, summarise_run
from sim.analysis.stats import wilson_interval
from sim.units import BBL_PER_TONNE_PRODUCTS, HOURS_PER_YEAR

OUTCOMES = ["seized", "diverted", "disrupted", "delivered", "in_transit"]


def voyages(outcomes: list[str], *, counted: list[bool] | None = None) -> pd.DataFrame:
    """One petroleum voyage of 100 t per outcome (seized voyages lose all of it)."""
    n = len(outcomes)
    return pd.DataFrame(
        {
            "voyage": np.arange(n),
            "counted": counted if counted is not None else [True] * n,
            "outcome": outcomes,
            "commodity": ["petroleum"] * n,
            "cargo_t": [100.0] * n,
            "seized_t": [100.0 if o == "seized" else 0.0 for o in outcomes],
            "returned_t": [100.0 if o == "disrupted" else 0.0 for o in outcomes],
            "delivered_t": [100.0 if o == "delivered" else 0.0 for o in outcomes],
            "sts_detected": [False] * n,
        }
    )


NO_EVENTS = pd.DataFrame(columns=["t_h", "kind", "voyage", "asset", "reason", "activity"])
NO_ASSETS = pd.DataFrame(columns=["asset", "kind", "underway_h", "sorties"])


def test_rates_are_over_settled_counted_voyages():
    v = voyages(
        ["seized", "diverted", "disrupted", "delivered", "in_transit", "seized"],
        counted=[True, True, True, True, True, False],  # the last one started in the warm-up
    )
    m = summarise_run(v, NO_EVENTS, NO_ASSETS, duration_h=HOURS_PER_YEAR)
    assert m["voyages_started"] == 5 and m["voyages_ended"] == 4
    assert m["interception_rate"] == pytest.approx(2 / 4)
    assert m["disruption_rate"] == pytest.approx(1 / 4)
    assert m["denial_rate"] == pytest.approx(3 / 4)
    # seized cargo and cargo carried home by disrupted voyages are denied; diverted is not here
    assert m["cargo_denied_share"] == pytest.approx(200 / 400)


def test_per_year_figures_scale_with_the_measured_time():
    v = voyages(["delivered", "delivered"])
    one = summarise_run(v, NO_EVENTS, NO_ASSETS, duration_h=HOURS_PER_YEAR)
    half = summarise_run(v, NO_EVENTS, NO_ASSETS, duration_h=HOURS_PER_YEAR, warmup_h=4380.0)
    assert one["years"] == pytest.approx(1.0) and half["years"] == pytest.approx(0.5)
    assert one["barrels_delivered_per_year"] == pytest.approx(200 * BBL_PER_TONNE_PRODUCTS)
    assert half["barrels_delivered_per_year"] == pytest.approx(
        2 * one["barrels_delivered_per_year"]
    )
    assert half["deliveries_petroleum_per_year"] == pytest.approx(4.0)


def test_no_settled_voyage_gives_nan_rates_not_zero():
    m = summarise_run(voyages(["in_transit"]), NO_EVENTS, NO_ASSETS, duration_h=100.0)
    assert math.isnan(m["interception_rate"]) and math.isnan(m["cargo_denied_share"])
    assert math.isnan(m["patrol_hours_per_interception"])


def test_events_before_the_warm_up_do_not_count():
    ev = pd.DataFrame(
        {
            "t_h": [10.0, 500.0, 600.0],
            "kind": ["false_positive_boarding", "false_positive_boarding", "escalation_incident"],
            "voyage": [-1, -1, -1],
            "asset": ["a", "a", "a"],
            "reason": ["", "", ""],
            "activity": ["", "", ""],
        }
    )
    m = summarise_run(voyages(["delivered"]), ev, NO_ASSETS, duration_h=1000.0, warmup_h=100.0)
    assert m["false_positive_boardings"] == 1 and m["escalation_incidents"] == 1


def test_patrol_hours_count_ships_and_aircraft_not_satellites():
    assets = pd.DataFrame(
        {
            "asset": ["ddg", "p8", "sat"],
            "kind": ["warship", "aircraft", "satellite"],
            "underway_h": [240.0, 30.0, 1000.0],
            "sorties": [0, 5, 0],
        }
    )
    m = summarise_run(voyages(["seized", "delivered"]), NO_EVENTS, assets, duration_h=1000.0)
    assert m["patrol_hours"] == 270.0 and m["ship_days"] == 10.0 and m["flight_hours"] == 30.0
    assert m["patrol_hours_per_interception"] == 270.0


def test_a_transfer_is_seen_in_progress_only_when_a_detection_classified_it_alongside():
    """Detections during a transfer that stayed unresolved (night, range) are not sightings.

    Voyage 0: a Japanese aircraft saw the pair alongside; voyage 1: the same aircraft detected
    the pair mid-transfer but could not tell it from one vessel; voyage 2: a satellite imaged
    and classified the pair. Without a classification column (older tables) every detection
    during a transfer counts.
    """
    ev = pd.DataFrame(
        {
            "t_h": [1.0, 2.0, 3.0],
            "kind": ["detection"] * 3,
            "voyage": [0, 1, 2],
            "asset": ["p3c#0", "p3c#0", "sat#0"],
            "reason": ["alongside", "", "alongside"],
            "activity": ["sts", "sts", "sts"],
            "classification": ["alongside", "unresolved", "alongside"],
        }
    )
    assets = pd.DataFrame(
        {
            "asset": ["p3c#0", "sat#0"],
            "kind": ["aircraft", "satellite"],
            "nation": ["JPN", "USA"],
            "underway_h": [80.0, 0.0],
            "sorties": [10, 0],
        }
    )
    v = voyages(["delivered"] * 3)
    m = summarise_run(v, ev, assets, duration_h=HOURS_PER_YEAR)
    assert m["sts_seen_by_japan_per_year"] == 1.0
    assert m["sts_seen_by_satellite_per_year"] == 1.0
    assert m["sts_sightings_per_sortie"] == pytest.approx(1 / 10)
    old = summarise_run(v, ev.drop(columns="classification"), assets, duration_h=HOURS_PER_YEAR)
    assert old["sts_seen_by_japan_per_year"] == 2.0
    assert old["sts_sightings_per_sortie"] == pytest.approx(2 / 10)


def test_warship_sightings_are_distinct_transfers_seen_alongside_per_90_days_at_sea():
    """Transfers seen by warships are counted as HMCS Calgary's were (domain §5).

    Each (warship, voyage) pair counts once, only while the transfer is in progress, per 90
    days that warships spent at sea; aircraft and coast guard do not count.
    """
    assets = pd.DataFrame(
        {
            "asset": ["ffg#0", "ffg#1", "p8#0", "cg#0"],
            "kind": ["warship", "warship", "aircraft", "coast_guard"],
            "underway_h": [90 * 24.0, 90 * 24.0, 100.0, 500.0],
            "sorties": [1, 1, 10, 2],
            "nation": ["GBR", "CAN", "USA", "KOR"],
        }
    )
    ev = pd.DataFrame(
        {
            "t_h": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
            "kind": ["detection"] * 7,
            "voyage": [0, 0, 1, 1, 2, 0, 1],
            "asset": ["ffg#0", "ffg#0", "ffg#0", "ffg#1", "ffg#1", "p8#0", "cg#0"],
            "reason": [""] * 7,
            # voyage 0 seen twice by ffg#0 (one pair); voyage 2 seen only in transit
            "activity": ["sts", "sts", "sts", "sts", "transit", "sts", "sts"],
        }
    )
    m = summarise_run(voyages(["delivered"] * 3), ev, assets, duration_h=HOURS_PER_YEAR)
    assert m["sts_sightings_per_90_warship_days"] == pytest.approx(3 / 2)
    # where detections carry a classification, only those classified alongside are sightings
    classified = ev.assign(
        classification=["alongside", "unresolved", "alongside", "alongside", "", "alongside", ""]
    )
    m = summarise_run(voyages(["delivered"] * 3), classified, assets, duration_h=HOURS_PER_YEAR)
    assert m["sts_sightings_per_90_warship_days"] == pytest.approx(3 / 2)  # ffg#0 saw 0 again
    unresolved = ev.assign(classification=["unresolved"] * 3 + ["alongside", "", "", ""])
    m = summarise_run(voyages(["delivered"] * 3), unresolved, assets, duration_h=HOURS_PER_YEAR)
    assert m["sts_sightings_per_90_warship_days"] == pytest.approx(1 / 2)  # only ffg#1 on 1
    none = summarise_run(voyages(["delivered"]), NO_EVENTS, NO_ASSETS, duration_h=100.0)
    assert math.isnan(none["sts_sightings_per_90_warship_days"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(OUTCOMES), min_size=1, max_size=40))
def test_rates_are_fractions_and_denial_adds_up(outcomes):
    m = summarise_run(voyages(outcomes), NO_EVENTS, NO_ASSETS, duration_h=HOURS_PER_YEAR)
    assert set(HEADLINE_METRICS) <= set(m)
    if m["voyages_ended"] == 0:
        return
    for k in ("interception_rate", "disruption_rate", "denial_rate", "cargo_denied_share"):
        assert 0.0 <= m[k] <= 1.0
    assert m["denial_rate"] == pytest.approx(m["interception_rate"] + m["disruption_rate"])
    assert m["seizures"] + m["diversions"] + m["disruptions"] <= m["voyages_ended"]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 500), st.floats(0.0, 1.0), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_interval_contains_the_estimate_and_grows_with_level(n, share, level):
    k = round(share * n)
    lo, hi = wilson_interval(k, n, level)
    assert 0.0 <= lo <= k / n <= hi <= 1.0
    lo2, hi2 = wilson_interval(k, n, min(level + 0.009, 0.999))
    assert lo2 <= lo + 1e-12 and hi2 >= hi - 1e-12


def test_wilson_interval_covers_the_true_proportion_at_its_level():
    """Coverage on synthetic binomial data: about 95% for p = 0.3, n = 50."""
    rng = np.random.default_rng(12)
    ks = rng.binomial(50, 0.3, size=4000)
    cover = np.mean([lo <= 0.3 <= hi for lo, hi in (wilson_interval(k, 50) for k in ks)])
    assert 0.93 < cover < 0.97


def test_cargo_balance_is_zero_when_every_tonne_is_accounted_for():
    v = pd.DataFrame(
        {
            "cargo_t": [100.0, 100.0, 100.0],
            "delivered_t": [100.0, 0.0, 40.0],
            "seized_t": [0.0, 100.0, 0.0],
            "returned_t": [0.0, 0.0, 50.0],
            "in_transit_t": [0.0, 0.0, 0.0],
        }
    )
    assert cargo_balance(v).tolist() == [0.0, 0.0, 10.0]  # 10 t of the third are unaccounted


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(*[st.floats(0, 1e4)] * 4), min_size=1, max_size=20))
def test_cargo_balance_adds_up_the_four_destinations(rows):
    d, s, r, t = (np.array(c) for c in zip(*rows, strict=True))
    v = pd.DataFrame(
        {
            "cargo_t": d + s + r + t,
            "delivered_t": d,
            "seized_t": s,
            "returned_t": r,
            "in_transit_t": t,
        }
    )
    assert np.allclose(cargo_balance(v), 0.0, atol=1e-9)
    assert cargo_balance(v.assign(cargo_t=v["cargo_t"] + 1.0)) == pytest.approx(np.ones(len(v)))


def test_the_un_cap_is_half_a_million_barrels_and_headline_metrics_are_unique():
    assert UN_CAP_BBL_PER_YEAR == 500_000.0
    assert len(set(HEADLINE_METRICS)) == len(HEADLINE_METRICS)
