"""Replications do not depend on the executor: one process or two give the same tables.

Each replication draws only from its own child of the root seed, and what a worker process
keeps between replications (the parsed scenario, the theater, its routes) is the same for
every replication, so neither the number of workers nor which worker ran a replication can
move a result.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ProcessPoolExecutor, wait
from pathlib import Path

import pandas as pd
import pytest

from sim.experiments.replications import _stop, _worker_init, mp_context, run_replications
from sim.experiments.store import PART_FILE, partition_dir
from sim.scenarios import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SETS = ["duration_days=5", "warmup_days=0", "traffic.vessels=40"]
N = 3


def _tables(out: Path, i: int) -> list[pd.DataFrame]:
    return [
        pd.read_parquet(partition_dir(out, t, i) / PART_FILE)
        for t in ("events", "voyages", "assets")
    ]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    sc = load_scenario(ROOT / "scenarios" / "crackdown_2018.yaml", overrides=SETS)
    got = {}
    for workers in (1, 2):
        out = tmp_path_factory.mktemp(f"w{workers}")
        got[workers] = (out, run_replications(sc, N, seed=11, workers=workers, out_dir=out))
    return got


def test_two_workers_give_the_summary_rows_of_one(runs):
    one, two = (runs[w][1].drop(columns=["wall_s"]) for w in (1, 2))
    assert (one["error"] == "").all() and len(one) == N
    pd.testing.assert_frame_equal(one, two)


def test_two_workers_give_the_tables_of_one(runs):
    for i in range(N):
        for a, b in zip(_tables(runs[1][0], i), _tables(runs[2][0], i), strict=True):
            pd.testing.assert_frame_equal(a, b)
    # and the replications differ from one another (the test compares something)
    assert not _tables(runs[1][0], 0)[0].equals(_tables(runs[1][0], 1)[0])


def _nap(s: float) -> float:
    time.sleep(s)
    return s


def test_stopping_the_pool_leaves_no_manager_thread_for_the_exit_hook():
    """A stopped pool has no manager thread left to race with the interpreter's exit hook.

    That hook writes to the thread's wake-up pipe; a Ctrl-C once printed "Bad file descriptor"
    with a traceback when the thread closed the pipe at the same moment. Running work is
    terminated, not waited for.
    """
    before = set(threading.enumerate())  # only this pool's threads are looked at below
    pool = ProcessPoolExecutor(max_workers=2, mp_context=mp_context(), initializer=_worker_init)
    futures = [pool.submit(_nap, 0.01 if i < 2 else 60.0) for i in range(6)]
    wait(futures[:2])
    t0 = time.monotonic()
    _stop(pool)
    assert time.monotonic() - t0 < 20  # the 60 s naps were cut, not awaited
    managers = [
        t
        for t in set(threading.enumerate()) - before
        if type(t).__name__ == "_ExecutorManagerThread"
    ]
    assert managers == []
    assert all(f.done() for f in futures)
