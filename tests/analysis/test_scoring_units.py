"""Scoring rules per detector, on hand-built feeds and truth tables.

``tests/analysis/test_scoring.py`` checks attribution, interval matching and pooling; here each
detector's own matching rule (what counts as the same subject) and the scenario loop around
the detectors are checked on tables small enough that the expected counts follow by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analysis import scoring
from sim.analysis.scoring import SCORE_COLUMNS, pool_scores, score_detections, score_scenarios


def feed(rows: list[tuple[float, str, str]]) -> pd.DataFrame:
    """A received feed: (time h, broadcast identity, true vessel) per position."""
    return pd.DataFrame(rows, columns=["time", "identity", "vessel"])


def periods(rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    """Truth periods: (vessel, start h, end h)."""
    return pd.DataFrame(rows, columns=["vessel", "start_h", "end_h"])


def truth(**tables: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every truth table empty, except those given."""
    out = {
        "transfers": pd.DataFrame(columns=["vessel_a", "vessel_b", "start_h", "end_h"]),
        "loitering": periods([]),
        "sts_periods": periods([]),
        "dark": pd.DataFrame(columns=["vessel", "start_h", "end_h", "duration_h"]),
        "spoofing": pd.DataFrame(columns=["vessel", "identity", "start_h", "end_h"]),
    }
    out.update(tables)
    return out


def test_waiting_at_a_rendezvous_makes_a_loitering_detection_right_but_is_not_owed():
    """Precision counts STS/wait periods as loitering; recall counts true loitering only."""
    t = truth(loitering=periods([("D1", 0.0, 10.0)]), sts_periods=periods([("D2", 50.0, 60.0)]))
    f = feed([(5.0, "D1", "D1"), (55.0, "D2", "D2"), (90.0, "D3", "D3")])
    d = pd.DataFrame({"identity": ["D1", "D2", "D3"], "start": [4, 54, 89], "end": [6, 56, 91]})
    s = score_detections({"loitering": d}, t, f, tolerance_h=0.0).iloc[0]
    # D1 matches loitering, D2 matches the STS period, D3 matches nothing
    assert (s["n_detected"], s["tp_detected"]) == (3, 2)
    assert (s["n_truth"], s["tp_truth"]) == (1, 1)
    assert s["precision"] == pytest.approx(2 / 3) and s["recall"] == 1.0
    assert s["f1"] == pytest.approx(2 * (2 / 3) * 1.0 / (2 / 3 + 1.0))


def test_loitering_is_matched_through_the_vessel_behind_the_identity():
    """A detection on a borrowed identity is attributed to the vessel that broadcast it."""
    t = truth(loitering=periods([("D1", 0.0, 10.0)]))
    f = feed([(5.0, "FAKE", "D1")])
    d = pd.DataFrame({"identity": ["FAKE"], "start": [4.0], "end": [6.0]})
    s = score_detections({"loitering": d}, t, f, tolerance_h=0.0).iloc[0]
    assert (s["tp_detected"], s["tp_truth"]) == (1, 1)


def test_an_identity_anomaly_matches_only_the_identity_that_was_spoofed():
    sp = pd.DataFrame({"vessel": ["D1"], "identity": ["L7"], "start_h": [10.0], "end_h": [20.0]})
    d = pd.DataFrame({"identity": ["L7", "L8", "L7"], "start": [12, 12, 40], "end": [13, 13, 41]})
    s = score_detections({"identity": d}, truth(spoofing=sp), feed([]), tolerance_h=1.0).iloc[0]
    # L8 is the wrong identity and the second L7 comes 20 h after the spoofing ended
    assert (s["n_detected"], s["tp_detected"], s["n_truth"], s["tp_truth"]) == (3, 1, 1, 1)
    assert s["precision"] == pytest.approx(1 / 3)


def test_an_encounter_with_only_one_vessel_of_the_transfer_is_a_false_alarm():
    tr = pd.DataFrame({"vessel_a": ["D1"], "vessel_b": ["F1"], "start_h": [10.0], "end_h": [14.0]})
    f = feed([(11.0, "D1", "D1"), (11.0, "F1", "F1"), (11.0, "X", "X")])
    d = pd.DataFrame({"identity_a": ["D1"], "identity_b": ["X"], "start": [11.0], "end": [12.0]})
    s = score_detections({"encounters": d}, truth(transfers=tr), f).iloc[0]
    assert (s["tp_detected"], s["tp_truth"]) == (0, 0)
    assert s["precision"] == 0.0 and s["recall"] == 0.0 and s["f1"] == 0.0


def test_detectors_are_scored_in_a_fixed_order_whatever_the_input_order():
    empty = pd.DataFrame(columns=["identity", "start", "end"])
    d = {"identity": empty, "gaps": empty, "loitering": empty}
    s = score_detections(d, truth(), feed([]))
    assert s["detector"].tolist() == ["loitering", "gaps", "identity"]
    assert s["n_detected"].tolist() == [0, 0, 0]
    assert s["precision"].isna().all() and s["f1"].isna().all()


spoof_rows = st.lists(
    st.tuples(st.sampled_from("ABC"), st.floats(0, 100), st.floats(0, 10)), max_size=8
)


@settings(max_examples=60, deadline=None)
@given(spoof_rows, spoof_rows, st.floats(0, 3))
def test_identity_scores_are_the_counts_a_double_loop_finds(dets, truths, tol):
    """P = matched detections / detections, R = matched truths / truths, F1 their harmonic mean."""
    sp = pd.DataFrame(
        {
            "vessel": ["V"] * len(truths),
            "identity": [i for i, _, _ in truths],
            "start_h": [s for _, s, _ in truths],
            "end_h": [s + w for _, s, w in truths],
        }
    )
    d = pd.DataFrame(
        {
            "identity": [i for i, _, _ in dets],
            "start": [s for _, s, _ in dets],
            "end": [s + w for _, s, w in dets],
        }
    )
    s = score_detections({"identity": d}, truth(spoofing=sp), feed([]), tolerance_h=tol).iloc[0]

    def hit(a: tuple[str, float, float], b: tuple[str, float, float]) -> bool:
        return a[0] == b[0] and a[1] - tol <= b[1] + b[2] and b[1] <= a[1] + a[2] + tol

    tp_d = sum(any(hit(a, b) for b in truths) for a in dets)
    tp_t = sum(any(hit(a, b) for a in dets) for b in truths)
    assert (s["n_detected"], s["n_truth"]) == (len(dets), len(truths))
    assert (s["tp_detected"], s["tp_truth"]) == (tp_d, tp_t)
    p = tp_d / len(dets) if dets else math.nan
    r = tp_t / len(truths) if truths else math.nan
    if dets and truths:
        want_f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
        assert s["f1"] == pytest.approx(want_f1)
    else:
        assert math.isnan(s["f1"])
    assert s["precision"] == pytest.approx(p, nan_ok=True)
    assert s["recall"] == pytest.approx(r, nan_ok=True)


def test_scenarios_are_scored_in_input_order_and_detectors_never_see_the_vessel(monkeypatch):
    seen: list[list[str]] = []

    def fake_detect_all(f: pd.DataFrame, **_: object) -> dict[str, pd.DataFrame]:
        seen.append(list(f.columns))
        return {"identity": pd.DataFrame({"identity": ["L7"], "start": [1.0], "end": [2.0]})}

    monkeypatch.setattr(scoring, "detect_all", fake_detect_all)
    sp = pd.DataFrame({"vessel": ["D1"], "identity": ["L7"], "start_h": [0.0], "end_h": [5.0]})
    f = feed([(1.0, "L7", "D1")])
    out = score_scenarios([("b", f, truth(spoofing=sp)), ("a", f, truth())])
    assert seen == [["time", "identity"], ["time", "identity"]]
    assert list(out.columns) == list(SCORE_COLUMNS)
    assert out["label"].tolist() == ["b", "a"]
    assert out["tp_truth"].tolist() == [1, 0] and out["n_truth"].tolist() == [1, 0]


def test_no_scenarios_give_an_empty_table_with_the_score_columns():
    out = score_scenarios([])
    assert out.empty and list(out.columns) == list(SCORE_COLUMNS)


def test_pooling_a_detector_that_never_detected_leaves_precision_undefined():
    s = pd.DataFrame(
        {
            "detector": ["gaps", "gaps"],
            "n_detected": [0, 0],
            "n_truth": [3, 1],
            "tp_detected": [0, 0],
            "tp_truth": [0, 0],
            "f1": [np.nan, np.nan],
        }
    )
    row = pool_scores(s).iloc[0]
    assert math.isnan(row["precision"]) and row["recall"] == 0.0 and math.isnan(row["f1"])
    assert row["replications"] == 2 and math.isnan(row["f1_sd"])
