"""``sanctions-sim compare``: run scenarios on common random numbers and write an HTML report."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli import options

if TYPE_CHECKING:
    from sim.experiments.compare import Precision
    from sim.scenarios import Scenario

__all__ = [
    "NAME",
    "HELP",
    "EXAMPLES",
    "add_arguments",
    "main",
    "add_precision_options",
    "precision_target",
    "load_scenarios",
]

NAME = "compare"
HELP = (
    "Run several scenarios on the same random streams; write report.html, figures and "
    "comparison.csv to --out (the first scenario is the baseline)."
)

EXAMPLES = """examples:
  sanctions-sim compare scenarios/ -n 4 --out report
  sanctions-sim compare scenarios/baseline_2017.yaml scenarios/crackdown_2018.yaml -n 8 --out cmp
  sanctions-sim compare scenarios/ -n 4 --precision 0.05 --time-limit 30 --out report
Rerunning the same command resumes; `sanctions-sim results report/` prints the table again."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register options."""
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="scenario YAML files, or a folder of them (first = baseline; in a folder, files "
        "named baseline* come first)",
    )
    parser.add_argument(
        "--replications",
        "-n",
        type=options.replications,
        default=None,
        help="replications per scenario (default: the first file's)",
    )
    parser.add_argument(
        "--seed",
        type=options.seed,
        default=None,
        help="root seed shared by all scenarios (default: the first file's)",
    )
    parser.add_argument(
        "--workers",
        "-w",
        type=options.workers,
        default=None,
        help="local processes (default: all cores)",
    )
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="KEY.PATH=VALUE",
        help="override a value in every scenario, e.g. --set duration_days=90 (repeatable)",
    )
    add_precision_options(parser)
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="experiment directory (one run directory per scenario)",
    )
    parser.add_argument(
        "--no-maps", action="store_true", help="skip the per-scenario maps (faster)"
    )


def main(args: argparse.Namespace) -> int:
    """Run, then build the report from the stored run directories."""
    import matplotlib

    matplotlib.use("Agg")

    from sim.cli.common import Progress, finish_report
    from sim.errors import UserError
    from sim.experiments.compare import compare
    from sim.plotting.report import build_report

    files: list[Path] = []
    for f in map(Path, args.files):
        if f.is_dir():
            found = sorted(
                f.glob("*.yaml"), key=lambda p: (not p.stem.startswith("baseline"), p.stem)
            )
            if not found:
                raise UserError(f"{f}: no scenario files (*.yaml) in this folder")
            files.extend(found)
        elif f.is_file():
            files.append(f)
        else:
            raise UserError(f"{f}: no such scenario file or folder")
    args.files = [str(p) for p in files]
    workers = args.workers or os.cpu_count() or 1
    precision = precision_target(args)
    bar = Progress("compare")
    try:
        with bar.stage(f"reading {len(files)} scenario file(s) and their theater"):
            scenarios = load_scenarios(files, args.sets)
        bar.say(
            f"{len(scenarios)} scenarios x {args.replications or scenarios[0].replications} "
            f"replications on {workers} process(es)"
        )
        reps = compare(
            scenarios,
            args.replications,
            args.seed,
            workers,
            args.out,
            progress=bar,
            precision=precision,
        )
        bar.close()  # the bar's line ends before the statement goes to standard output
        if "precision" in reps.attrs:  # what the precision target (given or default) reached
            print(reps.attrs["precision"])
        with bar.stage("building the report (figures" + ("" if args.no_maps else ", maps") + ")"):
            report = build_report(args.out, maps=not args.no_maps)
    finally:
        bar.close()
    return finish_report(reps, args.out, report)


def load_scenarios(files: list[Path], sets: list[str]) -> list[Scenario]:
    """Read and check the scenario files, and load their theaters before any replication.

    The first load of a theater on a machine builds its geography cache (about a minute); here
    it happens under a progress line rather than in silence inside the first replication.
    """
    from sim.experiments.replications import prepare_theater, route_variants
    from sim.scenarios import load_scenario

    scenarios = [load_scenario(f, overrides=sets or None) for f in files]
    for name in dict.fromkeys(s.theater for s in scenarios):
        variants = set().union(*(route_variants(s) for s in scenarios if s.theater == name))
        prepare_theater(name, variants)
    return scenarios


def add_precision_options(parser: argparse.ArgumentParser) -> None:
    """The --precision, --precision-metric and --time-limit options; shared with sweep."""
    parser.add_argument(
        "--precision",
        type=float,
        default=None,
        metavar="P",
        help="add replications (common random numbers) until every pairwise difference in "
        "--precision-metric has a 95%% half-width <= P or excludes zero; --replications is the "
        "starting number",
    )
    parser.add_argument(
        "--precision-metric",
        default="interception_rate",
        metavar="METRIC",
        help="metric for --precision (a replication column; default interception_rate)",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        metavar="MIN",
        help="with --precision: stop adding replications after MIN minutes",
    )


def precision_target(args: argparse.Namespace) -> Precision | None:
    """The --precision target, or None; shared with sweep."""
    from sim.errors import UserError
    from sim.experiments.compare import Precision

    if args.precision is None:
        if args.time_limit is not None:
            raise UserError("--time-limit applies with --precision")
        return None
    if not args.precision > 0:
        raise UserError("--precision must be a positive half-width (metric units)")
    if args.time_limit is not None and not args.time_limit > 0:
        raise UserError("--time-limit must be a positive number of minutes")
    return Precision(args.precision, args.precision_metric, args.time_limit)
