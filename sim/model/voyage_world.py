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
    from sim.model.smugglers import IllicitVessel
    from sim.model.smugglers import Voyage
    from sim.model.streams import Streams
    from sim.scenarios.schema import Program, Scenario

__all__ = ["VoyageWorld"]


class VoyageWorld(Protocol):
    """What a voyage process may use (``sim.model.fleet.Smugglers`` provides it): places,
    sites and routes, the clock, the register of illicit vessels, and the referee's entry point
    for a new plan (``publish_target``).
    """

    env: simpy.Environment
    illicit: dict[str, IllicitVessel]
    scenario: Scenario
    streams: Streams

    @property
    def log(self) -> EventLog: ...

    def start_voyage(self, program: Program, reship_of: Voyage | None = None) -> None: ...

    def at(self, t_h: float, fn: Callable[..., Any], *args: Any) -> None: ...

    def call_at_port(self, v: IllicitVessel, xy: Any) -> bool: ...

    def place_xy(self, name: str) -> np.ndarray: ...

    def site(self, area: str, rng: np.random.Generator) -> np.ndarray: ...

    def route_xy(
        self,
        a_xy: np.ndarray,
        b_xy: np.ndarray,
        avoid: tuple[str, ...] = (),
        prefer: tuple[str, ...] = (),
    ) -> np.ndarray: ...

    def next_dusk_h(self, t_h: float) -> float: ...

    def publish_target(self, v: IllicitVessel) -> None: ...

    def new_vessel_id(self, prefix: str) -> str: ...

    def add_illicit(self, v: IllicitVessel) -> None: ...

    def archive(self, v: IllicitVessel, until_h: float) -> None: ...

    def retire(self, v: IllicitVessel) -> None: ...

    def retire_later(self, v: IllicitVessel) -> None: ...

    def pos(self, v: IllicitVessel) -> tuple[float, float]: ...

    def recent_sightings(self, area: str, memory_h: float) -> int: ...
