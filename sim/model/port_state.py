"""Port-state control: inspections and detentions of illicit vessels in cooperating ports.

Every detention of 2017-2018 in the public record was in port or in territorial waters
(domain.md §4, §8; UNSCR 2397 made seizure, inspection and freezing mandatory there, §2).
A vessel calling at a port of a state in ``rules.states`` is inspected with that state's
``port_inspection_probability`` if it is designated, or its
``reported_port_inspection_probability`` if allied assets reported it as a suspect during
its voyage; an inspected vessel is detained. A laden vessel's cargo is seized (the voyage
ends ``seized``); an empty one is logged as ``vessel_detained``.

Pure decision plus a small helper that applies it, so the rule is read and tested apart
from the engine. Draws come from the vessel's own ``port_state/<vessel>`` stream.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.scenarios.cell_schema import Rules

if TYPE_CHECKING:
    from sim.model.illicit import IllicitVessel

__all__ = ["inspection_probability", "detains"]


def inspection_probability(rules: Rules, port_state: str, *, listed: bool, reported: bool) -> float:
    """Chance that ``port_state`` inspects (and detains) a calling vessel.

    Args:
        rules: the scenario's rules (``rules.states`` holds each state's cooperation).
        port_state: ISO alpha-3 of the port's state.
        listed: the identity that calls is on the watchlist.
        reported: allied assets reported the vessel as a suspect during this voyage.
    """
    coop = rules.states.get(port_state)
    if coop is None or port_state == "PRK":
        return 0.0
    p = 0.0
    if listed:
        p = coop.port_inspection_probability
    if reported:
        p = max(p, coop.reported_port_inspection_probability)
    return p


def detains(
    rules: Rules, port_state: str, vessel: IllicitVessel, reported: bool, rng: np.random.Generator
) -> bool:
    """Whether the vessel is detained on calling at a port of ``port_state``.

    A draw is made only when the chance is positive, so states that never inspect leave the
    vessel's stream untouched.
    """
    p = inspection_probability(rules, port_state, listed=vessel.watchlisted, reported=reported)
    return p > 0.0 and bool(rng.random() < p)
