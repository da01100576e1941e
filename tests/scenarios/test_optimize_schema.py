"""The optimisation section: candidate allocations, responding smugglers, selection budget."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sim.scenarios.optimize_schema import (
    Optimize,
    OptimizeBudget,
    OptimizeCandidates,
    OptimizeSmugglers,
)


def test_candidates_need_areas_and_shares_in_zero_one():
    c = OptimizeCandidates(areas=("a", "b"))
    assert c.strategies == ("hotspot",) and c.shares == (1.0,) and c.include_declared
    with pytest.raises(ValidationError):
        OptimizeCandidates(areas=())
    for bad in ((0.0,), (1.2,), (0.5, -0.1)):
        with pytest.raises(ValidationError, match=r"fractions in \(0, 1\]"):
            OptimizeCandidates(areas=("a",), shares=bad)
    with pytest.raises(ValidationError, match="must not repeat"):
        OptimizeCandidates(areas=("a", "a"))


def test_smuggler_mixes_and_dark_shares_are_checked():
    s = OptimizeSmugglers(rendezvous={"west": {"a": 0.0, "b": 1.0}}, dark_shares=(0.0, 1.0))
    assert s.response == "best" and s.rationality == 50.0
    with pytest.raises(ValidationError, match="non-negative weights, not all zero"):
        OptimizeSmugglers(rendezvous={"none": {"a": 0.0}})
    with pytest.raises(ValidationError, match="non-negative weights"):
        OptimizeSmugglers(rendezvous={"empty": {}})
    with pytest.raises(ValidationError, match="probabilities in"):
        OptimizeSmugglers(dark_shares=(1.5,))
    with pytest.raises(ValidationError):
        OptimizeSmugglers(response="worst")


def test_a_budget_is_positive_ship_days_or_flight_hours():
    assert OptimizeBudget().ship_days is None
    assert OptimizeBudget(ship_days=300.0, flight_hours=900.0).flight_hours == 900.0
    for key in ("ship_days", "flight_hours"):
        with pytest.raises(ValidationError, match=key):
            OptimizeBudget(**{key: 0.0})


def test_alpha_is_a_small_probability():
    base = {"candidates": {"areas": ["a"]}}
    assert Optimize.model_validate(base).alpha == 0.05
    for bad in (0.0, 0.5):
        with pytest.raises(ValidationError, match="alpha"):
            Optimize.model_validate({**base, "alpha": bad})


def test_the_replication_cap_cannot_be_below_the_first_stage():
    base = {"candidates": {"areas": ["a"]}}
    o = Optimize.model_validate(base)
    assert o.max_replications >= o.first_stage
    with pytest.raises(ValidationError, match="must be at least first_stage"):
        Optimize.model_validate({**base, "first_stage": 10, "max_replications": 5})
