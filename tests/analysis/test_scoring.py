"""Scoring detectors against ground truth: attribution, interval matching, pooling, tables.

Each rule of ``sim.analysis.scoring`` on a table small enough to check by hand; the
end-to-end case (simulated feed, real detectors) lives in ``tests/monitoring/test_scoring.py``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analysis.scoring import (
    SCORE_COLUMNS,
    attribute_vessels,
    match_events,
    pool_scores,
    score_detections,
    score_table,
)


def feed(rows: list[tuple[float, str, str]]) -> pd.DataFrame:
    """A received feed: (time h, broadcast identity, true vessel) per position."""
    return pd.DataFrame(rows, columns=["time", "identity", "vessel"])


def det(identity: list[str], start: list[float], end: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"identity": identity, "start": start, "end": end})


def test_attribution_reads_the_vessel_behind_an_identity_within_the_slack():
    f = feed([(10.0, "L7", "D1"), (30.0, "L7", "L7"), (12.0, "F1", "F1")])
    d = det(["L7", "L7", "L7", "ZZ"], [9.5, 29.0, 15.0, 0.0], [10.5, 31.0, 16.0, 100.0])
    got = attribute_vessels(d, f, slack_h=1.0)
    # the same identity belongs to a smuggler at 10 h and to its real owner at 30 h
    assert got == [frozenset({"D1"}), frozenset({"L7"}), frozenset(), frozenset()]
    # a wider slack reaches the 10 h position from a detection at 15-16 h
    assert attribute_vessels(d.iloc[[2]], f, slack_h=5.0) == [frozenset({"D1"})]


def test_attribution_of_no_detections_is_an_empty_list():
    assert attribute_vessels(det([], [], []), feed([(0.0, "A", "A")])) == []


def test_attribution_can_read_another_identity_column():
    f = feed([(5.0, "A", "VA"), (5.0, "B", "VB")])
    d = pd.DataFrame({"identity_a": ["A"], "identity_b": ["B"], "start": [5.0], "end": [5.0]})
    assert attribute_vessels(d, f, "identity_b") == [frozenset({"VB"})]


def test_match_requires_overlap_in_time_and_the_same_subject():
    dm, tm = match_events(
        np.array([0.0, 20.0, 40.0]),
        np.array([5.0, 25.0, 45.0]),
        np.array([4.0, 30.0]),
        np.array([10.0, 50.0]),
        same=lambda i, j: not (i == 2 and j == 1),  # detection 2 is about someone else
    )
    assert dm.tolist() == [True, False, False]
    assert tm.tolist() == [True, False]


def test_match_tolerance_widens_both_intervals():
    args = (np.array([0.0]), np.array([1.0]), np.array([2.5]), np.array([3.0]))
    assert match_events(*args, same=lambda i, j: True, tolerance_h=1.0)[0].tolist() == [False]
    assert match_events(*args, same=lambda i, j: True, tolerance_h=1.5)[0].tolist() == [True]


def test_match_with_nothing_on_one_side_matches_nothing():
    dm, tm = match_events(
        np.array([1.0]), np.array([2.0]), np.array([]), np.array([]), lambda i, j: True
    )
    assert dm.tolist() == [False] and tm.tolist() == []


intervals = st.lists(
    st.tuples(st.floats(0, 100, allow_nan=False), st.floats(0, 20, allow_nan=False)),
    max_size=12,
)


@settings(max_examples=80, deadline=None)
@given(intervals, intervals, st.floats(0, 5))
def test_match_agrees_with_the_brute_force_overlap_rule(dets, truths, tol):
    """The sorted search finds exactly the pairs a double loop over all pairs finds."""
    ds = np.array([s for s, _ in dets], float)
    de = ds + np.array([w for _, w in dets], float)
    ts = np.array([s for s, _ in truths], float)
    te = ts + np.array([w for _, w in truths], float)
    dm, tm = match_events(ds, de, ts, te, lambda i, j: (i + j) % 3 != 0, tol)
    want_d = np.zeros(len(ds), bool)
    want_t = np.zeros(len(ts), bool)
    for i in range(len(ds)):
        for j in range(len(ts)):
            if ds[i] - tol <= te[j] and ts[j] <= de[i] + tol and (i + j) % 3 != 0:
                want_d[i] = want_t[j] = True
    assert dm.tolist() == want_d.tolist() and tm.tolist() == want_t.tolist()


def empty_truth() -> dict[str, pd.DataFrame]:
    return {
        "transfers": pd.DataFrame(columns=["vessel_a", "vessel_b", "start_h", "end_h"]),
        "loitering": pd.DataFrame(columns=["vessel", "start_h", "end_h"]),
        "sts_periods": pd.DataFrame(columns=["vessel", "start_h", "end_h"]),
        "dark": pd.DataFrame(columns=["vessel", "start_h", "end_h", "duration_h"]),
        "spoofing": pd.DataFrame(columns=["vessel", "identity", "start_h", "end_h"]),
    }


def test_a_detector_left_out_gets_no_row_and_nan_marks_the_undefined():
    f = feed([(1.0, "A", "A")])
    s = score_detections({"gaps": det(["A"], [0.0], [2.0])}, empty_truth(), f)
    assert list(s.columns) == [c for c in SCORE_COLUMNS if c != "label"]
    row = s.iloc[0]
    assert row["detector"] == "gaps" and row["n_detected"] == 1 and row["n_truth"] == 0
    assert row["precision"] == 0.0 and math.isnan(row["recall"]) and math.isnan(row["f1"])


def test_gap_recall_without_a_gaps_table_counts_long_dark_periods_only():
    truth = empty_truth()
    truth["dark"] = pd.DataFrame(
        {"vessel": ["A", "A"], "start_h": [0.0, 50.0], "end_h": [20.0, 55.0], "duration_h": [20, 5]}
    )
    f = feed([(0.0, "A", "A"), (20.0, "A", "A"), (50.0, "A", "A"), (55.0, "A", "A")])
    d = {"gaps": det(["A", "A"], [0.0, 50.0], [20.0, 55.0])}
    s = score_detections(d, truth, f, tolerance_h=0.0).iloc[0]
    assert (s["n_truth"], s["tp_truth"], s["tp_detected"]) == (1, 1, 2)
    lower = score_detections(d, truth, f, tolerance_h=0.0, gap_min_truth_h=4.0).iloc[0]
    assert lower["n_truth"] == 2
    # with the truth side of the shared rule, its table decides what recall counts
    truth["gaps"] = truth["dark"].iloc[[1]]
    shared = score_detections(d, truth, f, tolerance_h=0.0).iloc[0]
    assert (shared["n_truth"], shared["tp_truth"]) == (1, 1)


def test_encounters_match_a_transfer_in_either_order_of_the_pair():
    truth = empty_truth()
    truth["transfers"] = pd.DataFrame(
        {"vessel_a": ["D1"], "vessel_b": ["F1"], "start_h": [10.0], "end_h": [14.0]}
    )
    f = feed([(11.0, "D1", "D1"), (11.0, "F1", "F1")])
    for a, b in (("D1", "F1"), ("F1", "D1")):
        d = pd.DataFrame({"identity_a": [a], "identity_b": [b], "start": [11.0], "end": [12.0]})
        s = score_detections({"encounters": d}, truth, f).iloc[0]
        assert (s["precision"], s["recall"], s["f1"]) == (1.0, 1.0, 1.0)


def test_datetime_detection_times_are_read_as_hours_from_the_first():
    truth = empty_truth()
    truth["spoofing"] = pd.DataFrame(
        {"vessel": ["D1"], "identity": ["L7"], "start_h": [0.0], "end_h": [2.0]}
    )
    t0 = pd.Timestamp("2018-03-01")
    d = det(["L7", "L7"], [t0, t0 + pd.Timedelta(hours=30)], [t0, t0 + pd.Timedelta(hours=31)])
    s = score_detections({"identity": d}, truth, feed([]), tolerance_h=0.0).iloc[0]
    assert (s["tp_detected"], s["tp_truth"]) == (1, 1)


def scores(rows: list[tuple[str, str, int, int, int, int]]) -> pd.DataFrame:
    df = pd.DataFrame(
        rows, columns=["label", "detector", "n_detected", "n_truth", "tp_detected", "tp_truth"]
    )
    p = df["tp_detected"] / df["n_detected"].where(df["n_detected"] > 0)
    r = df["tp_truth"] / df["n_truth"].where(df["n_truth"] > 0)
    df["precision"], df["recall"] = p, r
    df["f1"] = 2 * p * r / (p + r)
    return df


def test_pooling_sums_counts_before_dividing():
    s = scores([("a", "gaps", 10, 4, 10, 1), ("a", "gaps", 0, 40, 0, 0), ("a", "gaps", 1, 1, 0, 0)])
    p = pool_scores(s).iloc[0]
    assert p["precision"] == pytest.approx(10 / 11)
    assert p["recall"] == pytest.approx(1 / 45)
    assert p["f1"] == pytest.approx(2 * (10 / 11) * (1 / 45) / (10 / 11 + 1 / 45))
    assert p["replications"] == 3 and p["f1_min"] == pytest.approx(0.4)


def test_pooling_keeps_groups_apart_in_input_order():
    s = scores([("b", "loitering", 2, 2, 2, 2), ("a", "gaps", 2, 2, 0, 0)])
    p = pool_scores(s, by=("label", "detector"))
    assert list(p["label"]) == ["b", "a"]
    assert p["f1"].tolist() == [1.0, 0.0]  # no hit at all is an F1 of zero, not undefined


counts = st.integers(0, 30)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(counts, counts, counts, counts), min_size=1, max_size=8))
def test_pooled_scores_are_fractions_and_f1_lies_between_p_and_r(reps):
    rows = [("x", "gaps", nd, nt, min(a, nd), min(b, nt)) for nd, nt, a, b in reps]
    p = pool_scores(scores(rows)).iloc[0]
    for k in ("precision", "recall", "f1"):
        assert math.isnan(p[k]) or 0.0 <= p[k] <= 1.0
    if p["precision"] > 0 and p["recall"] > 0:
        lo, hi = sorted([p["precision"], p["recall"]])
        assert lo - 1e-12 <= p["f1"] <= hi + 1e-12


def test_score_table_is_wide_with_detectors_in_their_fixed_order():
    s = scores([("crackdown", "gaps", 2, 2, 1, 1), ("crackdown", "encounters", 4, 2, 4, 2)])
    s = pd.concat([s, s.assign(label="baseline")], ignore_index=True)
    w = score_table(s, metrics=("precision", "recall"))
    assert list(w.index) == ["crackdown", "baseline"]
    assert list(w.columns) == [
        ("encounters", "precision"),
        ("encounters", "recall"),
        ("gaps", "precision"),
        ("gaps", "recall"),
    ]
    assert w.loc["baseline", ("gaps", "precision")] == 0.5
