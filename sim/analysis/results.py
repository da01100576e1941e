"""Read stored run directories (Parquet tables + summary.json per replication) into DataFrames.

A run directory is what ``run_replications(out_dir=...)`` writes::

    RUN/replications/rep_00000/{events,voyages,assets}.parquet + summary.json

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


def _rep_dirs(run_dir: Path) -> list[Path]:
    base = Path(run_dir) / _REPS
    return sorted(p for p in base.glob("rep_*") if p.is_dir()) if base.is_dir() else []


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
    """One row per stored replication of a run directory (its ``summary.json`` without provenance).

    Adds ``theater`` and ``sim_h`` from the provenance when present. Empty when nothing is stored.
    """
    rows = []
    for d in _rep_dirs(Path(run_dir)):
        row = _summary(d / "summary.json")
        if row is None:
            continue
        prov = row.pop("provenance", {}) or {}
        if not isinstance(prov, dict):
            prov = {}
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
        The rows of every replication with an added ``replication`` column.
    """
    frames = []
    cols = (
        None if columns is None else list(dict.fromkeys([*columns, *(["kind"] if kinds else [])]))
    )
    filters = [("kind", "in", list(kinds))] if kinds else None
    for d in _rep_dirs(Path(run_dir)):
        f = d / f"{table}.parquet"
        if not f.exists():
            continue
        df = pd.read_parquet(f, columns=cols, filters=filters)
        df.insert(0, "replication", int(d.name.split("_")[-1]))
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
