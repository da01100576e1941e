"""Confidence intervals against known values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

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
