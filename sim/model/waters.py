"""The model's sea: water routes and their caches, sites, patrol polygons and zone lookups.

No SimPy: every answer is a function of the theater (and of which routes were asked for first
in the run, for the 1 km route keys).

Routes between fixed points (places, the fixed candidate sites) are the same in every
replication; ``RouteCache`` keeps them across runs of one process and on disk. Other routes are
cached per run (``Waters.routes``), so results never depend on what ran before in the process.
"""

from __future__ import annotations

import json
import weakref
import zlib
from typing import Any, NamedTuple

import numpy as np
import shapely

from sim.errors import UserError
from sim.units import NM_M

__all__ = ["Waters", "RouteCache", "ZoneAt", "OFFSHORE_NM"]


_SITES_PER_AREA = 48
"""Fixed candidate sites per area (a design choice: routes to them are cached)."""
OFFSHORE_NM = 4.0
"""Sites, datum-search points and patrol legs keep this far off the coast: open water, where the
routing graph is visible without a slow local escape search (graph nodes sit 3 nm off)."""
_PATROL_CLEARANCE_M = OFFSHORE_NM * NM_M
_STRAIGHT_CLEARANCE_NM = 0.5
"""A straight leg this far off every coast needs no route search, nm (assumption)."""
_FIXED_SNAP_M = 1.0
"""A route endpoint this close to a fixed point (place, site) is that point (rounding of legs)."""


_PATROL_POLYS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""Per theater: area name -> patrol polygon (a pure function of the theater's geometry)."""


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
                "data": theater.fingerprint,
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


class Waters:
    """Routes, sites, patrol polygons and zones of one theater, for one run.

    Args:
        theater: the loaded theater.
        route_cache: routes between fixed points shared by the runs of one process (a fresh,
            empty one if None).
    """

    def __init__(self, theater: Any, route_cache: RouteCache | None = None) -> None:
        self.theater = theater
        # Routes of this run (1 km endpoint keys: the first query of a key decides, as in a cold
        # run); the shared cache only serves routes between the exact fixed points, which are the
        # same in every run, so results never depend on what ran before in the process.
        self.routes: dict[tuple, np.ndarray] = {}
        self.shared_routes = route_cache if route_cache is not None else RouteCache()
        self._areas: dict[str, shapely.Geometry] = {}
        self._site_pool: dict[str, np.ndarray] = {}
        self._fixed_points: dict[tuple[float, float], tuple[float, float]] = {
            (round(float(x), -3), round(float(y), -3)): (float(x), float(y))
            for x, y in zip(theater.ports["x_m"], theater.ports["y_m"], strict=True)
        }

    def place_xy(self, name: str) -> np.ndarray:
        """Metric position of a named place."""
        p = self.theater.place(name)
        return np.array([float(p.x_m), float(p.y_m)])

    def area_polygon(self, name: str) -> shapely.Geometry:
        """Metric polygon of a named area kept ``OFFSHORE_NM`` off every coast and island.

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
        """The area as declared, less a ``OFFSHORE_NM`` margin along the land only.

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
        if fa is not None and fb is not None:
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
                # an endpoint hugging the coast or in an inlet: move it to open water, try again
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
        """The fixed point (place or site) ``p`` stands for, if any.

        ``p`` stands for one within ``_FIXED_SNAP_M``: a vessel that held at a rendezvous site
        is there up to rounding of its legs.
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
        """For each segment a[i]->b[i], whether it keeps ``_STRAIGHT_CLEARANCE_NM`` off the coast.

        Sampled every 500 m on the distance raster (:meth:`Theater.segments_off_coast_xy`).
        """
        return self.theater.segments_off_coast_xy(a, b, _STRAIGHT_CLEARANCE_NM)

    def offshore(self, pts: np.ndarray, min_nm: float = OFFSHORE_NM) -> np.ndarray:
        """The points that lie at least ``min_nm`` off the coast (raster lookup)."""
        if not len(pts):
            return pts
        return pts[self.theater.distance_to_coast_nm_xy(pts[:, 0], pts[:, 1]) >= min_nm]

    def seaway(self, pts: np.ndarray) -> np.ndarray:
        """Waypoints re-laid over water.

        Each straight leg that would pass within ``_STRAIGHT_CLEARANCE_NM`` of a coast becomes a
        route (islands inside a patrol box, the way into a new area). A waypoint the routing
        cannot reach (an enclosed inlet) is skipped.
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
        """Zone at a metric position.

        Named by ``zone_at`` of its lon/lat, except where the zone raster is sure of every point
        within a cell (``Theater.zone_near_xy``): the same answer without two projections.
        """
        z = self.theater.zone_near_xy(float(xy[0]), float(xy[1]))
        if z is None:
            lon, lat = self.theater.to_lonlat(np.array([xy[0]]), np.array([xy[1]]))
            z = self.theater.zone_at(float(lon[0]), float(lat[0]))
        state = "" if z.kind == "high_seas" else str(z.state)
        dprk = bool(z.dprk_military_zone) or (state == "PRK" and z.kind == "territorial")
        return ZoneAt(state, str(z.kind), dprk)
