"""The cell's AIS monitor: the simulated received AIS feed, read through the GFW detectors.

The monitor never reads a vessel's true position. It turns what vessels transmit (the legs
they have sailed, with their AIS state and broadcast identity) into the *received* feed with
``sim.monitoring.feed`` (shore and satellite reception, position noise, spoofed identities),
keeps the last ``buffer_h`` hours of it, and runs the detectors of
``sim.analysis.detectors`` on that picture:

* the **watch** (``coordination.ais_monitoring``): every ``ais_report_interval_h``, each
  identity received since the last check that is on the watchlist raises an alert at its
  last reported position. A spoofed identity is not on the watchlist and passes unseen.
* the **analytics** (``coordination.ais_analytics``): every ``analytics_interval_h``, the
  encounter, loitering and gap detectors (GFW criteria, thresholds from the scenario).
  A legitimate ship loitering or bunkering far from shore raises the same alert as a
  smuggler: alerts can be wrong.

Alerts are late: the cell sees a report ``ais_latency_h`` after it was sent (satellite
downlink and processing), and an analytics alert only once its criterion has been met
in what was received.

The feed's ``vessel`` column (the true transmitter) never enters a decision: it only labels
the alert for the referee, so that a pursuer's own sensor can later find that hull.

Speed. The feed is received in windows as time advances (one per check), from legs held as
arrays (``sim.monitoring.feed.FeedLegs``), and the picture is kept as arrays
(``sim.monitoring.reports.Reports``): no pandas frame is built per check, only the small
tables handed to a detector. Three rules keep the work in proportion to what can alert:

* Reports of legitimate ships under way at service speed throughout the window are not
  generated unless ``full_feed``: no detector alerts on them (loitering and encounters need
  < 2 kn, a gap needs 12 h of silence far from shore, which a broadcasting ship under
  satellite coverage every 1.5 h does not have, and the watchlist holds designated
  identities only). A test checks that the full feed gives the same alerts.
* Without the analytics, only the watch reads the picture, and no legitimate identity is on
  the watchlist: no legitimate report is made at all. The legitimate ships' reports draw from
  their own stream (``legit_rng``), so the illicit vessels' reports are the same whether they
  are made or not, and however much legitimate traffic there is (common random numbers: a
  bigger fishing fleet does not move a smuggler's reception). Satellite passes are one
  schedule for the run (``sat_phase``), shared by both. Tests check that the watch alone
  gives the same alerts and illicit reports as beside the full feed.
* The analytics run a detector only when a cheap necessary condition holds (an identity slow
  for the shortest alert duration, two such within 1 km, a silence of ``min_gap_h``), found
  with numpy over the picture (``sim.monitoring.reports.ByIdentity``; the distance to shore of
  each slow report is taken once, when it is received), and not again on a run it has already
  alerted. The detectors are told how far each identity has been alerted (``ends_after``) and
  leave out the events that end by then: raising one again would neither alert nor move the
  bound, so a run that is over but still in the picture is not rebuilt every hour.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd
import simpy

from sim.analysis.detectors import detect_encounters, detect_gaps, detect_loitering
from sim.model.classifier import STOPPED_KN
from sim.model.kinds import ProcessGenerator
from sim.model.motion import Track
from sim.model.records import Reason as R
from sim.monitoring.feed import FeedConfig, FeedLegs, receive
from sim.monitoring.reports import ByIdentity, Reports
from sim.scenarios.cell_schema import Coordination
from sim.units import NM_M

__all__ = ["AisAlert", "LegitFeed", "Transmitter", "AisMonitor", "MONITOR_FEED"]

MONITOR_FEED = FeedConfig(report_interval_underway_s=300.0)
"""Reporting and reception of the monitor's feed: ``FeedConfig`` defaults (domain §6), with
one report every 5 min under way instead of 1 min (assumption: every detector threshold is
hours, so the rate under way only thins the picture; the anchor rate, 3 min, is Class A's)."""

_SLOW_KN = STOPPED_KN
"""Speed below which a report counts as slow (GFW loitering and encounters, domain §7): the
speed under which a radar track shows a contact stopped, too."""
_MOVING_KN = 4.0
"""Legitimate legs at or above this speed cannot take part in an alert (the encounter
detector's own prefilter speed), so their reports may be skipped."""
_NEAR_M = 1000.0
"""Two slow identities this close at their last reports may be in an encounter (twice the
GFW 500 m criterion): the condition for running the encounter detector."""
_BUFFER_H = 72.0
"""Hours of received feed the monitor keeps (assumption: covers a 12 h gap after the GFW
48 h prior window; longer runs are seen cut at the buffer's start)."""


@dataclass(frozen=True)
class AisAlert:
    """One alert of the AIS monitor, as the cell receives it.

    Attributes:
        t_seen_h: time of the last report it rests on (the datum's time), hours.
        reason: ``Reason.AIS_WATCHLIST``, ``AIS_ENCOUNTER``, ``AIS_LOITERING`` or ``AIS_GAP``.
        source: "ais" (the watch) or "ais-analytics".
        identity: the identity as broadcast.
        vessel: the transmitting hull (referee's label; not used in decisions).
        x_m, y_m: the reported position, theater metres.
    """

    t_seen_h: float
    reason: str
    source: str
    identity: str
    vessel: str
    x_m: float
    y_m: float


class _Geography(Protocol):
    ports: pd.DataFrame

    def to_xy(self, lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]: ...

    def to_lonlat(self, x_m: Any, y_m: Any) -> tuple[np.ndarray, np.ndarray]: ...

    def distance_to_coast_nm_xy(self, x_m: Any, y_m: Any) -> Any: ...

    def distance_to_coast_nm(self, lon: Any, lat: Any) -> Any: ...


class Transmitter(Protocol):
    """An illicit vessel as the feed sees it (``sim.model.smugglers.IllicitVessel``)."""

    vid: str
    spoofed: bool
    active: bool
    track: Track

    def ais_on(self, t_h: float) -> bool:
        """Whether the transponder broadcasts at ``t_h``."""
        ...


class LegitFeed(Protocol):
    """What the monitor needs of legitimate traffic (``sim.model.traffic.LegitTraffic``)."""

    legit_legs: np.ndarray
    legit_ids: np.ndarray
    legit_dark: np.ndarray

    @property
    def legit_max_dur_h(self) -> float:
        """The longest leg, hours (a leg that started this long before a window may be live)."""
        ...


def _feed_legs(cols: tuple[np.ndarray, ...], on: np.ndarray) -> FeedLegs:
    """The legs ``(t0, t1, x0, y0, x1, y1, identity, vessel)`` that broadcast and last."""
    on = on & (cols[1] > cols[0])
    t0, t1, x0, y0, x1, y1, identity, vessel = (c[on] for c in cols)
    return FeedLegs.from_arrays(t0, t1, (x0, y0), (x1, y1), identity, vessel)


def _legit_cols(
    w: LegitFeed, t0_h: float, t1_h: float, vessels: np.ndarray | None
) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Legitimate legs sailed within ``[t0_h, t1_h]``, clipped to it, and whether AIS is on.

    ``vessels``: only these vessel indices (None: all).
    """
    legs = w.legit_legs
    lo = int(np.searchsorted(legs[:, 0], t0_h - w.legit_max_dur_h, side="left"))
    hi = int(np.searchsorted(legs[:, 0], t1_h, side="right"))
    sel = np.arange(lo, hi)
    sel = sel[(legs[sel, 1] > t0_h) & (legs[sel, 0] < t1_h)]
    if vessels is not None:
        sel = sel[np.isin(w.legit_ids[sel], vessels)]
    g, vid = legs[sel], w.legit_ids[sel]
    a = np.maximum(g[:, 0], t0_h)
    b = np.minimum(g[:, 1], t1_h)
    x0 = g[:, 2] + g[:, 4] * (a - g[:, 0])
    y0 = g[:, 3] + g[:, 5] * (a - g[:, 0])
    names = np.array([f"L{i}" for i in vid.tolist()], dtype=object)
    cols = (a, b, x0, y0, x0 + g[:, 4] * (b - a), y0 + g[:, 5] * (b - a), names, names)
    return cols, ~w.legit_dark[vid]


def _illicit_rows(v: Transmitter, legs: np.ndarray, t0_h: float, t1_h: float) -> list[tuple]:
    """``(t0, t1, x0, y0, x1, y1, identity, vessel, ais_on)`` of ``legs`` within the window."""
    rows = []
    for lt0, lt1, x0, y0, vx, vy in legs.tolist():
        a, b = max(lt0, t0_h), min(lt1, t1_h)
        if b <= a:
            continue
        ais = v.ais_on((a + b) / 2)
        ident = ("S" + v.vid if v.spoofed else v.vid) if ais else ""
        rows.append(
            (
                a,
                b,
                x0 + vx * (a - lt0),
                y0 + vy * (a - lt0),
                x0 + vx * (b - lt0),
                y0 + vy * (b - lt0),
                ident,
                v.vid,
                ais,
            )
        )
    return rows


@dataclass
class _Sent:
    """An illicit vessel's transmissions not yet turned into received reports."""

    vessel: Transmitter
    fed_until_h: float
    stashed: list[tuple] = field(default_factory=list)


class AisMonitor:
    """The cell's AIS picture and its detectors (one per run).

    Args:
        env: the run's environment.
        theater: the geography (``to_xy``/``to_lonlat``, distances to the coast, ``ports``).
        traffic: the legitimate ships' legs.
        watchlist: designated identities (a spoofed identity is not on it).
        alert: where alerts go (the cell).
        settings: the scenario's coordination settings.
        rng: the monitor's own random stream: the satellite schedule, and the reception,
            report phases and noise of the illicit vessels' reports.
        legit_rng: the stream of the legitimate ships' reports, so that how much legitimate
            traffic there is (and whether its reports are made at all) does not move the
            illicit vessels' draws.
        full_feed: generate every legitimate ship's reports (slow; for tests).
        feed: reporting and reception of the feed (default ``MONITOR_FEED``).
    """

    def __init__(
        self,
        env: simpy.Environment,
        theater: _Geography,
        traffic: LegitFeed,
        watchlist: Container[str],
        alert: Callable[[AisAlert], None],
        settings: Coordination,
        rng: np.random.Generator,
        *,
        legit_rng: np.random.Generator,
        full_feed: bool = False,
        feed: FeedConfig = MONITOR_FEED,
    ) -> None:
        self.env, self.theater, self.traffic = env, theater, traffic
        self.watchlist, self.alert = watchlist, alert
        self.co, self.rng, self.legit_rng = settings, rng, legit_rng
        self.full_feed, self.feed_config = full_feed, feed
        self.sat_phase = rng.uniform(0.0, feed.sat_pass_interval_h)
        """Hours from 0 to a satellite pass: one schedule for the whole run and every vessel."""
        self.reports = Reports.empty()
        self.fed_until_h = 0.0
        self.received = 0
        self._sent: dict[str, _Sent] = {}
        self._watched_until_h = 0.0
        self._analysed_until_h = -math.inf
        self._anchorages: np.ndarray | None = None
        self._alerted_until: dict[tuple[str, str], float] = {}
        legs = traffic.legit_legs
        slow = np.flatnonzero(np.hypot(legs[:, 4], legs[:, 5]) < _MOVING_KN * NM_M)
        self._slow_t0, self._slow_t1 = legs[slow, 0], legs[slow, 1]
        self._slow_ids = traffic.legit_ids[slow]

    # ------------------------------------------------------------------ the feed
    def add_vessel(self, v: Transmitter) -> None:
        """An illicit vessel puts to sea: its transmissions enter the feed from now on.

        Its track's ``on_change`` keeps the sailed part of each plan before it is replaced.
        """
        now = self.env.now
        sent = _Sent(v, now)
        self._sent[v.vid] = sent

        def keep() -> None:
            t = self.env.now
            sent.stashed.extend(_illicit_rows(v, v.track.legs, sent.fed_until_h, t))
            sent.fed_until_h = max(sent.fed_until_h, t)

        v.track.on_change = keep

    def _legit_legs(self, t0_h: float, t1_h: float) -> FeedLegs | None:
        """What legitimate ships that may alert transmitted in ``[t0_h, t1_h]`` (None: none).

        None without the analytics: the watch cannot alert on a legitimate identity, so no
        legitimate report is made (see the module docstring).
        """
        w = self.traffic
        if not (self.co.ais_analytics or self.full_feed) or not len(w.legit_legs):
            return None
        vessels = None
        if not self.full_feed:
            live = (self._slow_t0 < t1_h) & (self._slow_t1 > t0_h - _BUFFER_H)
            vessels = np.unique(self._slow_ids[live])
            if not len(vessels):
                return None
        return _feed_legs(*_legit_cols(w, t0_h, t1_h, vessels))

    def _illicit_legs(self, t1_h: float) -> FeedLegs | None:
        """What the illicit vessels transmitted since they were last fed, up to ``t1_h``."""
        rows: list[tuple] = []
        for vid, sent in list(self._sent.items()):
            rows.extend(sent.stashed)
            sent.stashed = []
            rows.extend(_illicit_rows(sent.vessel, sent.vessel.track.legs, sent.fed_until_h, t1_h))
            sent.fed_until_h = t1_h
            if not sent.vessel.active:
                del self._sent[vid]
        if not rows:
            return None
        *parts, ais = (np.array(c, dtype=object) for c in zip(*rows, strict=True))
        num = tuple(c.astype(float) for c in parts[:6])
        return _feed_legs((*num, parts[6], parts[7]), ais.astype(bool))

    def _receive(self, legs: FeedLegs | None, rng: np.random.Generator) -> Reports:
        """The received reports of ``legs``, on the run's satellite schedule."""
        if legs is None:
            return Reports.empty()
        batches = list(receive(legs, self.theater, rng, self.feed_config, self.sat_phase))
        return Reports.of_batches(legs, batches)

    def feed_to(self, t_h: float) -> None:
        """Receive everything transmitted up to ``t_h`` and drop what is older than the buffer."""
        if t_h <= self.fed_until_h:
            return
        legit = self._legit_legs(self.fed_until_h, t_h)
        illicit = self._illicit_legs(t_h)
        self.fed_until_h = t_h
        new = Reports.merged(self._receive(legit, self.legit_rng), self._receive(illicit, self.rng))
        if self.co.ais_analytics and len(new):
            new = self._mark_far(new)
        old = self.reports
        self.reports = old.take(old.time >= t_h - _BUFFER_H) + new
        self.received += len(new)

    def _mark_far(self, new: Reports) -> Reports:
        """Mark the slow reports far enough offshore for loitering (looked up once each)."""
        slow = new.speed < _SLOW_KN
        far = np.zeros(len(new), dtype=bool)
        if slow.any():
            far[slow] = (
                np.asarray(self.theater.distance_to_coast_nm(new.lon[slow], new.lat[slow]), float)
                >= self.co.loitering_min_shore_nm
            )
        return Reports(
            new.time, new.identity, new.lon, new.lat, new.speed, new.course, new.vessel, far
        )

    def _seen(self, t_h: float) -> Reports:
        """The reports the cell holds at ``t_h`` (sent by ``t_h - ais_latency_h``)."""
        upto = t_h - self.co.ais_latency_h
        self.feed_to(max(upto, 0.0))
        r = self.reports
        return r if not len(r) or r.time.max() <= upto else r.take(r.time <= upto)

    def picture(self, t_h: float) -> pd.DataFrame:
        """The received feed the cell holds at ``t_h``, as a feed table (``FEED_COLUMNS``)."""
        return self._seen(t_h).frame()

    @property
    def buffer(self) -> pd.DataFrame:
        """Every report kept (the last ``_BUFFER_H`` hours received), as a feed table."""
        return self.reports.frame()

    def _anchorages_xy(self) -> np.ndarray:
        """Ports and anchorages of the theater, metres (computed once)."""
        if self._anchorages is None:
            ports = self.theater.ports
            self._anchorages = np.column_stack([ports["x_m"], ports["y_m"]]).astype(float)
        return self._anchorages

    # ------------------------------------------------------------------ alerts
    def _alert(self, reason: str, source: str, r: Reports, i: int) -> None:
        """Alert on report ``i`` of ``r``: its identity, at its reported position and time."""
        x, y = self.theater.to_xy(np.array([r.lon[i]]), np.array([r.lat[i]]))
        self.alert(
            AisAlert(
                float(r.time[i]),
                reason,
                source,
                str(r.identity[i]),
                str(r.vessel[i]),
                float(x[0]),
                float(y[0]),
            )
        )

    def watch_once(self, now_h: float) -> None:
        """Alert on every watchlisted identity received since the last check.

        One alert per identity, at its last report; alerts in the order of those reports.
        """
        pic = self._seen(now_h)
        new = pic.take(pic.time > self._watched_until_h)
        self._watched_until_h = now_h - self.co.ais_latency_h
        if not len(new):
            return
        names, inv = np.unique(new.identity, return_inverse=True)
        wl = self.watchlist
        listed = np.array([name in wl for name in names.tolist()], dtype=bool)
        if not listed.any():
            return
        last = np.full(len(names), -1)
        np.maximum.at(last, inv, np.arange(len(new)))
        for i in np.sort(last[listed]).tolist():
            self._alert(R.AIS_WATCHLIST, "ais", new, i)

    def watch(self) -> ProcessGenerator:
        """The watch process: check the picture for designated identities at a fixed interval."""
        while True:
            yield self.env.timeout(self.co.ais_report_interval_h)
            self.watch_once(self.env.now)

    def analytics(self) -> ProcessGenerator:
        """The analytics process: run the detectors over the picture at a fixed interval."""
        while True:
            yield self.env.timeout(self.co.analytics_interval_h)
            self.analyse_once(self.env.now)

    def _fresh(self, kind: str, identity: str, start: float, end: float) -> bool:
        """Whether a detected event is new (not the continuation of one already alerted)."""
        key = (kind, identity)
        last = self._alerted_until.get(key, -math.inf)
        self._alerted_until[key] = max(last, end)
        return start > last

    def _still_alerted(self, kind: str, ident: str, t: np.ndarray, slow: np.ndarray) -> bool:
        """The identity's run alerted before goes on: slow ever since, no fast report between."""
        last = self._alerted_until.get((kind, ident), -math.inf)
        after = t > last
        return bool(last > -math.inf and after.any() and slow[after].all())

    def analyse_once(self, now_h: float) -> None:
        """Run the loitering, encounter and gap detectors where their conditions may hold."""
        pic = self._seen(now_h)
        if not len(pic):
            return
        co = self.co
        by = ByIdentity(pic, _SLOW_KN)
        loiter = [
            k
            for k in by.slow_for(co.loitering_min_h, far=True)
            if not self._still_alerted(R.AIS_LOITERING, *by.run(k))
            and by.t_last[k]
            > self._alerted_until.get((R.AIS_LOITERING, str(by.names[k])), -math.inf)
        ]
        meet = [
            k
            for k in by.slow_for(co.encounter_min_h, far=False)
            if not self._still_alerted(R.AIS_ENCOUNTER, *by.run(k))
        ]
        if loiter:
            ev = detect_loitering(
                by.prepared(loiter),
                distance_to_shore_nm=self.theater.distance_to_coast_nm,
                min_duration_h=co.loitering_min_h,
                min_shore_nm=co.loitering_min_shore_nm,
                ends_after=self._seen_until(R.AIS_LOITERING, by, loiter),
            )
            self._raise(ev, R.AIS_LOITERING, by)
        last_xy = {str(by.names[k]): by.last_slow_lonlat(k) for k in meet}
        pairs = _near_pairs(last_xy, self.theater, self._anchorages_xy(), co.encounter_min_shore_km)
        if pairs:
            met = by.codes(sorted({i for p in pairs for i in p}))
            ev = detect_encounters(
                by.prepared(met),
                anchorages=self.theater.ports,
                min_duration_h=co.encounter_min_h,
                min_anchorage_km=co.encounter_min_shore_km,
                ends_after=self._seen_until(R.AIS_ENCOUNTER, by, met),
            )
            for side in ("identity_a", "identity_b"):
                self._raise(ev, R.AIS_ENCOUNTER, by, side)
        gaps = by.silences(co.gap_min_h, self._analysed_until_h)
        self._analysed_until_h = now_h - co.ais_latency_h
        if gaps:
            ev = detect_gaps(
                by.prepared(gaps),
                distance_to_shore_nm=self.theater.distance_to_coast_nm,
                min_gap_h=co.gap_min_h,
                min_shore_nm=co.gap_min_shore_nm,
            )
            self._raise(ev, R.AIS_GAP, by)

    def _seen_until(self, kind: str, by: ByIdentity, codes: list[int]) -> dict[str, float]:
        """How far each identity's ``kind`` events have been alerted (the detectors' bound).

        An event ending by then was raised before, or continues one that was: raising it
        again would neither alert nor move the bound, so the detector need not build it.
        """
        out = {}
        for k in codes:
            name = str(by.names[k])
            if (kind, name) in self._alerted_until:
                out[name] = self._alerted_until[(kind, name)]
        return out

    def _raise(
        self, events: pd.DataFrame, kind: str, by: ByIdentity, side: str = "identity"
    ) -> None:
        """Alert on the new events, at each identity's last received position.

        ``side``: the column naming the identity (an encounter is raised for each of its two).
        """
        if not len(events):
            return
        for ident, start, end in zip(
            events[side].tolist(), events["start"].tolist(), events["end"].tolist(), strict=True
        ):
            if self._fresh(kind, str(ident), float(start), float(end)):
                self._alert(kind, "ais-analytics", by.pic, by.last_report(str(ident)))


def _near_pairs(
    last_xy: dict[str, tuple[float, float]],
    theater: _Geography,
    anchorages_xy: np.ndarray,
    min_anchorage_km: float,
) -> list[tuple[str, str]]:
    """Pairs of identities whose last slow reports lie within ``_NEAR_M`` of each other.

    Reports within ``min_anchorage_km`` of an anchorage are left out, as the encounter
    detector leaves them out (ships at anchor off a port are not meeting).
    """
    names = sorted(last_xy)
    if len(names) < 2:
        return []
    lon = np.array([last_xy[n][0] for n in names])
    lat = np.array([last_xy[n][1] for n in names])
    x, y = theater.to_xy(lon, lat)
    if len(anchorages_xy):
        da = np.hypot(
            x[:, None] - anchorages_xy[None, :, 0], y[:, None] - anchorages_xy[None, :, 1]
        )
        off = da.min(axis=1) >= min_anchorage_km * 1000.0
        names = [n for n, o in zip(names, off.tolist(), strict=True) if o]
        x, y = x[off], y[off]
    d = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    i, j = np.nonzero(np.triu(d <= _NEAR_M, 1))
    return [(names[a], names[b]) for a, b in zip(i.tolist(), j.tolist(), strict=True)]
