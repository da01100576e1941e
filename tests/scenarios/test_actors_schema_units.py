"""States as actors and dated designations (``sim.scenarios.actors_schema``).

A state cooperates with nothing unless the scenario says so; the watchlist's tranches are read
as hours from the run's start, in date order, whatever order the file lists them in.
"""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sim.scenarios.actors_schema import Designation, Designations, StateCooperation

START = datetime.date(2018, 1, 1)


def test_a_state_does_nothing_for_enforcement_unless_told():
    s = StateCooperation()
    assert s.port_inspection_probability == 0.0
    assert s.reported_port_inspection_probability == 0.0
    assert s.territorial_action_probability == 0.0
    assert s.flag_consent_probability == 0.0


@pytest.mark.parametrize(
    "field",
    [
        "port_inspection_probability",
        "reported_port_inspection_probability",
        "territorial_action_probability",
        "flag_consent_probability",
    ],
)
def test_every_cooperation_rate_is_a_probability(field):
    assert getattr(StateCooperation(**{field: 1.0}), field) == 1.0
    for bad in (-0.01, 1.01):
        with pytest.raises(ValidationError, match=field):
            StateCooperation(**{field: bad})


def test_a_tranche_lists_at_least_one_vessel_and_at_most_a_thousand():
    assert Designation(date=START, vessels=1).vessels == 1
    assert Designation(date=START, vessels=1000).source == "assumption"
    for bad in (0, 1001):
        with pytest.raises(ValidationError, match="vessels"):
            Designation(date=START, vessels=bad)


def test_a_tranche_date_is_read_from_iso_text():
    assert Designation(date="2018-02-23", vessels=5).date == datetime.date(2018, 2, 23)
    with pytest.raises(ValidationError, match="date"):
        Designation(date="23 February", vessels=5)


def test_without_tranches_nothing_is_listed_later_and_nobody_launders():
    d = Designations()
    assert d.listed_since_h(START) == ()
    assert (d.laundering_probability, d.takeover_probability) == (0.0, 0.0)
    assert d.laundering_delay_days == 60.0


def test_tranches_become_hours_from_the_start_in_date_order():
    d = Designations(
        tranches=(
            Designation(date=datetime.date(2018, 3, 30), vessels=7),
            Designation(date=datetime.date(2017, 12, 31), vessels=3),
            Designation(date=datetime.date(2018, 1, 2), vessels=11),
        )
    )
    # 31 Dec is one day before the start; 2 Jan one day after; 30 Mar is day 88 (31 + 28 + 29)
    assert d.listed_since_h(START) == ((-24.0, 3), (24.0, 11), (88 * 24.0, 7))


dates = st.dates(datetime.date(2015, 1, 1), datetime.date(2022, 12, 31))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(dates, st.integers(1, 1000)), max_size=8), dates)
def test_listing_times_are_whole_days_sorted_and_keep_every_vessel(rows, start):
    d = Designations(tranches=tuple(Designation(date=t, vessels=n) for t, n in rows))
    listed = d.listed_since_h(start)
    hours = [h for h, _ in listed]
    assert hours == sorted(hours)
    assert all(h % 24.0 == 0.0 for h in hours)
    assert sorted(n for _, n in listed) == sorted(n for _, n in rows)
    assert {h / 24.0 for h in hours} == {(t - start).days for t, _ in rows}


def test_laundering_delay_is_bounded_to_ten_years():
    assert Designations(laundering_delay_days=3650).laundering_delay_days == 3650
    with pytest.raises(ValidationError, match="laundering_delay_days"):
        Designations(laundering_delay_days=3651)
    with pytest.raises(ValidationError, match="laundering_delay_days"):
        Designations(laundering_delay_days=-1)


def test_a_misspelt_rate_is_refused_rather_than_ignored():
    """An unknown key would otherwise leave the state at its default of no cooperation."""
    with pytest.raises(ValidationError, match="extra"):
        StateCooperation(port_inspection_probabilty=0.5)  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="extra"):
        Designations(tranche=())  # type: ignore[call-arg]
