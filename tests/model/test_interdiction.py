"""The interdiction rules, case by case (UNCLOS, UNSCR 2375/2397, blockade)."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.model.interdiction import Decision, decide
from sim.scenarios.schema import Rules


def d(rules: Rules | None = None, **kw: Any) -> Decision:
    args: dict[str, Any] = dict(
        state="",
        zone="high_seas",
        dprk_zone=False,
        flag="PAN",
        dprk_bound=False,
        rng=np.random.default_rng(0),
    )
    args.update(kw)
    return decide(rules or Rules(), **args)


def test_dprk_waters_break_off_unless_allowed_then_escalation() -> None:
    assert d(dprk_zone=True, state="PRK", zone="territorial").action == "break_off"
    r = d(Rules(enter_dprk_zones=True), dprk_zone=True, state="PRK", zone="territorial")
    assert r.action == "board" and r.escalation


def test_blockade_stops_dprk_bound_vessels_regardless_of_consent() -> None:
    r = d(Rules(blockade=True), flag="PRK", dprk_bound=True)
    assert r.action == "board" and r.escalation
    assert (
        d(Rules(blockade=True, high_seas_boarding=False), flag="PAN", dprk_bound=False).action
        == "release"
    )


def test_territorial_seas() -> None:
    assert d(state="KOR", zone="territorial").action == "board"
    assert d(state="CHN", zone="territorial").action == "release"
    assert d(Rules(cooperating_states=("CHN",)), state="CHN", zone="territorial").action == "board"


def test_high_seas_needs_consent_or_statelessness() -> None:
    assert d(Rules(high_seas_boarding=False), flag="stateless").action == "release"
    assert d(flag="stateless").action == "board"
    assert d(Rules(consent_probability={"PAN": 1.0}), flag="PAN").action == "board"
    refused = Rules(consent_probability={"PAN": 0.0001}, port_direction_probability=1.0)
    rng = np.random.default_rng(1)
    assert d(refused, flag="PAN", rng=rng).action == "divert"
    never = Rules(consent_probability={"CHN": 0.0}, port_direction_probability=1.0)
    assert d(never, flag="CHN").action == "release"
    assert d(flag="PRK").action == "release"  # the DPRK neither consents nor directs to port


def test_consent_rate_follows_probability() -> None:
    rules = Rules(consent_probability={"PAN": 0.3}, port_direction_probability=0.0)
    rng = np.random.default_rng(5)
    acts = [
        decide(
            rules, state="", zone="eez", dprk_zone=False, flag="PAN", dprk_bound=False, rng=rng
        ).action
        for _ in range(4000)
    ]
    assert abs(acts.count("board") / 4000 - 0.3) < 0.03
