"""The command line as a newcomer uses it: exit codes, messages, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=cwd or ROOT
    )


def test_help_lists_every_command():
    out = cli("--help").stdout
    for cmd in ("run", "validate", "schema", "calibrate", "results", "compare", "sweep", "map"):
        assert cmd in out


def test_validate_all_shipped_scenarios():
    r = cli("validate", *map(str, SCENARIOS))
    assert r.returncode == 0, r.stderr
    assert r.stdout.count(": ok") == len(SCENARIOS)


BAD = {
    "wrong_type.yaml": (
        "name: x\ndescription: d\nduration_days: a year\n",
        "duration_days",
        "number",
    ),
    "unknown_key.yaml": (
        "name: x\ndescription: d\ntrafic: {vessels: 3}\n",
        "Did you mean 'traffic'",
        "trafic",
    ),
    "misspelt_port.yaml": (
        "name: x\ndescription: d\nprograms:\n  - name: p\n    dprk_ports: [Nampho]\n",
        "Did you mean 'Nampo'",
        "programs.0.dprk_ports.0",
    ),
    "negative_speed.yaml": (
        "name: x\ndescription: d\ntraffic: {speed_kn: [-3, 10]}\n",
        "traffic.speed_kn",
        "greater",
    ),
    "barrier_on_land.yaml": (
        "name: x\ndescription: d\nassets:\n  - name: a\n    kind: warship\n    base: Busan\n"
        "    strategy: {kind: barrier, barrier: [[127.5, 36.5], [128.5, 36.0]]}\n",
        "on land",
        "assets.0.strategy.barrier",
    ),
    "empty.yaml": ("", "empty", "s"),
    "not_yaml.yaml": ("name: [oops\n  : :\n", "not valid YAML", "not_yaml.yaml:"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_exit_2_with_a_located_message(tmp_path, name):
    text, must1, must2 = BAD[name]
    path = tmp_path / name
    path.write_text(text)
    r = cli("validate", str(path))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert must1 in r.stderr and must2 in r.stderr, r.stderr
    assert f"{name}:" in r.stderr  # file:line:column first


def test_run_with_bad_set_and_missing_file_exit_2():
    r = cli("run", "scenarios/nope.yaml")
    assert r.returncode == 2 and "file not found" in r.stderr and "Traceback" not in r.stderr
    r = cli("run", "scenarios/crackdown_2018.yaml", "--set", "assets.us_p9.count=2")
    assert r.returncode == 2 and "Did you mean 'us_p8'" in r.stderr


def test_schema_is_json_schema():
    schema = json.loads(cli("schema").stdout)
    assert schema["title"] == "Scenario" and "programs" in schema["properties"]


@pytest.mark.slow
def test_run_writes_results_and_prints_intervals(tmp_path):
    out = tmp_path / "run"
    r = cli(
        "run",
        "scenarios/crackdown_2018.yaml",
        "-n",
        "2",
        "--workers",
        "1",
        "--set",
        "duration_days=10",
        "--set",
        "warmup_days=0",
        "--set",
        "traffic.vessels=10",
        "--out",
        str(out),
    )
    assert r.returncode == 0, r.stderr
    assert "Interception rate" in r.stdout and "95% CI" in r.stdout
    # piped, progress is plain log lines: the theater load from the first second, then one
    # line per replication
    log = r.stderr.splitlines()
    assert log[0] == "run: reading scenarios/crackdown_2018.yaml and its theater..."
    assert log[1].startswith("run: reading scenarios/crackdown_2018.yaml and its theater: done in")
    assert [line.split(" (")[0] for line in log if "replications done" in line] == [
        "run: 1/2 replications done",
        "run: 2/2 replications done",
    ]
    assert "\r" not in r.stderr
    for f in (
        "manifest.json",
        "scenario.resolved.yaml",
        "replications.csv",
        "replications.parquet",
        "metrics.csv",
    ):
        assert (out / f).exists(), f
    assert len(list((out / "events").glob("replication=*/part-0.parquet"))) == 2
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 2018 and manifest["version"] and manifest["scenario_hash"]
    # a changed scenario is refused in the same folder
    r2 = cli(
        "run",
        "scenarios/crackdown_2018.yaml",
        "-n",
        "2",
        "--set",
        "duration_days=11",
        "--set",
        "warmup_days=0",
        "--out",
        str(out),
    )
    assert r2.returncode == 2 and "different scenario" in r2.stderr


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_scenario_runs_briefly(path, korea):
    import sim
    from sim.model import check_invariants

    s = sim.load_scenario(
        path, overrides=["duration_days=8", "traffic.vessels=10", "warmup_days=0"]
    )
    r = sim.run(s, seed=1, theater=korea)
    assert len(r.voyages) > 0
    assert check_invariants(r, korea) == []


@pytest.mark.slow
def test_run_with_ais_monitoring(tmp_path):
    import pandas as pd

    out = tmp_path / "ais"
    r = cli(
        "run",
        "scenarios/crackdown_2018.yaml",
        "-n",
        "1",
        "--workers",
        "1",
        "--set",
        "duration_days=15",
        "--set",
        "warmup_days=0",
        "--set",
        "traffic.vessels=15",
        "--out",
        str(out),
        "--ais",
    )
    assert r.returncode == 0, r.stderr
    assert "AIS detectors against ground truth" in r.stdout
    for table in ("tracks", "ais", "truth_transfers", "detected_encounters", "ais_scores"):
        assert (out / table / "replication=0" / "part-0.parquet").exists(), table
    feed = pd.read_parquet(out / "ais" / "replication=0")
    assert {"MMSI", "BaseDateTime", "LAT", "LON", "SOG", "COG", "Heading", "VesselType"} <= set(
        feed.columns
    )
    assert "vessel" not in feed  # ground truth is in its own table
    senders = pd.read_parquet(out / "truth_identities" / "replication=0")
    vessel = feed["MMSI"].map(senders.drop_duplicates("MMSI").set_index("MMSI")["vessel"])
    tracks = pd.read_parquet(out / "tracks" / "replication=0")
    dark = set(tracks.loc[~tracks["ais_on"], "vessel"]) - set(
        tracks.loc[tracks["ais_on"], "vessel"]
    )
    assert vessel.notna().all() and not (set(vessel) & dark)  # always-dark ships never heard
    scores = pd.read_csv(out / "ais_scores.csv")
    assert set(scores["detector"]) == {"encounters", "loitering", "gaps", "identity"}


@pytest.mark.slow
def test_run_with_geo_writes_geoparquet_and_an_offline_map(tmp_path):
    """`run --geo`: GeoParquet points and LineStrings in WGS 84, and a map page with no CDN."""
    gpd = pytest.importorskip("geopandas")
    pytest.importorskip("bokeh")
    out = tmp_path / "geo"
    r = cli(
        "run",
        "scenarios/crackdown_2018.yaml",
        "-n",
        "1",
        "--workers",
        "1",
        "--set",
        "duration_days=15",
        "--set",
        "warmup_days=0",
        "--set",
        "traffic.vessels=15",
        "--out",
        str(out),
        "--geo",
    )
    assert r.returncode == 0, r.stderr
    tracks = gpd.read_parquet(out / "geo_tracks" / "replication=0" / "part-0.parquet")
    assert set(tracks.geom_type) == {"LineString"} and tracks.crs.to_epsg() == 4326
    transfers = gpd.read_parquet(out / "geo_transfers" / "replication=0" / "part-0.parquet")
    assert set(transfers["kind"]) <= {"transfer_start"} and set(transfers.geom_type) <= {"Point"}
    page = (out / "map.html").read_text()
    assert "<script src=" not in page and "Bokeh" in page


@pytest.mark.slow
def test_compare_logs_progress_when_piped_and_prints_the_table_results_prints_again(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("COLUMNS", "200")  # one block of columns, whatever the terminal
    out = tmp_path / "cmp"
    sets = ["duration_days=6", "warmup_days=0", "traffic.vessels=10"]
    r = cli(
        "compare",
        "scenarios/baseline_2017.yaml",
        "scenarios/crackdown_2018.yaml",
        "-n",
        "2",
        "-w",
        "1",
        *(a for s in sets for a in ("--set", s)),
        "--no-maps",
        "--out",
        str(out),
    )
    assert r.returncode == 0, r.stderr
    log = r.stderr.splitlines()
    assert log[0] == "compare: reading 2 scenario file(s) and their theater..."
    assert sum("replications done" in line for line in log) == 4
    assert log[-1].startswith("compare: building the report (figures): done in")
    start = log.index("compare: building the report (figures)...")
    assert log[start + 1] == f"compare:   reading the runs of {out}"
    assert [line.split(":", 2)[1].strip() for line in log[start + 2 : -1]] == [
        f"{k}/4 figure" for k in range(1, 5)
    ]  # one log line per figure, as it is drawn
    table = r.stdout[: r.stdout.index("report:")].strip()
    header = next(line for line in table.splitlines() if line.startswith("metric"))
    assert header.split() == ["metric", "baseline_2017", "crackdown_2018"]
    again = cli("results", str(out))
    assert again.returncode == 0, again.stderr
    body = lambda text: text[text.index("metric") :].split("(mean over")[0]  # noqa: E731
    assert body(again.stdout) == body(table)  # the same numbers, read back from disk
    resumed = cli(*r.args[3:])  # the same command again: everything is read back
    done = [line.split(" (")[0] for line in resumed.stderr.splitlines() if "done (" in line]
    assert done == ["compare: 2/4 replications done", "compare: 4/4 replications done"]


def test_a_cold_cache_build_is_shown_step_by_step_when_piped(tmp_path):
    """Each geography build step is a log line under its stage; a warm cache has none."""
    env = {**os.environ, "SANCTIONS_SIM_CACHE": str(tmp_path / "cold")}
    cmd = [sys.executable, "-m", "sim", "map", "--bbox", "124.5,37,126.5,38.5", "--name", "corner"]
    cmd += ["--no-routes", "--out", str(tmp_path)]
    runs = [subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env) for _ in "12"]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr
    cold, warm = (r.stderr.splitlines() for r in runs)
    stage = "map: loading the --bbox region (the first time, its geography cache is built)"
    assert cold[0] == f"{stage}..."
    assert cold[1].startswith("map:   zone raster of corner: not in the cache, building it (")
    assert cold[2].startswith("map:   zone raster: built and cached in ")
    assert cold[3].startswith(f"{stage}: done in ")
    assert warm[0] == f"{stage}..." and warm[1].startswith(f"{stage}: done in ")
