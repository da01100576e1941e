"""Detectors of suspicious behaviour in any AIS position table (Global Fishing Watch criteria).

Each detector takes a table of positions (default columns ``time, identity, lon, lat, speed,
course``; rename with ``columns={"time": "ts", ...}``, or name a preset layout:
``layout="marinecadastre"`` or ``"dma"``, see ``sim.analysis.ais_layouts``) and returns one
row per detected event. ``time`` is hours (float) or pandas datetimes; event ``start``/``end``
come back in the same kind. Thresholds are parameters with GFW defaults (domain §7):

* :func:`detect_encounters`: two vessels within 500 m for >= 2 h, median speed < 2 kn,
  >= 10 km from an anchorage (Miller et al. 2018);
* :func:`detect_loitering`: speed < 2 kn for >= 4 h, averaging >= 20 nm from shore;
* :func:`detect_gaps`: >= 12 h without a position, starting and ending >= 50 nm from shore
  (``sim.analysis.gaps.GapRule``, shared with the ground truth);
* :func:`detect_identity_anomalies`: one identity in two places at once, or implied speeds
  no ship makes (> 50 kn).

Work is vectorised: the table is prepared once (:func:`prepare_ais`: identities to sorted
integer codes, rows sorted by identity, time, lon, lat, so results do not depend on row
order) and every detector is numpy over the sorted arrays. Encounters resample slow tracks
onto a common time grid and self-join on (time bucket, grid cell) with neighbour cells, so
the cost grows with the number of nearby pairs, not with n². Detectors never read the
``vessel`` column (ground truth).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.ais_layouts import normalise
from sim.analysis.gaps import GFW_GAP, GapRule
from sim.units import NM_M

__all__ = [
    "AisColumns",
    "PreparedAis",
    "prepare_ais",
    "detect_encounters",
    "detect_loitering",
    "detect_gaps",
    "detect_identity_anomalies",
    "detect_all",
    "haversine_m",
    "DETECTORS",
]

EARTH_RADIUS_M = 6_371_008.8
DistanceToShore = Callable[[np.ndarray, np.ndarray], Any] | str

DETECTORS = ("encounters", "loitering", "gaps", "identity")
"""Detector names, as used by ``detect_all`` and ``sim.analysis.scoring``."""


@dataclass(frozen=True)
class AisColumns:
    """Column names of an AIS table (override any of them)."""

    time: str = "time"
    identity: str = "identity"
    lon: str = "lon"
    lat: str = "lat"
    speed: str = "speed"
    course: str = "course"

    @classmethod
    def of(cls, columns: AisColumns | Mapping[str, str] | None) -> AisColumns:
        """Normalise ``None``, a mapping of overrides, or an ``AisColumns``."""
        if columns is None:
            return cls()
        if isinstance(columns, AisColumns):
            return columns
        unknown = set(columns) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(
                f"unknown AIS column roles {sorted(unknown)}; "
                f"expected {[f.name for f in fields(cls)]}"
            )
        return cls(**dict(columns))


@dataclass(frozen=True)
class PreparedAis:
    """An AIS table as sorted numpy arrays (build with :func:`prepare_ais`).

    Attributes:
        t: time, hours (float; from ``origin`` when the input held datetimes).
        code: identity code (index into ``names``, names sorted).
        names: identities.
        lon, lat: degrees.
        speed: knots (NaN allowed: never counts as slow).
        origin: the datetime of ``t == 0`` when the input was datetimes, else None.
        columns: the input's column names.
    """

    t: np.ndarray
    code: np.ndarray
    names: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    speed: np.ndarray
    origin: pd.Timestamp | None
    columns: AisColumns

    def __len__(self) -> int:
        return len(self.t)

    def times(self, hours: np.ndarray) -> Any:
        """Hours back to the input's time kind (float hours or datetimes)."""
        if self.origin is None:
            return np.asarray(hours, float)
        return self.origin + pd.to_timedelta(np.asarray(hours, float), unit="h")

    def same_next(self) -> np.ndarray:
        """True where row i+1 has the same identity as row i (length n-1)."""
        return self.code[1:] == self.code[:-1]


def prepare_ais(
    ais: pd.DataFrame | PreparedAis, columns: AisColumns | Mapping[str, str] | None = None
) -> PreparedAis:
    """Sort an AIS table once for all detectors (rows with missing time or position are dropped)."""
    if isinstance(ais, PreparedAis):
        return ais
    cols = AisColumns.of(columns)
    missing = [
        c
        for c in (cols.time, cols.identity, cols.lon, cols.lat, cols.speed)
        if c not in ais.columns
    ]
    if missing:
        raise ValueError(f"AIS table lacks columns {missing} (columns= renames them)")
    tcol = ais[cols.time]
    origin = None
    if pd.api.types.is_datetime64_any_dtype(tcol):
        origin = tcol.min()
        t = ((tcol - origin) / pd.Timedelta(hours=1)).to_numpy(float)
    else:
        t = tcol.to_numpy(float)
    lon = ais[cols.lon].to_numpy(float)
    lat = ais[cols.lat].to_numpy(float)
    speed = ais[cols.speed].to_numpy(float)
    ident = ais[cols.identity]
    if isinstance(ident.dtype, pd.CategoricalDtype):
        cats = np.asarray(ident.cat.categories, dtype=object).astype(str)
        rank = np.argsort(np.argsort(cats, kind="stable"), kind="stable")
        raw = ident.cat.codes.to_numpy()
        code = np.where(raw >= 0, rank[raw], -1)
        names = np.sort(cats)
    else:
        code, names = pd.factorize(ident, sort=True)
        names = np.asarray(names, dtype=object)
    ok = np.isfinite(t) & np.isfinite(lon) & np.isfinite(lat) & (code >= 0)
    if not ok.all():
        t, lon, lat, speed, code = t[ok], lon[ok], lat[ok], speed[ok], code[ok]
    order = np.lexsort((lat, lon, t, code))
    return PreparedAis(
        t[order],
        code[order].astype(np.int64),
        names,
        lon[order],
        lat[order],
        speed[order],
        origin,
        cols,
    )


def _layout(ais: Any, columns: Any, layout: str | None) -> tuple[Any, Any]:
    """Apply a layout preset (``"marinecadastre"``, ``"dma"``): parse times, drop NA codes."""
    if layout is None or isinstance(ais, PreparedAis):
        return ais, columns
    if columns is not None:
        raise ValueError("give either layout= or columns=, not both")
    return normalise(ais, layout)


def haversine_m(lon1: Any, lat1: Any, lon2: Any, lat2: Any) -> np.ndarray:
    """Great-circle distance in metres (vectorised, degrees in)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _shore_fn(
    ais: pd.DataFrame | PreparedAis, columns: Any, distance_to_shore_nm: DistanceToShore | None
) -> Callable[[np.ndarray, np.ndarray], np.ndarray] | None:
    """Turn a column name into a lookup over the prepared rows (by exact lon/lat/time order)."""
    if not isinstance(distance_to_shore_nm, str):
        return distance_to_shore_nm
    if isinstance(ais, PreparedAis):
        raise TypeError("distance_to_shore_nm as a column needs the DataFrame, not a PreparedAis")
    cols = AisColumns.of(columns)
    tab = ais[[cols.lon, cols.lat, distance_to_shore_nm]].drop_duplicates([cols.lon, cols.lat])
    lut = pd.Series(
        tab[distance_to_shore_nm].to_numpy(float),
        index=pd.MultiIndex.from_arrays(
            [tab[cols.lon].to_numpy(float), tab[cols.lat].to_numpy(float)]
        ),
    )

    def look(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        return lut.reindex(pd.MultiIndex.from_arrays([lon, lat])).to_numpy(float)

    return look


# ---------------------------------------------------------------------- loitering
def detect_loitering(
    ais: pd.DataFrame | PreparedAis,
    *,
    distance_to_shore_nm: DistanceToShore | None = None,
    max_speed_kn: float = 2.0,
    min_duration_h: float = 4.0,
    min_shore_nm: float = 20.0,
    max_gap_h: float = 12.0,
    shore_samples: int = 16,
    columns: AisColumns | Mapping[str, str] | None = None,
    layout: str | None = None,
) -> pd.DataFrame:
    """Loitering: one vessel slower than ``max_speed_kn`` for ``min_duration_h`` far from shore.

    A loitering event is a run of consecutive positions of one identity, each slower than
    ``max_speed_kn``, with no gap over ``max_gap_h`` between them, spanning at least
    ``min_duration_h``, whose mean distance to shore (over up to ``shore_samples`` evenly
    spaced positions) is at least ``min_shore_nm`` (GFW: average speed < 2 kn, average
    distance >= 20 nm; Pew/GFW 4 h, Miller et al. 2018 8 h).

    Args:
        ais: AIS table or :class:`PreparedAis`.
        distance_to_shore_nm: callable ``(lon, lat) -> nm`` (e.g. ``theater.distance_to_coast_nm``)
            or the name of a column; None disables the shore criterion.
        max_speed_kn: positions at or above this speed end a run (kn).
        min_duration_h: shortest run that counts (h).
        min_shore_nm: least mean distance to shore of a run (nm).
        max_gap_h: longest silence between two positions of one run (h).
        shore_samples: positions per run at which the distance to shore is taken.
        columns: column-name overrides.
        layout: a preset layout instead of ``columns`` ("marinecadastre", "dma").

    Returns:
        One row per event: identity, start, end, duration_h, n_positions, lon, lat,
        mean_speed_kn, distance_to_shore_nm.
    """
    ais, columns = _layout(ais, columns, layout)
    shore = _shore_fn(ais, columns, distance_to_shore_nm)
    p = prepare_ais(ais, columns)
    out_cols = [
        "identity",
        "start",
        "end",
        "duration_h",
        "n_positions",
        "lon",
        "lat",
        "mean_speed_kn",
        "distance_to_shore_nm",
    ]
    n = len(p)
    if n == 0:
        return pd.DataFrame(columns=out_cols)
    slow = p.speed < max_speed_kn
    cont = np.zeros(n, dtype=bool)
    cont[1:] = p.same_next() & slow[1:] & slow[:-1] & (np.diff(p.t) <= max_gap_h)
    starts = np.flatnonzero(slow & ~cont)
    # a run ends where the next row does not continue it
    nxt = np.append(cont[1:], False)
    ends = np.flatnonzero(slow & ~nxt)
    dur = p.t[ends] - p.t[starts]
    keep = dur >= min_duration_h
    starts, ends, dur = starts[keep], ends[keep], dur[keep]
    if starts.size == 0:
        return pd.DataFrame(columns=out_cols)
    cnt = ends - starts + 1
    run = np.repeat(np.arange(starts.size), cnt)
    rows = np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt) + np.repeat(starts, cnt)
    lon = np.bincount(run, p.lon[rows]) / cnt
    lat = np.bincount(run, p.lat[rows]) / cnt
    spd = np.bincount(run, p.speed[rows]) / cnt
    m = np.minimum(cnt, max(shore_samples, 1))
    srun = np.repeat(np.arange(starts.size), m)
    j = np.arange(m.sum()) - np.repeat(np.cumsum(m) - m, m)
    denom = np.maximum(np.repeat(m, m) - 1, 1)
    srows = np.repeat(starts, m) + (j * (np.repeat(cnt, m) - 1)) // denom
    if shore is None:
        dshore = np.full(starts.size, np.inf)
    else:
        d = np.asarray(shore(p.lon[srows], p.lat[srows]), float).reshape(srows.size)
        dshore = np.bincount(srun, d) / m
    ok = dshore >= min_shore_nm
    df = pd.DataFrame(
        {
            "identity": p.names[p.code[starts]],
            "start": p.times(p.t[starts]),
            "end": p.times(p.t[ends]),
            "duration_h": dur,
            "n_positions": cnt,
            "lon": lon,
            "lat": lat,
            "mean_speed_kn": spd,
            "distance_to_shore_nm": dshore,
        }
    )
    return df[ok].reset_index(drop=True)


# ---------------------------------------------------------------------- gaps
def detect_gaps(
    ais: pd.DataFrame | PreparedAis,
    *,
    distance_to_shore_nm: DistanceToShore | None = None,
    rule: GapRule = GFW_GAP,
    min_gap_h: float | None = None,
    min_shore_nm: float | None = None,
    min_prior_positions: int | None = None,
    prior_window_h: float | None = None,
    columns: AisColumns | Mapping[str, str] | None = None,
    layout: str | None = None,
) -> pd.DataFrame:
    """AIS gaps: ``min_gap_h`` or more without a position, both ends ``min_shore_nm`` from shore.

    The definition is ``rule`` (``sim.analysis.gaps.GapRule``, the one the ground truth
    uses); the keyword thresholds override single fields of it.

    GFW (domain §7): gap >= 12 h, starting and ending > 50 nm from shore (far beyond
    terrestrial range, so the silence is the transponder's, not the receivers'), and the vessel
    averaged >= 20 satellite positions per 12 h in the prior 48 h. The last test needs
    satellite/terrestrial source flags; here ``min_prior_positions`` counts all positions
    in the ``prior_window_h`` before the gap (0 disables it; GFW-like: 80 in 48 h).

    Returns:
        One row per gap: identity, start, end, duration_h, lon_start, lat_start, lon_end,
        lat_end, distance_start_nm, distance_end_nm, implied_speed_kn, n_prior_positions.
    """
    ais, columns = _layout(ais, columns, layout)
    rule = rule.with_overrides(
        min_gap_h=min_gap_h,
        min_shore_nm=min_shore_nm,
        min_prior_positions=min_prior_positions,
        prior_window_h=prior_window_h,
    )
    min_gap_h, prior_window_h = rule.min_gap_h, rule.prior_window_h
    shore = _shore_fn(ais, columns, distance_to_shore_nm)
    p = prepare_ais(ais, columns)
    out_cols = [
        "identity",
        "start",
        "end",
        "duration_h",
        "lon_start",
        "lat_start",
        "lon_end",
        "lat_end",
        "distance_start_nm",
        "distance_end_nm",
        "implied_speed_kn",
        "n_prior_positions",
    ]
    if len(p) < 2:
        return pd.DataFrame(columns=out_cols)
    dt = np.diff(p.t)
    i = np.flatnonzero(p.same_next() & (dt >= min_gap_h))
    j = i + 1
    if shore is None:
        d0 = d1 = np.full(i.size, np.inf)
    else:
        d = np.asarray(
            shore(np.concatenate([p.lon[i], p.lon[j]]), np.concatenate([p.lat[i], p.lat[j]])), float
        ).reshape(2 * i.size)
        d0, d1 = d[: i.size], d[i.size :]
    # positions of the same identity in [start - window, start]: rows are sorted by (code, t)
    # one monotone key per row: identities in separate, non-overlapping time ranges
    span = float(p.t.max() - p.t.min()) + 2 * prior_window_h + 1.0
    key = p.code * span + (p.t - p.t.min())
    lo = np.searchsorted(key, key[i] - prior_window_h, side="left")
    n_prior = i + 1 - lo
    ok = rule.qualifies(p.t[j] - p.t[i], d0, d1) & (n_prior >= rule.min_prior_positions)
    i, j, d0, d1, n_prior = i[ok], j[ok], d0[ok], d1[ok], n_prior[ok]
    dur = p.t[j] - p.t[i]
    return pd.DataFrame(
        {
            "identity": p.names[p.code[i]],
            "start": p.times(p.t[i]),
            "end": p.times(p.t[j]),
            "duration_h": dur,
            "lon_start": p.lon[i],
            "lat_start": p.lat[i],
            "lon_end": p.lon[j],
            "lat_end": p.lat[j],
            "distance_start_nm": d0,
            "distance_end_nm": d1,
            "implied_speed_kn": haversine_m(p.lon[i], p.lat[i], p.lon[j], p.lat[j]) / NM_M / dur,
            "n_prior_positions": n_prior,
        },
        columns=out_cols,
    )


# ---------------------------------------------------------------------- identity
def detect_identity_anomalies(
    ais: pd.DataFrame | PreparedAis,
    *,
    max_speed_kn: float = 50.0,
    min_jump_nm: float = 1.0,
    simultaneous_h: float = 1.0 / 60.0,
    merge_gap_h: float = 6.0,
    columns: AisColumns | Mapping[str, str] | None = None,
    layout: str | None = None,
) -> pd.DataFrame:
    """Identity anomalies: one identity in two places at once, or jumps no ship can make.

    Consecutive positions of one identity further apart than ``min_jump_nm`` (ignores GNSS
    noise) at an implied speed above ``max_speed_kn`` are anomalous jumps; jumps less than
    ``simultaneous_h`` apart are 'simultaneous' (two transmitters, one identity). Jumps of
    one identity closer than ``merge_gap_h`` in time form one event.

    Returns:
        One row per event: identity, start, end, duration_h, n_jumps, max_implied_speed_kn,
        max_jump_nm, kind ('simultaneous' if any jump is, else 'speed'), lon, lat (first jump).
    """
    ais, columns = _layout(ais, columns, layout)
    p = prepare_ais(ais, columns)
    out_cols = [
        "identity",
        "start",
        "end",
        "duration_h",
        "n_jumps",
        "max_implied_speed_kn",
        "max_jump_nm",
        "kind",
        "lon",
        "lat",
    ]
    if len(p) < 2:
        return pd.DataFrame(columns=out_cols)
    same = p.same_next()
    dt = np.diff(p.t)
    cand = np.flatnonzero(same)
    dist_nm = haversine_m(p.lon[cand], p.lat[cand], p.lon[cand + 1], p.lat[cand + 1]) / NM_M
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(dt[cand] > 0, dist_nm / dt[cand], np.inf)
    bad = (dist_nm > min_jump_nm) & (v > max_speed_kn)
    i, dist_nm, v = cand[bad], dist_nm[bad], v[bad]
    if i.size == 0:
        return pd.DataFrame(columns=out_cols)
    simul = dt[i] < simultaneous_h
    new = np.ones(i.size, dtype=bool)
    new[1:] = (p.code[i[1:]] != p.code[i[:-1]]) | (p.t[i[1:]] - p.t[i[:-1] + 1] > merge_gap_h)
    ev = np.cumsum(new) - 1
    first = np.flatnonzero(new)
    last = np.append(first[1:], i.size) - 1
    n_jumps = np.bincount(ev)
    vmax = np.full(first.size, -np.inf)
    np.maximum.at(vmax, ev, v)
    dmax = np.zeros(first.size)
    np.maximum.at(dmax, ev, dist_nm)
    any_sim = np.bincount(ev, simul.astype(float)) > 0
    t0, t1 = p.t[i[first]], p.t[i[last] + 1]
    return pd.DataFrame(
        {
            "identity": p.names[p.code[i[first]]],
            "start": p.times(t0),
            "end": p.times(t1),
            "duration_h": t1 - t0,
            "n_jumps": n_jumps,
            "max_implied_speed_kn": vmax,
            "max_jump_nm": dmax,
            "kind": np.where(any_sim, "simultaneous", "speed"),
            "lon": p.lon[i[first]],
            "lat": p.lat[i[first]],
        },
        columns=out_cols,
    )


# ---------------------------------------------------------------------- encounters
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
        columns: column-name overrides.
        layout: a preset layout instead of ``columns`` ("marinecadastre", "dma").

    Returns:
        One row per encounter: identity_a, identity_b (sorted), start, end, duration_h,
        n_samples, lon, lat (mean), median_speed_a_kn, median_speed_b_kn, mean_distance_m,
        distance_to_anchorage_km.
    """
    ais, columns = _layout(ais, columns, layout)
    p = prepare_ais(ais, columns)
    out_cols = [
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
    empty = pd.DataFrame(columns=out_cols)
    if len(p) < 2:
        return empty
    step_h = time_step_min / 60.0
    bucket, code, lon, lat, spd = _resample_slow(p, step_h, prefilter_speed_kn, max_interp_gap_h)
    if anchorages is not None and len(anchorages) and bucket.size:
        far = _anchorage_km(anchorages, lon, lat) >= min_anchorage_km
        bucket, code, lon, lat, spd = bucket[far], code[far], lon[far], lat[far], spd[far]
    if bucket.size < 2:
        return empty
    dlat = max_distance_m / 110_574.0  # metres per degree of latitude is >= 110,574 everywhere
    coslat = max(float(np.cos(np.radians(min(float(np.abs(lat).max()), 89.0)))), 1e-6)
    dlon = max_distance_m / (
        111_320.0 * coslat
    )  # cells at least max_distance_m wide at every latitude
    cx = np.floor(lon / dlon).astype(np.int64)
    cy = np.floor(lat / dlat).astype(np.int64)
    cx -= cx.min() - 1
    cy -= cy.min() - 1
    nx, ny = int(cx.max()) + 2, int(cy.max()) + 2
    bb = bucket - bucket.min()
    key = (bb * ny + cy) * nx + cx
    order = np.argsort(key, kind="stable")
    key, code, lon, lat, spd, bucket = (a[order] for a in (key, code, lon, lat, spd, bucket))
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
        d = haversine_m(lon[a], lat[a], lon[b], lat[b])
        close = d <= max_distance_m
        ia.append(a[close])
        ib.append(b[close])
    if not ia:
        return empty
    a, b = np.concatenate(ia), np.concatenate(ib)
    if a.size == 0:
        return empty
    swap = code[a] > code[b]
    a, b = np.where(swap, b, a), np.where(swap, a, b)
    ca, cb, bk = code[a], code[b], bucket[a]
    order = np.lexsort((bk, cb, ca))
    a, b, ca, cb, bk = a[order], b[order], ca[order], cb[order], bk[order]
    new = np.ones(a.size, dtype=bool)
    new[1:] = (ca[1:] != ca[:-1]) | (cb[1:] != cb[:-1]) | (bk[1:] - bk[:-1] > 1)
    run = np.cumsum(new) - 1
    first = np.flatnonzero(new)
    last = np.append(first[1:], a.size) - 1
    dur = (bk[last] - bk[first]) * step_h
    long_enough = dur >= min_duration_h - 1e-9
    keep_rows = long_enough[run]
    if not keep_rows.any():
        return empty
    df = pd.DataFrame(
        {
            "run": run[keep_rows],
            "sa": spd[a][keep_rows],
            "sb": spd[b][keep_rows],
            "lon": (lon[a] + lon[b])[keep_rows] / 2,
            "lat": (lat[a] + lat[b])[keep_rows] / 2,
            "d": haversine_m(lon[a], lat[a], lon[b], lat[b])[keep_rows],
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
    out = pd.DataFrame(
        {
            "identity_a": p.names[ca[first[r]]],
            "identity_b": p.names[cb[first[r]]],
            "start": p.times(bk[first[r]] * step_h),
            "end": p.times(bk[last[r]] * step_h),
            "duration_h": dur[r],
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
        columns=out_cols,
    )
    ok = (
        (out["median_speed_a_kn"] < max_median_speed_kn)
        & (out["median_speed_b_kn"] < max_median_speed_kn)
        & (out["distance_to_anchorage_km"] >= min_anchorage_km)
    )
    return out[ok].reset_index(drop=True)


def detect_all(
    ais: pd.DataFrame | PreparedAis,
    *,
    distance_to_shore_nm: DistanceToShore | None = None,
    anchorages: pd.DataFrame | None = None,
    columns: AisColumns | Mapping[str, str] | None = None,
    layout: str | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, pd.DataFrame]:
    """Run every detector on one prepared table.

    Args:
        ais: AIS table or :class:`PreparedAis` (prepared once for all detectors).
        distance_to_shore_nm: as for :func:`detect_loitering` and :func:`detect_gaps`.
        anchorages: as for :func:`detect_encounters`.
        columns: column-name overrides.
        params: per-detector keyword overrides, e.g. ``{"loitering": {"min_duration_h": 8}}``.
        layout: a preset layout instead of ``columns`` ("marinecadastre", "dma").

    Returns:
        ``{"encounters": ..., "loitering": ..., "gaps": ..., "identity": ...}``.
    """
    ais, columns = _layout(ais, columns, layout)
    params = params or {}
    unknown = set(params) - set(DETECTORS)
    if unknown:
        raise ValueError(f"unknown detectors {sorted(unknown)}; expected {list(DETECTORS)}")
    shore = _shore_fn(ais, columns, distance_to_shore_nm)
    p = prepare_ais(ais, columns)
    return {
        "encounters": detect_encounters(p, anchorages=anchorages, **params.get("encounters", {})),
        "loitering": detect_loitering(p, distance_to_shore_nm=shore, **params.get("loitering", {})),
        "gaps": detect_gaps(p, distance_to_shore_nm=shore, **params.get("gaps", {})),
        "identity": detect_identity_anomalies(p, **params.get("identity", {})),
    }
