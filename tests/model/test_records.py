"""Typed records: documented kinds, reasons and zones, and one definition of each outcome.

The events table and the voyages table must count seizures the same way, since the maps
draw the one and the tables print the other.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from sim.geo import Theater
from sim.model import RunResult, check_invariants, run
from sim.model.engine import RouteCache
from sim.model.records import (
    ACTIVITIES,
    CLASSIFICATIONS,
    EVENT_KINDS,
    IDENTITY_SOURCES,
    REASONS,
    ZONES,
    ContactClass,
    EventKind,
    Reason,
    outputs_markdown,
)
from sim.scenarios import load_scenario
from tests.model.test_run import small

ROOT = Path(__file__).resolve().parents[2]
ROUTES = RouteCache()


def test_docs_outputs_md_is_generated_from_the_column_dicts() -> None:
    """docs/outputs.md is rendered from sim/model/records.py; regenerate it when they change."""
    shipped = (ROOT / "docs" / "outputs.md").read_text()
    assert shipped == outputs_markdown(), (
        "docs/outputs.md is stale: regenerate it with the command in its first lines"
    )


def test_every_kind_and_reason_constant_is_documented() -> None:
    """The constants and the documentation dictionaries name the same values."""
    kinds = {v for k, v in vars(EventKind).items() if k.isupper()}
    reasons = {v for k, v in vars(Reason).items() if k.isupper()}
    assert kinds == set(EVENT_KINDS)
    assert reasons == set(REASONS)


def test_every_documented_event_kind_is_emitted_somewhere_in_the_model() -> None:
    """No documented kind without a ``log`` call that writes it (the four never logged are gone)."""
    src = "".join(p.read_text() for p in (ROOT / "sim" / "model").glob("*.py"))
    names = {k for k, v in vars(EventKind).items() if k.isupper()}
    used = set(re.findall(r"\bK\.([A-Z_]+)\b", src))
    assert names <= used, f"documented but never logged: {sorted(names - used)}"
    for gone in ("arrive_rendezvous", "return_home", "ais_off", "ais_on"):
        assert gone not in EVENT_KINDS


@pytest.fixture(scope="module")
def boarded(korea: Theater) -> RunResult:
    """A month of heavy traffic with boarding on the high seas (many interceptions)."""
    return run(load_scenario(small(duration_days=30)), seed=4, theater=korea, route_cache=ROUTES)


@pytest.fixture(scope="module")
def blockade(korea: Theater) -> RunResult:
    """A blockade run: empty vessels are taken too (detentions).

    Its blockade zone is declared over the patrolled area (a blockade stops only inside its
    zone), so that stops happen within a month.
    """
    rules = {"blockade": True, "enter_dprk_zones": True, "blockade_zone_areas": ["ecs_patrol"]}
    d = small(duration_days=30, rules=rules)
    return run(load_scenario(d), seed=2, theater=korea, route_cache=ROUTES)


@pytest.mark.parametrize("which", ["boarded", "blockade"])
def test_structured_columns_take_documented_values(
    which: str, request: pytest.FixtureRequest
) -> None:
    """reason, activity and zone hold only documented codes; no free text is left to parse."""
    e = request.getfixturevalue(which).events
    assert "detail" not in e.columns
    assert set(e["reason"]) <= set(REASONS) | {""}
    assert set(e["activity"]) <= set(ACTIVITIES) | {""}
    assert set(e["zone"]) <= set(ZONES)
    assert set(e["ais"]) <= {"on", "off", ""}
    det = e[e["kind"] == "detection"]
    assert len(det) and (det["activity"] != "").all() and (det["ais"] != "").all()
    no_pos = e["x_m"].isna()
    assert (e.loc[no_pos, "zone"] == "").all() and (e.loc[~no_pos, "zone"] != "").all()
    on_land = e[e["zone"] == "land"]
    # a report's and a dispatch's position is the sensor's estimate: near a coast it can fall ashore
    assert set(on_land["kind"]) <= {
        "sortie_start",
        "sortie_end",
        "delivery",
        "voyage_start",
        "suspect_report",
        "dispatch",
    }
    assert set(e.loc[e["kind"] == "detection", "zone"]) <= set(ZONES) - {"land"}


@pytest.mark.parametrize("which", ["boarded", "blockade"])
def test_contacts_carry_their_classification_and_only_the_identity_that_was_read(
    which: str, request: pytest.FixtureRequest
) -> None:
    """Detections and suspect reports say what the contact was taken for and who it is.

    The identity is the name on the hull when read visually, the AIS broadcast otherwise, and
    '' for a dark vessel nobody identified; events that are not contacts carry none.
    """
    e = request.getfixturevalue(which).events
    assert set(e["classification"]) <= set(CLASSIFICATIONS)
    assert set(e["identity_source"]) <= set(IDENTITY_SOURCES)
    assert set(CLASSIFICATIONS) - {""} == {c.value for c in ContactClass}
    contacts = e["kind"].isin(["detection", "suspect_report"])
    assert (e.loc[~contacts, ["classification", "identity", "identity_source"]] == "").all().all()
    det = e[e["kind"] == "detection"]
    assert (det["classification"] != "").any()
    assert ((det["identity"] == "") == (det["identity_source"] == "")).all()
    visual = det[det["identity_source"] == "visual"]
    assert (visual["identity"] == visual["vessel"]).all()  # the hull's true name
    heard = det[det["identity_source"] == "ais"]
    assert (heard["ais"] == "on").all()
    assert (heard["identity"].str.removeprefix("S") == heard["vessel"]).all()  # maybe spoofed
    dark_unread = det[(det["ais"] == "off") & (det["identity_source"] != "visual")]
    assert (dark_unread["identity"] == "").all()
    # a contact seen alongside is a vessel in a transfer
    along = det[det["classification"] == "alongside"]
    assert (along["activity"] == "sts").all()


@pytest.mark.parametrize("which", ["boarded", "blockade"])
def test_no_duplicate_detection_rows(which: str, request: pytest.FixtureRequest) -> None:
    """One row per contact: never the same asset, vessel and time twice."""
    det = request.getfixturevalue(which).events.query("kind == 'detection'")
    assert not det.duplicated(["t_h", "asset", "vessel"]).any()


@pytest.mark.parametrize("which", ["boarded", "blockade"])
def test_seizure_events_and_seized_voyages_are_the_same_thing(
    which: str, request: pytest.FixtureRequest
) -> None:
    """The maps count seizure events, the tables seized voyages: they agree voyage by voyage."""
    r = request.getfixturevalue(which)
    e, v = r.events, r.voyages
    for kind, outcome in (("seizure", "seized"), ("diversion", "diverted")):
        ev = e[e["kind"] == kind]
        assert not ev["voyage"].duplicated().any()
        assert set(ev["voyage"]) == set(v.loc[v["outcome"] == outcome, "voyage"])
        assert (ev["cargo_t"] > 0).all()
    assert check_invariants(r) == []


def test_blockade_takes_empty_vessels_as_detentions(blockade: RunResult) -> None:
    """Empty vessels taken under a blockade are detentions, not seizures."""
    e = blockade.events
    det = e[e["kind"] == "vessel_detained"]
    assert len(det) > 0 and (det["cargo_t"] == 0).all()


@pytest.mark.parametrize("which", ["boarded", "blockade"])
def test_a_vessel_under_boarding_neither_moves_on_nor_delivers(
    which: str, request: pytest.FixtureRequest
) -> None:
    """From boarding to seizure or release the vessel delivers nothing and hands nothing over."""
    r = request.getfixturevalue(which)
    e = r.events
    dur = 4.0  # the schema's default boarding_duration_h
    boards = e[(e["kind"] == "boarding") & (e["voyage"] >= 0)]
    assert len(boards) > 0, "the scenario must produce boardings of illicit vessels"
    for b in boards.itertuples():
        later = e[(e["t_h"] >= b.t_h) & (e["t_h"] < b.t_h + dur - 1e-9) & (e["voyage"] == b.voyage)]
        assert not ((later["kind"] == "delivery") & (later["vessel"] == b.vessel)).any()
        assert not (later["kind"] == "transfer_end").any()
        end = e[(e["t_h"] >= b.t_h) & (e["vessel"] == b.vessel)]
        end = end[end["kind"].isin(["seizure", "diversion", "vessel_detained", "release"])]
        if len(end):
            assert np.isclose(end["t_h"].iloc[0], b.t_h + dur)
    seized = r.voyages[r.voyages["outcome"] == "seized"]
    assert (seized["delivered_t"] == 0).all()
