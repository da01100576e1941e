"""Patrol assets walked through their phases against a hand-built world.

The asset processes (``sim.model.assets``) act only through the ``PatrolWorld`` interface, so
a test can hand them a small world of its own: a SimPy environment, an event log, and a
scripted sensor picture. Here the pursuer's own sensor holds a suspect, loses it, searches
around the dead-reckoned datum and either gives up by the declared rule or regains it and
closes; and an aircraft flies its sorties on the clock its group declares.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import shapely
import simpy

from sim.errors import UserError
from sim.model.assets import Acquired, Asset, Dispatch, asset_process
from sim.model.kinds import ProcessGenerator, TargetRef
from sim.model.motion import hold_leg
from sim.model.picture import Contact
from sim.model.records import EventKind as K
from sim.model.records import Reason as R
from sim.model.strategies import make_strategy
from sim.model.waters import ZoneAt
from sim.scenarios import Scenario, load_scenario
from sim.units import NM_M

SPEED_KN = 20.0
TARGET_KN = 10.0


class Area:
    """The strategy's view: one 100 nm box centred on the origin."""

    def __init__(self) -> None:
        self.rng = np.random.default_rng(0)
        self.poly = shapely.box(-50 * NM_M, -50 * NM_M, 50 * NM_M, 50 * NM_M)

    def area_polygon(self, name: str) -> shapely.Geometry:
        """The box."""
        return self.poly

    def sample_in_area(self, name: str, n: int) -> np.ndarray:
        """The centre (unused by a station)."""
        return np.zeros((n, 2))

    def site(self, name: str) -> np.ndarray:
        """The centre."""
        return np.zeros(2)

    def seaway(self, pts: np.ndarray) -> np.ndarray:
        """Open water: waypoints unchanged."""
        return pts


class World:
    """A ``PatrolWorld`` with a scripted sensor picture.

    The suspect sails east at ``TARGET_KN`` from (20 nm, 0); the pursuer's sensor holds it
    while ``visible(t)`` is true. Straight routes, high seas everywhere.
    """

    def __init__(self, scenario: Scenario, visible: Callable[[float], bool]) -> None:
        self.env = simpy.Environment()
        self.scenario = scenario
        self.pursued: set[str] = set()
        self.hands_off: dict[str, float] = {}
        self.visible = visible
        self.events: list[tuple[float, str, str]] = []
        self.interdicted: list[tuple[tuple[float, float], tuple[float, float]]] = []
        self.datums: list[tuple[float, np.ndarray]] = []

    def log(self, kind: str, **fields: Any) -> None:
        """Record (time, kind, reason)."""
        self.events.append((self.env.now, kind, fields.get("reason", "")))

    def kinds(self) -> list[str]:
        """Logged kinds in order."""
        return [k for _, k, _ in self.events]

    def truth(self, t_h: float) -> tuple[float, float]:
        """Where the suspect really is."""
        return 20 * NM_M + TARGET_KN * NM_M * t_h, 0.0

    def patrol_ctx(self, a: Asset) -> Area:
        """The strategy's view."""
        return a.ctx

    def route_xy(self, a_xy: np.ndarray, b_xy: np.ndarray) -> np.ndarray:
        """A straight route."""
        return np.vstack([a_xy, b_xy])

    def zone_xy(self, xy: Any) -> ZoneAt:
        """High seas everywhere."""
        return ZoneAt("", "high_seas", False)

    def publish_sensor(self, a: Asset) -> None:
        """No referee here."""
        pass

    def satellite_pass(self, a: Asset, area: str) -> None:
        """No satellites here."""
        pass

    def observed(self, ref: TargetRef, a: Asset) -> None:
        """No smugglers here."""
        pass

    def asset_pos(self, a: Asset) -> tuple[float, float]:
        """The asset's planned position now."""
        if not len(a.track.legs):
            return float(a.base_xy[0]), float(a.base_xy[1])
        return a.track.position(self.env.now)

    def contact(self, a: Asset, ref: TargetRef) -> Contact | None:
        """The scripted sensor picture."""
        now = self.env.now
        if not self.visible(now):
            return None
        x, y = self.truth(now)
        return Contact(now, a.aid, x, y, TARGET_KN * NM_M, 0.0, 0.0)

    def target_available(self, ref: TargetRef) -> bool:
        """Always at sea."""
        return True

    def target_pos(self, ref: TargetRef) -> tuple[float, float]:
        """The truth (read when boarding begins)."""
        return self.truth(self.env.now)

    def datum_radius_m(self, task: Dispatch, t_arrival_h: float) -> float:
        """1 km."""
        return 1000.0

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
        """Hold at the datum (and remember where it was)."""
        self.datums.append((t0, np.asarray(datum, dtype=float)))
        return hold_leg(float(datum[0]), float(datum[1]), t0, t1)

    def interdict(self, a: Asset, ref: TargetRef) -> ProcessGenerator:
        """Record the boarding and hold for its duration."""
        self.interdicted.append((self.target_pos(ref), self.asset_pos(a)))
        self.log(K.INTERCEPT)
        yield self.env.timeout(self.scenario.rules.boarding_duration_h)


def scenario(kind: str = "warship", **group: Any) -> Scenario:
    g = {
        "name": "g",
        "kind": kind,
        "count": 1,
        "base": "Sasebo",
        "speed_kn": SPEED_KN,
        "patrol_speed_kn": SPEED_KN,
        "endurance_h": 500,
        "turnaround_h": 0,
        "sensor": {"law": "cookie_cutter", "range_nm": 10},
        "strategy": {"kind": "station", "areas": ["ecs_patrol"]},
        **group,
    }
    return load_scenario(
        {
            "name": "pursuit",
            "description": "hand-built world",
            "traffic": {"vessels": 0},
            "assets": [g],
            "coordination": {"datum_search_h": 6},
            "pursuit": {"interception_distance_nm": 2},
        }
    )


def start(world: World, sc: Scenario, base_xy: tuple[float, float] = (0.0, 0.0)) -> Asset:
    g = sc.assets[0]
    a = Asset(
        aid="g#0",
        group=g,
        index=0,
        base_xy=np.array(base_xy, dtype=float),
        strategy=make_strategy(g.strategy, g.patrol_speed_kn or g.speed_kn, 2 * 10 * NM_M),
        rng=np.random.default_rng(1),
    )
    a.ctx = Area()
    a.process = world.env.process(asset_process(world, a))
    return a


def task_at(world: World, a: Asset, t_h: float) -> None:
    def go() -> ProcessGenerator:
        yield world.env.timeout(t_h)
        world.pursued.add("F1")
        a.process.interrupt(Acquired(TargetRef("F1")))

    world.env.process(go())


def test_contact_lost_leads_to_a_datum_search_and_giving_up_when_it_fails() -> None:
    """Lost from hour 2 and never regained: one datum search of datum_search_h, then datum_lost.

    Tasked at hour 1 on a suspect 30 nm east running east at 10 kn, the 20 kn pursuer steers
    for the intercept 60 nm east at hour 4 and re-checks contact there: lost. It searches
    around the last contact dead-reckoned to then, (60 nm, 0), for 6 h, and gives up.
    """
    sc = scenario()
    w = World(sc, visible=lambda t: t < 2.0)
    a = start(w, sc)
    task_at(w, a, 1.0)
    w.env.run(until=40)
    lost = [(t, r) for t, k, r in w.events if k == K.DATUM_LOST]
    assert len(lost) == 1 and lost[0][1] == R.NOT_REGAINED
    assert len(w.datums) == 1
    t0, datum = w.datums[0]
    assert t0 == pytest.approx(4.0, abs=0.01)
    np.testing.assert_allclose(datum, [60 * NM_M, 0.0], atol=1.0)
    assert lost[0][0] == pytest.approx(t0 + 6.0, abs=1e-6)
    assert not w.interdicted
    assert a.task is None and a.state == "patrol"  # back on patrol after giving up


def test_a_regained_contact_is_closed_and_intercepted() -> None:
    """Lost when re-checked at hour 4, regained at 6.5 during the datum search, intercepted."""
    sc = scenario()
    w = World(sc, visible=lambda t: t < 2.0 or t >= 6.0)
    a = start(w, sc)
    task_at(w, a, 1.0)

    def regain() -> ProcessGenerator:  # the own sensor reports it again during the datum search
        yield w.env.timeout(6.5)
        a.process.interrupt(Acquired(TargetRef("F1")))

    w.env.process(regain())
    w.env.run(until=40)
    assert K.DATUM_LOST not in w.kinds()
    assert len(w.interdicted) == 1 and a.interceptions == 1
    t_board = next(t for t, k, _ in w.events if k == K.INTERCEPT)
    assert t_board == pytest.approx(9.0, abs=0.01)  # 25 nm apart at 6.5 h, closing at 10 kn
    (x, y), (px, py) = w.interdicted[0]
    assert (x, y) == pytest.approx(w.truth(t_board))
    assert math.hypot(x - px, y - py) <= 2 * NM_M + 1.0  # closed to the interception distance


def test_a_target_out_of_reach_is_given_up_as_outrun() -> None:
    """A suspect faster than the pursuer cannot be intercepted: datum_lost, reason outrun."""
    sc = scenario(speed_kn=5.0, patrol_speed_kn=5.0)
    w = World(sc, visible=lambda t: True)
    a = start(w, sc)
    task_at(w, a, 1.0)
    w.env.run(until=40)
    assert [r for _, k, r in w.events if k == K.DATUM_LOST] == [R.OUTRUN]
    assert a.interceptions == 0


def test_an_aircraft_flies_its_sorties_on_its_groups_clock() -> None:
    """Endurance 8 h, turnaround 4 h: sorties start every 12 h after a staggered first take-off."""
    sc = scenario(kind="aircraft", speed_kn=300, patrol_speed_kn=300, endurance_h=8, turnaround_h=4)
    w = World(sc, visible=lambda t: False)
    a = start(w, sc, base_xy=(0.0, -30 * NM_M))  # 30 nm from its station: 6 min each way
    w.env.run(until=100)
    starts = np.array([t for t, k, _ in w.events if k == K.SORTIE_START])
    ends = np.array([t for t, k, _ in w.events if k == K.SORTIE_END])
    assert 0.0 <= starts[0] <= 12.0  # stagger: uniform over one endurance plus turnaround
    n = len(ends)
    assert n >= 6 and len(starts) in (n, n + 1)
    # airborne for the endurance (the flight home is fitted on a 5-minute grid), then 4 h down
    assert np.all((ends - starts[:n] <= 8.0 + 1e-9) & (ends - starts[:n] > 8.0 - 1 / 12 - 1e-9))
    np.testing.assert_allclose(starts[1:] - ends[: len(starts) - 1], 4.0, atol=1e-9)
    assert a.sorties == len(starts)
    # on station: the endurance less the 0.1 h flights out and back, per sortie
    assert a.patrol_h == pytest.approx(n * (8.0 - 0.2), abs=n / 12)


class CoastWorld(World):
    """The same world with land east of 50 nm: no route reaches a point ashore.

    As ``Waters.route_xy`` does for a point more than 10 nm inland, routing there raises.
    """

    def route_xy(self, a_xy: np.ndarray, b_xy: np.ndarray) -> np.ndarray:
        """A straight route, or UserError for a destination ashore."""
        if b_xy[0] > 50 * NM_M:
            raise UserError("point is not within 10 nm of navigable water")
        return super().route_xy(a_xy, b_xy)


def test_a_datum_ashore_is_given_up_at_once() -> None:
    """The cell sends the pursuer to a datum that lies ashore (60 nm east, past the coast).

    A legitimate suspect that turned into port after its last report is dead-reckoned inland.
    The pursuer cannot search land, so it gives up there and then (datum_lost, not_regained)
    and goes back on patrol, instead of the routing error ending the whole run.
    """
    sc = scenario()
    w = CoastWorld(sc, visible=lambda t: False)
    a = start(w, sc)

    def dispatch() -> ProcessGenerator:
        yield w.env.timeout(1.0)
        w.pursued.add("F1")
        a.process.interrupt(Dispatch(TargetRef("F1"), 60 * NM_M, 0.0, 0.5))

    w.env.process(dispatch())
    w.env.run(until=40)
    lost = [(t, r) for t, k, r in w.events if k == K.DATUM_LOST]
    assert lost == [(pytest.approx(1.0), R.NOT_REGAINED)]
    assert not w.datums  # no search around a point ashore
    assert not w.interdicted
    assert a.task is None and a.state == "patrol"
