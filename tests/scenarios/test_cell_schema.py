"""The allied cell's side of the schema: coordination, classification, rules, pursuit."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sim.scenarios.cell_schema import Classification, Coordination, Pursuit, Rules
from tests.scenarios.bounds import check_bounds

CLASSES = [Coordination, Classification, Rules, Pursuit]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_bounded_parameter_refuses_the_first_value_past_its_bound(cls):
    assert check_bounds(cls, {}) > 0


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_defaults_validate_and_every_parameter_states_a_unit(cls):
    cls()  # the defaults are a valid configuration
    for name, f in cls.model_fields.items():
        if f.annotation in (int, float, float | None):
            extra = f.json_schema_extra or {}
            assert isinstance(extra, dict) and extra.get("unit"), (cls.__name__, name)
            assert extra.get("source"), (cls.__name__, name)


def test_consent_probabilities_are_per_state_in_zero_one():
    r = Rules(consent_probability={"PAN": 0.9, "SLE": 0.0})
    assert r.consent_probability["SLE"] == 0.0
    with pytest.raises(ValidationError, match="consent_probability"):
        Rules(consent_probability={"PAN": 1.5})


def test_switches_take_only_true_or_false():
    with pytest.raises(ValidationError, match="true or false"):
        Coordination(shared_picture="yes")
    with pytest.raises(ValidationError, match="true or false"):
        Rules(blockade=1)
    assert Rules(blockade=True).blockade is True
