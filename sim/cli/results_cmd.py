"""``sanctions-sim results``: summarise run directories without re-running anything."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["NAME", "HELP", "add_arguments", "main"]

NAME = "results"
HELP = "Summarise one or more run directories into the metrics table (reads stored results only)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register options."""
    parser.add_argument(
        "dirs", nargs="+", type=Path, metavar="DIR", help="run directories (from run/compare)"
    )


def main(args: argparse.Namespace) -> int:
    """Print a table per run directory."""
    import pandas as pd

    from sim.analysis.metrics import HEADLINE_METRICS
    from sim.analysis.stats import metric_table
    from sim.analysis.tables import format_metric_table
    from sim.errors import UserError
    from sim.experiments.replications import REPLICATION_DIR, finished_replications
    from sim.experiments.run_dirs import MANIFEST, read_json_mapping

    for d in args.dirs:
        if not d.exists():
            raise UserError(f"{d}: no such folder")
        if not d.is_dir():
            raise UserError(f"{d} is a file; expected a run directory (from run or compare)")
        rows = finished_replications(d)
        stored = len(list((d / REPLICATION_DIR).glob("replication=*/_summary.json")))
        if stored > len(rows):
            print(
                f"warning: {d}: {stored - len(rows)} replication folder(s) with a damaged "
                "_summary.json skipped",
                file=sys.stderr,
            )
        if not rows:
            raise UserError(
                f"{d}: no finished replications found (expected "
                f"{d}/{REPLICATION_DIR}/replication=*/_summary.json)"
            )
        reps = pd.DataFrame([rows[i] for i in sorted(rows)])
        name = d.name
        if (d / MANIFEST).is_file():
            try:
                name = str(read_json_mapping(d / MANIFEST, "run manifest").get("scenario", name))
            except UserError as exc:
                print(f"warning: {exc}", file=sys.stderr)
        print(
            format_metric_table(
                metric_table(reps, HEADLINE_METRICS),
                title=f"{name}: {len(reps)} replications ({d})",
            )
        )
        print()
    return 0
