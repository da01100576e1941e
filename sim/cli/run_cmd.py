"""``sanctions-sim run``: run replications of a scenario, print metrics, write results."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli import options

if TYPE_CHECKING:
    import pandas as pd

    from sim.scenarios import Scenario

__all__ = ["NAME", "HELP", "EXAMPLES", "add_arguments", "main"]

NAME = "run"
HELP = (
    "Run a scenario's replications; print headline "
    "metrics with 95%% intervals; write results to --out."
)

EXAMPLES = """examples:
  sanctions-sim run scenarios/crackdown_2018.yaml -n 4 --out runs/crackdown
  sanctions-sim run scenarios/crackdown_2018.yaml -n 2 --set duration_days=30   (a quick look)
  sanctions-sim run scenarios/crackdown_2018.yaml --set assets.us_p8.count=3
  sanctions-sim run scenarios/crackdown_2018.yaml -n 2 --ais --geo --out runs/geo
Rerunning the same command resumes: finished replications in --out are kept."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register options."""
    parser.add_argument("file", metavar="FILE", help="scenario YAML file")
    parser.add_argument(
        "--replications",
        "-n",
        type=options.replications,
        default=None,
        help="replications, at least 1 (default: the file's)",
    )
    parser.add_argument(
        "--seed", type=options.seed, default=None, help="root seed, >= 0 (default: the file's)"
    )
    parser.add_argument(
        "--workers",
        "-w",
        type=options.workers,
        default=None,
        help="local processes, at least 1 (default: all cores)",
    )
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        default=None,
        help="run replications on a Dask distributed scheduler (e.g. tcp://host:8786); "
        "workers must see --out. Needs the 'dask' extra",
    )
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="KEY.PATH=VALUE",
        help="override a value, e.g. --set assets.us_p8.count=3 (repeatable)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="run directory: new, empty, or this scenario's earlier run, which resumes "
        "(default: runs/<scenario name>)",
    )
    parser.add_argument(
        "--ais",
        action="store_true",
        help="also record tracks, simulate the received AIS feed, run the detectors and score them",
    )
    parser.add_argument(
        "--geo",
        action="store_true",
        help="also record tracks and write events, transfers (points) and tracks (LineStrings) as "
        "GeoParquet (OUT/geo_<table>/replication=N/) and an offline interactive map of "
        "replication 0 (OUT/map.html). Needs the 'geo' and 'map' extras",
    )
    parser.add_argument(
        "--ais-nmea",
        action="store_true",
        help="with --ais: also write the received feed as AIVDM sentences (types 1 and 5, "
        "tag-blocked with times) to OUT/nmea/replication=N/ais.nmea. Needs the 'ais' extra",
    )
    parser.add_argument(
        "--ais-interval-s",
        type=options.positive_seconds,
        default=600.0,
        help="AIS report interval under way, seconds (default 600: fewer rows than Class A's 10 s)",
    )


def main(args: argparse.Namespace) -> int:
    """Run and report."""
    from sim.analysis.tables import format_metric_table
    from sim.cli.common import Progress, write_json
    from sim.experiments import run_replications
    from sim.experiments.replications import RunInterrupted, prepare_theater, route_variants
    from sim.scenarios import load_scenario

    sets = [*args.sets, "record_tracks=true"] if (args.ais or args.geo) else args.sets
    bar = Progress("run")
    with bar.stage(f"reading {args.file} and its theater"):
        scenario = load_scenario(args.file, overrides=sets)
        prepare_theater(scenario.theater, route_variants(scenario))
    n = scenario.replications if args.replications is None else args.replications
    seed = scenario.seed if args.seed is None else args.seed
    workers = args.workers or os.cpu_count() or 1
    out, manifest = _start(args, scenario, n, seed, workers)
    bar.say(f"{scenario.name}: {n} replications, seed {seed}, on {workers} process(es)")
    t0 = time.perf_counter()
    try:
        reps = run_replications(
            scenario,
            n,
            seed=seed,
            workers=workers,
            out_dir=out,
            progress=bar,
            dask_address=args.dask,
        )
    except RunInterrupted as exc:
        manifest.update(interrupted=time.strftime("%Y-%m-%dT%H:%M:%S%z"), kept=exc.kept)
        write_json(out / "manifest.json", manifest)
        raise
    finally:
        bar.close()
    wall = time.perf_counter() - t0
    table, failed = _finish(out, reps, manifest, wall)
    if failed:
        first = reps.loc[reps["error"].fillna("") != "", "error"].iloc[0]
        print(
            f"warning: {failed} of {n} replication(s) failed (first error: {first}); see "
            f"{out / 'replications.csv'}",
            file=sys.stderr,
        )
    if failed < n:
        print(
            format_metric_table(
                table,
                title=f"{scenario.name}: {n - failed} replications, seed {seed} ({wall:.0f} s)",
            )
        )
    if args.ais and failed < n:
        _monitor(out, scenario, seed, reps, args.ais_interval_s, args.ais_nmea)
    if args.geo and failed < n:
        with bar.stage("writing GeoParquet and the interactive map"):
            _geo(out, scenario, reps)
        print(f"GeoParquet in {out}/geo_{{events,transfers,tracks}}/, map in {out / 'map.html'}")
    print(f"results in {out}/")
    return 1 if failed == n else 0


def _start(
    args: argparse.Namespace, scenario: Scenario, n: int, seed: int, workers: int
) -> tuple[Path, dict[str, object]]:
    """The run folder, prepared, with the resolved scenario and the manifest written in it."""
    import yaml

    from sim import __version__
    from sim.cli.common import write_json
    from sim.experiments.run_dirs import child_dir, prepare_run_dir, write_text
    from sim.scenarios import scenario_hash

    # a folder name derived from the scenario's name is made safe and kept inside runs/
    out: Path = args.out if args.out is not None else child_dir(Path("runs"), scenario.name)
    h = scenario_hash(scenario)
    prepare_run_dir(out, scenario=scenario.name, scenario_hash=h, seed=seed)
    write_text(
        out / "scenario.resolved.yaml",
        yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True),
    )
    manifest: dict[str, object] = {
        "package": "sanctions-sim",
        "version": __version__,
        "scenario": scenario.name,
        "scenario_file": args.file,
        "scenario_hash": h,
        "seed": seed,
        "replications": n,
        "workers": workers,
        "dask": args.dask,
        "command": " ".join(["sanctions-sim", *sys.argv[1:]]),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    write_json(out / "manifest.json", manifest)
    return out, manifest


def _finish(
    out: Path, reps: pd.DataFrame, manifest: dict[str, object], wall: float
) -> tuple[pd.DataFrame, int]:
    """Write the replication rows, the metric table and the finished manifest.

    Returns:
        (metric table, number of failed replications).
    """
    from sim.analysis.metrics import HEADLINE_METRICS
    from sim.analysis.stats import metric_table
    from sim.cli.common import write_json

    reps.to_csv(out / "replications.csv", index=False)
    reps.to_parquet(out / "replications.parquet", index=False)
    table = metric_table(reps, HEADLINE_METRICS, clip=False)  # the CSV keeps the raw bounds
    table.to_csv(out / "metrics.csv", index=False)
    failed = int((reps["error"].fillna("") != "").sum()) if "error" in reps else 0
    manifest.update(
        {
            "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "wall_s": round(wall, 2),
            "replication_wall_s_median": float(reps["wall_s"].median()),
            "failed_replications": failed,
        }
    )
    write_json(out / "manifest.json", manifest)
    return table, failed


def _geo(out: Path, scenario: object, reps: object) -> None:
    """GeoParquet tables of every replication and the interactive map of the first."""
    from sim.analysis.geo import events_gdf, tracks_gdf, transfers_gdf
    from sim.analysis.results import read_table
    from sim.experiments.store import PART_FILE, partition_dir
    from sim.geo import load_theater
    from sim.plotting.interactive import interactive_map

    theater = load_theater(scenario.theater)  # type: ignore[attr-defined]
    start = scenario.start_date  # type: ignore[attr-defined]
    ok = reps[reps["error"].fillna("") == ""]["replication"].tolist()  # type: ignore[index]
    events = read_table(out, "events")
    tracks = read_table(out, "tracks")
    for i in ok:
        ev = events[events["replication"] == i].drop(columns=["replication"])
        tr = tracks[tracks["replication"] == i].drop(columns=["replication"])
        for name, gdf in (
            ("geo_events", events_gdf(ev, start)),
            ("geo_transfers", transfers_gdf(ev, start)),
            ("geo_tracks", tracks_gdf(tr, theater.to_lonlat, start)),
        ):
            d = partition_dir(out, name, i)
            d.mkdir(parents=True, exist_ok=True)
            gdf.to_parquet(d / PART_FILE, index=False)
    first = ok[0]
    areas = sorted(
        {a for g in scenario.assets for a in g.strategy.areas}  # type: ignore[attr-defined]
    )
    m = interactive_map(
        theater,
        events[events["replication"] == first],
        tracks[tracks["replication"] == first],
        patrol_areas=[a for a in areas if a in set(theater.areas["name"])],
        title=f"{scenario.name}: replication {first}",  # type: ignore[attr-defined]
    )
    m.save(out / "map.html")


def _monitor(
    out: Path, scenario: object, seed: int, reps: object, interval_s: float, nmea: bool = False
) -> None:
    """Simulate every replication's received AIS feed, run the detectors, print their scores."""
    import pandas as pd

    from sim.analysis.scoring import pool_scores
    from sim.cli.common import Progress
    from sim.experiments.monitoring import monitor_replication
    from sim.geo import load_theater
    from sim.monitoring import FeedConfig

    theater = load_theater(scenario.theater)  # type: ignore[attr-defined]
    config = FeedConfig(
        report_interval_underway_s=interval_s, report_interval_anchor_s=max(interval_s, 180.0)
    )
    ok = reps[reps["error"].fillna("") == ""]["replication"].tolist()  # type: ignore[index]
    bar = Progress("AIS monitoring")
    frames = []
    try:
        for k, i in enumerate(ok):
            frames.append(monitor_replication(out, theater, seed, i, config, nmea=nmea))
            bar(k + 1, len(ok))
    finally:
        bar.close()
    scores = pd.concat(frames, ignore_index=True)
    scores.to_csv(out / "ais_scores.csv", index=False)
    pooled = pool_scores(scores).set_index("detector")
    pct = lambda x: "n/a" if pd.isna(x) else f"{100 * x:.1f}%"  # noqa: E731
    shown = pd.DataFrame(
        {
            "detected": pooled["n_detected"],
            "true events": pooled["n_truth"],
            "precision": pooled["precision"].map(pct),
            "recall": pooled["recall"].map(pct),
            "F1": pooled["f1"].map(pct),
            "F1 per replication": [
                f"{pct(a)} to {pct(b)}"
                for a, b in zip(pooled["f1_min"], pooled["f1_max"], strict=True)
            ],
        }
    )
    print(f"AIS detectors against ground truth (counts pooled over {len(ok)} replications):")
    print(shown.to_string())
