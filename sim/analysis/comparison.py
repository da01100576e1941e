"""Tables that compare scenarios (or sweep variants): metric intervals, timelines, transfers.

All functions take DataFrames (replication rows, events, voyages) and return DataFrames;
they serve the report and notebooks alike.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sim.analysis.stats import RATE_COUNTS, metric_table

__all__ = [
    "COMPARISON_METRICS",
    "SHARE_METRICS",
    "comparison_table",
    "metric_wide",
    "cumulative_by_day",
    "transfers_with_detection",
    "intervals_overlap",
]

COMPARISON_METRICS = (
    "interception_rate",
    "cargo_denied_share",
    "disruption_rate",
    "denial_rate",
    "sts_detected_share",
    "barrels_delivered_per_year",
    "deliveries_petroleum_per_year",
    "coal_exported_t_per_year",
    "seizures",
    "diversions",
    "false_positive_boardings",
    "escalation_incidents",
    "patrol_hours",
    "ship_days",
    "flight_hours",
    "patrol_hours_per_interception",
)
"""Metrics written to ``comparison.csv``, in order."""

SHARE_METRICS = frozenset({*RATE_COUNTS, "cargo_denied_share"})
"""Metrics that are fractions in [0, 1].

Every other comparison metric is a non-negative count or amount.
"""


def comparison_table(
    reps: pd.DataFrame,
    metrics: Sequence[str] = COMPARISON_METRICS,
    by: str = "label",
    order: Sequence[str] | None = None,
    level: float = 0.95,
    clip: bool = True,
) -> pd.DataFrame:
    """``metric_table`` per group: one row per (group, metric).

    With few replications a t interval can leave the possible range (a rate below 0% or
    above 100%, a negative count); ``clip`` cuts the interval at those bounds, since
    values outside them cannot occur.

    Args:
        reps: one row per replication with a ``by`` column (e.g. ``label`` or ``scenario``).
        metrics: metric columns to summarise.
        by: the grouping column; kept as the first column of the result.
        order: group order (default: order of first appearance).
        level: confidence level.
        clip: clip ``ci_low``/``ci_high`` to [0, 1] for shares and to >= 0 for the rest.

    Returns:
        Columns ``by, metric, mean, ci_low, ci_high, replications`` and, for rates,
        ``pooled, wilson_low, wilson_high, events, trials`` (Wilson pooled over voyages).
    """
    groups = list(order) if order is not None else list(dict.fromkeys(reps[by]))
    frames = []
    for g in groups:
        t = metric_table(reps[reps[by] == g], list(metrics), level, clip=False)
        t.insert(0, by, g)
        frames.append(t)
    if not frames:
        return pd.DataFrame(columns=[by, "metric", "mean", "ci_low", "ci_high", "replications"])
    out = pd.concat(frames, ignore_index=True)
    if clip and len(out):
        share = out["metric"].isin(SHARE_METRICS)
        for c in ("ci_low", "ci_high"):
            out[c] = out[c].clip(lower=0.0)
            out.loc[share, c] = out.loc[share, c].clip(upper=1.0)
    return out


def metric_wide(table: pd.DataFrame, metric: str, by: str = "label") -> pd.DataFrame:
    """Rows of one metric from ``comparison_table``, indexed by group, in table order."""
    t = table[table["metric"] == metric].set_index(by)
    return t


def intervals_overlap(a: tuple[float, float], b: tuple[float, float]) -> bool | None:
    """True if two intervals overlap, None if either is undefined (NaN)."""
    if any(not math.isfinite(v) for v in (*a, *b)):
        return None
    return not (a[1] < b[0] or b[1] < a[0])


def cumulative_by_day(
    events: pd.DataFrame,
    voyages: pd.DataFrame | None = None,
    *,
    by: str = "label",
    replications: Mapping[str, int] | None = None,
    days: float | Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Mean cumulative count per day of petroleum deliveries and of interdictions.

    Args:
        events: events of all runs with ``by``, ``replication``, ``kind``, ``t_h`` and ``voyage``.
        voyages: voyages with ``by``, ``replication``, ``voyage``, ``commodity``; when given,
            deliveries are petroleum deliveries to DPRK ports only (coal deliveries are dropped).
        by: grouping column.
        replications: replications per group (the divisor of the mean); defaults to the
            distinct replications seen in ``events``.
        days: last day of each group's timeline (default: the last event's day).

    Returns:
        Columns ``by, series, day, mean`` where ``series`` is ``petroleum deliveries`` or
        ``seizures + diversions``, ``day`` runs 0, 1, ... and ``mean`` is the mean
        cumulative count at the end of that day.
    """
    ev = events[events["kind"].isin(["delivery", "seizure", "diversion"])].copy()
    if voyages is not None and len(ev):
        com = voyages[[by, "replication", "voyage", "commodity"]]
        ev = ev.merge(com, on=[by, "replication", "voyage"], how="left")
        ev = ev[(ev["kind"] != "delivery") | (ev["commodity"] == "petroleum")]
    ev["series"] = np.where(
        ev["kind"] == "delivery", "petroleum deliveries", "seizures + diversions"
    )
    ev["day"] = np.floor(ev["t_h"].astype(float) / 24.0).astype(int)
    rows = []
    groups = list(dict.fromkeys(events[by])) if len(events) else []
    if replications is not None:
        groups = list(dict.fromkeys([*groups, *replications]))
    for g in groups:
        n = (replications or {}).get(g) or events.loc[events[by] == g, "replication"].nunique() or 1
        sub = ev[ev[by] == g]
        if isinstance(days, Mapping):
            last = days.get(g)
        else:
            last = days
        if last is None:
            last = float(events.loc[events[by] == g, "t_h"].max() / 24.0) if len(events) else 0.0
        if not math.isfinite(last):  # a group named in ``replications`` that has no events
            last = 0.0
        grid = np.arange(0, int(math.ceil(last)) + 1)
        for series in ("petroleum deliveries", "seizures + diversions"):
            per_day = sub.loc[sub["series"] == series, "day"].value_counts()
            counts = per_day.reindex(grid, fill_value=0).to_numpy()
            rows.append(
                pd.DataFrame({by: g, "series": series, "day": grid, "mean": np.cumsum(counts) / n})
            )
    if not rows:
        return pd.DataFrame(columns=[by, "series", "day", "mean"])
    return pd.concat(rows, ignore_index=True)


def transfers_with_detection(
    events: pd.DataFrame, voyages: pd.DataFrame, by: str = "label"
) -> pd.DataFrame:
    """Positions of transfer starts with whether the transfer was detected in progress.

    Args:
        events: events with ``by``, ``replication``, ``kind``, ``voyage``, ``lon``, ``lat``.
        voyages: voyages with ``by``, ``replication``, ``voyage``, ``sts_detected``.
        by: grouping column.

    Returns:
        The ``transfer_start`` events with a boolean ``detected`` column (False when the voyage is
        unknown).
    """
    tr = events[events["kind"] == "transfer_start"]
    v = voyages[[by, "replication", "voyage", "sts_detected"]]
    out = tr.merge(v, on=[by, "replication", "voyage"], how="left")
    out["detected"] = out["sts_detected"].fillna(False).astype(bool)
    return out.drop(columns=["sts_detected"])
