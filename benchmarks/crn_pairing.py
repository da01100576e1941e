"""How much common random numbers narrow a paired comparison (issue #14, part 2).

Runs two scenarios on the same replication seeds (as ``compare`` does) and prints, for the
headline metrics, the 95% Student-t half-width of each scenario's mean and of the paired
difference (B - A, replication by replication), and the share of illicit voyages whose plan
(start time, method, cargo) is the same in both scenarios of a replication.

    python benchmarks/crn_pairing.py --replications 5 --days 120
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from scipy import stats

METRICS = (
    "interception_rate",
    "disruption_rate",
    "denial_rate",
    "cargo_denied_share",
    "deliveries_petroleum_per_year",
    "barrels_delivered_per_year",
    "coal_exported_t_per_year",
    "seizures",
)


def _half_width(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    if len(x) < 2:
        return float("nan")
    return float(stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))


def main() -> None:
    """Run the pair and print the table (and JSON with --json)."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--a", default="scenarios/baseline_2017.yaml")
    p.add_argument("--b", default="scenarios/crackdown_2018.yaml")
    p.add_argument("--replications", type=int, default=5)
    p.add_argument("--days", type=int, default=120)
    p.add_argument("--seed", type=int, default=2017)
    p.add_argument("--json", default="")
    args = p.parse_args()

    import sim
    from sim.experiments.replications import replication_seeds

    sa = sim.load_scenario(args.a, overrides=[f"duration_days={args.days}"])
    sb = sim.load_scenario(args.b, overrides=[f"duration_days={args.days}"])
    theater = sim.load_theater(sa.theater)
    rows: dict[str, list[dict[str, float]]] = {"a": [], "b": []}
    same_plan = []
    t0 = time.perf_counter()
    for ss in replication_seeds(args.seed, args.replications):
        ra = sim.run(sa, ss, theater=theater)
        rb = sim.run(sb, ss, theater=theater)
        rows["a"].append(ra.summary)
        rows["b"].append(rb.summary)
        key = ["program", "method", "start_h", "cargo_t"]
        pa = set(map(tuple, ra.voyages[key].round(6).itertuples(index=False)))
        pb = set(map(tuple, rb.voyages[key].round(6).itertuples(index=False)))
        same_plan.append(len(pa & pb) / max(1, len(pa | pb)))
    wall = time.perf_counter() - t0
    out = {"replications": args.replications, "days": args.days, "wall_s": wall, "metrics": {}}
    print(
        f"{args.a} vs {args.b}: {args.replications} replications, {args.days} days ({wall:.0f} s)"
    )
    print(
        f"voyage plans shared by both scenarios: {np.mean(same_plan):.1%} (per replication: "
        + ", ".join(f"{s:.0%}" for s in same_plan)
        + ")"
    )
    print(
        f"{'metric':32s} {'mean A':>10s} {'hw A':>9s} {'mean B':>10s} {'hw B':>9s} "
        f"{'mean B-A':>10s} {'hw paired':>10s}"
    )
    for m in METRICS:
        a = np.array([r[m] for r in rows["a"]], dtype=float)
        b = np.array([r[m] for r in rows["b"]], dtype=float)
        d = b - a
        rec = {
            "mean_a": float(np.nanmean(a)),
            "hw_a": _half_width(a),
            "mean_b": float(np.nanmean(b)),
            "hw_b": _half_width(b),
            "mean_diff": float(np.nanmean(d)),
            "hw_paired": _half_width(d),
        }
        out["metrics"][m] = rec
        print(
            f"{m:32s} {rec['mean_a']:10.4g} {rec['hw_a']:9.3g} {rec['mean_b']:10.4g} "
            f"{rec['hw_b']:9.3g} {rec['mean_diff']:10.4g} {rec['hw_paired']:10.3g}"
        )
    out["same_plan_share"] = same_plan
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
