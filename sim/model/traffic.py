"""Legitimate traffic: a year of merchant voyages between ports, laid out before the run.

Legitimate ships do not react to patrols, so their legs are known in advance.
The legs are one array sorted by start time, so the referee checks a sensor's plan against
the few legs that start near it; a ship's own track is a slice of the same array.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import pandas as pd

from sim.model import _kernels
from sim.model.fishing import Grounds, fleet_traffic
from sim.model.legit_stops import StopsAtSea, add_stops_at_sea, by_vessel_then_start
from sim.model.motion import Track
from sim.model.streams import Streams
from sim.scenarios.schema import Scenario
from sim.units import NM_M

__all__ = ["LegitTraffic", "Routes", "ShipRows", "split_segments", "LEGIT_MAX_LEG_H"]

_LEGIT_TRACKS_KEPT = 64
"""Legitimate ships' tracks memoised at once (least recently used go first)."""
_LEGIT_MAX_LEG_H = 12.0
"""Legitimate legs are cut into pieces no longer than this (at the slowest traffic speed): a sensor
plan is checked against the legs that start within this long before it (legs sorted by start)."""


def _split_segments(
    starts: np.ndarray, d: np.ndarray, seg: np.ndarray, max_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A route's segments (starts, vectors, lengths) cut into pieces no longer than ``max_m``.

    Each segment is cut into equal pieces. Returns (piece starts, unit directions, lengths).
    """
    if not len(seg):
        return starts, d, seg
    k = np.maximum(1, np.ceil(seg / max_m).astype(np.int64))
    src = np.repeat(np.arange(len(seg)), k)
    j = np.arange(len(src)) - np.repeat(np.cumsum(k) - k, k)
    unit = d[src] / seg[src, None]
    piece = seg[src] / k[src]
    return starts[src] + unit * (j * piece)[:, None], unit, piece


split_segments = _split_segments
"""Public name of the segment splitter (the builder's body keeps the private one)."""
LEGIT_MAX_LEG_H = _LEGIT_MAX_LEG_H
"""Public name of the longest legitimate leg, hours."""
_STOP_ROOM_DIV = 8
"""The legs' table is laid with room for an eighth more rows (assumption: the stops at sea
add ~0.15% at the default shares, 21,920 rows at 10,000 ships; room never written costs no
memory)."""
_STOP_ROOM_MIN = 1024
"""At least this many rows of room (small fleets with many stops: tests)."""


def _lay_voyages(
    templates: tuple[list, list, list, list, list],
    voy_pair: np.ndarray,
    voy_t: np.ndarray,
    voy_speed: np.ndarray,
    voy_vessel: np.ndarray,
    end_h: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The legs of all voyages in one compiled pass, by ship then start (those within the run).

    The stops at sea (``sim.model.legit_stops``) cut voyages ship by ship, so the legs are
    laid in that order directly: the voyages, drawn voyage number by voyage number, are put
    in (ship, voyage number) order (200,000 of them, not 15 M legs), and a ship's legs then
    follow each other in time. That is the order a stable sort by ship of the legs sorted by
    start gave (the sort and its undoing were a third of the build of 10,000 ships).

    Args:
        templates: per route template, the segments' starts, unit directions, lengths,
            distances run before them, and the templates' offsets into the joined segments.
        voy_pair: each voyage's template.
        voy_t: each voyage's departure, hours.
        voy_speed: each voyage's speed, m/h.
        voy_vessel: each voyage's ship.
        end_h: the run's end.
    """
    tpl_start, tpl_dir, tpl_len, tpl_run, tpl_off = templates
    off = np.asarray(tpl_off, dtype=np.int64)
    by_ship = np.argsort(voy_vessel, kind="stable")  # drawn in (voyage number, ship) order
    pair = np.ascontiguousarray(voy_pair[by_ship], dtype=np.int64)
    rows = int((off[pair + 1] - off[pair]).sum())
    # room for the rows the stops at sea add (untouched pages cost no memory): the table
    # then takes them in place (``legit_stops``), rather than being copied into a larger one
    buf = np.empty((rows + max(_STOP_ROOM_MIN, rows // _STOP_ROOM_DIV), 6))
    ids = np.empty(len(buf), dtype=np.int32)
    k = _kernels.lay_legs(
        off,
        np.ascontiguousarray(np.vstack(tpl_start), dtype=float),
        np.ascontiguousarray(np.vstack(tpl_dir), dtype=float),
        np.ascontiguousarray(np.concatenate(tpl_len), dtype=float),
        np.ascontiguousarray(np.concatenate(tpl_run), dtype=float),
        (
            pair,
            np.ascontiguousarray(voy_t[by_ship], dtype=float),
            np.ascontiguousarray(voy_speed[by_ship], dtype=float),
            np.ascontiguousarray(voy_vessel[by_ship], dtype=np.int32),
        ),
        float(end_h),
        buf,
        ids,
    )
    return buf[:k], ids[:k]


_STEP_MAX = int(np.iinfo(np.uint16).max)
"""Steps between a ship's rows at least this long are kept apart, exactly (uint16 escape)."""
_PACK_BLOCK = 1 << 20
"""Positions packed at a time (the int64 temporaries of one block only)."""


class ShipRows:
    """Each ship's rows of the time-sorted legs, in start order, packed as steps.

    The rows of ship ``i`` are ``by_vessel_then_start(t0, ids)[offsets[i]:offsets[i + 1]]``.
    Held as that int32 array they were 60 MB at 10,000 ships, a year of 15 M legs, all run
    long. A ship's rows increase, and the legs of 10,000 ships started in the time between
    two of one ship's legs are mostly fewer than 65,535: each row is kept as its step from
    the ship's row before it in a uint16 (30 MB), the ship's first row and the few longer
    steps (port calls) apart, exactly. :meth:`rows` adds them up again (~1,500 a ship).

    Args:
        order: the rows in (ship, start) order (``by_vessel_then_start``).
        offsets: where each ship's rows begin in ``order`` (length ships + 1).
        block: positions packed at a time.
    """

    def __init__(self, order: np.ndarray, offsets: np.ndarray, *, block: int = _PACK_BLOCK) -> None:
        n = len(order)
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.steps = np.empty(n, dtype=np.uint16)
        first = np.zeros(n + 1, dtype=bool)
        first[self.offsets[:-1]] = True  # an empty ship marks the next ship's first row
        far_at: list[np.ndarray] = []
        far_step: list[np.ndarray] = []
        for a in range(0, n, block):
            r = np.asarray(order[a : a + block], dtype=np.int64)
            step = r.copy()
            step[1:] -= r[:-1]
            if a:
                step[0] -= int(order[a - 1])
            at = np.flatnonzero(first[a : a + len(r)])
            step[at] = r[at]  # a ship's first row: absolute
            far = np.flatnonzero((step >= _STEP_MAX) | (step < 0))
            far_at.append(far + a)
            far_step.append(step[far])
            np.minimum(step, _STEP_MAX, out=step)
            np.maximum(step, 0, out=step)
            self.steps[a : a + len(r)] = step
        self.far_at = np.concatenate(far_at) if far_at else np.zeros(0, dtype=np.int64)
        self.far_step = np.concatenate(far_step) if far_step else np.zeros(0, dtype=np.int64)

    def rows(self, i: int) -> np.ndarray:
        """Ship ``i``'s rows, in start order (int64)."""
        a, b = int(self.offsets[i]), int(self.offsets[i + 1])
        step = self.steps[a:b].astype(np.int64)
        k0, k1 = np.searchsorted(self.far_at, (a, b))
        step[self.far_at[k0:k1] - a] = self.far_step[k0:k1]
        return np.cumsum(step)

    @property
    def nbytes(self) -> int:
        """Bytes held."""
        return int(sum(x.nbytes for x in (self.offsets, self.steps, self.far_at, self.far_step)))


class Routes(Protocol):
    """What the traffic builder needs of the sea: named places and water routes between them."""

    def place_xy(self, name: str) -> np.ndarray:
        """Metric position of a named place."""
        ...

    def route_xy(self, a_xy: np.ndarray, b_xy: np.ndarray) -> np.ndarray:
        """Polyline (metres) over water from a to b."""
        ...


class LegitTraffic:
    """The legitimate ships of one run: their legs, AIS state and tracks.

    Args:
        scenario: the frozen scenario (its ``traffic`` section and duration).
        theater: the loaded theater (ports, when the scenario names none).
        streams: the run's streams (``"traffic"``, ``"traffic/stops"`` for the stops,
            ``"traffic/fishing/<fleet>"`` for the fishing fleets).
        routes: water routes between places (and, for the fishing fleets, areas and sites).

    Attributes:
        legit_legs: every leg (k x 6, ``sim.model.motion`` layout), sorted by start time.
        legit_ids: ship index of each leg.
        legit_dark: per ship, whether it sails with AIS off.
        legit_max_dur_h: the longest leg, hours.
        legit_stops: the stops at sea laid into the voyages (loitering, bunkering alongside a
            tanker; ``sim.model.legit_stops``; fishing vessels' meetings with carriers), for
            the referee's classification.
        legit_kind: per ship, ``"merchant"``, ``"bunker"`` (a merchant's bunker tanker),
            ``"fishing"`` or ``"visitor"`` (a fishing vessel's carrier or bunker vessel).
        legit_fleet: per ship, the fishing fleet's name ('' for the others).
    """

    def __init__(self, scenario: Scenario, theater: Any, streams: Streams, routes: Grounds) -> None:
        self.scenario = scenario
        self.theater = theater
        self.streams = streams
        self.place_xy = routes.place_xy
        self.route_xy = routes.route_xy
        self._build_traffic()
        self._add_fishing(routes)
        self._index()

    def _places(self) -> list[str]:
        """Where merchant ships call: the scenario's places, else every non-DPRK port and gate."""
        tr = self.scenario.traffic
        if tr.places:
            return list(tr.places)
        return [
            str(r.name)
            for r in self.theater.ports.itertuples()
            if r.kind in ("port", "gate") and r.state != "PRK"
        ]

    def _build_traffic(self) -> None:
        """Pre-generate the whole year of legitimate voyages as legs (they do not react to patrols)."""
        tr = self.scenario.traffic
        rng = self.streams.get("traffic")
        names = self._places()
        n = tr.vessels if len(names) >= 2 else 0
        end_h = self.scenario.duration_h
        xy = {name: self.place_xy(name) for name in names}
        self.legit_dark = rng.random(n) < tr.ais_off_probability
        self.legit_flag = np.array(["legit"] * n)
        # Each port pair's route as a template of segments (start, unit direction, length, distance
        # run before it); the voyages are drawn as arrays, and the legs of all voyages are laid
        # in one vectorised pass below.
        max_seg_m = _LEGIT_MAX_LEG_H * float(tr.speed_kn[0]) * NM_M  # no leg longer than 12 h
        n_names = len(names)
        pair_index = np.full(n_names * n_names, -1, dtype=np.int64)
        route_m: list[float]
        tpl_start, tpl_dir, tpl_len, tpl_run, tpl_off, route_m = [], [], [], [], [0], []

        def template(pair: int) -> None:
            pair_index[pair] = len(route_m)
            pts = self.route_xy(xy[names[pair // n_names]], xy[names[pair % n_names]])
            d = np.diff(pts, axis=0)
            seg = np.hypot(d[:, 0], d[:, 1])
            ok = seg > 1e-6
            starts, unit, seg = _split_segments(pts[:-1][ok], d[ok], seg[ok], max_seg_m)
            tpl_start.append(starts)
            tpl_dir.append(unit)
            tpl_len.append(seg)
            tpl_run.append(np.concatenate([[0.0], np.cumsum(seg)[:-1]]) if len(seg) else seg)
            tpl_off.append(tpl_off[-1] + len(seg))
            route_m.append(float(seg.sum()))

        # All ships draw their k-th voyage together (one vectorised draw per voyage number, not
        # a Python loop over 200,000 voyages): next port, sailing time, then the dwell in port.
        # lists while the voyages are drawn, arrays once they are joined
        voy_pair: Any
        voy_t: Any
        voy_speed: Any
        voy_vessel: Any
        voy_pair, voy_t, voy_speed, voy_vessel = [], [], [], []
        if n:
            speed_m_h = rng.uniform(*tr.speed_kn, size=n) * NM_M
            here = rng.integers(n_names, size=n)
            t = -rng.uniform(0.0, 240.0, size=n)
            active = np.flatnonzero(t < end_h)
            while len(active):
                there = rng.integers(n_names - 1, size=len(active))
                there = np.where(there == here[active], n_names - 1, there)
                pair = here[active] * n_names + there
                for p_new in np.unique(pair[pair_index[pair] < 0]).tolist():
                    template(p_new)
                k = pair_index[pair]
                length = np.asarray(route_m)[k]
                sails = length > 0
                voy_pair.append(k[sails])
                voy_t.append(t[active[sails]])
                voy_speed.append(speed_m_h[active[sails]])
                voy_vessel.append(active[sails])
                t[active] += np.where(sails, length / speed_m_h[active], 0.0)
                t[active] += rng.uniform(*tr.port_dwell_h, size=len(active))
                here[active] = there
                active = active[t[active] < end_h]
            voy_pair, voy_t = np.concatenate(voy_pair), np.concatenate(voy_t)
            voy_speed, voy_vessel = np.concatenate(voy_speed), np.concatenate(voy_vessel)
        if len(voy_pair):
            self.legit_legs, self.legit_ids = _lay_voyages(
                (tpl_start, tpl_dir, tpl_len, tpl_run, tpl_off),
                voy_pair,
                voy_t,
                voy_speed,
                voy_vessel,
                end_h,
            )
        else:
            self.legit_legs, self.legit_ids = np.zeros((0, 6)), np.zeros(0, dtype=np.int32)
        self._add_stops()  # and sorted by start

    def _add_stops(self) -> None:
        """Some voyages loiter or bunker at sea (``sim.model.legit_stops``): false alarms exist."""
        n_merchant = len(self.legit_dark)
        # the legs are handed over (reordered in place: a year of them is hundreds of MB)
        legs, ids = self.legit_legs, self.legit_ids
        del self.legit_legs, self.legit_ids
        self.legit_legs, self.legit_ids, self.legit_dark, self.legit_stops = add_stops_at_sea(
            legs,
            ids,
            self.legit_dark,
            self.scenario.traffic,
            self.streams.get("traffic/stops"),
            self.scenario.duration_h,
            _LEGIT_MAX_LEG_H,
            reuse_legs=True,
            by_vessel=True,
        )
        del legs, ids
        self.legit_kind = np.array(
            ["merchant"] * n_merchant + ["bunker"] * (len(self.legit_dark) - n_merchant)
        )
        self.legit_fleet = np.full(len(self.legit_dark), "", dtype=object)

    def _add_fishing(self, grounds: Grounds) -> None:
        """The fishing fleets and their visitors join the legitimate ships (``sim.model.fishing``)."""
        fishing = self.scenario.fishing
        if not fishing.enabled:
            return
        ft = fleet_traffic(
            fishing,
            self.scenario.start_date,
            self.scenario.duration_h,
            grounds,
            self.streams,
            _LEGIT_MAX_LEG_H,
        )
        base = len(self.legit_dark)
        legs = np.vstack([self.legit_legs, ft.legs])
        ids = np.concatenate([self.legit_ids, (ft.ids + base).astype(self.legit_ids.dtype)])
        order = np.argsort(legs[:, 0], kind="stable")
        self.legit_legs, self.legit_ids = legs[order], ids[order]
        self.legit_dark = np.concatenate([self.legit_dark, ft.dark])
        s, t = self.legit_stops, ft.stops
        self.legit_stops = StopsAtSea(
            np.concatenate([s.vessel, t.vessel + base]),
            np.concatenate([s.t0_h, t.t0_h]),
            np.concatenate([s.t1_h, t.t1_h]),
            np.concatenate([s.alongside, t.alongside]),
        )
        names = np.array([f.name for f in fishing.at_sea] + [""], dtype=object)
        self.legit_kind = np.concatenate(
            [self.legit_kind, np.where(ft.fleet >= 0, "fishing", "visitor")]
        )
        self.legit_fleet = np.concatenate([self.legit_fleet, names[ft.fleet]])

    def _index(self) -> None:
        """The longest leg, and the legs grouped by ship (one ship's track is then a slice)."""
        n = len(self.legit_dark)
        self.legit_max_dur_h = (
            float(np.max(self.legit_legs[:, 1] - self.legit_legs[:, 0]))
            if len(self.legit_legs)
            else 0.0
        )
        self._legit_tracks: dict[int, Track] = {}
        # legs sorted by start: a stable sort by ship gives (ship, start) order (as lexsort);
        # each ship's share of it is counted (the ids run 0 .. n - 1)
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.legit_ids, minlength=n), out=offsets[1:])
        self._legit_rows = ShipRows(
            by_vessel_then_start(self.legit_legs[:, 0], self.legit_ids), offsets
        )

    def legit_track(self, i: int) -> Track:
        """Legitimate ship ``i``'s track (its whole run of legs: a pure function of ``i``).

        Memoised for the few ships being reported or pursued at a time, not for every ship
        ever reported: a year's legs per ship kept for thousands of ships was ~80 MB.
        """
        tr = self._legit_tracks.pop(i, None)
        if tr is None:
            tr = Track()
            tr.set(self.legit_legs[self._legit_rows.rows(i)])
            if len(self._legit_tracks) >= _LEGIT_TRACKS_KEPT:
                del self._legit_tracks[next(iter(self._legit_tracks))]  # least recently used
        self._legit_tracks[i] = tr
        return tr

    def legit_position(self, i: int, t_h: float) -> tuple[float, float]:
        """Legitimate ship ``i``'s position at ``t_h``: ``legit_track(i).position(t_h)``.

        Without building the track: its year of legs lies scattered over the time-sorted
        table, and gathering them (~1,500 rows, a cache miss each) for one position was
        180 us per reported contact; a binary search over the ship's rows reads a dozen.
        """
        tr = self._legit_tracks.get(i)
        if tr is not None:
            return tr.position(t_h)
        rows = self._legit_rows.rows(i)
        if not len(rows):
            raise ValueError("empty track")
        x, y = _kernels.position_in_rows(self.legit_legs, rows, float(t_h))
        return float(x), float(y)

    def tracks_frame(self, end_h: float) -> pd.DataFrame:
        """Every legitimate ship's sailed legs up to ``end_h`` (``TRACK_COLUMNS``)."""
        end = end_h
        legit = self.legit_legs[self.legit_legs[:, 0] < end]
        ids = self.legit_ids[self.legit_legs[:, 0] < end]
        t0 = np.maximum(legit[:, 0], 0.0)
        t1 = np.minimum(legit[:, 1], end)
        x0 = legit[:, 2] + legit[:, 4] * (t0 - legit[:, 0])
        y0 = legit[:, 3] + legit[:, 5] * (t0 - legit[:, 0])
        on = ~self.legit_dark[ids]
        names = np.array([f"L{i}" for i in ids], dtype=object)
        return pd.DataFrame(
            {
                "vessel": names,
                "role": "legit",
                "t0_h": t0,
                "t1_h": t1,
                "x0_m": x0,
                "y0_m": y0,
                "x1_m": x0 + legit[:, 4] * (t1 - t0),
                "y1_m": y0 + legit[:, 5] * (t1 - t0),
                "ais_on": on,
                "identity": np.where(on, names, ""),
                "activity": "transit",
            }
        )
