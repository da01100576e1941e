"""Behavioural constants are scenario parameters: changing one changes what the model does."""

from __future__ import annotations

from typing import Any

from sim.model import RunResult, run
from sim.model.engine import RouteCache
from sim.scenarios import load_scenario
from tests.model.test_run import small

ROUTES = RouteCache()


def _run(**over: Any) -> RunResult:
    d = small(duration_days=20)
    d.update(over)
    from sim.geo import load_theater

    return run(load_scenario(d), seed=8, theater=load_theater("korea"), route_cache=ROUTES)


def test_a_pursuit_horizon_too_short_to_catch_anyone_outruns_every_pursuit() -> None:
    """With pursuit.horizon_h near zero no suspect can be reached: all are 'outrun'."""
    base = _run()
    short = _run(pursuit={"horizon_h": 0.01})
    assert (base.events["kind"] == "intercept").sum() > 0
    e = short.events
    assert (e["kind"] == "intercept").sum() == 0
    assert ((e["kind"] == "datum_lost") & (e["reason"] == "outrun")).sum() > 0


def test_report_memory_limits_repeated_reports_of_one_vessel() -> None:
    """A long report memory means fewer suspect reports than a memory of zero."""
    none = _run(coordination={"shared_picture": True, "report_memory_h": 0.0})
    long = _run(coordination={"shared_picture": True, "report_memory_h": 24.0 * 14})
    n = [(r.events["kind"] == "suspect_report").sum() for r in (none, long)]
    assert n[0] > n[1] > 0
