"""Read stored run directories (hive-partitioned Parquet tables) into DataFrames.

A run directory is what ``run_replications(out_dir=...)`` writes (layout and column
metadata: ``sim.experiments.store``)::

    RUN/replications/replication=0/part-0.parquet + _summary.json
    RUN/{events,voyages,assets,tracks}/replication=0/part-0.parquet

Plain readers work too: ``pd.read_parquet(RUN / "events")``.

A comparison or sweep directory holds one run directory per scenario (or variant) and
an ``experiment.json`` naming them in order. Everything here reads files only: the
report never needs a live run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import UserError

__all__ = [
    "EXPERIMENT_FILE",
    "read_experiment",
    "read_replications",
    "read_table",
    "run_dirs",
]

EXPERIMENT_FILE = "experiment.json"
"""Manifest of a comparison/sweep directory.

Kind, seed, replications, ordered runs with labels and factors.
"""

_REPS = "replications"
_SUMMARY = "_summary.json"  # sim.experiments.store.SUMMARY_FILE (analysis does not import it)


def _rep_dirs(run_dir: Path) -> list[Path]:
    """The ``replications/replication=<i>`` folders, in replication order."""
    base = Path(run_dir) / _REPS
    if not base.is_dir():
        return []
    found = [p for p in base.glob("replication=*") if p.is_dir()]
    return sorted(found, key=lambda p: int(p.name.split("=")[1]))


def _index(d: Path) -> int:
    return int(d.name.split("=")[1])


def _summary(path: Path) -> dict[str, Any] | None:
    """A replication's summary row, or None when it is missing or damaged (not a finished one)."""
    try:
        row = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(row, dict) or not isinstance(row.get("replication"), int):
        return None
    return row


def read_replications(run_dir: str | Path) -> pd.DataFrame:
    """One row per stored replication of a run directory (its ``_summary.json`` without provenance).

    Adds ``theater`` and ``sim_h`` from the provenance when present. Empty when nothing is stored.
    """
    rows = []
    for d in _rep_dirs(Path(run_dir)):
        row = _summary(d / _SUMMARY)
        if row is None:
            continue
        prov = row.pop("provenance", {}) or {}
        if not isinstance(prov, dict):
            prov = {}
        row.pop("start_date", None)
        row["sim_h"] = prov.get("sim_h")
        rows.append(row)
    df = pd.DataFrame(rows)
    if len(df):
        if "error" not in df:
            df["error"] = ""
        df = df.sort_values("replication", kind="stable").reset_index(drop=True)
    return df


def read_table(
    run_dir: str | Path,
    table: str,
    *,
    columns: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Concatenate one table (``events``, ``voyages`` or ``assets``) over a run's replications.

    Args:
        run_dir: the run directory.
        table: table name (file ``<table>.parquet``).
        columns: read only these columns (faster on big event tables).
        kinds: for events, keep only these event kinds (filtered while reading).

    Returns:
        The rows of every finished replication with a ``replication`` column (from the
        partition folder). String columns are categoricals; pandas unions differing
        categories when concatenating.
    """
    cols = (
        None if columns is None else list(dict.fromkeys([*columns, *(["kind"] if kinds else [])]))
    )
    # only replications whose summary exists: a killed run may leave a finished table behind
    done = {_index(d) for d in _rep_dirs(Path(run_dir)) if (d / _SUMMARY).exists()}
    base = Path(run_dir) / table
    parts = (
        sorted(
            (p for p in base.glob("replication=*/part-*.parquet") if _index(p.parent) in done),
            key=lambda p: _index(p.parent),
        )
        if base.is_dir()
        else []
    )
    frames = []
    for f in parts:
        df = pd.read_parquet(
            f, columns=cols, filters=[("kind", "in", list(kinds))] if kinds else None
        )
        df.insert(0, "replication", _index(f.parent))
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=["replication", *(cols or [])])
    return pd.concat(frames, ignore_index=True)


def run_dirs(out_dir: str | Path) -> list[dict[str, Any]]:
    """The runs of a comparison/sweep directory, in order.

    Dicts with ``label``, ``path``, ``factors``.

    Uses ``experiment.json`` when present; otherwise every sub-folder holding replications
    (sorted by name), or ``out_dir`` itself when it is a single run directory.
    """
    out = Path(out_dir)
    exp = read_experiment(out)
    if exp is not None:
        return [{**r, "path": out / r["dir"]} for r in exp["runs"]]
    if (out / _REPS).is_dir():
        return [{"label": out.name, "dir": ".", "path": out, "factors": {}}]
    return (
        [
            {"label": p.name, "dir": p.name, "path": p, "factors": {}}
            for p in sorted(out.iterdir())
            if (p / _REPS).is_dir()
        ]
        if out.is_dir()
        else []
    )


def read_experiment(out_dir: str | Path) -> dict[str, Any] | None:
    """The ``experiment.json`` manifest of a comparison/sweep directory, or None."""
    f = Path(out_dir) / EXPERIMENT_FILE
    if not f.exists():
        return None
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"{f}: cannot read this experiment manifest ({exc})") from None
    runs = data.get("runs") if isinstance(data, dict) else None
    if not isinstance(runs, list) or not all(isinstance(r, dict) and "dir" in r for r in runs):
        raise UserError(f"{f}: not an experiment manifest (expected an object with 'runs')")
    return data
