"""The coordination cell: suspect reports, dispatch, cueing, and its own AIS watch.

A suspect report from an asset either lets that asset (a warship on patrol) take the suspect
itself, or reaches the cell after the report delay; the cell then sends the nearest free
warship that can reach the datum while it is fresh, and a cued aircraft to help localise.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

from sim.model import enforcement
from sim.model.assets import Acquired, Asset, Dispatch
from sim.model.context import RunContext
from sim.model.kinds import ProcessGenerator, TargetRef, Tasking
from sim.model.records import EventKind as K
from sim.model.records import Reason as R
from sim.model.smugglers import IllicitVessel
from sim.units import NM_M, km_to_nm

__all__ = ["Cell", "Picture", "Watched"]

_CELL = "CELL"  # reports from the cell's own AIS watch may task any nation's assets


class Picture(Protocol):
    """What the cell asks of the referee: own assets' positions, targets' availability."""

    def asset_pos(self, a: Asset) -> tuple[float, float]:
        """Position of an own asset now."""
        ...

    def target_available(self, ref: TargetRef) -> bool:
        """Whether the target is still at sea and free."""
        ...


class Watched(Protocol):
    """The illicit vessels (the cell's AIS watch scans those at sea)."""

    illicit: dict[str, IllicitVessel]
    active_illicit: dict[str, IllicitVessel]


class Cell:
    """The coordination cell of one run.

    Args:
        ctx: the run context.
        picture: positions of own assets and availability of targets.
        vessels: the illicit vessels.
        assets: every patrol asset of the run.
        tasking: who is pursued and who is left alone (shared with the patrols).
    """

    def __init__(
        self,
        ctx: RunContext,
        picture: Picture,
        vessels: Watched,
        assets: list[Asset],
        tasking: Tasking,
    ) -> None:
        self.env = ctx.env
        self.scenario = ctx.scenario
        self.theater = ctx.theater
        self.log = ctx.log
        self._at = ctx.at
        self.asset_pos = picture.asset_pos
        self.target_available = picture.target_available
        self.illicit = vessels.illicit
        self.active_illicit = vessels.active_illicit
        self.assets = assets
        self.pursued = tasking.pursued
        self.hands_off = tasking.hands_off
        self.reported_vessels = tasking.reported
        self._reported: dict[tuple[str, str], float] = {}

    def start(self) -> None:
        """Start the cell's AIS watch and analytics, when the scenario has them."""
        if self.scenario.coordination.ais_monitoring:
            self.env.process(self._ais_watch())
        if self.scenario.coordination.ais_analytics:
            self.env.process(self._ais_analytics())

    def report(
        self, a: Asset, ref: TargetRef, xy: Any, reason: str, *, delay_h: float = 0.0
    ) -> None:
        """A suspect report from asset ``a``: the asset takes it itself, or the cell decides."""
        now = self.env.now
        key = (a.aid, ref.vid)
        if now - self._reported.get(key, -math.inf) < self.scenario.coordination.report_memory_h:
            return
        self._reported[key] = now
        a.suspects += 1
        if ref.legit < 0:
            self.reported_vessels.add(ref.vid)
        self.log(
            K.SUSPECT_REPORT,
            vessel=ref.vid,
            asset=a.aid,
            voyage=self.illicit[ref.vid].voyage.vid if ref.legit < 0 else -1,
            xy=xy,
            reason=reason,
        )
        if now < self.hands_off.get(ref.vid, -math.inf):
            return
        if a.boards and a.state == "patrol" and ref.vid not in self.pursued and delay_h == 0.0:
            self.pursued.add(ref.vid)
            a.process.interrupt(Acquired(ref))
            return
        delay = delay_h + self.scenario.coordination.report_delay_h
        self._at(
            self.env.now + delay,
            self._dispatch,
            ref,
            float(xy[0]),
            float(xy[1]),
            self.env.now,
            a.group.nation,
        )

    def _dispatch(self, ref: TargetRef, x: float, y: float, t_seen: float, nation: str) -> None:
        """The cell (or, without a shared picture, the reporting nation) sends the nearest free warship."""
        if (
            ref.vid in self.pursued
            or not self.target_available(ref)
            or self.env.now < self.hands_off.get(ref.vid, -1.0)
        ):
            return
        co = self.scenario.coordination
        shared = enforcement.shared_picture_now(self.scenario, self.env.now)
        best, best_t = None, math.inf
        for a in self.assets:
            if not (a.boards and a.state == "patrol"):
                continue
            if not shared and nation != _CELL and a.group.nation != nation:
                continue
            ax, ay = self.asset_pos(a)
            t_arr = math.hypot(x - ax, y - ay) / (a.group.speed_kn * NM_M)
            if self.env.now + t_arr - t_seen <= co.max_datum_age_h and t_arr < best_t:
                best, best_t = a, t_arr
        if best is None:
            return
        self.pursued.add(ref.vid)
        self.log(
            K.DISPATCH,
            vessel=ref.vid,
            asset=best.aid,
            xy=(x, y),
        )
        best.process.interrupt(Dispatch(ref, x, y, t_seen))
        # cued aircraft of the same picture help localise
        for a in self.assets:
            if (
                a.kind == "aircraft"
                and a.group.strategy.kind == "cued"
                and a.state == "base"
                and (shared or a.group.nation == nation)
            ):
                a.process.interrupt(Dispatch(ref, x, y, t_seen))
                break

    def _ais_watch(self) -> ProcessGenerator:
        """The cell scans the received AIS picture for designated identities at a fixed interval."""
        co = self.scenario.coordination
        while True:
            yield self.env.timeout(co.ais_report_interval_h)
            now = self.env.now
            for v in list(self.active_illicit.values()):
                legs = v.track.legs
                if (
                    len(legs)
                    and legs[0, 0] <= now <= legs[-1, 1]
                    and v.watchlisted
                    and v.ais_on(now)
                    and not v.spoofed
                    and v.vid not in self.pursued
                ):
                    xy = v.track.position(now)
                    self.log(
                        K.SUSPECT_REPORT,
                        vessel=v.vid,
                        asset="ais",
                        voyage=v.voyage.vid,
                        xy=xy,
                        reason=R.AIS_WATCHLIST,
                    )
                    v.voyage.detected = True
                    self._at(
                        now + co.report_delay_h,
                        self._dispatch,
                        TargetRef(v.vid),
                        xy[0],
                        xy[1],
                        now,
                        _CELL,
                    )

    def _ais_analytics(self) -> ProcessGenerator:
        """Encounter and loitering detectors on the received AIS picture, cueing monitoring_cued aircraft.

        The detectors' criteria (GFW) are applied to what AIS shows: only vessels broadcasting
        are seen; alongside for ``encounter_min_h`` (>= 10 km from shore), or stopped for
        ``loitering_min_h`` (>= 20 nm from shore). Each vessel alerts once per voyage.
        """
        co = self.scenario.coordination
        step_h = co.analytics_interval_h
        alerted: set[str] = set()
        while True:
            yield self.env.timeout(step_h)
            now = self.env.now
            for v in list(self.active_illicit.values()):
                if v.vid in alerted or not v.ais_on(now):
                    continue
                act = v.activity(now)
                if act not in ("wait", "sts"):
                    continue
                since = v.sts_window[0] if act == "sts" else v.wait_from_h
                x, y = v.track.position(now)
                shore_nm = float(self.theater.distance_to_coast_nm_xy(x, y))
                if (
                    act == "sts"
                    and now - since >= co.encounter_min_h
                    and shore_nm >= km_to_nm(co.encounter_min_shore_km)
                ):
                    kind = R.AIS_ENCOUNTER
                elif (
                    now - min(since, v.wait_from_h) >= co.loitering_min_h
                    and shore_nm >= co.loitering_min_shore_nm
                ):
                    kind = R.AIS_LOITERING
                else:
                    continue
                alerted.add(v.vid)
                self.log(
                    K.SUSPECT_REPORT,
                    vessel=v.vid,
                    asset="ais-analytics",
                    voyage=v.voyage.vid,
                    xy=(x, y),
                    reason=kind,
                )
                self._at(now + co.analytics_delay_h, self._cue, TargetRef(v.vid), x, y, now)

    def _cue(self, ref: TargetRef, x: float, y: float, t_seen: float) -> None:
        """An analytics alert reaches operations: a monitoring_cued aircraft goes, and the cell may send a ship."""
        for a in self.assets:
            if (
                a.kind == "aircraft"
                and a.group.strategy.kind == "monitoring_cued"
                and a.state == "base"
            ):
                a.process.interrupt(Dispatch(ref, x, y, t_seen))
                break
        self._dispatch(ref, x, y, t_seen, _CELL)
