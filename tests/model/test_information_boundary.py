"""Above the referee the model acts on reports: legitimate ships can be reported and boarded.

A run of the small test scenario in which many legitimate voyages bunker at sea: patrols see
two merchant hulls alongside, report them as a suspected transfer, and the cell, which cannot
tell them from smugglers, sends warships that board them. Those boardings are logged and
counted as false-positive boardings.
"""

from __future__ import annotations

import copy
from typing import Any

from sim.geo import Theater
from sim.model import run
from sim.model.engine import RouteCache
from sim.scenarios import load_scenario
from tests.model.test_run import small


def test_bunkering_merchant_ships_are_reported_alongside_and_boarded_as_false_positives(
    korea: Theater,
) -> None:
    sc = load_scenario(
        small(
            duration_days=10,
            traffic={"vessels": 15, "bunker_share": 0.5, "bunker_h": [40.0, 48.0]},
            rules={"consent_probability": {"legit": 1.0, "PAN": 1.0, "stateless": 1.0}},
        )
    )
    r = run(sc, seed=5, theater=korea, route_cache=RouteCache())
    ev = r.events
    reports = ev[(ev["kind"] == "suspect_report") & ev["vessel"].str.startswith("L")]
    assert (reports["reason"] == "alongside").any()
    boarded = ev[ev["kind"] == "false_positive_boarding"]
    assert len(boarded) > 0 and boarded["vessel"].str.startswith("L").all()
    assert r.summary["false_positive_boardings"] == len(boarded)


def _bunkering_reports(korea: Theater, classify_probability: float) -> Any:
    """Suspect reports of legitimate ships in the bunkering run, with the given sensors."""
    d = copy.deepcopy(
        small(
            duration_days=10,
            traffic={"vessels": 15, "bunker_share": 0.5, "bunker_h": [40.0, 48.0]},
        )
    )
    for g in d["assets"]:
        g.setdefault("sensor", {}).update(
            classify_probability=classify_probability, classify_half_range_nm=600.0
        )
    ev = run(load_scenario(d), seed=5, theater=korea, route_cache=RouteCache()).events
    return ev[(ev["kind"] == "suspect_report") & ev["vessel"].str.startswith("L")]


def test_a_bunkering_pair_is_reported_alongside_only_when_the_sensor_tells_it_is_two(
    korea: Theater,
) -> None:
    """Legitimate pairs are classified as the smugglers' are (``Sensor.classify_*``).

    The same run twice: with sensors that tell two hulls from one at any range, bunkering
    ships are reported alongside; with sensors that never can, not once (the pairs stay
    unresolved, and a report of them, if any, is for another reason).
    """
    sees = _bunkering_reports(korea, 1.0)
    blind = _bunkering_reports(korea, 0.0)
    assert (sees["reason"] == "alongside").any()
    assert (sees.loc[sees["reason"] == "alongside", "classification"] == "alongside").all()
    assert not (blind["reason"] == "alongside").any()
    assert (blind["classification"] != "alongside").all()
