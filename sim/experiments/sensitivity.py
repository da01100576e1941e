"""One-at-a-time sensitivity of the headline rates to the uncertain parameters.

Each parameter moves to a low and a high value while every other stays at the
scenario's value; all variants share random streams (common random numbers), so
the swing is the parameter's effect, not noise. The result feeds a tornado plot
(``sim.plotting.figures.plot_tornado``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.stats import t_interval

__all__ = ["ParameterRange", "DEFAULT_RANGES", "one_at_a_time"]


@dataclass(frozen=True)
class ParameterRange:
    """A parameter (scenario key path) and the low and high values it plausibly takes."""

    label: str
    key: str
    low: Any
    high: Any


DEFAULT_RANGES: tuple[ParameterRange, ...] = (
    ParameterRange("MPA radar range (nm)", "assets.us_p8.sensor.range_nm", 10, 60),
    ParameterRange("Frigate radar range (nm)", "assets.coalition_frigates.sensor.range_nm", 12, 30),
    ParameterRange(
        "DPRK AIS-dark probability", "programs.ecs_petroleum.dprk_dark_probability", 0.5, 1.0
    ),
    ParameterRange(
        "Feeder AIS-dark probability", "programs.ecs_petroleum.foreign_dark_probability", 0.1, 0.9
    ),
    ParameterRange(
        "Transfer duration (h)", "programs.ecs_petroleum.transfer_duration_h", "[3, 9]", "[12, 36]"
    ),
    ParameterRange("Flag-state consent probability", "rules.default_consent_probability", 0.0, 0.3),
    ParameterRange("Cue delay (h)", "coordination.report_delay_h", 0.5, 8.0),
    ParameterRange("Coalition frigates", "assets.coalition_frigates.count", 1, 4),
    ParameterRange(
        "Halt when observed (probability)",
        "programs.ecs_petroleum.abort_when_observed_probability",
        0.01,
        0.2,
    ),
)
"""Ranges for ``crackdown_2018``: domain.md gives no figure for any of them (see docs/model.md)."""


def one_at_a_time(
    base: str | Path,
    ranges: Sequence[ParameterRange] = DEFAULT_RANGES,
    *,
    n: int,
    seed: int,
    workers: int = 1,
    out_dir: str | Path = "runs/sensitivity",
    overrides: Sequence[str] = (),
    metrics: Sequence[str] = (
        "interception_rate",
        "denial_rate",
        "disruption_rate",
        "barrels_delivered_per_year",
    ),
) -> pd.DataFrame:
    """Run the base scenario and each parameter at its low and high value.

    Returns:
        One row per (parameter, level) with ``parameter, key, level, value`` and, per metric,
        its mean and 95% interval between replications (``<metric>``, ``<metric>_low``,
        ``<metric>_high``). The base run has ``parameter == "base"``.
    """
    from sim.experiments.compare import compare
    from sim.scenarios import load_scenario

    variants, meta = [], []
    variants.append(load_scenario(base, overrides=[*overrides, "name=oat_base"]))
    meta.append(("base", "", "base", ""))
    for i, r in enumerate(ranges):
        for level, value in (("low", r.low), ("high", r.high)):
            variants.append(
                load_scenario(
                    base, overrides=[*overrides, f"name=oat_{i:02d}_{level}", f"{r.key}={value}"]
                )
            )
            meta.append((r.label, r.key, level, value))
    reps = compare(variants, n, seed=seed, workers=workers, out_dir=out_dir)
    rows = []
    for v, (label, key, level, value) in zip(variants, meta, strict=True):
        sub = reps[(reps["label"] == v.name) & (reps["error"].fillna("") == "")]
        row: dict[str, Any] = {
            "parameter": label,
            "key": key,
            "level": level,
            "value": str(value),
            "replications": len(sub),
        }
        for m in metrics:
            mean, lo, hi = t_interval(sub[m]) if m in sub else (float("nan"),) * 3
            row[m], row[f"{m}_low"], row[f"{m}_high"] = mean, lo, hi
        rows.append(row)
    return pd.DataFrame(rows)
