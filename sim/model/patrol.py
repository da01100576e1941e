"""Patrol assets of one run, with their pursuit and interdiction.

``Patrols`` builds the assets from the scenario's groups and starts their processes
(``sim.model.assets``); it is the world those processes act in (``assets.PatrolWorld``):
routes, the referee's contacts, the cell's tasking record, and interdiction, which applies
the rules at the interception point (``sim.model.interdiction``) and tells the voyage.
"""

from __future__ import annotations

import functools
import math
from typing import Any, Protocol

import numpy as np
import shapely

from sim.errors import UserError
from sim.geo.theater import sample_points_in_polygon
from sim.model import enforcement
from sim.model.assets import Asset, Dispatch, asset_process
from sim.model.causes import Boarded, Held, Released
from sim.model.context import RunContext
from sim.model.ground_truth import GroundTruth
from sim.model.illicit import IllicitVessel
from sim.model.interdiction import decide
from sim.model.kinds import ProcessGenerator, TargetRef, Tasking
from sim.model.motion import legs_along
from sim.model.records import EventKind as K
from sim.model.records import Reason as R
from sim.model.referee import Referee
from sim.model.strategies import make_strategy
from sim.model.waters import Waters
from sim.scenarios.schema import AssetGroup
from sim.units import NM_M

__all__ = ["Patrols", "Fleet"]


class Fleet(Protocol):
    """What interdiction needs of the smugglers' register: the vessels, and retiring one."""

    illicit: dict[str, IllicitVessel]

    def retire(self, v: IllicitVessel) -> None:
        """The vessel leaves the sea picture (home, or seized)."""
        ...


class _Ctx:
    """The patrol context a strategy sees: areas, sampling, the asset's stream.

    Ships' waypoints are re-laid over water; aircraft fly straight.
    """

    def __init__(self, waters: Waters, over_water: bool, rng: np.random.Generator) -> None:
        self.m = waters
        self.rng = rng
        self.over_water = over_water

    def seaway(self, pts: np.ndarray) -> np.ndarray:
        return self.m.seaway(pts) if self.over_water else pts

    def area_polygon(self, name: str) -> shapely.Geometry:
        return self.m.area_polygon(name)

    def sample_in_area(self, name: str, n: int) -> np.ndarray:
        """Uniform points of the patrol polygon (the area kept off the coast).

        Not of the raw area: a patrol entering its area heads for open water, which routes
        without a coastal escape.
        """
        return sample_points_in_polygon(self.m.area_polygon(name), n, self.rng)

    def site(self, name: str) -> np.ndarray:
        return self.m.site(name, self.rng)


class Patrols:
    """The patrol assets of one run and what they act on.

    Args:
        ctx: the run context.
        waters: routes, sites, patrol polygons and zones.
        truth: the referee's ground truth (contacts, availability, positions).
        referee: detections of plans, smugglers' sightings of patrols, satellite passes.
        fleet: the smugglers' register.
        tasking: who is pursued and who is left alone (shared with the cell).
        assets: the list the assets are built into (shared with the referee and the cell).

    Attributes:
        escalations: interceptions that escalated (inside DPRK-claimed waters, or a blockade stop).
        false_positive_boardings: legitimate ships boarded.
    """

    def __init__(
        self,
        ctx: RunContext,
        waters: Waters,
        truth: GroundTruth,
        referee: Referee,
        fleet: Fleet,
        tasking: Tasking,
        assets: list[Asset],
    ) -> None:
        self.env = ctx.env
        self.scenario = ctx.scenario
        self.theater = ctx.theater
        self.streams = ctx.streams
        self.log = ctx.log
        self._ctx = ctx
        self.waters = waters
        self.place_xy = waters.place_xy
        self.area_polygon = waters.area_polygon
        self.route_xy = waters.route_xy
        self.offshore = waters.offshore
        self.zone_xy = waters.zone_xy
        self.asset_pos = truth.asset_pos
        self.contact = truth.contact
        self.target_available = truth.target_available
        self.target_pos = truth.target_pos
        self._publish_sensor = referee.publish_sensor
        self.observed = referee.observed
        self.satellite_pass = referee.satellite_pass
        self._settle_contacts = referee.settle_contacts
        self.illicit = fleet.illicit
        self.retire = fleet.retire
        self.pursued = tasking.pursued
        self.hands_off = tasking.hands_off
        self.assets = assets
        self.escalations = 0
        self.false_positive_boardings = 0

    def publish_sensor(self, a: Asset) -> None:
        """An asset has a new plan: the referee schedules its detections.

        Each entry of the plan into DPRK-claimed waters becomes an escalation incident (any
        scenario).
        """
        enforcement.watch_claimed_waters(self._ctx, a)
        self._publish_sensor(a)

    def build(self) -> None:
        """Build every group's assets and start their processes."""
        for g in self.scenario.assets:
            for k in range(g.count):
                base = self.place_xy(g.base) if g.base else np.zeros(2)
                strategy = None
                if g.kind != "satellite":
                    barrier_xy = self._barrier_xy(g) if g.strategy.kind == "barrier" else None
                    strategy = make_strategy(
                        g.strategy,
                        g.patrol_speed_kn or g.speed_kn,
                        g.sensor.effective_sweep_width_nm * NM_M,
                        barrier_xy,
                    )
                aid = f"{g.name}#{k}"
                a = Asset(
                    aid=aid,
                    group=g,
                    index=len(self.assets),
                    base_xy=base,
                    strategy=strategy,
                    rng=self.streams.get(f"asset/{aid}"),
                    sensor_rng=self.streams.get(f"sensor/{aid}"),
                    classify_rng=self.streams.get(f"classify/{aid}"),
                )
                # ships' waypoints are re-laid over water, aircraft fly straight
                a.ctx = _Ctx(self.waters, g.kind != "aircraft", a.rng)
                a.track.on_change = functools.partial(self._settle_contacts, a)
                self.assets.append(a)
                a.process = self.env.process(asset_process(self, a))

    def _barrier_xy(self, g: AssetGroup) -> np.ndarray:
        if g.strategy.barrier:
            (lo0, la0), (lo1, la1) = g.strategy.barrier
            x, y = self.theater.to_xy(np.array([lo0, lo1]), np.array([la0, la1]))
            return np.column_stack([x, y])
        rect = self.area_polygon(g.strategy.areas[0]).minimum_rotated_rectangle
        c = np.array(rect.exterior.coords)[:4]
        e = np.diff(np.vstack([c, c[:1]]), axis=0)
        if np.hypot(*e[0]) >= np.hypot(
            *e[1]
        ):  # long side is edge 0: midline joins midpoints of edges 1 and 3
            return np.array([(c[1] + c[2]) / 2, (c[3] + c[0]) / 2])
        return np.array([(c[0] + c[1]) / 2, (c[2] + c[3]) / 2])

    def patrol_ctx(self, a: Asset) -> _Ctx:
        """The context a strategy works in (ships keep to water, aircraft do not)."""
        return a.ctx

    def datum_radius_m(self, task: Dispatch, t_arrival_h: float) -> float:
        """Uncertainty radius of a datum when the pursuer arrives (``Dispatch.radius_m``).

        It grows while the suspect is unobserved, from the report's own position error.
        """
        grow = self.scenario.coordination.track_uncertainty_growth_kn * NM_M
        return max(1.0, task.radius_m(t_arrival_h, grow))

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
        """Random search legs among water points inside a disc around a datum (ships keep to water).

        ``rng`` is the searching asset's own stream.
        """
        if t1 <= t0:
            return np.zeros((0, 6))
        n = max(2, int((t1 - t0) * speed_kn * NM_M / max(radius_m, 1000.0)) + 2)
        r = radius_m * np.sqrt(rng.random(4 * n))
        th = rng.random(4 * n) * 2 * math.pi
        pts = np.column_stack([datum[0] + r * np.cos(th), datum[1] + r * np.sin(th)])
        if over_water:
            pts = self.offshore(pts)
        pts = np.vstack([datum, pts[:n]])
        if over_water:
            path, here = [pts[:1]], pts[0]
            for b in pts[1:]:
                try:
                    path.append(self.route_xy(here, b)[1:])
                except (
                    UserError
                ):  # water the graph cannot reach (an enclosed inlet): skip the point
                    continue
                here = b
            pts = np.vstack(path)
        legs = legs_along(pts, t0, speed_kn)
        legs = legs[legs[:, 0] < t1]
        if len(legs):
            legs[-1, 1] = min(legs[-1, 1], t1)
        return legs

    def interdict(self, a: Asset, ref: TargetRef) -> ProcessGenerator:
        """Hail, and board or release, according to the rules at the interception point."""
        rules = self.scenario.rules
        xy = self.target_pos(ref)
        z = self.zone_xy(xy)
        legit = ref.legit >= 0
        v = None if legit else self.illicit[ref.vid]
        d = decide(
            rules,
            state=z.state,
            zone=z.kind,
            dprk_zone=z.dprk_zone,
            flag="legit" if v is None else v.flag,
            dprk_bound=False if v is None else v.dprk_bound,
            rng=self.streams.get(f"interdiction/{ref.vid}"),
            in_blockade_zone=rules.blockade
            and enforcement.in_blockade_zone(self.area_polygon, rules, xy, z),
        )
        voyage_id = -1 if v is None else v.voyage.vid
        self.log(
            K.INTERCEPT,
            vessel=ref.vid,
            asset=a.aid,
            voyage=voyage_id,
            xy=xy,
        )
        self.pursued.discard(ref.vid)
        self.hands_off[ref.vid] = self.env.now + rules.hands_off_h
        if d.escalation:
            self.escalations += 1
            self.log(
                K.ESCALATION, vessel=ref.vid, asset=a.aid, voyage=voyage_id, xy=xy, reason=d.reason
            )
        if v is None:  # a legitimate ship
            if d.action == "board":
                self.false_positive_boardings += 1
                self.log(
                    K.FALSE_POSITIVE_BOARDING, vessel=ref.vid, asset=a.aid, xy=xy, reason=d.reason
                )
                yield self.env.timeout(rules.boarding_duration_h)
            else:
                self.log(K.RELEASE, vessel=ref.vid, asset=a.aid, xy=xy, reason=d.reason)
            return
        if d.action == "board":
            self.log(
                K.BOARDING,
                vessel=v.vid,
                asset=a.aid,
                voyage=voyage_id,
                xy=xy,
                cargo_t=v.cargo_t,
                reason=d.reason,
            )
            # a boarded vessel is held alongside the boarding party: it neither sails on nor
            # delivers (nor hands its cargo over) until it is seized or released
            self._tell_voyage(v, Held(v.vid, self.env.now + rules.boarding_duration_h))
            yield self.env.timeout(rules.boarding_duration_h)
            if v.cargo_t > 0 or v.watchlisted or d.reason == R.BLOCKADE_STOP:
                self._take(v, "seized", a, xy, d.reason)
            else:
                self.log(
                    K.RELEASE,
                    vessel=v.vid,
                    asset=a.aid,
                    voyage=voyage_id,
                    xy=xy,
                    reason=R.NOTHING_FOUND,
                )
                self._tell_voyage(v, Released(v.vid))
                self.observed(ref, a)
        elif d.action == "divert":
            self._take(v, "diverted", a, xy, d.reason)
        else:
            self.log(K.RELEASE, vessel=v.vid, asset=a.aid, voyage=voyage_id, xy=xy, reason=d.reason)
            self.observed(ref, a)

    def _take(self, v: IllicitVessel, action: str, a: Asset, xy: Any, reason: str) -> None:
        """Seize or divert a vessel.

        Only a vessel carrying the voyage's cargo logs a seizure or diversion (so those events
        and the voyages' outcomes count the same thing); an empty one is ``vessel_detained``.
        """
        v.seized = True
        if v.cargo_t > 0:
            kind = K.SEIZURE if action == "seized" else K.DIVERSION
        else:
            kind = K.DETAINED
        self.log(
            kind,
            vessel=v.vid,
            asset=a.aid,
            voyage=v.voyage.vid,
            xy=xy,
            cargo_t=v.cargo_t,
            reason=reason,
        )
        self.retire(v)
        self._tell_voyage(v, Boarded(v.vid, action))

    def _tell_voyage(self, v: IllicitVessel, cause: Boarded | Held | Released) -> None:
        """Deliver an allied action to the vessel's voyage process.

        Once the voyage is settled and its vessels are only sailing home, the runner hears it
        directly.
        """
        if v.voyage.process is not None and v.voyage.process.is_alive:
            v.voyage.process.interrupt(cause)
        else:
            v.voyage.runner.react(cause, self.env.now)
