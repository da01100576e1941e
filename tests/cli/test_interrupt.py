"""Ctrl-C during a run: stops promptly, keeps what finished, says so, and the rerun resumes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN = [
    sys.executable,
    "-m",
    "sim",
    "run",
    "scenarios/crackdown_2018.yaml",
    "-n",
    "40",
    "--workers",
    "2",
    "--set",
    "duration_days=1",
    "--set",
    "warmup_days=0",
    "--set",
    "traffic.vessels=20",
]


def _finished(out: Path) -> dict[int, float]:
    """Replication index -> modification time of its _summary.json (written last)."""
    return {
        int(p.parent.name.split("=")[-1]): p.stat().st_mtime
        for p in (out / "replications").glob("replication=*/_summary.json")
    }


@pytest.mark.slow
def test_ctrl_c_with_two_workers_stops_promptly_keeps_finished_work_and_resumes(tmp_path):
    """Ctrl c with two workers stops promptly keeps finished work and resumes."""
    out = tmp_path / "run"
    proc = subprocess.Popen(
        [*RUN, "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    while len(_finished(out)) < 2:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no replication finished in 300 s"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    t0 = time.monotonic()
    _, err = proc.communicate(timeout=60)
    stop_s = time.monotonic() - t0

    assert proc.returncode == 130, err
    assert "Traceback" not in err
    kept = _finished(out)
    assert 2 <= len(kept) < 40, "the run should have been cut short"
    assert f"kept {len(kept)} of 40 replications; rerun the same command to resume" in err, err
    assert stop_s < 15, f"took {stop_s:.1f} s to stop"  # a replication takes longer than that
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kept"] == sorted(kept)  # in order, and the same ones as on disk
    time.sleep(0.5)
    again = subprocess.run(
        [*RUN, "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert again.returncode == 0, again.stderr
    assert "40 replications" in again.stdout
    after = _finished(out)
    assert sorted(after) == list(range(40))
    assert all(after[i] == kept[i] for i in kept), "kept replications were re-run"
    assert not list(out.glob("*/replication=*/.*.tmp"))
