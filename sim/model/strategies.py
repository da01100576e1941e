"""Patrol strategies: how an asset spends its time on station.

A strategy turns "I am at (x, y) at time t and may patrol until t_end" into legs
(see ``sim.model.motion``). Each is one small class registered in
``STRATEGIES``; adding a strategy means adding a class here and a name to the
``Strategy.kind`` literal in the schema.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar, cast

import numpy as np
import shapely

from sim.model import _kernels
from sim.model.motion import hold_leg, legs_along
from sim.units import KN_M_PER_H, NM_M

if TYPE_CHECKING:
    from sim.scenarios.schema import Strategy

__all__ = ["PatrolStrategy", "STRATEGIES", "make_strategy", "PatrolContext"]

_MIN_LEG_M = 500.0
"""A billiard making over 1,000 bounces shorter than this in a row is stuck (degenerate area)."""


class PatrolContext(Protocol):
    """What a strategy may use: the asset's areas as metric polygons, its generator, its speed."""

    rng: np.random.Generator

    def area_polygon(self, name: str) -> shapely.Geometry:
        """Metric polygon of a patrol area (kept off the coast)."""
        ...

    def sample_in_area(self, name: str, n: int) -> np.ndarray:
        """Uniform points of the patrol polygon, from the asset's stream."""
        ...

    def site(self, name: str) -> np.ndarray:
        """A fixed candidate site of the area, drawn with the caller's stream."""
        ...

    def seaway(self, pts: np.ndarray) -> np.ndarray:
        """The waypoints re-laid over water where a straight leg would cross land.

        Ships keep to water; aircraft get the waypoints unchanged.
        """
        ...


class PatrolStrategy:
    """Base class: legs on station between ``t_h`` and ``t_end_h`` starting from ``xy``."""

    def __init__(self, spec: Strategy, speed_kn: float) -> None:
        self.spec = spec
        self.speed_kn = speed_kn

    def entry_point(self, ctx: PatrolContext, xy: np.ndarray) -> np.ndarray:
        """Where the asset should arrive to start patrolling (default: a site of its first area)."""
        return ctx.site(self.spec.areas[0])

    def legs(self, ctx: PatrolContext, xy: np.ndarray, t_h: float, t_end_h: float) -> np.ndarray:
        """On-station legs from ``xy`` at ``t_h``, ending no later than ``t_end_h``."""
        raise NotImplementedError

    def stopped(self, t_h: float) -> None:
        """The asset left its last plan at ``t_h`` (tasking, the end of time on station).

        Strategies with a memory (a sweep) resume from where the asset really got to, not
        from where the plan would have taken it. The default keeps no memory.
        """

    def _follow(
        self, ctx: PatrolContext, pts: np.ndarray, t_h: float, t_end_h: float
    ) -> np.ndarray:
        """Legs along the waypoints (made seaworthy by the context first), cut at ``t_end_h``."""
        legs = legs_along(ctx.seaway(pts), t_h, self.speed_kn)
        legs = legs[legs[:, 0] < t_end_h]
        if len(legs):
            legs[-1, 1] = min(legs[-1, 1], t_end_h)
            last_end = legs[-1, 1]
        else:
            last_end = t_h
        if last_end < t_end_h:  # ran out of waypoints: hold at the last point
            end = legs[-1] if len(legs) else None
            x = pts[0, 0] if end is None else end[2] + end[4] * (end[1] - end[0])
            y = pts[0, 1] if end is None else end[3] + end[5] * (end[1] - end[0])
            legs = np.vstack([legs, hold_leg(x, y, last_end, t_end_h)])
        return legs


class RandomSearch(PatrolStrategy):
    """Random search: straight legs across the area, a new direction drawn at each boundary.

    Directions leaving the boundary follow Lambert's cosine law about the inward
    normal. A billiard with that rule spreads its track uniformly over a convex area
    (the Knudsen-gas result), which is the condition under which Koopman's random-search
    formula ``1 - exp(-W v t / A)`` holds. Random waypoints would not do: their paths
    crowd the middle of the area.
    """

    def legs(self, ctx: PatrolContext, xy: np.ndarray, t_h: float, t_end_h: float) -> np.ndarray:
        return self._follow(
            ctx,
            self.path(ctx, self._area(ctx), xy, (t_end_h - t_h) * self.speed_kn * KN_M_PER_H),
            t_h,
            t_end_h,
        )

    def _area(self, ctx: PatrolContext) -> str:
        return self.spec.areas[0]

    def path(self, ctx: PatrolContext, area: str, xy: np.ndarray, length_m: float) -> np.ndarray:
        """Waypoints of a Lambertian billiard of at least ``length_m`` starting at ``xy``."""
        poly = ctx.area_polygon(area)
        rng = ctx.rng
        a, e, normals = _boundary_segments(poly)
        on_area = shapely.contains_xy(poly, xy[0], xy[1]) or shapely.dwithin(
            poly, shapely.Point(xy), 1.0
        )
        if not on_area:  # arriving from outside: head to a random inside point
            first = ctx.sample_in_area(area, 1)[0]
            pts, p = [xy, first], first
        else:
            pts, p = [xy], xy
        # the walk itself is compiled; it takes its uniforms from a block drawn ahead, and the
        # generator is then advanced by exactly the draws used (as if drawn one by one)
        state = rng.bit_generator.state
        n = 256
        while True:
            status, walk, used = _kernels.billiard(
                a,
                e,
                normals,
                float(p[0]),
                float(p[1]),
                float(length_m),
                rng.random(n),
                _MIN_LEG_M,
                1000,
            )
            if status != 2:
                break
            rng.bit_generator.state = state
            n *= 4
        rng.bit_generator.state = state
        rng.random(used)
        if status == 1:
            raise RuntimeError(f"random search cannot move inside area {area!r}")
        return np.vstack([np.asarray(pts), walk])


_T = TypeVar("_T")
_POLY_MEMO: dict[tuple[str, int], tuple[shapely.Geometry, object]] = {}
"""(what, id(polygon)) -> (polygon, value) for values that are pure functions of a patrol polygon
(boundary segments, station point). Patrol polygons are built once per theater, so this stays
small (capped all the same); the polygon is kept so its id cannot be reused."""


def _per_polygon(
    what: str, poly: shapely.Geometry, compute: Callable[[shapely.Geometry], _T]
) -> _T:
    """``compute(poly)``, memoised per polygon object."""
    hit = _POLY_MEMO.get((what, id(poly)))
    if hit is not None and hit[0] is poly:
        return cast(_T, hit[1])
    value = compute(poly)
    if len(_POLY_MEMO) > 256:
        _POLY_MEMO.clear()
    _POLY_MEMO[(what, id(poly))] = (poly, value)
    return value


def _boundary_segments(poly: shapely.Geometry) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The polygon's boundary as straight segments with their inward unit normals.

    The billiard needs, per bounce, the nearest boundary crossing of a ray and the normal
    there; a vectorised ray cast over these arrays does it in microseconds, where a Shapely
    ray-boundary intersection plus projection cost ~0.3 ms per bounce.
    """
    return _per_polygon("segments", poly, _segments_of)


def _segments_of(poly: shapely.Geometry) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    oriented = shapely.orient_polygons(
        poly, exterior_cw=False
    )  # exterior CCW, holes CW: inside is on the left
    rings = shapely.get_rings(oriented)
    a_parts, e_parts = [], []
    for ring in rings:
        c = shapely.get_coordinates(ring)
        a_parts.append(c[:-1])
        e_parts.append(np.diff(c, axis=0))
    a = np.vstack(a_parts)
    e = np.vstack(e_parts)
    length = np.hypot(e[:, 0], e[:, 1])
    keep = length > 0
    a, e, length = a[keep], e[keep], length[keep]
    normals = np.column_stack([-e[:, 1], e[:, 0]]) / length[:, None]
    return a, e, normals


class HotspotSearch(RandomSearch):
    """Random search in one area at a time, areas drawn by intelligence weight every ``dwell_h``."""

    def legs(self, ctx: PatrolContext, xy: np.ndarray, t_h: float, t_end_h: float) -> np.ndarray:
        out = []
        t = t_h
        while t < t_end_h - 1e-9:
            t_next = min(t_end_h, t + self.spec.dwell_h)
            pts = self.path(
                ctx,
                self._area(ctx),
                np.asarray(xy, dtype=float),
                (t_next - t) * self.speed_kn * KN_M_PER_H,
            )
            seg = self._follow(ctx, pts, t, t_next)
            out.append(seg)
            last = seg[-1]
            xy = np.array(
                [last[2] + last[4] * (last[1] - last[0]), last[3] + last[5] * (last[1] - last[0])]
            )
            t = t_next
        return np.vstack(out) if out else np.zeros((0, 6))

    def _area(self, ctx: PatrolContext) -> str:
        w = np.asarray(self.spec.weights or [1.0] * len(self.spec.areas), dtype=float)
        return self.spec.areas[int(ctx.rng.choice(len(w), p=w / w.sum()))]


class ParallelSweep(PatrolStrategy):
    """Parallel tracks (a lawnmower) across the area, spaced at most ``track_spacing_nm``.

    The sweep is a resumable plan: the asset keeps its place in the pattern across re-plans
    (a ship's daily plan, a pursuit) and sorties (an aircraft), so it goes on with the next
    lane instead of starting again at the first one. After the last lane it sweeps back.
    """

    def __init__(self, spec: Strategy, speed_kn: float, spacing_m: float) -> None:
        super().__init__(spec, speed_kn)
        self.spacing_m = spacing_m
        self.next_waypoint = 0
        """Index (into the endless back-and-forth pattern) of the next waypoint to reach."""
        self._plan: tuple[int, np.ndarray] | None = None
        self._stopped_h = math.inf

    def pattern(self, ctx: PatrolContext) -> np.ndarray:
        """Waypoints of one full sweep of the first area.

        Lanes are spread evenly so that the strips they sweep (half a spacing either side)
        cover the whole box, the last strip included: ``ceil(height / spacing)`` lanes, their
        spacing at most the declared one.
        """
        poly = ctx.area_polygon(self.spec.areas[0])
        return _per_polygon(f"sweep/{self.spacing_m:.3f}", poly, self._lanes).copy()

    def _lanes(self, poly: shapely.Geometry) -> np.ndarray:
        x0, y0, x1, y1 = poly.bounds
        n = max(1, math.ceil((y1 - y0) / self.spacing_m - 1e-9))
        step = (y1 - y0) / n
        pts = []
        flip = False
        for i in range(n):
            y = y0 + (i + 0.5) * step
            line = shapely.LineString([(x0 - 1, y), (x1 + 1, y)]).intersection(poly)
            if not line.is_empty:
                xs = np.array(line.bounds)[[0, 2]]
                seg = [(xs[0], y), (xs[1], y)]
                pts.extend(seg[::-1] if flip else seg)
                flip = not flip
        return np.array(pts) if pts else np.array([poly.centroid.coords[0]])

    @staticmethod
    def waypoint(pat: np.ndarray, k: int) -> np.ndarray:
        """The k-th waypoint of the endless pattern: forward, then back, then forward..."""
        n = len(pat)
        if n < 2:
            return pat[0]
        period = 2 * (n - 1)
        j = k % period
        return pat[j if j < n else period - j]

    def _resume(self, t_h: float) -> None:
        """Advance ``next_waypoint`` past the waypoints the last plan reached before ``t_h``."""
        if self._plan is not None:
            k0, arrivals = self._plan
            until = min(t_h, self._stopped_h)
            self.next_waypoint = k0 + int(np.searchsorted(arrivals, until + 1e-9, side="left"))
            self._plan = None
        self._stopped_h = math.inf

    def stopped(self, t_h: float) -> None:
        self._stopped_h = min(self._stopped_h, t_h)

    def entry_point(self, ctx: PatrolContext, xy: np.ndarray) -> np.ndarray:
        self._resume(math.inf)
        return self.waypoint(self.pattern(ctx), self.next_waypoint)

    def legs(self, ctx: PatrolContext, xy: np.ndarray, t_h: float, t_end_h: float) -> np.ndarray:
        self._resume(t_h)
        pat = self.pattern(ctx)
        span_m = (t_end_h - t_h) * self.speed_kn * KN_M_PER_H
        k0 = self.next_waypoint
        way = [self.waypoint(pat, k0)]
        run_m = float(np.hypot(*(way[0] - xy)))
        while run_m <= span_m and len(way) < 100_000:
            nxt = self.waypoint(pat, k0 + len(way))
            run_m += float(np.hypot(*(nxt - way[-1])))
            way.append(nxt)
        legs = self._follow(ctx, np.vstack([xy[None, :], np.array(way)]), t_h, t_end_h)
        self._plan = (k0, _arrivals(legs, np.array(way)))
        return legs


def _arrivals(legs: np.ndarray, way: np.ndarray) -> np.ndarray:
    """Planned arrival time at each waypoint (in order; inf for those beyond the plan).

    Legs may include detours the seaway inserted between waypoints, so each waypoint is
    matched to the first later leg that ends within 1 m of it.
    """
    out = np.full(len(way), math.inf)
    if not len(legs):
        return out
    ends = legs[:, 2:4] + legs[:, 4:6] * (legs[:, 1] - legs[:, 0])[:, None]
    i = 0
    for j, p in enumerate(way):
        d = np.hypot(ends[i:, 0] - p[0], ends[i:, 1] - p[1])
        hit = np.flatnonzero(d <= 1.0)
        if len(hit):  # else skipped (where the asset already was, or unreachable)
            i += int(hit[0])
            out[j] = legs[i, 1]
            i += 1
    # a skipped waypoint counts as passed when the next one is reached (keeps it sorted)
    for j in range(len(out) - 2, -1, -1):
        if not math.isfinite(out[j]):
            out[j] = out[j + 1]
    return out


class BarrierPatrol(PatrolStrategy):
    """Back and forth along a line (a barrier across a strait or approach)."""

    def __init__(self, spec: Strategy, speed_kn: float, line_xy: np.ndarray) -> None:
        super().__init__(spec, speed_kn)
        self.line_xy = line_xy

    def entry_point(self, ctx: PatrolContext, xy: np.ndarray) -> np.ndarray:
        return self.line_xy[0]

    def legs(self, ctx: PatrolContext, xy: np.ndarray, t_h: float, t_end_h: float) -> np.ndarray:
        a, b = self.line_xy
        length_m = float(np.hypot(*(b - a))) + 1.0
        reps = int(math.ceil((t_end_h - t_h) * self.speed_kn * KN_M_PER_H / length_m)) + 2
        pts = [xy[None, :]] + [np.array([b, a]) for _ in range(reps)]
        return self._follow(ctx, np.vstack(pts), t_h, t_end_h)


class Station(PatrolStrategy):
    """Hold a point; also the waiting posture of cued assets.

    The point is the first area's centroid, or the nearest point of the area to it when the
    area is not convex enough to contain its centroid.
    """

    def entry_point(self, ctx: PatrolContext, xy: np.ndarray) -> np.ndarray:
        return _per_polygon("station", ctx.area_polygon(self.spec.areas[0]), _station_point).copy()

    def legs(self, ctx: PatrolContext, xy: np.ndarray, t_h: float, t_end_h: float) -> np.ndarray:
        target = self.entry_point(ctx, xy)
        return self._follow(ctx, np.vstack([xy, target]), t_h, t_end_h)


def _station_point(poly: shapely.Geometry) -> np.ndarray:
    c = poly.centroid
    if shapely.contains_xy(poly, c.x, c.y):
        return np.array([c.x, c.y])
    inner = shapely.buffer(poly, -100.0)  # a point just inside, not on the boundary
    target = inner if not inner.is_empty else poly
    return np.array(shapely.get_coordinates(shapely.shortest_line(target, c))[0])


STRATEGIES = {
    "random": RandomSearch,
    "hotspot": HotspotSearch,
    "sweep": ParallelSweep,
    "barrier": BarrierPatrol,
    "station": Station,
    "cued": Station,
    "monitoring_cued": Station,
}


def make_strategy(
    spec: Strategy, speed_kn: float, sweep_width_m: float, barrier_xy: np.ndarray | None = None
) -> PatrolStrategy:
    """Build the strategy object for an asset group."""
    if spec.kind == "sweep":
        spacing = spec.track_spacing_nm * NM_M if spec.track_spacing_nm else sweep_width_m
        return ParallelSweep(spec, speed_kn, spacing)
    if spec.kind == "barrier":
        if barrier_xy is None:
            raise ValueError("barrier strategy needs a barrier line")
        return BarrierPatrol(spec, speed_kn, barrier_xy)
    return STRATEGIES[spec.kind](spec, speed_kn)
