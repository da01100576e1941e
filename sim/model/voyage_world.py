"""The interface a voyage process acts through (``sim.model.smugglers``).

Kept apart from the voyage process itself so that neither ``smugglers`` nor its provider
(``sim.model.fleet.Smugglers``) imports the other for typing alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import simpy

if TYPE_CHECKING:
    from sim.model.context import EventLog
    from sim.model.smugglers import IllicitVessel, Voyage
    from sim.model.streams import Streams
    from sim.scenarios.schema import Program, Scenario

__all__ = ["VoyageWorld"]


class VoyageWorld(Protocol):
    """What a voyage process may use (``sim.model.fleet.Smugglers`` provides it).

    Places, sites and routes, the clock, the register of illicit vessels, and the referee's
    entry point for a new plan (``publish_target``).
    """

    env: simpy.Environment
    illicit: dict[str, IllicitVessel]
    scenario: Scenario
    streams: Streams

    @property
    def log(self) -> EventLog:
        """The run's event log (``RunContext.log``)."""
        ...

    def start_voyage(self, program: Program, reship_of: Voyage | None = None) -> None:
        """Begin one voyage of the program (a re-attempt of ``reship_of`` when given)."""
        ...

    def at(self, t_h: float, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` at time ``t_h``."""
        ...

    def call_at_port(self, v: IllicitVessel, xy: Any) -> bool:
        """Port-state control when ``v`` calls at a port: True when it is detained."""
        ...

    def place_xy(self, name: str) -> np.ndarray:
        """Metric position of a named place."""
        ...

    def listed_port_risk(self, name: str) -> float:
        """The chance that the state of the named port detains a listed vessel (0 if none).

        Public knowledge (the state's declared posture and its detentions): smugglers may
        use it, unlike allied positions or plans.
        """
        ...

    def site(self, area: str, rng: np.random.Generator) -> np.ndarray:
        """A fixed candidate site of the area, drawn with the caller's stream."""
        ...

    def route_xy(
        self,
        a_xy: np.ndarray,
        b_xy: np.ndarray,
        avoid: tuple[str, ...] = (),
        prefer: tuple[str, ...] = (),
    ) -> np.ndarray:
        """Polyline (metres) over water from a to b."""
        ...

    def next_dusk_h(self, t_h: float) -> float:
        """The first local dusk at or after ``t_h``."""
        ...

    def publish_target(self, v: IllicitVessel) -> None:
        """The vessel has a new plan: the referee schedules its detections."""
        ...

    def new_vessel_id(self, prefix: str) -> str:
        """A fresh vessel identifier (``F12``, ``D7``)."""
        ...

    def add_illicit(self, v: IllicitVessel) -> None:
        """Register a new illicit vessel."""
        ...

    def archive(self, v: IllicitVessel, until_h: float) -> None:
        """Keep the sailed part of the vessel's plan for the tracks table."""
        ...

    def retire(self, v: IllicitVessel) -> None:
        """The vessel leaves the sea picture (home, or seized)."""
        ...

    def retire_later(self, v: IllicitVessel) -> None:
        """Retire the vessel when its current plan (the way home) ends."""
        ...

    def pos(self, v: IllicitVessel) -> tuple[float, float]:
        """Position of an illicit vessel now."""
        ...

    def recent_sightings(self, area: str, memory_h: float) -> int:
        """Patrol sightings reported in an area within the last ``memory_h``."""
        ...
