"""``sanctions-sim results``: summarise stored runs side by side without re-running anything."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "NAME",
    "HELP",
    "EXAMPLES",
    "RunRef",
    "add_arguments",
    "main",
    "find_runs",
    "run_tables",
]

NAME = "results"
HELP = (
    "Summarise stored runs side by side (metrics with 95%% intervals): any run folder (from run) "
    "or comparison/sweep folder (from compare, sweep), several at once; --csv for a table file."
)
EXAMPLES = """examples:
  sanctions-sim results runs/crackdown_2018
  sanctions-sim results report/                 (every scenario of a compare folder)
  sanctions-sim results report/* runs/blockade  (files and non-run folders are skipped)
  sanctions-sim results report/ --csv metrics.csv"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register options."""
    parser.add_argument(
        "dirs",
        nargs="+",
        type=Path,
        metavar="DIR",
        help="run folders or comparison/sweep folders; anything else given (a file, a figures "
        "folder) is skipped with a note",
    )
    parser.add_argument(
        "--csv",
        nargs="?",
        const="-",
        default=None,
        metavar="FILE",
        help="write one row per (run, metric) as CSV to FILE, or to standard output without "
        "FILE, instead of the table (raw interval bounds, as in metrics.csv)",
    )


class RunRef(TypedDict):
    """A run to show: its column label, and its run folder."""

    label: str
    path: Path


def find_runs(paths: list[Path]) -> list[RunRef]:
    """The runs held by the given folders, in order: dicts with ``label`` and ``path``.

    A run folder is one run; a comparison or sweep folder is each of its runs, in its order. A
    label seen twice (the same scenario in two comparisons) is replaced by the run's folder.

    Raises:
        UserError: a path that does not exist, or no runs in any of them. Files and folders
            without runs are skipped with a warning on standard error when others hold runs.
    """
    from sim.analysis.results import run_dirs
    from sim.errors import UserError
    from sim.experiments.run_dirs import MANIFEST, read_json_mapping

    runs: list[RunRef] = []
    skipped: list[str] = []
    for p in paths:
        if not p.exists():
            raise UserError(f"{p}: no such folder")
        found = run_dirs(p) if p.is_dir() else []
        if not found:
            skipped.append(
                f"{p} {'is a file' if p.is_file() else 'holds no finished replications'}"
            )
        for r in found:
            label = str(r["label"])
            if r["dir"] == "." and (p / MANIFEST).is_file():  # a single run: its scenario's name
                try:
                    label = str(
                        read_json_mapping(p / MANIFEST, "run manifest").get("scenario", label)
                    )
                except UserError as exc:
                    print(f"warning: {exc}", file=sys.stderr)
            runs.append({"label": label, "path": Path(r["path"])})
    if not runs:
        raise UserError(
            f"no runs found: {'; '.join(skipped)}; give a folder written by run, compare or "
            "sweep (it holds replications/replication=*/_summary.json, or experiment.json)"
        )
    if skipped:
        print(f"note: skipped what is not a run: {'; '.join(skipped)}", file=sys.stderr)
    labels = [r["label"] for r in runs]
    for ref in runs:
        if labels.count(ref["label"]) > 1:
            ref["label"] = str(ref["path"])
    return runs


def run_tables(runs: list[RunRef], *, clip: bool = True) -> dict[str, pd.DataFrame]:
    """Each run's headline ``metric_table``, by label.

    A run without finished replications is left out with a warning.

    Raises:
        UserError: when no run has a finished replication.
    """
    import pandas as pd

    from sim.analysis.metrics import HEADLINE_METRICS
    from sim.analysis.stats import metric_table
    from sim.errors import UserError
    from sim.experiments.replications import REPLICATION_DIR, finished_replications

    tables = {}
    for r in runs:
        d = r["path"]
        rows = finished_replications(d)
        stored = len(list((d / REPLICATION_DIR).glob("replication=*/_summary.json")))
        if stored > len(rows):
            print(
                f"warning: {d}: {stored - len(rows)} replication folder(s) with a damaged "
                "_summary.json skipped",
                file=sys.stderr,
            )
        if not rows:
            print(f"warning: {d}: no finished replications yet; left out", file=sys.stderr)
            continue
        reps = pd.DataFrame([rows[i] for i in sorted(rows)])
        tables[r["label"]] = metric_table(reps, HEADLINE_METRICS, clip=clip)
    if not tables:
        where = ", ".join(str(r["path"]) for r in runs)
        raise UserError(
            f"{where}: no finished replications found (expected "
            f"{REPLICATION_DIR}/replication=*/_summary.json)"
        )
    return tables


def main(args: argparse.Namespace) -> int:
    """Print one table with a column per run, or write them as CSV."""
    import pandas as pd

    from sim.analysis.tables import format_metric_columns
    from sim.experiments.run_dirs import write_text

    runs = find_runs(args.dirs)
    paths = {r["label"]: r["path"] for r in runs}
    if args.csv is not None:
        tables = run_tables(runs, clip=False)
        long = pd.concat(
            [t.assign(run=label, folder=str(paths[label])) for label, t in tables.items()],
            ignore_index=True,
        )
        long = long[["run", "folder", *[c for c in long if c not in ("run", "folder")]]]
        if args.csv == "-":
            long.to_csv(sys.stdout, index=False)
        else:
            write_text(Path(args.csv), long.to_csv(index=False))
            print(f"{len(long)} rows ({len(tables)} runs) in {args.csv}")
        return 0
    tables = run_tables(runs)
    print(format_metric_columns(tables, title=f"{len(tables)} run(s), from stored results:"))
    for label, path in paths.items():
        if label in tables:
            n = int(tables[label]["replications"].max()) if len(tables[label]) else 0
            print(f"  {label}: {n} replications in {path}")
    return 0
