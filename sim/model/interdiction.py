"""Interdiction rules: may this warship board this vessel here, and what happens if it does?

Pure functions of the rules, the position's zone and a few random draws, so the
legal logic can be read (and tested) apart from the engine.

Legal basis (domain.md section 8): flag-state exclusivity on the high seas
(UNCLOS Art. 92), boarding of stateless vessels (Art. 110), inspection with
flag-state consent and port direction when consent is refused (UNSCR 2375
paras 7-8), seizure in allied ports and territorial seas (UNSCR 2397). The
EEZ and contiguous zone count as high seas for boarding (Art. 58).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.records import Reason as R
from sim.scenarios.schema import Rules

__all__ = ["Decision", "decide"]


@dataclass(frozen=True)
class Decision:
    """What an interception leads to.

    ``action`` is one of: "board" (boarded: seize if cargo or designated, else release),
    "divert" (flag state directs to port), "release" (hailed, let go), "break_off"
    (pursuit abandoned before contact, e.g. at the edge of DPRK waters).
    """

    action: str
    reason: str
    """A code of ``sim.model.records.REASONS`` (the events' ``reason`` column)."""
    escalation: bool = False


def decide(
    rules: Rules,
    *,
    state: str,
    zone: str,
    dprk_zone: bool,
    flag: str,
    dprk_bound: bool,
    rng: np.random.Generator,
    in_blockade_zone: bool = True,
) -> Decision:
    """Apply the interdiction rules at the interception point.

    Args:
        rules: the scenario's rules.
        state: coastal state of the zone (ISO alpha-3, or '' on the high seas).
        zone: zone kind: territorial, contiguous, eez or high_seas.
        dprk_zone: True inside DPRK territorial sea or its declared 50 nm military zone.
        flag: flag of the intercepted vessel ('PRK', 'stateless', ...).
        dprk_bound: True if the vessel is bound to or from a DPRK port.
        rng: the intercepted vessel's interdiction stream.
        in_blockade_zone: True inside the declared blockade zone
            (``sim.model.enforcement.in_blockade_zone``); outside it a blockade stops nobody
            and the ordinary rules apply.
    """
    escalation = False
    if dprk_zone:
        if not rules.enter_dprk_zones:
            return Decision("break_off", R.DPRK_WATERS)
        escalation = True
    if rules.blockade and dprk_bound and in_blockade_zone:
        return Decision("board", R.BLOCKADE_STOP, escalation=True)
    coop = rules.states.get(state)
    if zone == "territorial":
        if state in rules.allied_states or state in rules.cooperating_states:
            return Decision("board", R.ALLIED_TERRITORIAL, escalation)
        if state == "PRK":
            return Decision("board", R.DPRK_TERRITORIAL, escalation)
        # the coastal state itself may act on the allied report (UNSCR 2397, domain.md §2)
        if coop is not None and coop.territorial_action_probability > 0.0:
            if rng.random() < coop.territorial_action_probability:
                return Decision("board", R.COASTAL_STATE_ACTS, escalation)
        return Decision("release", R.NO_JURISDICTION, escalation)
    # contiguous zone, EEZ and high seas: freedom of navigation, flag-state consent needed
    if state in rules.cooperating_states and zone in ("contiguous", "eez") and flag == state:
        return Decision("board", R.COASTAL_STATE_COOPERATES, escalation)
    if not rules.high_seas_boarding:
        return Decision("release", R.OBSERVE_ONLY, escalation)
    if flag == "stateless":
        return Decision("board", R.STATELESS, escalation)
    flag_state = rules.states.get(flag)
    p = (
        flag_state.flag_consent_probability
        if flag_state is not None
        else rules.consent_probability.get(flag, rules.default_consent_probability)
    )
    if p <= 0.0:  # a state that never consents (DPRK; China/Russia when opposed) never directs
        return Decision("release", R.FLAG_REFUSES_ALL, escalation)
    if rng.random() < p:
        return Decision("board", R.FLAG_CONSENTED, escalation)
    if rng.random() < rules.port_direction_probability:
        return Decision("divert", R.FLAG_REFUSED_DIRECTED, escalation)
    return Decision("release", R.FLAG_REFUSED, escalation)
