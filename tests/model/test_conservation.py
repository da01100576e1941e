"""Cargo conservation, against quantities accumulated independently of the voyages table.

The voyages table's ``in_transit_t`` is a residual (loaded less delivered, seized and
returned, clamped at zero), so checking the table against itself cannot catch cargo that
vanished: it would show up as "in transit". Here every tonne is followed from what the run
recorded as it happened and from where the cargo physically is at the end: the delivery,
seizure and diversion events carry the tonnes they moved, and each vessel carries what it
still holds. Loaded = delivered + seized + still aboard, voyage by voyage.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sim.geo import Theater
from sim.model import check_invariants, run
from sim.model.engine import Model, RouteCache
from sim.scenarios import load_scenario
from tests.model.test_run import small

ROUTES = RouteCache()


def accounts(m: Model) -> dict[int, dict[str, float]]:
    """Per voyage: tonnes delivered and taken (from the events) and aboard (from the vessels)."""
    acc = {v.vid: {"delivered": 0.0, "taken": 0.0, "aboard": 0.0} for v in m.voyages}
    for e in m.events:
        if e.voyage < 0:
            continue
        if e.kind == "delivery":
            acc[e.voyage]["delivered"] += e.cargo_t
        elif e.kind in ("seizure", "diversion"):
            acc[e.voyage]["taken"] += e.cargo_t
    for v in m.voyages:
        acc[v.vid]["aboard"] = sum(x.cargo_t for x in v.vessels)
    return acc


@pytest.mark.parametrize(
    "rules",
    [
        {"high_seas_boarding": True, "consent_probability": {"PAN": 1.0, "stateless": 1.0}},
        {"blockade": True, "enter_dprk_zones": True},
    ],
    ids=["consent", "blockade"],
)
@pytest.mark.parametrize("seed", [3, 11])
def test_every_tonne_loaded_is_delivered_taken_or_still_aboard(
    korea: Theater, rules: dict[str, Any], seed: int
) -> None:
    m = Model(load_scenario(small(duration_days=15, rules=rules)), korea, seed, ROUTES)
    m.run()
    acc = accounts(m)
    assert any(a["taken"] > 0 for a in acc.values()) or any(
        a["delivered"] > 0 for a in acc.values()
    )
    for v in m.voyages:
        a = acc[v.vid]
        assert v.cargo_t == pytest.approx(a["delivered"] + a["taken"] + a["aboard"], abs=1e-6), (
            v.vid
        )
        assert v.delivered_t == pytest.approx(a["delivered"], abs=1e-6), v.vid
        assert v.seized_t == pytest.approx(a["taken"], abs=1e-6), v.vid
        # what the table books as returned or in transit is exactly what is still aboard
        in_transit = v.cargo_t - v.delivered_t - v.seized_t - v.returned_t
        assert v.returned_t + in_transit == pytest.approx(a["aboard"], abs=1e-6), v.vid
        assert in_transit >= -1e-6, v.vid


def test_check_invariants_catches_cargo_that_vanished_from_a_settled_voyage(korea: Theater) -> None:
    """A delivered voyage that delivered less than it loaded is reported, not shown in transit."""
    r = run(load_scenario(small(duration_days=10)), seed=5, theater=korea, route_cache=ROUTES)
    assert check_invariants(r, korea) == []
    v = r.voyages
    done = np.flatnonzero((v["outcome"] == "delivered").to_numpy())
    assert len(done)
    broken = v.copy()
    i = done[0]
    broken.loc[i, "delivered_t"] -= 100.0  # 100 t lost on the way...
    broken.loc[i, "in_transit_t"] += 100.0  # ...and the table's residual hides it
    r.voyages = broken
    problems = check_invariants(r)
    assert any("settled" in p for p in problems), problems
