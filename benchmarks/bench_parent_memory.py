"""Parent-process memory over many replications.

Issue #6: 1,000 replications of ``baseline_2017`` stay under 2 GB in the parent.

Run: ``.venv/bin/python benchmarks/bench_parent_memory.py [--n 1000] [--days 2] [--workers 2]``.

Workers write each replication's tables to Parquet themselves; the parent only keeps one
summary row per replication. This runs ``n`` replications into a temporary run directory
and samples the parent's resident memory (RSS, from ``/proc/self/status``) after every
finished replication, so a leak shows as a slope. Replications are shortened (``--days``)
to keep the run to minutes: what the parent holds per replication does not depend on the
horizon (the event logs never reach it). Writes ``benchmarks/results_parent_memory.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> int:
    """Measure the parent process's memory over a run (see the module docstring)."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--days", type=float, default=2.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results_parent_memory.json")
    a = ap.parse_args(argv)
    from sim.experiments import run_replications
    from sim.scenarios import load_scenario

    sc = load_scenario(
        ROOT / "scenarios" / "baseline_2017.yaml",
        overrides=[f"duration_days={a.days}", "warmup_days=0"],
    )
    samples: list[tuple[int, float]] = []
    t0 = time.perf_counter()
    start_mb = _rss_mb()
    with tempfile.TemporaryDirectory() as d:
        df = run_replications(
            sc,
            a.n,
            seed=1,
            workers=a.workers,
            out_dir=Path(d) / "run",
            progress=lambda done, total: samples.append((done, _rss_mb())),
        )
        files = sum(1 for _ in (Path(d) / "run").rglob("*.parquet"))
    wall = time.perf_counter() - t0
    done = np.array([s[0] for s in samples], dtype=float)
    mb = np.array([s[1] for s in samples])
    half = done >= done.max() / 2
    slope_kb = (
        float(np.polyfit(done[half], mb[half], 1)[0] * 1024) if half.sum() >= 2 else float("nan")
    )
    out = {
        "replications": a.n,
        "days": a.days,
        "workers": a.workers,
        "wall_s": wall,
        "failed": int((df["error"] != "").sum()),
        "parquet_files": files,
        "parent_rss_start_mb": start_mb,
        "parent_rss_end_mb": float(mb[-1]),
        "parent_rss_max_mb": float(mb.max()),
        "parent_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "slope_kb_per_replication_second_half": slope_kb,
        "limit_mb": 2048,
        "met": bool(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 <= 2048),
    }
    a.out.write_text(json.dumps(out, indent=1))
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
