"""The patrol side of the schema: sensors, strategies and asset groups."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sim.scenarios.patrols_schema import AssetGroup, Sensor, Strategy
from tests.scenarios.bounds import check_bounds

REQUIRED = {
    Sensor: {},
    Strategy: {},
    AssetGroup: {"name": "ddg", "kind": "warship", "base": "Sasebo"},
}


@pytest.mark.parametrize("cls", list(REQUIRED), ids=lambda c: c.__name__)
def test_every_bounded_parameter_refuses_the_first_value_past_its_bound(cls):
    assert check_bounds(cls, REQUIRED[cls]) > 0


@settings(max_examples=60, deadline=None)
@given(st.floats(0.1, 300), st.one_of(st.none(), st.floats(0.1, 600)))
def test_sweep_width_is_twice_the_range_for_a_cookie_cutter_else_declared(range_nm, width):
    cc = Sensor(range_nm=range_nm, sweep_width_nm=width)
    assert cc.effective_sweep_width_nm == 2 * range_nm
    ic = Sensor(law="inverse_cube", range_nm=range_nm, sweep_width_nm=width)
    assert ic.effective_sweep_width_nm == (width if width is not None else range_nm)


def test_an_unknown_detection_law_or_strategy_kind_is_refused():
    with pytest.raises(ValidationError, match="law"):
        Sensor(law="square_root")
    with pytest.raises(ValidationError, match="kind"):
        Strategy(kind="zigzag")


def test_a_barrier_is_two_points_on_the_globe():
    s = Strategy(kind="barrier", barrier=((124.0, 33.0), (126.0, 34.0)))
    assert s.barrier == ((124.0, 33.0), (126.0, 34.0))
    with pytest.raises(ValidationError):
        Strategy(kind="barrier", barrier=((124.0, 33.0),))
    with pytest.raises(ValidationError):
        Strategy(kind="barrier", barrier=((124.0, 95.0), (126.0, 34.0)))


@pytest.mark.parametrize(
    "kind, boards", [("warship", True), ("coast_guard", True), ("aircraft", False)]
)
def test_ships_board_by_default_and_aircraft_do_not(kind, boards):
    assert AssetGroup(name="g", kind=kind, base="Sasebo").boards is boards
    assert AssetGroup(name="g", kind=kind, base="Sasebo", can_board=not boards).boards is not boards


def test_a_group_of_no_units_needs_no_base():
    assert AssetGroup(name="spare", kind="warship", count=0).base is None


def test_a_satellite_needs_no_base_but_areas_to_image():
    sat = AssetGroup(name="sat", kind="satellite", strategy=Strategy(areas=("ecs_high_seas",)))
    assert sat.base is None and not sat.boards
    with pytest.raises(ValidationError, match="'sat': a satellite needs strategy.areas"):
        AssetGroup(name="sat", kind="satellite")


def test_asset_groups_default_to_one_unit_with_the_default_sensor_and_strategy():
    g = AssetGroup(name="ddg", kind="warship", base="Sasebo")
    assert g.count == 1 and g.sensor == Sensor() and g.strategy == Strategy()
