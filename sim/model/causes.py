"""Interrupt causes of a voyage process: what allied action tells the smugglers.

Small typed causes, as SimPy's interrupts carry them (``process.interrupt(cause)``); the
voyage process (``sim.model.smugglers``) decides how the smugglers respond.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Observed", "Boarded", "Held", "Released", "VoyageCause"]


@dataclass(frozen=True)
class Observed:
    """Interrupt cause: an allied asset was seen close by (the smugglers may halt)."""

    asset: str
    vessel: str


@dataclass(frozen=True)
class Boarded:
    """Interrupt cause: one of the voyage's vessels was seized or diverted."""

    vessel: str
    action: str  # "seized" or "diverted"


@dataclass(frozen=True)
class Held:
    """Interrupt cause: one of the voyage's vessels is being boarded until ``until_h``.

    It stops where it is and nothing that needs it (the meeting, the transfer, the delivery)
    happens until it is seized or released.
    """

    vessel: str
    until_h: float


@dataclass(frozen=True)
class Released:
    """Interrupt cause: a boarded vessel was released (nothing found)."""

    vessel: str


VoyageCause = Observed | Boarded | Held | Released
"""Interrupt causes a voyage process reacts to."""
