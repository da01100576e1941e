"""Encounters: two vessels side by side for hours, away from anchorages (Miller et al. 2018)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from sim.analysis.detectors.prepared import (
    EARTH_RADIUS_M,
    AisColumns,
    PreparedAis,
    apply_layout,
    haversine_m,
    prepare_ais,
)

__all__ = ["detect_encounters"]

ENCOUNTER_COLUMNS = [
    "identity_a",
    "identity_b",
    "start",
    "end",
    "duration_h",
    "n_samples",
    "lon",
    "lat",
    "median_speed_a_kn",
    "median_speed_b_kn",
    "mean_distance_m",
    "distance_to_anchorage_km",
]
"""Columns of the encounters table, in order."""

_HALF_NEIGHBOURS = ((0, 0), (1, 0), (-1, 1), (0, 1), (1, 1))
"""Own cell plus four of the eight neighbours: every neighbouring pair of cells once."""


def _unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _anchorage_km(anchorages: pd.DataFrame | None, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Great-circle distance (km) to the nearest anchorage (inf without anchorages)."""
    if anchorages is None or len(anchorages) == 0 or lon.size == 0:
        return np.full(lon.size, np.inf)
    from scipy.spatial import cKDTree

    tree = cKDTree(
        _unit_vectors(anchorages["lon"].to_numpy(float), anchorages["lat"].to_numpy(float))
    )
    chord, _ = tree.query(_unit_vectors(lon, lat))
    return 2 * EARTH_RADIUS_M * np.arcsin(np.clip(chord / 2, 0, 1)) / 1000.0


def _resample_slow(
    p: PreparedAis, step_h: float, prefilter_kn: float, max_interp_gap_h: float
) -> tuple[np.ndarray, ...]:
    """Slow track segments interpolated onto the time grid ``k * step_h``.

    Returns (bucket, code, lon, lat, speed) with one sample per identity and bucket.
    """
    slow = p.speed < prefilter_kn
    seg = np.flatnonzero(p.same_next() & slow[:-1] & slow[1:] & (np.diff(p.t) <= max_interp_gap_h))
    t0, t1 = p.t[seg], p.t[seg + 1]
    b0 = np.ceil(t0 / step_h).astype(np.int64)  # half-open [t0, t1): buckets never repeat
    b1 = np.ceil(t1 / step_h).astype(np.int64)
    cnt = np.maximum(b1 - b0, 0)
    s = np.repeat(seg, cnt)
    bucket = np.repeat(b0, cnt) + (np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt))
    dt = p.t[s + 1] - p.t[s]
    f = np.where(dt > 0, (bucket * step_h - p.t[s]) / np.where(dt > 0, dt, 1.0), 0.0)
    lon = p.lon[s] + f * (p.lon[s + 1] - p.lon[s])
    lat = p.lat[s] + f * (p.lat[s + 1] - p.lat[s])
    spd = p.speed[s] + f * (p.speed[s + 1] - p.speed[s])
    return bucket, p.code[s], lon, lat, spd


def detect_encounters(
    ais: pd.DataFrame | PreparedAis,
    *,
    anchorages: pd.DataFrame | None = None,
    max_distance_m: float = 500.0,
    min_duration_h: float = 2.0,
    max_median_speed_kn: float = 2.0,
    min_anchorage_km: float = 10.0,
    time_step_min: float = 10.0,
    prefilter_speed_kn: float = 4.0,
    max_interp_gap_h: float = 3.0,
    ends_after: Mapping[str, Any] | None = None,
    columns: AisColumns | Mapping[str, str] | None = None,
    layout: str | None = None,
) -> pd.DataFrame:
    """Encounters: two vessels within ``max_distance_m`` for ``min_duration_h``.

    After Miller et al. 2018.

    Method: positions slower than ``prefilter_speed_kn`` are linearly interpolated onto a
    ``time_step_min`` grid (across report gaps up to ``max_interp_gap_h``); samples within
    ``min_anchorage_km`` of an anchorage are dropped; the rest are binned in (time bucket,
    lat/lon cell at least ``max_distance_m`` wide) and joined with their own and neighbouring
    cells (sort + binary search); pairs closer than ``max_distance_m`` (great circle) in
    consecutive buckets form runs. A run is an encounter when it spans at least
    ``min_duration_h`` (resolution: one time step) and both vessels' median speeds are
    below ``max_median_speed_kn``.

    Args:
        ais: AIS table or :class:`PreparedAis`.
        anchorages: table with ``lon``/``lat`` of ports and anchorages (e.g. ``theater.ports``).
        max_distance_m: pairs farther apart than this are not together (m).
        min_duration_h: shortest encounter (h).
        max_median_speed_kn: both vessels' median speeds must be below this (kn).
        min_anchorage_km: samples this close to an anchorage are dropped (km).
        time_step_min: interpolation grid (minutes).
        prefilter_speed_kn: positions at or above this speed are not interpolated (kn).
        max_interp_gap_h: longest report gap interpolated across (h).
        ends_after: per identity, a time (in the input's time kind): leave out encounters
            that end at or before it for both identities (a caller running the detector
            again as positions arrive has seen them). Identities not in it: no bound.
        columns: column-name overrides.
        layout: a preset layout instead of ``columns`` ("marinecadastre", "dma").

    Returns:
        One row per encounter: identity_a, identity_b (sorted), start, end, duration_h,
        n_samples, lon, lat (mean), median_speed_a_kn, median_speed_b_kn, mean_distance_m,
        distance_to_anchorage_km.
    """
    ais, columns = apply_layout(ais, columns, layout)
    p = prepare_ais(ais, columns)
    empty = pd.DataFrame(columns=ENCOUNTER_COLUMNS)
    if len(p) < 2:
        return empty
    step_h = time_step_min / 60.0
    samples = _slow_samples(
        p, step_h, prefilter_speed_kn, max_interp_gap_h, anchorages, min_anchorage_km
    )
    if samples.bucket.size < 2:
        return empty
    samples, a, b = _close_pairs(samples, max_distance_m)
    if a.size == 0:
        return empty
    runs = _pair_runs(samples, a, b, step_h, min_duration_h)
    if runs is not None and ends_after:
        runs = _ending_after(runs, samples, step_h, p.ends_after(ends_after))
    if runs is None:
        return empty
    out = _encounter_table(p, samples, runs, step_h, anchorages)
    ok = (
        (out["median_speed_a_kn"] < max_median_speed_kn)
        & (out["median_speed_b_kn"] < max_median_speed_kn)
        & (out["distance_to_anchorage_km"] >= min_anchorage_km)
    )
    return out[ok].reset_index(drop=True)


class _Samples(NamedTuple):
    """Slow positions on the time grid: one per identity and time bucket."""

    bucket: np.ndarray  # time bucket k: time k * step_h
    code: np.ndarray  # identity code
    lon: np.ndarray
    lat: np.ndarray
    speed: np.ndarray  # kn

    def take(self, index: np.ndarray) -> _Samples:
        return _Samples(*(column[index] for column in self))


class _Runs(NamedTuple):
    """Close pairs in consecutive buckets, grouped into runs that last long enough."""

    a: np.ndarray  # sample index of the lower identity, one row per close pair and bucket
    b: np.ndarray  # sample index of the higher identity
    run: np.ndarray  # run number of each row
    first: np.ndarray  # first row of each run
    last: np.ndarray  # last row of each run
    duration_h: np.ndarray  # per run
    keep: np.ndarray  # rows of the runs that last at least min_duration_h


def _slow_samples(
    p: PreparedAis,
    step_h: float,
    prefilter_kn: float,
    max_interp_gap_h: float,
    anchorages: pd.DataFrame | None,
    min_anchorage_km: float,
) -> _Samples:
    """Slow tracks on the time grid, without the samples close to an anchorage."""
    samples = _Samples(*_resample_slow(p, step_h, prefilter_kn, max_interp_gap_h))
    if anchorages is not None and len(anchorages) and samples.bucket.size:
        far = _anchorage_km(anchorages, samples.lon, samples.lat) >= min_anchorage_km
        samples = samples.take(far)
    return samples


def _close_pairs(
    samples: _Samples, max_distance_m: float
) -> tuple[_Samples, np.ndarray, np.ndarray]:
    """Pairs of samples in one time bucket within ``max_distance_m`` of each other.

    Samples are binned in (bucket, lat/lon cell at least ``max_distance_m`` wide) and each
    cell is joined with itself and half of its neighbours (sort + binary search), so every
    nearby pair is found once and the cost grows with the nearby pairs, not with n².

    Returns:
        The samples sorted by cell, and the index arrays ``a``, ``b`` of the close pairs into
        them, ``a`` holding the lower identity code.
    """
    lon, lat, bucket = samples.lon, samples.lat, samples.bucket
    dlat = max_distance_m / 110_574.0  # metres per degree of latitude is >= 110,574 everywhere
    coslat = max(float(np.cos(np.radians(min(float(np.abs(lat).max()), 89.0)))), 1e-6)
    dlon = max_distance_m / (111_320.0 * coslat)  # cells at least max_distance_m wide everywhere
    cx = np.floor(lon / dlon).astype(np.int64)
    cy = np.floor(lat / dlat).astype(np.int64)
    cx -= cx.min() - 1
    cy -= cy.min() - 1
    nx, ny = int(cx.max()) + 2, int(cy.max()) + 2
    key = ((bucket - bucket.min()) * ny + cy) * nx + cx
    order = np.argsort(key, kind="stable")
    key, samples = key[order], samples.take(order)
    lon, lat = samples.lon, samples.lat
    ia, ib = [], []
    for dx, dy in _HALF_NEIGHBOURS:
        target = key + dy * nx + dx
        hi = np.searchsorted(key, target, side="right")
        lo = (
            np.arange(1, key.size + 1)
            if (dx, dy) == (0, 0)
            else np.searchsorted(key, target, side="left")
        )
        c = np.maximum(hi - lo, 0)
        tot = int(c.sum())
        if tot == 0:
            continue
        a = np.repeat(np.arange(key.size), c)
        b = np.repeat(lo, c) + (np.arange(tot) - np.repeat(np.cumsum(c) - c, c))
        close = haversine_m(lon[a], lat[a], lon[b], lat[b]) <= max_distance_m
        ia.append(a[close])
        ib.append(b[close])
    if not ia:
        return samples, np.zeros(0, np.int64), np.zeros(0, np.int64)
    a, b = np.concatenate(ia), np.concatenate(ib)
    swap = samples.code[a] > samples.code[b]
    return samples, np.where(swap, b, a), np.where(swap, a, b)


def _pair_runs(
    samples: _Samples, a: np.ndarray, b: np.ndarray, step_h: float, min_duration_h: float
) -> _Runs | None:
    """Runs of one pair of identities close in consecutive buckets; None if none lasts."""
    ca, cb, bk = samples.code[a], samples.code[b], samples.bucket[a]
    order = np.lexsort((bk, cb, ca))
    a, b, ca, cb, bk = a[order], b[order], ca[order], cb[order], bk[order]
    new = np.ones(a.size, dtype=bool)
    new[1:] = (ca[1:] != ca[:-1]) | (cb[1:] != cb[:-1]) | (bk[1:] - bk[:-1] > 1)
    run = np.cumsum(new) - 1
    first = np.flatnonzero(new)
    last = np.append(first[1:], a.size) - 1
    duration_h = (bk[last] - bk[first]) * step_h
    keep = (duration_h >= min_duration_h - 1e-9)[run]
    if not keep.any():
        return None
    return _Runs(a, b, run, first, last, duration_h, keep)


def _ending_after(runs: _Runs, samples: _Samples, step_h: float, bound: np.ndarray) -> _Runs | None:
    """The runs that end after ``bound`` (per identity code) for either identity; None if none."""
    end = samples.bucket[runs.a[runs.last]] * step_h
    new = (end > bound[samples.code[runs.a[runs.first]]]) | (
        end > bound[samples.code[runs.b[runs.first]]]
    )
    keep = runs.keep & new[runs.run]
    return runs._replace(keep=keep) if keep.any() else None


def _encounter_table(
    p: PreparedAis,
    samples: _Samples,
    runs: _Runs,
    step_h: float,
    anchorages: pd.DataFrame | None,
) -> pd.DataFrame:
    """One row per run that lasts: identities, times, medians, means, anchorage distance."""
    a, b, keep = runs.a, runs.b, runs.keep
    lon, lat, spd = samples.lon, samples.lat, samples.speed
    df = pd.DataFrame(
        {
            "run": runs.run[keep],
            "sa": spd[a][keep],
            "sb": spd[b][keep],
            "lon": (lon[a] + lon[b])[keep] / 2,
            "lat": (lat[a] + lat[b])[keep] / 2,
            "d": haversine_m(lon[a], lat[a], lon[b], lat[b])[keep],
        }
    )
    g = df.groupby("run", sort=True).agg(
        sa=("sa", "median"),
        sb=("sb", "median"),
        lon=("lon", "mean"),
        lat=("lat", "mean"),
        d=("d", "mean"),
        n=("d", "size"),
    )
    r = g.index.to_numpy()
    first, last = runs.first[r], runs.last[r]
    return pd.DataFrame(
        {
            "identity_a": p.names[samples.code[a[first]]],
            "identity_b": p.names[samples.code[b[first]]],
            "start": p.times(samples.bucket[a[first]] * step_h),
            "end": p.times(samples.bucket[a[last]] * step_h),
            "duration_h": runs.duration_h[r],
            "n_samples": g["n"].to_numpy(),
            "lon": g["lon"].to_numpy(),
            "lat": g["lat"].to_numpy(),
            "median_speed_a_kn": g["sa"].to_numpy(),
            "median_speed_b_kn": g["sb"].to_numpy(),
            "mean_distance_m": g["d"].to_numpy(),
            "distance_to_anchorage_km": _anchorage_km(
                anchorages, g["lon"].to_numpy(), g["lat"].to_numpy()
            ),
        },
        columns=ENCOUNTER_COLUMNS,
    )
