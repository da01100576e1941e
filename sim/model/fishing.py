"""Fishing fleets: a year of trips to the fishing grounds, laid out before the run as legs.

Fishing vessels are where most dark and loitering contacts at sea really come from
(``sim.scenarios.traffic_schema``). Like merchant ships they do not react to patrols, so
their legs are pre-generated and join the legitimate traffic (``sim.model.traffic``): the
referee detects them and classifies what its sensors perceive (dark, alongside), and the
AIS monitor reads their broadcasts through the same detectors as anyone's. Nothing here
knows about smugglers or patrols.

A trip: from a home port along the water route to an entry point of one ground (a fixed
site of the area, ``Waters.site``, so routes are cached), then tows at ``tow_speed_kn`` and
stops (hauling, drifting) in turn inside the ground's polygon (the area less a margin off
land), then back to the entry point and home. A tow that would leave the polygon turns
towards the entry point, or stays put if that leaves it too. Trips do not start in a closed
season and end at its start. A stop may be a meeting: a carrier or bunker vessel (a
legitimate vessel of its own) comes along the fishing vessel's own recent path, lies
alongside for ``meet_h`` and goes back (``sim.model.legit_stops.visitor_legs``).

Every draw of fleet ``F`` comes from the stream ``traffic/fishing/F``, so adding a fleet or
changing another leaves each fleet's trips unchanged (common random numbers).
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import shapely

from sim.model import _motion_kernels
from sim.model.legit_stops import StopsAtSea, visitor_legs
from sim.model.streams import Streams
from sim.scenarios.traffic_schema import Fishing, FishingFleet
from sim.units import NM_M

__all__ = ["Grounds", "FleetTraffic", "fleet_traffic", "closed_intervals_h", "cut_long_legs"]

_CHECK_FRACTIONS = (0.25, 0.5, 0.75, 1.0)
"""Points along a tow tested inside the ground polygon (which keeps a margin off land): a tow
of at most 20 nm then has no untested stretch longer than 5 nm, too short to cross the
margin of 4 nm on both sides of an island."""
_CHECK_Q = np.asarray(_CHECK_FRACTIONS)
_STRAIGHT_OFF_COAST_NM = 0.5
"""A straight passage back to the entry point must keep this far off every coast
(``Waters``' own clearance for straight legs), else the vessel retraces its tows."""
_VISITOR_PATH_LEGS = 8
"""A meeting's visitor follows at most this many of the fishing vessel's last legs."""


class Grounds(Protocol):
    """What the fleets need of the sea (``sim.model.waters.Waters`` provides it)."""

    theater: Any

    def place_xy(self, name: str) -> np.ndarray:
        """Metric position of a named place."""
        ...

    def route_xy(self, a_xy: np.ndarray, b_xy: np.ndarray) -> np.ndarray:
        """Polyline (metres) over water from a to b."""
        ...

    def area_polygon(self, name: str) -> shapely.Geometry:
        """Metric polygon of a named area, kept off land."""
        ...

    def site(self, area: str, rng: np.random.Generator) -> np.ndarray:
        """A fixed candidate point of the area (routes to it are cached)."""
        ...

    def seaway(self, pts: np.ndarray) -> np.ndarray:
        """Waypoints re-laid over water."""
        ...


@dataclass(frozen=True)
class FleetTraffic:
    """The fishing vessels and their visitors (carriers, bunker vessels) of one run.

    Vessel numbers are local: fishing vessels first (fleet by fleet), then one visitor per
    meeting. Attributes: ``legs`` (k x 6, any order), ``ids`` (vessel of each leg), ``dark``
    (per vessel), ``fleet`` (per vessel: index into the section's fleets, -1 for a visitor),
    ``stops`` (the meetings alongside, both hulls).
    """

    legs: np.ndarray
    ids: np.ndarray
    dark: np.ndarray
    fleet: np.ndarray
    stops: StopsAtSea


def closed_intervals_h(
    start_date: datetime.date, end_h: float, closed: tuple[str, str] | None
) -> np.ndarray:
    """The closed seasons around the run as ``(from_h, until_h)`` rows, in order.

    ``closed`` is ``(MM-DD, MM-DD)``: the first closed day, and the day fishing opens again
    (midnight to midnight, as the sources give a moratorium "from 1 May to 1 Sep"); a season
    whose first day comes after the day it opens runs over New Year. 29 Feb stands for 28 Feb
    in other years.
    """
    if closed is None:
        return np.zeros((0, 2))

    def day(year: int, md: str) -> datetime.date:
        m, d = int(md[:2]), int(md[3:])
        return datetime.date(year, m, 28 if (m, d) == (2, 29) and not calendar.isleap(year) else d)

    rows = []
    for y in range(start_date.year - 1, start_date.year + int(end_h / 8760.0) + 2):
        a = day(y, closed[0])
        b = day(y, closed[1])
        if b <= a:
            b = day(y + 1, closed[1])
        rows.append(((a - start_date).days * 24.0, (b - start_date).days * 24.0))
    return np.array(rows)


def cut_long_legs(legs: np.ndarray, ids: np.ndarray, max_h: float) -> tuple[np.ndarray, np.ndarray]:
    """Legs longer than ``max_h`` cut into equal pieces (the referee looks back this far)."""
    dur = legs[:, 1] - legs[:, 0]
    k = np.maximum(1, np.ceil(dur / max_h - 1e-9).astype(np.int64))
    if np.all(k == 1):
        return legs, ids
    src = np.repeat(np.arange(len(legs)), k)
    j = np.arange(len(src)) - np.repeat(np.cumsum(k) - k, k)
    piece = dur[src] / k[src]
    out = legs[src].copy()
    out[:, 0] = legs[src, 0] + j * piece
    out[:, 1] = out[:, 0] + piece
    out[:, 2:4] = legs[src, 2:4] + legs[src, 4:6] * (out[:, 0] - legs[src, 0])[:, None]
    return out, ids[src]


def _lay(pts: np.ndarray, t0: float, speed_m_h: float) -> tuple[np.ndarray, float]:
    """Legs along a polyline at one speed from ``t0``; returns (legs, arrival time).

    Compiled (``sim.model._motion_kernels``): a year of a fleet lays tens of thousands.
    """
    legs, t = _motion_kernels.legs_from_sums(
        np.ascontiguousarray(pts, dtype=float), float(t0), float(speed_m_h)
    )
    return legs, float(t)


@dataclass
class _Rows:
    """Legs of one fleet as they are laid (lists of arrays, joined at the end).

    Each block of legs keeps its vessel (one number, or one per leg) and the ids are spelt
    out once, by :meth:`joined`: a year of a fleet adds tens of thousands of blocks.
    """

    legs: list[np.ndarray] = field(default_factory=list)
    vessels: list[np.ndarray | int] = field(default_factory=list)
    meets: list[tuple[int, float, float, float, float]] = field(default_factory=list)

    def add(self, legs: np.ndarray, vessel: np.ndarray | int) -> None:
        if len(legs):
            self.legs.append(legs)
            self.vessels.append(vessel)

    def joined(self) -> tuple[np.ndarray, np.ndarray]:
        """All legs (k x 6) and the vessel of each, in the order they were added."""
        if not self.legs:
            return np.zeros((0, 6)), np.zeros(0, dtype=np.int64)
        legs = np.vstack(self.legs)
        ids = np.empty(len(legs), dtype=np.int64)
        at = 0
        for block, v in zip(self.legs, self.vessels, strict=True):
            ids[at : at + len(block)] = v
            at += len(block)
        return legs, ids


class _Fleet:
    """Lays the trips of one fleet, all vessels one trip at a time (vectorised over vessels)."""

    def __init__(
        self, f: FishingFleet, n: int, grounds: Grounds, rng: np.random.Generator, closed: Any
    ) -> None:
        self.f, self.n, self.g, self.rng, self.closed = f, n, grounds, rng, closed
        self.home = np.stack([grounds.place_xy(p) for p in f.home_ports])
        self.polys = [grounds.area_polygon(a) for a in f.grounds]
        # farthest a vessel can be from its entry point (the polygon's bounding box diagonal)
        self.across_m = np.array(
            [np.hypot(*np.subtract(*np.reshape(p.bounds, (2, 2))[::-1])) for p in self.polys]
        )
        # longest tow and stop: fishing may run this long past its planned end
        self.step_h = f.tow_h[1] + max(f.drift_h[1], f.meet_h[1])
        self.rows = _Rows()
        self.routes: dict[tuple[int, float, float], np.ndarray] = {}

    def build(self, end_h: float) -> _Rows:
        f, rng, n = self.f, self.rng, self.n
        self.speed = rng.uniform(*f.transit_speed_kn, size=n) * NM_M
        self.port = rng.integers(len(f.home_ports), size=n)
        cycle_h = 24.0 * (np.mean(f.trip_days) + np.mean(f.port_days))
        t = -rng.uniform(0.0, cycle_h, size=n)  # a year already under way at hour 0
        active = np.flatnonzero(t < end_h)
        while len(active):
            dep, limit = self._season(t[active])
            go = dep < end_h
            active, dep, limit = active[go], dep[go], limit[go]
            if not len(active):
                break
            t[active] = self._trip(active, dep, limit)
            t[active] += rng.uniform(*f.port_days, size=len(active)) * 24.0
            active = active[t[active] < end_h]
        return self.rows

    def _season(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Departures moved out of a closed season, and the start of the next closed season."""
        iv = self.closed
        if not len(iv):
            return t, np.full(len(t), np.inf)
        k = np.searchsorted(iv[:, 0], t, side="right") - 1
        inside = (k >= 0) & (t < iv[np.maximum(k, 0), 1])
        dep = np.where(inside, iv[np.maximum(k, 0), 1], t)
        nxt = np.searchsorted(iv[:, 0], dep, side="right")
        limit = np.where(nxt < len(iv), iv[np.minimum(nxt, len(iv) - 1), 0], np.inf)
        return dep, limit

    def _route(self, port: int, site: np.ndarray) -> np.ndarray:
        key = (port, float(site[0]), float(site[1]))
        r = self.routes.get(key)
        if r is None:
            r = self.routes[key] = self.g.route_xy(self.home[port], site)
        return r

    def _trip(self, vessels: np.ndarray, dep: np.ndarray, limit: np.ndarray) -> np.ndarray:
        """One trip of each vessel: out, fishing, back. Returns the times they are home.

        A vessel that could not fish before a closed season begins stays in port until it
        begins (the next departure is then moved past it).
        """
        f, rng = self.f, self.rng
        ground = rng.integers(len(f.grounds), size=len(vessels))
        trip_h = rng.uniform(*f.trip_days, size=len(vessels)) * 24.0
        sites = np.empty((len(vessels), 2))
        arrive = np.empty(len(vessels))
        out: list[np.ndarray] = []
        for j, (v, gi) in enumerate(zip(vessels.tolist(), ground.tolist(), strict=True)):
            sites[j] = self.g.site(f.grounds[gi], rng)
            legs, arrive[j] = _lay(self._route(int(self.port[v]), sites[j]), dep[j], self.speed[v])
            out.append(legs)
        back_h = arrive - dep
        # fishing ends in time to be home when the trip ends, or before a closed season
        # begins from anywhere in the ground (the way back is at most across it, then the route)
        closing = limit - back_h - self.across_m[ground] / self.speed[vessels] - self.step_h
        stop = np.minimum(dep + trip_h - back_h, closing)
        go = (stop > arrive) | ~np.isfinite(limit)
        home = np.where(go, 0.0, np.maximum(dep, limit))
        sel = np.flatnonzero(go)
        pos, t_end, path = self._fish(vessels[sel], ground[sel], sites[sel], arrive[sel], stop[sel])
        straight = self._straight_back(pos, sites[sel])
        for k, j in enumerate(sel.tolist()):
            v = int(vessels[j])
            self.rows.add(out[j], v)
            back = np.vstack([pos[k], sites[j]]) if straight[k] else self._retrace(pos[k], path, k)
            legs, t = _lay(back, t_end[k], self.speed[v])
            self.rows.add(legs, v)
            legs, home[j] = _lay(self._route(int(self.port[v]), sites[j])[::-1], t, self.speed[v])
            self.rows.add(legs, v)
        return home

    def _fish(
        self,
        vessels: np.ndarray,
        ground: np.ndarray,
        sites: np.ndarray,
        t: np.ndarray,
        stop: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
        """Tows and stops in the ground until ``stop`` (vectorised over the vessels)."""
        f, rng = self.f, self.rng
        pos, t = sites.copy(), t.copy()
        path: list[tuple[np.ndarray, np.ndarray]] = [(np.arange(len(vessels)), sites.copy())]
        on = np.flatnonzero(t < stop)
        while len(on):
            m = len(on)
            tow = rng.uniform(*f.tow_h, size=m)
            speed = rng.uniform(*f.tow_speed_kn, size=m) * NM_M
            heading = rng.uniform(0.0, 2 * np.pi, size=m)
            step = np.column_stack([np.cos(heading), np.sin(heading)]) * (speed * tow)[:, None]
            step = self._keep_inside(on, ground[on], pos[on], step, sites[on])
            self.rows.add(
                np.column_stack([t[on], t[on] + tow, pos[on], step / tow[:, None]]), vessels[on]
            )
            pos[on] += step
            t[on] += tow
            path.append((on, pos[on].copy()))
            p_meet = 1.0 - np.exp(-f.meet_per_day * tow / 24.0)
            meet = rng.random(m) < p_meet
            rest = np.where(meet, rng.uniform(*f.meet_h, size=m), rng.uniform(*f.drift_h, size=m))
            still = np.column_stack([t[on], t[on] + rest, pos[on], np.zeros((m, 2))])
            self.rows.add(still, vessels[on])
            for j in np.flatnonzero(meet).tolist():
                i = on[j]
                self.rows.meets.append((int(vessels[i]), t[i], pos[i, 0], pos[i, 1], rest[j]))
            t[on] += rest
            on = on[t[on] < stop[on]]
        return pos, t, path

    def _keep_inside(
        self, on: np.ndarray, ground: np.ndarray, pos: np.ndarray, step: np.ndarray, site: Any
    ) -> np.ndarray:
        """Tows that would leave the ground turn towards its entry point, or stay put."""
        ok = self._inside(ground, pos, step)
        if ok.all():
            return step
        bad = np.flatnonzero(~ok)
        to_site = site[bad] - pos[bad]
        dist = np.hypot(to_site[:, 0], to_site[:, 1])
        length = np.hypot(step[bad, 0], step[bad, 1])
        scale = np.where(dist > 0, np.minimum(length, dist) / np.maximum(dist, 1e-9), 0.0)
        turn = to_site * scale[:, None]
        ok2 = self._inside(ground[bad], pos[bad], turn)
        step = step.copy()
        step[bad] = np.where(ok2[:, None], turn, 0.0)
        return step

    def _inside(self, ground: np.ndarray, pos: np.ndarray, step: np.ndarray) -> np.ndarray:
        """Whether every checked point along each tow is inside its ground's polygon.

        One point-in-polygon call per ground for all the check points at once (the test is
        per point, so this is the same answer; each call costs ~10 us before its first point).
        """
        ok = np.ones(len(pos), dtype=bool)
        for gi, poly in enumerate(self.polys):
            sel = np.flatnonzero(ground == gi) if len(self.polys) > 1 else np.arange(len(pos))
            if not len(sel):
                continue
            p = pos[sel][None, :, :] + _CHECK_Q[:, None, None] * step[sel][None, :, :]
            ok[sel] = shapely.contains_xy(poly, p[..., 0], p[..., 1]).all(axis=0)
        return ok

    def _straight_back(self, pos: np.ndarray, site: np.ndarray) -> np.ndarray:
        """Whether each vessel goes from its last tow straight back to the entry point.

        Straight when it is there already or the straight passage is clear of every coast
        (one vectorised test for all the vessels of a trip); else it retraces its tows.
        """
        at_site = np.hypot(pos[:, 0] - site[:, 0], pos[:, 1] - site[:, 1]) < 1.0
        return at_site | self.g.theater.segments_off_coast_xy(pos, site, _STRAIGHT_OFF_COAST_NM)

    @staticmethod
    def _retrace(pos: np.ndarray, path: list[tuple[np.ndarray, np.ndarray]], j: int) -> np.ndarray:
        """From the last tow back to the entry point along vessel ``j``'s own tows, reversed."""
        trail = [p[np.flatnonzero(on == j)[0]] for on, p in path if np.any(on == j)]
        return np.vstack([pos, *trail[::-1]])


def fleet_traffic(
    fishing: Fishing,
    start_date: datetime.date,
    end_h: float,
    grounds: Grounds,
    streams: Streams,
    max_leg_h: float,
) -> FleetTraffic:
    """Lay out a year of the section's fleets (empty when the section is off).

    Args:
        fishing: the scenario's ``fishing`` section.
        start_date: calendar date at hour 0 (closed seasons are calendar days).
        end_h: the run's end; legs after it are dropped.
        grounds: water routes, places, area polygons and sites.
        streams: the run's streams (``traffic/fishing/<fleet>`` per fleet).
        max_leg_h: longest leg (longer tows and stops are cut into pieces).
    """
    legs_l, ids_l, dark_l, fleet_l, meets_l = [], [], [], [], []
    base = 0
    for k, f in enumerate(fishing.at_sea):
        n = int(round(f.vessels * fishing.scale))
        if n == 0:
            continue
        rng = streams.get(f"traffic/fishing/{f.name}")
        dark_l.append(rng.random(n) < f.ais_off_probability)
        fleet_l.append(np.full(n, k, dtype=np.int64))
        builder = _Fleet(f, n, grounds, rng, closed_intervals_h(start_date, end_h, f.closed_season))
        rows = builder.build(end_h)
        if rows.legs:
            fleet_legs, fleet_ids = rows.joined()
            legs_l.append(fleet_legs)
            ids_l.append(fleet_ids + base)
        # a meeting before the run or after it brings no visitor
        live = [
            (v + base, ts, x, y, d) for v, ts, x, y, d in rows.meets if 0 < ts + d and ts < end_h
        ]
        meets_l.append((f, rng, live))
        base += n
    legs = np.vstack(legs_l) if legs_l else np.zeros((0, 6))
    ids = np.concatenate(ids_l) if ids_l else np.zeros(0, dtype=np.int64)
    dark = np.concatenate(dark_l) if dark_l else np.zeros(0, dtype=bool)
    fleet = np.concatenate(fleet_l) if fleet_l else np.zeros(0, dtype=np.int64)
    legs, ids, dark, fleet, stops = _add_visitors(legs, ids, dark, fleet, meets_l, max_leg_h)
    legs, ids = cut_long_legs(legs, ids, max_leg_h)
    keep = (legs[:, 1] > 0) & (legs[:, 0] < end_h)
    return FleetTraffic(legs[keep], ids[keep], dark, fleet, stops)


def _add_visitors(
    legs: np.ndarray,
    ids: np.ndarray,
    dark: np.ndarray,
    fleet: np.ndarray,
    meets: list[tuple[FishingFleet, np.random.Generator, list[tuple]]],
    max_leg_h: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, StopsAtSea]:
    """One carrier or bunker vessel per meeting, along its client's recent path."""
    n = len(dark)
    clients = [(v, ts) for _, _, rows in meets for v, ts, *_ in rows]
    recent = _motion_kernels.last_legs_before(
        np.ascontiguousarray(legs[:, 0]),
        np.ascontiguousarray(ids, dtype=np.int64),
        n,
        np.array([v for v, _ in clients], dtype=np.int64),
        np.array([ts for _, ts in clients], dtype=float),
        _VISITOR_PATH_LEGS,
    )
    new_legs, new_ids, new_dark = [legs], [ids], [dark]
    sv: list[int] = []
    s0: list[float] = []
    s1: list[float] = []
    q = 0
    for f, rng, rows in meets:
        for v, ts, x, y, d in rows:
            before = legs[recent[q][recent[q] >= 0]]
            q += 1
            visitor = n + len(sv) // 2
            g = visitor_legs(before, ts, x, y, d, max_leg_h)
            new_legs.append(g)
            new_ids.append(np.full(len(g), visitor, dtype=np.int64))
            new_dark.append(np.array([rng.random() < f.support_ais_off_probability]))
            sv += [v, visitor]
            s0 += [ts, ts]
            s1 += [ts + d, ts + d]
    n_visitors = len(sv) // 2
    stops = StopsAtSea(
        np.asarray(sv, dtype=np.int64),
        np.asarray(s0, float),
        np.asarray(s1, float),
        np.ones(len(sv), dtype=bool),
    )
    fleet = np.concatenate([fleet, np.full(n_visitors, -1, dtype=np.int64)])
    return np.vstack(new_legs), np.concatenate(new_ids), np.concatenate(new_dark), fleet, stops
