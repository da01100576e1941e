"""Above the referee the model acts on reports: legitimate ships can be reported and boarded.

A run of the small test scenario in which many legitimate voyages bunker at sea: patrols see
two merchant hulls alongside, report them as a suspected transfer, and the cell, which cannot
tell them from smugglers, sends warships that board them. Those boardings are logged and
counted as false-positive boardings.
"""

from __future__ import annotations

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
