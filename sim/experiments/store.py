"""How a run directory stores its tables: hive-partitioned, self-describing Parquet.

One folder per table, one ``replication=<i>`` partition per replication::

    RUN/replications/replication=0/part-0.parquet   the replication's summary row
    RUN/replications/replication=0/_summary.json    the same row with provenance (resume)
    RUN/events/replication=0/part-0.parquet
    RUN/voyages/...  RUN/assets/...  RUN/tracks/... (record_tracks)  RUN/ais/... (--ais)

so that any Parquet reader combines a whole run or a whole comparison without our code::

    pd.read_parquet(run / "events")                      # replication comes from the folder
    pyarrow.dataset.dataset(run / "events", partitioning="hive")
    duckdb.read_parquet("cmp/*/events/*/*.parquet", hive_partitioning=True)

Why one folder per table: a Parquet dataset is one schema, so events, voyages and assets
cannot share a folder that readers take as a whole. ``replication`` lives only in the folder
name (hive convention): a file column of the same name clashes with the partition column in
pyarrow ("Unable to merge: Field replication has incompatible types"). ``_summary.json``
starts with ``_`` so pyarrow skips it, and it is written last: a replication counts as
finished only once it exists.

Every table gets ``scenario`` (categorical) and ``seed`` (the root seed) columns, a calendar
``*_time`` column beside each hour column (scenario ``start_date`` + hours, UTC), strings as
categoricals, and in its Parquet schema the description and unit of every column (field
metadata ``description``/``unit``) plus a table-level ``sanctions_sim`` JSON entry.
Descriptions come from the column dicts of ``sim.model.records`` (their single source).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = [
    "SUMMARY_FILE",
    "SUMMARY_TABLE",
    "PART_FILE",
    "ADDED_COLUMNS",
    "TIME_COLUMNS",
    "column_docs",
    "column_unit",
    "partition_dir",
    "tidy_table",
    "write_table",
    "write_replication",
    "finished_replications",
]

SUMMARY_TABLE = "replications"
"""Table (folder) of one summary row per replication."""
SUMMARY_FILE = "_summary.json"
"""Per-replication summary with provenance; its presence marks the replication finished."""
PART_FILE = "part-0.parquet"
"""File name of a table's data inside its ``replication=<i>`` folder."""

TIME_COLUMNS: dict[str, str] = {
    "t_h": "time",
    "start_h": "start_time",
    "end_h": "end_time",
    "t0_h": "t0_time",
    "t1_h": "t1_time",
}
"""Hour columns that are instants, and the name of the calendar column written beside each."""

ADDED_COLUMNS: dict[str, str] = {
    "scenario": "Scenario name.",
    "seed": "Root seed of the run (replication i draws SeedSequence(seed).spawn(n)[i]).",
    "replication": "Replication index (hive partition folder replication=<i>).",
    **{
        new: f"Calendar time of {old} (scenario start_date + {old} hours), UTC."
        for old, new in TIME_COLUMNS.items()
    },
}
"""Columns every stored table gets, beside its own."""

_UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_t_per_year", "t/yr"),
    ("_per_year", "1/yr"),
    ("_per_sortie", "1/sortie"),
    ("_share", "1"),
    ("_rate", "1"),
    ("_nm", "nmi"),
    ("_kn", "kn"),
    ("_km", "km"),
    ("_m", "m"),
    ("_h", "h"),
    ("_s", "s"),
    ("_t", "t"),
    ("_deg", "degree"),
    ("_days", "d"),
    ("_time", "UTC"),
)
_UNITS: dict[str, str] = {
    "lon": "degrees_east",
    "lat": "degrees_north",
    "time": "UTC",
    "years": "yr",
    "ship_days": "d",
    "patrol_hours": "h",
    "flight_hours": "h",
    "patrol_hours_per_interception": "h",
    "barrels_delivered_per_year": "bbl/yr",
}


def column_unit(name: str) -> str:
    """Unit of a column from its name (names carry units: ``patrol_h``, ``distance_nm``).

    Returns ``""`` for identifiers, labels, flags and counts.
    """
    if name in _UNITS:
        return _UNITS[name]
    for suffix, unit in _UNIT_SUFFIXES:
        if name.endswith(suffix):
            return unit
    return ""


def column_docs(table: str) -> dict[str, str]:
    """Descriptions of a table's columns: ``sim.model.records`` plus the added columns."""
    from sim.model import records

    own: Mapping[str, str] = {
        "events": records.EVENT_COLUMNS,
        "voyages": records.VOYAGE_COLUMNS,
        "assets": records.ASSET_COLUMNS,
        "tracks": records.TRACK_COLUMNS,
        SUMMARY_TABLE: records.SUMMARY_COLUMNS,
    }.get(table, {})
    if table == "ais":
        from sim.monitoring.formats import MARINECADASTRE_COLUMNS

        own = MARINECADASTRE_COLUMNS
    elif table == "truth_identities":
        from sim.monitoring.formats import IDENTITY_COLUMNS

        own = IDENTITY_COLUMNS
    elif table == "ais_scores":
        from sim.analysis.scoring import SCORE_COLUMNS

        own = SCORE_COLUMNS
    return {**ADDED_COLUMNS, **own}


def partition_dir(run_dir: str | Path, table: str, index: int) -> Path:
    """``RUN/<table>/replication=<index>``."""
    return Path(run_dir) / table / f"replication={int(index)}"


def tidy_table(
    df: pd.DataFrame, *, scenario: str, seed: int, start_date: dt.date | str | None
) -> pd.DataFrame:
    """The stored form of a table: scenario/seed first, calendar times, categorical strings.

    A ``replication`` column is dropped (the partition folder carries it).
    """
    out = df.drop(columns=["replication"], errors="ignore").copy()
    start = pd.Timestamp(start_date) if start_date is not None else None
    cols: dict[str, Any] = {
        "scenario": pd.Categorical([scenario] * len(out)),
        "seed": np.full(len(out), int(seed), dtype=np.int64),
    }
    for c in out.columns:
        if c in ("scenario", "seed"):
            continue
        s = out[c]
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            s = s.astype("category")
        cols[c] = s
        if start is not None and c in TIME_COLUMNS and pd.api.types.is_numeric_dtype(s.dtype):
            cols[TIME_COLUMNS[c]] = (start + pd.to_timedelta(s.astype(float), unit="h")).astype(
                "datetime64[ms]"
            )
    return pd.DataFrame(cols, index=pd.RangeIndex(len(out)))


def _described(table: pa.Table, name: str, extra: Mapping[str, Any]) -> pa.Table:
    docs = column_docs(name)
    fields = []
    for f in table.schema:
        meta = dict(f.metadata or {})
        if f.name in docs:
            meta[b"description"] = docs[f.name].encode()
        unit = column_unit(f.name)
        if unit:
            meta[b"unit"] = unit.encode()
        fields.append(f.with_metadata(meta))
    schema_meta = dict(table.schema.metadata or {})
    schema_meta[b"sanctions_sim"] = json.dumps({"table": name, **extra}, default=str).encode()
    return table.cast(pa.schema(fields, metadata=schema_meta))


def write_table(
    run_dir: str | Path,
    name: str,
    index: int,
    df: pd.DataFrame,
    *,
    scenario: str,
    seed: int,
    start_date: dt.date | str | None,
) -> Path:
    """Write one table of one replication (atomically: a hidden temporary, then a rename)."""
    d = partition_dir(run_dir, name, index)
    d.mkdir(parents=True, exist_ok=True)
    tidy = tidy_table(df, scenario=scenario, seed=seed, start_date=start_date)
    table = pa.Table.from_pandas(tidy, preserve_index=False)
    table = _described(
        table,
        name,
        {
            "scenario": scenario,
            "seed": int(seed),
            "replication": int(index),
            "start_date": start_date,
        },
    )
    final = d / PART_FILE
    tmp = d / f".{PART_FILE}.{os.getpid()}.tmp"  # neither pyarrow nor *.parquet globs see it
    pq.write_table(table, tmp)
    os.replace(tmp, final)
    return final


def write_replication(
    run_dir: str | Path,
    index: int,
    tables: Mapping[str, pd.DataFrame | None],
    row: Mapping[str, Any],
    provenance: Mapping[str, Any],
    start_date: dt.date | str | None,
) -> None:
    """Write every table of one replication, then its summary (the 'finished' mark) last.

    Any earlier partition of this replication (another scenario or seed, or a run killed
    half-way) is removed first, so no table keeps rows of an older replication.
    """
    run = Path(run_dir)
    for old in run.glob(f"*/replication={int(index)}"):
        if old.is_dir():
            shutil.rmtree(old)
    scenario, seed = str(row["scenario"]), int(row["seed"])
    for name, df in tables.items():
        if df is not None:
            write_table(run, name, index, df, scenario=scenario, seed=seed, start_date=start_date)
    summary = pd.DataFrame(
        [{k: v for k, v in row.items() if k not in ("replication", "traceback")}]
    )
    write_table(
        run, SUMMARY_TABLE, index, summary, scenario=scenario, seed=seed, start_date=start_date
    )
    meta = {**row, "start_date": None if start_date is None else str(start_date)}
    meta["provenance"] = dict(provenance)
    d = partition_dir(run, SUMMARY_TABLE, index)
    tmp = d / f".{SUMMARY_FILE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(meta, default=float, indent=1))
    os.replace(tmp, d / SUMMARY_FILE)


def finished_replications(run_dir: str | Path, *, clean: bool = False) -> dict[int, dict[str, Any]]:
    """Summary rows (with provenance) of the replications finished in a run directory.

    A replication is finished when its ``_summary.json`` exists (written last). With
    ``clean``, hidden temporaries left by a killed run and folders of the old layout
    (``replications/rep_NNNNN``, which would break whole-folder readers) are removed.
    """
    base = Path(run_dir) / SUMMARY_TABLE
    done: dict[int, dict[str, Any]] = {}
    if not base.is_dir():
        return done
    if clean:
        for old in [*base.glob("rep_*"), *base.glob(".tmp_rep_*")]:
            shutil.rmtree(old, ignore_errors=True)
        for tmp in Path(run_dir).glob("*/replication=*/.*.tmp"):
            tmp.unlink(missing_ok=True)
    for p in sorted(base.glob(f"replication=*/{SUMMARY_FILE}")):
        try:
            row = json.loads(p.read_text())
            index = int(row["replication"])
        except (OSError, ValueError, TypeError, KeyError, IndexError):
            continue  # damaged or foreign: not a finished replication (re-run and replaced)
        if p.parent.name != f"replication={index}":
            continue
        done[index] = row
    return done
