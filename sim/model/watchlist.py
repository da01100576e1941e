"""Designations as dated events: is this vessel on the watchlist when it sails?

A vessel that is eventually designated (its program's ``*_watchlisted_probability``) belongs
to one tranche of ``scenario.designations``, drawn in proportion to the tranches' sizes, and
is listed from that tranche's date (domain.md §3: 21 Nov 2017, 23 Feb 2018, ...). Smugglers
respond in two declared ways: a listed vessel may have been renamed or reflagged once the
laundering delay has passed (identity laundering, domain.md §1.1), and a voyage may use a
vessel that is not on the list instead (non-designated ships take over).

The status is fixed when the vessel sails (voyages last days; tranches are months apart).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

import numpy as np

from sim.scenarios.actors_schema import Designations

__all__ = ["Listing", "listing", "avoid_detaining_port"]


@dataclass(frozen=True)
class Listing:
    """A vessel's watchlist status at departure."""

    designated: bool
    """True if the hull is designated by the time it sails."""
    laundered: bool = False
    """True if the designated hull sails under a renamed or reflagged identity."""
    replaced: bool = False
    """True if a non-designated vessel took over the designated one's voyage."""
    listed_from_h: float = -math.inf
    """Simulation hour from which the hull is designated (inf: never)."""

    @property
    def watchlisted(self) -> bool:
        """What the allies' list says about the identity that actually sails."""
        return self.designated and not (self.laundered or self.replaced)


def listing(
    eventually: bool,
    designations: Designations,
    start_date: datetime.date,
    now_h: float,
    rng: np.random.Generator,
) -> Listing:
    """The watchlist status of a vessel that sails at ``now_h``.

    Args:
        eventually: whether the hull is among those designated (drawn by the caller with the
            program's ``*_watchlisted_probability``, so that draw stays where it was).
        designations: the scenario's tranches and laundering parameters.
        start_date: the scenario's calendar date at hour 0.
        now_h: departure time, simulation hours.
        rng: the vessel's own designation stream.
    """
    if not eventually:
        return Listing(False, listed_from_h=math.inf)
    tranches = designations.listed_since_h(start_date)
    since_h = -math.inf
    if tranches:
        sizes = np.array([n for _, n in tranches], dtype=float)
        since_h = tranches[int(rng.choice(len(tranches), p=sizes / sizes.sum()))][0]
    if now_h < since_h:
        return Listing(False, listed_from_h=since_h)
    if rng.random() < designations.takeover_probability:
        return Listing(True, replaced=True, listed_from_h=since_h)
    old_enough = now_h - since_h >= designations.laundering_delay_days * 24.0
    if old_enough and rng.random() < designations.laundering_probability:
        return Listing(True, laundered=True, listed_from_h=since_h)
    return Listing(True, listed_from_h=since_h)


def avoid_detaining_port(
    status: Listing, port_inspection_p: float, awareness: float, rng: np.random.Generator
) -> Listing:
    """The owners keep a listed vessel out of a port that detains listed ships.

    Smugglers know their own vessel's listing and which states detain listed ships (the
    detentions are public, domain.md §4): with chance ``awareness * port_inspection_p`` a
    vessel not on the list takes the voyage over. Only what the owners know enters: never
    allied positions or plans. A draw is made only for a listed vessel calling at a port
    that inspects, so other vessels' streams are untouched.

    Args:
        status: the vessel's listing at departure (``listing``).
        port_inspection_p: the port state's ``port_inspection_probability`` (0 for a gate, a
            DPRK port or a state that does not inspect).
        awareness: ``designations.port_awareness_probability``.
        rng: the vessel's own designation stream.
    """
    if not status.watchlisted or port_inspection_p <= 0.0 or awareness <= 0.0:
        return status
    if rng.random() < awareness * port_inspection_p:
        return Listing(True, replaced=True, listed_from_h=status.listed_from_h)
    return status
