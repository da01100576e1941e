"""Benchmarks of issue #16: one replication in SimPy units, its scaling, replication throughput.

Run: ``.venv/bin/python benchmarks/run_all.py [--quick] [--out benchmarks/results.json]``.

Why SimPy units: this 2-core machine is shared and its speed moves by 2x within minutes, so a
wall time alone says little. Every configuration is timed against bare SimPy **in the same run**:
one SimPy unit is the wall time of 1,000,000 bare timeouts (1,000 processes, exponential waits of
mean 1, 1,000 timeouts each), measured in its own subprocess before the first configuration and
after every configuration; a configuration's units are its wall time over the mean of the two
reference measurements around it.

What is measured, per configuration (``crackdown_2018`` with ``traffic.vessels=N``, its fishing
fleets off so that N is the whole legitimate traffic, and every asset
group's count scaled to the asset total, one simulated year; each in a fresh subprocess with the
theater and its routing cache loaded first):

* ``wall_s``: one replication, ``sim.run`` (build the world, run it, collect the tables);
  ``cpu_s`` the CPU time of the same (less sensitive to the other loads on the machine);
* ``units``: ``wall_s`` in SimPy units (above);
* ``peak_rss_mb``: the subprocess's peak resident memory (theater and caches included), MB = 1e6 B;
* ``legit_contacts``: detections of legitimate ships; ``simpy_events``: events SimPy processed
  (``env.step`` calls); ``log_events``: rows of the run's event table.

The scaling series is 1,000 ... 20,000 vessels at 50 assets; ``exponent`` is the least-squares
slope of log(units) on log(vessels) over it (also given for wall time). ``replications`` is the
throughput of ``sim.run_replications`` on the default ``crackdown_2018`` (replications per minute
of the call: worker start, imports and theater load in the workers included; the interpreter's
own start and, for Dask, starting the cluster excluded): 1 worker, 2 local workers, and a Dask
``LocalCluster`` of 2 worker processes.

Targets (issue #16), printed PASS or FAIL: 10,000/50 <= 20 units; 2,000/40 <= 5 units; exponent
<= 1.0 from 1,000 to 20,000 vessels; peak RSS <= 1.5 GB (1,500 MB) at 10,000/50; 2 workers >=
1.8x the replications per minute of 1. ``--quick`` runs tiny settings (a smoke test of this
script, seconds to a minute): its figures check nothing and its targets print ``n/a``.

Writes ``benchmarks/results.json`` (with date, commit, machine and load averages) and prints one
table. The route/geometry disk cache should be warm (run any scenario once first).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "crackdown_2018.yaml"
sys.path.insert(0, str(ROOT / "benchmarks"))
from profile_run import overrides  # noqa: E402  (a sibling script, importable only after the path insert)

MB = 1e6
"""Bytes in the MB of the memory target and the table."""
TARGET_UNITS = {(10_000, 50): 20.0, (2_000, 40): 5.0}
"""Issue #16: SimPy units allowed for one replication of a simulated year, by (vessels, assets)."""
TARGET_EXPONENT = 1.0
"""Issue #16: cost may grow no faster than vessels to this power, 1,000 to 20,000 vessels."""
TARGET_RSS_MB = 1_500.0
"""Issue #16: peak memory at 10,000 vessels and 50 assets, MB."""
TARGET_WORKER_SPEEDUP = 1.8
"""Issue #16: replications per minute with 2 workers over those with 1."""

_SIMPY_CHILD = """
import json, sys, time
import numpy as np
import simpy
n_proc, per = 1000, int(sys.argv[1]) // 1000
waits = np.random.default_rng(16).exponential(1.0, size=(n_proc, per)).tolist()
env = simpy.Environment()
def proc(env, w):
    for d in w:
        yield env.timeout(d)
for w in waits:
    env.process(proc(env, w))
t0 = time.perf_counter()
env.run()
print(json.dumps({"timeouts": n_proc * per, "wall_s": time.perf_counter() - t0}))
"""

_MODEL_CHILD = """
import json, resource, sys, time
from sim.experiments.replications import replication_seeds
from sim.geo import load_theater
from sim.model import run
from sim.model.engine import RouteCache
from sim.scenarios import load_scenario
sc = load_scenario(sys.argv[1], overrides=json.loads(sys.argv[2]))
th = load_theater(sc.theater)
rc = RouteCache.load(th)
t0, c0 = time.perf_counter(), time.process_time()
res = run(sc, replication_seeds(sc.seed, 1)[0], theater=th, route_cache=rc)
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
p = res.provenance
print(json.dumps({"wall_s": wall, "cpu_s": cpu, "simpy_events": p["simpy_steps"],
                  "log_events": len(res.events), "legit_contacts": p["legit_contacts"],
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6}))
"""

_REPS_CHILD = """
import json, sys, time
from sim.experiments import run_replications
from sim.scenarios import load_scenario
sc = load_scenario(sys.argv[1], overrides=json.loads(sys.argv[2]))
n, mode = int(sys.argv[3]), sys.argv[4]
kw = {}
if mode == "dask":
    import distributed
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, memory_limit="6GiB")
    kw["dask_address"] = cluster.scheduler_address
else:
    kw["workers"] = int(mode)
t0 = time.perf_counter()
df = run_replications(sc, n, seed=sc.seed, **kw)
wall = time.perf_counter() - t0
print(json.dumps({"replications": n, "wall_s": wall, "per_minute": 60 * n / wall,
                  "replication_wall_s": df["wall_s"].tolist(),
                  "failed": int((df["error"] != "").sum())}))
"""


def _child(code: str, *args: str, timeout: float = 3600) -> dict[str, Any]:
    """Run a benchmark snippet in a fresh interpreter; its last stdout line is its JSON result."""
    try:
        r = subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=timeout,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if r.returncode != 0:
        lines = r.stderr.strip().splitlines()
        return {"error": lines[-1] if lines else f"exit {r.returncode}"}
    return json.loads(r.stdout.strip().splitlines()[-1])


def _reference(timeouts: int) -> float:
    """Wall time of ``timeouts`` bare SimPy timeouts scaled to 1,000,000 (one SimPy unit), s."""
    r = _child(_SIMPY_CHILD, str(timeouts))
    if "error" in r:
        raise SystemExit(f"bare SimPy reference failed: {r['error']}")
    return float(r["wall_s"]) * 1_000_000 / int(r["timeouts"])


def _plan(quick: bool) -> tuple[list[tuple[int, int]], float | None]:
    """The (vessels, assets) configurations and the simulated days (None: the scenario's year)."""
    if quick:
        return [(200, 20), (100, 10), (200, 10)], 3.0
    series = [(v, 50) for v in (1_000, 2_000, 5_000, 10_000, 20_000)]
    return [(2_000, 40), *series], None


def _machine() -> dict[str, Any]:
    """What ran this: commit, machine and how loaded it was."""

    def git(*a: str) -> str:
        r = subprocess.run(["git", *a], capture_output=True, text=True, cwd=ROOT)
        return r.stdout.strip()

    cpu = ""
    try:
        cpu = next(
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    return {
        "commit": git("rev-parse", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def run_model(
    quick: bool, out: dict[str, Any], save: Any, configs: list[tuple[int, int]], days: float | None
) -> None:
    """These configurations, each between two bare-SimPy reference measurements."""
    ref_n = 200_000 if quick else 1_000_000
    refs = out.setdefault("simpy_reference_s", [])
    if not refs:
        refs.append(_reference(ref_n))
    out.setdefault("model", [])
    for nv, na in configs:
        r = _child(_MODEL_CHILD, str(SCENARIO), json.dumps(overrides(nv, na, days)))
        refs.append(_reference(ref_n))
        r.update({"vessels": nv, "assets": na, "days": days or 365})
        if "wall_s" in r:
            r["unit_s"] = (refs[-2] + refs[-1]) / 2
            r["units"] = r["wall_s"] / r["unit_s"]
        out["model"].append(r)
        print(
            f"  {nv:>6} vessels {na:>3} assets: "
            + (f"{r['wall_s']:.1f} s, {r['units']:.1f} units" if "units" in r else r["error"]),
            flush=True,
        )
        save()


def _exponents(rows: list[dict[str, Any]], assets: int) -> dict[str, Any]:
    """Least-squares slopes of log(units) and log(wall) on log(vessels) at one asset count."""
    pts = [r for r in rows if r["assets"] == assets and "units" in r]
    if len(pts) < 2:
        return {}
    x = np.log([r["vessels"] for r in pts])
    return {
        "assets": assets,
        "vessels": [r["vessels"] for r in pts],
        "units": float(np.polyfit(x, np.log([r["units"] for r in pts]), 1)[0]),
        "wall": float(np.polyfit(x, np.log([r["wall_s"] for r in pts]), 1)[0]),
    }


def run_throughput(quick: bool, n: int, dask: bool) -> dict[str, Any]:
    """Replications per minute of ``crackdown_2018`` by executor (fresh process each)."""
    sets = ["duration_days=2", "warmup_days=0", "traffic.vessels=50"] if quick else []
    res: dict[str, Any] = {"scenario": "crackdown_2018", "sets": sets}
    for mode in ("1", "2", "dask") if dask else ("1", "2"):
        res[mode] = _child(_REPS_CHILD, str(SCENARIO), json.dumps(sets), str(n), mode)
        r = res[mode]
        print(
            f"  replications, {mode} worker(s): "
            + (f"{r['per_minute']:.2f}/min" if "per_minute" in r else r["error"]),
            flush=True,
        )
    return res


def check_targets(out: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets against this run's figures: PASS, FAIL, or n/a (not measured)."""
    quick = out["quick"]
    by = {(r["vessels"], r["assets"]): r for r in out.get("model", []) if "units" in r}
    checks: list[dict[str, Any]] = []

    def add(name: str, value: float | None, limit: float, ok: bool | None) -> None:
        verdict = "n/a" if quick or value is None or ok is None else ("PASS" if ok else "FAIL")
        checks.append({"target": name, "value": value, "limit": limit, "verdict": verdict})

    for (nv, na), lim in TARGET_UNITS.items():
        u = by.get((nv, na), {}).get("units")
        add(f"{nv:,} vessels / {na} assets, SimPy units", u, lim, None if u is None else u <= lim)
    e = out.get("exponent", {})
    spans = bool(e) and min(e["vessels"]) <= 1_000 and max(e["vessels"]) >= 20_000
    eu = e.get("units") if spans else None
    add(
        "cost exponent in vessels, 1,000-20,000",
        eu,
        TARGET_EXPONENT,
        None if eu is None else eu <= TARGET_EXPONENT,
    )
    rss = by.get((10_000, 50), {}).get("peak_rss_mb")
    add(
        "peak RSS at 10,000 / 50, MB",
        rss,
        TARGET_RSS_MB,
        None if rss is None else rss <= TARGET_RSS_MB,
    )
    reps = out.get("replications", {})
    one, two = reps.get("1", {}).get("per_minute"), reps.get("2", {}).get("per_minute")
    sp = two / one if one and two else None
    add(
        "replications/min, 2 workers over 1",
        sp,
        TARGET_WORKER_SPEEDUP,
        None if sp is None else sp >= TARGET_WORKER_SPEEDUP,
    )
    return checks


def print_table(out: dict[str, Any]) -> None:
    """The one table: per configuration, then the fitted exponent, throughput and targets."""
    refs = out.get("simpy_reference_s", [])
    if refs:
        print(
            f"\nSimPy unit (1 M bare timeouts, 1,000 processes, exponential waits): "
            f"median {np.median(refs):.2f} s, range {min(refs):.2f}-{max(refs):.2f} s "
            f"over {len(refs)} measurements in this run"
        )
    print(
        f"{'vessels':>8} {'assets':>6} {'days':>5} {'wall s':>8} {'CPU s':>7} {'units':>7} "
        f"{'RSS MB':>7} {'legit contacts':>15} {'SimPy events':>13} {'log events':>11}"
    )
    for r in out.get("model", []):
        if "units" not in r:
            print(f"{r['vessels']:>8} {r['assets']:>6} {r['days']:>5}  error: {r.get('error')}")
            continue
        print(
            f"{r['vessels']:>8} {r['assets']:>6} {r['days']:>5g} {r['wall_s']:>8.1f} "
            f"{r['cpu_s']:>7.1f} {r['units']:>7.1f} {r['peak_rss_mb']:>7.0f} "
            f"{r['legit_contacts']:>15,} {r['simpy_events']:>13,} {r['log_events']:>11,}"
        )
    e = out.get("exponent", {})
    if e:
        print(
            f"cost ~ vessels^{e['units']:.2f} in SimPy units (wall time: ^{e['wall']:.2f}) at "
            f"{e['assets']} assets, {min(e['vessels']):,}-{max(e['vessels']):,} vessels"
        )
    reps = out.get("replications", {})
    for mode, label in (("1", "1 worker"), ("2", "2 workers"), ("dask", "Dask, 2 processes")):
        r = reps.get(mode)
        if isinstance(r, dict) and "per_minute" in r:
            print(
                f"replications/min, {label}: {r['per_minute']:.2f} "
                f"({r['replications']} in {r['wall_s']:.0f} s)"
            )
        elif isinstance(r, dict):
            print(f"replications, {label}: error: {r.get('error')}")
    for c in out.get("targets", []):
        v = "-" if c["value"] is None else f"{c['value']:.2f}"
        print(f"target {c['target']}: {v} (limit {c['limit']:g}) {c['verdict']}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, write the results file and print the table (module docstring)."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="tiny settings: a smoke test, no verdicts")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.json")
    ap.add_argument("--replications", type=int, default=None, help="per executor (default 4)")
    ap.add_argument("--skip-model", action="store_true", help="only the replication throughput")
    ap.add_argument("--skip-replications", action="store_true")
    ap.add_argument("--skip-dask", action="store_true", help="throughput without the Dask cluster")
    a = ap.parse_args(argv)
    out: dict[str, Any] = {
        "benchmark": "issue 16",
        "quick": a.quick,
        "machine": _machine(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "load_average_start": list(os.getloadavg()),
    }

    def save() -> None:
        a.out.write_text(json.dumps(out, indent=1) + "\n")

    configs, days = _plan(a.quick)
    # the largest configuration last, after the throughput: it takes longest
    if not a.skip_model:
        run_model(a.quick, out, save, configs[:-1], days)
    if not a.skip_replications:
        n = a.replications or (2 if a.quick else 4)
        out["replications"] = run_throughput(a.quick, n, dask=not a.skip_dask)
        save()
    if not a.skip_model:
        run_model(a.quick, out, save, configs[-1:], days)
        out["exponent"] = _exponents(out["model"], 10 if a.quick else 50)
    out["targets"] = check_targets(out)
    out["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    out["load_average_end"] = list(os.getloadavg())
    save()
    print_table(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
