"""``sanctions-sim calibrate``: the fitted figures and the held-out checks, side by side.

Exit status 1 when a held-out figure is out of range (``sim.analysis.calibration``), so a
change that breaks the model's agreement with the record fails in CI and in scripts.
"""

from __future__ import annotations

import argparse
import os
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli import options

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["NAME", "HELP", "add_arguments", "main", "format_table"]

NAME = "calibrate"
HELP = (
    "Run baseline_2017 (fit year) and crackdown_2018 (held-out year) and compare them with the "
    "public figures; exit 1 if a held-out figure is out of range."
)

_FIGURE_W = 36
_LINE_W = 100


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


def _num(x: float) -> str:
    """A figure with about three significant digits (0.36 stays 0.36, 3,780,000 stays whole)."""
    if x != x:  # NaN
        return "-"
    a = abs(x)
    if a >= 100:
        return f"{x:,.0f}"
    if a >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def format_table(table: pd.DataFrame) -> list[str]:
    """The calibration table as aligned lines of at most 100 characters, sources beneath."""
    head = (
        f"{'role':<5} {'figure':<{_FIGURE_W}} {'public':>7} {'accepted':>15} "
        f"{'sim.':>7} {'95% interval':>15} {'status':<6}"
    )
    lines: list[str] = []
    for scenario, part in table.groupby("scenario", sort=False):
        lines += ["", f"{scenario}", head]
        for r in part.itertuples():
            acc = f"[{_num(r.accepted_low)}, {_num(r.accepted_high)}]"
            ci = f"[{_num(r.ci_low)}, {_num(r.ci_high)}]"
            lines.append(
                f"{r.role:<5} {r.figure[:_FIGURE_W]:<{_FIGURE_W}} {_num(r.public):>7} {acc:>15} "
                f"{_num(r.simulated):>7} {ci:>15} {r.status:<6}"
            )
            note = f"source: {r.source}. {r.role}: {r.why}"
            lines += textwrap.wrap(
                note, _LINE_W, initial_indent="      ", subsequent_indent="      "
            )
    return lines


def main(args: argparse.Namespace) -> int:
    """Print the calibration table, write it as CSV, exit 1 if a held-out figure is OUT."""
    import pandas as pd

    from sim.analysis.calibration import compare_to_targets, failed_checks
    from sim.cli.common import Progress, write_json
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
        digest = scenario_hash(s)
        prepare_run_dir(args.out / name, scenario=s.name, scenario_hash=digest, seed=seed)
        # a manifest makes the folder a run directory: a second `calibrate` resumes it
        manifest = {"scenario": s.name, "scenario_hash": digest, "seed": seed}
        write_json(args.out / name / "manifest.json", manifest)
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
    for line in format_table(table):
        print(line)
    failed = failed_checks(table)
    checks = table[table["role"] == "check"]
    fits = table[table["role"] == "fit"]
    print()
    print(
        f"fitted figures: {int((fits['status'] != 'OUT').sum())} of {len(fits)} in range; "
        f"held-out checks: {int((checks['status'] != 'OUT').sum())} of {len(checks)} in range "
        f"({int((checks['status'] == 'unsure').sum())} unsure)"
    )
    print("unsure: the mean is in range but its interval crosses a bound (add replications)")
    print(f"table in {args.out / 'calibration.csv'}")
    if len(failed):
        print(f"FAILED: held-out figure(s) out of range: {', '.join(failed['figure'])}")
        return 1
    return 0
