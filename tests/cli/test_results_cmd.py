"""``sanctions-sim results`` on run folders, comparison folders and what a shell glob adds."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from sim.cli.results_cmd import find_runs, run_tables
from sim.errors import UserError


def _run(folder: Path, scenario: str, shares: list[float]) -> Path:
    """A run folder as `run` leaves it: a manifest and one summary per finished replication."""
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"scenario": scenario, "seed": 1}))
    for i, share in enumerate(shares):
        rep = folder / "replications" / f"replication={i}"
        rep.mkdir(parents=True)
        row = {"replication": i, "seed": 1, "error": "", "cargo_denied_share": share}
        (rep / "_summary.json").write_text(json.dumps({**row, "false_positive_boardings": 2 * i}))
    return folder


def _comparison(folder: Path) -> Path:
    """A comparison folder: two runs, experiment.json naming them (baseline last by name)."""
    _run(folder / "zz_base", "zz_base", [0.1, 0.3])
    _run(folder / "crackdown", "crackdown", [0.5, 0.7])
    runs = [{"label": n, "dir": n, "factors": {}} for n in ("zz_base", "crackdown")]
    (folder / "experiment.json").write_text(json.dumps({"kind": "compare", "runs": runs}))
    (folder / "comparison.csv").write_text("scenario,metric\n")
    (folder / "figures").mkdir()
    return folder


def test_a_comparison_folder_is_its_runs_in_the_experiment_order(tmp_path):
    runs = find_runs([_comparison(tmp_path / "report")])
    assert [r["label"] for r in runs] == ["zz_base", "crackdown"]
    assert runs[0]["path"] == tmp_path / "report" / "zz_base"


def test_a_run_folder_is_labelled_by_its_scenario(tmp_path):
    runs = find_runs([_run(tmp_path / "r1", "blockade", [0.2])])
    assert runs == [{"label": "blockade", "path": tmp_path / "r1"}]


def test_a_glob_of_a_comparison_skips_its_files_and_figures_with_a_note(tmp_path, capsys):
    report = _comparison(tmp_path / "report")
    runs = find_runs(sorted(report.iterdir()))
    assert sorted(r["label"] for r in runs) == ["crackdown", "zz_base"]
    err = capsys.readouterr().err
    assert "comparison.csv is a file" in err and "figures holds no finished replications" in err


def test_the_same_scenario_in_two_places_is_told_apart_by_its_folder(tmp_path):
    runs = find_runs([_comparison(tmp_path / "a"), _run(tmp_path / "b", "zz_base", [0.9])])
    assert [r["label"] for r in runs] == [
        str(tmp_path / "a" / "zz_base"),
        "crackdown",
        str(tmp_path / "b"),
    ]


def test_nothing_but_files_is_a_located_user_error(tmp_path):
    f = tmp_path / "comparison.csv"
    f.write_text("x\n")
    with pytest.raises(UserError, match=r"comparison\.csv is a file.*written by run, compare"):
        find_runs([f])


def test_a_run_with_no_finished_replication_is_left_out_with_a_warning(tmp_path, capsys):
    empty = tmp_path / "empty"
    (empty / "replications").mkdir(parents=True)
    tables = run_tables(
        [
            {"label": "e", "path": empty},
            {"label": "r", "path": _run(tmp_path / "r", "r", [0.2, 0.4])},
        ]
    )
    assert list(tables) == ["r"]
    assert "no finished replications yet" in capsys.readouterr().err
    with pytest.raises(UserError, match="no finished replications"):
        run_tables([{"label": "e", "path": empty}])


def test_results_prints_every_run_side_by_side(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # one block of columns, whatever the terminal
    report = _comparison(tmp_path / "report")
    solo = _run(tmp_path / "solo", "blockade", [0.0, 0.2])
    assert main(["results", str(report), str(solo)]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("metric"))
    assert header.split() == ["metric", "zz_base", "crackdown", "blockade"]
    share = next(line for line in out.splitlines() if line.startswith("Cargo denied share"))
    assert share.split()[-3:] == ["20.0%", "60.0%", "10.0%"]


def test_results_csv_is_one_row_per_run_and_metric_with_raw_bounds(tmp_path, capsys):
    report = _comparison(tmp_path / "report")
    assert main(["results", str(report), "--csv", str(tmp_path / "m.csv")]) == 0
    assert "4 rows (2 runs)" in capsys.readouterr().out
    table = pd.read_csv(tmp_path / "m.csv")
    assert list(table.columns[:4]) == ["run", "folder", "metric", "mean"]
    assert set(zip(table["run"], table["metric"], strict=True)) == {
        (r, m)
        for r in ("zz_base", "crackdown")
        for m in ("cargo_denied_share", "false_positive_boardings")
    }
    base = table[(table["run"] == "zz_base") & (table["metric"] == "cargo_denied_share")].iloc[0]
    assert base["mean"] == pytest.approx(0.2) and base["ci_low"] < 0  # not clipped in the file


def test_results_csv_without_a_file_goes_to_standard_output(tmp_path, capsys):
    assert main(["results", str(_run(tmp_path / "r", "r", [0.1, 0.2])), "--csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("run,folder,metric,mean")
    assert len(out.splitlines()) == 3  # a header and two metrics
