"""Confidence intervals for the headline metrics.

Two intervals are offered for rates such as the interception rate:

- **between replications** (Student t on the per-replication rates): the one the
  tables show. Voyages in one replication share the same patrol schedule and
  smuggler memory, so they are not independent trials; replications are.
- **pooled over voyages** (Wilson score on total successes / total voyages): tighter,
  correct only if voyages were independent; reported beside it for reference.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["wilson_interval", "t_interval", "metric_table", "RATE_COUNTS"]

RATE_COUNTS: dict[str, tuple[tuple[str, ...], str]] = {
    "interception_rate": (("seizures", "diversions"), "voyages_ended"),
    "disruption_rate": (("disruptions",), "voyages_ended"),
    "denial_rate": (("seizures", "diversions", "disruptions"), "voyages_ended"),
    "sts_detected_share": (("sts_detected_in_progress",), "sts_transfers"),
}
"""For each rate: the summary columns whose sum is the numerator, and the denominator column."""


def wilson_interval(k: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion k/n (NaNs when n == 0)."""
    if n <= 0:
        return math.nan, math.nan
    z = float(stats.norm.ppf(0.5 + level / 2))
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # the interval always contains k/n; rounding can put an end a hair inside it (k == n)
    return max(0.0, min(centre - half, p)), min(1.0, max(centre + half, p))


def t_interval(values: np.ndarray | pd.Series, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t interval of independent replication values (NaNs ignored)."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return math.nan, math.nan, math.nan
    m = float(x.mean())
    if len(x) < 2:
        return m, math.nan, math.nan
    if np.all(x == x[0]):
        return m, m, m
    half = float(stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))
    return m, m - half, m + half


def metric_table(
    reps: pd.DataFrame,
    metrics: tuple[str, ...] | list[str],
    level: float = 0.95,
    *,
    clip: bool = True,
) -> pd.DataFrame:
    """One row per metric: mean, t interval between replications, pooled Wilson interval.

    The Wilson interval is given for rates only.

    Args:
        reps: one row per replication (``run_replications`` output); failed replications
            (non-empty ``error``) are left out.
        metrics: the metric columns to summarise.
        level: confidence level.
        clip: cut ``ci_low``/``ci_high`` to the possible values (>= 0; <= 1 for rates and
            shares), as the terminal table shows them; a Student-t interval over few
            replications reaches below zero (``clip=False`` keeps the raw bounds).
    """
    ok = reps[reps["error"].fillna("") == ""] if "error" in reps else reps
    rows = []
    for m in metrics:
        if m not in ok:
            continue
        mean, lo, hi = t_interval(ok[m], level)
        row = {
            "metric": m,
            "mean": mean,
            "ci_low": lo,
            "ci_high": hi,
            "replications": int(ok[m].notna().sum()),
        }
        if m in RATE_COUNTS:
            num_cols, den_col = RATE_COUNTS[m]
            k = float(sum(ok[c].sum() for c in num_cols))
            n = float(ok[den_col].sum())
            row["pooled"] = k / n if n else math.nan
            row["wilson_low"], row["wilson_high"] = wilson_interval(k, n, level)
            row["events"] = k
            row["trials"] = n
        rows.append(row)
    out = pd.DataFrame(rows)
    if clip and len(out):
        share = out["metric"].isin({*RATE_COUNTS, "cargo_denied_share"})
        for c in ("ci_low", "ci_high"):
            out[c] = out[c].clip(lower=0.0)
            out.loc[share, c] = out.loc[share, c].clip(upper=1.0)
    return out
