"""Verification against analytic search theory, through the public API.

Each check writes an ordinary scenario for the land-free ``open_water`` theater: a base and
a square search area given as coordinates (``places``, ``areas``), a group of ships with the
strategy under test, and inert **reference targets** (``reference_targets``: fixed points or
straight tracks over a time window). It runs it with :func:`sim.run` and reads the detected
fraction from the run's ``reference`` table, beside the closed-form value. So the check
exercises the whole model a user runs: scenario validation, the asset processes and their
re-planning, the strategies, and the referee that schedules every detection.

Each ship is one independent search (its own random stream); detections are counted per
(ship, target) pair. Conditions for each formula, and what the harness does to meet them:

- **Random search** (Koopman), ``P = 1 - exp(-W v t / A)``: the searcher's track is
  spread uniformly at random over A, and targets are stationary and uniform. The
  ``random`` strategy is a Lambertian billiard, whose track density is uniform over a
  convex area, with A the searcher's square. Three things separate the model from the
  ideal: (1) each leg is a chord of a random line, which passes within R of a given point
  with probability p = 2 pi R / perimeter, so the number of passes is binomial, not
  Poisson; the two agree when R is small against the side (we use R/side = 1/150);
  (2) legs end on the boundary and the next starts there, so passes near the edge come in
  correlated pairs (measured: detection there falls to about 0.8 of the analytic value), so
  targets are placed in the central square of half the side; (3) every ship sails from the
  base at the centre to its first patrol point, a track that is not uniform, so targets
  appear only once every ship is on station (``SETTLE_H``) and t counts from then.
- **Exhaustive parallel sweep**, ``P = min(1, W v t / A)``: lanes spaced exactly W = 2R
  with a cookie-cutter sensor, no overlap or gaps; the time spent turning between lanes is
  not coverage, so ``t`` counts time on the lanes only and the run lasts until the lanes
  have taken ``lane_hours``. The sweep is deterministic, so independent searches differ in
  their targets: each ship is scored on its own set of targets, uniform over the square.
- **Transient target** (a transfer present for T hours) under random search,
  ``P = 1 - exp(-W v T / A)``: as random search, with each target present only in a window
  of length T placed uniformly within the searcher's time on station.
- **Barrier patrol**: a searcher runs back and forth along a line of length L at speed v;
  targets cross it perpendicularly at speed u at uniformly random points and times. In the
  target's frame the searcher passes at lateral range ``|s - x| u / sqrt(u^2+v^2)``, so a
  cookie-cutter detects when ``|s - x| <= D = R sqrt(1 + v^2/u^2)``; with s and x
  independent and uniform on [0, L], ``P = 1 - (1 - D/L)^2``. It ignores the turns at the
  ends, so it holds when D is small against L. Each ship waits a uniform time of up to one
  cycle before it sails (its ``turnaround_h``: the staggered first start), which gives it
  a random phase; its plan is laid ``plan_horizon_h`` = 14 days at a time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely

from sim.analysis.stats import t_interval
from sim.model.motion import legs_along
from sim.model.strategies import make_strategy
from sim.scenarios.schema import Strategy
from sim.units import NM_M

__all__ = ["SearchCheck", "random_search", "parallel_sweep", "transient_target", "barrier_patrol"]

SETTLE_H = 20.0
"""Hours before random-search targets appear: every ship has sailed from the base at the centre
to its first patrol point by then (at most half the diagonal of a 300 nm square at 15 kn, 14 h)."""
_GROUP_MAX = 200
"""Most assets in one scenario group (the schema's bound): more searches use several groups."""


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


def _check_open_water(theater: Any, half_m: float) -> None:
    xs = np.array([-half_m, half_m, half_m, -half_m, 0.0])
    ys = np.array([-half_m, -half_m, half_m, half_m, 0.0])
    if not np.all(theater.is_water_xy(xs, ys)):
        raise ValueError("the search square must lie on open water")


def _lonlat(theater: Any, xy: np.ndarray) -> list[list[float]]:
    lon, lat = theater.to_lonlat(xy[:, 0], xy[:, 1])
    return [
        [float(a), float(b)] for a, b in zip(np.atleast_1d(lon), np.atleast_1d(lat), strict=True)
    ]


def _square(theater: Any, side_m: float) -> list[list[float]]:
    h = side_m / 2
    return _lonlat(theater, np.array([[-h, -h], [h, -h], [h, h], [-h, h]]))


def _ships(
    searches: int,
    *,
    speed_kn: float,
    range_nm: float,
    strategy: dict[str, Any],
    endurance_h: float,
    turnaround_h: float = 0.0,
    plan_horizon_h: float = 24.0,
) -> list[dict[str, Any]]:
    """Groups of identical ships (at most ``_GROUP_MAX`` each), ``searches`` in all."""
    groups = []
    left, k = searches, 0
    while left > 0:
        n = min(left, _GROUP_MAX)
        groups.append(
            {
                "name": f"searchers{k}",
                "kind": "warship",
                "count": n,
                "base": "base",
                "speed_kn": speed_kn,
                "patrol_speed_kn": speed_kn,
                "endurance_h": endurance_h,
                "turnaround_h": turnaround_h,
                "plan_horizon_h": plan_horizon_h,
                "sensor": {"law": "cookie_cutter", "range_nm": range_nm},
                "strategy": strategy,
            }
        )
        left, k = left - n, k + 1
    return groups


def _run(
    theater: Any,
    name: str,
    *,
    hours: float,
    base_xy: np.ndarray,
    area: list[list[float]] | None,
    assets: list[dict[str, Any]],
    targets: list[dict[str, Any]],
    seed: int,
) -> tuple[pd.DataFrame, list[str]]:
    """Run one verification scenario; returns its reference table and the assets' names."""
    from sim.model import run
    from sim.scenarios import load_scenario

    ((lon, lat),) = _lonlat(theater, base_xy[None, :])
    scenario = {
        "name": f"verify_{name}",
        "description": f"Search-theory verification: {name} (sim.experiments.verification).",
        "theater": "open_water",
        "duration_days": hours / 24.0,
        "seed": seed,
        "traffic": {"vessels": 0},
        "places": [{"name": "base", "lon": lon, "lat": lat, "kind": "naval_base"}],
        "areas": [{"name": "box", "polygon": area}] if area else [],
        "assets": assets,
        "reference_targets": targets,
    }
    r = run(load_scenario(scenario), seed=seed, theater=theater)
    if r.reference is None:  # the scenario declares reference targets, so the run reports them
        raise RuntimeError("the run returned no reference table")
    return r.reference, [str(a) for a in r.assets["asset"]]


def _fractions(
    ref: pd.DataFrame, assets: Sequence[str], n_targets: int, own: dict[str, set[str]] | None = None
) -> tuple[float, ...]:
    """Per asset, the share of its targets it detected (each pair once)."""
    pairs = ref.drop_duplicates(["asset", "target"])
    if own is not None:
        pairs = pairs[[t in own[a] for a, t in zip(pairs["asset"], pairs["target"], strict=True)]]
    per = pairs.groupby("asset").size().reindex(list(assets), fill_value=0)
    return tuple(float(c) / n_targets for c in per.to_numpy())


def _points(theater: Any, xy: np.ndarray, prefix: str, **window: float) -> list[dict[str, Any]]:
    return [
        {"name": f"{prefix}{k}", "start": p, **window} for k, p in enumerate(_lonlat(theater, xy))
    ]


def _random_search_fractions(
    theater: Any,
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

    Targets are present all along, or for ``present_h`` within the time on station.
    """
    rng = np.random.default_rng(seed)
    side_m = side_nm * NM_M
    _check_open_water(theater, side_m / 2)
    xy = rng.uniform(-side_m / 4, side_m / 4, size=(targets, 2))
    if present_h is None:
        tg = _points(theater, xy, "t", from_h=SETTLE_H)
    else:
        start = rng.uniform(SETTLE_H, SETTLE_H + hours - present_h, size=targets)
        tg = [
            {**t, "from_h": float(s), "until_h": float(s + present_h)}
            for t, s in zip(_points(theater, xy, "t"), start, strict=True)
        ]
    ref, names = _run(
        theater,
        "random_search",
        hours=SETTLE_H + hours,
        base_xy=np.zeros(2),
        area=_square(theater, side_m),
        assets=_ships(
            searches,
            speed_kn=speed_kn,
            range_nm=range_nm,
            strategy={"kind": "random", "areas": ["box"]},
            endurance_h=SETTLE_H + hours + 1.0,
        ),
        targets=tg,
        seed=seed,
    )
    return _fractions(ref, names, targets)


def random_search(
    theater: Any,
    *,
    side_nm: float,
    range_nm: float,
    speed_kn: float,
    hours: float,
    targets: int,
    searches: int,
    seed: int,
) -> SearchCheck:
    """Koopman random search: ``searches`` independent searches of ``hours`` on station.

    Each against the same ``targets`` stationary targets.
    """
    fr = _random_search_fractions(
        theater, side_nm, range_nm, speed_kn, hours, targets, searches, seed
    )
    coverage = 2 * range_nm * speed_kn * hours / side_nm**2
    return SearchCheck("random search", fr, 1 - math.exp(-coverage))


class _Box:
    """The search square as a strategy sees it (to lay the sweep's lanes for the timing)."""

    def __init__(self, poly: shapely.Geometry) -> None:
        self.poly = poly
        self.rng = np.random.default_rng(0)

    def area_polygon(self, name: str) -> shapely.Geometry:
        return self.poly

    def sample_in_area(self, name: str, n: int) -> np.ndarray:
        raise NotImplementedError

    def site(self, name: str) -> np.ndarray:
        raise NotImplementedError

    def seaway(self, pts: np.ndarray) -> np.ndarray:
        return pts


def parallel_sweep(
    theater: Any,
    *,
    side_nm: float,
    range_nm: float,
    speed_kn: float,
    lane_hours: float,
    targets: int,
    searches: int,
    seed: int,
) -> SearchCheck:
    """Exhaustive parallel sweep with lanes spaced W = 2R, stopped after ``lane_hours`` on lanes.

    Each ship starts 1 nm west of the first lane (on its line, so the approach covers
    nothing inside the square) and is scored on its own ``targets`` uniform targets.
    """
    rng = np.random.default_rng(seed)
    side_m, r_m = side_nm * NM_M, range_nm * NM_M
    _check_open_water(theater, side_m / 2)
    area = _square(theater, side_m)
    x, y = theater.to_xy(np.array([p[0] for p in area]), np.array([p[1] for p in area]))
    box = shapely.Polygon(np.column_stack([x, y]))
    strat = make_strategy(Strategy(kind="sweep", areas=("box",)), speed_kn, 2 * r_m)
    pattern = strat.pattern(_Box(box))  # type: ignore[attr-defined]
    legs = legs_along(pattern, 0.0, speed_kn)
    lane = np.abs(legs[:, 5]) < 1e-9  # lanes run east-west
    lane_time = np.cumsum(np.where(lane, legs[:, 1] - legs[:, 0], 0.0))
    k = int(np.searchsorted(lane_time, lane_hours))
    t_end = float(legs[min(k, len(legs) - 1), 1] - (lane_time[min(k, len(legs) - 1)] - lane_hours))
    approach_h = 1.0 / speed_kn
    base = pattern[0] - np.array([NM_M, 0.0])
    h = side_m / 2
    tg, own = [], {}
    assets = _ships(
        searches,
        speed_kn=speed_kn,
        range_nm=range_nm,
        strategy={"kind": "sweep", "areas": ["box"]},
        endurance_h=approach_h + t_end + 1.0,
    )
    names = [f"{g['name']}#{i}" for g in assets for i in range(g["count"])]
    for a in names:
        xy = rng.uniform(-h, h, size=(targets, 2))
        mine = _points(theater, xy, f"{a}/t")
        own[a] = {t["name"] for t in mine}
        tg.extend(mine)
    ref, names = _run(
        theater,
        "parallel_sweep",
        hours=approach_h + 1e-3 + t_end,
        base_xy=base,
        area=area,
        assets=assets,
        targets=tg,
        seed=seed,
    )
    coverage = 2 * range_nm * speed_kn * lane_hours / side_nm**2
    return SearchCheck("parallel sweep", _fractions(ref, names, targets, own), min(1.0, coverage))


def transient_target(
    theater: Any,
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
    theater: Any,
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

    Targets cross at uniform points and times, on straight reference tracks.
    """
    rng = np.random.default_rng(seed)
    length_m, r_m = length_nm * NM_M, range_nm * NM_M
    _check_open_water(theater, length_m / 2)
    cycle_h = 2 * length_nm / speed_kn
    line = np.array([[-length_m / 2, 0.0], [length_m / 2, 0.0]])
    u = target_speed_kn * NM_M
    far = 4 * r_m * (1 + speed_kn / target_speed_kn)
    x = rng.uniform(-length_m / 2, length_m / 2, targets)
    t_cross = rng.uniform(5 * cycle_h, 45 * cycle_h, targets)
    starts = _lonlat(theater, np.column_stack([x, np.full(targets, -far)]))
    ends = _lonlat(theater, np.column_stack([x, np.full(targets, far)]))
    tg = [
        {
            "name": f"t{k}",
            "start": starts[k],
            "end": ends[k],
            "from_h": float(t_cross[k] - far / u),
            "until_h": float(t_cross[k] + far / u),
        }
        for k in range(targets)
    ]
    hours = 46 * cycle_h + far / u
    ref, names = _run(
        theater,
        "barrier_patrol",
        hours=hours,
        base_xy=line[0],
        area=None,
        assets=_ships(
            patrols,
            speed_kn=speed_kn,
            range_nm=range_nm,
            strategy={"kind": "barrier", "barrier": _lonlat(theater, line)},
            endurance_h=hours + 1.0,
            turnaround_h=cycle_h,
            plan_horizon_h=24.0 * 14,
        ),
        targets=tg,
        seed=seed,
    )
    d = range_nm * math.sqrt(1 + (speed_kn / target_speed_kn) ** 2)
    frac = min(1.0, d / length_nm)
    return SearchCheck("barrier patrol", _fractions(ref, names, targets), 1 - (1 - frac) ** 2)
