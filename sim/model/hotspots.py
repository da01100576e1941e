"""The public STS hotspot areas as the patrols know them, and the second looks taken there.

The hotspots are public (domain §1.3): the allies know where transfers happen, and their
patrols look hardest at what is stopped there (``Sensor.investigate_loitering_probability``,
``sim.model.classifier.investigates``). The referee asks this module two things of a contact:
whether a radar track shows it stopped inside one of the areas, and, for legitimate pairs
alongside whose classification is drawn in advance, which of those left unresolved get the
close look and what it resolves.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely

from sim.model.classifier import STOPPED_KN, InvestigateSensor
from sim.units import NM_M

__all__ = ["TransferAreas", "transfer_areas", "second_looks"]


def transfer_areas(theater: Any) -> shapely.Geometry | None:
    """The theater's STS hotspot areas (kind ``sts_hotspot``) as one metric geometry, or None."""
    names = theater.areas.loc[theater.areas["kind"] == "sts_hotspot", "name"].tolist()
    if not names:
        return None
    return shapely.union_all([theater.area(n).polygon_xy for n in names])


class TransferAreas:
    """Point tests against the hotspot areas (prepared once; None: there are none)."""

    def __init__(self, geometry: shapely.Geometry | None) -> None:
        self.geometry = geometry
        if geometry is not None:
            shapely.prepare(geometry)

    def contains(self, x_m: float, y_m: float) -> bool:
        """Whether a metric position lies in one of the areas."""
        g = self.geometry
        return g is not None and bool(shapely.contains_xy(g, x_m, y_m))

    def loitering(self, velocity_m_h: tuple[float, float], xy: Any) -> bool:
        """What a radar track shows: stopped (under ``STOPPED_KN``) inside one of the areas."""
        if math.hypot(*velocity_m_h) / NM_M >= STOPPED_KN:
            return False
        return self.contains(float(xy[0]), float(xy[1]))


def second_looks(
    sensor: InvestigateSensor, rng: np.random.Generator, resolved: np.ndarray, close_q: np.ndarray
) -> np.ndarray:
    """Pairs resolved after the close look given to unresolved pairs stopped in a hotspot.

    Args:
        sensor: the detecting sensor.
        rng: the asset's classification stream (drawn only for pairs looked at again, in order:
            first whether each is looked at, when the chance is strictly between 0 and 1, then
            what each look resolves).
        resolved: whether each pair was resolved from afar.
        close_q: each pair's classification chance at the close look, 0 where none is made
            (outside the hotspots, or already within the investigation range).

    Returns:
        ``resolved`` with the close looks' successes added.
    """
    again = ~resolved & (close_q > 0)
    out = resolved.copy()
    if not again.any():
        return out
    p_look = sensor.investigate_loitering_probability
    look = np.full(int(again.sum()), p_look >= 1.0)
    if 0.0 < p_look < 1.0:
        look = rng.random(len(look)) < p_look
    idx = np.flatnonzero(again)[look]
    out[idx] = rng.random(len(idx)) < close_q[idx]
    return out
