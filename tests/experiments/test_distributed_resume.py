"""Dask execution, resume, crash safety (SIGKILL mid-run) and ``sanctions-sim results``.

All on a short scenario (10 days, 10 legitimate vessels) so the file runs in well under a minute.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.experiments.replications import REPLICATION_DIR, finished_replications, run_replications
from sim.experiments.store import PART_FILE, SUMMARY_FILE, partition_dir
from sim.scenarios import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "crackdown_2018.yaml"
SETS = ["duration_days=10", "warmup_days=0", "traffic.vessels=10"]
CLI = [sys.executable, "-m", "sim"]


def _scenario():
    return load_scenario(SCENARIO, overrides=SETS)


def _metrics(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=[c for c in ("wall_s",) if c in df]).reset_index(drop=True)


def _tables(out: Path, i: int) -> list[pd.DataFrame]:
    return [
        pd.read_parquet(partition_dir(out, t, i) / PART_FILE)
        for t in ("events", "voyages", "assets")
    ]


def _summary(out: Path, i: int) -> Path:
    return partition_dir(out, REPLICATION_DIR, i) / SUMMARY_FILE


def _finished(base: Path) -> list[Path]:
    """The replication folders whose summary (written last) exists."""
    return sorted(p for p in base.glob("replication=*") if (p / SUMMARY_FILE).exists())


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    out = tmp_path_factory.mktemp("serial")
    return out, run_replications(_scenario(), 2, seed=7, workers=1, out_dir=out)


def test_dask_local_cluster_matches_serial(serial, tmp_path):
    distributed = pytest.importorskip("distributed")
    out_s, df_s = serial
    # an in-process cluster (processes=False: its own inproc transport); run_replications
    # connects to it by address, as `sanctions-sim run --dask ADDRESS` does
    with distributed.LocalCluster(
        processes=False,
        n_workers=1,
        threads_per_worker=1,
        memory_limit="2GiB",
        dashboard_address=None,
    ) as cluster:
        df_d = run_replications(
            _scenario(), 2, seed=7, out_dir=tmp_path, dask_address=cluster.scheduler_address
        )
    assert (df_d["error"] == "").all()
    pd.testing.assert_frame_equal(_metrics(df_d), _metrics(df_s))
    for i in range(2):  # the workers wrote the folders; tables identical bit for bit
        for a, b in zip(_tables(tmp_path, i), _tables(out_s, i), strict=True):
            pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_resume_keeps_wall_s_and_ignores_other_scenarios(serial, tmp_path):
    out_s, df_s = serial
    stored = finished_replications(out_s)
    assert all(r.get("wall_s", 0) > 0 for r in stored.values())  # written after wall_s was set
    # rerun: nothing re-runs, stored rows (with wall_s) come back
    t = [_summary(out_s, i).stat().st_mtime_ns for i in range(2)]
    again = run_replications(_scenario(), 2, seed=7, workers=1, out_dir=out_s)
    assert t == [_summary(out_s, i).stat().st_mtime_ns for i in range(2)]
    pd.testing.assert_frame_equal(again, df_s, check_dtype=False)
    # a changed scenario does not reuse the stored rows (different scenario_hash)
    other = load_scenario(SCENARIO, overrides=[*SETS, "traffic.vessels=11"])
    df_o = run_replications(other, 1, seed=7, workers=1, out_dir=out_s)
    assert df_o.loc[0, "scenario_hash"] != df_s.loc[0, "scenario_hash"]
    assert finished_replications(out_s)[0]["scenario_hash"] == df_o.loc[0, "scenario_hash"]


def _wait_for_rep(base: Path, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if base.is_dir() and _finished(base):
            return
        if proc.poll() is not None:
            pytest.fail(f"run ended before it could be killed: {proc.stderr.read().decode()}")
        time.sleep(0.05)
    pytest.fail("no replication finished in time")


def test_sigkill_loses_only_inflight_and_rerun_resumes(tmp_path):
    n = 4
    args = [
        str(SCENARIO),
        "-n",
        str(n),
        "--seed",
        "11",
        "--workers",
        "1",
        *sum((["--set", s] for s in SETS), []),
    ]
    out = tmp_path / "killed"
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    proc = subprocess.Popen(
        [*CLI, "run", *args, "--out", str(out)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = out / REPLICATION_DIR
    try:
        _wait_for_rep(base, proc)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    reps = _finished(base)
    assert 1 <= len(reps) < n, "kill came too late to test anything"
    for d in reps:  # every finished replication has all its tables, readable
        row = json.loads((d / SUMMARY_FILE).read_text())
        i = int(d.name.split("=")[1])
        assert row["replication"] == i and row["error"] == ""
        for t in ("events", "voyages", "assets"):
            pd.read_parquet(partition_dir(out, t, i) / PART_FILE)
    before = {d.name: (d / SUMMARY_FILE).stat().st_mtime_ns for d in reps}
    r = subprocess.run(
        [*CLI, "run", *args, "--out", str(out)], cwd=ROOT, env=env, capture_output=True, timeout=180
    )
    assert r.returncode == 0, r.stderr.decode()
    assert [p.name for p in _finished(base)] == [f"replication={i}" for i in range(n)]
    assert not list(out.glob("*/replication=*/.*.tmp"))  # temporaries cleaned
    assert before == {k: (base / k / SUMMARY_FILE).stat().st_mtime_ns for k in before}  # not re-run
    # the whole run reads as one table per kind, with the replication from the folder names
    events = pd.read_parquet(out / "events")
    assert sorted(events["replication"].astype(int).unique()) == list(range(n))
    full = tmp_path / "full"
    r2 = subprocess.run(
        [*CLI, "run", *args, "--out", str(full)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=180,
    )
    assert r2.returncode == 0, r2.stderr.decode()
    a = pd.read_csv(out / "replications.csv")
    b = pd.read_csv(full / "replications.csv")
    pd.testing.assert_frame_equal(_metrics(a), _metrics(b))
    assert (out / "metrics.csv").read_text() == (full / "metrics.csv").read_text()

    # `sanctions-sim results DIR` reads the stored replications and prints the same table
    res = subprocess.run(
        [*CLI, "results", str(out)], cwd=ROOT, env=env, capture_output=True, timeout=120
    )
    assert res.returncode == 0, res.stderr.decode()
    text = res.stdout.decode()
    assert f"{n} replications" in text and "crackdown_2018" in text


def test_results_command_errors_on_empty_dir(tmp_path):
    res = subprocess.run(
        [*CLI, "results", str(tmp_path)], cwd=ROOT, capture_output=True, timeout=120
    )
    assert res.returncode != 0
    assert "no finished replications" in res.stderr.decode()
