"""Small shared types of the model's processes and entities.

``ProcessGenerator`` is what every SimPy process function returns (as SimPy annotates its
own processes): a generator that yields events and is resumed with their values.
``TargetRef`` names a pursued vessel; ``Tasking`` is the shared record of who is being
pursued and who is left alone for a while, which the coordination cell, the patrols and the
smugglers' bookkeeping all read or write.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import simpy

__all__ = ["ProcessGenerator", "TargetRef", "Tasking"]

ProcessGenerator = Generator[simpy.Event, Any, Any]
"""The type of a SimPy process function's generator."""


@dataclass(frozen=True)
class TargetRef:
    """A pursued vessel: a legitimate ship (``legit`` index) or an illicit one (``legit == -1``)."""

    vid: str
    legit: int = -1


@dataclass
class Tasking:
    """Which suspects are being pursued, and until when each is left alone.

    Attributes:
        pursued: vessel ids some asset is tasked on (one pursuer per suspect).
        hands_off: vessel id -> simulated hour until which no asset is sent after it (after
            an interception, or a pursuit broken off at the edge of DPRK waters).
    """

    pursued: set[str] = field(default_factory=set)
    hands_off: dict[str, float] = field(default_factory=dict)
    reported: set[str] = field(default_factory=set)
    """Illicit vessel ids some allied asset reported as suspect (port states act on them)."""
