"""The CLI's shared helpers and its light commands, called as functions (no subprocess)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from sim.cli.common import finish_report, write_json
from sim.errors import UserError
from sim.experiments.run_dirs import prepare_run_dir


def test_finish_report_exits_1_only_when_every_replication_failed(tmp_path, capsys):
    some = pd.DataFrame({"error": ["", "boom", None]})
    assert finish_report(some, tmp_path, tmp_path / "report.html") == 0
    err = capsys.readouterr().err
    assert "1 replication(s) failed" in err and "replications.csv" in err
    assert finish_report(pd.DataFrame({"error": ["a", "b"]}), tmp_path, tmp_path / "r") == 1
    assert finish_report(pd.DataFrame({"x": [1]}), tmp_path, tmp_path / "r") == 0  # no column


def test_prepare_run_dir_creates_and_then_resumes_the_same_scenario(tmp_path):
    out = tmp_path / "run"
    assert prepare_run_dir(out, scenario="s", scenario_hash="abc", seed=7) is False
    assert out.is_dir()
    write_json(out / "manifest.json", {"scenario_hash": "abc", "seed": 7})
    assert prepare_run_dir(out, scenario="s", scenario_hash="abc", seed=7) is True  # resume


@pytest.mark.parametrize(
    ("manifest", "message"),
    [({"scenario_hash": "old", "seed": 7}, "different scenario"), ({"seed": 8}, "seed 8")],
)
def test_a_run_dir_of_another_scenario_or_seed_is_refused(tmp_path, manifest, message):
    write_json(tmp_path / "manifest.json", manifest)
    with pytest.raises(UserError, match=message):
        prepare_run_dir(tmp_path, scenario="s", scenario_hash="abc", seed=7)


def test_write_json_replaces_atomically_and_writes_dates_as_text(tmp_path):
    p = tmp_path / "m.json"
    write_json(p, {"when": pd.Timestamp("2018-01-01"), "n": 1})
    assert json.loads(p.read_text()) == {"when": "2018-01-01 00:00:00", "n": 1}
    assert not list(tmp_path.glob("*.tmp"))


def test_validate_reports_each_bad_file_and_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nduration_days: -3\n")
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "duration_days" in err


def test_schema_prints_json_schema_and_markdown(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "properties" in schema and "duration_days" in schema["properties"]
    assert main(["schema", "--markdown"]) == 0
    assert capsys.readouterr().out.startswith("# Scenario")


def test_a_usage_error_exits_2_with_the_command_name_and_no_traceback(capsys):
    assert main(["run", "--no-such-option"]) == 2
    err = capsys.readouterr().err
    assert "sanctions-sim run: error" in err and "Traceback" not in err


def test_results_of_a_missing_directory_is_a_user_error(tmp_path, capsys):
    assert main(["results", str(Path(tmp_path) / "nope")]) == 2
    assert "nope" in capsys.readouterr().err
