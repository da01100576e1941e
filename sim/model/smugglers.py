"""Illicit voyages: feeder tankers, DPRK tankers and colliers, ship-to-ship transfers, evasion.

One voyage is one SimPy process that drives two vessels: the *giver* sails laden
to a rendezvous and hands the cargo over to the *taker*, who carries it home.
Petroleum flows into the DPRK (giver: foreign feeder, taker: DPRK tanker);
coal flows out (giver: DPRK collier, taker: foreign carrier or barge). A direct
voyage has only a giver, who sails to the destination port.

Allied actions reach the process as interrupts with small typed causes
(``Observed``, ``Boarded``); the process decides how the smugglers respond.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from sim.model import enforcement
from sim.model.causes import Boarded, Held, Observed, Released, VoyageCause
from sim.model.illicit import IllicitVessel, Voyage
from sim.model.kinds import ProcessGenerator
from sim.model.motion import hold_leg, legs_along
from sim.model.records import EventKind as K
from sim.model.records import Reason as R
from sim.model.watchlist import avoid_detaining_port, listing
from sim.units import HOURS_PER_YEAR

if TYPE_CHECKING:
    from sim.model.voyage_world import VoyageWorld
    from sim.scenarios.schema import Program

__all__ = ["IllicitVessel", "Voyage", "VoyageRunner", "voyage_source"]


def _uniform(rng: np.random.Generator, r: tuple[float, float]) -> float:
    return float(rng.uniform(r[0], r[1])) if r[1] > r[0] else float(r[0])


def _pick(rng: np.random.Generator, items: tuple[str, ...], weights: Any = None) -> str:
    if weights is None:
        return items[int(rng.integers(len(items)))]
    w = np.asarray(weights, dtype=float)
    return items[int(rng.choice(len(items), p=w / w.sum()))]


def voyage_source(m: VoyageWorld, program: Program, rng: np.random.Generator) -> ProcessGenerator:
    """Poisson stream of voyages of one program (a SimPy process)."""
    env = m.env
    rate_h = program.voyages_per_year / HOURS_PER_YEAR
    if rate_h <= 0:
        return
    while True:
        yield env.timeout(float(rng.exponential(1.0 / rate_h)))
        m.start_voyage(program)


class VoyageRunner:
    """The process of one voyage: plan, sail, meet, transfer, deliver; react to allies."""

    def __init__(
        self,
        model: VoyageWorld,
        voyage: Voyage,
        rng: np.random.Generator,
        react_rng: np.random.Generator,
    ) -> None:
        self.m = model
        self.v = voyage
        self.rng = rng
        self.react_rng = react_rng
        self.held: set[str] = set()
        p = voyage.program
        self.petroleum = p.commodity == "petroleum"
        self.dprk_port = _pick(rng, p.dprk_ports)
        self.foreign_place = _pick(rng, p.foreign_sources)

    @property
    def giver(self) -> IllicitVessel:
        """The giver: ``make_vessels`` makes it before any phase runs."""
        assert self.v.giver is not None
        return self.v.giver

    @property
    def taker(self) -> IllicitVessel:
        """The taker: only a transfer's phases (approach, sts, deliver) ask for it."""
        assert self.v.taker is not None
        return self.v.taker

    # ----------------------------------------------------------------- set-up
    def make_vessels(self) -> None:
        """Create the giver and (for transfers) the taker with their flags, AIS and identity."""
        m, v, p, rng = self.m, self.v, self.v.program, self.rng
        foreign_flag = _pick(rng, tuple(p.foreign_flags), tuple(p.foreign_flags.values()))

        def vessel(dprk: bool, role: str, place: str) -> IllicitVessel:
            dark = rng.random() < (p.dprk_dark_probability if dprk else p.foreign_dark_probability)
            eventually = rng.random() < (
                p.dprk_watchlisted_probability if dprk else p.foreign_watchlisted_probability
            )
            designation_rng = m.streams.get(f"{v.stream}/designation/{role}")
            d = m.scenario.designations
            status = listing(eventually, d, m.scenario.start_date, m.env.now, designation_rng)
            if not dprk and d.port_awareness_probability > 0.0:
                # the owners keep a listed ship out of ports that detain listed ships
                status = avoid_detaining_port(
                    status,
                    m.listed_port_risk(place),
                    d.port_awareness_probability,
                    designation_rng,
                )
            return IllicitVessel(
                vid=m.new_vessel_id("D" if dprk else "F"),
                role=role,
                dprk=dprk,
                voyage=v,
                flag="PRK" if dprk else foreign_flag,
                watchlisted=status.watchlisted,
                spoofed=(not dark) and rng.random() < p.spoof_probability,
                dark=dark,
                dprk_bound=dprk or v.method == "direct",
                speed_kn=_uniform(rng, p.dprk_speed_kn if dprk else p.foreign_speed_kn),
                home_xy=m.place_xy(place),
            )

        giver_dprk = not self.petroleum
        v.giver = vessel(giver_dprk, "giver", self.dprk_port if giver_dprk else self.foreign_place)
        v.giver.cargo_t = v.cargo_t
        if v.method == "sts":
            v.taker = vessel(
                not giver_dprk, "taker", self.foreign_place if giver_dprk else self.dprk_port
            )

    def choose_area(self, exclude: str = "") -> str:
        """Rendezvous area by weight, discounted by recent patrol sightings (adaptive smugglers)."""
        p = self.v.program
        areas = list(p.rendezvous_areas)
        w = np.asarray(p.rendezvous_weights or [1.0] * len(areas), dtype=float)
        if p.avoid_patrolled_areas:
            memory_h = p.sighting_memory_days * 24.0
            w = w / (1.0 + np.array([self.m.recent_sightings(a, memory_h) for a in areas]))
        if exclude and len(areas) > 1:
            w[areas.index(exclude)] = 0.0
        return areas[int(self.rng.choice(len(areas), p=w / w.sum()))]

    def sail(self, vessel: IllicitVessel, dest_xy: np.ndarray, t_h: float) -> float:
        """Plan a route from the vessel's position at ``t_h`` to ``dest_xy``; returns arrival."""
        start = np.asarray(vessel.track.position(t_h) if len(vessel.track.legs) else vessel.home_xy)
        p = self.v.program
        xy = self.m.route_xy(
            start, dest_xy, avoid=p.avoid_territorial_of, prefer=p.prefer_waters_of
        )
        legs = legs_along(xy, t_h, vessel.speed_kn)
        if not len(legs):
            legs = hold_leg(float(start[0]), float(start[1]), t_h, t_h + 1e-3)
        self.m.archive(vessel, t_h)
        vessel.track.set(legs)
        return float(legs[-1, 1])

    def hold_until(self, vessel: IllicitVessel, t_end_h: float) -> None:
        """Append a stationary leg at the end of the vessel's plan up to ``t_end_h``."""
        legs = vessel.track.legs
        end = legs[-1]
        x = end[2] + end[4] * (end[1] - end[0])
        y = end[3] + end[5] * (end[1] - end[0])
        if t_end_h > end[1]:
            vessel.track.set(np.vstack([legs, hold_leg(x, y, end[1], t_end_h)]))

    # ---------------------------------------------------------------- process
    def run(self) -> ProcessGenerator:
        """The voyage process."""
        m, v = self.m, self.v
        env = m.env
        self.make_vessels()
        for vessel in v.vessels:
            m.add_illicit(vessel)
        m.log(
            K.VOYAGE_START,
            vessel=self.giver.vid,
            voyage=v.vid,
            xy=self.giver.home_xy,
            cargo_t=v.cargo_t,
        )
        if enforcement.detained_on_departure(m, v):
            next_h = env.now
        else:
            next_h = self.plan_approach() if v.method == "sts" else self.plan_direct()
        while v.phase != "done":
            try:
                yield env.timeout(max(0.0, next_h - env.now))
                next_h = self.advance()
            except simpy.Interrupt as intr:
                next_h = self.react(intr.cause, next_h)
        for vessel in v.vessels:
            if vessel.active and not vessel.seized:
                # vessels sail home after the voyage is settled; the referee still sees them
                m.retire_later(vessel)
        enforcement.schedule_reship(m, v)

    def plan_approach(self) -> float:
        """Both vessels sail to a rendezvous point; the earlier one waits; returns meeting time."""
        m, v, p, rng = self.m, self.v, self.v.program, self.rng
        v.area = v.area or self.choose_area()
        rv = m.site(v.area, rng)
        now = m.env.now
        t_g = self.sail(self.giver, rv, now)
        t_t = self.sail(self.taker, rv, now)
        # the partners time their departures to arrive together (they know each other's schedule)
        for vessel, lag in ((self.taker, t_g - t_t), (self.giver, t_t - t_g)):
            if lag > 0:
                legs = vessel.track.legs.copy()
                legs[:, :2] += lag
                vessel.track.set(legs)
        t_g = t_t = max(t_g, t_t)
        t_meet = max(t_g, t_t)
        if rng.random() < p.night_start_probability:
            t_meet = m.next_dusk_h(t_meet)
        if t_meet - min(t_g, t_t) > p.max_wait_h:
            t_meet = min(t_g, t_t) + p.max_wait_h  # the early one gives up at this time
            self.giving_up = True
        else:
            self.giving_up = False
        self.t_meet = t_meet
        self.t_done = t_meet + _uniform(rng, p.transfer_duration_h)
        for vessel, t_arr in ((self.giver, t_g), (self.taker, t_t)):
            vessel.wait_from_h = t_arr
            vessel.sts_window = (
                (t_meet, self.t_done) if not self.giving_up else (math.inf, math.inf)
            )
            self.hold_until(vessel, self.t_done if not self.giving_up else t_meet)
            m.publish_target(vessel)
            m.log(
                K.DEPART,
                vessel=vessel.vid,
                voyage=v.vid,
                xy=vessel.track.position(now),
                cargo_t=vessel.cargo_t,
                place=v.area,
                ais="on" if vessel.ais_on(now) else "off",
            )
        v.phase = "approach"
        return t_meet

    def plan_direct(self) -> float:
        """The giver sails straight to the destination port."""
        m, v = self.m, self.v
        dest = self.foreign_place if not self.petroleum else self.dprk_port
        t_arr = self.sail(self.giver, m.place_xy(dest), m.env.now)
        self.destination = dest
        m.publish_target(self.giver)
        m.log(
            K.DEPART,
            vessel=self.giver.vid,
            voyage=v.vid,
            xy=self.giver.home_xy,
            cargo_t=v.cargo_t,
            place=dest,
            ais="on" if self.giver.ais_on(m.env.now) else "off",
        )
        v.phase = "run"
        return t_arr

    def advance(self) -> float:
        """Move to the next phase at its scheduled time; returns the time of the one after."""
        m, v = self.m, self.v
        now = m.env.now
        if v.phase == "approach":
            if self.giving_up:
                self.log_aborted(self.giver, R.PARTNER_LATE)
                return self.go_home(outcome="failed", returned=True)
            v.phase = "sts"
            m.log(
                K.TRANSFER_START,
                vessel=self.giver.vid,
                voyage=v.vid,
                xy=m.pos(self.giver),
                cargo_t=v.cargo_t,
                place=v.area,
            )
            return self.t_done
        if v.phase == "sts":
            self.taker.cargo_t, self.giver.cargo_t = self.giver.cargo_t, 0.0
            m.log(
                K.TRANSFER_END,
                vessel=self.giver.vid,
                voyage=v.vid,
                xy=m.pos(self.giver),
                cargo_t=v.cargo_t,
                place=v.area,
            )
            self.sail(self.giver, self.giver.home_xy, now)
            m.publish_target(self.giver)
            v.phase = "deliver"
            t_arr = self.sail(self.taker, self.taker.home_xy, now)
            m.publish_target(self.taker)
            return t_arr
        if v.phase in ("deliver", "run"):
            carrier = self.taker if v.phase == "deliver" else self.giver
            if not carrier.dprk and m.call_at_port(carrier, m.pos(carrier)):
                # port-state control at the foreign port of delivery: the cargo is seized
                v.seized_t += carrier.cargo_t
                carrier.cargo_t = 0.0
                v.settle("seized", now)
                m.retire(carrier)
                v.phase = "done"
                return now
            v.delivered_t += carrier.cargo_t
            m.log(
                K.DELIVERY,
                vessel=carrier.vid,
                voyage=v.vid,
                xy=m.pos(carrier),
                cargo_t=carrier.cargo_t,
                place=self.dprk_port if self.petroleum else self.foreign_place,
            )
            carrier.cargo_t = 0.0
            v.settle("delivered", now)
            m.retire(carrier)
            v.phase = "done"
            return now
        v.phase = "done"
        return now

    def log_aborted(self, vessel: IllicitVessel, reason: str, *, asset: str = "") -> None:
        """Log this voyage's transfer as halted, at ``vessel``'s position, with its cargo."""
        m, v = self.m, self.v
        m.log(
            K.TRANSFER_ABORTED,
            vessel=vessel.vid,
            voyage=v.vid,
            xy=m.pos(vessel),
            cargo_t=v.cargo_t,
            reason=reason,
            place=v.area,
            asset=asset,
        )

    def go_home(self, *, outcome: str, returned: bool) -> float:
        """Settle the voyage and send everyone home; cargo still aboard is returned."""
        m, v = self.m, self.v
        now = m.env.now
        for vessel in v.vessels:
            if vessel.seized or not vessel.active or vessel.vid in self.held:
                continue  # a held vessel sails when it is released (or is seized)
            vessel.sts_window = (math.inf, math.inf)
            vessel.wait_from_h = math.inf
            if returned and vessel.cargo_t > 0:
                v.returned_t += vessel.cargo_t
                vessel.returning = True
            self.sail(vessel, vessel.home_xy, now)
            m.publish_target(vessel)
        v.settle(outcome, now)
        v.phase = "done"
        return now

    def react(self, cause: VoyageCause | None, next_h: float) -> float:
        """Respond to allied action (a bare interrupt changes nothing); returns next phase time."""
        m, v, p, rng = self.m, self.v, self.v.program, self.react_rng
        now = m.env.now
        if isinstance(cause, Held):
            return self._hold(m.illicit[cause.vessel], cause.until_h, next_h)
        if isinstance(cause, Released):
            return self._release(m.illicit[cause.vessel], next_h)
        if isinstance(cause, Boarded):
            vessel = m.illicit[cause.vessel]
            self.held.discard(vessel.vid)
            if vessel.cargo_t > 0:
                if vessel.returning:  # the cargo was booked as returned; it is seized after all
                    v.returned_t -= vessel.cargo_t
                    vessel.returning = False
                v.seized_t += vessel.cargo_t
                vessel.cargo_t = 0.0
                v.settle(cause.action, now)
                return self.go_home(outcome=cause.action, returned=True)
            if v.phase in ("approach", "sts", "run"):
                # the empty partner was taken before the transfer: the transfer cannot happen
                self.log_aborted(vessel, R.PARTNER_TAKEN)
                return self.go_home(outcome="disrupted", returned=True)
            return next_h  # empty giver seized on its way home: the delivery goes on
        if isinstance(cause, Observed):
            if (
                self.held  # a boarding party is aboard one of them: nothing to decide now
                or v.phase not in ("approach", "sts", "run")
                or rng.random() >= p.abort_when_observed_probability
            ):
                return next_h
            self.log_aborted(m.illicit[cause.vessel], R.HALTED_ON_SIGHTING, asset=cause.asset)
            can_move = (
                v.method == "sts" and v.phase in ("approach", "sts") and self.giver.cargo_t > 0
            )
            if (
                can_move
                and v.relocations < p.max_relocations
                and rng.random() < p.relocate_probability
            ):
                v.area = self.choose_area(exclude=v.area)
                v.relocations += 1
                m.log(
                    K.RELOCATE,
                    vessel=self.giver.vid,
                    voyage=v.vid,
                    xy=m.pos(self.giver),
                    cargo_t=v.cargo_t,
                    place=v.area,
                )
                return self.plan_approach()
            return self.go_home(outcome="disrupted", returned=True)
        return next_h

    def _needs(self, vessel: IllicitVessel) -> bool:
        """Whether the voyage's next phase change waits for this vessel."""
        v = self.v
        if v.phase in ("approach", "sts"):
            return True
        return (v.phase == "deliver" and vessel is v.taker) or (
            v.phase == "run" and vessel is v.giver
        )

    def _hold(self, vessel: IllicitVessel, until_h: float, next_h: float) -> float:
        """A boarding party is aboard: stop the vessel where it is and suspend what needs it."""
        m = self.m
        now = m.env.now
        self.held.add(vessel.vid)
        x, y = m.pos(vessel)
        m.archive(vessel, now)
        vessel.track.set(hold_leg(x, y, now, max(until_h, now + 1e-3)))
        m.publish_target(vessel)
        return math.inf if self._needs(vessel) else next_h

    def _release(self, vessel: IllicitVessel, next_h: float) -> float:
        """The boarding found nothing: the voyage goes on without the hold.

        Before the transfer the meeting is off (the smugglers know they are watched); a
        released carrier resumes its way; a vessel whose part is over sails home.
        """
        m, v = self.m, self.v
        now = m.env.now
        self.held.discard(vessel.vid)
        if not vessel.active or vessel.seized:
            return next_h
        if v.phase in ("approach", "sts"):
            self.log_aborted(vessel, R.PARTNER_BOARDED)
            return self.go_home(outcome="disrupted", returned=True)
        if self._needs(vessel):  # the carrier: on to its destination
            dest = (
                vessel.home_xy
                if v.phase == "deliver"
                else m.place_xy(getattr(self, "destination", self.dprk_port))
            )
            t_arr = self.sail(vessel, dest, now)
            m.publish_target(vessel)
            return t_arr
        self.sail(vessel, vessel.home_xy, now)
        m.publish_target(vessel)
        if v.phase == "done":
            m.retire_later(vessel)
        return next_h
