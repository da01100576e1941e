"""Errors a user can fix. The CLI prints them without a traceback and exits with code 2."""

from __future__ import annotations

__all__ = ["UserError", "suggest"]


class UserError(Exception):
    """A problem with the user's input (file, name, option), reported plainly."""


def suggest(name: str, choices: list[str] | tuple[str, ...], n: int = 3) -> str:
    """Return a " Did you mean ...?" hint for a misspelt name, or "" when nothing is close."""
    import difflib

    close = difflib.get_close_matches(name, list(choices), n=n, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in choices}
        close = [
            lowered[c]
            for c in difflib.get_close_matches(name.lower(), list(lowered), n=n, cutoff=0.6)
        ]
    return f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
