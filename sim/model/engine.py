"""The model: build the world from a frozen scenario, run it in SimPy, collect the tables.

Run phases are fixed (build, run, collect), as in desmod. ``Model`` only assembles the
entities of one replication and runs the environment; each entity is a small class that
depends on narrow interfaces (``typing.Protocol``) of the ones it uses, never on ``Model``:

- ``RunContext`` (``sim.model.context``): environment, streams, scenario, event log, clock;
- ``Waters`` (``sim.model.waters``): routes and their caches, sites, patrol polygons, zones;
- ``LegitTraffic`` (``sim.model.traffic``): a year of legitimate voyages as legs;
- ``Register`` and ``Smugglers`` (``sim.model.fleet``): illicit vessels and voyages;
- ``GroundTruth`` and ``Referee`` (``sim.model.referee``): the only part that sees the
  truth; it schedules detections and hands contacts to the cell;
- ``Cell`` (``sim.model.cell``): suspect reports, dispatch, cueing, the AIS watch;
- ``Patrols`` (``sim.model.patrol``, processes in ``sim.model.assets``): patrol assets,
  pursuit and interdiction;
- ``ReferenceTargets`` (``sim.model.reference``): inert targets whose detections are reported.

The theater is extended by the scenario's own ``places`` and ``areas`` (given as coordinates,
``sim.geo.additions``), so a scenario can run on the land-free ``open_water`` theater.

Dependencies run one way: waters and traffic know nothing of SimPy processes; the referee
reports to the cell; the cell tasks assets; the patrols act through the referee, the cell's
tasking record and the register; the smugglers publish their plans to the referee.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.geo.additions import with_places_and_areas
from sim.model.assets import Asset
from sim.model.cell import Cell
from sim.model.context import RunContext
from sim.model.fleet import Register, Smugglers
from sim.model.ground_truth import GroundTruth
from sim.model.hotspots import transfer_areas
from sim.model.illicit import Voyage
from sim.model.kinds import TargetRef, Tasking
from sim.model.patrol import Patrols
from sim.model.records import Event
from sim.model.referee import Referee
from sim.model.reference import ReferenceTargets
from sim.model.streams import Streams
from sim.model.traffic import LegitTraffic
from sim.model.waters import RouteCache, Waters
from sim.scenarios.schema import Scenario

__all__ = ["Model", "TargetRef", "RouteCache"]


class Model:
    """One replication of a scenario. Use :func:`sim.run` rather than this class directly.

    Args:
        scenario: the frozen scenario.
        theater: the loaded theater.
        seed: the replication's streams, ``SeedSequence`` or int.
        route_cache: routes between fixed points shared by the runs of one process.

    Attributes:
        ctx, waters, traffic, register, truth, cell, referee, patrols, smugglers: the
            entities, built in this order (each from the ones before it).
        simpy_steps: SimPy events processed by :meth:`run`.
    """

    def __init__(
        self,
        scenario: Scenario,
        theater: Any,
        seed: Streams | np.random.SeedSequence | int,
        route_cache: RouteCache | None = None,
    ) -> None:
        self.scenario = scenario
        theater = with_places_and_areas(theater, scenario.places, scenario.areas)
        self.theater = theater
        self.streams = seed if isinstance(seed, Streams) else Streams(seed)
        self.ctx = RunContext(scenario, theater, self.streams)
        self.waters = Waters(theater, route_cache)
        self.traffic = LegitTraffic(scenario, theater, self.streams, self.waters)
        self.tasking = Tasking()
        self.register = Register(self.ctx, self.tasking)
        self.truth = GroundTruth(self.ctx, self.traffic, self.register)
        assets: list[Asset] = []
        self.reference = ReferenceTargets(self.ctx, scenario.reference_targets, theater)
        self.cell = Cell(self.ctx, self.truth, self.register, assets, self.tasking, self.traffic)
        self.referee = Referee(
            self.ctx,
            self.waters.area_polygon,
            self.traffic,
            self.register,
            self.truth,
            self.cell,
            assets,
            self.reference,
            transfer_areas=transfer_areas(theater),
        )
        self.patrols = Patrols(
            self.ctx, self.waters, self.truth, self.referee, self.register, self.tasking, assets
        )
        self.smugglers = Smugglers(
            self.ctx, self.waters, self.register, self.referee.publish_target
        )
        # processes start in this order (SimPy breaks ties between events by creation order)
        self.patrols.build()
        self.smugglers.start()
        self.cell.start()
        self.simpy_steps = -1

    @property
    def env(self) -> Any:
        """The SimPy environment."""
        return self.ctx.env

    @property
    def events(self) -> list[Event]:
        """The event records so far."""
        return self.ctx.events

    @property
    def voyages(self) -> list[Voyage]:
        """Every illicit voyage started so far."""
        return self.smugglers.voyages

    @property
    def assets(self) -> list[Asset]:
        """Every patrol asset."""
        return self.patrols.assets

    @property
    def legit_contacts(self) -> int:
        """Detections of legitimate ships so far."""
        return self.referee.legit_contacts

    def tracks_frame(self) -> pd.DataFrame:
        """Every vessel's sailed legs (``TRACK_COLUMNS``): legitimate and illicit."""
        end = self.env.now
        df_i = self.register.tracks_frame(end)
        df_l = self.traffic.tracks_frame(end)
        out = pd.concat([df_l, df_i], ignore_index=True) if len(df_i) else df_l
        return out.sort_values(["vessel", "t0_h"], kind="stable").reset_index(drop=True)

    def run(self) -> None:
        """Run to the scenario's end, counting SimPy steps (events processed) on the way.

        Stepping through the public ``peek``/``step`` API processes the same events as
        ``env.run(until=...)`` (those before the end; the final ``run`` only moves the clock
        to the end), without reading SimPy's private event counter and queue.
        """
        env, until = self.env, self.scenario.duration_h
        steps = 0
        peek, step = env.peek, env.step
        while peek() < until:
            step()
            steps += 1
        env.run(until=until)
        self.simpy_steps = steps
        for a in self.assets:
            self.referee.settle_contacts(a)
