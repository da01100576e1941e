"""Routing benchmark: first build, cached load, query latency; writes results JSON.

Run: ``.venv/bin/python benchmarks/bench_routing.py`` (uses a fresh temporary cache for the
first-build figure, then the same cache for the cached-load figure). The results also give
the phases of the first graph build and the 1-minute load average at the end of each run
(this benchmark itself adds about 1; timings are only comparable on an otherwise idle
machine).

Query mixes (all after a warm-up):

* ``random``: 200 pairs of distinct random water points (> 2 nm off the coast) anywhere in
  the theater, no avoid/prefer;
* ``sim`` / ``sim_avoid``: what the simulation does: 200 random points in the STS areas
  ``ecs_high_seas``, ``yellow_sea_central``, ``korea_bay_nampo``, ``lianyungang_approaches``
  to or from the ports Nampo, Ningbo-Zhoushan, Shanghai, Dalian, Lianyungang, Nakhodka,
  without avoid and with ``avoid=(("KOR","territorial"),("JPN","territorial"))``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["main"]

_CHILD = """
import json, os, time, numpy as np
t0 = time.perf_counter()
from sim.geo import load_theater
th = load_theater('korea')
g = th._graph((), ())
load_s = time.perf_counter() - t0
AVOID = (("KOR", "territorial"), ("JPN", "territorial"))
t1 = time.perf_counter()
th._graph(tuple(sorted(AVOID)), ())
avoid_load_s = time.perf_counter() - t1
rng = np.random.default_rng(12345)
pts = []
while len(pts) < 400:
    lon, lat = rng.uniform(118.5, 141.0), rng.uniform(22.0, 44.0)
    if th.is_water(lon, lat) and th.distance_to_coast_nm(lon, lat) > 2:
        pts.append(th.to_xy(lon, lat))
pts = np.array(pts, dtype=float)

def run(a, b, **kw):
    try:
        th.route_xy(a, b, **kw)
        return True
    except Exception:  # counted, reported as 'failures'
        return False

def stats(times, fails=0):
    return {'median_ms': round(1e3 * float(np.median(times)), 2),
            'p95_ms': round(1e3 * float(np.percentile(times, 95)), 2),
            'max_ms': round(1e3 * float(np.max(times)), 2), 'failures': fails}

out = {'load_s': load_s, 'avoid_load_s': avoid_load_s, 'nodes': int(len(g.nodes)),
       'build_phases': g.build_phases, 'loadavg_1m': round(os.getloadavg()[0], 2)}
for i in range(20):  # warm-up
    th.route_xy(pts[i], pts[-1 - i])
times = []
for i in range(0, 400, 2):
    t = time.perf_counter(); th.route_xy(pts[i], pts[i + 1]); times.append(time.perf_counter() - t)
out['random'] = stats(times)

areas = ['ecs_high_seas', 'yellow_sea_central', 'korea_bay_nampo', 'lianyungang_approaches']
ports = ['Nampo', 'Ningbo-Zhoushan', 'Shanghai', 'Dalian', 'Lianyungang', 'Nakhodka']
port_xy = {p: np.array([th.place(p).x_m, th.place(p).y_m]) for p in ports}
rng = np.random.default_rng(777)
area_pts = {a: th.sample_points_in_area(a, 200, rng) for a in areas}
queries = []
for i in range(220):
    a = areas[rng.integers(len(areas))]
    p = port_xy[ports[rng.integers(len(ports))]]
    q = area_pts[a][rng.integers(200)]
    queries.append((q, p) if rng.random() < 0.5 else (p, q))
for name, avoid in (('sim', ()), ('sim_avoid', AVOID)):
    for a, b in queries[:20]:  # warm-up
        run(a, b, avoid=avoid)
    times, fails = [], 0
    for a, b in queries[20:]:
        t = time.perf_counter()
        fails += not run(a, b, avoid=avoid)
        times.append(time.perf_counter() - t)
    out[name] = stats(times, fails)
print(json.dumps(out))
"""


def _run(cache: str) -> dict:
    env = {
        **os.environ,
        "SANCTIONS_SIM_CACHE": cache,
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }
    out = subprocess.run([sys.executable, "-c", _CHILD], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    """Measure and print; write benchmarks/results_routing.json."""
    with tempfile.TemporaryDirectory() as cache:
        first = _run(cache)
        cached = _run(cache)
    res = {
        "first_build_s": round(first["load_s"], 2),
        "first_build_avoid_variant_s": round(first["avoid_load_s"], 2),
        "cached_load_s": round(cached["load_s"], 2),
        "cached_load_avoid_variant_s": round(cached["avoid_load_s"], 2),
        "graph_nodes": cached["nodes"],
        "first_build_graph_phases_s": first["build_phases"],
        "loadavg_1m": [first["loadavg_1m"], cached["loadavg_1m"]],
        "median_query_ms": cached["random"]["median_ms"],
        "p95_query_ms": cached["random"]["p95_ms"],
        "queries": {k: cached[k] for k in ("random", "sim", "sim_avoid")},
        "targets": {"first_build_s": 60, "cached_load_s": 2, "median_query_ms": 5},
    }
    for k, v in res.items():
        print(f"{k}: {v}")
    Path(__file__).with_name("results_routing.json").write_text(json.dumps(res, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
