"""The coordination cell: suspect reports, dispatch, cueing, and its own AIS watch.

A suspect report from an asset either lets that asset (a warship on patrol) take the suspect
itself, or reaches the cell after the report delay; the cell then sends the nearest free
warship that can reach the datum while it is fresh, and a cued aircraft to help localise.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Protocol

from sim.model import enforcement
from sim.model.ais_monitor import AisAlert, AisMonitor, LegitFeed
from sim.model.assets import Acquired, Asset, Dispatch
from sim.model.classifier import Assessment, DesignatedIds
from sim.model.context import RunContext
from sim.model.illicit import IllicitVessel
from sim.model.kinds import ProcessGenerator, TargetRef, Tasking
from sim.model.records import EventKind as K
from sim.model.records import Reason as R
from sim.units import NM_M

__all__ = ["Cell", "Picture", "Watched"]

_CELL = "CELL"  # reports from the cell's own AIS watch may task any nation's assets


class Picture(Protocol):
    """What the cell asks of the referee: where its own assets are.

    Not whether a suspect is still at sea: the cell acts on reports, and a pursuer finds
    out through its own sensor.
    """

    def asset_pos(self, a: Asset) -> tuple[float, float]:
        """Position of an own asset now."""
        ...


class Watched(Protocol):
    """The register of illicit vessels, as the cell uses it.

    For the reports' voyage column, the watchlist of designated identities, and the feed of
    new vessels' transmissions to the AIS monitor.
    """

    illicit: dict[str, IllicitVessel]
    active_illicit: dict[str, IllicitVessel]
    on_add: list[Callable[[IllicitVessel], None]]


class Cell:
    """The coordination cell of one run.

    Args:
        ctx: the run context.
        picture: positions of own assets.
        vessels: the illicit vessels.
        assets: every patrol asset of the run.
        tasking: who is pursued and who is left alone (shared with the patrols).
        traffic: legitimate ships' legs, for the AIS monitor's feed.
    """

    def __init__(
        self,
        ctx: RunContext,
        picture: Picture,
        vessels: Watched,
        assets: list[Asset],
        tasking: Tasking,
        traffic: LegitFeed,
    ) -> None:
        self.env = ctx.env
        self.scenario = ctx.scenario
        self.theater = ctx.theater
        self.log = ctx.log
        self._at = ctx.at
        self.asset_pos = picture.asset_pos
        self.vessels = vessels
        self.illicit = vessels.illicit
        self.active_illicit = vessels.active_illicit
        self.assets = assets
        self.pursued = tasking.pursued
        self.hands_off = tasking.hands_off
        self.reported_vessels = tasking.reported
        self._reported: dict[tuple[str, str], float] = {}
        self.watchlist = DesignatedIds(vessels.illicit)
        co = self.scenario.coordination
        self.ais_monitor = (
            AisMonitor(
                self.env,
                self.theater,
                traffic,
                self.watchlist,
                self.ais_alert,
                co,
                ctx.streams.get("ais/feed"),
                legit_rng=ctx.streams.get("ais/feed/legit"),
            )
            if co.ais_monitoring or co.ais_analytics
            else None
        )

    def start(self) -> None:
        """Start the cell's AIS watch and analytics, when the scenario has them."""
        if self.ais_monitor is not None:
            self.vessels.on_add.append(self.ais_monitor.add_vessel)
        if self.scenario.coordination.ais_monitoring:
            self.env.process(self._ais_watch())
        if self.scenario.coordination.ais_analytics:
            self.env.process(self._ais_analytics())

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
        """A suspect report from asset ``a``: the asset takes it itself, or the cell decides.

        ``xy`` is the position the sensor reported (the referee's estimate, not the truth) and
        ``err_m`` its error, standard deviation per axis in metres: the datum a pursuer is sent
        to, and what widens its search. ``assessment`` is the contact's classification and
        identity, logged with the report.
        """
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
            classification=assessment.classification.value if assessment is not None else "",
            classification_p=assessment.classification_p if assessment is not None else math.nan,
            identity=assessment.identity if assessment is not None else "",
            identity_source=assessment.identity_source if assessment is not None else "",
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
            err_m,
        )

    def _dispatch(
        self, ref: TargetRef, x: float, y: float, t_seen: float, nation: str, err_m: float
    ) -> None:
        """The cell (or, without a shared picture, the reporting nation) sends a warship.

        It is the free warship on patrol that reaches the datum first, among those that reach
        it before it is ``max_datum_age_h`` old.

        The cell acts on the report alone: whether the suspect is still at sea is for the
        pursuer's own sensor to find out (it falls back to a datum search, and gives up by
        the declared rule). ``err_m`` travels with the datum to the pursuer's search.
        """
        if ref.vid in self.pursued or self.env.now < self.hands_off.get(ref.vid, -1.0):
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
        best.process.interrupt(Dispatch(ref, x, y, t_seen, err_m))
        # cued aircraft of the same picture help localise
        for a in self.assets:
            if (
                a.kind == "aircraft"
                and a.group.strategy.kind == "cued"
                and a.state == "base"
                and (shared or a.group.nation == nation)
            ):
                a.process.interrupt(Dispatch(ref, x, y, t_seen, err_m))
                break

    def _ais_watch(self) -> ProcessGenerator:
        """The cell's AIS watch (``sim.model.ais_monitor``): designated identities in the feed."""
        assert self.ais_monitor is not None
        yield from self.ais_monitor.watch()

    def _ais_analytics(self) -> ProcessGenerator:
        """Encounter, loitering and gap detectors on the received AIS feed of all vessels."""
        assert self.ais_monitor is not None
        yield from self.ais_monitor.analytics()

    def ais_alert(self, alert: AisAlert) -> None:
        """An AIS alert reaches the cell: report it, then dispatch (watch) or cue (analytics).

        The alert may be a legitimate ship (a false alarm) or the hull behind a spoofed
        identity; the cell acts on the reported identity and position only (``alert.vessel``
        labels the hull for the referee and the tables). The position is the received AIS
        report's, whose error is the feed's GNSS noise (``FeedConfig.position_noise_m``).
        """
        co = self.scenario.coordination
        assert self.ais_monitor is not None
        err_m = self.ais_monitor.feed_config.position_noise_m
        v = self.illicit.get(alert.vessel)
        ref = TargetRef(alert.vessel, -1 if v is not None else int(alert.vessel[1:]))
        watch = alert.reason == R.AIS_WATCHLIST
        if watch and ref.vid in self.pursued:
            return
        if v is not None:
            v.voyage.detected = True
        xy = (alert.x_m, alert.y_m)
        self.log(
            K.SUSPECT_REPORT,
            vessel=alert.vessel,
            asset=alert.source,
            voyage=v.voyage.vid if v is not None else -1,
            xy=xy,
            reason=alert.reason,
            identity=alert.identity,  # an AIS alert: the identity as broadcast, no classification
            identity_source="ais" if alert.identity else "",
        )
        now = self.env.now
        if watch:
            self._at(
                now + co.report_delay_h, self._dispatch, ref, *xy, alert.t_seen_h, _CELL, err_m
            )
        else:
            self._at(now + co.analytics_delay_h, self._cue, ref, *xy, alert.t_seen_h, err_m)

    def _cue(self, ref: TargetRef, x: float, y: float, t_seen: float, err_m: float) -> None:
        """An analytics alert reaches operations: a cued aircraft goes, the cell may send a ship.

        The aircraft is the first ``monitoring_cued`` aircraft still at base.
        """
        for a in self.assets:
            if (
                a.kind == "aircraft"
                and a.group.strategy.kind == "monitoring_cued"
                and a.state == "base"
            ):
                a.process.interrupt(Dispatch(ref, x, y, t_seen, err_m))
                break
        self._dispatch(ref, x, y, t_seen, _CELL, err_m)
