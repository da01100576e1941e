"""``sanctions-sim optimize``: the best patrol allocation against smugglers who respond."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

__all__ = ["NAME", "HELP", "EXAMPLES", "add_arguments", "main"]

NAME = "optimize"
HELP = (
    "Search the allocations declared in the file's optimize: section against smugglers who "
    "respond (Stackelberg game, Kim-Nelson selection); write optimum.yaml, candidates.csv, "
    "equilibrium.csv and report.html to --out."
)

CAVEATS = [
    "Common random numbers: every cell uses the same replication seeds. Until the model gives "
    "each component its own random stream (issue #14), two cells share their seeds but not, in "
    "general, their smuggler schedules, so paired differences are noisier than they will be.",
    "Evaluations run for optimize.duration_days, shorter than the scenario's own year, to keep "
    "the search affordable; optimum.yaml keeps the scenario's duration.",
    "The game uses each cell's mean over its replications (few of them); its intervals come "
    "from a bootstrap over replication indices and are rough with so few replications. The "
    "equilibrium's gain is measured on the replications it was chosen on, so it is optimistic "
    "(it cannot be negative there); rerun optimum.yaml on new seeds to check it.",
    "Kim-Nelson's guarantee assumes normal outputs and holds only if the best allocation is at "
    "least delta better than every other; it does not cover the equilibrium.",
]

EXAMPLES = """examples:
  sanctions-sim optimize scenarios/crackdown_2018.yaml --out opt --time-limit 30
  sanctions-sim optimize scenarios/crackdown_2018.yaml --budget ship_days=300 --out opt300
Rerunning the same command resumes the search from what --out holds."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register options."""
    parser.add_argument("file", metavar="FILE", help="scenario YAML file with an optimize: section")
    parser.add_argument("--out", type=Path, required=True, help="output directory (resumable)")
    parser.add_argument(
        "--budget",
        action="append",
        default=[],
        metavar="KIND=AMOUNT",
        help="patrol budget instead of the scenario's own assets: ship_days=N and/or "
        "flight_hours=N over the scenario's duration (repeatable)",
    )
    parser.add_argument(
        "--replications",
        "-n",
        type=int,
        default=None,
        help="cap on replications per allocation during selection "
        "(default: optimize.max_replications)",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        metavar="MIN",
        help="stop selection after MIN minutes (the first stage always completes) and report "
        "what is unsettled",
    )
    parser.add_argument("--seed", type=int, default=None, help="root seed (default: the file's)")
    parser.add_argument(
        "--workers", "-w", type=int, default=None, help="local processes (default: all cores)"
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
        help="override a value, e.g. --set optimize.first_stage=5 (repeatable)",
    )
    parser.add_argument("--no-report", action="store_true", help="skip report.html (faster)")


def _budget_sets(items: list[str]) -> list[str]:
    from sim.errors import UserError

    out = []
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or key not in ("ship_days", "flight_hours"):
            raise UserError(f"--budget {item!r}: expected ship_days=N or flight_hours=N")
        try:
            amount = float(value)
        except ValueError:
            raise UserError(f"--budget {item!r}: {value!r} is not a number") from None
        if amount <= 0:
            raise UserError(f"--budget {item!r}: the amount must be positive")
        out.append(f"optimize.budget.{key}={amount}")
    return out


def main(args: argparse.Namespace) -> int:
    """Optimise, write the outputs, print the headline."""
    import matplotlib

    matplotlib.use("Agg")

    from sim.cli.common import Progress, write_json
    from sim.errors import UserError
    from sim.experiments.replications import prepare_theater, route_variants
    from sim.optimize.outputs import headline, summary_lines, write_outputs
    from sim.optimize.search import optimize
    from sim.scenarios import load_scenario

    if args.replications is not None and args.replications < 2:
        raise UserError("--replications must be at least 2")
    if args.time_limit is not None and args.time_limit <= 0:
        raise UserError("--time-limit must be a positive number of minutes")
    bar = Progress("optimize")
    with bar.stage(f"reading {args.file} and its theater"):
        scenario = load_scenario(args.file, overrides=[*args.sets, *_budget_sets(args.budget)])
        prepare_theater(scenario.theater, route_variants(scenario))
    if scenario.optimize is None:
        raise UserError(
            f"{args.file}: no 'optimize:' section; declare optimize.candidates (areas, strategies, "
            "shares) as in scenarios/crackdown_2018.yaml (see docs/scenarios.md)"
        )
    workers = args.workers or os.cpu_count() or 1
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")

    try:
        result = optimize(
            scenario,
            out,
            replications=args.replications,
            time_limit_min=args.time_limit,
            workers=workers,
            dask_address=args.dask,
            seed=args.seed,
            progress=bar.update,
        )
    finally:
        bar.close()
    tabs = write_outputs(result, scenario, out)
    head = headline(result)
    write_json(
        out / "manifest.json",
        {
            "command": " ".join(["sanctions-sim", *sys.argv[1:]]),
            "scenario_file": args.file,
            "scenario": scenario.name,
            "seed": scenario.seed if args.seed is None else args.seed,
            "workers": workers,
            "dask": args.dask,
            "started": started,
            "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "wall_s": result.wall_s,
            "replications_run": result.replications_run,
            "optimize": scenario.optimize.model_dump(mode="json"),
        },
    )
    if not args.no_report:
        from sim.geo import load_theater
        from sim.plotting.optimize import build_optimize_report

        with bar.stage("building the report"):
            build_optimize_report(
                out, tabs, head, theater=load_theater(scenario.theater), caveats=CAVEATS
            )
    for line in summary_lines(result):
        print(line)
    print(
        f"results in {out}/ (optimum.yaml, candidates.csv, equilibrium.csv"
        + ("" if args.no_report else ", report.html")
        + ")"
    )
    return 0
