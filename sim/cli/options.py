"""Types for command-line options: each refuses a value the command cannot use, at parse time.

argparse reports a refused value as a usage error (``error: argument -n/--replications:
...``) and exits with code 2, before anything runs; ``-n 0`` is refused, not taken to
mean "the file's default".
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from sim.errors import clip

__all__ = [
    "MAX_REPLICATIONS",
    "MAX_WORKERS",
    "MAX_SEED",
    "MIN_AIS_INTERVAL_S",
    "MAX_AIS_INTERVAL_S",
    "replications",
    "workers",
    "seed",
    "positive_seconds",
]

MAX_REPLICATIONS = 100_000
"""Most replications of one run (the schema's bound on ``replications``)."""

MAX_WORKERS = 256
"""Most local worker processes (assumption: more than any workstation has cores; a typo such as
``-w 1000`` must not start a thousand processes)."""

MIN_AIS_INTERVAL_S = 2.0
"""Shortest AIS report interval under way, seconds (ITU-R M.1371 Class A: 2 s at speed; below it no
transmitter reports, and the simulated feed only grows)."""

MAX_AIS_INTERVAL_S = 86_400.0
"""Longest AIS report interval, seconds (assumption: one report a day is already no track)."""

MAX_SEED = 2**63 - 1
"""Largest root seed (a seed is stored in Parquet and JSON as a 64-bit integer)."""


def _integer(name: str, low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a whole number for {name}, found {clip(text, 40)!r}"
            ) from None
        if not low <= value <= high:
            span = f"at least {low:,}" if high == MAX_SEED else f"from {low:,} to {high:,}"
            raise argparse.ArgumentTypeError(f"{name} must be {span}, found {clip(text, 40)}")
        return value

    parse.__name__ = name  # argparse names the type in some messages
    return parse


replications = _integer("replications", 1, MAX_REPLICATIONS)
"""``-n``: at least one replication."""
workers = _integer("workers", 1, MAX_WORKERS)
"""``-w``: at least one local process."""
seed = _integer("seed", 0, MAX_SEED)
"""``--seed``: a non-negative integer (numpy's SeedSequence refuses negative seeds)."""


def positive_seconds(text: str) -> float:
    """A finite number of seconds within the AIS limits (``--ais-interval-s``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds, found {clip(text, 40)!r}"
        ) from None
    if not (math.isfinite(value) and MIN_AIS_INTERVAL_S <= value <= MAX_AIS_INTERVAL_S):
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds from {MIN_AIS_INTERVAL_S:g} to {MAX_AIS_INTERVAL_S:g}, "
            f"found {clip(text, 40)}"
        )
    return value
