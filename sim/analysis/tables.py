"""Plain-text tables of metrics with confidence intervals, for terminals and reports."""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["format_metric_table", "METRIC_LABELS"]

METRIC_LABELS: dict[str, tuple[str, str]] = {
    "interception_rate": ("Interception rate (seized + diverted)", "pct"),
    "disruption_rate": ("Disruption rate (halted, cargo returned)", "pct"),
    "denial_rate": ("Denial rate (intercepted or disrupted)", "pct"),
    "cargo_denied_share": ("Cargo denied share", "pct"),
    "sts_detected_share": ("Transfers detected in progress", "pct"),
    "barrels_delivered_per_year": ("Refined petroleum delivered (bbl/yr)", "int"),
    "deliveries_petroleum_per_year": ("Petroleum deliveries per year", "num"),
    "coal_exported_t_per_year": ("Coal exported (t/yr)", "int"),
    "halted_transfers": ("Halted transfers (per run)", "num"),
    "detections_public": ("Voyages seen by aircraft/warships", "num"),
    "seizures": ("Seizures (per run)", "num"),
    "false_positive_boardings": ("False-positive boardings (per run)", "num"),
    "escalation_incidents": ("Escalation incidents (per run)", "num"),
    "patrol_hours_per_interception": ("Patrol hours per interception", "int"),
}


def _fmt(x: float, kind: str) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if kind == "pct":
        return f"{100 * x:.1f}%"
    if kind == "int":
        return f"{x:,.0f}"
    return f"{x:,.1f}"


def _clip(x: float, kind: str) -> float:
    """Every metric here is a count, amount or share: shown within 0 (and 100% for shares).

    A Student-t interval over few replications can reach below zero; the CSV keeps the raw bounds.
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return x
    return min(max(x, 0.0), 1.0) if kind == "pct" else max(x, 0.0)


def format_metric_table(table: pd.DataFrame, title: str = "") -> str:
    """Render ``metric_table`` output.

    Mean and 95% interval between replications, per metric (interval clipped to the metric's
    possible values).
    """
    lines = []
    if title:
        lines.append(title)
    width = (
        max(len(METRIC_LABELS.get(m, (m, ""))[0]) for m in table["metric"]) if len(table) else 10
    )
    lines.append(f"{'metric':<{width}}  {'mean':>12}  {'95% CI (between replications)':>30}")
    for r in table.itertuples():
        label, kind = METRIC_LABELS.get(r.metric, (r.metric, "num"))
        ci = f"[{_fmt(_clip(r.ci_low, kind), kind)}, {_fmt(_clip(r.ci_high, kind), kind)}]"
        lines.append(f"{label:<{width}}  {_fmt(r.mean, kind):>12}  {ci:>30}")
    return "\n".join(lines)
