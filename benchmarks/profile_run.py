"""Profile one replication and fingerprint its tables (for before/after comparisons).

Run: ``.venv/bin/python benchmarks/profile_run.py [--vessels N] [--assets-scale K] [--days D]
[--fishing-scale S] [--profile out.prof] [--top 25]``
(fishing fleets off unless ``--fishing-scale`` is given). Prints wall time, SimPy steps, a
SHA-256 of the events, voyages and assets tables (identical before and after a performance
change means the behaviour did not change), and optionally the cProfile top functions by own
time.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = Path(
    __import__("os").environ.get("BENCH_SCENARIO", ROOT / "scenarios" / "crackdown_2018.yaml")
)
# asset groups of crackdown_2018 and their counts (10 assets in all, one a satellite)
ASSET_COUNTS = {
    "us_p8": 1,
    "jp_p3c": 1,
    "jp_ddg": 1,
    "rok_coast_guard": 3,
    "us_imagery": 1,
    "allied_mpa": 1,
    "coalition_frigates": 2,
}


def overrides(
    vessels: int | None, assets: int, days: float | None, fishing_scale: float = 0.0
) -> list[str]:
    """``--set`` overrides: legit vessel count, assets scaled to ``assets`` (a multiple of 10).

    ``fishing_scale`` 0 switches the fishing fleets off, so that ``vessels`` is the whole
    legitimate traffic (the shipped scenarios carry the fleets at a tenth); else the share of
    the sourced fleets to carry.
    """
    out = (
        ["fishing.enabled=false"]
        if not fishing_scale
        else ["fishing.enabled=true", f"fishing.scale={fishing_scale}"]
    )
    if vessels is not None:
        out.append(f"traffic.vessels={vessels}")
    if assets != 10:
        if assets % 10:
            raise SystemExit("assets must be a multiple of 10")
        k = assets // 10
        out += [f"assets.{g}.count={c * k}" for g, c in ASSET_COUNTS.items()]
    if days is not None:
        out.append(f"duration_days={days}")
        out.append(f"warmup_days={min(20.0, days / 10)}")
    return out


def fingerprint(result) -> str:
    """A short hash of a run's events, voyages and assets tables (same run, same hash)."""
    h = hashlib.sha256()
    for df in (result.events, result.voyages, result.assets):
        h.update(df.to_csv(index=False).encode())
    return h.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    """Profile one run (see the module docstring for the options)."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--vessels", type=int, default=None)
    ap.add_argument("--assets", type=int, default=10)
    ap.add_argument("--days", type=float, default=None)
    ap.add_argument("--seed", type=int, default=2018)
    ap.add_argument("--fishing-scale", type=float, default=0.0, help="0: fleets off")
    ap.add_argument("--profile", type=Path, default=None)
    ap.add_argument("--top", type=int, default=25)
    a = ap.parse_args(argv)
    from sim.experiments.replications import replication_seeds
    from sim.geo import load_theater
    from sim.model import run
    from sim.model.engine import RouteCache
    from sim.scenarios import load_scenario

    sc = load_scenario(SCENARIO, overrides=overrides(a.vessels, a.assets, a.days, a.fishing_scale))
    th = load_theater(sc.theater)
    rc = RouteCache.load(th)
    ss = replication_seeds(a.seed, 1)[0]
    prof = cProfile.Profile() if a.profile else None
    t0, c0 = time.perf_counter(), time.process_time()
    if prof:
        prof.enable()
    res = run(sc, ss, theater=th, route_cache=rc)
    if prof:
        prof.disable()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"vessels={sc.traffic.vessels} assets={sum(g.count for g in sc.assets)} "
        f"days={sc.duration_h / 24:g} "
        f"wall={wall:.2f}s cpu={cpu:.2f}s events={len(res.events)} fp={fingerprint(res)}"
    )
    print({k: res.provenance.get(k) for k in ("sim_events", "simpy_steps", "legit_contacts")})
    if prof:
        prof.dump_stats(a.profile)
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("tottime").print_stats(a.top)
        print(s.getvalue())
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(a.top)
        print(s.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
