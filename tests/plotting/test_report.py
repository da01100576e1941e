"""The report builder reads run directories and writes a self-contained HTML file.

PNGs and a CSV.
"""

from __future__ import annotations

import logging
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
    # the summary follows the article: crackdown against baseline, then the blockade
    summary = html.split("<div class='summary'>")[1].split("</div>")[0]
    assert summary.index("The 2018 crackdown") < summary.index("The blockade counterfactual")
    # one line per scenario, from its description
    assert html.count("<ul class='scenarios'><li>") == 1
    assert "<li><b>blockade</b>: A fake blockade for report tests.</li>" in html


def test_report_says_what_precision_was_reached(experiment_dir, tmp_path):
    """The manifest's precision statement is printed under the title."""
    import json
    import shutil

    exp = tmp_path / "exp"
    shutil.copytree(experiment_dir, exp)
    m = json.loads((exp / "experiment.json").read_text())
    m["precision"] = {"statement": "precision target 0.005 on interception_rate: time limit"}
    (exp / "experiment.json").write_text(json.dumps(m))
    html = build_report(exp, tmp_path / "out", maps=False).read_text()
    assert "Replications: precision target 0.005 on interception_rate: time limit." in html


def test_summary_on_stored_runs_pairs_the_differences(frames):
    """On tables read back from run directories, differences are paired by replication."""
    s = " ".join(
        summary_sentences(
            frames["table"], frames["reps"], ["baseline_2017", "crackdown_2018", "blockade"]
        )
    )
    assert "in baseline_2017" in s and "over crackdown_2018" in s
    assert "paired over the same 3 random streams" in s
    assert "UN cap" in s


def test_report_on_empty_directory_is_a_user_error(tmp_path):
    with pytest.raises(UserError):
        build_report(tmp_path)


def test_maps_link_to_their_interactive_pages():
    """Each static map's caption links its offline interactive page (relative, opens offline)."""
    from sim.plotting.report import _maps_html

    parts = "".join(
        _maps_html([("blockade", "", "AAAA")], {"blockade": "interactive/blockade.html"})
    )
    assert "<a href='interactive/blockade.html'>interactive map</a>" in parts
    assert "interactive page of its first replication" in parts
    assert "interactive map" not in "".join(_maps_html([("blockade", "", "AAAA")], {}))


def test_interactive_pages_are_written_per_scenario(experiment_dir, tmp_path):
    """With Bokeh installed, one self-contained page per scenario under interactive/."""
    pytest.importorskip("bokeh")
    from sim.plotting.report import _interactive_maps, _interactive_runs, _Steps, load_experiment

    exp = load_experiment(experiment_dir)
    links = _interactive_maps(exp, _interactive_runs(exp), tmp_path, _Steps(3))
    assert sorted(links) == ["baseline_2017", "blockade", "crackdown_2018"]
    page = (tmp_path / links["blockade"]).read_text()
    assert "<title>blockade: replication 0</title>" in page
    assert not re.search(r"<(script|link)[^>]+(src|href)=['\"]https?://", page)  # BokehJS inlined


class _Seen(logging.Handler):
    """Records each report step with the PNGs already on disk when it was announced."""

    def __init__(self, figdir):
        super().__init__(logging.INFO)
        self.figdir = figdir
        self.steps: list[tuple[str, int]] = []

    def emit(self, record):
        self.steps.append((record.getMessage(), len(list(self.figdir.glob("*.png")))))


def _watch(figdir):
    seen = _Seen(figdir)
    logger = logging.getLogger("sim.plotting.report")
    logger.addHandler(seen)
    logger.setLevel(logging.INFO)
    return seen, logger


def test_each_figure_is_announced_before_it_is_drawn(experiment_dir, tmp_path):
    """The report logs (INFO) one numbered step per figure as it starts: what the CLI shows."""
    seen, logger = _watch(tmp_path / "figures")
    try:
        build_report(experiment_dir, tmp_path, maps=False)
    finally:
        logger.removeHandler(seen)
        logger.setLevel(logging.NOTSET)
    assert seen.steps[0] == (f"reading the runs of {experiment_dir}", 0)
    assert seen.steps[1:] == [
        ("1/4 figure: Interception rate and cargo denied", 0),
        ("2/4 figure: Refined petroleum delivered against the UN cap", 1),
        ("3/4 figure: Cost-effectiveness", 2),
        ("4/4 figure: Deliveries and interdictions through the run", 3),
    ]


def test_maps_are_counted_with_the_figures_one_step_per_scenario(
    experiment_dir, tmp_path, monkeypatch
):
    """With maps, each scenario's static map (and interactive page) is a step of the same count.

    The drawing itself is replaced (a blank axes, a page that writes a stub) so that the test
    is about the steps, not the theater.
    """
    import matplotlib.pyplot as plt

    import sim.plotting.interactive as interactive
    import sim.plotting.report as report

    class Page:
        def save(self, path):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("<html></html>")

    monkeypatch.setattr(report, "_theater", lambda name: name)
    monkeypatch.setattr(report, "plot_scenario_map", lambda *a, **k: plt.figure().add_subplot())
    monkeypatch.setattr(interactive, "interactive_map", lambda *a, **k: Page())
    exp = report.load_experiment(experiment_dir)
    pages = len(report._interactive_runs(exp))  # 3 with Bokeh installed, else 0
    seen, logger = _watch(tmp_path / "figures")
    try:
        build_report(experiment_dir, tmp_path, maps=True)
    finally:
        logger.removeHandler(seen)
        logger.setLevel(logging.NOTSET)
    total = 4 + 3 + pages
    steps = [m for m, _ in seen.steps[1:]]
    assert [m.split(" ", 1)[0] for m in steps] == [f"{k}/{total}" for k in range(1, total + 1)]
    assert steps[4:7] == [
        f"{k}/{total} map: {g}"
        for k, g in zip((5, 6, 7), ["baseline_2017", "crackdown_2018", "blockade"], strict=True)
    ]
    assert all(m.split(" ", 1)[1].startswith("interactive map: ") for m in steps[7:])
    assert sorted(p.name for p in (tmp_path / "figures").glob("map_*.png")) == [
        "map_baseline_2017.png",
        "map_blockade.png",
        "map_crackdown_2018.png",
    ]
