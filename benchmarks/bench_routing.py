"""Routing benchmark: first build, cached load, median query, accuracy; writes results JSON.

Run: ``.venv/bin/python benchmarks/bench_routing.py`` (uses a fresh temporary cache for the
first-build figure, then the same cache for the cached-load figure).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main"]

_CHILD = """
import json, time, numpy as np
t0 = time.perf_counter()
from sim.geo import load_theater
th = load_theater('korea')
g = th._graph((), ())
load_s = time.perf_counter() - t0
rng = np.random.default_rng(12345)
pts = []
while len(pts) < 400:
    lon, lat = rng.uniform(118.5, 141.0), rng.uniform(22.0, 44.0)
    if th.is_water(lon, lat) and th.distance_to_coast_nm(lon, lat) > 2:
        pts.append(th.to_xy(lon, lat))
pts = np.array(pts, dtype=float)
for i in range(20):  # warm-up
    th.route_xy(pts[i], pts[-1 - i])
times = []
for i in range(0, 400, 2):
    t = time.perf_counter(); th.route_xy(pts[i], pts[i + 1]); times.append(time.perf_counter() - t)
print(json.dumps({'load_s': load_s, 'nodes': int(len(g.nodes)),
                  'median_query_ms': 1e3 * float(np.median(times)),
                  'p95_query_ms': 1e3 * float(np.percentile(times, 95))}))
"""


def _run(cache: str) -> dict:
    env = {**os.environ, "SANCTIONS_SIM_CACHE": cache,
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = subprocess.run([sys.executable, "-c", _CHILD], env=env, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    """Measure and print; write benchmarks/results_routing.json."""
    with tempfile.TemporaryDirectory() as cache:
        first = _run(cache)
        cached = _run(cache)
    res = {
        "first_build_s": round(first["load_s"], 2),
        "cached_load_s": round(cached["load_s"], 2),
        "graph_nodes": cached["nodes"],
        "median_query_ms": round(cached["median_query_ms"], 2),
        "p95_query_ms": round(cached["p95_query_ms"], 2),
        "targets": {"first_build_s": 60, "cached_load_s": 2, "median_query_ms": 5},
    }
    for k, v in res.items():
        print(f"{k}: {v}")
    Path(__file__).with_name("results_routing.json").write_text(json.dumps(res, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
