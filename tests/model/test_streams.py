"""Common random numbers: each component draws from its own named stream.

Two scenarios that differ only in their patrols must give the smugglers the same voyages
(same departures, sites and cargo), and a voyage no patrol acted on must unfold the same
way in both. This is what makes a paired comparison of two patrol plans measure the plans
and not two different smuggler schedules.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from sim.geo import Theater
from sim.model import RunResult, run
from sim.model.engine import RouteCache
from sim.model.streams import Streams, stream_key
from sim.scenarios import load_scenario
from tests.model.test_run import small

ROUTES = RouteCache()

ACTED = {
    "dispatch",
    "intercept",
    "boarding",
    "seizure",
    "diversion",
    "release",
    "relocate",
    "escalation_incident",
}
"""Event kinds by which allies act on a vessel (plus a transfer aborted because of an asset)."""


def test_a_stream_depends_only_on_the_seed_and_its_name() -> None:
    """A stream is fixed by the replication's seed and its name, not by other streams' draws."""
    a, b = (
        Streams(np.random.SeedSequence(7, spawn_key=(2,))),
        Streams(np.random.SeedSequence(7, spawn_key=(2,))),
    )
    b.get("asset/extra#0").random(1000)  # another component drawing first changes nothing
    assert a.get("traffic").random() == b.get("traffic").random()
    assert a.get("traffic") is a.get("traffic")
    assert a.get("traffic").random() != a.get("asset/p8#0").random()
    other_rep = Streams(np.random.SeedSequence(7, spawn_key=(3,)))
    assert (
        Streams(np.random.SeedSequence(7, spawn_key=(2,))).get("x").random()
        != other_rep.get("x").random()
    )
    assert stream_key("traffic") == stream_key("traffic") != stream_key("traffic2")


def _acted_on(r: RunResult) -> set[int]:
    """Voyages some allied action touched (dispatch, interception, a halt caused by an asset)."""
    e = r.events
    hit = e["kind"].isin(ACTED) | ((e["kind"] == "transfer_aborted") & (e["asset"] != ""))
    vessels = set(e.loc[hit, "vessel"]) - {""}  # an asset entering DPRK waters acts on no one
    v = r.voyages
    touched = v["foreign_vessel"].isin(vessels) | v["dprk_vessel"].isin(vessels)
    return set(v.loc[touched, "voyage"]) | set(e.loc[hit & (e["voyage"] >= 0), "voyage"])


@pytest.fixture(scope="module")
def pair(korea: Theater) -> tuple[RunResult, RunResult]:
    """The same seed on two scenarios: the second has one more aircraft and longer ship radar."""
    base = small(duration_days=30)
    more = copy.deepcopy(base)
    more["assets"][0]["count"] = 3  # one more aircraft
    more["assets"][1]["sensor"]["range_nm"] = 30  # and a different radar range on the ships
    a = run(load_scenario(base), seed=21, theater=korea, route_cache=ROUTES)
    b = run(load_scenario(more), seed=21, theater=korea, route_cache=ROUTES)
    return a, b


def test_patrols_do_not_change_the_planned_voyages(pair: tuple[RunResult, RunResult]) -> None:
    """Same voyages, departures (time, place, cargo, destination area) in both scenarios."""
    a, b = pair
    plan = ["voyage", "program", "commodity", "method", "start_h", "cargo_t", "foreign_flag"]
    plan += ["foreign_vessel", "dprk_vessel"]
    assert len(a.voyages) > 10
    pd.testing.assert_frame_equal(a.voyages[plan], b.voyages[plan])
    cols = ["t_h", "kind", "vessel", "voyage", "x_m", "y_m", "cargo_t", "place", "ais"]
    for kind in ("voyage_start", "depart"):
        first = [
            r.events[r.events["kind"] == kind]
            .drop_duplicates("vessel")[cols]
            .reset_index(drop=True)
            for r in (a, b)
        ]
        pd.testing.assert_frame_equal(*first)


def test_a_voyage_no_patrol_acted_on_unfolds_identically(pair: tuple[RunResult, RunResult]) -> None:
    """Outcome, cargo, transfer times and sites of untouched voyages are the same in both."""
    a, b = pair
    acted = _acted_on(a) | _acted_on(b)
    free = sorted(set(a.voyages["voyage"]) - acted)
    assert len(free) >= 5, "the test needs voyages that no patrol touched"
    assert len(acted) >= 1, "and some that a patrol did (else the scenarios are too alike)"
    cols = [c for c in a.voyages.columns if c not in ("detected", "sts_detected")]
    va = a.voyages.set_index("voyage").loc[free, cols[1:]]
    vb = b.voyages.set_index("voyage").loc[free, cols[1:]]
    pd.testing.assert_frame_equal(va, vb)
    smuggler_kinds = ["transfer_start", "transfer_end", "delivery", "transfer_aborted"]
    ev = [
        r.events[r.events["kind"].isin(smuggler_kinds) & r.events["voyage"].isin(free)]
        .drop(columns=["asset"])
        .reset_index(drop=True)
        for r in (a, b)
    ]
    pd.testing.assert_frame_equal(*ev)


def test_legitimate_traffic_does_not_depend_on_the_patrols(korea: Theater) -> None:
    """Merchant ships sail the same legs whatever the patrols are."""
    from sim.model.engine import Model

    base = small(duration_days=10)
    none = small(duration_days=10, assets=[])
    ma = Model(load_scenario(base), korea, 5, ROUTES)
    mb = Model(load_scenario(none), korea, 5, ROUTES)
    np.testing.assert_array_equal(ma.traffic.legit_legs, mb.traffic.legit_legs)
    np.testing.assert_array_equal(ma.traffic.legit_dark, mb.traffic.legit_dark)
