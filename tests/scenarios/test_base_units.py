"""The shared field types of ``sim.scenarios.base``, each on a model of its own.

``tests/scenarios/test_base.py`` checks the rules through real scenario parts; here each
annotated type (ranges, speeds, weights, probabilities, points, names) is put on a one-field
model so that what it accepts and refuses is read straight off the test.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sim.scenarios.base import (
    Frozen,
    LonLat,
    NamedWeights,
    Names,
    Probabilities,
    SpeedRange,
    StrictFrozen,
    Weights,
)


class Speeds(Frozen):
    """A vessel's speed range, knots."""

    speed_kn: SpeedRange = (8.0, 12.0)


class Pulls(Frozen):
    """Relative weights in order."""

    weights: Weights = (1.0,)


class Shares(Frozen):
    """Relative weights by name."""

    by_name: NamedWeights = {"a": 1.0}


class Chances(Frozen):
    """Probabilities by name."""

    by_name: Probabilities = {}


class Point(Frozen):
    """One [lon, lat] point."""

    at: LonLat = (0.0, 0.0)


class Flags(StrictFrozen):
    """Names and booleans, to see where booleans belong."""

    names: Names = ("x",)
    on: bool = False
    maybe: bool | None = None


@settings(max_examples=80, deadline=None)
@given(st.floats(-5, 30, allow_nan=False), st.floats(-5, 30, allow_nan=False))
def test_a_speed_range_is_positive_at_most_25_knots_and_ordered(low, high):
    valid = 0 < low <= high <= 25
    if valid:
        assert Speeds(speed_kn=(low, high)).speed_kn == (low, high)
    else:
        with pytest.raises(ValidationError):
            Speeds(speed_kn=(low, high))


def test_a_speed_range_of_one_speed_is_allowed():
    assert Speeds(speed_kn=(25.0, 25.0)).speed_kn == (25.0, 25.0)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(-1, 5, allow_nan=False), min_size=1, max_size=6))
def test_weights_are_accepted_exactly_when_non_negative_and_some_positive(values):
    if min(values) >= 0 and sum(values) > 0:
        assert Pulls(weights=tuple(values)).weights == tuple(values)
    else:
        with pytest.raises(ValidationError):
            Pulls(weights=tuple(values))


def test_named_weights_need_a_name_and_a_weight_above_zero():
    with pytest.raises(ValidationError):
        Shares(by_name={})
    with pytest.raises(ValidationError, match="not all zero"):
        Shares(by_name={"a": 0.0, "b": 0.0})
    with pytest.raises(ValidationError):
        Shares(by_name={"a": -1.0, "b": 3.0})
    assert Shares(by_name={"a": 0.0, "b": 3.0}).by_name == {"a": 0.0, "b": 3.0}


@settings(max_examples=60, deadline=None)
@given(st.floats(-1, 2, allow_nan=False))
def test_a_probability_is_accepted_exactly_in_0_1(p):
    if 0 <= p <= 1:
        assert Chances(by_name={"x": p}).by_name == {"x": p}
    else:
        with pytest.raises(ValidationError):
            Chances(by_name={"x": p})


def test_no_probabilities_at_all_is_allowed():
    assert Chances().by_name == {}


@pytest.mark.parametrize(
    ("point", "ok"),
    [
        ((180.0, 90.0), True),
        ((-180.0, -90.0), True),
        ((124.5, 33.2), True),
        ((180.5, 0.0), False),
        ((0.0, 90.5), False),
        ((0.0, -91.0), False),
    ],
)
def test_a_point_is_longitude_then_latitude_in_degrees(point, ok):
    if ok:
        assert Point(at=point).at == point
    else:
        with pytest.raises(ValidationError):
            Point(at=point)


def test_a_point_needs_exactly_two_coordinates():
    with pytest.raises(ValidationError):
        Point(at=(1.0, 2.0, 3.0))  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Point(at=(1.0,))  # type: ignore[arg-type]


def test_names_need_at_least_one_and_refuse_booleans_nested_in_the_list():
    with pytest.raises(ValidationError):
        Flags(names=())
    with pytest.raises(ValidationError, match="YAML reads yes"):
        Flags(names=("x", True))  # type: ignore[arg-type]
    assert Flags(names=("x", "y")).names == ("x", "y")


def test_an_optional_boolean_takes_true_false_or_nothing_and_nothing_else():
    assert Flags(maybe=None).maybe is None
    assert Flags(maybe=True).maybe is True
    with pytest.raises(ValidationError, match="true or false"):
        Flags(maybe=1)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="true or false"):
        Flags(on="no")  # type: ignore[arg-type]


def test_a_boolean_inside_a_mapping_of_numbers_is_refused():
    with pytest.raises(ValidationError, match="YAML reads yes"):
        Chances(by_name={"x": True})  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match="YAML reads yes"):
        Shares(by_name={"a": 1.0, "b": False})  # type: ignore[dict-item]


def test_parts_with_equal_values_are_equal_and_hash_alike():
    """Frozen parts can key a memo: equal by value, and one hash for one value."""
    a, b = Speeds(speed_kn=(5.0, 9.0)), Speeds(speed_kn=(5.0, 9.0))
    assert a == b and hash(a) == hash(b)
    assert Speeds(speed_kn=(5.0, 9.5)) != a
    assert len({a, b, Speeds()}) == 2


def test_a_part_cannot_be_changed_once_built_only_copied():
    a = Point(at=(10.0, 20.0))
    with pytest.raises(ValidationError, match="frozen"):
        a.at = (0.0, 0.0)  # type: ignore[misc]
    moved = a.model_copy(update={"at": (11.0, 21.0)})
    assert (a.at, moved.at) == ((10.0, 20.0), (11.0, 21.0))
