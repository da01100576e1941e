"""Helpers shared by CLI commands: progress display and manifests."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Progress", "finish_report", "format_seconds", "write_json"]


class Progress:
    """Progress of a long command on standard error, from its first second.

    On a terminal, one line redrawn in place: a bar with the replications done, or a stage
    ("building the report") with its seconds ticking. Off a terminal (piped, or in a CI log),
    plain lines that a log keeps: one when a stage starts and ends, one per replication.

    Called as ``progress(done, total)`` (the callback that ``run_replications``, ``compare``
    and ``sweep`` take), and ``with progress.stage("what"):`` around a slow step.

    Inside a stage, what the library logs at INFO under the ``sim`` logger (the geography
    cache's build steps, the report's figures) is shown as the stage's current step: on a
    terminal after the stage's name, with the seconds ticking; off a terminal, one indented
    line per step. The library only logs; this is the one place that shows it.
    """

    def __init__(
        self,
        label: str,
        stream: TextIO | None = None,
        after_s: float = 0.0,
        *,
        tty: bool | None = None,
        unit: str = "replications",
    ) -> None:
        """Start the clock.

        Args:
            label: what runs, first on every line (a command or scenario name).
            stream: where to write (default: standard error).
            after_s: on a terminal, draw the bar only once the run is this old (seconds).
            tty: redraw in place (default: whether ``stream`` is a terminal).
            unit: what ``done`` and ``total`` count.
        """
        self.label = label
        self.stream = stream or sys.stderr
        self.t0 = time.perf_counter()
        self.after_s = after_s
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)()) if tty is None else tty
        self.unit = unit
        self.shown = False  # a terminal line is open (needs a newline before other output)
        self._lock = threading.Lock()  # the ticker thread and the caller both draw
        self._stage: _Stage | None = None
        self.width = _columns(self.stream) - 1  # a full last column would wrap on some terminals

    def elapsed_s(self) -> float:
        """Seconds since the progress was created, or since its last stage ended."""
        return time.perf_counter() - self.t0

    def say(self, message: str) -> None:
        """One line of news (a terminal's open bar line is ended first)."""
        self._end_line()
        self.stream.write(f"{self.label}: {message}\n")
        self.stream.flush()

    def update(self, message: str) -> None:
        """News that replaces the last on a terminal (its own line off a terminal)."""
        if self.tty:
            self._draw(f"{self.label}: {message}")
        else:
            self.say(message)

    def note(self, message: str) -> None:
        """A step within the current stage (see :meth:`stage`); a plain update outside one."""
        if self._stage is None:
            self.update(message)
        elif self.tty:
            self._stage.step = message
            self._draw(self._stage_text())
        else:
            self.say(f"  {message}")

    def __call__(self, done: int, total: int) -> None:
        """Report ``done`` of ``total`` finished."""
        elapsed = self.elapsed_s()
        left = elapsed / max(done, 1) * (total - done)
        if not self.tty:
            eta = f", ~{format_seconds(left)} left" if done < total else ""
            self.say(f"{done}/{total} {self.unit} done ({format_seconds(elapsed)} elapsed{eta})")
            return
        if elapsed < self.after_s and done < total:
            return
        width = 30
        filled = int(width * done / max(total, 1))
        self._draw(
            f"{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
            f"{elapsed:5.0f}s elapsed, ~{left:4.0f}s left "
        )

    @contextlib.contextmanager
    def stage(self, what: str) -> Iterator[None]:
        """Announce a slow step at once, and say how long it took when it ends.

        On a terminal the step's seconds tick on its line (a daemon thread, stopped before the
        step returns, so no thread is alive when workers are forked afterwards).
        """
        t0 = time.perf_counter()
        stop = threading.Event()
        ticker = None
        self._stage = _Stage(what, t0)
        if self.tty:
            self._draw(self._stage_text())

            def tick() -> None:
                while not stop.wait(1.0):
                    self._draw(self._stage_text())

            ticker = threading.Thread(target=tick, daemon=True)
            ticker.start()
        else:
            self.say(f"{what}...")
        handler = _NoteHandler(self.note)
        logger = logging.getLogger("sim")
        level = logger.level
        logger.addHandler(handler)
        if logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
            stop.set()
            if ticker is not None:
                ticker.join()
            self._stage = None
        done = f"{what}: done in {format_seconds(time.perf_counter() - t0)}"
        if self.tty:  # the ticking line becomes the result
            self._draw(f"{self.label}: {done}")
            self._end_line()
        else:
            self.say(done)
        self.t0 = time.perf_counter()  # what is counted next is timed from here

    def close(self) -> None:
        """End an open terminal line."""
        self._end_line()

    def _stage_text(self) -> str:
        """The terminal line of the current stage: its name, its step, its seconds.

        It must fit the terminal's width (a wrapped line cannot be redrawn in place): when
        the stage's name and its step do not both fit, the step is shown alone, and a step
        still too long loses its middle, so that what is built and its phase both show.
        """
        st = self._stage
        if st is None:
            return ""
        ticking = f"... {time.perf_counter() - st.t0:.0f} s"
        room = self.width - len(ticking)
        text = f"{self.label}: {st.what}"
        if st.step:
            text += f": {st.step}"
            if len(text) > room:
                text = f"{self.label}: {st.step}"
        if len(text) > room:
            head = (room - 1) // 2
            text = text[:head] + "~" + text[len(text) - (room - 1 - head) :]
        return text + ticking

    def _draw(self, text: str) -> None:
        with self._lock:
            self.stream.write(f"\r{text:<{self.width}}")
            self.stream.flush()
            self.shown = True

    def _end_line(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False


def _columns(stream: TextIO) -> int:
    """The terminal's width in columns (80 when it cannot be told, as for a StringIO)."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return 80
    return columns if columns >= 40 else 80  # 0 from a terminal that never set its size


@dataclasses.dataclass
class _Stage:
    """The open stage: what it is, when it started (perf_counter s), its current step."""

    what: str
    t0: float
    step: str = ""


class _NoteHandler(logging.Handler):
    """Passes the library's INFO records to :meth:`Progress.note`, in this process only.

    A worker forked while a stage is open inherits the handler; its records are not shown,
    as another process's writes would break the terminal line.
    """

    def __init__(self, note: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self._note = note
        self._pid = os.getpid()

    def emit(self, record: logging.LogRecord) -> None:
        """Show the record's message as the stage's current step."""
        if record.process == self._pid:
            self._note(record.getMessage())


def format_seconds(seconds: float) -> str:
    """A duration as people read it: ``8 s``, ``2 min 05 s``, ``1 h 03 min``."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def write_json(path: Path, data: object) -> None:
    """Write JSON atomically (temporary file, then rename); ``UserError`` if it cannot."""
    from sim.experiments.run_dirs import write_text

    write_text(path, json.dumps(data, indent=1, default=str))


def finish_report(reps: pd.DataFrame, out: Path, report: Path, noun: str = "scenario") -> int:
    """Print the results table and where the report is; exit code 1 only if all failed.

    Args:
        reps: one row per (run, replication), with ``label`` naming the run (``compare`` and
            ``sweep`` output).
        out: the experiment folder.
        report: the ``report.html`` written.
        noun: what a run is, for the title ("scenario" or "variant").
    """
    from sim.analysis.metrics import HEADLINE_METRICS
    from sim.analysis.stats import metric_table
    from sim.analysis.tables import format_metric_columns

    failed = int((reps["error"].fillna("") != "").sum()) if "error" in reps else 0
    if failed:
        print(
            f"warning: {failed} replication(s) failed; see {out / 'replications.csv'}",
            file=sys.stderr,
        )
    if "label" in reps and failed < len(reps):
        tables = {
            str(label): metric_table(group, HEADLINE_METRICS)
            for label, group in reps.groupby("label", sort=False)
        }
        print(format_metric_columns(tables, title=f"By {noun} (the first is the baseline):"))
        print()
    print(f"report: {report}")
    print(f"table:  {out / 'comparison.csv'}")
    return 1 if failed == len(reps) else 0
