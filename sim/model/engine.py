"""The model: build the world from a frozen scenario, run it in SimPy, collect the tables.

Run phases are fixed (build, run, collect), as in desmod. The ``Model`` is also
the *referee* between sensors and targets: whenever a mover's plan changes it
computes, in closed form and vectorised, when each sensor will first detect
each target (``sim.model.sensing``), and schedules those contacts as events.
Contacts whose sensor or target re-planned in the meantime are discarded.
"""

from __future__ import annotations

import functools
import json
import math
import weakref
import zlib
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import shapely
import simpy

from sim.errors import UserError
from sim.geo.theater import sample_points_in_polygon
from sim.model import _kernels, sensing
from sim.model.assets import Acquired, Asset, Dispatch, asset_process
from sim.model.interdiction import decide
from sim.model.kinds import ProcessGenerator
from sim.model.motion import Track, legs_along
from sim.model.picture import Contact
from sim.model.records import TRACK_COLUMNS, Event
from sim.model.records import EventKind as K
from sim.model.records import Reason as R
from sim.model.smugglers import (
    Boarded,
    Held,
    IllicitVessel,
    Observed,
    Released,
    Voyage,
    VoyageRunner,
    voyage_source,
)
from sim.model.strategies import make_strategy
from sim.model.streams import Streams
from sim.scenarios.schema import AssetGroup, Program, Scenario
from sim.units import NM_M, km_to_nm

__all__ = ["Model", "TargetRef", "RouteCache"]

_DUSK_H = 18.0
_DAWN_H = 6.0
_CELL = "CELL"  # reports from the cell's own AIS watch may task any nation's assets
_SITES_PER_AREA = 48
_OFFSHORE_NM = 4.0
"""Sites, datum-search points and patrol legs keep this far off the coast: open water, where the
routing graph is visible without a slow local escape search (graph nodes sit 3 nm off)."""
_PATROL_CLEARANCE_M = _OFFSHORE_NM * NM_M
_STRAIGHT_CLEARANCE_NM = 0.5
_FIXED_SNAP_M = 1.0
"""A route endpoint this close to a fixed point (place, site) is that point (rounding of legs)."""


_LEGIT_TRACKS_KEPT = 64
"""Legitimate ships' tracks memoised at once (least recently used go first)."""
_LEGIT_MAX_LEG_H = 12.0
"""Legitimate legs are cut into pieces no longer than this (at the slowest traffic speed): a sensor
plan is checked against the legs that start within this long before it (legs sorted by start)."""


def _split_segments(
    starts: np.ndarray, d: np.ndarray, seg: np.ndarray, max_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A route's segments (starts, vectors, lengths) cut into equal pieces no longer than ``max_m``;
    returns (piece starts, unit directions, piece lengths).
    """
    if not len(seg):
        return starts, d, seg
    k = np.maximum(1, np.ceil(seg / max_m).astype(np.int64))
    src = np.repeat(np.arange(len(seg)), k)
    j = np.arange(len(src)) - np.repeat(np.cumsum(k) - k, k)
    unit = d[src] / seg[src, None]
    piece = seg[src] / k[src]
    return starts[src] + unit * (j * piece)[:, None], unit, piece


_PATROL_POLYS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""Per theater: area name -> patrol polygon (a pure function of the theater's geometry)."""


@dataclass(frozen=True)
class TargetRef:
    """A pursued vessel: a legitimate ship (``legit`` index) or an illicit one (``legit == -1``)."""

    vid: str
    legit: int = -1


class ZoneAt(NamedTuple):
    """Zone of one position: coastal state ('' on the high seas), kind, and DPRK-claimed flag."""

    state: str
    kind: str
    dprk_zone: bool


class RouteCache(dict):
    """Routes between the exact fixed points (places, sites), shared by the runs of one process.

    Routes between fixed points (places and the fixed rendezvous/entry sites) are the same in
    every replication; ``load``/``save`` keep them on disk beside the theater's routing graph,
    so a new process does not pay for them again. Each pair is stored once, from its lower
    endpoint (keys order by rounded x, then y); the other direction is the same lane reversed.
    """

    def __init__(self) -> None:
        super().__init__()
        self.fixed: set[tuple] = set()
        self.saved = 0

    @staticmethod
    def _key(theater: Any) -> str:
        from sim.geo import cache

        return cache.cache_key(
            "fixed-routes",
            {
                "name": theater.name,
                "bbox": theater.bbox,
                "data": getattr(theater, "_fingerprint", ""),
                "model": 6,
            },
        )  # bump when route answers change

    @classmethod
    def load(cls, theater: Any) -> RouteCache:
        """The cache with the fixed routes stored for this theater (empty if none)."""
        from sim.geo import cache

        rc = cls()
        arrays = cache.load_arrays(cls._key(theater))
        if arrays is not None:
            keys, offsets, coords = arrays["keys"], arrays["offsets"], arrays["coords"]
            for i, k in enumerate(keys.tolist()):
                key = tuple(json.loads(k))
                key = (*key[:4], tuple(key[4]), tuple(key[5]))
                rc[key] = coords[offsets[i] : offsets[i + 1]]
                rc.fixed.add(key)
            rc.saved = len(rc.fixed)
        return rc

    def save(self, theater: Any) -> None:
        """Store the fixed routes if new ones were added since the last load or save."""
        from sim.geo import cache

        if len(self.fixed) <= self.saved:
            return
        with cache.locked(self._key(theater)):
            # other processes (workers, a parallel test run) may have saved routes since this
            # one loaded: merge theirs in rather than overwrite them (the answers are the same
            # deterministic routes, whoever computed them)
            disk = RouteCache.load(theater)
            for k in disk.fixed - self.fixed:
                self[k] = disk[k]
                self.fixed.add(k)
            keys = sorted(self.fixed)
            coords = [self[k] for k in keys]
            offsets = np.concatenate([[0], np.cumsum([len(c) for c in coords])])
            cache.save_arrays(
                self._key(theater),
                {
                    "keys": np.array([json.dumps([*k[:4], list(k[4]), list(k[5])]) for k in keys]),
                    "offsets": offsets,
                    "coords": np.vstack(coords),
                },
            )
        self.saved = len(self.fixed)


class _Ctx:
    """The patrol context a strategy sees (areas, sampling, the run's generator); ships' waypoints
    are re-laid over water, aircraft fly straight.
    """

    def __init__(self, model: Model, over_water: bool, rng: np.random.Generator) -> None:
        self.m = model
        self.rng = rng
        self.over_water = over_water

    def seaway(self, pts: np.ndarray) -> np.ndarray:
        return self.m.seaway(pts) if self.over_water else pts

    def area_polygon(self, name: str) -> shapely.Geometry:
        return self.m.area_polygon(name)

    def sample_in_area(self, name: str, n: int) -> np.ndarray:
        """Uniform points of the patrol polygon (the area kept off the coast), not of the raw area:
        a patrol entering its area heads for open water, which routes without a coastal escape.
        """
        return sample_points_in_polygon(self.m.area_polygon(name), n, self.rng)

    def site(self, name: str) -> np.ndarray:
        return self.m.site(name, self.rng)


class Model:
    """One replication of a scenario. Use :func:`sim.run` rather than this class directly."""

    def __init__(
        self,
        scenario: Scenario,
        theater: Any,
        seed: Streams | np.random.SeedSequence | int,
        route_cache: RouteCache | None = None,
    ) -> None:
        self.scenario = scenario
        self.theater = theater
        self.streams = seed if isinstance(seed, Streams) else Streams(seed)
        self.env = simpy.Environment()
        self.events: list[Event] = []
        # Routes of this run (1 km endpoint keys: the first query of a key decides, as in a cold
        # run); the shared cache only serves routes between the exact fixed points, which are the
        # same in every run, so results never depend on what ran before in the process.
        self.routes: dict[tuple, np.ndarray] = {}
        self.shared_routes = route_cache if route_cache is not None else RouteCache()
        self._areas: dict[str, shapely.Geometry] = {}
        self._site_pool: dict[str, np.ndarray] = {}
        self._fixed_points: dict[tuple[float, float], tuple[float, float]] = {
            (round(float(x), -3), round(float(y), -3)): (float(x), float(y))
            for x, y in zip(theater.ports["x_m"], theater.ports["y_m"])
        }
        lon0, lat0, lon1, lat1 = theater.bbox
        self._solar_offset_h = ((lon0 + lon1) / 2.0) / 15.0
        self._vessel_counter = {"F": 0, "D": 0}
        self._program_voyages: dict[str, int] = {}
        self.illicit: dict[str, IllicitVessel] = {}
        self.active_illicit: dict[str, IllicitVessel] = {}
        self.voyages: list[Voyage] = []
        self.assets: list[Asset] = []
        self.pursued: set[str] = set()
        self.hands_off: dict[str, float] = {}
        self._reported: dict[tuple[str, str], float] = {}
        self._last_contact: dict[tuple[str, str], float] = {}
        self._sightings: list[tuple[float, str]] = []
        self.track_rows: list[tuple] = []
        self.escalations = 0
        self.false_positive_boardings = 0
        self.legit_contacts = 0
        self._pending_contacts: dict[int, tuple[int, np.ndarray]] = {}
        self._build_traffic()
        self._build_assets()
        for program in scenario.programs:
            arrivals = self.streams.get(f"program/{program.name}/arrivals")
            self.env.process(voyage_source(self, program, arrivals))
        if scenario.coordination.ais_monitoring:
            self.env.process(self._ais_watch())
        if scenario.coordination.ais_analytics:
            self.env.process(self._ais_analytics())

    # ------------------------------------------------------------- geography
    def place_xy(self, name: str) -> np.ndarray:
        """Metric position of a named place."""
        p = self.theater.place(name)
        return np.array([float(p.x_m), float(p.y_m)])

    def area_polygon(self, name: str) -> shapely.Geometry:
        """Metric polygon of a named area kept ``_OFFSHORE_NM`` off every coast and island.

        The margin applies against land only; open-sea edges are where the area declares them.
        Cached per theater.
        """
        if name not in self._areas:
            shared = _PATROL_POLYS.setdefault(
                self.theater, {}
            )  # the same in every run: cache per theater
            if name not in shared:
                shared[name] = self._patrol_polygon(name)
            self._areas[name] = shared[name]
        return self._areas[name]

    def _patrol_polygon(self, name: str) -> shapely.Geometry:
        """The area as declared, less a ``_OFFSHORE_NM`` margin along the land only.

        Shrinking the whole polygon (as before) also pulled its open-sea edges inward, so the
        area searched was smaller than the one declared (about 9% of the ECS patrol box).
        """
        area = self.theater.area(name).polygon_xy
        x0, y0, x1, y1 = area.bounds
        pad = _PATROL_CLEARANCE_M + 1000.0
        land = shapely.clip_by_rect(self.theater.land_xy, x0 - pad, y0 - pad, x1 + pad, y1 + pad)
        if not land.is_empty:
            area = area.difference(shapely.buffer(land, _PATROL_CLEARANCE_M, quad_segs=4))
        poly = shapely.simplify(area, 200.0)
        if isinstance(poly, shapely.MultiPolygon):  # keep the main body of water
            poly = max(poly.geoms, key=lambda g: g.area)
        if poly.is_empty:
            poly = self.theater.area(name).polygon_xy
        shapely.prepare(poly)
        return poly

    def site(self, area: str, rng: np.random.Generator) -> np.ndarray:
        """A point of the area drawn with the caller's stream from a fixed pool of candidate sites.

        Rendezvous points and patrol entry points come from ``_SITES_PER_AREA`` fixed candidates
        per area (a design choice, not random state): routes to them are cached, so a year of
        voyages costs a few hundred route queries instead of thousands.
        """
        pool = self._site_pool.get(area)
        if pool is None:
            seed = zlib.crc32(f"{self.theater.name}/{area}".encode())
            cand = self.theater.sample_points_in_area(
                area, 8 * _SITES_PER_AREA, np.random.default_rng(seed)
            )
            far = self.offshore(cand)
            pool = (far if len(far) >= _SITES_PER_AREA // 4 else cand)[:_SITES_PER_AREA]
            self._site_pool[area] = pool
            self._fixed_points.update(
                ((round(float(x), -3), round(float(y), -3)), (float(x), float(y))) for x, y in pool
            )
        return pool[int(rng.integers(len(pool)))]

    def route_xy(
        self,
        a_xy: np.ndarray,
        b_xy: np.ndarray,
        avoid: tuple[str, ...] = (),
        prefer: tuple[str, ...] = (),
    ) -> np.ndarray:
        """Polyline (metres) over water from a to b, cached on endpoints rounded to 1 km.

        Between points that are not both fixed, with no zones to avoid or prefer, a straight
        line that keeps ``_STRAIGHT_CLEARANCE_NM`` off every coast is the route (checked on the
        distance raster) and the graph is not searched.
        """
        ka, kb = (
            (round(float(a_xy[0]), -3), round(float(a_xy[1]), -3)),
            (round(float(b_xy[0]), -3), round(float(b_xy[1]), -3)),
        )
        key = (*ka, *kb, tuple(avoid), tuple(prefer))
        hit = self.routes.get(key)
        if hit is not None:
            return hit
        a0, b0 = a_xy, b_xy
        fa, fb = self._fixed_at(ka, a_xy), self._fixed_at(kb, b_xy)
        fixed = fa is not None and fb is not None
        if fixed:
            # one route per pair of fixed points, stored from the lower endpoint (the costs
            # are symmetric, so b->a is a->b reversed): a voyage out and the voyage home
            # share a lane, and a first run computes half as many routes
            flip = kb < ka
            skey = (*kb, *ka, key[4], key[5]) if flip else key
            hit = self.shared_routes.get(skey)
            if hit is not None:
                hit = hit[::-1].copy() if flip else hit.copy()
                hit[0], hit[-1] = a_xy, b_xy
            # a miss is solved (and shared) between the exact fixed points, lower end first
            a_xy, b_xy = (fb, fa) if flip else (fa, fb)
        elif not avoid and not prefer:
            a2, b2 = np.asarray(a_xy, dtype=float), np.asarray(b_xy, dtype=float)
            if self._straight_clear(a2[None], b2[None])[0]:  # open water: no search needed
                hit = np.vstack([a2, b2])
        if hit is None:
            zones = tuple((s, "territorial") for s in avoid)
            try:
                r = self.theater.route_xy(
                    (float(a_xy[0]), float(a_xy[1])),
                    (float(b_xy[0]), float(b_xy[1])),
                    avoid=zones,
                    prefer=tuple(prefer),
                )
            except UserError:
                # an endpoint hugging the coast or in an inlet: move it to open water and try once more
                a2 = self.theater.snap_to_water_xy(float(a_xy[0]), float(a_xy[1]))[:2]
                b2 = self.theater.snap_to_water_xy(float(b_xy[0]), float(b_xy[1]))[:2]
                r = self.theater.route_xy(a2, b2, avoid=zones, prefer=tuple(prefer))
            hit = np.asarray(r.xy_m, dtype=float)
            hit[0], hit[-1] = a_xy, b_xy
            if fixed:
                self.shared_routes[skey] = hit
                self.shared_routes.fixed.add(skey)
                hit = hit[::-1].copy() if flip else hit.copy()
                hit[0], hit[-1] = a0, b0
        self.routes[key] = hit
        return hit

    def _fixed_at(self, k: tuple[float, float], p: Any) -> np.ndarray | None:
        """The fixed point (place or site) ``p`` stands for, if it lies within ``_FIXED_SNAP_M``
        of one: a vessel that held at a rendezvous site is there up to rounding of its legs.
        """
        f = self._fixed_points.get(k)
        if (
            f is None
            or abs(f[0] - float(p[0])) > _FIXED_SNAP_M
            or abs(f[1] - float(p[1])) > _FIXED_SNAP_M
        ):
            return None
        return np.array(f)

    def _straight_clear(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """For each segment a[i]->b[i], whether it keeps ``_STRAIGHT_CLEARANCE_NM`` off the coast
        (sampled every 500 m on the distance raster: :meth:`Theater.segments_off_coast_xy`).
        """
        return self.theater.segments_off_coast_xy(a, b, _STRAIGHT_CLEARANCE_NM)

    def offshore(self, pts: np.ndarray, min_nm: float = _OFFSHORE_NM) -> np.ndarray:
        """The points that lie at least ``min_nm`` off the coast (raster lookup)."""
        if not len(pts):
            return pts
        return pts[self.theater.distance_to_coast_nm_xy(pts[:, 0], pts[:, 1]) >= min_nm]

    def seaway(self, pts: np.ndarray) -> np.ndarray:
        """Waypoints re-laid over water: each straight leg that would pass within
        ``_STRAIGHT_CLEARANCE_NM`` of a coast becomes a route (islands inside a patrol box, the
        way into a new area). A waypoint the routing cannot reach (an enclosed inlet) is skipped.
        """
        pts = np.asarray(pts, dtype=float)
        if len(pts) < 2:
            return pts
        keep = np.ones(len(pts), dtype=bool)
        keep[1:] = np.hypot(*np.diff(pts, axis=0).T) > 1.0
        pts = pts[keep]
        clear = self._straight_clear(pts[:-1], pts[1:])
        if clear.all():
            return pts
        path = [pts[:1]]
        here, j_here = pts[0], 0
        for j, b in enumerate(pts[1:], start=1):
            if j_here == j - 1 and clear[j - 1]:
                path.append(b[None, :])
                here, j_here = b, j
                continue
            try:
                path.append(self.route_xy(here, b)[1:])
                here, j_here = b, j
            except UserError:
                continue
        return np.vstack(path)

    def zone_xy(self, xy: Any) -> ZoneAt:
        """Zone at a metric position."""
        lon, lat = self.theater.to_lonlat(np.array([xy[0]]), np.array([xy[1]]))
        z = self.theater.zone_at(float(lon[0]), float(lat[0]))
        state = "" if z.kind == "high_seas" else str(z.state)
        dprk = bool(z.dprk_military_zone) or (state == "PRK" and z.kind == "territorial")
        return ZoneAt(state, str(z.kind), dprk)

    def is_night_array(self, t_h: np.ndarray) -> np.ndarray:
        """:meth:`is_night` for an array of times."""
        hour = (np.asarray(t_h) + self._solar_offset_h) % 24.0
        return (hour >= _DUSK_H) | (hour < _DAWN_H)

    def is_night(self, t_h: float) -> bool:
        """Local solar night (18:00-06:00) at the theater's central meridian."""
        hour = (t_h + self._solar_offset_h) % 24.0
        return hour >= _DUSK_H or hour < _DAWN_H

    def next_dusk_h(self, t_h: float) -> float:
        """The first local dusk at or after ``t_h`` (or ``t_h`` itself if it is already night)."""
        if self.is_night(t_h):
            return t_h
        hour = (t_h + self._solar_offset_h) % 24.0
        return t_h + (_DUSK_H - hour)

    # ---------------------------------------------------------------- logging
    def log(
        self,
        kind: str,
        *,
        vessel: str = "",
        asset: str = "",
        voyage: int = -1,
        xy: Any = (math.nan, math.nan),
        cargo_t: float = 0.0,
        reason: str = "",
        activity: str = "",
        place: str = "",
        ais: str = "",
    ) -> None:
        """Append one typed event record (``reason`` is a code of ``REASONS``)."""
        self.events.append(
            Event(
                self.env.now,
                kind,
                vessel,
                asset,
                voyage,
                float(xy[0]),
                float(xy[1]),
                float(cargo_t),
                reason,
                activity,
                place,
                ais,
            )
        )

    # ------------------------------------------------------------------ build
    def _build_traffic(self) -> None:
        """Pre-generate the whole year of legitimate voyages as legs (they do not react to patrols)."""
        tr = self.scenario.traffic
        rng = self.streams.get("traffic")
        names = (
            list(tr.places)
            if tr.places
            else [
                str(r.name)
                for r in self.theater.ports.itertuples()
                if r.kind in ("port", "gate") and r.state != "PRK"
            ]
        )
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
            start, direction = np.vstack(tpl_start), np.vstack(tpl_dir)
            seg_len, run = np.concatenate(tpl_len), np.concatenate(tpl_run)
            off = np.asarray(tpl_off)
            vp = voy_pair
            count = off[vp + 1] - off[vp]
            row = np.repeat(
                off[vp] - np.concatenate([[0], np.cumsum(count)[:-1]]), count
            ) + np.arange(count.sum())
            sp = np.repeat(voy_speed, count)
            legs = np.empty((len(row), 6))  # filled column by column: few full-size temporaries
            legs[:, 0] = np.repeat(voy_t, count)
            legs[:, 1] = legs[:, 0]
            legs[:, 0] += run[row] / sp
            legs[:, 1] += (run[row] + seg_len[row]) / sp
            legs[:, 2:4] = start[row]
            legs[:, 4:6] = direction[row]
            legs[:, 4:6] *= sp[:, None]
            del sp
            vid = np.repeat(voy_vessel.astype(np.int32), count)
            keep = np.flatnonzero((legs[:, 1] > 0) & (legs[:, 0] < end_h))
            order = keep[np.argsort(legs[keep, 0], kind="stable")]
            self.legit_legs, self.legit_ids = legs[order], vid[order]
            del legs, vid, keep, order, row
        else:
            self.legit_legs, self.legit_ids = np.zeros((0, 6)), np.zeros(0, dtype=np.int32)
        self.legit_max_dur_h = (
            float(np.max(self.legit_legs[:, 1] - self.legit_legs[:, 0]))
            if len(self.legit_legs)
            else 0.0
        )
        self._legit_tracks: dict[int, Track] = {}
        # legs grouped by vessel (in time order), so one ship's track is a slice, not a scan
        self._legit_by_vessel = np.lexsort((self.legit_legs[:, 0], self.legit_ids)).astype(np.int32)
        self._legit_offsets = np.searchsorted(
            self.legit_ids[self._legit_by_vessel], np.arange(n + 1)
        )

    def _build_assets(self) -> None:
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
                a.ctx = _Ctx(self, g.kind != "aircraft", a.rng)
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

    # ---------------------------------------------------------------- referee
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
            # live legs whose boxes come within range of the plan's box
            _, _, px0, py0, px1, py1 = a.track.bounds
            keep = _kernels.legs_near_box(self.legit_legs, lo, hi, now, px0, py0, px1, py1, r_m)
            if len(keep):
                ids, times = self._detect(a, self.legit_legs, self.legit_ids, now, rows=keep)
                self._legit_contacts_of_plan(a, ids, times)
        near = [v for v in self.active_illicit.values() if self._may_meet(a, v)]
        if near:  # one vectorised solve for all illicit vessels the plan may come near
            legs = np.vstack([v.track.legs for v in near])
            owner = np.repeat(np.arange(len(near)), [len(v.track.legs) for v in near])
            version = a.track.version
            for j, t in zip(*(x.tolist() for x in self._detect(a, legs, owner, now))):
                v = near[j]
                self._at(t, self._illicit_contact, a, version, v, v.track.version)

    def publish_target(self, v: IllicitVessel) -> None:
        """An illicit vessel has a new plan: schedule its first detection by every sensing asset."""
        for a in self.assets:
            if a.sensing and a.track.end_h > self.env.now:
                self._pair(a, v)

    def _may_meet(self, a: Asset, v: IllicitVessel) -> bool:
        """False when the two plans' boxes, the sensor's grown by its range, never overlap in space and time."""
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

    def _at(self, t_h: float, fn: Any, *args: Any) -> None:
        ev = self.env.timeout(max(0.0, t_h - self.env.now))
        ev.callbacks.append(lambda _ev: fn(*args))

    def _night_blind(self, a: Asset) -> bool:
        f = a.group.sensor.night_factor
        return f < 1.0 and self.is_night(self.env.now) and a.sensor_rng.random() >= f

    def _legit_contacts_of_plan(self, a: Asset, ids: np.ndarray, times: np.ndarray) -> None:
        """Sort a new plan's contacts with legitimate ships into the few that matter and the rest.

        Hundreds of thousands of contacts a year only add to the detection counts; a SimPy
        event each would be most of the run's events. So the night blindness and the
        classification draw are made here, vectorised, at publish time, and only contacts
        that raise a suspect, or that regain the ship this asset is pursuing, become events.
        The rest are counted by :meth:`_settle_contacts` when the plan is replaced or the run
        ends, up to that time: exactly the contacts that would have fired.
        """
        if not len(ids):
            return
        f = a.group.sensor.night_factor
        if f < 1.0:
            blind = self.is_night_array(times) & (a.sensor_rng.random(len(ids)) >= f)
            ids, times = ids[~blind], times[~blind]
        cls = self.scenario.classification
        p = np.where(
            self.legit_dark[ids], cls.dark_suspect_probability, cls.false_alarm_probability
        )
        suspect = a.classify_rng.random(len(ids)) < p
        task = a.task.legit if isinstance(a.task, TargetRef) else -1
        special = suspect | (ids == task)
        version = a.track.version
        for i, t, s in zip(
            ids[special].tolist(), times[special].tolist(), suspect[special].tolist()
        ):
            self._at(t, self._legit_contact, a, version, i, s)
        self._pending_contacts[a.index] = (version, np.sort(times[~special]))

    def _settle_contacts(self, a: Asset) -> None:
        """Count the quiet legitimate contacts of the plan being replaced that happened by now."""
        pending = self._pending_contacts.pop(a.index, None)
        if pending is None or pending[0] != a.track.version:
            return
        n = int(np.searchsorted(pending[1], self.env.now, side="right"))
        a.detections += n
        self.legit_contacts += n

    def _legit_contact(self, a: Asset, version: int, i: int, suspect: bool) -> None:
        if a.track.version != version:
            return
        self._legit_seen(a, i, suspect=suspect)

    def _legit_seen(
        self, a: Asset, i: int, delay_h: float = 0.0, suspect: bool | None = None
    ) -> None:
        """A legitimate ship is detected: the pursuer of a datum regains it, else it may be reported.

        ``suspect`` is the classification draw when it was made in advance (patrol plans);
        ``None`` draws it now (satellite passes).
        """
        a.detections += 1
        self.legit_contacts += 1
        ref = TargetRef(f"L{i}", i)
        if a.task is not None and a.task.vid == ref.vid and a.state == "datum":
            a.process.interrupt(Acquired(ref))
            return
        cls = self.scenario.classification
        dark = bool(self.legit_dark[i])
        if suspect is None:
            suspect = a.classify_rng.random() < (
                cls.dark_suspect_probability if dark else cls.false_alarm_probability
            )
        if suspect:
            self._suspect(
                a,
                ref,
                self.target_pos(ref),
                R.DARK_CONTACT if dark else R.FALSE_ALARM,
                delay_h=delay_h,
            )

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
        """An allied sensor has seen illicit vessel ``v``: log, classify, let smugglers react, report."""
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
        reason = "" if pursuing else self._classify(a, v, activity, ais)
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
        )
        if pursuing:
            a.process.interrupt(Acquired(ref))
            return
        # an aircraft or warship that finds a contact suspicious closes in to identify it, and is seen doing so
        if (
            reason
            and a.kind != "satellite"
            and (activity in ("sts", "wait") or voyage.method == "direct")
        ):
            self.observed(ref, a)
        if reason:
            self._suspect(a, ref, xy, reason, delay_h=delay_h)

    def _classify(self, a: Asset, v: IllicitVessel, activity: str, ais: bool) -> str:
        """The operators' classification of a contact: a ``Reason`` code, '' if not suspect."""
        cls, rng = self.scenario.classification, a.classify_rng
        if activity == "sts" and rng.random() < cls.sts_suspect_probability:
            v.voyage.sts_detected = True
            return R.ALONGSIDE
        if (
            v.watchlisted
            and self.scenario.coordination.watchlist
            and ((ais and not v.spoofed) or rng.random() < a.group.sensor.identify_probability)
        ):
            return R.WATCHLISTED
        if not ais and rng.random() < cls.dark_suspect_probability:
            return R.DARK_CONTACT
        return ""

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
        """Image one area: every vessel inside is detected with the pass probability (optical: daylight only)."""
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
            mask, x, y = sensing.positions_at(self.legit_legs[lo:hi], now)
            ids = self.legit_ids[lo:hi][mask]
            inside = shapely.contains_xy(poly, x, y)
            seen = inside & (a.sensor_rng.random(len(ids)) < g.detect_probability)
            for i in ids[seen].tolist():
                self._legit_seen(a, i, delay_h=g.processing_delay_h)
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

    # ------------------------------------------------------ reporting, the cell
    def _suspect(
        self, a: Asset, ref: TargetRef, xy: Any, reason: str, *, delay_h: float = 0.0
    ) -> None:
        now = self.env.now
        key = (a.aid, ref.vid)
        if now - self._reported.get(key, -math.inf) < self.scenario.coordination.report_memory_h:
            return
        self._reported[key] = now
        a.suspects += 1
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
        best, best_t = None, math.inf
        for a in self.assets:
            if not (a.boards and a.state == "patrol"):
                continue
            if not co.shared_picture and nation != _CELL and a.group.nation != nation:
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
                and (co.shared_picture or a.group.nation == nation)
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

    # ------------------------------------------------------- pursuit helpers
    def _legit_track(self, i: int) -> Track:
        """Legitimate ship ``i``'s track (its whole run of legs: a pure function of ``i``).

        Memoised for the few ships being reported or pursued at a time, not for every ship
        ever reported: a year's legs per ship kept for thousands of ships was ~80 MB.
        """
        tr = self._legit_tracks.pop(i, None)
        if tr is None:
            tr = Track()
            tr.set(
                self.legit_legs[
                    self._legit_by_vessel[self._legit_offsets[i] : self._legit_offsets[i + 1]]
                ]
            )
            if len(self._legit_tracks) >= _LEGIT_TRACKS_KEPT:
                del self._legit_tracks[next(iter(self._legit_tracks))]  # least recently used
        self._legit_tracks[i] = tr
        return tr

    def _track_of(self, ref: TargetRef) -> Track:
        return self._legit_track(ref.legit) if ref.legit >= 0 else self.illicit[ref.vid].track

    def target_pos(self, ref: TargetRef) -> tuple[float, float]:
        """True position of a target now."""
        return self._track_of(ref).position(self.env.now)

    def target_vel(self, ref: TargetRef) -> tuple[float, float]:
        """True velocity (m/h) of a target now."""
        return self._track_of(ref).velocity(self.env.now)

    def target_available(self, ref: TargetRef) -> bool:
        """Whether the target is still at sea and free."""
        if ref.legit >= 0:
            legs = self._legit_track(ref.legit).legs
            now = self.env.now
            return bool(np.any((legs[:, 0] <= now) & (legs[:, 1] > now)))
        v = self.illicit.get(ref.vid)
        return v is not None and v.active and not v.seized

    def contact(self, a: Asset, ref: TargetRef) -> Contact | None:
        """Referee: what the asset's own sensor reports of a target now, or None.

        None when the target is out of the sensor's range (5% slack: a detection at the edge
        of range is still held) or no longer at sea. The position carries the sensor's error
        (``sensor.position_error_nm``, drawn from the asset's sensor stream); course and speed
        come from the sensor's track of the vessel (no error modelled: an assumption).
        """
        if not self.target_available(ref):
            return None
        ax, ay = self.asset_pos(a)
        tx, ty = self.target_pos(ref)
        s = a.group.sensor
        if math.hypot(tx - ax, ty - ay) > 1.05 * s.range_nm * NM_M:
            return None
        err_m = s.position_error_nm * NM_M
        ex, ey = a.sensor_rng.normal(0.0, err_m, 2) if err_m > 0 else (0.0, 0.0)
        vx, vy = self.target_vel(ref)
        return Contact(self.env.now, a.aid, tx + float(ex), ty + float(ey), vx, vy, err_m)

    def asset_pos(self, a: Asset) -> tuple[float, float]:
        """Position of an asset now."""
        if not len(a.track.legs):
            return float(a.base_xy[0]), float(a.base_xy[1])
        return a.track.position(self.env.now)

    def datum_radius_m(self, task: Dispatch, t_arrival_h: float) -> float:
        """Uncertainty radius of a datum when the pursuer arrives (grows while unobserved)."""
        grow = self.scenario.coordination.track_uncertainty_growth_kn * NM_M
        return max(1.0, (t_arrival_h - task.t_h) * grow)

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
            flag="legit" if legit else v.flag,
            dprk_bound=False if legit else v.dprk_bound,
            rng=self.streams.get(f"interdiction/{ref.vid}"),
        )
        voyage_id = -1 if legit else v.voyage.vid
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
        if legit:
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
            if v.cargo_t > 0 or v.watchlisted or rules.blockade:
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
        """Seize or divert a vessel. Only a vessel carrying the voyage's cargo logs a seizure or
        diversion (so those events and the voyages' outcomes count the same thing); an empty
        one is ``vessel_detained``.
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
        """Deliver an allied action to the vessel's voyage process (or to its runner directly
        once the voyage is settled and its vessels are only sailing home).
        """
        if v.voyage.process is not None and v.voyage.process.is_alive:
            v.voyage.process.interrupt(cause)
        else:
            v.voyage.runner.react(cause, self.env.now)

    # ------------------------------------------------------------- smugglers
    def start_voyage(self, program: Program) -> None:
        """Begin one voyage of a program (called by the program's Poisson source).

        The k-th voyage of a program draws its plan from its own stream
        (``program/<name>/voyage/<k>``) and its reactions to allied action from another
        (``.../react``): a voyage's plan never depends on what patrols did to earlier ones.
        """
        k = self._program_voyages.get(program.name, 0)
        self._program_voyages[program.name] = k + 1
        rng = self.streams.get(f"program/{program.name}/voyage/{k}")
        method = "sts" if rng.random() < program.sts_share else "direct"
        cargo = float(rng.uniform(*program.cargo_t))
        counted = self.env.now >= self.scenario.warmup_days * 24.0
        voyage = Voyage(len(self.voyages), program, method, self.env.now, cargo, counted)
        self.voyages.append(voyage)
        voyage.runner = VoyageRunner(
            self, voyage, rng, self.streams.get(f"program/{program.name}/voyage/{k}/react")
        )
        voyage.process = self.env.process(voyage.runner.run())

    def new_vessel_id(self, prefix: str) -> str:
        """A fresh vessel identifier ('F12', 'D7')."""
        self._vessel_counter[prefix] += 1
        return f"{prefix}{self._vessel_counter[prefix]}"

    def add_illicit(self, v: IllicitVessel) -> None:
        """Register a new illicit vessel with the referee."""
        self.illicit[v.vid] = v
        self.active_illicit[v.vid] = v

    def archive(self, v: IllicitVessel, until_h: float) -> None:
        """Keep the sailed part of a vessel's plan for the tracks table (when the scenario records tracks)."""
        if self.scenario.record_tracks:
            self.track_rows.extend(v.executed_legs(until_h))

    def tracks_frame(self) -> pd.DataFrame:
        """Every vessel's sailed legs (``TRACK_COLUMNS``): legitimate traffic and illicit vessels."""
        end = self.env.now
        for v in self.illicit.values():
            self.archive(v, end)
        legit = self.legit_legs[self.legit_legs[:, 0] < end]
        ids = self.legit_ids[self.legit_legs[:, 0] < end]
        t0 = np.maximum(legit[:, 0], 0.0)
        t1 = np.minimum(legit[:, 1], end)
        x0 = legit[:, 2] + legit[:, 4] * (t0 - legit[:, 0])
        y0 = legit[:, 3] + legit[:, 5] * (t0 - legit[:, 0])
        on = ~self.legit_dark[ids]
        names = np.array([f"L{i}" for i in ids], dtype=object)
        df_l = pd.DataFrame(
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
        df_i = pd.DataFrame(self.track_rows, columns=list(TRACK_COLUMNS))
        out = pd.concat([df_l, df_i], ignore_index=True) if len(df_i) else df_l
        return out.sort_values(["vessel", "t0_h"], kind="stable").reset_index(drop=True)

    def retire(self, v: IllicitVessel) -> None:
        """The vessel is home (or seized): it leaves the sea picture."""
        self.archive(v, self.env.now)
        v.active = False
        self.active_illicit.pop(v.vid, None)
        self.pursued.discard(v.vid)

    def retire_later(self, v: IllicitVessel) -> None:
        """Retire the vessel when its current plan (the way home) ends."""
        self._at(max(self.env.now, v.track.end_h), self._retire_if_home, v, v.track.version)

    def _retire_if_home(self, v: IllicitVessel, version: int) -> None:
        if v.track.version == version and v.active:  # else re-planned (held, released) since
            self.retire(v)

    def pos(self, v: IllicitVessel) -> tuple[float, float]:
        """Position of an illicit vessel now."""
        return (
            v.track.position(self.env.now)
            if len(v.track.legs)
            else (float(v.home_xy[0]), float(v.home_xy[1]))
        )

    def recent_sightings(self, area: str, memory_h: float) -> int:
        """Patrol sightings reported by smugglers in an area within the last ``memory_h``."""
        t0 = self.env.now - memory_h
        return sum(1 for t, a in self._sightings if t >= t0 and a == area)

    # ---------------------------------------------------------------- run
    def run(self) -> None:
        """Run to the scenario's end, counting SimPy steps (events processed) on the way.

        Stepping through the public ``peek``/``step`` API processes the same events as
        ``env.run(until=...)`` (those before the end; the final ``run`` only moves the clock
        to the end), without reading SimPy's private event counter and queue.
        """
        env, until = self.env, self.scenario.duration_h
        steps = 0
        peek, step = env.peek, env.step
        while peek() < until:
            step()
            steps += 1
        env.run(until=until)
        self.simpy_steps = steps
        for a in self.assets:
            self._settle_contacts(a)
