"""The run context: what every entity of one replication shares.

The SimPy environment, the named random streams, the scenario, the event log and the clock
(local solar night).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import simpy

from sim.model.records import Event
from sim.model.streams import Streams
from sim.scenarios.schema import Scenario

__all__ = ["RunContext", "EventLog"]

_DUSK_H = 18.0
"""Local solar hour at which night begins (assumption: a fixed 12-hour night all year)."""
_DAWN_H = 6.0
"""Local solar hour at which night ends (assumption, as ``_DUSK_H``)."""


class EventLog(Protocol):
    """The signature of :meth:`RunContext.log`, for the interfaces of the entities that log."""

    def __call__(
        self,
        kind: str,
        *,
        vessel: str = "",
        asset: str = "",
        voyage: int = -1,
        xy: Any = ...,
        cargo_t: float = 0.0,
        reason: str = "",
        activity: str = "",
        place: str = "",
        ais: str = "",
        classification: str = "",
        classification_p: float = ...,
        identity: str = "",
        identity_source: str = "",
    ) -> None:
        """Append one event record."""
        ...


class RunContext:
    """What every entity of one replication shares.

    Args:
        scenario: the frozen scenario.
        theater: the loaded theater (its bounding box sets the local solar time).
        streams: the replication's named random streams.
    """

    def __init__(self, scenario: Scenario, theater: Any, streams: Streams) -> None:
        self.scenario = scenario
        self.theater = theater
        self.streams = streams
        self.env = simpy.Environment()
        self.events: list[Event] = []
        lon0, _lat0, lon1, _lat1 = theater.bbox
        self._solar_offset_h = ((lon0 + lon1) / 2.0) / 15.0

    # ---------------------------------------------------------------- logging
    def log(
        self,
        kind: str,
        *,
        vessel: str = "",
        asset: str = "",
        voyage: int = -1,
        xy: Any = (math.nan, math.nan),
        cargo_t: float = 0.0,
        reason: str = "",
        activity: str = "",
        place: str = "",
        ais: str = "",
        classification: str = "",
        classification_p: float = math.nan,
        identity: str = "",
        identity_source: str = "",
    ) -> None:
        """Append one typed event record (``reason`` is a code of ``REASONS``).

        ``classification`` (a ``ContactClass`` value) with its ``classification_p``,
        ``identity`` and ``identity_source`` describe a sensor contact (detections and suspect
        reports), '' (NaN) otherwise.
        """
        self.events.append(
            Event(
                self.env.now,
                kind,
                vessel,
                asset,
                voyage,
                float(xy[0]),
                float(xy[1]),
                float(cargo_t),
                reason,
                activity,
                place,
                ais,
                classification,
                float(classification_p),
                identity,
                identity_source,
            )
        )

    def at(self, t_h: float, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` at simulated hour ``t_h`` (now if it is already past)."""
        ev = self.env.timeout(max(0.0, t_h - self.env.now))
        ev.callbacks.append(lambda _ev: fn(*args))

    # ------------------------------------------------------------------ clock
    def is_night_array(self, t_h: np.ndarray) -> np.ndarray:
        """:meth:`is_night` for an array of times."""
        hour = (np.asarray(t_h) + self._solar_offset_h) % 24.0
        return (hour >= _DUSK_H) | (hour < _DAWN_H)

    def is_night(self, t_h: float) -> bool:
        """Local solar night (18:00-06:00) at the theater's central meridian."""
        hour = (t_h + self._solar_offset_h) % 24.0
        return hour >= _DUSK_H or hour < _DAWN_H

    def next_dusk_h(self, t_h: float) -> float:
        """The first local dusk at or after ``t_h`` (or ``t_h`` itself if it is already night)."""
        if self.is_night(t_h):
            return t_h
        hour = (t_h + self._solar_offset_h) % 24.0
        return t_h + (_DUSK_H - hour)
