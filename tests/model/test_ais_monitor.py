"""The cell's AIS monitor reads the received feed of all vessels; its alerts can be wrong or late.

Each test builds a small world by hand (a SimPy environment, a flat sea east of a straight
coast, legitimate legs and illicit transmitters), runs the monitor's processes, and reads
the alerts it raised, as the cell would receive them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import simpy

from sim.model.ais_monitor import MONITOR_FEED, AisAlert, AisMonitor
from sim.model.kinds import ProcessGenerator
from sim.model.motion import Track
from sim.model.records import Reason as R
from sim.monitoring.feed import TRACK_COLUMNS, simulate_feed
from sim.monitoring.synthetic import FlatGeography
from sim.scenarios.cell_schema import Coordination
from sim.units import NM_M

KN = NM_M  # metres per hour per knot


class Sea(FlatGeography):
    """The flat sea with one port far up the coast (the encounter detector's anchorages)."""

    ports = pd.DataFrame(
        {"name": ["Port"], "lon": [0.0], "lat": [10.0], "x_m": [0.0], "y_m": [1.1e6]}
    )


@dataclass
class World:
    """The parts of the model the monitor sees: legitimate traffic, the watchlist, the cell."""

    legit_legs: np.ndarray
    legit_ids: np.ndarray
    legit_dark: np.ndarray
    watchlist: set[str] = field(default_factory=set)
    env: simpy.Environment = field(default_factory=simpy.Environment)
    theater: Any = field(default_factory=Sea)
    alerts: list[tuple[float, AisAlert]] = field(default_factory=list)

    @property
    def legit_max_dur_h(self) -> float:
        """The longest legitimate leg, hours."""
        return float(np.max(self.legit_legs[:, 1] - self.legit_legs[:, 0], initial=0.0))

    def ais_alert(self, alert: AisAlert) -> None:
        """The cell receives an alert."""
        self.alerts.append((self.env.now, alert))


@dataclass(eq=False)
class Smuggler:
    """An illicit transmitter: AIS always on, maybe a spoofed identity."""

    vid: str
    spoofed: bool = False
    dprk: bool = False
    active: bool = True
    track: Track = field(default_factory=Track)

    def ais_on(self, t_h: float) -> bool:
        """Always broadcasting."""
        return True

    def activity(self, t_h: float) -> str:
        """Always under way."""
        return "transit"


def leg(
    t0: float, t1: float, x_nm: float, y_nm: float, vx_kn: float = 0.0, vy_kn: float = 0.0
) -> list[float]:
    """One leg in the model's layout (t0, t1, x0, y0, vx, vy), from nm and knots."""
    return [t0, t1, x_nm * NM_M, y_nm * NM_M, vx_kn * KN, vy_kn * KN]


def transit_then_stop(stop_from: float, stop_to: float, x_nm: float, y_nm: float) -> list[list]:
    """A ship steaming north at 12 kn, stopped at (x, y) over [stop_from, stop_to], then on."""
    y0 = y_nm - 12.0 * stop_from
    return [
        leg(0.0, stop_from, x_nm, y0, vy_kn=12.0),
        leg(stop_from, stop_to, x_nm, y_nm),
        leg(stop_to, 40.0, x_nm, y_nm, vy_kn=12.0),
    ]


def world_of(ships: list[list[list]], **kw: Any) -> World:
    legs = np.array([row for ship in ships for row in ship], float)
    ids = np.concatenate([np.full(len(ship), i, np.int32) for i, ship in enumerate(ships)])
    order = np.argsort(legs[:, 0], kind="stable")
    return World(legs[order], ids[order], np.zeros(len(ships), bool), **kw)


def settings(**over: Any) -> Coordination:
    base = {"ais_monitoring": True, "ais_analytics": True, "analytics_interval_h": 1.0}
    return Coordination(**{**base, **over})


def monitor(w: World, co: Coordination, seed: int, **kw: Any) -> AisMonitor:
    """A monitor on its own two streams: the illicit vessels' feed and the legitimate ships'."""
    rng, legit_rng = np.random.default_rng(seed).spawn(2)
    return AisMonitor(
        w.env, w.theater, w, w.watchlist, w.ais_alert, co, rng, legit_rng=legit_rng, **kw
    )


def run_monitor(w: World, co: Coordination, until_h: float = 36.0, **kw: Any) -> AisMonitor:
    mon = monitor(w, co, 7, **kw)
    w.env.process(mon.watch())
    w.env.process(mon.analytics())
    w.env.run(until=until_h)
    return mon


def test_a_loitering_legitimate_ship_raises_a_false_loitering_alert() -> None:
    """A merchant ship drifting 100 nm offshore for 10 h looks like a smuggler waiting."""
    w = world_of([transit_then_stop(5.0, 15.0, 100.0, 200.0)])
    run_monitor(w, settings())
    loiter = [(t, a) for t, a in w.alerts if a.reason == R.AIS_LOITERING]
    assert len(loiter) == 1
    t, alert = loiter[0]
    assert alert.vessel == "L0" and alert.identity == "L0" and alert.source == "ais-analytics"
    # met 4 h after the stop began, seen 1 h later (latency), at an hourly run; 100 nm out only
    # satellite passes (every 1.5 h) hear it, so the first and last slow reports may come late
    assert 5.0 + 4.0 + 1.0 <= t <= 5.0 + 4.0 + 1.0 + 2 * 1.5 + 1.0
    assert np.hypot(alert.x_m - 100 * NM_M, alert.y_m - 200 * NM_M) < 200.0


def test_a_ship_stopped_near_the_coast_raises_no_loitering_alert() -> None:
    """The GFW criterion: loitering counts only at least 20 nm from shore."""
    w = world_of([transit_then_stop(5.0, 15.0, 8.0, 200.0)])
    run_monitor(w, settings())
    assert not [a for _, a in w.alerts if a.reason == R.AIS_LOITERING]


def test_alerts_are_late_by_the_declared_latency() -> None:
    """With 4 h of satellite and processing latency the same alert comes 3 h later than with 1 h."""
    times = {}
    for latency in (1.0, 4.0):
        w = world_of([transit_then_stop(5.0, 15.0, 100.0, 200.0)])
        run_monitor(w, settings(ais_latency_h=latency))
        (t, _alert), *_ = [(t, a) for t, a in w.alerts if a.reason == R.AIS_LOITERING]
        times[latency] = t
    assert times[4.0] - times[1.0] == 3.0


def test_two_legitimate_ships_alongside_raise_a_false_encounter_alert() -> None:
    """A bunker tanker alongside its client offshore: both identities raise encounter alerts."""
    client = transit_then_stop(5.0, 12.0, 100.0, 200.0)
    tanker = [leg(0.0, 4.0, 100.0, 200.0), leg(4.0, 12.0, 100.0, 200.0 + 0.05)]  # ~90 m apart
    w = world_of([client, tanker])
    run_monitor(w, settings())
    met = sorted(a.vessel for _, a in w.alerts if a.reason == R.AIS_ENCOUNTER)
    assert met == ["L0", "L1"]


def watchlisted_smuggler(spoofed: bool) -> tuple[World, Smuggler]:
    w = world_of([transit_then_stop(5.0, 6.0, 100.0, 50.0)], watchlist={"F1"})
    v = Smuggler("F1", spoofed=spoofed)
    mon = monitor(w, settings(), 3)
    mon.add_vessel(v)
    v.track.set(np.array([leg(0.0, 30.0, 60.0, 100.0, vx_kn=10.0)]))
    w.env.process(mon.watch())
    w.env.run(until=25.0)
    return w, v


def test_the_watch_finds_a_designated_identity_broadcasting() -> None:
    w, _ = watchlisted_smuggler(spoofed=False)
    hits = [a for _, a in w.alerts if a.reason == R.AIS_WATCHLIST]
    assert hits and {a.identity for a in hits} == {"F1"}
    assert [t for t, _ in w.alerts] == [6.0, 12.0, 18.0, 24.0]  # one alert per check


def test_a_spoofed_identity_is_not_matched_by_the_watch() -> None:
    w, _ = watchlisted_smuggler(spoofed=True)
    assert not w.alerts


def test_a_replanned_vessel_keeps_its_sailed_reports() -> None:
    """A re-plan replaces a track; what the vessel sent before still reaches the picture."""
    w = world_of([transit_then_stop(5.0, 6.0, 100.0, 50.0)], watchlist={"F1"})
    v = Smuggler("F1")
    mon = monitor(w, settings(), 3)
    mon.add_vessel(v)
    v.track.set(np.array([leg(0.0, 30.0, 10.0, 100.0, vy_kn=10.0)]))  # in shore-station range

    def replan() -> ProcessGenerator:
        yield w.env.timeout(5.0)
        v.track.set(np.array([leg(5.0, 30.0, 10.0, 150.0, vy_kn=-10.0)]))

    w.env.process(replan())
    w.env.run(until=11.0)
    mon.feed_to(11.0)
    t = np.sort(mon.buffer.loc[mon.buffer["identity"] == "F1", "time"].to_numpy())
    assert t[0] < 0.1 and t[-1] > 10.9
    assert np.diff(t).max() < 0.5  # no hole at the re-plan
    north = mon.buffer[(mon.buffer["identity"] == "F1") & (mon.buffer["time"] < 5.0)]
    assert north["course"].round().eq(0.0).all()  # the first plan's reports were kept


def test_skipping_ships_under_way_does_not_change_the_alerts() -> None:
    """Reports of ships steaming at service speed cannot alert: the full feed gives the same."""
    busy = [[leg(0.0, 40.0, 30.0 + 7 * k, 0.0, vy_kn=11.0 + k)] for k in range(6)]
    ships = [transit_then_stop(5.0, 15.0, 100.0, 200.0), *busy]
    alerts, rows = {}, {}
    for full in (False, True):
        w = world_of(ships)
        mon = run_monitor(w, settings(), full_feed=full)
        alerts[full] = sorted((a.reason, a.vessel) for _, a in w.alerts)
        rows[full] = mon.received
    assert alerts[False] == alerts[True] == [(R.AIS_LOITERING, "L0")]
    assert rows[True] > 3 * rows[False]  # the skipped reports were most of the feed


def smuggler_among_loiterers(
    co: Coordination, stopped: int = 2, **kw: Any
) -> tuple[World, AisMonitor]:
    """A watchlisted smuggler steaming past legitimate ships stopped offshore, watched."""
    ships = [transit_then_stop(2.0 + k, 20.0, 60.0 + 9 * k, 80.0) for k in range(stopped)]
    w = world_of([*ships, [leg(0.0, 40.0, 30.0, 0.0, vy_kn=12.0)]], watchlist={"F1"})
    mon = monitor(w, co, 5, **kw)
    v = Smuggler("F1")
    mon.add_vessel(v)
    v.track.set(np.array([leg(0.0, 40.0, 80.0, 50.0, vy_kn=9.0)]))
    w.env.process(mon.watch())
    w.env.run(until=37.0)
    return w, mon


def test_without_analytics_no_legitimate_report_is_made_and_the_watch_loses_nothing() -> None:
    """The watch cannot alert on a legitimate identity, so alone it makes no legitimate report.

    Its alerts and the smuggler's reports are the very ones it has beside the full feed of
    every legitimate ship (``full_feed``): the legitimate reports draw from their own stream.
    """
    w_cheap, cheap = smuggler_among_loiterers(settings(ais_analytics=False))
    w_full, full = smuggler_among_loiterers(settings(ais_analytics=False), full_feed=True)
    assert w_cheap.alerts and w_cheap.alerts == w_full.alerts
    everything = full.buffer
    assert set(everything["vessel"]) == {"F1", "L0", "L1", "L2"}
    assert set(cheap.buffer["vessel"]) == {"F1"}
    pd.testing.assert_frame_equal(
        cheap.buffer, everything[everything["vessel"] == "F1"].reset_index(drop=True)
    )


def test_the_smugglers_reports_do_not_depend_on_how_much_legitimate_traffic_there_is() -> None:
    """Common random numbers: more legitimate ships stopped at sea, the same illicit reports."""
    feeds = []
    for stopped in (0, 1, 5):
        _, mon = smuggler_among_loiterers(settings(), stopped=stopped)
        b = mon.buffer
        assert b["vessel"].nunique() == 1 + stopped
        feeds.append(b[b["vessel"] == "F1"].reset_index(drop=True))
    assert len(feeds[0]) > 20  # 80 nm out: heard on satellite passes only
    for other in feeds[1:]:
        pd.testing.assert_frame_equal(other, feeds[0])


def test_the_picture_is_the_simulated_feed_of_what_was_transmitted() -> None:
    """One window of the picture is ``simulate_feed`` of the legs sailed in it, in one order.

    Legitimate and illicit legs draw from their own streams, on the run's one satellite
    schedule.
    """
    w = world_of(
        [transit_then_stop(5.0, 15.0, 100.0, 200.0), [leg(0.0, 40.0, 20.0, 0.0, vy_kn=11)]]
    )
    mon = monitor(w, settings(), 9, full_feed=True)
    rng, legit_rng = copy.deepcopy(mon.rng), copy.deepcopy(mon.legit_rng)  # as yet undrawn
    v = Smuggler("F1", spoofed=True)
    mon.add_vessel(v)
    v.track.set(np.array([leg(0.0, 3.0, 50.0, 60.0, vx_kn=8.0), leg(3.0, 40.0, 74.0, 60.0)]))
    mon.feed_to(12.0)
    sent = {
        "legit": [(f"L{i}", f"L{i}", g) for g, i in zip(w.legit_legs, w.legit_ids, strict=True)],
        "foreign": [("F1", "SF1", g) for g in v.track.legs],
    }
    feeds = []
    for (role, legs), stream in zip(sent.items(), (legit_rng, rng), strict=True):
        rows = []
        for name, ident, (t0, t1, x0, y0, vx, vy) in legs:
            b = min(t1, 12.0)  # the window: what was sent by 12 h
            if b > t0:
                x1, y1 = x0 + vx * (b - t0), y0 + vy * (b - t0)
                rows.append((name, role, t0, b, x0, y0, x1, y1, True, ident, "transit"))
        tracks = pd.DataFrame(rows, columns=list(TRACK_COLUMNS))
        feeds.append(simulate_feed(tracks, w.theater, stream, MONITOR_FEED, mon.sat_phase))
    feed = pd.concat(feeds).sort_values(["time", "identity"], kind="stable")
    assert len(feed) > 100 and set(feed["identity"]) == {"L0", "L1", "SF1"}
    pd.testing.assert_frame_equal(mon.buffer, feed.reset_index(drop=True))
