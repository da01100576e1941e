"""``benchmarks/run_all.py``: the issue's targets judged honestly, and a quick smoke run.

No timing is asserted here: the machine is shared, and a benchmark's figures are for its
results file. What is tested is that the script measures what it says and judges it right.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def run_all():
    spec = importlib.util.spec_from_file_location("run_all", ROOT / "benchmarks" / "run_all.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _figures(units_10k=10.0, units_2k=4.0, rss=1200.0, one=2.0, two=3.8, top=20_000):
    model = [
        {"vessels": 2_000, "assets": 40, "units": units_2k, "wall_s": 1.0, "peak_rss_mb": 900.0},
        {"vessels": 10_000, "assets": 50, "units": units_10k, "wall_s": 9.0, "peak_rss_mb": rss},
    ]
    for v in (1_000, 2_000, 5_000, top):
        model.append({"vessels": v, "assets": 50, "units": v / 1_000, "wall_s": v / 1_000})
    return {
        "quick": False,
        "model": model,
        "replications": {"1": {"per_minute": one}, "2": {"per_minute": two}},
    }


def _verdicts(run_all, out):
    out["exponent"] = run_all._exponents(out["model"], 50)
    return {c["target"]: c["verdict"] for c in run_all.check_targets(out)}


def test_every_target_passes_when_the_figures_are_within_the_limits(run_all):
    got = _verdicts(run_all, _figures())
    assert set(got.values()) == {"PASS"} and len(got) == 5


def test_each_target_fails_on_its_own_figure(run_all):
    got = _verdicts(run_all, _figures(units_10k=20.5, rss=1600.0, two=3.0))
    assert got["10,000 vessels / 50 assets, SimPy units"] == "FAIL"
    assert got["peak RSS at 10,000 / 50, MB"] == "FAIL"
    assert got["replications/min, 2 workers over 1"] == "FAIL"  # 1.5x < 1.8x
    assert got["2,000 vessels / 40 assets, SimPy units"] == "PASS"


def test_the_exponent_is_the_slope_of_the_series_and_needs_20000_vessels(run_all):
    out = _figures()
    e = run_all._exponents(out["model"], 50)
    assert e["units"] == pytest.approx(1.0)  # units proportional to vessels in _figures
    # a series that stops short of 20,000 vessels does not check the exponent target
    short = _verdicts(run_all, _figures(top=10_000))
    assert short["cost exponent in vessels, 1,000-20,000"] == "n/a"


def test_quick_run_writes_its_table_and_results_and_judges_nothing(tmp_path):
    out = tmp_path / "results.json"
    r = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run_all.py"), "--quick", "--skip-dask"]
        + ["--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    res = json.loads(out.read_text())
    assert res["quick"] and res["machine"]["commit"]
    # a SimPy reference before the first configuration and after each one
    assert len(res["simpy_reference_s"]) == len(res["model"]) + 1
    for row in res["model"]:
        assert row["units"] == pytest.approx(row["wall_s"] / row["unit_s"])
        assert row["simpy_events"] > 0 and row["peak_rss_mb"] > 0
    assert res["replications"]["2"]["replications"] == 2
    assert {c["verdict"] for c in res["targets"]} == {"n/a"}
    assert "SimPy unit (1 M bare timeouts" in r.stdout and "units" in r.stdout
