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

Speed. Reports of legitimate ships under way at service speed throughout the window are
not generated unless ``full_feed``: no detector alerts on them (loitering and encounters
need < 2 kn, a gap needs 12 h of silence far from shore, which a broadcasting ship under
satellite coverage every 1.5 h does not have, and the watchlist holds designated identities
only). A test checks that the full feed gives the same alerts. The feed is generated in
windows as time advances; the analytics run a detector only when a cheap necessary
condition holds (an identity slow for the shortest alert duration, two such within 1 km,
a silence of ``min_gap_h``), and not again on a run it has already alerted.
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
from sim.model.kinds import ProcessGenerator
from sim.model.records import Reason as R
from sim.monitoring.feed import FEED_COLUMNS, TRACK_COLUMNS, FeedConfig, simulate_feed
from sim.units import NM_M

__all__ = ["AisAlert", "LegitFeed", "AisMonitor", "MONITOR_FEED", "legit_window"]

MONITOR_FEED = FeedConfig(report_interval_underway_s=300.0)
"""Reporting and reception of the monitor's feed: ``FeedConfig`` defaults (domain §6), with
one report every 5 min under way instead of 1 min (assumption: every detector threshold is
hours, so the rate under way only thins the picture; the anchor rate, 3 min, is Class A's)."""

_SLOW_KN = 2.0
"""Speed below which a report counts as slow (GFW loitering and encounters, domain §7)."""
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


class _Transmitter(Protocol):
    """An illicit vessel as the feed sees it (``sim.model.smugglers.IllicitVessel``)."""

    @property
    def vid(self) -> str:
        """``vid`` of the object passed in."""
        ...

    @property
    def dprk(self) -> bool:
        """``dprk`` of the object passed in."""
        ...

    @property
    def spoofed(self) -> bool:
        """``spoofed`` of the object passed in."""
        ...

    @property
    def active(self) -> bool:
        """``active`` of the object passed in."""
        ...

    @property
    def track(self) -> Any:
        """``track`` of the object passed in."""
        ...

    def ais_on(self, t_h: float) -> bool: ...

    def activity(self, t_h: float) -> str: ...


class _Settings(Protocol):
    """What the monitor needs from ``sim.scenarios.cell_schema.Coordination``."""

    @property
    def ais_report_interval_h(self) -> float:
        """``ais_report_interval_h`` of the object passed in."""
        ...

    @property
    def analytics_interval_h(self) -> float:
        """``analytics_interval_h`` of the object passed in."""
        ...

    @property
    def ais_latency_h(self) -> float:
        """``ais_latency_h`` of the object passed in."""
        ...

    @property
    def encounter_min_h(self) -> float:
        """``encounter_min_h`` of the object passed in."""
        ...

    @property
    def encounter_min_shore_km(self) -> float:
        """``encounter_min_shore_km`` of the object passed in."""
        ...

    @property
    def loitering_min_h(self) -> float:
        """``loitering_min_h`` of the object passed in."""
        ...

    @property
    def loitering_min_shore_nm(self) -> float:
        """``loitering_min_shore_nm`` of the object passed in."""
        ...

    @property
    def gap_min_h(self) -> float:
        """``gap_min_h`` of the object passed in."""
        ...

    @property
    def gap_min_shore_nm(self) -> float:
        """``gap_min_shore_nm`` of the object passed in."""
        ...


class LegitFeed(Protocol):
    """What the monitor needs of legitimate traffic (``sim.model.traffic.LegitTraffic``)."""

    legit_legs: np.ndarray
    legit_ids: np.ndarray
    legit_dark: np.ndarray
    legit_max_dur_h: float


def legit_window(
    legs: np.ndarray,
    ids: np.ndarray,
    dark: np.ndarray,
    max_dur_h: float,
    t0_h: float,
    t1_h: float,
    vessels: np.ndarray | None = None,
) -> pd.DataFrame:
    """Legitimate legs sailed within ``[t0_h, t1_h]`` as a tracks table (``TRACK_COLUMNS``).

    Args:
        legs: ``(t0, t1, x0, y0, vx, vy)`` rows sorted by start (the model's legitimate legs).
        ids: vessel index of each leg.
        dark: whether each vessel sails with AIS off.
        max_dur_h: longest leg (legs starting this long before ``t0_h`` may still be live).
        t0_h: start of the window, hours.
        t1_h: end of the window, hours.
        vessels: only these vessel indices (None: all).
    """
    lo = int(np.searchsorted(legs[:, 0], t0_h - max_dur_h, side="left"))
    hi = int(np.searchsorted(legs[:, 0], t1_h, side="right"))
    sel = np.arange(lo, hi)
    sel = sel[(legs[sel, 1] > t0_h) & (legs[sel, 0] < t1_h)]
    if vessels is not None:
        sel = sel[np.isin(ids[sel], vessels)]
    g, vid = legs[sel], ids[sel]
    a = np.maximum(g[:, 0], t0_h)
    b = np.minimum(g[:, 1], t1_h)
    x0 = g[:, 2] + g[:, 4] * (a - g[:, 0])
    y0 = g[:, 3] + g[:, 5] * (a - g[:, 0])
    names = np.array([f"L{i}" for i in vid.tolist()], dtype=object)
    on = ~dark[vid]
    slow = np.hypot(g[:, 4], g[:, 5]) < _SLOW_KN * NM_M
    return pd.DataFrame(
        {
            "vessel": names,
            "role": "legit",
            "t0_h": a,
            "t1_h": b,
            "x0_m": x0,
            "y0_m": y0,
            "x1_m": x0 + g[:, 4] * (b - a),
            "y1_m": y0 + g[:, 5] * (b - a),
            "ais_on": on,
            "identity": np.where(on, names, ""),
            "activity": np.where(slow, "wait", "transit"),
        },
        columns=list(TRACK_COLUMNS),
    )


def _illicit_rows(v: _Transmitter, legs: np.ndarray, t0_h: float, t1_h: float) -> list[tuple]:
    """Rows of the tracks table for the part of ``legs`` within ``[t0_h, t1_h]``."""
    rows = []
    for lt0, lt1, x0, y0, vx, vy in legs.tolist():
        a, b = max(lt0, t0_h), min(lt1, t1_h)
        if b <= a:
            continue
        mid = (a + b) / 2
        ais = v.ais_on(mid)
        ident = ("S" + v.vid if v.spoofed else v.vid) if ais else ""
        rows.append(
            (
                v.vid,
                "dprk" if v.dprk else "foreign",
                a,
                b,
                x0 + vx * (a - lt0),
                y0 + vy * (a - lt0),
                x0 + vx * (b - lt0),
                y0 + vy * (b - lt0),
                ais,
                ident,
                v.activity(mid),
            )
        )
    return rows


@dataclass
class _Sent:
    """An illicit vessel's transmissions not yet turned into received reports."""

    vessel: _Transmitter
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
        rng: the monitor's own random stream (reception, phases, noise).
        full_feed: generate every legitimate ship's reports (slow; for tests).
        feed: reporting and reception of the feed (default ``MONITOR_FEED``).
    """

    def __init__(
        self,
        env: simpy.Environment,
        theater: Any,
        traffic: LegitFeed,
        watchlist: Container[str],
        alert: Callable[[AisAlert], None],
        settings: _Settings,
        rng: np.random.Generator,
        *,
        full_feed: bool = False,
        feed: FeedConfig = MONITOR_FEED,
    ) -> None:
        self.env, self.theater, self.traffic = env, theater, traffic
        self.watchlist, self.alert = watchlist, alert
        self.co, self.rng = settings, rng
        self.full_feed, self.feed_config = full_feed, feed
        self.buffer = pd.DataFrame({c: pd.Series(dtype=float) for c in FEED_COLUMNS})
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
    def add_vessel(self, v: _Transmitter) -> None:
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

    def _tracks(self, t0_h: float, t1_h: float) -> pd.DataFrame:
        """What every vessel transmitted in ``[t0_h, t1_h]`` (the tracks contract)."""
        w = self.traffic
        vessels = None
        if not self.full_feed:
            live = (self._slow_t0 < t1_h) & (self._slow_t1 > t0_h - _BUFFER_H)
            vessels = np.unique(self._slow_ids[live])
        parts = []
        if len(w.legit_legs) and (vessels is None or len(vessels)):
            parts.append(
                legit_window(
                    w.legit_legs, w.legit_ids, w.legit_dark, w.legit_max_dur_h, t0_h, t1_h, vessels
                )
            )
        rows: list[tuple] = []
        for vid, sent in list(self._sent.items()):
            rows.extend(sent.stashed)
            sent.stashed = []
            rows.extend(_illicit_rows(sent.vessel, sent.vessel.track.legs, sent.fed_until_h, t1_h))
            sent.fed_until_h = t1_h
            if not sent.vessel.active:
                del self._sent[vid]
        if rows:
            parts.append(pd.DataFrame(rows, columns=list(TRACK_COLUMNS)))
        if not parts:
            return pd.DataFrame(columns=list(TRACK_COLUMNS))
        return pd.concat(parts, ignore_index=True)

    def feed_to(self, t_h: float) -> None:
        """Receive everything transmitted up to ``t_h`` and drop what is older than the buffer."""
        if t_h <= self.fed_until_h:
            return
        tracks = self._tracks(self.fed_until_h, t_h)
        self.fed_until_h = t_h
        new = (
            simulate_feed(tracks, self.theater, self.rng, self.feed_config) if len(tracks) else None
        )
        keep = self.buffer[self.buffer["time"] >= t_h - _BUFFER_H]
        if new is not None and len(new):
            self.received += len(new)
            keep = pd.concat([keep, new], ignore_index=True) if len(keep) else new
        self.buffer = keep.reset_index(drop=True)

    def picture(self, t_h: float) -> pd.DataFrame:
        """The received feed the cell holds at ``t_h`` (reports sent by ``t_h - ais_latency_h``)."""
        upto = t_h - self.co.ais_latency_h
        self.feed_to(max(upto, 0.0))
        return self.buffer[self.buffer["time"] <= upto]

    def _anchorages_xy(self) -> np.ndarray:
        """Ports and anchorages of the theater, metres (computed once)."""
        if self._anchorages is None:
            ports = self.theater.ports
            self._anchorages = np.column_stack([ports["x_m"], ports["y_m"]]).astype(float)
        return self._anchorages

    # ------------------------------------------------------------------ alerts
    def _alert(self, t_h: float, reason: str, source: str, row: Any) -> None:
        x, y = self.theater.to_xy(np.array([row.lon]), np.array([row.lat]))
        self.alert(
            AisAlert(
                t_h, reason, source, str(row.identity), str(row.vessel), float(x[0]), float(y[0])
            )
        )

    def watch_once(self, now_h: float) -> None:
        """Alert on every watchlisted identity received since the last check."""
        pic = self.picture(now_h)
        new = pic[pic["time"] > self._watched_until_h]
        self._watched_until_h = now_h - self.co.ais_latency_h
        if not len(new):
            return
        wl = self.watchlist
        hit = new[[ident in wl for ident in new["identity"].tolist()]]
        for row in hit.groupby("identity", sort=True).tail(1).itertuples():
            self._alert(float(row.time), R.AIS_WATCHLIST, "ais", row)

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
        pic = self.picture(now_h)
        if not len(pic):
            return
        co, theater = self.co, self.theater
        ident = pic["identity"].to_numpy()
        t = pic["time"].to_numpy()
        slow = pic["speed"].to_numpy() < _SLOW_KN
        far = np.zeros(len(pic), dtype=bool)
        if slow.any():
            far[slow] = (
                np.asarray(
                    theater.distance_to_coast_nm(
                        pic["lon"].to_numpy()[slow], pic["lat"].to_numpy()[slow]
                    ),
                    float,
                )
                >= co.loitering_min_shore_nm
            )
        loiter_ids, meet_ids = [], []
        last_xy: dict[str, tuple[float, float]] = {}
        for name, idx in pd.Series(np.arange(len(pic))).groupby(ident, sort=True):
            rows = idx.to_numpy()
            ts, sl = t[rows], slow[rows]
            if not sl.any():
                continue
            span = ts[sl].max() - ts[sl].min()
            if (
                span >= co.loitering_min_h
                and far[rows][sl].any()  # else the run's mean distance to shore is too small
                and not self._still_alerted(R.AIS_LOITERING, name, ts, sl)
            ):
                loiter_ids.append(name)
            if span >= co.encounter_min_h and not self._still_alerted(
                R.AIS_ENCOUNTER, name, ts, sl
            ):
                meet_ids.append(name)
                j = rows[sl][-1]
                last_xy[name] = (float(pic["lon"].iat[j]), float(pic["lat"].iat[j]))
        if loiter_ids:
            sub = pic[pic["identity"].isin(loiter_ids)]
            ev = detect_loitering(
                sub,
                distance_to_shore_nm=theater.distance_to_coast_nm,
                min_duration_h=co.loitering_min_h,
                min_shore_nm=co.loitering_min_shore_nm,
            )
            self._raise(ev, R.AIS_LOITERING, sub, now_h)
        pairs = _near_pairs(last_xy, theater, self._anchorages_xy(), co.encounter_min_shore_km)
        if pairs:
            sub = pic[pic["identity"].isin(sorted({i for p in pairs for i in p}))]
            ev = detect_encounters(
                sub,
                anchorages=theater.ports,
                min_duration_h=co.encounter_min_h,
                min_anchorage_km=co.encounter_min_shore_km,
            )
            for side in ("identity_a", "identity_b"):
                self._raise(ev.rename(columns={side: "identity"}), R.AIS_ENCOUNTER, sub, now_h)
        gap_ids = _silences(ident, t, co.gap_min_h, self._analysed_until_h)
        self._analysed_until_h = now_h - co.ais_latency_h
        if gap_ids:
            sub = pic[pic["identity"].isin(gap_ids)]
            ev = detect_gaps(
                sub,
                distance_to_shore_nm=theater.distance_to_coast_nm,
                min_gap_h=co.gap_min_h,
                min_shore_nm=co.gap_min_shore_nm,
            )
            self._raise(ev, R.AIS_GAP, sub, now_h)

    def _raise(self, events: pd.DataFrame, kind: str, sub: pd.DataFrame, now_h: float) -> None:
        """Alert on the new events, at each identity's last received position."""
        for e in events.itertuples():
            ident = str(e.identity)
            if not self._fresh(kind, ident, float(e.start), float(e.end)):
                continue
            last = sub[sub["identity"] == ident].iloc[-1]
            self._alert(float(last["time"]), kind, "ais-analytics", last)


def _near_pairs(
    last_xy: dict[str, tuple[float, float]],
    theater: Any,
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


def _silences(ident: np.ndarray, t: np.ndarray, min_gap_h: float, since_h: float) -> list[str]:
    """Identities heard again after ``since_h`` following a silence of at least ``min_gap_h``."""
    order = np.lexsort((t, ident))
    i, tt = ident[order], t[order]
    same = i[1:] == i[:-1]
    gap = same & (np.diff(tt) >= min_gap_h) & (tt[1:] > since_h)
    return sorted(set(i[1:][gap].tolist()))
