"""``sanctions-sim calibrate`` end to end: it passes with the shipped defaults, and it can fail.

Each test runs the command as a user does (a subprocess, the shipped scenario files), a full
simulated year of ``baseline_2017`` and of ``crackdown_2018``. The second test blinds the
warships to transfers (their sensors never tell two hulls alongside from one), which pushes the
held-out "STS seen per 90 days of a warship" to zero, below its accepted range: the command
must then say so and exit 1.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from tests.cli.test_cli import ROOT, cli

BLIND_WARSHIPS = """\
extends: crackdown_shipped.yaml
name: crackdown_2018
assets:
  - name: jp_ddg
    sensor: {classify_probability: 0.0}
  - name: coalition_frigates
    sensor: {classify_probability: 0.0}
"""


def rows(out: Path) -> dict[str, dict[str, str]]:
    """The crackdown's rows of ``calibration.csv``, by figure."""
    with (out / "calibration.csv").open() as f:
        return {r["figure"]: r for r in csv.DictReader(f) if r["scenario"] == "crackdown_2018"}


def test_calibrate_passes_every_held_out_check_with_the_shipped_defaults(tmp_path: Path) -> None:
    out = tmp_path / "cal"
    r = cli("calibrate", "-n", "6", "-w", "2", "--out", str(out))
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    checks = [row for row in rows(out).values() if row["role"] == "check"]
    assert len(checks) == 3
    assert all(row["status"] != "OUT" for row in checks), checks
    assert "held-out checks: 3 of 3 in range" in r.stdout


def test_calibrate_exits_1_when_a_held_out_figure_is_pushed_out_of_range(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(ROOT / "scenarios" / "baseline_2017.yaml", folder)
    shutil.copy(ROOT / "scenarios" / "crackdown_2018.yaml", folder / "crackdown_shipped.yaml")
    (folder / "crackdown_2018.yaml").write_text(BLIND_WARSHIPS)
    out = tmp_path / "cal"
    r = cli("calibrate", "--scenarios", str(folder), "-n", "2", "-w", "2", "--out", str(out))
    assert r.returncode == 1, r.stdout[-3000:] + r.stderr[-2000:]
    assert "Traceback" not in r.stderr
    warship = rows(out)["STS seen per 90 days of a warship"]
    assert float(warship["simulated"]) == 0.0
    assert float(warship["accepted_low"]) > 0.0
    assert warship["status"] == "OUT"
    assert "FAILED: held-out figure(s) out of range: STS seen per 90 days of a warship" in r.stdout
