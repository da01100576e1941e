"""The rules every scenario part inherits.

Frozen, no unknown keys, finite numbers, strict booleans, ordered ranges, weights that can be
drawn from, bounded names.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sim.scenarios import AssetGroup, Program, Scenario, Sensor, Strategy
from sim.scenarios.base import NAME_MAX_CHARS, param


def test_parts_are_frozen_and_refuse_unknown_keys():
    s = Sensor()
    with pytest.raises(ValidationError, match="frozen"):
        s.range_nm = 5.0  # type: ignore[misc]
    with pytest.raises(ValidationError, match="extra"):
        Sensor(rnage_nm=5.0)  # type: ignore[call-arg]


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_numbers_must_be_finite(bad):
    with pytest.raises(ValidationError, match="range_nm"):
        Sensor(range_nm=bad)


def test_a_boolean_where_a_number_belongs_is_refused_with_the_yaml_hint():
    with pytest.raises(ValidationError, match="YAML reads yes, no, on and off as booleans"):
        Sensor(range_nm=True)
    with pytest.raises(ValidationError, match="YAML reads yes"):
        Strategy(kind="hotspot", areas=("a", "b"), weights=(1.0, False))


def test_a_boolean_field_takes_only_true_or_false():
    with pytest.raises(ValidationError, match="true or false"):
        AssetGroup(name="ddg", kind="warship", base="Sasebo", can_board="yes")
    assert AssetGroup(name="ddg", kind="warship", base="Sasebo", can_board=False).boards is False


def test_names_are_bounded():
    with pytest.raises(ValidationError):
        Program(name="")
    with pytest.raises(ValidationError):
        Program(name="x" * (NAME_MAX_CHARS + 1))
    assert Program(name="x" * NAME_MAX_CHARS).name == "x" * NAME_MAX_CHARS


def test_weights_must_not_all_be_zero():
    with pytest.raises(ValidationError, match="not all zero"):
        Strategy(kind="hotspot", areas=("a", "b"), weights=(0.0, 0.0))
    with pytest.raises(ValidationError):
        Strategy(kind="hotspot", areas=("a",), weights=(-1.0,))
    assert Strategy(kind="hotspot", areas=("a", "b"), weights=(0.0, 2.0)).weights == (0.0, 2.0)


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 1e4), st.floats(0, 1e4))
def test_a_range_validates_exactly_when_it_is_ordered(a, b):
    if a <= b:
        assert Program(name="oil", cargo_t=(a, b)).cargo_t == (a, b)
    else:
        with pytest.raises(ValidationError, match="low <= high"):
            Program(name="oil", cargo_t=(a, b))


@settings(max_examples=60, deadline=None)
@given(st.floats(-1e4, 1e4, allow_nan=False))
def test_bounds_declared_with_param_are_the_ones_enforced(value):
    schema = Sensor.model_json_schema()["properties"]["range_nm"]
    lo, hi = schema["exclusiveMinimum"], schema["maximum"]
    if lo < value <= hi:
        assert Sensor(range_nm=value).range_nm == value
    else:
        with pytest.raises(ValidationError, match="range_nm"):
            Sensor(range_nm=value)


def test_param_without_bounds_or_source_says_assumption():
    f = param(unit="kn", description="speed")
    assert f.is_required() and f.json_schema_extra == {"unit": "kn", "source": "assumption"}
    assert f.description == "speed"


def test_a_scenario_repr_is_short_and_names_it():
    s = Scenario(name="tiny", description="d")
    assert "tiny" in repr(s) and len(repr(s)) < 200
