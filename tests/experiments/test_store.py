"""The stored form of a run: hive partitions, tidy columns, described Parquet schemas."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq

from sim.analysis.results import read_replications, read_table
from sim.experiments import store
from sim.model.records import EVENT_COLUMNS


def _events(n: int = 3) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "t_h": [0.5 * i for i in range(n)],
            "kind": ["detection"] * n,
            "vessel": [f"D{i}" for i in range(n)],
            "voyage": list(range(n)),
        }
    )


def _write(run, i, events=None, tracks=None):
    row = {"scenario": "s1", "replication": i, "seed": 5, "error": "", "interception_rate": 0.5}
    tables = {"events": _events() if events is None else events, "tracks": tracks}
    store.write_replication(run, i, tables, row, {"sim_h": 10.0}, "2018-03-01")


def test_units_come_from_the_column_names():
    """Names carry units, so the metadata's unit is read off the suffix."""
    assert store.column_unit("patrol_h") == "h"
    assert store.column_unit("distance_nm") == "nmi"
    assert store.column_unit("cargo_t") == "t"
    assert store.column_unit("coal_exported_t_per_year") == "t/yr"
    assert store.column_unit("lat") == "degrees_north"
    assert store.column_unit("vessel") == ""


def test_tidy_table_adds_scenario_seed_and_calendar_times_and_makes_strings_categorical():
    """The stored form: who and which seed first, a datetime beside each instant in hours."""
    out = store.tidy_table(_events(), scenario="s1", seed=5, start_date="2018-03-01")
    assert list(out.columns[:4]) == ["scenario", "seed", "t_h", "time"]
    assert out["time"].iloc[2] == pd.Timestamp("2018-03-01 01:00")
    assert out["kind"].dtype == "category" and out["scenario"].dtype == "category"


def test_parquet_schema_carries_descriptions_and_units_from_records(tmp_path):
    """Column docs are the dicts of sim.model.records, not a copy."""
    _write(tmp_path, 0)
    schema = pq.read_schema(store.partition_dir(tmp_path, "events", 0) / store.PART_FILE)
    assert schema.field("t_h").metadata[b"description"].decode() == EVENT_COLUMNS["t_h"]
    assert schema.field("t_h").metadata[b"unit"] == b"h"
    assert b"start_date" in schema.field("time").metadata[b"description"]
    meta = json.loads(schema.metadata[b"sanctions_sim"])
    assert meta == {
        "table": "events",
        "scenario": "s1",
        "seed": 5,
        "replication": 0,
        "start_date": "2018-03-01",
    }


def test_whole_run_reads_with_pandas_and_the_replication_comes_from_the_folder(tmp_path):
    """pd.read_parquet on a table folder is the whole run; _summary.json does not get in the way."""
    for i in range(3):
        _write(tmp_path, i)
    events = pd.read_parquet(tmp_path / "events")
    assert sorted(events["replication"].astype(int).unique()) == [0, 1, 2]
    summary = pd.read_parquet(tmp_path / "replications")
    assert len(summary) == 3 and set(summary["interception_rate"]) == {0.5}
    assert list(read_replications(tmp_path)["replication"]) == [0, 1, 2]
    assert list(read_table(tmp_path, "events")["replication"].unique()) == [0, 1, 2]


def test_a_rewritten_replication_keeps_no_table_of_the_old_one(tmp_path):
    """Tracks of an earlier run of replication 0 must not survive a rerun without tracks."""
    _write(tmp_path, 0, tracks=pd.DataFrame({"vessel": ["D1"], "t0_h": [0.0]}))
    assert (tmp_path / "tracks" / "replication=0").is_dir()
    _write(tmp_path, 0, events=_events(5))
    assert not (tmp_path / "tracks" / "replication=0").exists()
    assert len(pd.read_parquet(tmp_path / "events")) == 5


def test_a_replication_without_summary_is_not_finished_and_not_read(tmp_path):
    """The summary is written last: a run killed before it leaves nothing that counts."""
    _write(tmp_path, 0)
    _write(tmp_path, 1)
    (store.partition_dir(tmp_path, "replications", 1) / store.SUMMARY_FILE).unlink()
    assert list(store.finished_replications(tmp_path)) == [0]
    assert list(read_table(tmp_path, "events")["replication"].unique()) == [0]


def test_clean_removes_temporaries_and_folders_of_the_old_layout(tmp_path):
    """Old rep_NNNNN folders would break whole-folder readers, so resume removes them."""
    _write(tmp_path, 0)
    old = tmp_path / "replications" / "rep_00000"
    old.mkdir()
    (old / "events.parquet").write_bytes(b"x")
    tmp = store.partition_dir(tmp_path, "events", 0) / ".part-0.parquet.1.tmp"
    tmp.write_bytes(b"x")
    assert list(store.finished_replications(tmp_path, clean=True)) == [0]
    assert not old.exists() and not tmp.exists()
    assert len(pd.read_parquet(tmp_path / "replications")) == 1
