"""The report builder reads run directories and writes a self-contained HTML file.

PNGs and a CSV.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from sim.errors import UserError
from sim.plotting.report import build_report, summary_sentences


def test_report_from_stored_runs(experiment_dir, tmp_path):
    path = build_report(experiment_dir, tmp_path, maps=False)
    html = path.read_text()
    assert (
        "<script" not in html and "http://" not in html and "https://" not in html
    )  # opens offline
    imgs = re.findall(r"src='data:image/png;base64,", html)
    pngs = sorted(p.name for p in (tmp_path / "figures").glob("*.png"))
    assert pngs == ["cost.png", "interception.png", "petroleum.png", "timeline.png"]
    assert len(imgs) == len(pngs)
    assert "Escalation incidents per run" in html
    csv = pd.read_csv(tmp_path / "comparison.csv")
    assert {"scenario", "metric", "mean", "ci_low", "ci_high", "wilson_low", "wilson_high"} <= set(
        csv.columns
    )
    assert csv["scenario"].unique().tolist() == ["baseline_2017", "crackdown_2018", "blockade"]
    # summary names the best scenario against the baseline
    assert "blockade intercepts the most" in html


def test_summary_says_whether_intervals_overlap(frames):
    s = " ".join(
        summary_sentences(
            frames["table"], frames["reps"], ["baseline_2017", "crackdown_2018", "blockade"]
        )
    )
    assert "blockade intercepts the most" in s and "baseline baseline_2017" in s
    assert "intervals" in s and "patrol hours per interception" in s
    assert "UN cap" in s


def test_report_on_empty_directory_is_a_user_error(tmp_path):
    with pytest.raises(UserError):
        build_report(tmp_path)
