"""The smuggling side of the schema: programs and background traffic."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sim.scenarios.programs_schema import Program, Traffic
from tests.scenarios.bounds import check_bounds

REQUIRED = {Program: {"name": "oil"}, Traffic: {}}


@pytest.mark.parametrize("cls", list(REQUIRED), ids=lambda c: c.__name__)
def test_every_bounded_parameter_refuses_the_first_value_past_its_bound(cls):
    assert check_bounds(cls, REQUIRED[cls]) > 0


def test_every_probability_of_a_program_is_in_zero_one():
    probs = [n for n in Program.model_fields if n.endswith("_probability")]
    assert len(probs) >= 5
    for name in probs:
        for bad in (-0.01, 1.01):
            with pytest.raises(ValidationError, match=name):
                Program(name="oil", **{name: bad})


@settings(max_examples=60, deadline=None)
@given(st.floats(0.01, 25), st.floats(0.01, 25))
def test_speed_ranges_are_ordered_positive_and_at_most_25_kn(a, b):
    lo, hi = sorted((a, b))
    assert Program(name="oil", dprk_speed_kn=(lo, hi)).dprk_speed_kn == (lo, hi)
    assert Traffic(speed_kn=(lo, hi)).speed_kn == (lo, hi)
    if lo < hi:
        with pytest.raises(ValidationError, match="low <= high"):
            Traffic(speed_kn=(hi, lo))


def test_speeds_above_25_kn_or_zero_are_refused():
    for bad in ((0.0, 10.0), (10.0, 25.5)):
        with pytest.raises(ValidationError, match="foreign_speed_kn"):
            Program(name="oil", foreign_speed_kn=bad)


def test_names_lists_need_at_least_one_name():
    with pytest.raises(ValidationError, match="dprk_ports"):
        Program(name="oil", dprk_ports=())
    with pytest.raises(ValidationError, match="places"):
        Traffic(places=())
    assert Traffic().places is None  # none given: the theater's own places


def test_flags_are_weights_by_name_that_can_be_drawn_from():
    p = Program(name="oil", foreign_flags={"PAN": 2.0, "TGO": 0.0})
    assert p.foreign_flags == {"PAN": 2.0, "TGO": 0.0}
    with pytest.raises(ValidationError, match="not all zero"):
        Program(name="oil", foreign_flags={"PAN": 0.0})
    with pytest.raises(ValidationError, match="foreign_flags"):
        Program(name="oil", foreign_flags={})


def test_commodity_is_petroleum_or_coal():
    assert Program(name="oil").commodity == "petroleum"
    assert Program(name="coal", commodity="coal").commodity == "coal"
    with pytest.raises(ValidationError, match="commodity"):
        Program(name="x", commodity="arms")
