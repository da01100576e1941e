"""Loitering: one vessel slow for hours far from shore (GFW criteria, domain §7)."""

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
    prepare_ais,
    shore_lookup,
)

__all__ = ["detect_loitering", "LOITERING_COLUMNS"]

LOITERING_COLUMNS = [
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
"""Columns of the loitering table, in order."""


def detect_loitering(
    ais: pd.DataFrame | PreparedAis,
    *,
    distance_to_shore_nm: DistanceToShore | None = None,
    max_speed_kn: float = 2.0,
    min_duration_h: float = 4.0,
    min_shore_nm: float = 20.0,
    max_gap_h: float = 12.0,
    shore_samples: int = 16,
    ends_after: Mapping[str, Any] | None = None,
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
        ends_after: per identity, leave out events that end at or before this time (in the
            input's time kind): for a caller that runs the detector again as positions
            arrive and has seen those events already. Identities not in it: no bound.
        columns: column-name overrides.
        layout: a preset layout instead of ``columns`` ("marinecadastre", "dma").

    Returns:
        One row per event: identity, start, end, duration_h, n_positions, lon, lat,
        mean_speed_kn, distance_to_shore_nm.
    """
    ais, columns = apply_layout(ais, columns, layout)
    shore = shore_lookup(ais, columns, distance_to_shore_nm)
    p = prepare_ais(ais, columns)
    starts, ends = _slow_runs(p, max_speed_kn, max_gap_h)
    dur = p.t[ends] - p.t[starts]
    keep = dur >= min_duration_h
    if ends_after:
        keep &= p.t[ends] > p.ends_after(ends_after)[p.code[starts]]
    starts, ends, dur = starts[keep], ends[keep], dur[keep]
    if starts.size == 0:
        return pd.DataFrame(columns=LOITERING_COLUMNS)
    cnt = ends - starts + 1
    run = np.repeat(np.arange(starts.size), cnt)
    rows = np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt) + np.repeat(starts, cnt)
    dshore = _mean_distance_to_shore(p, shore, starts, cnt, shore_samples)
    df = pd.DataFrame(
        {
            "identity": p.names[p.code[starts]],
            "start": p.times(p.t[starts]),
            "end": p.times(p.t[ends]),
            "duration_h": dur,
            "n_positions": cnt,
            "lon": np.bincount(run, p.lon[rows]) / cnt,
            "lat": np.bincount(run, p.lat[rows]) / cnt,
            "mean_speed_kn": np.bincount(run, p.speed[rows]) / cnt,
            "distance_to_shore_nm": dshore,
        }
    )
    return df[dshore >= min_shore_nm].reset_index(drop=True)


def _slow_runs(p: PreparedAis, max_speed_kn: float, max_gap_h: float) -> tuple[np.ndarray, ...]:
    """First and last rows of each run of one identity's consecutive slow positions.

    A run goes on while the next position is the same identity's, slower than
    ``max_speed_kn``, and at most ``max_gap_h`` later.
    """
    slow = p.speed < max_speed_kn
    cont = np.zeros(len(p), dtype=bool)
    if len(p):
        cont[1:] = p.same_next() & slow[1:] & slow[:-1] & (np.diff(p.t) <= max_gap_h)
    starts = np.flatnonzero(slow & ~cont)
    nxt = np.append(cont[1:], False)  # a run ends where the next row does not continue it
    return starts, np.flatnonzero(slow & ~nxt)


def _mean_distance_to_shore(
    p: PreparedAis,
    shore: Callable[[np.ndarray, np.ndarray], Any] | None,
    starts: np.ndarray,
    cnt: np.ndarray,
    samples: int,
) -> np.ndarray:
    """Per run, the mean distance to shore (nm) over up to ``samples`` evenly spaced positions.

    Evenly spaced so that a long run costs no more lookups than a short one; inf without
    a shore lookup (the criterion is off).
    """
    if shore is None:
        return np.full(starts.size, np.inf)
    m = np.minimum(cnt, max(samples, 1))
    srun = np.repeat(np.arange(starts.size), m)
    j = np.arange(m.sum()) - np.repeat(np.cumsum(m) - m, m)
    denom = np.maximum(np.repeat(m, m) - 1, 1)
    srows = np.repeat(starts, m) + (j * (np.repeat(cnt, m) - 1)) // denom
    d = np.asarray(shore(p.lon[srows], p.lat[srows]), float).reshape(srows.size)
    return np.bincount(srun, d) / m
