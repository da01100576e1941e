"""Scenario comparisons and parameter sweeps on common random numbers.

Every scenario (or sweep variant) runs with the same root seed, so replication ``i`` of
each draws the same streams (``SeedSequence(seed).spawn(n)[i]``) and differences between
them are effects, not noise. Each run goes to its own run directory under ``out_dir``
(finished replications are reused when a command is repeated), and ``experiment.json``
names the runs in order, so the report reads everything back from disk.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.results import EXPERIMENT_FILE
from sim.errors import UserError
from sim.experiments.run_dirs import child_dir, prepare_experiment_dir, prepare_run_dir

__all__ = [
    "compare",
    "sweep",
    "sweep_variants",
    "parse_vary",
    "Precision",
    "precision_state",
    "default_precision",
    "DEFAULT_HALF_WIDTH",
    "DEFAULT_TIME_LIMIT_MIN",
]

Progress = Callable[[int, int], None]

DEFAULT_HALF_WIDTH = 0.005
"""Default precision target of `compare`: 95% half-width of 0.005 (half a percentage point)
on every pairwise difference in interception rate. Assumption: the options short of a blockade
differ by about 0.3-1.5 points in the main job (measured, 4 replications, Dec 2026), so a lead is
only worth reporting when its interval is narrower than that."""

DEFAULT_TIME_LIMIT_MIN = 7.0
"""Default time limit of `compare`, minutes from its start (cache build included). Assumption:
the main job's budget is 10 minutes on a 2-core machine, and the report after the runs takes
about 1 minute (measured: 45-60 s for six scenarios with maps), so 7 minutes leaves a margin."""


def _load(source: Any, overrides: Sequence[str] = ()) -> Any:
    from sim.scenarios import Scenario, load_scenario

    if isinstance(source, Scenario):
        if overrides:
            return load_scenario(source.model_dump(mode="json"), overrides=list(overrides))
        return source
    return load_scenario(source, overrides=list(overrides) or None)


def _safe_dir(name: str) -> str:
    """A folder name for a scenario name: safe characters, short, never ``..``."""
    return child_dir(Path("."), name).name


def _run_all(
    runs: list[dict[str, Any]],
    *,
    kind: str,
    n: int,
    seed: int,
    workers: int,
    out_dir: str | Path,
    progress: Progress | None,
    extra: Mapping[str, Any] | None = None,
    precision: Precision | None = None,
) -> pd.DataFrame:
    from sim import __version__
    from sim.scenarios import scenario_hash

    if n < 1:
        raise UserError("the number of replications must be at least 1")
    out = Path(out_dir)
    prepare_experiment_dir(out, EXPERIMENT_FILE)
    dirs = [r["dir"] for r in runs]
    if len(set(dirs)) != len(dirs):
        dup = sorted({d for d in dirs if dirs.count(d) > 1})
        raise UserError(
            f"two runs would share the directory {dup}: give the scenarios distinct names"
        )
    for r in runs:
        r["hash"] = scenario_hash(r["scenario_obj"])
        prepare_run_dir(
            out / r["dir"], scenario=r["scenario_obj"].name, scenario_hash=r["hash"], seed=seed
        )
    manifest = {
        "kind": kind,
        "version": __version__,
        "seed": seed,
        "replications": n,
        **(extra or {}),
        "runs": [
            {
                "label": r["label"],
                "dir": r["dir"],
                "scenario": r["scenario_obj"].name,
                "description": " ".join(r["scenario_obj"].description.split()),
                "scenario_hash": r["hash"],
                "factors": r.get("factors", {}),
                "theater": r["scenario_obj"].theater,
                "duration_days": r["scenario_obj"].duration_h / 24.0,
                "warmup_days": r["scenario_obj"].warmup_days,
            }
            for r in runs
        ],
    }
    t0 = time.monotonic()
    df = _round(runs, manifest, n=n, seed=seed, workers=workers, out=out, progress=progress)
    done_n, round_s = n, time.monotonic() - t0
    while precision is not None:
        state = precision_state(df, precision.metric, precision.half_width)
        precision.history.append({"replications": n, **state})
        n_next = _next_round(precision, state, n, done_n, round_s, time.monotonic() - t0)
        if n_next is None:
            break
        t1, done_n = time.monotonic(), n_next - n
        n = n_next
        df = _round(runs, manifest, n=n, seed=seed, workers=workers, out=out, progress=progress)
        round_s = time.monotonic() - t1
    if precision is not None:
        manifest["precision"] = {
            "half_width": precision.half_width,
            "metric": precision.metric,
            "time_limit_min": precision.time_limit_min,
            "outcome": precision.outcome,
            "statement": precision.statement(),
            "elapsed_s": round(time.monotonic() - t0, 1),
            "history": precision.history,
        }
        (out / EXPERIMENT_FILE).write_text(json.dumps(manifest, indent=1, default=str))
        df.attrs["precision"] = precision.statement()
    df.to_csv(out / "replications.csv", index=False)
    return df


def _next_round(
    precision: Precision,
    state: dict[str, Any],
    n: int,
    last_added: int,
    last_round_s: float,
    elapsed_s: float,
) -> int | None:
    """Replications per run for the next round, or None (and ``precision.outcome``) to stop.

    Rounds grow by half (at least 2), so the number of rounds stays logarithmic. Under a time
    limit the step shrinks to what the last round's pace (seconds per added replication index)
    says still fits, so the limit is kept rather than overrun by a whole round.
    """
    if state["reached"]:
        precision.outcome = "reached"
        return None
    if n >= precision.max_replications:
        precision.outcome = "replication cap"
        return None
    step = max(2, n // 2)
    if precision.time_limit_min is not None:
        left_s = precision.time_limit_min * 60.0 - elapsed_s
        per_index_s = last_round_s / max(last_added, 1)
        step = min(step, int(left_s // per_index_s)) if per_index_s > 0 else step
        if step < 1:
            precision.outcome = "time limit"
            return None
    return min(precision.max_replications, n + step)


def _round(
    runs: list[dict[str, Any]],
    manifest: dict[str, Any],
    *,
    n: int,
    seed: int,
    workers: int,
    out: Path,
    progress: Progress | None,
) -> pd.DataFrame:
    """Run (or read back) replications 0..n-1 of every run; one row per (run, replication)."""
    import yaml

    from sim import __version__
    from sim.experiments.replications import run_replications

    manifest["replications"] = n
    (out / EXPERIMENT_FILE).write_text(json.dumps(manifest, indent=1, default=str))
    total = n * len(runs)
    frames = []
    for k, r in enumerate(runs):
        s = r["scenario_obj"]
        rd = out / r["dir"]
        rd.mkdir(parents=True, exist_ok=True)
        (rd / "scenario.resolved.yaml").write_text(
            yaml.safe_dump(s.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
        )
        (rd / "manifest.json").write_text(
            json.dumps(
                {
                    "scenario": s.name,
                    "scenario_hash": r["hash"],
                    "seed": seed,
                    "replications": n,
                    "version": __version__,
                    "factors": r.get("factors", {}),
                },
                indent=1,
                default=str,
            )
        )

        def _step(done: int, _tot: int, k: int = k) -> None:
            if progress is not None:
                progress(k * n + done, total)

        reps = run_replications(s, n, seed=seed, workers=workers, out_dir=rd, progress=_step)
        reps.insert(0, "label", r["label"])
        for key, value in r.get("factors", {}).items():
            reps[key] = value
        frames.append(reps)
    return pd.concat(frames, ignore_index=True)


@dataclass
class Precision:
    """A sequential-replication target for `compare` and `sweep`, and what was reached.

    Replications are added (on common random numbers: the same seeds for every scenario) until
    every pairwise difference in ``metric`` has a 95% half-width of at most ``half_width``, or
    its interval excludes zero (the difference is settled either way), or ``time_limit_min``
    or ``max_replications`` is reached. ``history`` and ``outcome`` are filled in by the run.
    """

    half_width: float
    metric: str = "interception_rate"
    time_limit_min: float | None = None
    max_replications: int = 200
    history: list[dict[str, Any]] = field(default_factory=list)
    outcome: str = ""

    def statement(self) -> str:
        """What was reached, in one sentence."""
        if not self.history:
            return "precision: nothing run"
        h = self.history[-1]
        return (
            f"precision target {self.half_width:g} on {self.metric}: {self.outcome} after "
            f"{h['replications']} replications per scenario; widest pairwise 95% half-width "
            f"{h['widest_half_width']:.4g}; {h['settled_pairs']}/{h['pairs']} pairs settled "
            "(half-width within the target, or the difference excludes zero)"
            + (f" (unsettled: {', '.join(h['unsettled'])})" if h["unsettled"] else "")
        )


def default_precision() -> Precision:
    """The precision target `compare` uses when given neither replications nor a target.

    Starting from the first scenario's ``replications``, it adds replications until every
    pairwise difference in interception rate is within `DEFAULT_HALF_WIDTH` or excludes zero,
    or until `DEFAULT_TIME_LIMIT_MIN` minutes have passed, whichever comes first.
    """
    return Precision(DEFAULT_HALF_WIDTH, "interception_rate", DEFAULT_TIME_LIMIT_MIN)


def precision_state(df: pd.DataFrame, metric: str, half_width: float) -> dict[str, Any]:
    """Pairwise paired differences of ``metric`` between labels: are they precise or settled?

    A pair is settled when its paired 95% t interval (over common replications) has a half-width
    of at most ``half_width`` or excludes zero. Identical replications give a zero-width
    interval and count as settled (the difference is exactly known on these seeds).
    """
    from scipy import stats

    if metric not in df:
        raise UserError(f"--precision: no metric {metric!r} in the replication rows")
    ok = df[df["error"].fillna("") == ""] if "error" in df else df
    wide = ok.pivot_table(index="replication", columns="label", values=metric, aggfunc="mean")
    labels = list(dict.fromkeys(df["label"]))
    pairs, settled, worst, widest, unsettled = 0, 0, 0.0, 0.0, []
    for a, b in itertools.combinations([x for x in labels if x in wide], 2):
        d = (wide[a] - wide[b]).dropna().to_numpy(dtype=float)
        pairs += 1
        if len(d) < 2:
            unsettled.append(f"{a} vs {b}")
            worst = widest = float("inf")
            continue
        half = float(stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d)))
        widest = max(widest, half)
        mean = float(d.mean())
        if half <= half_width or abs(mean) > half:
            settled += 1
        else:
            unsettled.append(f"{a} vs {b}")
            worst = max(worst, half)
    return {
        "pairs": pairs,
        "settled_pairs": settled,
        "worst_half_width": worst,
        "widest_half_width": widest,
        "unsettled": unsettled,
        "reached": settled == pairs,
    }


def compare(
    scenarios: Sequence[Any],
    n: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    out_dir: str | Path = "runs/compare",
    *,
    overrides: Sequence[str] = (),
    progress: Progress | None = None,
    precision: Precision | None = None,
) -> pd.DataFrame:
    """Run every scenario on the same random streams; one row per (scenario, replication).

    Args:
        scenarios: ``Scenario`` objects or YAML paths; the first is the baseline of the report.
        n: replications per scenario (default: the first scenario's ``replications``).
        seed: root seed shared by all scenarios (default: the first scenario's ``seed``).
        workers: local processes per scenario (1 = serial).
        out_dir: experiment directory; scenario ``name`` goes to ``out_dir/<name>/``.
        overrides: ``key.path=value`` strings applied to every scenario (e.g. ``duration_days=20``).
        progress: called as ``progress(done, total)`` over all replications.
        precision: add replications until pairwise differences are precise or settled (see
            `Precision`); ``n`` is then the starting number. When neither ``n`` nor
            ``precision`` is given, `default_precision` applies (the main job's setting).

    Returns:
        ``label`` (the scenario name) followed by the ``run_replications`` columns; with a
        precision target, ``attrs["precision"]`` says what was reached (also stored in
        ``experiment.json`` under ``precision``).
    """
    if not scenarios:
        raise UserError("compare needs at least one scenario")
    loaded = [_load(s, overrides) for s in scenarios]
    if n is None and precision is None and len(loaded) > 1:
        precision = default_precision()
    n = loaded[0].replications if n is None else int(n)
    seed = loaded[0].seed if seed is None else int(seed)
    runs = [
        {"label": s.name, "dir": _safe_dir(s.name), "scenario_obj": s, "factors": {}}
        for s in loaded
    ]
    return _run_all(
        runs,
        kind="compare",
        n=n,
        seed=seed,
        workers=workers,
        out_dir=out_dir,
        progress=progress,
        precision=precision,
    )


def parse_vary(items: Sequence[str]) -> dict[str, list[Any]]:
    """Parse ``key.path=v1,v2,...`` strings (values parsed as YAML: numbers, booleans, names).

    Raises:
        UserError: when an item has no ``=``, no values, or a key is repeated.
    """
    from sim.scenarios.yaml_reader import parse_value

    vary: dict[str, list[Any]] = {}
    for item in items:
        if "=" not in item:
            raise UserError(f"--vary {item!r}: expected key.path=v1,v2,...")
        key, raw = item.split("=", 1)
        key = key.strip()
        if not key:
            raise UserError(f"--vary {item!r}: missing key path")
        if key in vary:
            raise UserError(f"--vary {key} given twice")
        values = []
        for tok in (t.strip() for t in raw.split(",")):
            if tok == "":
                continue
            try:  # parsed within the scenario reader's limits (nesting, aliases, size)
                values.append(parse_value(tok))
            except ValueError as exc:
                raise UserError(f"--vary {key}: {exc}") from None
        if not values:
            raise UserError(f"--vary {key}: no values")
        vary[key] = values
    return vary


def _fmt_value(v: Any) -> str:
    return json.dumps(v) if isinstance(v, (list, dict)) else str(v)


def sweep_variants(
    base_scenario: str | Path | dict[str, Any],
    vary: Mapping[str, Sequence[Any]],
    overrides: Sequence[str] = (),
) -> list[tuple[dict[str, Any], Any]]:
    """The grid of variants: (factors, validated Scenario) over the product of the values.

    Raises:
        UserError: when ``vary`` is empty; ``ScenarioError`` when a variant does not validate.
    """
    from sim.scenarios import load_scenario

    if not vary:
        raise UserError("sweep needs at least one --vary key.path=v1,v2,...")
    keys = list(vary)
    out = []
    for values in itertools.product(*(vary[k] for k in keys)):
        factors = dict(zip(keys, values, strict=True))
        sets = [*overrides, *(f"{k}={_fmt_value(v)}" for k, v in factors.items())]
        out.append((factors, load_scenario(base_scenario, overrides=sets)))
    return out


def sweep(
    base_scenario: str | Path | dict[str, Any],
    vary: Mapping[str, Sequence[Any]],
    n: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    out_dir: str | Path = "runs/sweep",
    *,
    overrides: Sequence[str] = (),
    progress: Progress | None = None,
    precision: Precision | None = None,
) -> pd.DataFrame:
    """Run a grid of variants of one scenario on common random numbers.

    Args:
        base_scenario: YAML path (or dict) of the scenario to vary.
        vary: key path -> values, e.g. ``{"assets.us_p8.count": [1, 2, 4]}``; the grid is
            the product of all value lists.
        n: replications per variant (default: the scenario's).
        seed: root seed shared by all variants (default: the scenario's).
        workers: local processes per variant.
        out_dir: experiment directory; variant ``i`` goes to ``out_dir/variant_<i>/``.
        overrides: fixed ``key.path=value`` strings applied before the varied ones.
        progress: called as ``progress(done, total)`` over all replications.
        precision: add replications until pairwise differences are precise or settled.

    Returns:
        ``label`` (``key=value, ...``), the ``run_replications`` columns, and one column per
        varied key path holding its value.
    """
    variants = sweep_variants(base_scenario, vary, overrides)
    first = variants[0][1]
    n = first.replications if n is None else int(n)
    seed = first.seed if seed is None else int(seed)
    leaves = [k.split(".")[-1] for k in vary]
    short = {
        k: (leaf if leaves.count(leaf) == 1 else k) for k, leaf in zip(vary, leaves, strict=True)
    }
    runs = [
        {
            "label": ", ".join(f"{short[k]}={_fmt_value(v)}" for k, v in f.items()),
            "dir": f"variant_{i:03d}",
            "scenario_obj": s,
            "factors": f,
        }
        for i, (f, s) in enumerate(variants)
    ]
    return _run_all(
        runs,
        kind="sweep",
        n=n,
        seed=seed,
        workers=workers,
        out_dir=out_dir,
        progress=progress,
        extra={"vary": {k: list(v) for k, v in vary.items()}, "base": str(base_scenario)},
        precision=precision,
    )
