"""`optimize(scenario)`: payoff matrix by simulation, the game solved, a selection and how sure.

Phases:

1. **First stage.** Every (allocation, response) cell runs ``first_stage`` replications with
   the scenario's seed (common random numbers: replication ``r`` of every cell draws the same
   streams), through `sim.experiments.run_replications` (local processes or Dask). Each cell
   writes its replications under ``out_dir/cells/``, so a repeated command resumes.
2. **Selection against non-adaptive smugglers.** Kim-Nelson (`sim.optimize.selection`) on the
   allocations' objective against the declared smuggler behaviour, adding replications to the
   survivors until one is left, the replication cap, or the time limit.
3. **The game.** The cells' means (all their replications) form the payoff matrices (patrol
   objective; the smugglers' payoff is minus the objective before the escalation penalty). The
   strong Stackelberg equilibrium (or the quantal-response commitment) says what the patrol
   side should commit to when the smugglers see it and respond. A bootstrap over replication
   indices (the same resample in cells with the same replications, keeping the pairing) gives
   intervals for the game's value and how often each allocation carries the equilibrium.

The naive optimum (phase 2) and the equilibrium (phase 3) are reported side by side: the gap
between them is what the smugglers' adaptation costs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.errors import UserError
from sim.optimize.problem import (
    Allocation,
    Response,
    allocations,
    cell_data,
    check_spec,
    follower_payoff,
    objective,
    responses,
)
from sim.optimize.selection import SelectionResult, approximate_pcs, kim_nelson
from sim.optimize.stackelberg import solve_quantal_stackelberg, solve_stackelberg

__all__ = ["OptimizeResult", "optimize", "Progress"]

Progress = Callable[[str], None]

BOOTSTRAP_RESAMPLES = 400
"""Bootstrap resamples of replication indices for the game's intervals (assumption: enough
for 2.5%/97.5% percentiles to two digits)."""


@dataclass(frozen=True)
class OptimizeResult:
    """Everything `optimize` found; the CLI writes it to files.

    Attributes:
        allocations: the candidate allocations (index = row of the matrices).
        responses: the smugglers' responses (index = column).
        cells: long table, one row per (allocation, response, replication) with ``objective``
            and ``follower``.
        leader_matrix: mean patrol objective per cell (all its replications).
        follower_matrix: mean smugglers' payoff per cell.
        selection: the Kim-Nelson result against the declared smugglers (None with one
            allocation).
        naive: index of the allocation chosen against non-adaptive smugglers.
        reference_response: column of the non-adaptive (declared) smugglers.
        equilibrium: ``leader_mixed``, ``follower_response`` (index or mix), ``leader_value``,
            intervals and bootstrap support frequencies.
        gains: gain of the naive choice and of the equilibrium over the declared allocation.
        wall_s: wall time of the call.
        replications_run: replications simulated by this call (not read back from disk).
        spec: the ``optimize`` section used.
    """

    allocations: list[Allocation]
    responses: list[Response]
    cells: pd.DataFrame
    leader_matrix: np.ndarray
    follower_matrix: np.ndarray
    selection: SelectionResult | None
    naive: int
    reference_response: int
    equilibrium: dict[str, Any]
    gains: dict[str, Any]
    wall_s: float
    replications_run: int
    spec: Any = field(repr=False)
    scenario_name: str = ""
    declared: int | None = None


class _Cells:
    """Runs and remembers the replications of every cell (resuming from disk)."""

    def __init__(
        self,
        scenarios: dict[tuple[int, int], Any],
        out: Path,
        seed: int,
        n_total: int,
        workers: int,
        dask_address: str | None,
        progress: Progress | None,
    ) -> None:
        self.scenarios = scenarios
        self.out = out
        self.seed = seed
        self.n_total = n_total
        self.workers = workers
        self.dask = dask_address
        self.progress = progress
        self.rows: dict[tuple[int, int], dict[int, dict[str, Any]]] = {c: {} for c in scenarios}
        self.ran = 0
        self.pool: Executor | None = None

    def dir(self, cell: tuple[int, int]) -> Path:
        return self.out / "cells" / f"a{cell[0]:02d}_s{cell[1]:02d}"

    def ensure(self, cells: list[tuple[int, int]], indices: list[int]) -> None:
        from sim.experiments.replications import finished_replications, run_replications

        jobs = []
        for c in cells:
            need = [i for i in indices if i not in self.rows[c]]
            if not need:
                continue
            stored = finished_replications(self.dir(c)) if self.dir(c).exists() else {}
            fresh = [i for i in need if i not in stored]
            self.ran += len(fresh)
            jobs.append((c, need))
        if not jobs:
            return
        if self.pool is None and self.workers > 1 and self.dask is None and len(jobs) > 1:
            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=_mp())
        if self.pool is not None and len(jobs) > 1:
            futures = [
                (
                    c,
                    self.pool.submit(
                        _run_cell,
                        self.scenarios[c],
                        self.n_total,
                        self.seed,
                        str(self.dir(c)),
                        need,
                    ),
                )
                for c, need in jobs
            ]
            for c, fut in futures:
                self._store(c, fut.result())
        else:
            for c, need in jobs:
                df = run_replications(
                    self.scenarios[c],
                    self.n_total,
                    seed=self.seed,
                    workers=self.workers if self.dask is None else 1,
                    out_dir=self.dir(c),
                    indices=need,
                    dask_address=self.dask,
                )
                self._store(c, df)

    def _store(self, cell: tuple[int, int], df: pd.DataFrame) -> None:
        for row in df.to_dict("records"):
            self.rows[cell][int(row["replication"])] = row
        if self.progress is not None:
            self.progress(f"cell {cell}: {len(self.rows[cell])} replications")

    def frame(self, cell: tuple[int, int], indices: list[int]) -> pd.DataFrame:
        return pd.DataFrame([self.rows[cell][i] for i in indices])

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def _mp() -> Any:
    from sim.experiments.replications import mp_context

    return mp_context()


def _run_cell(scenario: Any, n: int, seed: int, out_dir: str, indices: list[int]) -> pd.DataFrame:
    """One cell's replications in a pool worker, serially (picklable)."""
    from sim.experiments.replications import run_replications

    return run_replications(scenario, n, seed=seed, workers=1, out_dir=out_dir, indices=indices)


def _preload(theater: str) -> None:
    """Load the theater and route cache once in this process, so forked workers inherit them."""
    from sim.experiments import replications as reps
    from sim.model.engine import RouteCache

    th = reps.theater_of(theater)
    if theater not in reps._ROUTES:
        reps._ROUTES[theater] = RouteCache.load(th)


def _paired(a: np.ndarray, b: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of a - b and its Student-t interval over paired replications."""
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    m = float(d.mean())
    if len(d) < 2:
        return m, float("nan"), float("nan")
    half = float(stats.t.ppf(0.5 + level / 2, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d)))
    return m, m - half, m + half


def _pure_commitment_value(lm: np.ndarray, fm: np.ndarray, i: int) -> float:
    """Patrol value of committing to allocation i when the smugglers best-respond (ties: patrol)."""
    f = fm[i]
    best = np.flatnonzero(f >= f.max() - 1e-12)
    return float(lm[i, best].max())


def optimize(
    scenario: Any,
    out_dir: str | Path,
    *,
    replications: int | None = None,
    time_limit_min: float | None = None,
    workers: int = 1,
    dask_address: str | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
) -> OptimizeResult:
    """Find the best patrol allocation of a scenario against smugglers who respond.

    Args:
        scenario: a `Scenario` (or path) with an ``optimize:`` section.
        out_dir: where cell replications are stored (a repeated call resumes from them).
        replications: cap on replications per allocation during selection (default:
            ``optimize.max_replications``).
        time_limit_min: stop selection after this many minutes of wall time (the first stage
            always completes); the result then says what is unsettled (default:
            ``optimize.time_limit_min``).
        workers: local processes; cells run in parallel, one cell's replications serially.
        dask_address: a Dask scheduler: each cell's replications run on the cluster.
        seed: root seed (default: the scenario's).
        progress: called with a short message after each batch.

    Returns:
        The `OptimizeResult`.

    Raises:
        UserError: when the scenario has no ``optimize`` section, names unknown groups, areas
            or programs, or a replication fails.
    """
    t0 = time.monotonic()
    scenario = _checked_scenario(scenario)
    spec = scenario.optimize
    allocs, resps = allocations(scenario), responses(scenario)
    limit_min = spec.time_limit_min if time_limit_min is None else time_limit_min
    n0, cap = _stage_sizes(spec, replications)
    seed = int(scenario.seed if seed is None else seed)
    allocs, scen = _distinct_cells(scenario, allocs, resps)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if workers > 1 and dask_address is None:
        _preload(scenario.theater)
    ev = _Cells(scen, out, seed, cap, workers, dask_address, progress)
    ref = next((j for j, r in enumerate(resps) if r.declared), 0)
    try:
        ev.ensure(list(scen), list(range(n0)))
        selection = None
        if len(allocs) > 1:
            left = _time_left_s(limit_min, t0)  # what the first stage left of the limit
            selection = _select(ev, scenario, len(allocs), ref, (n0, cap, SELECTION_BATCH), left)
    finally:
        ev.close()
    naive = selection.selected if selection is not None else 0
    cells = _cell_table(ev, scen, scenario)
    # every replication of a cell counts (selection added some to the reference column)
    obj, fol = _mean_matrix(cells, "objective"), _mean_matrix(cells, "follower")
    eq = _equilibrium(cells, obj, fol, spec, len(allocs), len(resps))
    declared = next((i for i, a in enumerate(allocs) if a.declared), None)
    gains = _gains(cells, obj, fol, eq, naive, declared, ref)
    return OptimizeResult(
        allocations=allocs,
        responses=resps,
        cells=cells,
        leader_matrix=obj,
        follower_matrix=fol,
        selection=selection,
        naive=int(naive),
        reference_response=int(ref),
        equilibrium=eq,
        gains=gains,
        wall_s=time.monotonic() - t0,
        replications_run=ev.ran,
        spec=spec,
        scenario_name=scenario.name,
        declared=declared,
    )


def _distinct_cells(
    scenario: Any, allocs: list[Allocation], resps: list[Response]
) -> tuple[list[Allocation], dict[tuple[int, int], Any]]:
    """The allocations that differ, and the scenario of each (allocation, response) cell.

    A candidate identical to an earlier one (often: the declared allocation) is evaluated
    once; each cell's scenario is named after the scenario and its indices (its run folder).
    """
    from sim.scenarios import scenario_hash

    scen = _cell_scenarios(scenario, allocs, resps)
    keep, seen = [], set()
    for i in range(len(allocs)):
        key = tuple(scenario_hash(scen[(i, j)]) for j in range(len(resps)))
        if key not in seen:
            seen.add(key)
            keep.append(i)
    if len(keep) < len(allocs):
        allocs = [allocs[i] for i in keep]
        scen = _cell_scenarios(scenario, allocs, resps)
    for (i, j), s in scen.items():
        scen[(i, j)] = s.model_copy(update={"name": f"{scenario.name}_a{i:02d}_s{j:02d}"})
    return allocs, scen


def _checked_scenario(scenario: Any) -> Any:
    """The scenario (loaded if a path), its ``optimize`` section checked against the theater.

    Raises:
        UserError: without an ``optimize`` section, or when it names what does not exist.
    """
    from sim.experiments.replications import theater_of
    from sim.scenarios import Scenario, load_scenario

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if scenario.optimize is None:
        allocations(scenario)  # raises the explanatory error
    check_spec(scenario, theater_of(scenario.theater))
    return scenario


SELECTION_BATCH = 2
"""Replications added to each surviving allocation per Kim-Nelson step. Fixed, not the number
of workers: the procedure's stopping points, and so every output, must not depend on the
executor (with a batch of ``workers`` a 1- and a 2-worker run stopped after 36 and 38
replications). Cells of one step still run in parallel."""


def _stage_sizes(spec: Any, replications: int | None) -> tuple[int, int]:
    """First-stage replications and the cap per allocation (``--replications`` or the spec's)."""
    n0 = int(spec.first_stage)
    cap = int(replications if replications is not None else spec.max_replications)
    if cap < n0:
        raise UserError(f"--replications {cap} is below optimize.first_stage ({n0})")
    return n0, cap


def _time_left_s(limit_min: float | None, t0: float) -> float | None:
    """Seconds left of a wall-time limit of ``limit_min`` minutes begun at ``t0`` (None: none)."""
    if limit_min is None:
        return None
    return max(0.0, limit_min * 60.0 - (time.monotonic() - t0))


def _select(
    ev: _Cells,
    scenario: Any,
    k: int,
    ref: int,
    sizes: tuple[int, int, int],
    time_limit_s: float | None,
) -> SelectionResult:
    """Kim-Nelson over the allocations' objective against the reference (declared) response.

    ``sizes`` is (first-stage replications, cap per allocation, replications per batch).
    """
    n0, cap, batch = sizes

    def sample(systems: Any, first: int, count: int) -> np.ndarray:
        idx = list(range(first, first + count))
        ev.ensure([(i, ref) for i in systems], idx)
        return np.vstack([objective(ev.frame((i, ref), idx), scenario) for i in systems])

    spec = scenario.optimize
    return kim_nelson(
        sample,
        k,
        delta=spec.delta,
        alpha=spec.alpha,
        n0=n0,
        max_n=cap,
        batch=batch,
        time_limit_s=time_limit_s,
    )


def _cell_table(ev: _Cells, scen: dict[tuple[int, int], Any], scenario: Any) -> pd.DataFrame:
    """One row per replication of every cell: its objective and the smugglers' payoff."""
    rows = []
    for i, j in scen:
        have = sorted(ev.rows[(i, j)])
        df = ev.frame((i, j), have)
        for r, o, f in zip(
            have, objective(df, scenario), follower_payoff(df, scenario), strict=True
        ):
            rows.append(
                {"allocation": i, "response": j, "replication": r, "objective": o, "follower": f}
            )
    return pd.DataFrame(rows)


def _mean_matrix(cells: pd.DataFrame, values: str) -> np.ndarray:
    """Allocations x responses matrix of a column's mean over each cell's replications."""
    return cells.pivot_table(
        index="allocation", columns="response", values=values, aggfunc="mean"
    ).to_numpy()


def _cell_scenarios(
    scenario: Any, allocs: list[Allocation], resps: list[Response]
) -> dict[tuple[int, int], Any]:
    from sim.scenarios import load_scenario

    return {
        (i, j): load_scenario(cell_data(scenario, a, r))
        for i, a in enumerate(allocs)
        for j, r in enumerate(resps)
    }


def _solve(obj: np.ndarray, fol: np.ndarray, spec: Any) -> tuple[np.ndarray, np.ndarray, float]:
    """(patrol mix, smugglers' response distribution, patrol value)."""
    if spec.smugglers.response == "quantal":
        q = solve_quantal_stackelberg(obj, fol, spec.smugglers.rationality)
        return np.array(q.leader_mixed), np.array(q.follower_mixed), q.leader_value
    s = solve_stackelberg(obj, fol)
    resp = np.zeros(obj.shape[1])
    resp[s.follower_response] = 1.0
    return s.leader_array, resp, s.leader_value


def _per_cell(cells: pd.DataFrame, m: int, n: int) -> dict[tuple[int, int], np.ndarray]:
    """Each cell's (objective, follower) rows in replication order, shape (replications, 2)."""
    out = {}
    for (i, j), g in cells.sort_values("replication").groupby(["allocation", "response"]):
        out[(int(i), int(j))] = g[["objective", "follower"]].to_numpy(dtype=float)
    return out


def _equilibrium(
    cells: pd.DataFrame, obj: np.ndarray, fol: np.ndarray, spec: Any, m: int, n: int
) -> dict[str, Any]:
    mix, resp, value = _solve(obj, fol, spec)
    per = _per_cell(cells, m, n)
    rng = np.random.default_rng(12345)  # fixed: the bootstrap is part of the report, reproducible
    values, modal, pure_vals = [], np.zeros(m), []
    for _ in range(BOOTSTRAP_RESAMPLES):
        # one resample of replication positions per cell size: cells with the same replications
        # get the same resample, so common-seed pairs stay paired
        draws: dict[int, np.ndarray] = {}
        o, f = np.zeros((m, n)), np.zeros((m, n))
        for (i, j), x in per.items():
            k = len(x)
            if k not in draws:
                draws[k] = rng.integers(0, k, k)
            o[i, j], f[i, j] = x[draws[k]].mean(axis=0)
        bm, _, bv = _solve(o, f, spec)
        values.append(bv)
        modal[int(np.argmax(bm))] += 1
        pure_vals.append([_pure_commitment_value(o, f, i) for i in range(m)])
    values_arr = np.array(values)
    return {
        "leader_mixed": mix,
        "follower_mixed": resp,
        "leader_value": float(value),
        "follower_value": float(mix @ fol @ resp),
        "value_interval": (
            float(np.percentile(values_arr, 2.5)),
            float(np.percentile(values_arr, 97.5)),
        ),
        "modal_frequency": modal / BOOTSTRAP_RESAMPLES,
        "pure_commitment_values": np.array([_pure_commitment_value(obj, fol, i) for i in range(m)]),
        "bootstrap_pure_values": np.array(pure_vals),
        "bootstrap_values": values_arr,
        "response_kind": spec.smugglers.response,
    }


def _gains(
    cells: pd.DataFrame,
    obj: np.ndarray,
    fol: np.ndarray,
    eq: dict[str, Any],
    naive: int,
    declared: int | None,
    ref: int,
) -> dict[str, Any]:
    out: dict[str, Any] = {"declared": declared}
    means = (
        cells[cells["response"] == ref]
        .groupby("allocation")["objective"]
        .agg(["mean", "std", "count"])
    )
    ses = (means["std"] / np.sqrt(means["count"])).fillna(0.0).to_numpy()
    out["approximate_pcs"] = approximate_pcs(means["mean"].to_numpy(), ses)
    if declared is None:
        return out
    col = cells[cells["response"] == ref]
    a = col[col["allocation"] == naive].set_index("replication")["objective"]
    b = col[col["allocation"] == declared].set_index("replication")["objective"]
    common = sorted(set(a.index) & set(b.index))
    out["naive_gain"] = _paired(a.loc[common].to_numpy(), b.loc[common].to_numpy())
    out["naive_gain_n"] = len(common)
    # equilibrium value minus the declared allocation's value when the smugglers best-respond to it
    dec_val = _pure_commitment_value(obj, fol, declared)
    boot = eq["bootstrap_values"] - eq["bootstrap_pure_values"][:, declared]
    out["equilibrium_gain"] = (
        float(eq["leader_value"] - dec_val),
        float(np.percentile(boot, 2.5)),
        float(np.percentile(boot, 97.5)),
    )
    out["declared_adaptive_value"] = dec_val
    return out
