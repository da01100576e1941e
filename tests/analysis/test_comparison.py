"""Comparison tables: intervals per group, clipping, daily timelines, transfers with detection."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analysis.comparison import (
    COMPARISON_METRICS,
    SHARE_METRICS,
    comparison_table,
    cumulative_by_day,
    intervals_overlap,
    metric_wide,
    transfers_with_detection,
)


def reps() -> pd.DataFrame:
    """Two scenarios, three replications each; 'b' has a rate near zero and few seizures."""
    return pd.DataFrame(
        {
            "label": ["a", "a", "a", "b", "b", "b"],
            "interception_rate": [0.5, 0.6, 0.7, 0.0, 0.0, 0.1],
            "seizures": [5, 6, 7, 0, 0, 1],
            "diversions": [0, 0, 0, 0, 0, 0],
            "voyages_ended": [10, 10, 10, 10, 10, 10],
            "false_positive_boardings": [0.0, 0.0, 9.0, 1.0, 1.0, 1.0],
            "error": [""] * 6,
        }
    )


def test_one_row_per_group_and_metric_in_the_requested_order():
    t = comparison_table(reps(), ["seizures", "interception_rate"], order=["b", "a"])
    assert list(zip(t["label"], t["metric"], strict=True)) == [
        ("b", "seizures"),
        ("b", "interception_rate"),
        ("a", "seizures"),
        ("a", "interception_rate"),
    ]
    a = t[(t["label"] == "a") & (t["metric"] == "interception_rate")].iloc[0]
    assert a["mean"] == pytest.approx(0.6) and a["replications"] == 3
    assert a["pooled"] == pytest.approx(18 / 30) and a["trials"] == 30


def test_groups_default_to_their_order_of_first_appearance():
    r = pd.concat([reps()[reps()["label"] == "b"], reps()[reps()["label"] == "a"]])
    assert list(dict.fromkeys(comparison_table(r, ["seizures"])["label"])) == ["b", "a"]


def test_clipping_keeps_rates_in_0_1_and_counts_non_negative():
    raw = comparison_table(reps(), ["interception_rate", "false_positive_boardings"], clip=False)
    clipped = comparison_table(reps(), ["interception_rate", "false_positive_boardings"])
    assert (raw["ci_low"] < 0).any()  # few replications: the t interval leaves the range
    assert (clipped["ci_low"] >= 0).all()
    rate = clipped[clipped["metric"] == "interception_rate"]
    assert (rate["ci_high"] <= 1).all()
    assert clipped["mean"].tolist() == raw["mean"].tolist()  # means are never clipped


def test_no_groups_gives_an_empty_table_with_the_columns():
    t = comparison_table(reps(), order=[])
    assert t.empty and list(t.columns)[:3] == ["label", "metric", "mean"]


def test_share_metrics_are_the_rates_and_the_cargo_share():
    assert "cargo_denied_share" in SHARE_METRICS and "interception_rate" in SHARE_METRICS
    assert "seizures" not in SHARE_METRICS
    assert set(SHARE_METRICS) <= set(COMPARISON_METRICS)


def test_metric_wide_indexes_one_metric_by_group():
    t = comparison_table(reps(), ["seizures", "interception_rate"])
    w = metric_wide(t, "seizures")
    assert list(w.index) == ["a", "b"] and w.loc["b", "mean"] == pytest.approx(1 / 3)


def test_intervals_overlap_cases():
    assert intervals_overlap((0, 1), (1, 2)) is True  # touching counts
    assert intervals_overlap((0, 1), (1.01, 2)) is False
    assert intervals_overlap((0, math.nan), (0, 1)) is None


finite = st.floats(-1e6, 1e6, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(finite, finite, finite, finite)
def test_overlap_is_symmetric_and_means_a_shared_point(a0, a1, b0, b1):
    a, b = (min(a0, a1), max(a0, a1)), (min(b0, b1), max(b0, b1))
    got = intervals_overlap(a, b)
    assert got == intervals_overlap(b, a)
    assert got == (max(a[0], b[0]) <= min(a[1], b[1]))


def events() -> pd.DataFrame:
    """Two replications of 'a': deliveries on days 0 and 2, one seizure on day 1."""
    return pd.DataFrame(
        {
            "label": ["a"] * 5,
            "replication": [0, 0, 0, 1, 1],
            "kind": ["delivery", "seizure", "delivery", "delivery", "transfer_start"],
            "t_h": [5.0, 30.0, 50.0, 6.0, 60.0],
            "voyage": [1, 2, 3, 1, 4],
        }
    )


def test_cumulative_by_day_averages_over_replications():
    c = cumulative_by_day(events())
    d = c[c["series"] == "petroleum deliveries"]
    assert d["day"].tolist() == [0, 1, 2, 3]
    assert d["mean"].tolist() == [1.0, 1.0, 1.5, 1.5]  # (1 + 1) / 2, then a third delivery / 2
    s = c[c["series"] == "seizures + diversions"]
    assert s["mean"].tolist() == [0.0, 0.5, 0.5, 0.5]


def test_cumulative_by_day_counts_petroleum_deliveries_only_when_voyages_are_given():
    v = pd.DataFrame(
        {
            "label": ["a"] * 4,
            "replication": [0, 0, 0, 1],
            "voyage": [1, 2, 3, 1],
            "commodity": ["petroleum", "petroleum", "coal", "petroleum"],
        }
    )
    c = cumulative_by_day(events(), v)
    d = c[c["series"] == "petroleum deliveries"]
    assert d["mean"].iloc[-1] == 1.0  # the day-2 delivery was coal


def test_cumulative_by_day_divisor_and_length_can_be_given():
    c = cumulative_by_day(events(), replications={"a": 4, "empty": 1}, days={"a": 5.0})
    d = c[(c["label"] == "a") & (c["series"] == "petroleum deliveries")]
    assert d["day"].max() == 5 and d["mean"].iloc[-1] == 0.75
    e = c[c["label"] == "empty"]
    assert set(e["mean"]) == {0.0}  # a group with no events is a flat line, not missing


def test_cumulative_by_day_of_nothing_is_empty():
    c = cumulative_by_day(events().iloc[:0])
    assert c.empty and list(c.columns) == ["label", "series", "day", "mean"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.floats(0, 240)), min_size=1, max_size=30))
def test_cumulative_counts_never_fall_and_end_at_the_total(rows):
    ev = pd.DataFrame(
        {
            "label": "x",
            "replication": [r for r, _ in rows],
            "kind": "delivery",
            "t_h": [t for _, t in rows],
            "voyage": range(len(rows)),
        }
    )
    c = cumulative_by_day(ev, replications={"x": 4})
    d = c[c["series"] == "petroleum deliveries"]["mean"].to_numpy()
    assert (np.diff(d) >= 0).all()
    assert d[-1] == pytest.approx(len(rows) / 4)


def test_transfers_are_marked_detected_only_when_their_voyage_was():
    ev = pd.DataFrame(
        {
            "label": ["a", "a", "a"],
            "replication": [0, 0, 0],
            "kind": ["transfer_start", "transfer_start", "delivery"],
            "voyage": [1, 2, 1],
            "lon": [124.0, 125.0, 126.0],
            "lat": [30.0, 31.0, 32.0],
        }
    )
    v = pd.DataFrame({"label": ["a"], "replication": [0], "voyage": [1], "sts_detected": [True]})
    out = transfers_with_detection(ev, v)
    assert out["voyage"].tolist() == [1, 2] and out["detected"].tolist() == [True, False]
    assert "sts_detected" not in out and out["lon"].tolist() == [124.0, 125.0]
