"""Invariants of the Wilson interval and of the pooled rates in the metric table.

``tests/analysis/test_stats.py`` checks known values; these are the properties every
interval must have whatever the counts, and the pooled rate recomputed from its counts.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analysis.stats import metric_table, wilson_interval

counts = st.integers(1, 10_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@settings(max_examples=100, deadline=None)
@given(counts, st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.99]))
def test_a_wilson_interval_lies_in_0_1_and_contains_the_observed_share(kn, level):
    k, n = kn
    lo, hi = wilson_interval(k, n, level)
    assert 0.0 <= lo <= k / n <= hi <= 1.0


@settings(max_examples=100, deadline=None)
@given(counts)
def test_a_higher_confidence_level_never_narrows_the_interval(kn):
    k, n = kn
    lo90, hi90 = wilson_interval(k, n, 0.90)
    lo99, hi99 = wilson_interval(k, n, 0.99)
    assert lo99 <= lo90 and hi90 <= hi99


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 50), st.integers(1, 50), st.integers(2, 20))
def test_more_trials_at_the_same_share_narrow_the_interval(k, extra, factor):
    """k/n and (factor k)/(factor n) are the same share; the second is better supported."""
    n = k + extra
    lo1, hi1 = wilson_interval(k, n)
    lo2, hi2 = wilson_interval(factor * k, factor * n)
    assert hi2 - lo2 < hi1 - lo1


def test_the_pooled_rate_is_the_sum_of_events_over_the_sum_of_trials():
    """Two replications, 1 of 4 and 3 of 6 voyages denied: pooled 4/10, not (0.25 + 0.5) / 2."""
    reps = pd.DataFrame(
        {
            "denial_rate": [0.25, 0.5],
            "seizures": [1, 1],
            "diversions": [0, 2],
            "disruptions": [0, 0],
            "voyages_ended": [4, 6],
            "error": ["", ""],
        }
    )
    row = metric_table(reps, ["denial_rate"]).iloc[0]
    assert row["mean"] == pytest.approx(0.375)
    assert (row["events"], row["trials"], row["pooled"]) == (4.0, 10.0, pytest.approx(0.4))
    assert (row["wilson_low"], row["wilson_high"]) == pytest.approx(wilson_interval(4, 10))


def test_a_metric_missing_from_the_replications_gets_no_row_and_a_count_no_wilson():
    reps = pd.DataFrame({"seizures": [2.0, 4.0], "error": [None, None]})
    out = metric_table(reps, ["seizures", "not_a_column"])
    assert out["metric"].tolist() == ["seizures"]
    assert "wilson_low" not in out and out.iloc[0]["replications"] == 2
    assert out.iloc[0]["mean"] == 3.0 and not math.isnan(out.iloc[0]["ci_low"])
