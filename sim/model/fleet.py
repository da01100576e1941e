"""The smugglers' side of the run: the register of illicit vessels, and the voyages.

``Register`` is the bookkeeping the referee and the patrols share: which illicit vessels
exist and which are at sea, where one is now, what it sailed (for the tracks table), and the
patrol sightings the smugglers remember. ``Smugglers`` starts each program's voyages and is
the world a voyage process sees (``sim.model.smugglers.VoyageWorld``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import pandas as pd

from sim.model import enforcement
from sim.model.context import RunContext
from sim.model.kinds import Tasking
from sim.model.records import TRACK_COLUMNS
from sim.model.smugglers import IllicitVessel, Voyage, VoyageRunner, voyage_source
from sim.scenarios.schema import Program

__all__ = ["Register", "Smugglers", "Sites"]


class Register:
    """The illicit vessels of one run and the smugglers' memory of patrol sightings.

    Args:
        ctx: the run context.
        tasking: the cell's record of pursued suspects (a vessel that leaves the sea is no
            longer pursued).

    Attributes:
        illicit: every illicit vessel by id.
        active_illicit: the ones at sea.
        sightings: (hour, area) of every patrol sighting reported by smugglers.
        on_add: called with each new vessel (the AIS monitor starts hearing it).
        track_rows: the sailed legs of illicit vessels (when the scenario records tracks).
    """

    def __init__(self, ctx: RunContext, tasking: Tasking) -> None:
        self.env = ctx.env
        self.scenario = ctx.scenario
        self._at = ctx.at
        self.pursued = tasking.pursued
        self._ctx = ctx
        self._reported = tasking.reported
        self._vessel_counter = {"F": 0, "D": 0}
        self.illicit: dict[str, IllicitVessel] = {}
        self.active_illicit: dict[str, IllicitVessel] = {}
        self.sightings: list[tuple[float, str]] = []
        self.track_rows: list[tuple] = []
        self.on_add: list[Callable[[IllicitVessel], None]] = []

    def new_vessel_id(self, prefix: str) -> str:
        """A fresh vessel identifier ('F12', 'D7')."""
        self._vessel_counter[prefix] += 1
        return f"{prefix}{self._vessel_counter[prefix]}"

    def add_illicit(self, v: IllicitVessel) -> None:
        """Register a new illicit vessel with the referee."""
        self.illicit[v.vid] = v
        self.active_illicit[v.vid] = v
        for listener in self.on_add:  # the cell's AIS monitor hears it from now on
            listener(v)

    def archive(self, v: IllicitVessel, until_h: float) -> None:
        """Keep the sailed part of a vessel's plan for the tracks table (if tracks are kept)."""
        if self.scenario.record_tracks:
            self.track_rows.extend(v.executed_legs(until_h))

    def tracks_frame(self, end_h: float) -> pd.DataFrame:
        """Every illicit vessel's sailed legs up to ``end_h`` (``TRACK_COLUMNS``)."""
        for v in self.illicit.values():
            self.archive(v, end_h)
        return pd.DataFrame(self.track_rows, columns=list(TRACK_COLUMNS))

    def retire(self, v: IllicitVessel) -> None:
        """The vessel is home (or seized): it leaves the sea picture."""
        self.archive(v, self.env.now)
        v.active = False
        self.active_illicit.pop(v.vid, None)
        self.pursued.discard(v.vid)

    def retire_later(self, v: IllicitVessel) -> None:
        """Retire the vessel when its current plan (the way home) ends."""
        self._at(max(self.env.now, v.track.end_h), self._retire_if_home, v, v.track.version)

    def _retire_if_home(self, v: IllicitVessel, version: int) -> None:
        if v.track.version == version and v.active:  # else re-planned (held, released) since
            if not v.dprk:  # a foreign vessel calls at its home port: port-state control
                self.call_at_port(v, v.home_xy)
            self.retire(v)

    def call_at_port(self, v: IllicitVessel, xy: Any) -> bool:
        """Port-state control as ``v`` calls at the port at ``xy`` (``enforcement``)."""
        return enforcement.call_at_port(self._ctx, self._reported, v, xy)

    def pos(self, v: IllicitVessel) -> tuple[float, float]:
        """Position of an illicit vessel now."""
        return (
            v.track.position(self.env.now)
            if len(v.track.legs)
            else (float(v.home_xy[0]), float(v.home_xy[1]))
        )

    def recent_sightings(self, area: str, memory_h: float) -> int:
        """Patrol sightings reported by smugglers in an area within the last ``memory_h``."""
        t0 = self.env.now - memory_h
        return sum(1 for t, a in self.sightings if t >= t0 and a == area)


class Sites(Protocol):
    """What a voyage needs of the sea: places, sites and water routes."""

    def place_xy(self, name: str) -> np.ndarray:
        """Metric position of a named place."""
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


class Smugglers:
    """The programs' voyages, and the world each voyage process acts in.

    Args:
        ctx: the run context.
        sea: places, sites and routes.
        register: the register of illicit vessels.
        publish_target: the referee's entry point for a vessel's new plan.
    """

    def __init__(
        self,
        ctx: RunContext,
        sea: Sites,
        register: Register,
        publish_target: Callable[[IllicitVessel], None],
    ) -> None:
        self.env = ctx.env
        self.scenario = ctx.scenario
        self.streams = ctx.streams
        self.log = ctx.log
        self.at = ctx.at
        self.next_dusk_h = ctx.next_dusk_h
        self.call_at_port = register.call_at_port
        self._theater = ctx.theater
        self.place_xy = sea.place_xy
        self.site = sea.site
        self.route_xy = sea.route_xy
        self.publish_target = publish_target
        self.illicit = register.illicit
        self.new_vessel_id = register.new_vessel_id
        self.add_illicit = register.add_illicit
        self.archive = register.archive
        self.retire = register.retire
        self.retire_later = register.retire_later
        self.pos = register.pos
        self.recent_sightings = register.recent_sightings
        self._program_voyages: dict[str, int] = {}
        self.voyages: list[Voyage] = []

    def listed_port_risk(self, name: str) -> float:
        """Chance that the named port's state detains a listed vessel (``enforcement``)."""
        return enforcement.listed_port_risk(self._theater, self.scenario.rules, name)

    def start(self) -> None:
        """Start each program's Poisson source of voyages."""
        for program in self.scenario.programs:
            arrivals = self.streams.get(f"program/{program.name}/arrivals")
            self.env.process(voyage_source(self, program, arrivals))

    def start_voyage(self, program: Program, reship_of: Voyage | None = None) -> None:
        """Begin one voyage of a program (called by the program's Poisson source).

        The k-th voyage of a program draws its plan from its own stream
        (``program/<name>/voyage/<k>``) and its reactions to allied action from another
        (``.../react``): a voyage's plan never depends on what patrols did to earlier ones.
        A re-attempt of a lost shipment (``reship_of``) carries the same cargo and draws from
        ``<stream of the first attempt>/reship/<attempt>``.
        """
        if reship_of is None:
            k = self._program_voyages.get(program.name, 0)
            self._program_voyages[program.name] = k + 1
            stream = f"program/{program.name}/voyage/{k}"
        else:
            stream = f"{reship_of.stream}/reship/{reship_of.attempt + 1}"
        rng = self.streams.get(stream)
        method = "sts" if rng.random() < program.sts_share else "direct"
        cargo = float(rng.uniform(*program.cargo_t))
        counted = self.env.now >= self.scenario.warmup_days * 24.0
        if reship_of is not None:
            cargo, counted = reship_of.cargo_t, reship_of.counted
        voyage = Voyage(len(self.voyages), program, method, self.env.now, cargo, counted)
        voyage.stream = stream
        if reship_of is not None:
            voyage.shipment, voyage.attempt = reship_of.shipment, reship_of.attempt + 1
        else:
            voyage.shipment = voyage.vid
        self.voyages.append(voyage)
        voyage.runner = VoyageRunner(self, voyage, rng, self.streams.get(f"{stream}/react"))
        voyage.process = self.env.process(voyage.runner.run())
