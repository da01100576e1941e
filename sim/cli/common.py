"""Helpers shared by CLI commands: progress display, run-directory bookkeeping."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from sim.errors import UserError

__all__ = ["Progress", "prepare_run_dir", "write_json"]


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
    """Write JSON atomically (temporary file, then rename)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, default=str))
    tmp.replace(path)


def prepare_run_dir(out: Path, scenario_hash: str, seed: int) -> None:
    """Create the run directory, or check that an existing one belongs to the same scenario and seed.

    Rerunning the same command resumes; a changed scenario is refused rather than mixed in.
    """
    out.mkdir(parents=True, exist_ok=True)
    manifest = out / "manifest.json"
    if manifest.exists():
        old = json.loads(manifest.read_text())
        if old.get("scenario_hash") != scenario_hash:
            raise UserError(
                f"{out} holds results of a different scenario (hash {old.get('scenario_hash')}, now {scenario_hash}); "
                "use another --out directory or delete it"
            )
        if old.get("seed") != seed:
            raise UserError(
                f"{out} holds results for seed {old.get('seed')}, not {seed}; use another --out directory"
            )
