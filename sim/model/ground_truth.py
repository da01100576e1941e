"""Ground truth: where every vessel really is, and what an asset's own sensor reports of it.

Only the referee (``sim.model.referee``) and the pursuer's own sensor contact read this; the
cell, the smugglers' reactions and the AIS monitor act on reports and contacts made from it.
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np

from sim.model.assets import Asset
from sim.model.context import RunContext
from sim.model.kinds import TargetRef
from sim.model.legit_stops import StopsAtSea
from sim.model.motion import Track
from sim.model.picture import Contact
from sim.model.smugglers import IllicitVessel
from sim.units import NM_M

__all__ = ["GroundTruth", "Traffic", "Vessels"]


class Traffic(Protocol):
    """What the referee needs of legitimate traffic: its legs and one ship's track."""

    legit_legs: np.ndarray
    legit_ids: np.ndarray
    legit_dark: np.ndarray
    legit_max_dur_h: float
    legit_stops: StopsAtSea

    def legit_track(self, i: int) -> Track:
        """Legitimate ship ``i``'s track."""
        ...

    def legit_position(self, i: int, t_h: float) -> tuple[float, float]:
        """Legitimate ship ``i``'s position at ``t_h`` (its track's, without building it)."""
        ...


class Vessels(Protocol):
    """What the referee needs of the smugglers' register."""

    illicit: dict[str, IllicitVessel]
    active_illicit: dict[str, IllicitVessel]
    sightings: list[tuple[float, str]]


class GroundTruth:
    """True positions, availability, and what an asset's own sensor reports of a target.

    Args:
        ctx: the run context.
        traffic: legitimate ships' tracks.
        vessels: the illicit vessels.
    """

    def __init__(self, ctx: RunContext, traffic: Traffic, vessels: Vessels) -> None:
        self.env = ctx.env
        self.illicit = vessels.illicit
        self._legit_track = traffic.legit_track
        self._legit_position = traffic.legit_position

    def _track_of(self, ref: TargetRef) -> Track:
        return self._legit_track(ref.legit) if ref.legit >= 0 else self.illicit[ref.vid].track

    def target_pos(self, ref: TargetRef) -> tuple[float, float]:
        """True position of a target now."""
        if ref.legit >= 0:
            return self._legit_position(ref.legit, self.env.now)
        return self._track_of(ref).position(self.env.now)

    def target_vel(self, ref: TargetRef) -> tuple[float, float]:
        """True velocity (m/h) of a target now."""
        return self._track_of(ref).velocity(self.env.now)

    def target_available(self, ref: TargetRef) -> bool:
        """Whether the target is still at sea and free."""
        if ref.legit >= 0:
            legs = self._legit_track(ref.legit).legs
            now = self.env.now
            return bool(np.any((legs[:, 0] <= now) & (legs[:, 1] > now)))
        v = self.illicit.get(ref.vid)
        return v is not None and v.active and not v.seized

    def contact(self, a: Asset, ref: TargetRef) -> Contact | None:
        """Referee: what the asset's own sensor reports of a target now, or None.

        None when the target is out of the sensor's range (5% slack: a detection at the edge
        of range is still held) or no longer at sea. The position carries the sensor's error
        (``sensor.position_error_nm``, drawn from the asset's sensor stream); course and speed
        come from the sensor's track of the vessel (no error modelled: an assumption).
        """
        if not self.target_available(ref):
            return None
        ax, ay = self.asset_pos(a)
        tx, ty = self.target_pos(ref)
        s = a.group.sensor
        if math.hypot(tx - ax, ty - ay) > 1.05 * s.range_nm * NM_M:
            return None
        err_m = s.position_error_nm * NM_M
        ex, ey = a.sensor_rng.normal(0.0, err_m, 2) if err_m > 0 else (0.0, 0.0)
        vx, vy = self.target_vel(ref)
        return Contact(self.env.now, a.aid, tx + float(ex), ty + float(ey), vx, vy, err_m)

    def asset_pos(self, a: Asset) -> tuple[float, float]:
        """Position of an asset now."""
        if not len(a.track.legs):
            return float(a.base_xy[0]), float(a.base_xy[1])
        return a.track.position(self.env.now)
