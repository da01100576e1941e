"""Allied entries into DPRK-claimed waters, counted as escalation incidents in every scenario.

The DPRK claims its territorial sea and a 50 nm "military boundary" closed to foreign
military vessels and aircraft (domain.md §8). Any allied asset that enters these waters,
on patrol, in pursuit or in transit, is an escalation incident, whether or not the scenario
is a blockade. A plan is sampled every ``SAMPLE_H``; each passage from outside to inside is
one entry, scheduled at its time and dropped if the asset re-plans before it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.model.motion import Track

__all__ = ["SAMPLE_H", "entry_times"]

SAMPLE_H = 0.25
"""Hours between sampled positions of a plan (assumption: at 30 kn a ship moves 7.5 nm, an
aircraft at 440 kn 110 nm, so a crossing of the 50 nm zone is seen; a brief clip of its
edge by an aircraft may be missed)."""


def entry_times(
    legs: np.ndarray,
    inside: Callable[[np.ndarray, np.ndarray], np.ndarray],
    *,
    from_h: float,
    was_inside: bool = False,
) -> list[float]:
    """Times at which a plan enters the claimed waters, from ``from_h`` on.

    Args:
        legs: the plan (rows ``t0, t1, x0, y0, vx, vy``).
        inside: vectorised test of metric positions (True inside the claimed waters).
        from_h: earliest time considered (the plan's start, or now).
        was_inside: whether the asset was already inside at ``from_h`` (no entry then).
    """
    if not len(legs):
        return []
    t_end = float(legs[-1, 1])
    if t_end <= from_h:
        return []
    times = np.append(np.arange(from_h, t_end, SAMPLE_H), t_end)
    xy = Track(legs).positions(times)
    mask = np.asarray(inside(xy[:, 0], xy[:, 1]), dtype=bool)
    prev = np.concatenate([[was_inside], mask[:-1]])
    return [float(t) for t in times[mask & ~prev]]
