"""AIS gaps: long silences that start and end far offshore (GapRule, domain §7)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.detectors.prepared import (
    AisColumns,
    DistanceToShore,
    PreparedAis,
    apply_layout,
    haversine_m,
    prepare_ais,
    shore_lookup,
)
from sim.analysis.gaps import GFW_GAP, GapRule
from sim.units import NM_M

__all__ = ["detect_gaps", "GAP_COLUMNS"]

GAP_COLUMNS = [
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
"""Columns of the gaps table, in order."""


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
    ais, columns = apply_layout(ais, columns, layout)
    rule = rule.with_overrides(
        min_gap_h=min_gap_h,
        min_shore_nm=min_shore_nm,
        min_prior_positions=min_prior_positions,
        prior_window_h=prior_window_h,
    )
    shore = shore_lookup(ais, columns, distance_to_shore_nm)
    p = prepare_ais(ais, columns)
    if len(p) < 2:
        return pd.DataFrame(columns=GAP_COLUMNS)
    i = np.flatnonzero(p.same_next() & (np.diff(p.t) >= rule.min_gap_h))  # last before a gap
    j = i + 1  # first after it
    d0, d1 = _ends_from_shore(p, shore, i, j)
    n_prior = _prior_positions(p, i, rule.prior_window_h)
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
        columns=GAP_COLUMNS,
    )


def _ends_from_shore(
    p: PreparedAis,
    shore: Callable[[np.ndarray, np.ndarray], Any] | None,
    i: np.ndarray,
    j: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Distance to shore (nm) of the positions before and after each gap (inf: no lookup).

    Both ends are looked up in one call: the lookup may be a raster or a table join.
    """
    if shore is None:
        return np.full(i.size, np.inf), np.full(i.size, np.inf)
    d = np.asarray(
        shore(np.concatenate([p.lon[i], p.lon[j]]), np.concatenate([p.lat[i], p.lat[j]])), float
    ).reshape(2 * i.size)
    return d[: i.size], d[i.size :]


def _prior_positions(p: PreparedAis, i: np.ndarray, window_h: float) -> np.ndarray:
    """Positions of the same identity in ``[t - window_h, t]`` up to and including row ``i``.

    Rows are sorted by (identity, time), so one monotone key per row, identities in separate
    non-overlapping time ranges, turns the count into a binary search.
    """
    span = float(p.t.max() - p.t.min()) + 2 * window_h + 1.0
    key = p.code * span + (p.t - p.t.min())
    lo = np.searchsorted(key, key[i] - window_h, side="left")
    return i + 1 - lo
