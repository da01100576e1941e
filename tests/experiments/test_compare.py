"""compare/sweep on common random numbers, the report on a tiny real run, and the CLI exit codes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sim.cli import main as cli
from sim.errors import UserError
from sim.experiments.compare import compare, parse_vary, sweep_variants

BASELINE = "scenarios/baseline_2017.yaml"
CRACKDOWN = "scenarios/crackdown_2018.yaml"
TINY = ["duration_days=10", "warmup_days=0", "traffic.vessels=5"]


@pytest.fixture(scope="module")
def tiny_compare(tmp_path_factory):
    """Two scenarios x two replications, ten simulated days: the smallest real comparison."""
    out = tmp_path_factory.mktemp("compare")
    reps = compare([BASELINE, CRACKDOWN], n=2, seed=11, workers=1, out_dir=out, overrides=TINY)
    return out, reps


@pytest.mark.slow
def test_compare_one_row_per_scenario_and_replication_on_the_same_streams(tiny_compare):
    out, reps = tiny_compare
    assert list(zip(reps["label"], reps["replication"], strict=True)) == [
        ("baseline_2017", 0),
        ("baseline_2017", 1),
        ("crackdown_2018", 0),
        ("crackdown_2018", 1),
    ]
    assert set(reps["seed"]) == {11}  # one root seed for every scenario: common random numbers
    exp = json.loads((out / "experiment.json").read_text())
    assert [r["dir"] for r in exp["runs"]] == ["baseline_2017", "crackdown_2018"]
    for name in ("baseline_2017", "crackdown_2018"):
        assert len(list((out / name / "events").glob("replication=*/part-0.parquet"))) == 2
        assert (out / name / "scenario.resolved.yaml").exists()
    stored = [
        json.loads(p.read_text())["provenance"]["spawn_key"]
        for p in sorted(out.glob("*/replications/replication=1/_summary.json"))
    ]
    assert stored == [[1], [1]]


@pytest.mark.slow
def test_a_whole_comparison_reads_as_one_table_in_duckdb_and_pyarrow(tiny_compare):
    """Hive folders + scenario/seed columns: plain Parquet readers combine every run."""
    duckdb = pytest.importorskip("duckdb")
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    out, reps = tiny_compare
    voyages = duckdb.sql(
        f"SELECT scenario, replication, seed, count(*) AS n, min(start_time) AS first "
        f"FROM read_parquet('{out}/*/voyages/*/*.parquet', hive_partitioning=true) "
        "GROUP BY ALL ORDER BY scenario, replication"
    ).df()
    assert list(zip(voyages["scenario"], voyages["replication"], strict=True)) == [
        ("baseline_2017", 0),
        ("baseline_2017", 1),
        ("crackdown_2018", 0),
        ("crackdown_2018", 1),
    ]
    assert set(voyages["seed"]) == {11}
    # start_date: 2017-01-01 for the baseline file, the 2018 default for the crackdown
    assert [t.year for t in voyages.groupby("scenario")["first"].min()] == [2017, 2018]
    started = reps.set_index(["label", "replication"])["voyages_started"]
    # pyarrow: one dataset over both runs' summaries, replication from the folder name
    summary = ds.dataset(
        [ds.dataset(out / s / "replications", partitioning="hive") for s in started.index.levels[0]]
    ).to_table()
    assert summary.num_rows == 4
    assert sorted(summary.column("replication").to_pylist()) == [0, 0, 1, 1]
    # column descriptions and units travel in the Parquet schema
    field = pq.read_schema(out / "crackdown_2018" / "events" / "replication=0" / "part-0.parquet")
    assert field.field("t_h").metadata[b"unit"] == b"h"
    assert b"hours from the scenario start" in field.field("t_h").metadata[b"description"]
    events = pd.read_parquet(out / "crackdown_2018" / "events")
    assert events["kind"].dtype == "category" and events["scenario"].dtype == "category"
    ok = (events["time"] - pd.Timestamp("2018-01-01")) / pd.Timedelta(hours=1) - events["t_h"]
    assert ok.abs().max() < 1e-3  # the calendar column is the hour column, to the millisecond


@pytest.mark.slow
def test_compare_resumes_finished_replications(tiny_compare):
    out, first = tiny_compare
    stamps = {p: p.stat().st_mtime_ns for p in out.glob("*/replications/*/_summary.json")}
    again = compare([BASELINE, CRACKDOWN], n=2, seed=11, workers=1, out_dir=out, overrides=TINY)
    cols = ["label", "replication", "interception_rate", "voyages_started"]
    pd.testing.assert_frame_equal(first[cols], again[cols])
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps  # read back, not re-run


@pytest.mark.slow
def test_compare_refuses_to_mix_a_changed_scenario(tiny_compare):
    out, _ = tiny_compare
    with pytest.raises(UserError, match="different scenario"):
        compare([BASELINE], n=1, seed=11, out_dir=out, overrides=[*TINY, "traffic.vessels=6"])


@pytest.mark.slow
def test_report_from_a_real_compare_run(tiny_compare, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from sim.plotting.report import build_report

    out, _ = tiny_compare
    path = build_report(out, tmp_path, maps=True)
    html = path.read_text()
    assert (
        html.count("data:image/png;base64,") == len(list((tmp_path / "figures").glob("*.png"))) == 6
    )
    csv = pd.read_csv(tmp_path / "comparison.csv")
    assert set(csv["scenario"]) == {"baseline_2017", "crackdown_2018"}
    assert "baseline_2017" in html.split("<div class='summary'>")[1].split("</div>")[0]


def test_parse_vary():
    assert parse_vary(["assets.us_p8.count=1,2,4", "coordination.shared_picture=true,false"]) == {
        "assets.us_p8.count": [1, 2, 4],
        "coordination.shared_picture": [True, False],
    }
    for bad in (["nokey"], ["a.b="], ["a=1", "a=2"]):
        with pytest.raises(UserError):
            parse_vary(bad)


def test_sweep_variants_grid_is_the_product_of_values():
    v = sweep_variants(
        CRACKDOWN, {"assets.us_p8.count": [1, 2], "traffic.vessels": [5, 6, 7]}, TINY
    )
    assert len(v) == 6
    assert [f["traffic.vessels"] for f, _ in v] == [5, 6, 7, 5, 6, 7]
    assert all(s.traffic.vessels == f["traffic.vessels"] for f, s in v)


def test_duplicate_scenarios_are_refused(tmp_path):
    with pytest.raises(UserError, match="share the directory"):
        compare([BASELINE, BASELINE], n=1, out_dir=tmp_path, overrides=TINY)


@pytest.mark.parametrize(
    "argv",
    [
        ["compare", "missing.yaml", "--out", "{tmp}"],
        ["compare", BASELINE, "--replications", "0", "--out", "{tmp}"],
        ["compare", BASELINE, "--set", "traffic.vessels=-3", "--out", "{tmp}"],
        ["sweep", CRACKDOWN, "--out", "{tmp}"],
        ["sweep", CRACKDOWN, "--vary", "no_equals_sign", "--out", "{tmp}"],
        ["sweep", CRACKDOWN, "--vary", "traffic.nonsense_key=1,2", "--out", "{tmp}"],
    ],
)
def test_cli_bad_input_exits_2_without_traceback(argv, tmp_path, capsys):
    assert cli([a.replace("{tmp}", str(tmp_path)) for a in argv]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err  # usage errors print the usage first


@pytest.mark.slow
def test_cli_compare_writes_the_report(tiny_compare, capsys):
    out, _ = tiny_compare  # finished replications are reused, so this only builds the report
    argv = [
        "compare",
        BASELINE,
        CRACKDOWN,
        "-n",
        "2",
        "--seed",
        "11",
        "-w",
        "1",
        "--no-maps",
        "--out",
        str(out),
        *sum((["--set", s] for s in TINY), []),
    ]
    assert cli(argv) == 0
    assert (out / "report.html").exists() and (out / "comparison.csv").exists()
    assert "report:" in capsys.readouterr().out
