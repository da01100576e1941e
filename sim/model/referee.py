"""The referee: the only part of the model that sees ground truth.

``GroundTruth`` (``sim.model.ground_truth``) answers where a vessel really is and what an asset's
own sensor reports of it now; ``Referee`` schedules detections:
whenever a mover's plan changes it computes, in closed form and vectorised, when each sensor
will first detect each target (``sim.model.sensing``), and schedules those contacts as events.
Contacts whose sensor or target re-planned in the meantime are discarded. A contact that the
operators classify as suspect goes to the coordination cell as a report, at the position the
sensor measured (truth plus its error), never the truth.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import shapely

from sim.model import sensing
from sim.model.assets import Acquired, Asset
from sim.model.causes import Observed
from sim.model.classifier import (
    Assessment,
    DesignatedIds,
    Perceived,
    classify,
    classify_probability,
    investigates,
    legit_reason,
    legit_suspect_probability,
    read,
)
from sim.model.context import RunContext
from sim.model.ground_truth import GroundTruth, Traffic, Vessels
from sim.model.hotspots import TransferAreas, second_looks
from sim.model.kinds import TargetRef
from sim.model.leg_index import LegIndex
from sim.model.records import ContactClass
from sim.model.records import EventKind as K
from sim.model.records import Reason as R
from sim.model.reference import ReferenceTargets
from sim.model.smugglers import IllicitVessel
from sim.units import NM_M

__all__ = ["Referee", "Reports"]


class Reports(Protocol):
    """Where a suspect contact goes: the coordination cell."""

    def report(
        self,
        a: Asset,
        ref: TargetRef,
        xy: Any,
        reason: str,
        *,
        delay_h: float = 0.0,
        assessment: Assessment | None = None,
        err_m: float = 0.0,
    ) -> None:
        """A suspect contact from asset ``a`` at its estimated position ``xy``.

        ``assessment``: its classification and identity; ``err_m``: the standard deviation per
        axis of the position's error, metres.
        """
        ...


class Referee:
    """Detections of every sensor: scheduled when plans change, settled when they fire.

    Args:
        ctx: the run context.
        areas: patrol polygons by area name (satellite passes image them).
        traffic: legitimate traffic.
        vessels: the illicit vessels.
        truth: ground truth (positions of targets).
        cell: where suspect contacts are reported.
        assets: every patrol asset of the run.
        reference: the scenario's inert reference targets (checked against every plan).
        transfer_areas: the public STS hotspot areas (metric), where a stopped contact is
            investigated (``classifier.investigates``); None: nowhere.

    Attributes:
        legit_contacts: detections of legitimate ships so far.
    """

    def __init__(
        self,
        ctx: RunContext,
        areas: Callable[[str], shapely.Geometry],
        traffic: Traffic,
        vessels: Vessels,
        truth: GroundTruth,
        cell: Reports,
        assets: list[Asset],
        reference: ReferenceTargets,
        transfer_areas: shapely.Geometry | None = None,
    ) -> None:
        self.env = ctx.env
        self.scenario = ctx.scenario
        self.log = ctx.log
        self._at = ctx.at
        self.is_night = ctx.is_night
        self.is_night_array = ctx.is_night_array
        self.area_polygon = areas
        self.legit_legs = traffic.legit_legs
        self.legit_ids = traffic.legit_ids
        self.legit_dark = traffic.legit_dark
        self.legit_max_dur_h = traffic.legit_max_dur_h
        self.legit_stops = traffic.legit_stops
        self._legit_track = traffic.legit_track
        # the box query of every plan, from a grid over the legs (laid once, never changed)
        self._legit_index = LegIndex(traffic.legit_legs, traffic.legit_ids)
        self.illicit = vessels.illicit
        self.active_illicit = vessels.active_illicit
        self._sightings = vessels.sightings
        self.target_pos = truth.target_pos
        self.target_vel = truth.target_vel
        self.transfer_areas = TransferAreas(transfer_areas)
        self.asset_pos = truth.asset_pos
        self.watchlist = DesignatedIds(vessels.illicit)
        self._report = cell.report
        self._streams = ctx.streams
        self.assets = assets
        self.reference = reference
        self.legit_contacts = 0
        self._pending_contacts: dict[int, tuple[int, np.ndarray]] = {}
        self._last_contact: dict[tuple[str, str], float] = {}

    def publish_sensor(self, a: Asset) -> None:
        """An asset has a new plan: schedule its first detection of every target."""
        legs = a.track.legs
        if not len(legs) or a.kind == "satellite":
            return
        now = self.env.now
        t_end = float(legs[-1, 1])
        sens = a.group.sensor
        r_m = sens.range_nm * NM_M
        if len(self.legit_legs):
            lo = int(
                np.searchsorted(self.legit_legs[:, 0], now - self.legit_max_dur_h, side="left")
            )
            hi = int(np.searchsorted(self.legit_legs[:, 0], t_end, side="right"))
            # live legs whose boxes come within range of the plan's box (sim.model.leg_index)
            _, _, px0, py0, px1, py1 = a.track.bounds
            ids, times = sensing.first_detections_indexed(
                legs,
                self._legit_index,
                (lo, hi),
                (px0, py0, px1, py1),
                law=sens.law,
                range_m=r_m,
                sweep_width_m=(sens.sweep_width_nm or sens.range_nm) * NM_M,
                reference_speed_m_h=sens.reference_speed_kn * NM_M,
                rng=a.sensor_rng,
                t_min_h=now,
            )
            self._legit_contacts_of_plan(a, ids, times)
        near = [v for v in self.active_illicit.values() if self._may_meet(a, v)]
        if near:  # one vectorised solve for all illicit vessels the plan may come near
            legs = np.vstack([v.track.legs for v in near])
            owner = np.repeat(np.arange(len(near)), [len(v.track.legs) for v in near])
            version = a.track.version
            for j, t in zip(*(x.tolist() for x in self._detect(a, legs, owner, now)), strict=True):
                v = near[j]
                self._at(t, self._illicit_contact, a, version, v, v.track.version)
        self.reference.publish(a)

    def publish_target(self, v: IllicitVessel) -> None:
        """An illicit vessel has a new plan: schedule its first detection by every sensing asset."""
        for a in self.assets:
            if a.sensing and a.track.end_h > self.env.now:
                self._pair(a, v)

    def _may_meet(self, a: Asset, v: IllicitVessel) -> bool:
        """False when the plans' boxes (the sensor's grown by its range) never overlap."""
        sb, tb = a.track.bounds, v.track.bounds
        r = a.group.sensor.range_nm * NM_M
        return not (
            sb[1] < tb[0]
            or tb[1] < sb[0]
            or tb[1] < self.env.now
            or sb[2] - r > tb[4]
            or tb[2] > sb[4] + r
            or sb[3] - r > tb[5]
            or tb[3] > sb[5] + r
        )

    def _pair(self, a: Asset, v: IllicitVessel) -> None:
        if not self._may_meet(a, v):
            return
        ids, times = self._detect(
            a, v.track.legs, np.zeros(len(v.track.legs), dtype=np.int64), self.env.now
        )
        if len(ids):
            self._at(float(times[0]), self._illicit_contact, a, a.track.version, v, v.track.version)

    def _detect(
        self,
        a: Asset,
        legs: np.ndarray,
        ids: np.ndarray,
        now: float,
        rows: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        s = a.group.sensor
        return sensing.first_detections(
            a.track.legs,
            legs,
            ids,
            law=s.law,
            range_m=s.range_nm * NM_M,
            sweep_width_m=(s.sweep_width_nm or s.range_nm) * NM_M,
            reference_speed_m_h=s.reference_speed_kn * NM_M,
            rng=a.sensor_rng,
            t_min_h=now,
            rows=rows,
        )

    def _night_blind(self, a: Asset) -> bool:
        f = a.group.sensor.night_factor
        return f < 1.0 and self.is_night(self.env.now) and a.sensor_rng.random() >= f

    def _legit_contacts_of_plan(self, a: Asset, ids: np.ndarray, times: np.ndarray) -> None:
        """Sort a new plan's contacts with legitimate ships into the few that matter and the rest.

        Hundreds of thousands of contacts a year only add to the detection counts; a SimPy
        event each would be most of the run's events. So the night blindness and the
        classification draw are made here, vectorised, at publish time, and only contacts
        that raise a suspect, or that regain the ship this asset is pursuing, become events.
        The rest are counted by :meth:`settle_contacts` when the plan is replaced or the run
        ends, up to that time: exactly the contacts that would have fired.
        """
        if not len(ids):
            return
        f = a.group.sensor.night_factor
        if f < 1.0:
            blind = self.is_night_array(times) & (a.sensor_rng.random(len(ids)) >= f)
            ids, times = ids[~blind], times[~blind]
        alongside = self.legit_stops.is_alongside(ids, times)
        seen_alongside = self._classified_pairs(a, ids, times, alongside)
        p = legit_suspect_probability(
            self.scenario.classification, self.legit_dark[ids], seen_alongside
        )
        suspect = a.classify_rng.random(len(ids)) < p
        task = a.task.legit if isinstance(a.task, TargetRef) else -1
        special = suspect | (ids == task)
        version = a.track.version
        for i, t, s, pair, seen in zip(
            ids[special].tolist(),
            times[special].tolist(),
            suspect[special].tolist(),
            alongside[special].tolist(),
            seen_alongside[special].tolist(),
            strict=True,
        ):
            self._at(t, self._legit_contact, a, version, i, s, seen if pair else None)
        self._pending_contacts[a.index] = (version, np.sort(times[~special]))

    def _classified_pairs(
        self, a: Asset, ids: np.ndarray, times: np.ndarray, alongside: np.ndarray
    ) -> np.ndarray:
        """Which legitimate pairs alongside the sensor classifies as such (False elsewhere).

        Drawn in advance (the asset's classification stream), since whether the contact is
        reported depends on it: ``classify_probability`` at the contact's range and light.
        Bunkering pairs are few, so their ranges are computed one by one.
        """
        seen = np.zeros(len(ids), dtype=bool)
        pairs = np.flatnonzero(alongside)
        if not len(pairs):
            return seen
        sensor = a.group.sensor
        q = np.empty(len(pairs))
        close_q = np.zeros(len(pairs))  # chance at the close look, 0 where none is made
        for k, j in enumerate(pairs.tolist()):
            t = float(times[j])
            ax, ay = a.track.position(t)
            tx, ty = self._legit_track(int(ids[j])).position(t)
            r_nm = math.hypot(tx - ax, ty - ay) / NM_M
            night = self.is_night(t)
            q[k] = classify_probability(sensor, night=night, range_nm=r_nm)
            if r_nm > sensor.investigate_range_nm and self.transfer_areas.contains(tx, ty):
                r_close = sensor.investigate_range_nm
                close_q[k] = classify_probability(sensor, night=night, range_nm=r_close)
        first = a.classify_rng.random(len(pairs)) < q
        # a pair alongside is stopped: one not resolved from afar inside a hotspot is looked at
        # again from investigate_range_nm (classifier.investigates)
        seen[pairs] = second_looks(sensor, a.classify_rng, first, close_q)
        return seen

    def settle_contacts(self, a: Asset) -> None:
        """Count the quiet legitimate contacts of the plan being replaced that happened by now."""
        pending = self._pending_contacts.pop(a.index, None)
        if pending is None or pending[0] != a.track.version:
            return
        n = int(np.searchsorted(pending[1], self.env.now, side="right"))
        a.detections += n
        self.legit_contacts += n

    def _legit_contact(
        self, a: Asset, version: int, i: int, suspect: bool, classified: bool | None
    ) -> None:
        if a.track.version != version:
            return
        self._legit_seen(a, i, suspect=suspect, classified=classified)

    def _legit_seen(
        self,
        a: Asset,
        i: int,
        delay_h: float = 0.0,
        suspect: bool | None = None,
        classified: bool | None = None,
    ) -> None:
        """A legitimate ship is detected: a datum's pursuer regains it, else it may be reported.

        ``suspect`` and (for a pair alongside) ``classified`` are the draws made in advance
        (patrol plans); ``None`` draws them now (satellite passes). A reported contact is then
        read as any other (identity, classification) for the report.
        """
        a.detections += 1
        self.legit_contacts += 1
        ref = TargetRef(f"L{i}", i)
        if a.task is not None and a.task.vid == ref.vid and a.state == "datum":
            a.process.interrupt(Acquired(ref))
            return
        now = self.env.now
        is_dark = bool(self.legit_dark[i])
        xy = self.target_pos(ref)
        ax, ay = self.asset_pos(a)
        seen = Perceived(
            alongside=bool(self.legit_stops.is_alongside(np.array([i]), np.array([now]))[0]),
            ais_on=not is_dark,
            broadcast_identity="" if is_dark else ref.vid,  # its own identity, not spoofed
            hull_identity=ref.vid,
            night=self.is_night(now),
            range_nm=0.0 if a.kind == "satellite" else math.hypot(xy[0] - ax, xy[1] - ay) / NM_M,
        )
        if suspect is None:
            if seen.alongside:
                q = classify_probability(a.group.sensor, night=seen.night, range_nm=seen.range_nm)
                classified = bool(a.classify_rng.random() < q)
            p = legit_suspect_probability(
                self.scenario.classification,
                np.array([is_dark]),
                np.array([seen.alongside and bool(classified)]),
            )
            suspect = bool(a.classify_rng.random() < p[0])
        if suspect:
            got = read(seen, a.group.sensor, a.classify_rng, classified=classified)
            if investigates(a.group.sensor, a.kind, "suspect", got.classification, seen.range_nm):
                r_nm = a.group.sensor.investigate_range_nm
                got = read(seen._replace(range_nm=r_nm), a.group.sensor, a.classify_rng)
            reason = legit_reason(
                dark=is_dark, alongside=got.classification is ContactClass.ALONGSIDE
            )
            self._suspect(a, ref, xy, reason, delay_h=delay_h, assessment=Assessment(reason, *got))

    def _legit_seen_by_pass(self, a: Asset, ids: np.ndarray, delay_h: float) -> None:
        """The legitimate ships a satellite pass detects, in order: :meth:`_legit_seen` each.

        A pass over a busy area sees thousands of ships, and all but a few are only counted.
        So the lookups and the classification draws of the quiet ones are made at once, and
        only a ship that is reported, or regained by a pursuer, is visited (by
        :meth:`_legit_seen` itself). The draws are the same numbers in the same order as one
        ship at a time: a block is drawn ahead, the generator is put back to where it was, and
        exactly the quiet ships' draws before the next visited ship are taken again (a visited
        ship's report draws more, so nothing after it can be drawn ahead).
        """
        n = len(ids)
        if not n:
            return
        now = self.env.now
        rng = a.classify_rng
        regained = np.zeros(n, dtype=bool)
        vid = a.task.vid if a.task is not None and a.state == "datum" else ""
        if vid[:1] == "L" and vid[1:].isdigit() and vid == f"L{int(vid[1:])}":
            regained = ids == int(vid[1:])  # the ship this pursuer searches for
        dark = self.legit_dark[ids]
        alongside = self.legit_stops.is_alongside(ids, np.full(n, now)) & ~regained
        # a satellite images from overhead: range 0 (as _legit_seen has it for satellites)
        q = classify_probability(a.group.sensor, night=self.is_night(now), range_nm=0.0)
        draws = np.where(regained, 0, 1 + alongside.astype(np.int64))  # per ship, in order
        pos = quiet = 0
        while pos < n:
            nd = draws[pos:]
            off = np.cumsum(nd) - nd
            saved = rng.bit_generator.state
            u = rng.random(int(nd.sum()))
            al = alongside[pos:]
            classified = np.zeros(n - pos, dtype=bool)
            classified[al] = u[off[al]] < q
            p = legit_suspect_probability(self.scenario.classification, dark[pos:], classified)
            drawn = nd > 0
            u_suspect = np.ones(n - pos)
            u_suspect[drawn] = u[(off + al)[drawn]]
            visit = np.flatnonzero(regained[pos:] | (u_suspect < p))
            if not len(visit):
                quiet += n - pos
                break
            e = int(visit[0])
            rng.bit_generator.state = saved
            rng.random(int(off[e]))  # the quiet ships' draws before it, again
            quiet += e
            self._legit_seen(a, int(ids[pos + e]), delay_h=delay_h)
            pos += e + 1
        a.detections += quiet
        self.legit_contacts += quiet

    def _illicit_contact(self, a: Asset, version: int, v: IllicitVessel, v_version: int) -> None:
        if (
            a.track.version != version
            or v.track.version != v_version
            or not v.active
            or self._night_blind(a)
        ):
            return
        self.observe(a, v, self.target_pos(TargetRef(v.vid)))

    def observe(self, a: Asset, v: IllicitVessel, xy: Any, *, delay_h: float = 0.0) -> None:
        """An allied sensor has seen illicit vessel ``v``: log, classify, react, report."""
        now = self.env.now
        key = (a.aid, v.vid)
        if self._last_contact.get(key) == now:
            # the same contact again at the same instant (the sensor or the vessel re-planned,
            # or two imaged areas overlap): one detection, not a duplicate row
            return
        self._last_contact[key] = now
        a.detections += 1
        voyage = v.voyage
        voyage.detected = True
        activity = v.activity(now)
        ais = v.ais_on(now)
        ref = TargetRef(v.vid)
        pursuing = a.task is not None and a.task.vid == v.vid and a.state == "datum" and a.boards
        got = None if pursuing else self._classify(a, v, activity, ais)
        closed_in = got is not None and investigates(
            a.group.sensor,
            a.kind,
            got.reason,
            got.classification,
            self._range_nm(a, ref),
            loitering=self.transfer_areas.loitering(self.target_vel(ref), xy),
            rng=a.classify_rng,
        )
        if got is not None and closed_in:
            close = self._classify(a, v, activity, ais, close_in=True)
            got = Assessment(close.reason or got.reason, *close[1:])
        reason = got.reason if got is not None else ""
        self.log(
            K.DETECTION,
            vessel=v.vid,
            asset=a.aid,
            voyage=voyage.vid,
            xy=xy,
            cargo_t=v.cargo_t,
            reason=reason,
            activity=activity,
            ais="on" if ais else "off",
            classification=got.classification.value if got is not None else "",
            classification_p=got.classification_p if got is not None else math.nan,
            identity=got.identity if got is not None else "",
            identity_source=got.identity_source if got is not None else "",
        )
        if pursuing:
            a.process.interrupt(Acquired(ref))
            return
        # an aircraft or warship that finds a contact suspicious, or closes in to look at it,
        # is seen doing so
        if (
            (reason or closed_in)
            and a.kind != "satellite"
            and (activity in ("sts", "wait") or voyage.method == "direct")
        ):
            self.observed(ref, a)
        if reason:
            self._suspect(a, ref, xy, reason, delay_h=delay_h, assessment=got)

    def _range_nm(self, a: Asset, ref: TargetRef) -> float:
        """Range from asset ``a`` to its contact now (0 for imagery, taken at zero range)."""
        if a.kind == "satellite":
            return 0.0
        ax, ay = self.asset_pos(a)
        vx, vy = self.target_pos(ref)
        return math.hypot(vx - ax, vy - ay) / NM_M

    def _classify(
        self, a: Asset, v: IllicitVessel, activity: str, ais: bool, *, close_in: bool = False
    ) -> Assessment:
        """The operators' classification of a contact (``sim.model.classifier``).

        The referee hands the classifier only what the sensor could perceive: hulls alongside,
        the AIS state and broadcast identity, the name on the hull, night, and the range
        (``close_in``: the range the asset closes to when it investigates the contact).
        """
        range_nm = self._range_nm(a, TargetRef(v.vid))
        if close_in:
            range_nm = min(range_nm, a.group.sensor.investigate_range_nm)
        seen = Perceived(
            alongside=activity == "sts",
            ais_on=ais,
            broadcast_identity=("S" + v.vid if v.spoofed else v.vid) if ais else "",
            hull_identity=v.vid,
            night=self.is_night(self.env.now),
            range_nm=range_nm,
        )
        watchlist = self.watchlist if self.scenario.coordination.watchlist else None
        got = classify(
            seen, a.group.sensor, self.scenario.classification, watchlist, a.classify_rng
        )
        if got.reason == R.ALONGSIDE:
            v.voyage.sts_detected = True
        return got

    def _suspect(
        self,
        a: Asset,
        ref: TargetRef,
        xy: Any,
        reason: str,
        *,
        delay_h: float = 0.0,
        assessment: Assessment | None = None,
    ) -> None:
        """Report a suspect contact at the position the sensor measured, not the true ``xy``.

        The cell, and the pursuer it sends, act on the estimate: the true position plus the
        reporting sensor's error (``sensor.position_error_nm`` per axis, as in
        ``GroundTruth.contact``), and the error travels with the report to widen the datum
        search. It is drawn from the asset's own ``sensor/<id>/report`` stream, so reporting
        moves none of its detection draws; a sensor without error reports the truth.
        """
        err_m = a.group.sensor.position_error_nm * NM_M
        x, y = float(xy[0]), float(xy[1])
        if err_m > 0:
            ex, ey = self._streams.get(f"sensor/{a.aid}/report").normal(0.0, err_m, 2)
            x, y = x + float(ex), y + float(ey)
        self._report(a, ref, (x, y), reason, delay_h=delay_h, assessment=assessment, err_m=err_m)

    def observed(self, ref: TargetRef, a: Asset) -> None:
        """Smugglers notice an allied asset: their voyage process decides whether to halt."""
        if ref.legit >= 0:
            return
        v = self.illicit.get(ref.vid)
        if v is None or v.voyage.process is None or not v.voyage.process.is_alive:
            return
        self._sightings.append((self.env.now, v.voyage.area))
        v.voyage.process.interrupt(Observed(a.aid, v.vid))

    def satellite_pass(self, a: Asset, area: str) -> None:
        """Image one area: each vessel inside is detected with the pass probability.

        An optical satellite sees by daylight only (``sensor.night_factor``).
        """
        g = a.group
        now = self.env.now
        self.log(K.SATELLITE_PASS, asset=a.aid, place=area)
        if self.is_night(now) and a.sensor_rng.random() >= g.sensor.night_factor:
            return
        poly = self.area_polygon(area)
        if len(self.legit_legs):
            lo = int(
                np.searchsorted(self.legit_legs[:, 0], now - self.legit_max_dur_h, side="left")
            )
            hi = int(np.searchsorted(self.legit_legs[:, 0], now, side="right"))
            # one draw per ship at sea; only those within the area's bounds can be inside it
            n, rows, rank, x, y = sensing.live_in_box(self.legit_legs, (lo, hi), now, poly.bounds)
            u = a.sensor_rng.random(n)
            seen = shapely.contains_xy(poly, x, y) & (u[rank] < g.detect_probability)
            self._legit_seen_by_pass(a, self.legit_ids[rows[seen]], g.processing_delay_h)
        for v in list(self.active_illicit.values()):
            legs = v.track.legs
            if not len(legs) or not (legs[0, 0] <= now <= legs[-1, 1]):
                continue
            xy = v.track.position(now)
            if (
                shapely.contains_xy(poly, xy[0], xy[1])
                and a.sensor_rng.random() < g.detect_probability
            ):
                self.observe(a, v, xy, delay_h=g.processing_delay_h)
        self.reference.satellite_pass(a, poly)
