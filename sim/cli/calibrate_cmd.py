"""``sanctions-sim calibrate``: compare the calibrated scenarios with the public figures."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from sim.cli import options

__all__ = ["NAME", "HELP", "add_arguments", "main"]

NAME = "calibrate"
HELP = (
    "Run baseline_2017 and crackdown_2018 and compare "
    "them with the public figures they should reproduce."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register options."""
    parser.add_argument(
        "--scenarios", type=Path, default=Path("scenarios"), help="folder of scenario files"
    )
    parser.add_argument(
        "--replications",
        "-n",
        type=options.replications,
        default=None,
        help="replications (default: the files')",
    )
    parser.add_argument(
        "--seed", type=options.seed, default=None, help="root seed (default: the files')"
    )
    parser.add_argument(
        "--workers",
        "-w",
        type=options.workers,
        default=None,
        help="local processes (default: all cores)",
    )
    parser.add_argument("--out", type=Path, default=Path("runs/calibration"), help="run directory")


def main(args: argparse.Namespace) -> int:
    """Print the calibration table and write it as CSV."""
    import pandas as pd

    from sim.analysis.calibration import compare_to_targets
    from sim.cli.common import Progress
    from sim.errors import UserError
    from sim.experiments import run_replications
    from sim.experiments.run_dirs import ensure_dir, prepare_run_dir
    from sim.scenarios import load_scenario, scenario_hash

    tables = []
    for name in ("baseline_2017", "crackdown_2018"):
        path = args.scenarios / f"{name}.yaml"
        if not path.exists():
            raise UserError(f"{path} not found (use --scenarios DIR)")
        s = load_scenario(path)
        seed = s.seed if args.seed is None else args.seed
        prepare_run_dir(args.out / name, scenario=s.name, scenario_hash=scenario_hash(s), seed=seed)
        bar = Progress(name)
        try:
            reps = run_replications(
                s,
                args.replications,
                seed=args.seed,
                workers=args.workers or os.cpu_count() or 1,
                out_dir=args.out / name,
                progress=bar,
            )
        finally:
            bar.close()
        tables.append(compare_to_targets(reps, name))
    table = pd.concat(tables, ignore_index=True)
    ensure_dir(args.out)
    table.to_csv(args.out / "calibration.csv", index=False)
    for r in table.itertuples():
        mark = "ok " if r.in_range else "OUT"
        print(
            f"[{mark}] {r.scenario:<15} {r.figure:<52} public {r.public:>10,.0f}  accepted "
            f"[{r.accepted_low:,.0f}, {r.accepted_high:,.0f}]  simulated {r.simulated:>10,.1f} "
            f"[{r.ci_low:,.1f}, {r.ci_high:,.1f}]"
        )
        print(f"      source: {r.source}")
    print(
        f"{int(table['in_range'].sum())} of {len(table)} figures "
        f"in range; table in {args.out / 'calibration.csv'}"
    )
    return 0
