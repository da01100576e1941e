"""Allied patrol assets (warships, cutters, aircraft, satellites) and their processes.

Each asset publishes its planned legs to the referee whenever its plan changes;
detections come back as callbacks. Tasking (a dispatch from the coordination
cell, or its own contact on a suspect) arrives as an interrupt with a typed cause.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import simpy

from sim.errors import UserError
from sim.model import enforcement
from sim.model.kinds import ProcessGenerator
from sim.model.motion import Track, hold_leg, intercept_time_h, legs_along
from sim.model.records import EventKind as K
from sim.model.records import Reason as R
from sim.model.strategies import PatrolStrategy
from sim.units import KN_M_PER_H, NM_M

if TYPE_CHECKING:
    from sim.model.context import EventLog
    from sim.model.kinds import TargetRef
    from sim.model.picture import Contact
    from sim.model.strategies import PatrolContext
    from sim.model.waters import ZoneAt
    from sim.scenarios.schema import AssetGroup, Scenario

__all__ = ["Asset", "AssetCause", "Dispatch", "Acquired", "asset_process", "PatrolWorld"]


@dataclass(frozen=True)
class Dispatch:
    """Interrupt cause: go to a datum and find this suspect.

    Attributes:
        target: the suspect.
        x_m, y_m: the datum: the reported (estimated) position, metres.
        t_h: time the suspect was seen there, hours.
        err_m: standard deviation per axis of the report's position error, metres (the
            reporting sensor's ``position_error_nm``; 0 for a datum already widened by it).
    """

    target: TargetRef
    x_m: float
    y_m: float
    t_h: float
    err_m: float = 0.0

    def radius_m(self, t_h: float, growth_m_h: float) -> float:
        """Radius within which the suspect should be at ``t_h``.

        As ``Contact.radius_m``: the growth of the unobserved track since the report plus two
        standard deviations of the report's position error, so a search of it covers a datum
        that was off from the start, not only one the suspect has since left.
        """
        return (t_h - self.t_h) * growth_m_h + 2.0 * math.sqrt(2.0) * self.err_m


@dataclass(frozen=True)
class Acquired:
    """Interrupt cause: the asset's own sensor holds a suspect it may intercept."""

    target: TargetRef


AssetCause = Dispatch | Acquired
"""Interrupt causes an asset process accepts (anything else is ignored)."""


@dataclass(eq=False)
class Asset:
    """One patrol asset and its running statistics."""

    aid: str
    group: AssetGroup
    index: int
    base_xy: np.ndarray
    strategy: PatrolStrategy | None
    rng: np.random.Generator = field(default_factory=lambda: np.random.default_rng(0))
    """The asset's own stream: staggered start, patrol waypoints, datum searches."""
    sensor_rng: np.random.Generator = field(default_factory=lambda: np.random.default_rng(1))
    """Draws of its sensor: detection (inverse-cube law), night blindness, satellite passes."""
    classify_rng: np.random.Generator = field(default_factory=lambda: np.random.default_rng(2))
    """Draws of its operators' classification of contacts."""
    ctx: Any = None
    track: Track = field(default_factory=Track)
    state: str = "base"  # base, patrol, datum, closing, boarding, returning
    task: TargetRef | None = None
    _process: simpy.Process | None = field(default=None, repr=False)
    underway_h: float = 0.0
    patrol_h: float = 0.0
    distance_nm: float = 0.0
    sorties: int = 0
    detections: int = 0
    suspects: int = 0
    interceptions: int = 0

    @property
    def process(self) -> simpy.Process:
        """The asset's SimPy process (started by ``Patrols.build`` before the run begins)."""
        if self._process is None:
            raise RuntimeError(f"asset {self.aid}: its process has not been started")
        return self._process

    @process.setter
    def process(self, p: simpy.Process) -> None:
        self._process = p

    @property
    def kind(self) -> str:
        """warship, coast_guard, aircraft or satellite."""
        return self.group.kind

    @property
    def boards(self) -> bool:
        """Can intercept and board."""
        return self.group.boards

    @property
    def sensing(self) -> bool:
        """Whether its current plan should be searched for detections."""
        return self.state != "base" and len(self.track.legs) > 0

    def row(self) -> dict[str, Any]:
        """One row of the assets table."""
        return {
            "asset": self.aid,
            "group": self.group.name,
            "kind": self.kind,
            "nation": self.group.nation,
            "patrol_h": self.patrol_h,
            "underway_h": self.underway_h,
            "distance_nm": self.distance_nm,
            "sorties": self.sorties,
            "detections": self.detections,
            "suspects": self.suspects,
            "interceptions": self.interceptions,
        }


class PatrolWorld(Protocol):
    """What an asset's process may use (``sim.model.patrol.Patrols`` provides it).

    Its own plan goes to the referee (``publish_sensor``); what it knows of a target comes
    from its own sensor (``contact``) and the referee's word that the target is still at sea
    (``target_available``); the position of a target is read only when boarding begins.
    """

    env: simpy.Environment
    scenario: Scenario
    pursued: set[str]
    hands_off: dict[str, float]

    @property
    def log(self) -> EventLog:
        """The run's event log (``RunContext.log``)."""
        ...

    def patrol_ctx(self, a: Asset) -> PatrolContext:
        """The context the asset's strategy works in (ships keep to water)."""
        ...

    def route_xy(self, a_xy: np.ndarray, b_xy: np.ndarray) -> np.ndarray:
        """Polyline (metres) over water from a to b."""
        ...

    def zone_xy(self, xy: Any) -> ZoneAt:
        """Zone at a metric position."""
        ...

    def publish_sensor(self, a: Asset) -> None:
        """The asset has a new plan: the referee schedules its detections."""
        ...

    def satellite_pass(self, a: Asset, area: str) -> None:
        """Image one area now (the referee decides what is seen)."""
        ...

    def observed(self, ref: TargetRef, a: Asset) -> None:
        """Smugglers notice an allied asset close by."""
        ...

    def asset_pos(self, a: Asset) -> tuple[float, float]:
        """Position of an own asset now."""
        ...

    def contact(self, a: Asset, ref: TargetRef) -> Contact | None:
        """What the asset's own sensor reports of the target now, or None."""
        ...

    def target_available(self, ref: TargetRef) -> bool:
        """Whether the target is still at sea and free."""
        ...

    def target_pos(self, ref: TargetRef) -> tuple[float, float]:
        """Position of the target now (read only when a boarding begins)."""
        ...

    def datum_radius_m(self, task: Dispatch, t_arrival_h: float) -> float:
        """Uncertainty radius of a datum when the pursuer arrives."""
        ...

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
        """Search legs around a datum, drawn from the searcher's own stream."""
        ...

    def interdict(self, a: Asset, ref: TargetRef) -> ProcessGenerator:
        """Hail, and board or release, by the rules at the interception point."""
        ...


def _set_plan(m: PatrolWorld, a: Asset, legs: np.ndarray) -> float:
    """Replace the asset's plan, publish it to the referee, return its end time."""
    a.track.set(legs)
    m.publish_sensor(a)
    return a.track.end_h


def _account(a: Asset, t_from: float, t_to: float, on_station: bool) -> None:
    a.underway_h += max(0.0, t_to - t_from)
    if on_station:
        a.patrol_h += max(0.0, t_to - t_from)
    a.distance_nm += a.track.distance_m(t_from, t_to) / NM_M


def asset_process(m: PatrolWorld, a: Asset) -> ProcessGenerator:
    """The life of one asset: sorties or patrols, interrupted by tasking.

    A group with a later ``active_from`` date stays at base, untaskable, until that date.
    """
    start_h = enforcement.hours_from_start(m.scenario, a.group.active_from)
    if start_h > m.env.now:
        a.state = "inactive"
        yield from _uninterrupted(m.env, start_h)
    if a.kind == "satellite":
        yield from _satellite(m, a)
    elif a.kind == "aircraft":
        yield from _aircraft(m, a)
    else:
        yield from _ship(m, a)


def _transit(
    m: PatrolWorld, a: Asset, dest: np.ndarray, t_h: float, over_water: bool
) -> np.ndarray:
    start = np.asarray(a.track.position(t_h)) if len(a.track.legs) else a.base_xy
    pts = m.route_xy(start, dest) if over_water else np.vstack([start, dest])
    legs = legs_along(pts, t_h, a.group.speed_kn)
    return legs if len(legs) else hold_leg(float(start[0]), float(start[1]), t_h, t_h + 1e-3)


def _end_xy(legs: np.ndarray) -> np.ndarray:
    e = legs[-1]
    return np.array([e[2] + e[4] * (e[1] - e[0]), e[3] + e[5] * (e[1] - e[0])])


def _fit_return(
    station: np.ndarray, base: np.ndarray, speed_kn: float, land_by_h: float
) -> tuple[np.ndarray, float]:
    """Cut the time on station so that the flight home still lands by ``land_by_h`` (endurance)."""
    if not len(station):
        return station, land_by_h
    tr = Track(station.copy())
    times = np.arange(station[0, 0], station[-1, 1], 1.0 / 12.0)  # every 5 minutes
    times = np.append(times, station[-1, 1])
    pos = tr.positions(times)
    home = times + np.hypot(pos[:, 0] - base[0], pos[:, 1] - base[1]) / (speed_kn * KN_M_PER_H)
    ok = np.flatnonzero(home <= land_by_h + 1e-9)
    t_cut = float(times[ok[-1]]) if len(ok) else float(station[0, 0])
    legs = station[station[:, 0] < t_cut].copy()
    if len(legs):
        legs[-1, 1] = min(legs[-1, 1], t_cut)
    return legs, t_cut


def _strategy(a: Asset) -> PatrolStrategy:
    """The asset's patrol strategy (every asset but a satellite has one)."""
    if a.strategy is None:
        raise ValueError(f"asset {a.aid}: a {a.kind} needs a patrol strategy")
    return a.strategy


def _aircraft(m: PatrolWorld, a: Asset) -> ProcessGenerator:
    """Sorties from the air base: transit, time on station, return, turnaround."""
    env, g = m.env, a.group
    strategy = _strategy(a)
    # stagger the first take-off so that aircraft of a group do not fly in formation
    a.state = "turnaround"  # not available for tasking while on the ground between sorties
    yield from _uninterrupted(
        env, env.now + float(a.rng.uniform(0, g.endurance_h + g.turnaround_h))
    )
    while True:
        if g.strategy.kind in ("cued", "monitoring_cued"):
            a.state = "base"
            try:
                yield env.timeout(math.inf)
            except simpy.Interrupt as intr:
                if not isinstance(intr.cause, Dispatch):
                    continue
                yield from _aircraft_datum(m, a, intr.cause)
                continue
        t0 = env.now
        a.state, a.sorties = "patrol", a.sorties + 1
        m.log(K.SORTIE_START, asset=a.aid, xy=a.base_xy)
        entry = strategy.entry_point(m.patrol_ctx(a), a.base_xy)
        out = _transit(m, a, entry, t0, over_water=False)
        t_station = out[-1, 1]
        t_back_start = t0 + g.endurance_h - (out[-1, 1] - t0)
        if t_back_start <= t_station:
            station = np.zeros((0, 6))
            t_back_start = t_station
        else:
            station = strategy.legs(m.patrol_ctx(a), entry, t_station, t_back_start)
            station, t_back_start = _fit_return(station, a.base_xy, g.speed_kn, t0 + g.endurance_h)
            strategy.stopped(t_back_start)  # the next sortie resumes where this one left off
        last = _end_xy(station) if len(station) else entry
        back = legs_along(np.vstack([last, a.base_xy]), t_back_start, g.speed_kn)
        t_end = _set_plan(m, a, np.vstack([out, station, back]))
        try:
            yield env.timeout(t_end - env.now)
        except simpy.Interrupt:
            pass  # aircraft on patrol stay on their plan
        _account(a, t0, env.now, on_station=False)
        a.patrol_h += max(0.0, t_back_start - t_station)
        a.state = "turnaround"
        a.track.set(np.zeros((0, 6)))
        m.log(K.SORTIE_END, asset=a.aid, xy=a.base_xy)
        yield from _uninterrupted(env, env.now + g.turnaround_h)


def _aircraft_datum(m: PatrolWorld, a: Asset, task: Dispatch) -> ProcessGenerator:
    """A cued aircraft flies to a datum, searches around it, and returns."""
    env, g = m.env, a.group
    t0 = env.now
    a.state, a.sorties, a.task = "datum", a.sorties + 1, task.target
    m.log(K.SORTIE_START, asset=a.aid, vessel=task.target.vid, xy=a.base_xy, reason=R.CUED)
    datum = np.array([task.x_m, task.y_m])
    out = _transit(m, a, datum, t0, over_water=False)
    t_arr = out[-1, 1]
    radius_m = m.datum_radius_m(task, t_arr) + a.group.sensor.range_nm * NM_M
    t_search_end = min(
        t0 + g.endurance_h - (t_arr - t0), t_arr + m.scenario.coordination.datum_search_h
    )
    search = m.datum_search_legs(
        datum,
        radius_m,
        t_arr,
        max(t_arr, t_search_end),
        g.patrol_speed_kn or g.speed_kn,
        a.rng,
        over_water=False,
    )
    back = legs_along(
        np.vstack([_end_xy(search) if len(search) else datum, a.base_xy]),
        max(t_arr, t_search_end),
        g.speed_kn,
    )
    t_end = _set_plan(m, a, np.vstack([out, search, back]))
    try:
        yield env.timeout(t_end - env.now)
    except simpy.Interrupt:
        yield env.timeout(max(0.0, t_end - env.now))
    _account(a, t0, env.now, on_station=True)
    m.log(K.SORTIE_END, asset=a.aid, xy=a.base_xy)
    a.state, a.task = "turnaround", None
    a.track.set(np.zeros((0, 6)))
    yield from _uninterrupted(env, env.now + g.turnaround_h)


def _ship(m: PatrolWorld, a: Asset) -> ProcessGenerator:
    """Patrols from the home port: transit, days on station in chunks, tasking, port calls."""
    env, g = m.env, a.group
    strategy = _strategy(a)
    yield env.timeout(float(a.rng.uniform(0, min(g.turnaround_h, 24.0 * 7))))
    while True:
        t0 = env.now
        a.state, a.sorties = "patrol", a.sorties + 1
        m.log(K.SORTIE_START, asset=a.aid, xy=a.base_xy)
        t_home_by = t0 + g.endurance_h
        a.track.set(hold_leg(float(a.base_xy[0]), float(a.base_xy[1]), t0, t0))
        entry = strategy.entry_point(m.patrol_ctx(a), a.base_xy)
        legs = _transit(m, a, entry, t0, over_water=True)
        _set_plan(m, a, legs)
        t_mark = t0
        while env.now < t_home_by:
            try:
                if env.now >= a.track.end_h - 1e-9:
                    here = np.asarray(a.track.position(env.now))
                    t_chunk = min(env.now + g.plan_horizon_h, t_home_by)
                    _account(a, t_mark, env.now, on_station=a.state == "patrol")
                    t_mark = env.now
                    planned = strategy.legs(m.patrol_ctx(a), here, env.now, t_chunk)
                    _set_plan(m, a, planned)
                a.state = "patrol"
                yield env.timeout(max(1e-6, a.track.end_h - env.now))
            except simpy.Interrupt as intr:
                _account(a, t_mark, env.now, on_station=True)
                t_mark = env.now
                strategy.stopped(env.now)  # a sweep resumes from here after the tasking
                if isinstance(intr.cause, (Dispatch, Acquired)):
                    yield from _pursue(m, a, intr.cause)
                    m.pursued.discard(intr.cause.target.vid)
                _account(a, t_mark, env.now, on_station=True)
                t_mark = env.now
                a.state, a.task = "patrol", None
                a.track.set(hold_leg(*a.track.position(env.now), env.now, env.now))
        _account(a, t_mark, env.now, on_station=True)
        t_mark = env.now
        strategy.stopped(env.now)
        a.state = "returning"
        t_end = _set_plan(m, a, _transit(m, a, a.base_xy, env.now, over_water=True))
        yield from _uninterrupted(env, t_end)
        _account(a, t_mark, env.now, on_station=False)
        a.state = "base"
        a.track.set(np.zeros((0, 6)))
        m.log(K.SORTIE_END, asset=a.aid, xy=a.base_xy)
        yield from _uninterrupted(env, env.now + g.turnaround_h)


def _uninterrupted(env: simpy.Environment, t_until: float) -> ProcessGenerator:
    """Wait until ``t_until`` ignoring interrupts (no tasking while transiting home)."""
    while env.now < t_until - 1e-9:
        try:
            yield env.timeout(t_until - env.now)
        except simpy.Interrupt:
            pass


def _datum_search(m: PatrolWorld, a: Asset, task: Dispatch) -> Generator[simpy.Event, Any, bool]:
    """Go to a datum and search around it until the own sensor regains the suspect.

    Returns True when regained (an ``Acquired`` interrupt for this suspect), False when the
    search time (``coordination.datum_search_h``) runs out: the declared rule for giving up.
    """
    env, g = m.env, a.group
    a.state = "datum"
    datum = np.array([task.x_m, task.y_m])
    try:
        out = _transit(m, a, datum, env.now, over_water=True)
    except UserError:
        # dead reckoning ran the datum far ashore (the suspect turned into port after its
        # last contact): there is no water there to search, so the search fails at once
        m.log(
            K.DATUM_LOST,
            asset=a.aid,
            vessel=task.target.vid,
            xy=m.asset_pos(a),
            reason=R.NOT_REGAINED,
        )
        return False
    t_arr = out[-1, 1]
    radius_m = m.datum_radius_m(task, t_arr) + g.sensor.range_nm * NM_M
    search = m.datum_search_legs(
        datum,
        radius_m,
        t_arr,
        t_arr + m.scenario.coordination.datum_search_h,
        g.patrol_speed_kn or g.speed_kn,
        a.rng,
    )
    t_end = _set_plan(m, a, np.vstack([out, search]))
    try:
        yield env.timeout(t_end - env.now)
    except simpy.Interrupt as intr:
        return isinstance(intr.cause, Acquired) and intr.cause.target.vid == task.target.vid
    m.log(
        K.DATUM_LOST, asset=a.aid, vessel=task.target.vid, xy=m.asset_pos(a), reason=R.NOT_REGAINED
    )
    return False


def _intercept_path(
    m: PatrolWorld, a: Asset, target: TargetRef, est: Contact, speed_m_h: float
) -> np.ndarray | None:
    """The route to where dead reckoning of ``est`` meets the pursuer, or None (logged).

    None when it gives up: out of reach within the horizon, in DPRK waters it may not enter, or
    no route.
    """
    env = m.env
    pursuit = m.scenario.pursuit
    ax, ay = m.asset_pos(a)
    tx, ty = est.predict(env.now)
    tau = intercept_time_h(tx - ax, ty - ay, est.vx_m_h, est.vy_m_h, speed_m_h)
    if not math.isfinite(tau) or tau > pursuit.horizon_h:
        m.log(K.DATUM_LOST, asset=a.aid, vessel=target.vid, xy=(ax, ay), reason=R.OUTRUN)
        return None
    meet = np.asarray(est.predict(env.now + tau))  # dead reckoning, not the target's plan
    zone = m.zone_xy(meet)
    if zone.dprk_zone and not m.scenario.rules.enter_dprk_zones:
        m.log(
            K.RELEASE, asset=a.aid, vessel=target.vid, xy=(ax, ay), reason=R.BROKE_OFF_DPRK_WATERS
        )
        m.hands_off[target.vid] = env.now + m.scenario.rules.break_off_hands_off_h
        m.observed(target, a)
        return None
    try:
        path = m.route_xy(np.array([ax, ay]), meet)
    except UserError:
        m.log(K.DATUM_LOST, asset=a.aid, vessel=target.vid, xy=(ax, ay), reason=R.NO_ROUTE)
        return None
    return path


def _pursue(m: PatrolWorld, a: Asset, cause: Dispatch | Acquired) -> ProcessGenerator:
    """Go to a datum (if dispatched), regain the suspect, close with it, and act on the rules.

    The pursuer steers on its own picture (``sim.model.picture.Contact``): the last contact of
    its own sensor, dead-reckoned. It re-checks contact at each re-solve; when contact is
    lost it searches around the dead-reckoned datum, and gives up when that search fails,
    when the suspect is out of reach within ``pursuit.horizon_h``, or after
    ``pursuit.resolves`` courses without closing to ``pursuit.interception_distance_nm``.
    """
    env, g = m.env, a.group
    target = cause.target
    a.task = target
    if isinstance(cause, Dispatch) and not (yield from _datum_search(m, a, cause)):
        return
    # close with the target: steer for the intercept point, re-solve as it moves
    speed_m_h = g.speed_kn * KN_M_PER_H
    pursuit = m.scenario.pursuit
    close_m = pursuit.interception_distance_nm * NM_M
    growth_m_h = m.scenario.coordination.track_uncertainty_growth_kn * NM_M
    est = m.contact(a, target)
    last = est
    closed = False
    for _ in range(pursuit.resolves):
        if est is None:  # contact lost: search around where dead reckoning puts it
            if last is None:  # never held by the own sensor: the datum search has failed
                return
            dx, dy = last.predict(env.now)
            spread_h = last.radius_m(env.now, growth_m_h) / max(growth_m_h, 1.0)
            task = Dispatch(target, dx, dy, env.now - spread_h)
            if not (yield from _datum_search(m, a, task)):
                return
            est = m.contact(a, target)
            if est is None:
                continue
        last = est
        a.state = "closing"
        ax, ay = m.asset_pos(a)
        tx, ty = est.predict(env.now)
        if math.hypot(tx - ax, ty - ay) <= close_m:
            closed = True
            break
        path = _intercept_path(m, a, target, est, speed_m_h)
        if path is None:
            return
        t_end = _set_plan(m, a, legs_along(path, env.now, g.speed_kn))
        yield from _uninterrupted(env, max(t_end, env.now + 1e-3))
        est = m.contact(a, target)
    if not closed and est is not None:
        ax, ay = m.asset_pos(a)
        tx, ty = est.predict(env.now)
        closed = math.hypot(tx - ax, ty - ay) <= close_m
    if not closed:
        m.log(
            K.DATUM_LOST,
            asset=a.aid,
            vessel=target.vid,
            xy=m.asset_pos(a),
            reason=R.RESOLVES_EXHAUSTED,
        )
        return
    if not m.target_available(target):
        return
    a.state = "boarding"
    a.interceptions += 1
    here = m.target_pos(target)
    a.track.set(hold_leg(here[0], here[1], env.now, env.now + m.scenario.rules.boarding_duration_h))
    yield from m.interdict(a, target)


def _satellite(m: PatrolWorld, a: Asset) -> ProcessGenerator:
    """Imaging passes over the group's areas every ``revisit_h``, at a random phase."""
    env, g = m.env, a.group
    yield env.timeout(float(a.rng.uniform(0, g.revisit_h)))
    while True:
        a.sorties += 1
        for area in g.strategy.areas:
            m.satellite_pass(a, area)
        yield env.timeout(g.revisit_h)
