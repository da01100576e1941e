"""The illicit vessels and voyages: state that the smugglers' processes drive and others read.

``IllicitVessel`` is one hull (its track, AIS state, identity, role in a transfer) and
``Voyage`` one illicit voyage and its bookkeeping (``VOYAGE_COLUMNS``). They are plain records,
apart from the voyage processes of ``sim.model.smugglers`` that change them, so that the
referee, the cell, port states and patrols can depend on them without depending on the
processes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from sim.model.motion import Track

if TYPE_CHECKING:
    from sim.scenarios.schema import Program

__all__ = ["IllicitVessel", "Voyage"]


@dataclass(eq=False)
class IllicitVessel:
    """A vessel of an illicit voyage, as the referee and the patrols see it."""

    vid: str
    role: str  # "giver" or "taker"
    dprk: bool
    voyage: Voyage
    flag: str
    watchlisted: bool
    spoofed: bool
    dark: bool
    dprk_bound: bool
    speed_kn: float
    home_xy: np.ndarray
    track: Track = field(default_factory=Track)
    cargo_t: float = 0.0
    active: bool = True
    seized: bool = False
    returning: bool = False  # carrying cargo back home after a halted or failed voyage
    sts_window: tuple[float, float] = (math.inf, math.inf)
    wait_from_h: float = math.inf
    archived_until_h: float = -math.inf

    def executed_legs(self, until_h: float) -> list[tuple]:
        """Rows of the tracks table for the part of the current plan sailed since the last call."""
        rows = []
        for t0, t1, x0, y0, vx, vy in self.track.legs.tolist():
            a, b = max(t0, self.archived_until_h), min(t1, until_h)
            if b <= a:
                continue
            mid = (a + b) / 2
            ais = self.ais_on(mid)
            rows.append(
                (
                    self.vid,
                    "dprk" if self.dprk else "foreign",
                    a,
                    b,
                    x0 + vx * (a - t0),
                    y0 + vy * (a - t0),
                    x0 + vx * (b - t0),
                    y0 + vy * (b - t0),
                    ais,
                    ("S" + self.vid if self.spoofed else self.vid) if ais else "",
                    self.activity(mid),
                )
            )
        self.archived_until_h = max(self.archived_until_h, until_h)
        return rows

    def activity(self, t_h: float) -> str:
        """What the vessel does at ``t_h``: sts, wait (loitering at the rendezvous) or transit."""
        if self.sts_window[0] <= t_h < self.sts_window[1]:
            return "sts"
        if self.wait_from_h <= t_h < self.sts_window[0]:
            return "wait"
        return "transit"

    def ais_on(self, t_h: float) -> bool:
        """Dark vessels switch AIS back on once the transfer is over (feeders) or never (DPRK)."""
        if not self.dark:
            return True
        return (not self.dprk) and t_h >= self.sts_window[1]


@dataclass(eq=False)
class Voyage:
    """One illicit voyage and its bookkeeping (see ``VOYAGE_COLUMNS``)."""

    vid: int
    program: Program
    method: str
    start_h: float
    cargo_t: float
    counted: bool
    giver: IllicitVessel | None = None
    taker: IllicitVessel | None = None
    area: str = ""
    outcome: str = "in_transit"
    end_h: float = math.nan
    delivered_t: float = 0.0
    seized_t: float = 0.0
    returned_t: float = 0.0
    detected: bool = False
    sts_detected: bool = False
    relocations: int = 0
    process: simpy.Process | None = None
    runner: Any = None
    phase: str = "approach"
    shipment: int = -1
    """Voyage number of the shipment's first attempt (re-attempts share it)."""
    attempt: int = 0
    """0 for the first attempt at a shipment, 1, 2, ... for re-attempts."""
    stream: str = ""
    """Name of the voyage's random stream (re-attempts derive theirs from it)."""

    @property
    def vessels(self) -> list[IllicitVessel]:
        """The voyage's vessels."""
        return [v for v in (self.giver, self.taker) if v is not None]

    def settle(self, outcome: str, t_h: float) -> None:
        """Fix the outcome once; a later seizure or diversion still overrides it.

        A disrupted or failed voyage carries its cargo back home; if that cargo is taken on
        the way, the voyage was seized (or diverted) after all.
        """
        if self.outcome == "in_transit" or (
            outcome in ("seized", "diverted") and self.outcome in ("disrupted", "failed")
        ):
            self.outcome = outcome
            self.end_h = t_h

    def row(self) -> dict[str, Any]:
        """One row of the voyages table."""
        in_transit = self.cargo_t - self.delivered_t - self.seized_t - self.returned_t
        return {
            "voyage": self.vid,
            "program": self.program.name,
            "commodity": self.program.commodity,
            "method": self.method,
            "rendezvous_area": self.area,
            "foreign_vessel": next((v.vid for v in self.vessels if not v.dprk), ""),
            "dprk_vessel": next((v.vid for v in self.vessels if v.dprk), ""),
            "foreign_flag": next((v.flag for v in self.vessels if not v.dprk), ""),
            "cargo_t": self.cargo_t,
            "delivered_t": self.delivered_t,
            "seized_t": self.seized_t,
            "returned_t": self.returned_t,
            "in_transit_t": max(0.0, in_transit),
            "outcome": self.outcome,
            "start_h": self.start_h,
            "end_h": self.end_h,
            "detected": self.detected,
            "sts_detected": self.sts_detected,
            "relocations": self.relocations,
            "counted": self.counted,
            "shipment": self.shipment,
            "attempt": self.attempt,
        }
