"""Identity anomalies: one identity in two places at once, or jumps no ship can make."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sim.analysis.detectors.prepared import (
    AisColumns,
    PreparedAis,
    apply_layout,
    haversine_m,
    prepare_ais,
)
from sim.units import NM_M

__all__ = ["detect_identity_anomalies"]


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
    ais, columns = apply_layout(ais, columns, layout)
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
