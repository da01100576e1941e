"""Reading stored runs: replication summaries, partitioned tables, experiment manifests.

The run directories here are written by hand in the layout ``sim.experiments.store`` uses,
so these tests pin what the reader accepts without running a simulation.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from sim.analysis.results import (
    EXPERIMENT_FILE,
    read_experiment,
    read_replications,
    read_table,
    run_dirs,
)
from sim.errors import UserError


def write_rep(run: Path, i: int, *, summary: object = None, events: pd.DataFrame | None = None):
    """Replication ``i`` of a run: its summary JSON (unless None) and an events part."""
    rep = run / "replications" / f"replication={i}"
    rep.mkdir(parents=True, exist_ok=True)
    if summary is not None:
        text = summary if isinstance(summary, str) else json.dumps(summary)
        (rep / "_summary.json").write_text(text, encoding="utf-8")
    if events is not None:
        part = run / "events" / f"replication={i}"
        part.mkdir(parents=True, exist_ok=True)
        events.to_parquet(part / "part-0.parquet")


def ev(kinds: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"t_h": [float(k) for k in range(len(kinds))], "kind": kinds})


def summary(i: int, **extra: object) -> dict:
    return {
        "replication": i,
        "seizures": float(i),
        "start_date": "2018-01-01",
        "provenance": {"sim_h": 24.0 * (i + 1), "theater": "korea"},
        **extra,
    }


def test_replications_are_read_in_numeric_order_with_provenance_flattened(tmp_path):
    for i in (10, 2, 0):
        write_rep(tmp_path, i, summary=summary(i))
    df = read_replications(tmp_path)
    assert df["replication"].tolist() == [0, 2, 10]  # 10 after 2, not between 0 and 2
    assert df["sim_h"].tolist() == [24.0, 72.0, 264.0]
    assert "provenance" not in df and "start_date" not in df
    assert df["error"].tolist() == ["", "", ""]  # a column even when no replication failed


def test_unfinished_or_damaged_replications_are_skipped(tmp_path):
    write_rep(tmp_path, 0, summary=summary(0))
    write_rep(tmp_path, 1)  # killed before its summary
    write_rep(tmp_path, 2, summary="{not json")
    write_rep(tmp_path, 3, summary={"replication": "three"})
    write_rep(tmp_path, 4, summary=[1, 2])
    assert read_replications(tmp_path)["replication"].tolist() == [0]


def test_a_folder_without_replications_reads_as_empty(tmp_path):
    assert read_replications(tmp_path).empty
    assert read_table(tmp_path, "events", columns=["t_h"]).columns.tolist() == [
        "replication",
        "t_h",
    ]


def test_tables_concatenate_finished_replications_with_their_index(tmp_path):
    write_rep(tmp_path, 0, summary=summary(0), events=ev(["delivery", "seizure"]))
    write_rep(tmp_path, 1, events=ev(["delivery"]))  # table written, summary missing: not done
    write_rep(tmp_path, 2, summary=summary(2), events=ev(["seizure", "transfer_start"]))
    t = read_table(tmp_path, "events")
    assert t["replication"].tolist() == [0, 0, 2, 2]
    assert t["kind"].tolist() == ["delivery", "seizure", "seizure", "transfer_start"]


def test_tables_can_be_filtered_by_kind_and_column_while_reading(tmp_path):
    write_rep(tmp_path, 0, summary=summary(0), events=ev(["delivery", "seizure", "delivery"]))
    t = read_table(tmp_path, "events", columns=["t_h"], kinds=["delivery"])
    assert t.columns.tolist() == ["replication", "t_h", "kind"]  # kind is read to filter on
    assert t["t_h"].tolist() == [0.0, 2.0]


def test_run_dirs_follow_the_manifest_order(tmp_path):
    manifest = {
        "kind": "compare",
        "runs": [
            {"label": "crackdown", "dir": "z_crackdown", "factors": {}},
            {"label": "baseline", "dir": "a_baseline", "factors": {"x": 1}},
        ],
    }
    (tmp_path / EXPERIMENT_FILE).write_text(json.dumps(manifest), encoding="utf-8")
    runs = run_dirs(tmp_path)
    assert [r["label"] for r in runs] == ["crackdown", "baseline"]
    assert runs[1]["path"] == tmp_path / "a_baseline" and runs[1]["factors"] == {"x": 1}
    assert read_experiment(tmp_path)["kind"] == "compare"


def test_run_dirs_without_a_manifest(tmp_path):
    for name in ("b", "a"):
        write_rep(tmp_path / name, 0, summary=summary(0))
    (tmp_path / "notes").mkdir()
    assert [r["label"] for r in run_dirs(tmp_path)] == ["a", "b"]  # sorted, non-runs skipped
    single = run_dirs(tmp_path / "a")
    assert single == [{"label": "a", "dir": ".", "path": tmp_path / "a", "factors": {}}]
    assert run_dirs(tmp_path / "missing") == []
    assert read_experiment(tmp_path) is None


@pytest.mark.parametrize(
    "text, message",
    [
        ("{oops", "cannot read this experiment manifest"),
        ('{"runs": [{"label": "x"}]}', "not an experiment manifest"),
        ("[1, 2]", "not an experiment manifest"),
    ],
)
def test_a_broken_manifest_is_a_user_error_naming_the_file(tmp_path, text, message):
    (tmp_path / EXPERIMENT_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=message) as err:
        read_experiment(tmp_path)
    assert EXPERIMENT_FILE in str(err.value)
