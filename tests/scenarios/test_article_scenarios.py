"""Each shipped scenario differs from its parent in exactly the ways its description says.

The comparison is made on the resolved scenarios (``extends`` merged, defaults filled in):
every parameter path whose value differs from the parent's must fall under one of the
prefixes listed for the file, and every listed prefix must differ. A file that gains an
undeclared change, or loses a declared one, fails here; the description and this table are
then brought back into agreement.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from sim.scenarios import load_scenario

ROOT = Path(__file__).resolve().parents[2] / "scenarios"
META = {("name",), ("description",), ("article_quote",), ("calibration",)}


def flatten(value: Any, path: tuple = ()) -> dict[tuple, Any]:
    """Leaves of a dumped scenario by path; lists of named items are keyed by their names."""
    if isinstance(value, dict):
        out: dict[tuple, Any] = {}
        for k, v in value.items():
            out.update(flatten(v, path + (k,)))
        return out or {path: {}}
    if (
        isinstance(value, (list, tuple))
        and value
        and all(isinstance(v, dict) and "name" in v for v in value)
    ):
        out = {}
        for v in value:
            out.update(flatten(v, path + (v["name"],)))
        return out
    return {path: value}


def differences(child: str, parent: str) -> set[tuple]:
    a = flatten(load_scenario(ROOT / child).model_dump())
    b = flatten(load_scenario(ROOT / parent).model_dump())
    return {p for p in a.keys() | b.keys() if a.get(p, "<absent>") != b.get(p, "<absent>")}


def states(*names: str) -> set[tuple]:
    # reported_port_inspection_probability is 0 for both already in the crackdown (no case of
    # China or Russia acting on allied reports, domain §4), so opposition cannot lower it
    fields = (
        "port_inspection_probability",
        "territorial_action_probability",
        "flag_consent_probability",
    )
    return {("rules", "states", n, f) for n in names for f in fields}


# file -> (parent, prefixes that differ, each with the phrase of the description it models)
DECLARED: dict[str, tuple[str, set[tuple]]] = {
    "crackdown_2018.yaml": (
        "baseline_2017.yaml",
        {
            ("start_date",),  # the crackdown year
            ("seed",),
            ("assets", "us_p8", "turnaround_h"),  # more US flights (domain §5)
            ("assets", "allied_mpa"),  # "allied aircraft join on 30 Apr 2018"
            ("assets", "coalition_frigates"),  # UK, Australia, Canada frigates
            ("coordination", "shared_picture"),  # "the Enforcement Coordination Cell"
            ("coordination", "shared_picture_from"),  # "from 1 Sep 2018"
            ("coordination", "report_delay_h"),
            ("coordination", "ais_monitoring"),  # "the cell monitors AIS"
            ("rules", "high_seas_boarding"),  # "boarding on the high seas needs consent"
            ("rules", "default_consent_probability"),
            ("rules", "port_direction_probability"),
        },
    ),
    "pacom_surge.yaml": (
        "crackdown_2018.yaml",
        {
            ("assets", "us_p8", "count"),  # "more US maritime patrol aircraft"
            ("assets", "us_ddg"),  # "and destroyers"
            ("assets", "uscg_cutter"),  # "a US cutter"
            ("assets", "us_p8_alert"),  # "cued aircraft on alert"
        },
    ),
    "blockade.yaml": (
        "pacom_surge.yaml",
        {
            ("assets", "blockade_west"),  # "barrier lines off the DPRK west ..."
            ("assets", "blockade_east"),  # "... and east coasts"
            ("rules", "blockade"),  # "stop every vessel bound to or from a DPRK port"
            ("rules", "enter_dprk_zones"),  # "pursue into DPRK-claimed waters"
            ("rules", "blockade_zone_areas"),  # "a declared blockade zone"
        },
    ),
    "china_russia_opposition.yaml": (
        "crackdown_2018.yaml",
        {
            # "smugglers move transfers into Chinese and Russian territorial seas"
            ("programs", "ecs_petroleum", "rendezvous_areas"),
            ("programs", "ecs_petroleum", "rendezvous_weights"),
            ("programs", "coal_exports", "rendezvous_areas"),
            ("programs", "coal_exports", "rendezvous_weights"),
            # "and hug Chinese waters on passage"
            ("programs", "ecs_petroleum", "prefer_waters_of"),
            ("programs", "coal_exports", "prefer_waters_of"),
        }
        # "no inspection in their ports, no action in their territorial seas, no consent"
        | states("CHN", "RUS"),
    ),
    "adaptive_smugglers.yaml": (
        "crackdown_2018.yaml",
        {
            (
                "programs",
                p,
                f,
            )
            for p in ("ecs_petroleum", "coal_exports")
            for f in (
                "dprk_dark_probability",  # "more AIS-dark legs"
                "foreign_dark_probability",
                "avoid_patrolled_areas",  # "transfers moved away from ... patrols"
                "relocate_probability",  # "halted transfers re-attempted elsewhere"
            )
        }
        | {
            ("programs", "ecs_petroleum", "spoof_probability"),  # "more spoofing"
            ("programs", "ecs_petroleum", "rendezvous_areas"),
            ("programs", "ecs_petroleum", "rendezvous_weights"),
        },
    ),
}


@pytest.mark.parametrize("child", sorted(DECLARED))
def test_scenario_differs_from_its_parent_exactly_as_described(child):
    parent, declared = DECLARED[child]
    found = differences(child, parent) - META
    undeclared = {p for p in found if not any(p[: len(d)] == d for d in declared)}
    missing = {d for d in declared if not any(p[: len(d)] == d for p in found)}
    assert not undeclared, f"{child} changes what its description does not say: {undeclared}"
    assert not missing, f"{child} does not change what its description says: {missing}"


def test_every_shipped_file_is_covered():
    assert {p.name for p in ROOT.glob("*.yaml")} == set(DECLARED) | {"baseline_2017.yaml"}


def test_opposition_sets_china_and_russia_to_no_cooperation_at_all():
    s = load_scenario(ROOT / "china_russia_opposition.yaml")
    base = load_scenario(ROOT / "crackdown_2018.yaml")
    for n in ("CHN", "RUS"):
        assert all(v == 0.0 for v in s.rules.states[n].model_dump().values())
        assert any(v > 0.0 for v in base.rules.states[n].model_dump().values())


def test_crackdown_posture_follows_the_public_dates():
    s = load_scenario(ROOT / "crackdown_2018.yaml")
    mpa = next(g for g in s.assets if g.name == "allied_mpa")
    assert mpa.active_from == datetime.date(2018, 4, 30)  # domain §5
    assert s.coordination.shared_picture_from == datetime.date(2018, 9, 1)  # domain §5


def test_pacom_surge_has_aircraft_on_alert_and_the_blockade_holds_barriers():
    surge = load_scenario(ROOT / "pacom_surge.yaml")
    assert any(g.kind == "aircraft" and g.strategy.kind == "cued" for g in surge.assets)
    block = load_scenario(ROOT / "blockade.yaml")
    own = {g.name for g in block.assets} - {g.name for g in surge.assets}
    assert own and all(g.strategy.kind == "barrier" for g in block.assets if g.name in own)
    assert block.rules.blockade_zone_areas


def test_baseline_is_2017_as_described():
    s = load_scenario(ROOT / "baseline_2017.yaml")
    assert s.start_date == datetime.date(2017, 1, 1)
    assert not s.coordination.shared_picture  # "no coordination cell"
    assert not s.rules.high_seas_boarding  # "nobody boards on the high seas"
    first = min(t.date for t in s.designations.tranches)
    assert first == datetime.date(2017, 11, 21)  # the watchlist grows on its dates (domain §3)
    assert any(t.date == datetime.date(2018, 2, 23) for t in s.designations.tranches)
    st = s.rules.states
    for allied in ("KOR", "JPN"):  # "South Korea and Japan inspect ...; China and Russia barely do"
        for other in ("CHN", "RUS"):
            assert st[allied].port_inspection_probability > st[other].port_inspection_probability
    assert all(p.max_reship_attempts > 0 for p in s.programs)  # "send a lost cargo again"
