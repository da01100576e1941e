"""Confidence intervals against known values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analysis.stats import metric_table, t_interval, wilson_interval


def test_wilson_known_values():
    lo, hi = wilson_interval(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.2775, abs=1e-4)
    lo, hi = wilson_interval(5, 10)
    assert (lo, hi) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert all(math.isnan(v) for v in wilson_interval(0, 0))


def test_t_interval_known_values():
    m, lo, hi = t_interval(np.array([1.0, 2.0, 3.0, 4.0]))
    half = 3.182446 * np.std([1, 2, 3, 4], ddof=1) / 2
    assert (m, lo, hi) == pytest.approx((2.5, 2.5 - half, 2.5 + half), rel=1e-5)


def test_t_interval_covers_true_mean_about_95_percent():
    rng = np.random.default_rng(3)
    cover = sum(
        lo <= 0.3 <= hi for _, lo, hi in (t_interval(rng.normal(0.3, 0.1, 8)) for _ in range(2000))
    )
    assert 0.93 < cover / 2000 < 0.97


def test_metric_table_pools_counts_and_skips_failed():
    reps = pd.DataFrame(
        {
            "interception_rate": [0.1, 0.2, np.nan],
            "seizures": [1, 2, 0],
            "diversions": [0, 0, 0],
            "voyages_ended": [10, 10, 0],
            "error": ["", "", "boom"],
        }
    )
    t = metric_table(reps, ["interception_rate"]).iloc[0]
    assert t["mean"] == pytest.approx(0.15) and t["replications"] == 2
    assert t["pooled"] == pytest.approx(3 / 20) and t["trials"] == 20


def test_t_interval_edge_cases():
    """NaNs are ignored; one value has no spread; identical values give a zero-width interval."""
    assert all(math.isnan(v) for v in t_interval(np.array([np.nan, np.inf])))
    m, lo, hi = t_interval(np.array([4.0, np.nan]))
    assert m == 4.0 and math.isnan(lo) and math.isnan(hi)
    assert t_interval(pd.Series([2.0, 2.0, 2.0])) == (2.0, 2.0, 2.0)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=2, max_size=30),
    st.sampled_from([0.8, 0.9, 0.95]),
)
def test_t_interval_is_centred_on_the_mean_and_widens_with_level(values, level):
    m, lo, hi = t_interval(np.array(values), level)
    assert m == pytest.approx(np.mean(values), abs=1e-9)
    assert lo <= m <= hi
    assert (m - lo) == pytest.approx(hi - m, abs=1e-6)
    _, lo2, hi2 = t_interval(np.array(values), 0.99)
    assert lo2 <= lo + 1e-9 and hi2 >= hi - 1e-9


@settings(max_examples=100, deadline=None)
@given(st.floats(-50, 50), st.lists(st.floats(-10, 10), min_size=2, max_size=20))
def test_t_interval_moves_with_a_shift_of_the_data(shift, values):
    x = np.array(values)
    m, lo, hi = t_interval(x)
    ms, los, his = t_interval(x + shift)
    if math.isnan(lo):
        return
    assert (ms, los, his) == pytest.approx((m + shift, lo + shift, hi + shift), abs=1e-6)


def test_wilson_interval_is_symmetric_under_swapping_success_and_failure():
    lo, hi = wilson_interval(3, 20)
    lo2, hi2 = wilson_interval(17, 20)
    assert (lo, hi) == pytest.approx((1 - hi2, 1 - lo2), abs=1e-12)


def test_metric_table_clips_rates_and_counts_unless_asked_not_to():
    reps = pd.DataFrame(
        {
            "interception_rate": [0.0, 0.0, 0.3],
            "seizures": [0, 0, 3],
            "diversions": [0, 0, 0],
            "voyages_ended": [10, 10, 10],
            "cargo_denied_share": [0.99, 1.0, 0.9],
        }
    )
    metrics = ["interception_rate", "seizures", "cargo_denied_share", "not_a_column"]
    raw = metric_table(reps, metrics, clip=False).set_index("metric")
    out = metric_table(reps, metrics).set_index("metric")
    assert list(out.index) == metrics[:3]  # a metric the table lacks is left out
    assert raw.loc["interception_rate", "ci_low"] < 0 == out.loc["interception_rate", "ci_low"]
    assert raw.loc["seizures", "ci_low"] < 0 == out.loc["seizures", "ci_low"]
    assert raw.loc["cargo_denied_share", "ci_high"] > 1 == out.loc["cargo_denied_share", "ci_high"]
    assert np.isnan(out.loc["seizures", "pooled"])  # Wilson columns for rates only
    assert out.loc["interception_rate", "wilson_high"] == pytest.approx(wilson_interval(3, 30)[1])


def test_every_rate_names_summary_columns_for_its_counts():
    from sim.analysis.stats import RATE_COUNTS

    for rate, (num, den) in RATE_COUNTS.items():
        assert rate.endswith(("_rate", "_share")) and num and den
