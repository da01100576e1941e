"""Errors a user can fix. The CLI prints them without a traceback and exits with code 2.

``UserError`` is the base: a problem with the user's input (file, option, output folder).
``ScenarioError`` carries located problems (file, line, column, key path, message);
``UsageError`` is a bad command-line option. Anything else that reaches the command line's
top level is a bug, reported in one line with a hint to rerun with ``--debug``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "UserError",
    "UsageError",
    "ScenarioError",
    "Problem",
    "suggest",
    "clip",
    "MAX_ECHO_CHARS",
    "MAX_PROBLEMS_SHOWN",
]

MAX_ECHO_CHARS = 200
"""Longest piece of user input echoed in one message, characters (assumption: enough to
recognise a value; a 100 kB value must not print 100 kB)."""

MAX_PROBLEMS_SHOWN = 50
"""Most problems listed for one file (assumption: past that, the file is the wrong kind of file)."""


def clip(text: str, limit: int = MAX_ECHO_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit:,} more characters)"


class UserError(Exception):
    """A problem with the user's input (file, name, option), reported plainly."""


class UsageError(UserError):
    """A command-line option with a value the command cannot use."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario, located as precisely as we can.

    ``file`` is the scenario file, or ``--set KEY=VALUE`` when the value came from the
    command line; ``line`` and ``column`` are 1-based and None when the problem concerns the
    whole file (not found, too large).
    """

    file: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = clip(self.file)
        if self.line is not None:
            where += f":{self.line}:{self.column}"
        key = f" {clip(self.path, 120)}:" if self.path else ""
        return f"{where}:{key} {clip(self.message, 2 * MAX_ECHO_CHARS)}"


class ScenarioError(UserError):
    """A scenario failed to load or validate; ``problems`` lists every issue found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = [f"  {p}" for p in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            shown.append(f"  ... and {len(problems) - MAX_PROBLEMS_SHOWN} more problems")
        super().__init__("invalid scenario:\n" + "\n".join(shown))


def suggest(name: str, choices: list[str] | tuple[str, ...], n: int = 3) -> str:
    """Return a " Did you mean ...?" hint for a misspelt name, or "" when nothing is close."""
    import difflib

    if len(name) > 100:  # nothing is close, and matching a huge string is slow
        return ""
    close = difflib.get_close_matches(name, list(choices), n=n, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in choices}
        close = [
            lowered[c]
            for c in difflib.get_close_matches(name.lower(), list(lowered), n=n, cutoff=0.6)
        ]
    return f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
