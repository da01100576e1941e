"""Ground truth from tracks, scoring on constructed cases, the score figure."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from sim.analysis.scoring import score_detections, score_scenarios, score_table
from sim.monitoring import ground_truth, simulate_feed, synthetic_ports, synthetic_tracks
from sim.plotting.monitoring import plot_detector_scores
from tests.monitoring.builders import GEO, leg, tracks


def test_ground_truth_tables():
    tr = tracks(
        leg("F1", 0, 10, (0.5, 0), (100, 0), role="foreign"),
        leg("F1", 10, 12, (100, 0), activity="wait", role="foreign"),
        leg("F1", 12, 18, (100, 0), activity="sts", role="foreign", ais_on=False),
        leg("D1", 0, 4, (0.5, 50), (60, 50), role="dprk"),
        leg("D1", 4, 13, (60, 50), (100, 0.1), role="dprk", ais_on=False),
        leg("D1", 13, 18, (100, 0.1), activity="sts", role="dprk", ais_on=False),
        leg("D1", 18, 30, (100, 0.1), (0.5, 50), role="dprk", identity="L7"),
        leg("L7", 0, 30, (0.5, 80), activity="port"),
    )
    gt = ground_truth(tr, GEO)
    t = gt["transfers"]
    assert len(t) == 1 and (t.iloc[0].vessel_a, t.iloc[0].vessel_b) == ("D1", "F1")
    assert (t.iloc[0].start_h, t.iloc[0].end_h) == (13, 18)
    lo = gt["loitering"]
    assert list(zip(lo["vessel"], lo["start_h"], lo["end_h"], strict=True)) == [
        ("D1", 13, 18),
        ("F1", 10, 18),
    ]
    assert lo.set_index("vessel").loc["F1", "activities"] == "sts+wait"
    dk = gt["dark"]
    assert list(zip(dk["vessel"], dk["start_h"], dk["end_h"], strict=True)) == [
        ("D1", 4, 18),
        ("F1", 12, 18),
    ]
    assert dk.set_index("vessel").loc["D1", "distance_start_nm"] == pytest.approx(60)
    sp = gt["spoofing"]
    assert list(zip(sp["vessel"], sp["identity"], sp["start_h"], strict=True)) == [("D1", "L7", 18)]


def _feed(rows: list[tuple[float, str, str]]) -> pd.DataFrame:
    t, ident, vessel = zip(*rows, strict=True)
    return pd.DataFrame({"time": t, "identity": ident, "vessel": vessel})


def test_scoring_on_a_constructed_case():
    truth = {
        "transfers": pd.DataFrame(
            {
                "vessel_a": ["D1", "D2"],
                "vessel_b": ["F1", "F2"],
                "start_h": [10.0, 50.0],
                "end_h": [16.0, 56.0],
            }
        ),
        "loitering": pd.DataFrame(
            {
                "vessel": ["D1", "D2", "D3"],
                "start_h": [8.0, 50.0, 80.0],
                "end_h": [16.0, 56.0, 90.0],
            }
        ),
        "sts_periods": pd.DataFrame({"vessel": ["D4"], "start_h": [30.0], "end_h": [35.0]}),
        "dark": pd.DataFrame(
            {
                "vessel": ["D1", "D2"],
                "start_h": [0.0, 40.0],
                "end_h": [20.0, 45.0],
                "duration_h": [20.0, 5.0],
            }
        ),
        "spoofing": pd.DataFrame(
            {"vessel": ["D1"], "identity": ["L7"], "start_h": [20.0], "end_h": [30.0]}
        ),
    }
    # D1 broadcasts as 'L7' at 10-16 h (spoofing); the rest broadcast their own ids
    feed = _feed(
        [
            (11.0, "L7", "D1"),
            (15.0, "L7", "D1"),
            (11.0, "F1", "F1"),
            (51.0, "D2", "D2"),
            (51.0, "F3", "F3"),
            (31.0, "D4", "D4"),
            (60.0, "L9", "L9"),
            (0.0, "D1", "D1"),
            (21.0, "D1", "D1"),
        ]
    )
    det = {
        # one right (spoofed identity resolved to D1), one wrong pair -> P = 1/2, R = 1/2
        "encounters": pd.DataFrame(
            {
                "identity_a": ["F1", "D2"],
                "identity_b": ["L7", "F3"],
                "start": [11.0, 51.0],
                "end": [15.0, 54.0],
            }
        ),
        # D1 (via L7) true loitering, D4 waiting at a rendezvous, L9 wrong -> P = 2/3; R = 1/3
        "loitering": pd.DataFrame(
            {"identity": ["L7", "D4", "L9"], "start": [11.0, 31.0, 60.0], "end": [15.0, 34.0, 65.0]}
        ),
        # D1's 20-h dark period -> P = 1, R = 1 (D2's 5-h dark period is below 12 h)
        "gaps": pd.DataFrame({"identity": ["D1"], "start": [0.0], "end": [21.0]}),
        "identity": pd.DataFrame(
            {"identity": ["L7", "L9"], "start": [22.0, 60.0], "end": [25.0, 61.0]}
        ),
    }
    s = score_detections(det, truth, feed, tolerance_h=0.0).set_index("detector")
    assert s.loc["encounters", ["precision", "recall"]].tolist() == [0.5, 0.5]
    assert s.loc["loitering", "precision"] == pytest.approx(2 / 3)
    assert s.loc["loitering", "recall"] == pytest.approx(1 / 3)
    assert s.loc["loitering", "f1"] == pytest.approx(2 * (2 / 3) * (1 / 3) / 1.0)
    assert s.loc["gaps", ["precision", "recall", "n_truth"]].tolist() == [1.0, 1.0, 1]
    assert s.loc["identity", ["precision", "recall"]].tolist() == [0.5, 1.0]


def test_scores_move_with_dark_share_and_figure():
    geo, sets = GEO, []
    for share in (0.1, 0.9):
        rng = np.random.default_rng(5)
        tr = synthetic_tracks(rng, n_legit=10, n_pairs=4, days=20, dark_share=share)
        sets.append((f"dark {share:.0%}", simulate_feed(tr, geo, rng), ground_truth(tr, geo)))
    scores = score_scenarios(
        sets, distance_to_shore_nm=geo.distance_to_coast_nm, anchorages=synthetic_ports(geo)
    )
    assert list(dict.fromkeys(scores["label"])) == ["dark 10%", "dark 90%"]
    enc = scores[scores["detector"] == "encounters"].set_index("label")
    assert enc.loc["dark 90%", "recall"] < enc.loc["dark 10%", "recall"]
    wide = score_table(scores)
    assert wide.shape == (2, 12) and wide.columns[0] == ("encounters", "precision")
    fig = plot_detector_scores(scores)
    axes = fig.axes
    assert [a.get_xlabel() for a in axes] == ["Precision (%)", "Recall (%)", "F1 score (%)"]
    assert "true events" in axes[0].get_yticklabels()[0].get_text()
    plt.close(fig)
    empty = plot_detector_scores(scores.iloc[0:0])
    plt.close(empty)
