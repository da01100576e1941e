"""A suspect report is where the sensor put the suspect, and the pursuer searches for the error.

The referee reports a contact at its estimated position (``test_referee`` checks the error's
distribution). Here the rest of the chain: the coordination cell sends a warship to the
reported datum with its error, knowing nothing else of the suspect; and a pursuer sent to a
datum that is off by the sensor's error still finds the suspect, because its search disc is
widened by that error (``Dispatch.radius_m``), where a disc sized for a perfect datum often
misses it; and a datum the error put far ashore is given up by the declared rule.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import simpy

from sim.errors import UserError
from sim.model.assets import Acquired, Asset, AssetCause, Dispatch
from sim.model.cell import Cell
from sim.model.context import RunContext
from sim.model.illicit import IllicitVessel
from sim.model.kinds import ProcessGenerator, TargetRef, Tasking
from sim.model.motion import legs_along
from sim.model.picture import Contact
from sim.model.records import EventKind as K
from sim.model.records import Reason as R
from sim.model.streams import Streams
from sim.scenarios import Scenario, load_scenario
from sim.units import NM_M
from tests.model.test_pursuit import World, start
from tests.model.test_referee import Meridian, NoTraffic

# -------------------------------------------------------------------------------- the cell


def _cell_scenario() -> Scenario:
    def group(name: str, kind: str) -> dict[str, Any]:
        return {
            "name": name,
            "kind": kind,
            "nation": "USA",
            "base": "Sasebo",
            "speed_kn": 20,
            "sensor": {"law": "cookie_cutter", "range_nm": 10},
            "strategy": {"kind": "station", "areas": ["ecs_patrol"]},
        }

    return load_scenario(
        {
            "name": "cell",
            "description": "hand-built cell",
            "traffic": {"vessels": 0},
            "assets": [group("p8", "aircraft"), group("ddg", "warship")],
            "coordination": {"ais_monitoring": False, "ais_analytics": False},
        }
    )


class OwnAssets:
    """The cell's whole picture: where its own assets are. No target position is on offer."""

    def asset_pos(self, a: Asset) -> tuple[float, float]:
        """Every asset at the origin."""
        return 0.0, 0.0


class NoVessels:
    """The cell's ``Watched`` register, empty (the suspect is a merchant ship)."""

    def __init__(self) -> None:
        self.illicit: dict[str, IllicitVessel] = {}
        self.active_illicit: dict[str, IllicitVessel] = {}
        self.on_add: list[Callable[[IllicitVessel], None]] = []


def _listening(env: simpy.Environment, got: list[AssetCause]) -> ProcessGenerator:
    """An asset process that only keeps the interrupts it receives."""
    while True:
        try:
            yield env.timeout(1e6)
        except simpy.Interrupt as intr:
            if isinstance(intr.cause, (Dispatch, Acquired)):
                got.append(intr.cause)


def test_the_cell_sends_a_warship_to_the_reported_datum_with_its_error() -> None:
    """The warship is sent where the report says, and told how far off that may be.

    The cell's only picture is its own assets' positions (no ground truth is handed to it), so
    the dispatch, and the suspect_report and dispatch rows, can only carry the report's
    estimate; the datum's search disc starts at two standard deviations of the error.
    """
    sc = _cell_scenario()
    ctx = RunContext(sc, Meridian(), Streams(1))
    aircraft = Asset(aid="p8#0", group=sc.assets[0], index=0, base_xy=np.zeros(2), strategy=None)
    ship = Asset(aid="ddg#0", group=sc.assets[1], index=1, base_xy=np.zeros(2), strategy=None)
    ship.state = "patrol"
    got: list[AssetCause] = []
    ship.process = ctx.env.process(_listening(ctx.env, got))
    cell = Cell(ctx, OwnAssets(), NoVessels(), [aircraft, ship], Tasking(), NoTraffic())
    est, err_m = (30 * NM_M, -4 * NM_M), 1.5 * NM_M
    report = functools.partial(cell.report, err_m=err_m)
    ctx.at(2.0, report, aircraft, TargetRef("L7", 7), est, R.DARK_CONTACT)
    ctx.env.run(until=48.0)
    (task,) = got
    assert isinstance(task, Dispatch)
    assert (task.target.vid, task.x_m, task.y_m, task.t_h, task.err_m) == ("L7", *est, 2.0, err_m)
    assert task.radius_m(2.0, 10 * NM_M) == pytest.approx(2 * math.sqrt(2) * err_m)
    rows = [(e.kind, e.x_m, e.y_m) for e in ctx.events if e.vessel == "L7"]
    assert rows == [(K.SUSPECT_REPORT, *est), (K.DISPATCH, *est)]


# ------------------------------------------------------------------ the pursuer's datum search

SENSOR_NM = 2.0
ERROR_NM = 4.0
TRIALS = 60


class StillSuspect(World):
    """A suspect lying still at the origin; the pursuer's sensor holds it within range.

    A miniature referee: whenever the pursuer has a new plan, the first moment the plan comes
    within sensor range of the suspect becomes an ``Acquired`` interrupt, delivered (as the
    referee does) only if the pursuer is then searching a datum for it. The datum search is
    random points in the disc, joined by straight legs, as ``Patrols.datum_search_legs`` lays
    them in open water; the disc's radius is the model's (``Dispatch.radius_m``).
    """

    def truth(self, t_h: float) -> tuple[float, float]:
        """The origin, always."""
        return 0.0, 0.0

    def _in_range(self, xy: tuple[float, float]) -> bool:
        return math.hypot(*xy) <= SENSOR_NM * NM_M

    def contact(self, a: Asset, ref: TargetRef) -> Contact | None:
        """The suspect, when within sensor range (no further error: the datum has it)."""
        if not self._in_range(self.asset_pos(a)):
            return None
        return Contact(self.env.now, a.aid, 0.0, 0.0, 0.0, 0.0, 0.0)

    def publish_sensor(self, a: Asset) -> None:
        """Schedule the first contact of the new plan (every 30 s along it)."""
        legs, version = a.track.legs, a.track.version
        for t in np.arange(self.env.now, float(legs[-1, 1]), 1 / 120).tolist():
            if self._in_range(a.track.position(t)):
                self.env.process(self._regain(a, version, t))
                return

    def _regain(self, a: Asset, version: int, t_h: float) -> ProcessGenerator:
        yield self.env.timeout(t_h - self.env.now)
        if a.track.version == version and a.state == "datum" and a.task is not None:
            a.process.interrupt(Acquired(a.task))

    def datum_radius_m(self, task: Dispatch, t_arrival_h: float) -> float:
        """The model's datum radius (no growth: the suspect lies still)."""
        return max(1.0, task.radius_m(t_arrival_h, 0.0))

    def datum_search_legs(
        self,
        datum: np.ndarray,
        radius_m: float,
        t0: float,
        t1: float,
        speed_kn: float,
        rng: np.random.Generator,
        over_water: bool = True,
    ) -> np.ndarray:
        """Random points in the disc, visited in turn until ``t1``."""
        n = 200
        r = radius_m * np.sqrt(rng.random(n))
        th = rng.random(n) * 2 * math.pi
        pts = np.vstack([datum, np.column_stack([r * np.cos(th), r * np.sin(th)]) + datum])
        legs = legs_along(pts, t0, speed_kn)
        legs = legs[legs[:, 0] < t1]
        legs[-1, 1] = min(legs[-1, 1], t1)
        return legs


def _dispatch_at(env: simpy.Environment, a: Asset, task: Dispatch) -> ProcessGenerator:
    """The cell's order reaches the pursuer at the datum's time."""
    yield env.timeout(task.t_h)
    a.process.interrupt(task)


def _regained_share(*, widened: bool) -> float:
    """Share of trials in which a pursuer sent to a datum off by the sensor's error intercepts."""
    sc = load_scenario(
        {
            "name": "datum",
            "description": "hand-built datum search",
            "traffic": {"vessels": 0},
            "assets": [
                {
                    "name": "g",
                    "kind": "warship",
                    "base": "Sasebo",
                    "speed_kn": 20,
                    "endurance_h": 500,
                    "turnaround_h": 0,
                    "sensor": {"law": "cookie_cutter", "range_nm": SENSOR_NM},
                    "strategy": {"kind": "station", "areas": ["ecs_patrol"]},
                }
            ],
            "coordination": {"datum_search_h": 12},
            "pursuit": {"interception_distance_nm": SENSOR_NM},
        }
    )
    err_m = ERROR_NM * NM_M
    hits = 0
    for trial in range(TRIALS):
        w = StillSuspect(sc, visible=lambda t: True)
        a = start(w, sc, base_xy=(0.0, -40 * NM_M))
        a.rng = np.random.default_rng(trial)
        ex, ey = np.random.default_rng(10_000 + trial).normal(0.0, err_m, 2)
        task = Dispatch(TargetRef("F1"), float(ex), float(ey), 1.0, err_m if widened else 0.0)

        w.env.process(_dispatch_at(w.env, a, task))
        w.env.run(until=40)
        hits += len(w.interdicted)
    return hits / TRIALS


def test_a_pursuer_sent_to_a_datum_off_by_the_sensor_error_still_finds_the_suspect() -> None:
    """Widened by the error, the datum search regains most suspects; without it, far fewer.

    A 2 nm sensor, a 4 nm error per axis, 12 h of search at 20 kn, the suspect lying still:
    the widened disc (2 * sqrt(2) * 4 nm plus the sensor's range) holds the suspect in 98% of
    trials and the search covers most of it; the narrow one (1 km plus the range) sees only a
    suspect near the datum or passed on the way in. Measured with these 60 seeded trials:
    0.92 against 0.62.
    """
    widened = _regained_share(widened=True)
    narrow = _regained_share(widened=False)
    assert widened >= 0.8, widened
    assert widened - narrow >= 0.2, (widened, narrow)


class InlandBeyondNorth(World):
    """Open water south of 100 nm north; beyond it land, which no route reaches."""

    def route_xy(self, a_xy: np.ndarray, b_xy: np.ndarray) -> np.ndarray:
        """A straight route, or the routing's error for an end far ashore."""
        if b_xy[1] > 100 * NM_M:
            raise UserError("route end is not within 10 nm of navigable water")
        return np.vstack([a_xy, b_xy])


def test_a_datum_that_the_error_put_far_ashore_is_given_up_not_a_crash() -> None:
    """A large error can put the reported datum inland: the search fails at once (not_regained).

    The pursuer logs datum_lost, is free again for patrol, and the run goes on.
    """
    sc = load_scenario(
        {
            "name": "ashore",
            "description": "hand-built datum ashore",
            "traffic": {"vessels": 0},
            "assets": [
                {
                    "name": "g",
                    "kind": "warship",
                    "base": "Sasebo",
                    "speed_kn": 20,
                    "endurance_h": 500,
                    "turnaround_h": 0,
                    "sensor": {"law": "cookie_cutter", "range_nm": SENSOR_NM},
                    "strategy": {"kind": "station", "areas": ["ecs_patrol"]},
                }
            ],
        }
    )
    w = InlandBeyondNorth(sc, visible=lambda t: False)
    a = start(w, sc)
    task = Dispatch(TargetRef("F1"), 0.0, 150 * NM_M, 1.0, 40 * NM_M)
    w.env.process(_dispatch_at(w.env, a, task))
    w.env.run(until=20)
    assert [(t, r) for t, k, r in w.events if k == K.DATUM_LOST] == [(1.0, R.NOT_REGAINED)]
    assert a.task is None and a.state == "patrol"
