"""What the fishing fleets do to a run: the same scenario and seeds with and without them.

Runs one replication per seed of each variant, interleaved (with, without, with, ...) so that
the load of a shared machine falls on both alike, and prints per variant the medians of wall
time and the totals of what changes: legitimate vessels and legs, legitimate contacts, suspect
reports by reason, AIS alerts by reason, boardings of legitimate ships, interceptions.

    python benchmarks/fishing_clutter.py [--scenario FILE] [--seeds 1 2] [--days 365]
        [--scale 0.1] [--set KEY=VALUE ...] [--out benchmarks/results_fishing.json]

The "with" variant is the scenario with ``fishing.enabled=true`` and ``fishing.scale``; ``--set``
applies to both (e.g. ``coordination.ais_analytics=true``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

__all__ = ["main"]

_REPORTS = ("suspect_report", "dispatch", "false_positive_boarding")


def _one(path: str, overrides: list[str], seed: int, theater, cache) -> dict:
    from sim.model import run
    from sim.scenarios import load_scenario

    sc = load_scenario(path, overrides=overrides)
    t0 = time.perf_counter()
    r = run(sc, seed=seed, theater=theater, route_cache=cache)
    wall = time.perf_counter() - t0
    ev = r.events
    row: dict = {
        "seed": seed,
        "wall_s": round(wall, 2),
        "legit_contacts": int(r.provenance["legit_contacts"]),
        "sim_events": int(r.provenance["sim_events"]),
        "voyages_ended": r.summary.get("voyages_ended"),
        "interception_rate": r.summary.get("interception_rate"),
        "denial_rate": r.summary.get("denial_rate"),
        "false_positive_boardings": r.summary.get("false_positive_boardings"),
    }
    for kind in sorted(set(ev["kind"])):
        if any(k in kind for k in _REPORTS):
            sub = ev[ev["kind"] == kind]
            legit = sub["vessel"].astype(str).str.startswith("L")
            row[f"{kind}_total"] = int(len(sub))
            row[f"{kind}_on_legit"] = int(legit.sum())
            for reason, n in sub[legit]["reason"].value_counts().sort_index().items():
                row[f"{kind}_on_legit/{reason}"] = int(n)
    return row


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and write its JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="scenarios/crackdown_2018.yaml")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1])
    ap.add_argument("--days", type=float, default=365.0)
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--out", default="benchmarks/results_fishing.json")
    a = ap.parse_args(argv)
    from sim.geo import load_theater
    from sim.model.engine import RouteCache

    theater = load_theater("korea")
    cache = RouteCache.load(theater)
    base = [f"duration_days={a.days:g}", *a.set]
    variants = {
        "without": base,
        "with": [*base, "fishing.enabled=true", f"fishing.scale={a.scale:g}"],
    }
    rows: dict[str, list[dict]] = {k: [] for k in variants}
    for seed in a.seeds:
        for name, ov in variants.items():
            row = _one(a.scenario, ov, seed, theater, cache)
            rows[name].append(row)
            print(name, json.dumps(row), flush=True)
    out = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "scenario": a.scenario,
        "days": a.days,
        "scale": a.scale,
        "seeds": a.seeds,
        "set": a.set,
        "median_wall_s": {k: statistics.median(r["wall_s"] for r in v) for k, v in rows.items()},
        "runs": rows,
    }
    Path(a.out).write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out["median_wall_s"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
