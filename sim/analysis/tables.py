"""Plain-text tables of metrics with confidence intervals, for terminals and reports."""

from __future__ import annotations

import math
import shutil
from collections.abc import Mapping

import pandas as pd

__all__ = ["format_metric_table", "format_metric_columns", "METRIC_LABELS"]

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


MAX_COLUMN_CHARS = 30
"""Widest column of a side-by-side table; a longer run label is cut (assumption: two columns
and the metric names fit a 100-character terminal)."""


def format_metric_columns(
    tables: Mapping[str, pd.DataFrame], title: str = "", width: int | None = None
) -> str:
    """Render several ``metric_table`` outputs side by side: one column per run.

    Each metric takes two lines, the mean and under it the 95% interval between replications
    (clipped like :func:`format_metric_table`), so a column is only as wide as its longest
    number. Columns that do not fit in ``width`` characters continue in a second block below,
    with the metric names repeated.

    Args:
        tables: run label -> ``metric_table`` output, in the order to show.
        title: a first line.
        width: characters per line (default: the terminal's width, or 120 off a terminal).
    """
    width = width or shutil.get_terminal_size((120, 24)).columns
    empty = pd.DataFrame(columns=["metric", "mean", "ci_low", "ci_high", "replications"])
    tables = {k: (t if len(t) else empty) for k, t in tables.items()}  # no metric columns
    metrics = list(dict.fromkeys(m for t in tables.values() for m in t["metric"]))
    names = {m: METRIC_LABELS.get(m, (m, "num"))[0] for m in metrics}
    left = max([len("replications"), *map(len, names.values())])
    columns = []
    for label, table in tables.items():
        by = table.set_index("metric")
        n = int(by["replications"].max()) if len(by) else 0
        cells = [f"{n}"]
        for m in metrics:
            kind = METRIC_LABELS.get(m, (m, "num"))[1]
            if m not in by.index:
                cells += ["n/a", ""]
                continue
            r = by.loc[m]
            lo, hi = (_fmt(_clip(r[c], kind), kind) for c in ("ci_low", "ci_high"))
            cells += [_fmt(r["mean"], kind), f"[{lo}, {hi}]"]
        head = label if len(label) <= MAX_COLUMN_CHARS else label[: MAX_COLUMN_CHARS - 1] + "…"
        w = max(len(head), *map(len, cells))
        columns.append((w, [head.rjust(w), *(c.rjust(w) for c in cells)]))
    rows = ["metric", "replications"]
    for m in metrics:
        rows += [names[m], ""]
    blocks: list[list[list[str]]] = []
    block: list[list[str]] = []
    used = left
    for w, col in columns:
        if block and used + 2 + w > width:
            blocks.append(block)
            block, used = [], left
        block.append(col)
        used += 2 + w
    if block:
        blocks.append(block)
    lines = [title] if title else []
    for b, cols in enumerate(blocks):
        if b:
            lines.append("")
        for i, name in enumerate(rows):
            lines.append("  ".join([name.ljust(left), *(c[i] for c in cols)]).rstrip())
    if metrics:
        lines.append("(mean over replications; under it, the 95% t interval between them)")
    return "\n".join(lines)
