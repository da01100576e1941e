"""The fishing section of the schema: off by default, sourced fleets, seasons as calendar days."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sim.errors import UserError
from sim.scenarios import load_scenario
from sim.scenarios.traffic_schema import DEFAULT_FLEETS, Fishing, FishingFleet
from tests.scenarios.bounds import check_bounds

FLEET = {"name": "f", "flag": "CHN", "home_ports": ["Qingdao"], "grounds": ["yellow_sea_wide"]}


@pytest.mark.parametrize(
    ("cls", "required"), [(FishingFleet, FLEET), (Fishing, {})], ids=["FishingFleet", "Fishing"]
)
def test_every_bounded_parameter_refuses_the_first_value_past_its_bound(
    cls: type, required: dict
) -> None:
    assert check_bounds(cls, required) > 0


def test_off_by_default_and_on_with_the_sourced_fleets() -> None:
    assert Fishing().at_sea == () and Fishing().vessels == 0
    on = Fishing(enabled=True)  # a tenth of each fleet by default
    assert on.at_sea == DEFAULT_FLEETS and on.scale == 0.1
    assert on.vessels == sum(round(f.vessels * 0.1) for f in DEFAULT_FLEETS) == 600
    own = Fishing(enabled=True, scale=1, fleets=[{**FLEET, "vessels": 7}])
    assert [f.name for f in own.at_sea] == ["f"] and own.vessels == 7


@pytest.mark.parametrize("day", ["5-01", "13-01", "02-30", "May 1"])
def test_a_closed_season_is_written_as_real_calendar_days(day: str) -> None:
    with pytest.raises(ValidationError, match="closed_season"):
        FishingFleet(**FLEET, closed_season=(day, "09-01"))
    assert FishingFleet(**FLEET, closed_season=("02-29", "09-01")).closed_season == (
        "02-29",
        "09-01",
    )


def test_a_switched_on_fleet_must_name_places_and_areas_the_theater_has() -> None:
    base = "scenarios/crackdown_2018.yaml"
    bad = "[{name: f, flag: CHN, home_ports: [Qingdoa], grounds: [yellow_sea_wide]}]"
    with pytest.raises(UserError, match=r"fishing\.fleets\.0\.home_ports\.0.*Qingdao"):
        load_scenario(base, overrides=["fishing.enabled=true", f"fishing.fleets={bad}"])
    # off, the same fleets are not checked: nothing of them is used
    sc = load_scenario(base, overrides=[f"fishing.fleets={bad}"])
    assert sc.fishing.at_sea == ()
