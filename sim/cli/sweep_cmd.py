"""``sanctions-sim sweep``: run a grid of variants of one scenario, plot metrics against it."""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path

from sim.cli import options
from sim.cli.compare_cmd import add_precision_options

__all__ = ["NAME", "HELP", "EXAMPLES", "add_arguments", "main"]

NAME = "sweep"
HELP = (
    "Vary scenario parameters over a grid (--vary key.path=v1,v2,...), run every variant on the "
    "same random streams, and write report.html, figures and comparison.csv to --out."
)


MAX_SWEEP_VARIANTS = 1_000
"""Most variants in one sweep grid (assumption: each is validated up front and gets its own run
directory; a grid of a million would hang before the first replication)."""

EXAMPLES = """examples:
  sanctions-sim sweep scenarios/crackdown_2018.yaml --vary assets.us_p8.count=0,1,2,4 -n 4 --out sw
  sanctions-sim sweep scenarios/crackdown_2018.yaml --vary assets.us_p8.count=1,2 \\
      --vary assets.jp_ddg.count=1,2 -n 4 --out grid          (a 2 x 2 grid)"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register options."""
    parser.add_argument("file", metavar="FILE", help="base scenario YAML file")
    parser.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="KEY.PATH=V1,V2,...",
        help="parameter and its values, e.g. --vary assets.us_p8.count=1,2,4 (repeatable: grid)",
    )
    parser.add_argument(
        "--replications",
        "-n",
        type=options.replications,
        default=None,
        help="replications per variant",
    )
    parser.add_argument(
        "--seed", type=options.seed, default=None, help="root seed shared by all variants"
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
        help="fixed override applied to every variant (repeatable)",
    )
    add_precision_options(parser)
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="experiment directory (one run directory per variant)",
    )


def main(args: argparse.Namespace) -> int:
    """Run the grid, then build the report from the stored run directories."""
    import matplotlib

    matplotlib.use("Agg")

    from sim.cli.common import Progress, finish_report
    from sim.cli.compare_cmd import load_scenarios, precision_target
    from sim.errors import UserError
    from sim.experiments.compare import parse_vary, sweep
    from sim.plotting.report import build_report

    if not Path(args.file).is_file():
        raise UserError(f"{args.file}: no such scenario file")
    vary = parse_vary(args.vary)
    if not vary:
        raise UserError("sweep needs at least one --vary key.path=v1,v2,...")
    grid = math.prod(len(v) for v in vary.values())
    if grid > MAX_SWEEP_VARIANTS:
        raise UserError(
            f"the --vary grid has {grid:,} variants, more than {MAX_SWEEP_VARIANTS:,} "
            "(MAX_SWEEP_VARIANTS); sweep fewer values at a time"
        )
    workers = args.workers or os.cpu_count() or 1
    precision = precision_target(args)
    bar = Progress("sweep")
    try:
        with bar.stage("reading the scenario file and its theater"):
            base = load_scenarios([Path(args.file)], args.sets)[0]
        bar.say(
            f"{grid} variants x {args.replications or base.replications} replications on "
            f"{workers} process(es)"
        )
        reps = sweep(
            args.file,
            vary,
            args.replications,
            args.seed,
            workers,
            args.out,
            overrides=args.sets,
            progress=bar,
            precision=precision,
        )
        bar.close()  # the bar's line ends before the statement goes to standard output
        if precision is not None:
            print(precision.statement())
        with bar.stage("building the report (figures)"):
            report = build_report(args.out, maps=False)
    finally:
        bar.close()
    return finish_report(reps, args.out, report, noun="variant")
