"""Helpers shared by CLI commands: progress display and manifests."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Progress", "finish_report", "write_json"]


class Progress:
    """A one-line progress bar on a terminal; silent when output is not a terminal.

    It shows itself only once a run has taken more than ``after_s`` seconds, so quick
    runs print nothing extra.
    """

    def __init__(self, label: str, stream: TextIO | None = None, after_s: float = 2.0) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.t0 = time.perf_counter()
        self.after_s = after_s
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` (only on a terminal, and only after ``after_s``)."""
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self.t0
        if elapsed < self.after_s and done < total:
            return
        width = 30
        filled = int(width * done / max(total, 1))
        eta = elapsed / max(done, 1) * (total - done)
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
            f"{elapsed:5.0f}s elapsed, ~{eta:4.0f}s left "
        )
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """End the progress line."""
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (temporary file, then rename); ``UserError`` if it cannot."""
    from sim.experiments.run_dirs import write_text

    write_text(path, json.dumps(data, indent=1, default=str))


def finish_report(reps: pd.DataFrame, out: Path, report: Path) -> int:
    """Print where the report and table are; exit code 1 only if every replication failed."""
    failed = int((reps["error"].fillna("") != "").sum()) if "error" in reps else 0
    if failed:
        print(
            f"warning: {failed} replication(s) failed; see {out / 'replications.csv'}",
            file=sys.stderr,
        )
    print(f"report: {report}")
    print(f"table:  {out / 'comparison.csv'}")
    return 1 if failed == len(reps) else 0
