"""The optimisation section's validators as properties: what they accept is exactly the rule.

``tests/scenarios/test_optimize_schema.py`` shows one case of each rule; here hypothesis
draws shares, dark shares, rendezvous mixes and replication budgets, and each is accepted
exactly when the rule stated in ``sim.scenarios.optimize_schema`` says so.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sim.scenarios.optimize_schema import Optimize, OptimizeCandidates, OptimizeSmugglers

fractions = st.lists(st.floats(-0.5, 1.5, allow_nan=False), min_size=1, max_size=5)


@settings(max_examples=80, deadline=None)
@given(fractions, st.lists(st.sampled_from("abcd"), min_size=1, max_size=4))
def test_candidates_are_valid_exactly_with_shares_in_0_1_and_distinct_areas(shares, areas):
    ok = all(0 < s <= 1 for s in shares) and len(set(areas)) == len(areas)
    if ok:
        c = OptimizeCandidates(areas=tuple(areas), shares=tuple(shares))
        assert c.shares == tuple(shares) and c.areas == tuple(areas)
    else:
        with pytest.raises(ValidationError):
            OptimizeCandidates(areas=tuple(areas), shares=tuple(shares))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(-0.5, 1.5, allow_nan=False), max_size=5))
def test_dark_shares_are_valid_exactly_as_probabilities(dark):
    if all(0 <= d <= 1 for d in dark):
        assert OptimizeSmugglers(dark_shares=tuple(dark)).dark_shares == tuple(dark)
    else:
        with pytest.raises(ValidationError, match="probabilities in"):
            OptimizeSmugglers(dark_shares=tuple(dark))


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.sampled_from("abc"), st.floats(-1, 3, allow_nan=False), max_size=3))
def test_a_rendezvous_mix_is_valid_exactly_when_it_can_be_drawn_from(mix):
    """Non-empty, no negative weight, and some weight above zero."""
    if mix and min(mix.values()) >= 0 and sum(mix.values()) > 0:
        assert OptimizeSmugglers(rendezvous={"m": mix}).rendezvous == {"m": mix}
    else:
        with pytest.raises(ValidationError, match="non-negative weights"):
            OptimizeSmugglers(rendezvous={"m": mix})


@settings(max_examples=80, deadline=None)
@given(st.integers(2, 1000), st.integers(2, 2000))
def test_the_cap_is_valid_exactly_when_it_reaches_the_first_stage(first, cap):
    d = {"candidates": {"areas": ["a"]}, "first_stage": first, "max_replications": cap}
    if cap >= first:
        o = Optimize.model_validate(d)
        assert (o.first_stage, o.max_replications) == (first, cap)
    else:
        with pytest.raises(ValidationError, match="must be at least first_stage"):
            Optimize.model_validate(d)
