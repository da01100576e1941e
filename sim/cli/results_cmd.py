"""``sanctions-sim results``: summarise run directories without re-running anything."""

from __future__ import annotations

import argparse
import json
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
    from sim.experiments.replications import finished_replications

    for d in args.dirs:
        rows = finished_replications(d)
        if not rows:
            raise UserError(
                f"{d}: no finished replications found (expected {d}/replications/rep_*/summary.json)"
            )
        reps = pd.DataFrame([rows[i] for i in sorted(rows)])
        manifest = d / "manifest.json"
        name = (
            json.loads(manifest.read_text()).get("scenario", d.name)
            if manifest.exists()
            else d.name
        )
        print(
            format_metric_table(
                metric_table(reps, HEADLINE_METRICS),
                title=f"{name}: {len(reps)} replications ({d})",
            )
        )
        print()
    return 0
