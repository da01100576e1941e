"""Loitering: one vessel slow for hours far from shore (GFW criteria, domain §7)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sim.analysis.detectors.prepared import (
    AisColumns,
    DistanceToShore,
    PreparedAis,
    apply_layout,
    prepare_ais,
    shore_lookup,
)

__all__ = ["detect_loitering"]


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
    ais, columns = apply_layout(ais, columns, layout)
    shore = shore_lookup(ais, columns, distance_to_shore_nm)
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
