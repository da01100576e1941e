"""Verification against analytic search theory, in the ``open_water`` theater.

Each function runs the model's own patrol strategies (``sim.model.strategies``)
and its own detection referee (``sim.model.sensing.first_detections``, the code
the engine uses for every sensor/target pair) in a square search area of the
land-free ``open_water`` theater, and returns the measured detection probability
beside the closed-form one.

Conditions for each formula, and what the harness does to meet them:

- **Random search** (Koopman), ``P = 1 - exp(-W v t / A)``: the searcher's track is
  spread uniformly at random over A, and targets are stationary and uniform. The
  ``random`` strategy is a Lambertian billiard, whose track density is uniform over a
  convex area, with A the searcher's square. Two things separate a billiard from the
  ideal: (1) each leg is a chord of a random line, which passes within R of a given point
  with probability p = 2 pi R / perimeter, so the number of passes is binomial, not
  Poisson; the two agree when R is small against the side (we use R/side = 1/150);
  (2) legs end on the boundary and the next starts there, so passes near the edge come in
  correlated pairs (measured: detection there falls to about 0.8 of the analytic value).
  Targets are therefore placed in the central square of half the side.
- **Exhaustive parallel sweep**, ``P = min(1, W v t / A)``: lanes spaced exactly W = 2R
  with a cookie-cutter sensor, no overlap or gaps; the time spent turning between
  lanes is not coverage, so ``t`` counts time on the lanes only.
- **Transient target** (a transfer present for T hours) under random search,
  ``P = 1 - exp(-W v T / A)``: as random search, with each target present only in a
  window of length T placed uniformly within the searcher's time on station.
- **Barrier patrol**: a searcher runs back and forth along a line of length L at speed
  v; targets cross it perpendicularly at speed u at uniformly random points and times.
  In the target's frame the searcher passes at lateral range ``|s - x| u / sqrt(u^2+v^2)``,
  so a cookie-cutter detects when ``|s - x| <= D = R sqrt(1 + v^2/u^2)``; with s and x
  independent and uniform on [0, L], ``P = 1 - (1 - D/L)^2``. It ignores the turns at
  the ends, so it holds when D is small against L.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely

from sim.analysis.stats import t_interval
from sim.model.motion import legs_along
from sim.model.sensing import first_detections
from sim.model.strategies import make_strategy
from sim.scenarios.schema import Strategy
from sim.units import NM_M

__all__ = ["SearchCheck", "random_search", "parallel_sweep", "transient_target", "barrier_patrol"]


@dataclass(frozen=True)
class SearchCheck:
    """Measured detection probabilities (one per independent search) and the analytic value.

    Targets within one search share the searcher's track, so they are not independent
    trials; independent searches are. The interval is therefore a t interval over the
    per-search detected fractions.
    """

    name: str
    fractions: tuple[float, ...]
    analytic: float

    @property
    def measured(self) -> float:
        """Mean detected fraction over searches."""
        return float(np.mean(self.fractions))

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Student-t interval of the measured mean."""
        _, lo, hi = t_interval(np.asarray(self.fractions), level)
        return lo, hi

    @property
    def agrees(self) -> bool:
        """Whether the analytic value lies inside the 95% interval of the measurement."""
        lo, hi = self.interval()
        return lo <= self.analytic <= hi


class _Square:
    """A square search area centred on the theater's origin (open_water is all water)."""

    def __init__(self, side_m: float, rng: np.random.Generator) -> None:
        h = side_m / 2
        self.poly = shapely.box(-h, -h, h, h)
        self.side_m = side_m
        self.rng = rng

    def area_polygon(self, name: str) -> shapely.Geometry:
        return self.poly

    def sample_in_area(self, name: str, n: int) -> np.ndarray:
        h = self.side_m / 2
        return self.rng.uniform(-h, h, size=(n, 2))

    def site(self, name: str) -> np.ndarray:
        return self.sample_in_area(name, 1)[0]

    def seaway(self, pts: np.ndarray) -> np.ndarray:
        return pts  # open water: every straight leg is at sea


def _check_open_water(theater: object, side_m: float) -> None:
    h = side_m / 2
    xs = np.array([-h, h, h, -h, 0.0])
    ys = np.array([-h, -h, h, h, 0.0])
    if not np.all(theater.is_water_xy(xs, ys)):  # type: ignore[attr-defined]
        raise ValueError("the search square must lie on open water")


def _targets(ctx: _Square, n: int, half_side_m: float) -> np.ndarray:
    return ctx.rng.uniform(-half_side_m, half_side_m, size=(n, 2))


def _stationary(xy: np.ndarray, t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
    n = len(xy)
    return np.column_stack([t0, t1, xy[:, 0], xy[:, 1], np.zeros(n), np.zeros(n)])


def _count(searcher: np.ndarray, targets: np.ndarray, r_m: float, rng: np.random.Generator) -> int:
    ids, _ = first_detections(
        searcher,
        targets,
        np.arange(len(targets)),
        law="cookie_cutter",
        range_m=r_m,
        sweep_width_m=2 * r_m,
        reference_speed_m_h=1.0,
        rng=rng,
    )
    return len(ids)


def _random_search_fractions(
    theater: object,
    side_nm: float,
    range_nm: float,
    speed_kn: float,
    hours: float,
    targets: int,
    searches: int,
    seed: int,
    present_h: float | None = None,
) -> tuple[float, ...]:
    """Detected fraction per independent random search.

    Targets present all along or for ``present_h``.
    """
    rng = np.random.default_rng(seed)
    side_m, r_m = side_nm * NM_M, range_nm * NM_M
    _check_open_water(theater, side_m)
    ctx = _Square(side_m, rng)
    strat = make_strategy(Strategy(kind="random", areas=("box",)), speed_kn, 2 * r_m)
    fr = []
    for _ in range(searches):
        legs = strat.legs(ctx, ctx.sample_in_area("box", 1)[0], 0.0, hours)
        if present_h is None:
            start, end = np.zeros(targets), np.full(targets, hours)
        else:
            start = rng.uniform(0.0, hours - present_h, size=targets)
            end = start + present_h
        tg = _stationary(_targets(ctx, targets, side_m / 4), start, end)
        fr.append(_count(legs, tg, r_m, rng) / targets)
    return tuple(fr)


def random_search(
    theater: object,
    *,
    side_nm: float,
    range_nm: float,
    speed_kn: float,
    hours: float,
    targets: int,
    searches: int,
    seed: int,
) -> SearchCheck:
    """Koopman random search: ``searches`` independent searches.

    Each against ``targets`` stationary targets.
    """
    fr = _random_search_fractions(
        theater, side_nm, range_nm, speed_kn, hours, targets, searches, seed
    )
    coverage = 2 * range_nm * speed_kn * hours / side_nm**2
    return SearchCheck("random search", fr, 1 - math.exp(-coverage))


def parallel_sweep(
    theater: object,
    *,
    side_nm: float,
    range_nm: float,
    speed_kn: float,
    lane_hours: float,
    targets: int,
    searches: int,
    seed: int,
) -> SearchCheck:
    """Exhaustive parallel sweep with lanes spaced W = 2R.

    Stopped after ``lane_hours`` on the lanes.
    """
    rng = np.random.default_rng(seed)
    side_m, r_m = side_nm * NM_M, range_nm * NM_M
    _check_open_water(theater, side_m)
    ctx = _Square(side_m, rng)
    strat = make_strategy(Strategy(kind="sweep", areas=("box",)), speed_kn, 2 * r_m)
    pattern = strat.pattern(ctx)  # type: ignore[attr-defined]
    fr = []
    for _ in range(searches):
        # follow the lanes; time on the cross-over legs between lanes is added on top of lane_hours
        legs = legs_along(pattern, 0.0, speed_kn)
        lane = np.abs(legs[:, 5]) < 1e-9  # lanes run east-west
        lane_time = np.cumsum(np.where(lane, legs[:, 1] - legs[:, 0], 0.0))
        k = int(np.searchsorted(lane_time, lane_hours))
        legs = legs[: k + 1].copy()
        over = lane_time[min(k, len(lane_time) - 1)] - lane_hours
        if over > 0:
            legs[-1, 1] -= over
        tg = _stationary(
            _targets(ctx, targets, side_m / 2), np.zeros(targets), np.full(targets, legs[-1, 1])
        )
        fr.append(_count(legs, tg, r_m, rng) / targets)
    coverage = 2 * range_nm * speed_kn * lane_hours / side_nm**2
    return SearchCheck("parallel sweep", tuple(fr), min(1.0, coverage))


def transient_target(
    theater: object,
    *,
    side_nm: float,
    range_nm: float,
    speed_kn: float,
    present_h: float,
    hours: float,
    targets: int,
    searches: int,
    seed: int,
) -> SearchCheck:
    """Random search against targets present only for ``present_h`` (a ship-to-ship transfer)."""
    fr = _random_search_fractions(
        theater, side_nm, range_nm, speed_kn, hours, targets, searches, seed, present_h=present_h
    )
    coverage = 2 * range_nm * speed_kn * present_h / side_nm**2
    return SearchCheck("transient target", fr, 1 - math.exp(-coverage))


def barrier_patrol(
    theater: object,
    *,
    length_nm: float,
    range_nm: float,
    speed_kn: float,
    target_speed_kn: float,
    targets: int,
    patrols: int,
    seed: int,
) -> SearchCheck:
    """Back-and-forth barrier patrols (random phase each) against crossing targets.

    Targets cross at uniform points and times.
    """
    rng = np.random.default_rng(seed)
    length_m, r_m = length_nm * NM_M, range_nm * NM_M
    _check_open_water(theater, length_m)
    cycle_h = 2 * length_nm / speed_kn
    line = np.array([[-length_m / 2, 0.0], [length_m / 2, 0.0]])
    reps = 52
    pts = np.vstack([line[0]] + [line[::-1][i % 2] for i in range(1, 2 * reps)])
    u = target_speed_kn * NM_M
    far = 4 * r_m * (1 + speed_kn / target_speed_kn)
    fr = []
    for _ in range(patrols):
        legs = legs_along(pts, -rng.uniform(0, cycle_h), speed_kn)  # random phase of the patrol
        # each target crosses y = 0 at a uniform point and time, from far south to far north
        x = rng.uniform(-length_m / 2, length_m / 2, targets)
        t_cross = rng.uniform(5 * cycle_h, 45 * cycle_h, targets)
        tg = np.column_stack(
            [
                t_cross - far / u,
                t_cross + far / u,
                x,
                np.full(targets, -far),
                np.zeros(targets),
                np.full(targets, u),
            ]
        )
        fr.append(_count(legs, tg, r_m, rng) / targets)
    d = range_nm * math.sqrt(1 + (speed_kn / target_speed_kn) ** 2)
    frac = min(1.0, d / length_nm)
    return SearchCheck("barrier patrol", tuple(fr), 1 - (1 - frac) ** 2)
