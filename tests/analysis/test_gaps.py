"""The one AIS gap rule shared by ground truth and the gap detector (GFW, domain §7)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analysis.gaps import GFW_GAP, GapRule


def test_gfw_defaults_are_twelve_hours_and_fifty_miles_from_shore():
    assert (GFW_GAP.min_gap_h, GFW_GAP.min_shore_nm) == (12.0, 50.0)
    assert GFW_GAP.prior_window_h == 48.0 and GFW_GAP.min_prior_positions == 0


def test_a_silence_qualifies_only_if_long_enough_and_both_ends_far_out():
    got = GFW_GAP.qualifies(
        [12.0, 11.99, 30.0, 30.0, 30.0],
        [50.0, 80.0, 49.9, 80.0, 50.0],
        [60.0, 80.0, 80.0, 49.9, 50.0],
    )
    assert got.tolist() == [True, False, False, False, True]


def test_scalars_give_a_zero_dimensional_answer():
    assert bool(GFW_GAP.qualifies(13.0, 60.0, 70.0)) is True


def test_overrides_replace_only_the_values_given():
    r = GFW_GAP.with_overrides(min_gap_h=6.0, min_shore_nm=None)
    assert r == GapRule(min_gap_h=6.0)
    assert GFW_GAP.min_gap_h == 12.0  # frozen: the default rule is not changed
    assert GFW_GAP.with_overrides() == GFW_GAP


finite = st.floats(0, 500, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(finite, finite, finite), min_size=1, max_size=30), finite, finite)
def test_qualifies_is_the_conjunction_of_its_three_thresholds(rows, min_h, min_nm):
    d, a, b = (np.array(c) for c in zip(*rows, strict=True))
    rule = GapRule(min_gap_h=min_h, min_shore_nm=min_nm)
    want = [(x >= min_h) and (y >= min_nm) and (z >= min_nm) for x, y, z in rows]
    assert rule.qualifies(d, a, b).tolist() == want


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(finite, finite, finite), min_size=1, max_size=30), finite, finite)
def test_a_stricter_rule_keeps_a_subset_of_the_gaps(rows, extra_h, extra_nm):
    d, a, b = (np.array(c) for c in zip(*rows, strict=True))
    loose = GFW_GAP.qualifies(d, a, b)
    strict = GFW_GAP.with_overrides(
        min_gap_h=GFW_GAP.min_gap_h + extra_h, min_shore_nm=GFW_GAP.min_shore_nm + extra_nm
    ).qualifies(d, a, b)
    assert not (strict & ~loose).any()
