"""Benchmark: the four detectors on a synthetic 10-million-row AIS feed.

Builds a feed with ``sim.monitoring`` (synthetic tracks on a flat sea with a straight coast,
reports every 60 s / 180 s, shore range 30 nm, satellite passes), tops it up to the target
size, then times ``prepare_ais`` and each detector; repeats and reports medians. Target
(issue #8): 10 M positions in <= 60 s on the 2-core machine. Writes
``benchmarks/results_detectors.json``.

    .venv/bin/python benchmarks/bench_detectors.py [--rows 10000000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from sim.analysis.detectors import (
    detect_encounters,
    detect_gaps,
    detect_identity_anomalies,
    detect_loitering,
    prepare_ais,
)
from sim.monitoring import FeedConfig, FlatGeography, simulate_feed, synthetic_tracks
from sim.monitoring.synthetic import synthetic_ports


def build_feed(rows: int, seed: int) -> tuple:
    """A synthetic received AIS feed of about ``rows`` rows, and the tracks behind it."""
    rng = np.random.default_rng(seed)
    geo = FlatGeography()
    days = 30.0
    # ~14,000 received reports per vessel-month at the defaults; size the fleet to the target
    n_vessels = max(int(rows / 14_000 * 1.1), 20)
    tracks = synthetic_tracks(
        rng, n_legit=int(n_vessels * 0.9), n_pairs=max(n_vessels // 20, 1), days=days
    )
    t = time.perf_counter()
    feed = simulate_feed(tracks, geo, rng, FeedConfig())
    feed_s = time.perf_counter() - t
    feed = feed.iloc[:rows].drop(columns="vessel")  # detectors must not see truth
    feed = feed.sample(frac=1.0, random_state=seed).reset_index(drop=True)  # unsorted input
    return feed, geo, tracks, feed_s


def main() -> None:
    """Time each detector on a synthetic feed, a few repeats, and print the medians."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=str(Path(__file__).with_name("results_detectors.json")))
    a = ap.parse_args()
    feed, geo, tracks, feed_s = build_feed(a.rows, a.seed)
    anchorages = synthetic_ports(geo)
    print(
        f"feed: {len(feed):,} rows, {feed['identity'].nunique():,} identities, "
        f"{len(tracks):,} legs; generated in {feed_s:.1f} "
        f"s ({len(feed) / feed_s / 1e6:.2f} M rows/s)"
    )
    times: dict[str, list[float]] = {
        k: [] for k in ("prepare", "encounters", "loitering", "gaps", "identity", "total")
    }
    counts: dict[str, int] = {}
    for r in range(a.repeats):
        t_all = time.perf_counter()
        t = time.perf_counter()
        p = prepare_ais(feed)
        times["prepare"].append(time.perf_counter() - t)
        for name, fn in (
            ("encounters", lambda p=p: detect_encounters(p, anchorages=anchorages)),
            (
                "loitering",
                lambda p=p: detect_loitering(p, distance_to_shore_nm=geo.distance_to_coast_nm),
            ),
            ("gaps", lambda p=p: detect_gaps(p, distance_to_shore_nm=geo.distance_to_coast_nm)),
            ("identity", lambda p=p: detect_identity_anomalies(p)),
        ):
            t = time.perf_counter()
            out = fn()
            times[name].append(time.perf_counter() - t)
            counts[name] = len(out)
        times["total"].append(time.perf_counter() - t_all)
        print(f"run {r + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()))
    med = {k: statistics.median(v) for k, v in times.items()}
    print("median: " + ", ".join(f"{k} {v:.2f} s" for k, v in med.items()))
    print(f"events: {counts}")
    verdict = "PASS" if med["total"] <= 60 else "FAIL"
    print(f"target 10 M rows <= 60 s: {verdict} ({len(feed) / med['total'] / 1e6:.2f} M rows/s)")
    result = {
        "rows": len(feed),
        "identities": int(feed["identity"].nunique()),
        "repeats": a.repeats,
        "seconds_median": med,
        "seconds_all": times,
        "events": counts,
        "feed_generation_s": feed_s,
        "target_s": 60.0,
        "verdict": verdict,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    }
    Path(a.out).write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
