"""Piecewise-linear motion: a track is a sequence of legs, positions interpolated on demand.

Nothing is stepped on a clock. A leg is ``(t0_h, t1_h, x0_m, y0_m, vx_m_h, vy_m_h)``:
the mover is at ``(x0 + vx*(t-t0), y0 + vy*(t-t0))`` for ``t0 <= t <= t1``.
A stationary leg (in port, loitering, alongside) has zero velocity.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sim.model import _motion_kernels
from sim.units import KN_M_PER_H

__all__ = ["Track", "legs_along", "leg_ends", "hold_leg", "intercept_time_h", "LEG_FIELDS"]

LEG_FIELDS = ("t0", "t1", "x0", "y0", "vx", "vy")


def legs_along(xy_m: np.ndarray, t_start_h: float, speed_kn: float) -> np.ndarray:
    """Legs (k x 6 array) that follow a polyline at constant speed, starting at ``t_start_h``.

    Segments shorter than 1 um are dropped. Compiled (``sim.model._motion_kernels``): patrol
    plans lay tens of thousands of these a run.
    """
    xy = np.ascontiguousarray(xy_m, dtype=float).reshape(-1, 2)
    return _motion_kernels.legs_at_speed(xy, float(t_start_h), float(speed_kn * KN_M_PER_H))


def leg_ends(legs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """End positions (x, y arrays) of legs."""
    dur = legs[:, 1] - legs[:, 0]
    return legs[:, 2] + legs[:, 4] * dur, legs[:, 3] + legs[:, 5] * dur


def hold_leg(x_m: float, y_m: float, t0_h: float, t1_h: float) -> np.ndarray:
    """A single stationary leg (1 x 6)."""
    return np.array([[t0_h, t1_h, x_m, y_m, 0.0, 0.0]])


@dataclass
class Track:
    """The planned legs of one mover from now on, and a version bumped whenever the plan changes.

    Sensing results computed for an old version are discarded (the referee's
    cheap answer to "the target changed course after we predicted a detection").
    """

    legs: np.ndarray = field(default_factory=lambda: np.zeros((0, 6)))
    version: int = 0
    _bounds: tuple[float, ...] | None = field(default=None, repr=False, compare=False)
    on_change: Callable[[], None] | None = field(default=None, repr=False, compare=False)
    """Called just before the plan is replaced (the referee settles what the old plan saw)."""

    def set(self, legs: np.ndarray) -> None:
        """Replace the plan."""
        if self.on_change is not None:
            self.on_change()
        self.legs = np.asarray(legs, dtype=float).reshape(-1, 6)
        self.version += 1
        self._bounds = None

    @property
    def bounds(self) -> tuple[float, ...]:
        """``(t0_h, t1_h, xmin_m, ymin_m, xmax_m, ymax_m)`` of the plan (cached per version).

        The referee compares these before solving any leg pair: two movers whose boxes,
        grown by the sensor range, never meet cannot detect each other.
        """
        if self._bounds is None:
            legs = self.legs
            if not len(legs):
                self._bounds = (math.inf, -math.inf, math.inf, math.inf, -math.inf, -math.inf)
            else:
                ex, ey = leg_ends(legs)
                xs = np.concatenate([legs[:, 2], ex])
                ys = np.concatenate([legs[:, 3], ey])
                self._bounds = (
                    float(legs[0, 0]),
                    float(legs[-1, 1]),
                    float(xs.min()),
                    float(ys.min()),
                    float(xs.max()),
                    float(ys.max()),
                )
        return self._bounds

    @property
    def end_h(self) -> float:
        """Time the plan runs out."""
        return float(self.legs[-1, 1]) if len(self.legs) else -math.inf

    def position(self, t_h: float) -> tuple[float, float]:
        """Position at ``t_h``; the last point after the plan ends, the first before it starts."""
        legs = self.legs
        if not len(legs):
            raise ValueError("empty track")
        i = int(np.searchsorted(legs[:, 1], t_h, side="left"))
        if i >= len(legs):
            last = legs[-1]
            dt = last[1] - last[0]
            return float(last[2] + last[4] * dt), float(last[3] + last[5] * dt)
        leg = legs[i]
        dt = max(0.0, t_h - leg[0])
        return float(leg[2] + leg[4] * dt), float(leg[3] + leg[5] * dt)

    def positions(self, t_h: np.ndarray) -> np.ndarray:
        """:meth:`position` at many times at once, as an (n, 2) array."""
        legs = self.legs
        if not len(legs):
            raise ValueError("empty track")
        t = np.asarray(t_h, dtype=float)
        i = np.searchsorted(legs[:, 1], t, side="left")
        after = i >= len(legs)
        i = np.minimum(i, len(legs) - 1)
        leg = legs[i]
        dt = np.where(after, leg[:, 1] - leg[:, 0], np.maximum(0.0, t - leg[:, 0]))
        return np.column_stack([leg[:, 2] + leg[:, 4] * dt, leg[:, 3] + leg[:, 5] * dt])

    def velocity(self, t_h: float) -> tuple[float, float]:
        """Velocity (m/h) at ``t_h``; zero outside the plan."""
        legs = self.legs
        i = int(np.searchsorted(legs[:, 1], t_h, side="left")) if len(legs) else 0
        if i >= len(legs) or t_h < legs[i, 0]:
            return 0.0, 0.0
        return float(legs[i, 4]), float(legs[i, 5])

    def distance_m(self, t_from_h: float, t_to_h: float) -> float:
        """Distance covered between two times along the plan."""
        legs = self.legs
        if not len(legs):
            return 0.0
        a = np.clip(legs[:, 0], t_from_h, t_to_h)
        b = np.clip(legs[:, 1], t_from_h, t_to_h)
        return float(np.sum((b - a) * np.hypot(legs[:, 4], legs[:, 5])))


def intercept_time_h(px: float, py: float, vx: float, vy: float, speed_m_h: float) -> float:
    """Time for a pursuer at the origin to meet a target at (px, py) moving at (vx, vy).

    Solves ``|p + v t| = s t`` (s: the pursuer's ``speed_m_h``) for the smallest positive t;
    returns ``inf`` if the target outruns the pursuer.
    """
    a = vx * vx + vy * vy - speed_m_h * speed_m_h
    b = 2.0 * (px * vx + py * vy)
    c = px * px + py * py
    if c == 0.0:
        return 0.0
    if abs(a) < 1e-9:
        return -c / b if b < 0 else math.inf
    disc = b * b - 4 * a * c
    if disc < 0:
        return math.inf
    r = math.sqrt(disc)
    roots = [t for t in ((-b - r) / (2 * a), (-b + r) / (2 * a)) if t > 0]
    return min(roots) if roots else math.inf
