"""Independent replications, serial or in local processes, written as they finish.

Experiments are plain functions that return one row per replication
(``scenario, replication, seed, scenario_hash, metrics..., wall_s, error``). Each
replication draws its streams from ``SeedSequence(seed).spawn(n)[i]``: the same
seed and index give the same streams in every scenario (common random numbers),
so differences between scenarios are not noise. A failed replication is a row
with its error, not the end of the experiment.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments import store

__all__ = [
    "run_replications",
    "theater_of",
    "mp_context",
    "replication_seeds",
    "prepare_theater",
    "route_variants",
    "REPLICATION_DIR",
    "RunInterrupted",
]

REPLICATION_DIR = store.SUMMARY_TABLE
"""Table folder of a run directory holding one summary row per finished replication."""


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a run; the replications finished before it are stored and kept.

    Attributes:
        kept: replication indices finished (and, with an output folder, stored), in order.
        total: replications the run was asked for.
    """

    def __init__(self, kept: list[int], total: int) -> None:
        super().__init__(f"kept {len(kept)} of {total} replications")
        self.kept = kept
        self.total = total


def replication_seeds(seed: int, n: int) -> list[np.random.SeedSequence]:
    """The n independent child streams of a root seed (common random numbers across scenarios)."""
    return np.random.SeedSequence(int(seed)).spawn(int(n))


@lru_cache(maxsize=4)
def theater_of(name: str) -> Any:
    """The named theater, loaded once per process (replications and optimize share it)."""
    from sim.geo import load_theater

    return load_theater(name)


_ROUTES: dict[str, Any] = {}


def prepare_theater(name: str, route_variants: Iterable[RouteVariant] = ()) -> None:
    """Load a theater, its routing graphs and stored fixed routes before replications start.

    The first load on a machine builds the geography cache (zone rasters, then one routing
    graph per set of waters avoided or preferred, with its obstacle geometry and inside
    rasters); doing it here, once, lets a command show it step by step (``sim.geo`` logs each
    at INFO) while it happens, and local workers forked afterwards inherit the loaded theater
    and graphs instead of each building them in silence inside its first replication.

    Args:
        name: the theater (``scenario.theater``).
        route_variants: (states whose territorial seas are avoided, states whose waters are
            preferred) of each program, as :func:`route_variants` lists them; the plain
            graph (nothing avoided) is always loaded.
    """
    from sim.model.engine import RouteCache

    theater = theater_of(name)
    for avoid, prefer in {((), ()), *route_variants}:
        # the key the model's routing asks for (sim.model.waters.Waters.route_xy)
        zones = tuple(sorted((str(s), "territorial") for s in avoid))
        theater.seaway.graph(zones, tuple(sorted(str(s) for s in prefer))).prepare()
    if name not in _ROUTES:
        _ROUTES[name] = RouteCache.load(theater)


RouteVariant = tuple[tuple[str, ...], tuple[str, ...]]
"""States whose territorial seas a route avoids, and states whose waters it prefers."""


def route_variants(scenario: Any) -> set[RouteVariant]:
    """The routing variants a scenario's smugglers ask for, one per distinct program setting."""
    return {(tuple(p.avoid_territorial_of), tuple(p.prefer_waters_of)) for p in scenario.programs}


@lru_cache(maxsize=8)
def _scenario(scenario_json: str) -> tuple[Any, str]:
    """The frozen scenario of a JSON text and its hash, parsed once per process.

    Every replication of a run arrives with the same text; validating and hashing it once
    per worker process, not once per replication, is the part of a replication's setup that
    does not depend on its seed. (The theater, its routing graphs, the stored fixed routes,
    patrol polygons and a scenario's added places are process-level memos too:
    ``theater_of``, ``_ROUTES``, ``sim.model.waters``, ``sim.geo.additions``. What remains
    per replication is drawing its own year of traffic.)
    """
    from sim.scenarios import Scenario, scenario_hash

    scenario = Scenario.model_validate_json(scenario_json)
    return scenario, scenario_hash(scenario)


def _run_one(
    scenario_json: str, seed: int, index: int, n: int, out_dir: str | None
) -> dict[str, Any]:
    """Run replication ``index`` (picklable: scenario passed as JSON)."""
    from sim.model import run
    from sim.model.engine import RouteCache

    scenario, digest = _scenario(scenario_json)
    ss = replication_seeds(seed, n)[index]
    row: dict[str, Any] = {
        "scenario": scenario.name,
        "replication": index,
        "seed": seed,
        "scenario_hash": digest,
    }
    t0 = time.perf_counter()
    write = None
    try:
        theater = theater_of(scenario.theater)
        cache = _ROUTES.get(scenario.theater)
        if cache is None:
            cache = _ROUTES[scenario.theater] = RouteCache.load(theater)
        result = run(scenario, ss, theater=theater, route_cache=cache)
        row.update(result.summary)
        row["error"] = ""
        write = result
    except Exception as exc:  # a failed replication is recorded, not fatal
        row["error"] = f"{type(exc).__name__}: {exc}"
        row["traceback"] = traceback.format_exc(limit=5)
    row["wall_s"] = time.perf_counter() - t0  # before writing, so stored rows keep it
    if write is not None and out_dir is not None:
        try:
            _write_replication(Path(out_dir), index, write, row, scenario.start_date)
        except OSError as exc:
            row["error"] = f"{type(exc).__name__} writing results: {exc}"
    return row


def _write_replication(
    out: Path, index: int, result: Any, row: dict[str, Any], start_date: Any
) -> None:
    """Write one replication's tables (layout and metadata: ``sim.experiments.store``)."""
    tables = {
        "events": result.events,
        "voyages": result.voyages,
        "assets": result.assets,
        "tracks": result.tracks,
    }
    store.write_replication(out, index, tables, row, result.provenance, start_date)


def finished_replications(out_dir: Path, *, clean: bool = False) -> dict[int, dict[str, Any]]:
    """Summary rows of the replications already written in a run directory.

    Only replications whose summary was written (last, after their tables) count; hidden
    temporaries left by a killed run are ignored, and removed when ``clean``.
    """
    done = store.finished_replications(out_dir, clean=clean)
    for row in done.values():
        row.pop("provenance", None)
        row.pop("start_date", None)
    return done


def mp_context() -> mp.context.BaseContext:
    """The start method for local workers."""
    # fork is fast and safe here (no threads at that point); elsewhere use spawn.
    return mp.get_context("fork") if sys.platform.startswith("linux") else mp.get_context("spawn")


def run_replications(
    scenario: Any,
    n: int | None = None,
    *,
    seed: int | None = None,
    workers: int = 1,
    out_dir: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    indices: list[int] | None = None,
    dask_address: str | Any | None = None,
) -> pd.DataFrame:
    """Run independent replications of a scenario; one row per replication.

    Args:
        scenario: a ``Scenario`` (or a path/dict for ``sim.load_scenario``).
        n: number of replications (defaults to ``scenario.replications``).
        seed: root seed (defaults to ``scenario.seed``).
        workers: local processes (1 = serial, in this process).
        out_dir: if given, each finished replication is written there at once (hive-partitioned
            Parquet, see ``sim.experiments.store``) and replications already there are
            reused, not re-run.
        progress: called as ``progress(done, total)`` after each replication, and once before
            the first when some were read back from ``out_dir``.
        indices: run only these replication indices (default: all of ``range(n)``).
        dask_address: run on a Dask distributed cluster instead of local processes: a
            scheduler address (``tcp://host:8786``) or a ``distributed.Client``. One task per
            replication; workers write their replication folders themselves (``out_dir`` must
            be visible to them). Results are identical to a serial run with the same seed.

    Returns:
        DataFrame with ``scenario, replication, seed, scenario_hash``, the summary metrics,
        ``wall_s`` and ``error`` (empty when the replication succeeded), sorted by replication.
    """
    from sim.scenarios import Scenario, load_scenario, scenario_hash

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    n = scenario.replications if n is None else int(n)
    seed = scenario.seed if seed is None else int(seed)
    todo = list(range(n)) if indices is None else list(indices)
    rows: dict[int, dict[str, Any]] = {}
    h = scenario_hash(scenario)
    if out_dir is not None:
        # stored rows of another scenario or seed are not reused (they are re-run and replaced)
        stored = _stored_rows(Path(out_dir), seed, h, clean=True)
        rows = {i: stored[i] for i in todo if i in stored}
        todo = [i for i in todo if i not in rows]
    total = len(rows) + len(todo)
    sj = scenario.model_dump_json()
    if dask_address is None and workers > 1 and len(todo) > 1 and sys.platform.startswith("linux"):
        # forked workers inherit the loaded theater, graphs and fixed routes (copy on write)
        # instead of each loading them inside its first replication
        prepare_theater(scenario.theater, route_variants(scenario))
    od = None if out_dir is None else str(out_dir)
    runner = (
        _execute(sj, seed, n, todo, od, workers)
        if dask_address is None
        else _execute_dask(sj, seed, n, todo, od, dask_address)
    )
    if progress is not None and rows:
        progress(len(rows), total)  # replications read back from an earlier run count as done
    try:
        for row in runner:
            rows[row["replication"]] = row
            if progress is not None:
                progress(len(rows), total)
    except KeyboardInterrupt:
        runner.close()  # stops the workers now, not when the generator is collected
        kept = {i for i, r in rows.items() if not r.get("error")}
        if out_dir is not None:  # workers may have stored one more while we were stopping them
            kept |= set(_stored_rows(Path(out_dir), seed, h))
        raise RunInterrupted(
            sorted(kept & set(range(n)) if indices is None else kept), total
        ) from None
    df = pd.DataFrame([rows[i] for i in sorted(rows)])
    if "traceback" in df:
        df = df.drop(columns=["traceback"])
    return df


def _stored_rows(out_dir: Path, seed: int, h: str, *, clean: bool = False) -> dict[int, dict]:
    """Finished replications stored in ``out_dir`` for this seed and scenario hash, by index."""
    return {
        i: row
        for i, row in finished_replications(out_dir, clean=clean).items()
        if row.get("seed") == seed and row.get("scenario_hash") == h and not row.get("error")
    }


def _execute(
    sj: str, seed: int, n: int, todo: list[int], od: str | None, workers: int
) -> Iterator[dict[str, Any]]:
    if workers <= 1 or len(todo) <= 1:
        for i in todo:
            yield _run_one(sj, seed, i, n, od)
        return
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(todo)), mp_context=mp_context(), initializer=_worker_init
    )
    try:
        pending = {pool.submit(_run_one, sj, seed, i, n, od): i for i in todo}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for f in sorted(done, key=pending.__getitem__):
                del pending[f]
                yield f.result()
    except BaseException:  # Ctrl-C, or the consumer stopped: do not wait for running work
        _stop(pool)
        raise
    pool.shutdown()


def _worker_init() -> None:
    """Workers ignore Ctrl-C: the parent decides, and stops them (no traceback from each worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel queued replications and terminate the running ones at once.

    A replication cut short leaves no summary (partial tables and hidden temporaries are
    replaced or removed by the next run).

    The workers go first; then ``shutdown(wait=True)`` waits for the pool's manager thread,
    which sees them gone, fails the futures and closes its wake-up pipe. Without that wait,
    the thread may close the pipe at the moment the interpreter's exit hook writes to it,
    and the exit prints a traceback ending in "Bad file descriptor" (CPython's
    ``_ThreadWakeup`` has no lock before 3.12). The workers are dead, so the wait is short.
    """
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(timeout=5)
    pool.shutdown(wait=True, cancel_futures=True)


def _execute_dask(
    sj: str, seed: int, n: int, todo: list[int], od: str | None, address: Any
) -> Iterator[dict[str, Any]]:
    """One Dask task per replication; rows are yielded as tasks finish."""
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        from sim.errors import UserError

        raise UserError(
            "--dask needs the optional dependency: pip install 'sanctions-sim[dask]'"
        ) from exc
    own = not isinstance(address, Client)
    client = Client(address) if own else address
    try:
        futures = [
            client.submit(
                _run_one,
                sj,
                seed,
                i,
                n,
                od,
                pure=False,
                key=f"rep-{i}-{os.getpid()}-{time.time_ns()}",
            )
            for i in todo
        ]
        for fut in as_completed(futures):
            yield fut.result()
            fut.release()
    except BaseException:
        client.cancel(futures)
        raise
    finally:
        if own:
            client.close()
