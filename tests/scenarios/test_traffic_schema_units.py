"""Fishing fleets in the schema, as properties (``sim.scenarios.traffic_schema``).

``tests/scenarios/test_traffic_schema.py`` shows the defaults and one bad day of each kind;
here a closed season accepts exactly the calendar days that exist, the vessel count is the
rounded scaled sum whatever the fleets, and the sourced fleets survive their own validation.
"""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sim.scenarios.traffic_schema import DEFAULT_FLEETS, Fishing, FishingFleet

FLEET = {"name": "f", "flag": "CHN", "home_ports": ["Qingdao"], "grounds": ["yellow_sea_wide"]}


def exists(month: int, day: int) -> bool:
    """Whether MM-DD is a day of a leap year (02-29 included)."""
    try:
        datetime.date(2020, month, day)
    except ValueError:
        return False
    return True


@settings(max_examples=120, deadline=None)
@given(st.integers(0, 13), st.integers(0, 32))
def test_a_season_day_is_accepted_exactly_when_the_calendar_has_it(month, day):
    text = f"{month:02d}-{day:02d}"
    if exists(month, day):
        assert FishingFleet(**FLEET, closed_season=(text, "12-31")).closed_season == (
            text,
            "12-31",
        )
    else:
        with pytest.raises(ValidationError, match="MM-DD"):
            FishingFleet(**FLEET, closed_season=(text, "12-31"))


counts = st.lists(st.integers(0, 20000), min_size=1, max_size=5)


@settings(max_examples=80, deadline=None)
@given(counts, st.floats(0, 1), st.booleans())
def test_the_vessels_represented_are_each_fleets_rounded_share(sizes, scale, enabled):
    fleets = tuple(
        FishingFleet(**{**FLEET, "name": f"f{i}"}, vessels=n) for i, n in enumerate(sizes)
    )
    f = Fishing(enabled=enabled, scale=scale, fleets=fleets)
    want = sum(int(round(n * scale)) for n in sizes) if enabled else 0
    assert f.vessels == want
    assert f.at_sea == (fleets if enabled else ())


def test_the_sourced_fleets_have_distinct_names_and_pass_their_own_validation():
    names = [f.name for f in DEFAULT_FLEETS]
    assert len(set(names)) == len(names)
    for f in DEFAULT_FLEETS:
        assert FishingFleet.model_validate(f.model_dump()) == f
        assert len(f.flag) == 3 and f.flag.isupper()


def test_a_fleet_needs_a_three_letter_flag_a_port_and_a_ground():
    with pytest.raises(ValidationError, match="flag"):
        FishingFleet(**{**FLEET, "flag": "CN"})
    with pytest.raises(ValidationError, match="home_ports"):
        FishingFleet(**{**FLEET, "home_ports": []})
    with pytest.raises(ValidationError, match="grounds"):
        FishingFleet(**{**FLEET, "grounds": []})


@pytest.mark.parametrize("field", ["tow_h", "drift_h", "trip_days", "port_days", "meet_h"])
def test_every_duration_range_is_written_low_then_high(field):
    assert getattr(FishingFleet(**FLEET, **{field: (1.0, 1.0)}), field) == (1.0, 1.0)
    with pytest.raises(ValidationError, match="low <= high"):
        FishingFleet(**FLEET, **{field: (3.0, 2.0)})


def test_switching_the_fleets_on_takes_true_or_false_only():
    with pytest.raises(ValidationError, match="true or false"):
        Fishing(enabled="yes")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="true or false"):
        Fishing(enabled=1)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["5-01", "05-1", "0501", "05/01", " 05-01", "05-01 "])
def test_a_season_day_is_two_digits_a_hyphen_and_two_digits(text):
    with pytest.raises(ValidationError, match="closed_season"):
        FishingFleet(**FLEET, closed_season=(text, "09-01"))


def test_an_empty_list_of_fleets_switched_on_sails_nobody():
    """``fleets: []`` is not ``fleets: null``: it replaces the sourced fleets by none."""
    f = Fishing(enabled=True, fleets=())
    assert f.at_sea == () and f.vessels == 0
    with pytest.raises(ValidationError, match="scale"):
        Fishing(enabled=True, scale=1.5)
