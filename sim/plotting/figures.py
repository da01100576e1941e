"""Comparison figures: rates, petroleum against the UN cap, maps, cost, timelines, sweeps.

Every function takes DataFrames (from ``sim.analysis.comparison``), draws on a given
``ax``/``fig`` or a new one, and returns it. Nothing here runs a simulation. Scenarios keep
the same Okabe-Ito colour in every figure; every axis states its unit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.metrics import UN_CAP_BBL_PER_YEAR
from sim.plotting.scenario_map import plot_scenario_map
from sim.plotting.style import (
    KIND_COLOURS,
    OKABE_ITO,
    empty_message,
    percent_axis,
    scenario_colours,
    style,
    thousands_axis,
)

__all__ = [
    "plot_rates",
    "plot_barrels",
    "plot_scenario_map",
    "plot_cost_effectiveness",
    "plot_cumulative",
    "plot_sweep",
]

_RATE_LABELS = {
    "interception_rate": "Interception rate (seized + diverted, % of settled voyages)",
    "cargo_denied_share": "Cargo denied (seized, diverted or turned back, % of cargo loaded)",
    "disruption_rate": "Disruption rate (transfer halted, % of settled voyages)",
    "denial_rate": "Denial rate (intercepted or disrupted, % of settled voyages)",
    "sts_detected_share": "Transfers detected in progress (% of transfers)",
}
_INTERVAL_NOTE = "Points: mean over replications; bars: 95% t interval between replications."


def _groups(table: pd.DataFrame, by: str) -> list[str]:
    return list(dict.fromkeys(table[by]))


def _rows(table: pd.DataFrame, metric: str, by: str, groups: Sequence[str]) -> pd.DataFrame:
    t = table[table["metric"] == metric].set_index(by)
    return t.reindex(list(groups))


def _err(rows: pd.DataFrame) -> np.ndarray:
    """Asymmetric error bar lengths (NaN intervals -> no bar)."""
    m = rows["mean"].to_numpy(float)
    lo = np.nan_to_num(m - rows["ci_low"].to_numpy(float), nan=0.0)
    hi = np.nan_to_num(rows["ci_high"].to_numpy(float) - m, nan=0.0)
    return np.vstack([np.maximum(lo, 0), np.maximum(hi, 0)])


def _new_ax(ax: Axes | None, n_rows: int, width: float = 8.0) -> Axes:
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=(width, 1.2 + 0.55 * max(n_rows, 2)), layout="constrained")
    return ax


def plot_rates(
    table: pd.DataFrame,
    *,
    by: str = "label",
    metrics: Sequence[str] = ("interception_rate", "cargo_denied_share"),
    ax: Axes | None = None,
    title: str | None = "Interception rate and cargo denied, by scenario",
) -> Axes:
    """Dot-and-interval plot of rates per scenario (horizontal: long scenario names stay readable).

    Args:
        table: ``comparison_table`` output (``by, metric, mean, ci_low, ci_high``).
        by: the scenario/variant column.
        metrics: rate metrics (fractions 0-1) to show side by side.
        ax: axes to draw on.
        title: axes title.

    Returns:
        The axes.
    """
    groups = _groups(table, by)
    with style():
        ax = _new_ax(ax, len(groups))
        y = np.arange(len(groups))
        k = len(metrics)
        offsets = np.linspace(-0.18, 0.18, k) if k > 1 else [0.0]
        markers = ["o", "s", "D", "^", "v"]
        for j, (m, off) in enumerate(zip(metrics, offsets, strict=True)):
            rows = _rows(table, m, by, groups)
            ax.errorbar(
                rows["mean"],
                y + off,
                xerr=_err(rows),
                fmt=markers[j % 5],
                ms=6,
                capsize=3,
                color=OKABE_ITO[j],
                label=_RATE_LABELS.get(m, m),
            )
        ax.set_yticks(y, groups)
        ax.invert_yaxis()
        vals = table.loc[table["metric"].isin(metrics), ["mean", "ci_high"]].to_numpy(float).ravel()
        top = float(np.nanmax(vals)) if np.isfinite(vals).any() else 0.0
        ax.set_xlim(-0.02, min(1.02, max(0.1, top * 1.1)))
        percent_axis(ax, "x")
        ax.set_xlabel("Share (%); bars: 95% interval between replications, clipped to 0–100%")
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.22 if len(groups) > 3 else -0.35),
            ncol=1,
            frameon=False,
        )
        if title:
            ax.set_title(title, loc="left")
    return ax


def plot_barrels(
    table: pd.DataFrame,
    *,
    by: str = "label",
    ax: Axes | None = None,
    cap_bbl: float = UN_CAP_BBL_PER_YEAR,
    title: str | None = "Refined petroleum delivered to the DPRK",
) -> Axes:
    """Barrels delivered per year per scenario with 95% intervals, against the UN cap.

    Args:
        table: ``comparison_table`` output holding ``barrels_delivered_per_year``.
        by: the scenario/variant column.
        ax: axes to draw on.
        cap_bbl: the cap line (UNSCR 2397: 500,000 bbl/yr).
        title: axes title.

    Returns:
        The axes.
    """
    groups = _groups(table, by)
    colours = scenario_colours(groups)
    with style():
        ax = _new_ax(ax, len(groups))
        rows = _rows(table, "barrels_delivered_per_year", by, groups)
        y = np.arange(len(groups))
        ax.barh(
            y, rows["mean"].fillna(0), color=[colours[g] for g in groups], alpha=0.35, height=0.6
        )
        ax.errorbar(
            rows["mean"],
            y,
            xerr=_err(rows),
            fmt="o",
            color="black",
            ms=5,
            capsize=4,
            label="mean, 95% interval between replications",
        )
        ax.axvline(
            cap_bbl,
            color=KIND_COLOURS["cap"],
            ls="--",
            lw=1.6,
            label=f"UN cap (UNSCR 2397): {cap_bbl:,.0f} bbl/yr",
        )
        ax.set_yticks(y, groups)
        ax.invert_yaxis()
        vals = np.concatenate(
            [rows["ci_high"].to_numpy(float), rows["mean"].to_numpy(float), [cap_bbl]]
        )
        hi = float(np.nanmax(vals))
        ax.set_xlim(0, hi * 1.08)
        ax.xaxis.set_major_formatter(
            lambda v, _: f"{v / 1e6:.1f}" if hi >= 2e6 else f"{v / 1e3:,.0f}"
        )
        ax.set_xlabel(
            "Refined petroleum delivered, "
            + ("million barrels per year" if hi >= 2e6 else "thousand barrels per year")
        )
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.22 if len(groups) > 3 else -0.35),
            ncol=2,
            frameon=False,
        )
        if title:
            ax.set_title(title, loc="left")
    return ax


def plot_cost_effectiveness(
    table: pd.DataFrame,
    *,
    by: str = "label",
    fig: Figure | None = None,
    run_days: float | None = None,
) -> Figure:
    """Patrol hours per interception against interception rate, and the effort behind it.

    Left: each scenario at (interception rate, patrol hours per interception), both with
    95% intervals. Right: ship-days at sea and aircraft flight hours per run.

    Args:
        table: ``comparison_table`` output with ``interception_rate``,
            ``patrol_hours_per_interception``, ``ship_days`` and ``flight_hours``.
        by: the scenario/variant column.
        fig: figure to draw on (cleared; three axes are added).
        run_days: simulated days per run, for the effort labels.

    Returns:
        The figure.
    """
    groups = _groups(table, by)
    colours = scenario_colours(groups)
    with style():
        if fig is None:
            fig = plt.figure(figsize=(12, 0.9 + max(4.2, 0.5 * len(groups))), layout="constrained")
        fig.clear()
        gs = fig.add_gridspec(1, 3, width_ratios=[1.6, 1, 1])
        _cost_panel(fig.add_subplot(gs[0]), table, by, groups, colours)
        _effort_panels(fig, gs, table, by, groups, colours, run_days)
    return fig


def _cost_panel(
    ax: Axes, table: pd.DataFrame, by: str, groups: Sequence[str], colours: Mapping[str, str]
) -> None:
    """Patrol hours per interception against interception rate (log scale when they spread)."""
    rate = _rows(table, "interception_rate", by, groups)
    cost = _rows(table, "patrol_hours_per_interception", by, groups)
    means = cost["mean"].to_numpy(dtype=float)
    means = means[np.isfinite(means) & (means > 0)]
    # costs that differ by orders of magnitude (a blockade against a baseline) need a log axis
    log_y = len(means) > 1 and means.max() / means.min() > 10
    for i, g in enumerate(groups):
        x, yv = rate["mean"].iloc[i], cost["mean"].iloc[i]
        if not (math.isfinite(x) and math.isfinite(yv)):
            continue
        yerr = _err(cost.iloc[[i]])
        if (
            log_y
        ):  # a lower bound at or below zero cannot be drawn on a log axis: stop just above it
            yerr[0] = np.minimum(yerr[0], 0.9 * yv)
        ax.errorbar(
            [x],
            [yv],
            xerr=_err(rate.iloc[[i]]),
            yerr=yerr,
            fmt="o",
            ms=8,
            capsize=3,
            color=colours[g],
            label=g,
        )
    _pad_rate_axis(ax, rate)
    percent_axis(ax, "x")
    if log_y:
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _p: f"{v:,.0f}"))
        # minor ticks as plain numbers too (matplotlib's default reads "6x10^4" beside
        # "10,000"), labelled only at 2, 3 and 5 of each decade so that they stay legible
        ax.yaxis.set_minor_formatter(
            plt.FuncFormatter(lambda v, _p: f"{v:,.0f}" if v > 0 and f"{v:.0e}"[0] in "235" else "")
        )
    else:
        ax.set_ylim(bottom=0)
        thousands_axis(ax, "y")
    ax.set_xlabel("Interception rate (% of settled illicit voyages)")
    ax.set_ylabel(
        "Patrol hours per interception (ship + aircraft hours)" + (", log scale" if log_y else "")
    )
    ax.set_title("Cost per interception (lower right is better)", loc="left")
    missing = [
        g
        for i, g in enumerate(groups)
        if not (math.isfinite(rate["mean"].iloc[i]) and math.isfinite(cost["mean"].iloc[i]))
    ]
    if len(missing) == len(groups):
        ax.set_yticks([])
        empty_message(
            ax, "No interceptions in any scenario:\npatrol hours per interception is undefined."
        )
    elif missing:
        ax.annotate(
            "no interceptions: " + ", ".join(missing),
            (0.02, 0.98),
            xycoords="axes fraction",
            va="top",
            fontsize=8,
            color="#555555",
        )
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper right", fontsize=8)


def _effort_panels(
    fig: Figure,
    gs: Any,
    table: pd.DataFrame,
    by: str,
    groups: Sequence[str],
    colours: Mapping[str, str],
    run_days: float | None,
) -> None:
    """Ship-days at sea and aircraft flight hours per run, as bars with 95% intervals."""
    per = f" per run ({run_days:g} days)" if run_days else " per run"
    for k, (metric, label) in enumerate(
        (
            ("ship_days", "Ship-days at sea" + per),
            ("flight_hours", "Aircraft flight hours" + per),
        )
    ):
        a = fig.add_subplot(gs[k + 1])
        rows = _rows(table, metric, by, groups)
        y = np.arange(len(groups))
        a.barh(y, rows["mean"].fillna(0), color=[colours[g] for g in groups], height=0.6)
        a.errorbar(rows["mean"], y, xerr=_err(rows), fmt="none", ecolor="black", capsize=3)
        a.set_yticks(y, groups if k == 0 else [""] * len(groups))
        a.invert_yaxis()
        thousands_axis(a, "x")
        a.set_xlabel(label.replace(" per run", "\nper run") if per else label)
        a.set_title("Ship effort (days)" if k == 0 else "Air effort (hours)", loc="left")
        a.grid(axis="y", visible=False)


def _pad_rate_axis(ax: Axes, rate: pd.DataFrame) -> None:
    """Room on both sides of the rates, so a point at (or near) 0% is drawn whole."""
    hi = np.nanmax(np.r_[rate["ci_high"].to_numpy(float), rate["mean"].to_numpy(float), 0.01])
    pad = 0.04 * hi
    ax.set_xlim(-pad, hi + pad)


def plot_cumulative(
    timeline: pd.DataFrame,
    *,
    by: str = "label",
    fig: Figure | None = None,
    warmup_days: float | None = None,
) -> Figure:
    """Mean cumulative petroleum deliveries and interdictions through the run, per scenario.

    Args:
        timeline: ``cumulative_by_day`` output (``by, series, day, mean``).
        by: the scenario/variant column.
        fig: figure to draw on (cleared; two axes are added).
        warmup_days: shade the warm-up period (not counted in the metrics) when given.

    Returns:
        The figure.
    """
    groups = _groups(timeline, by) if len(timeline) else []
    colours = scenario_colours(groups)
    with style():
        if fig is None:
            fig = plt.figure(figsize=(12, 4.6), layout="constrained")
        fig.clear()
        axes = fig.subplots(1, 2)
        for ax, series, ylabel in zip(
            axes,
            ("petroleum deliveries", "seizures + diversions"),
            (
                "Petroleum deliveries to DPRK ports (cumulative count)",
                "Seizures + diversions (cumulative count)",
            ),
            strict=True,
        ):
            for g in groups:
                s = timeline[(timeline[by] == g) & (timeline["series"] == series)]
                ax.step(s["day"], s["mean"], where="post", color=colours[g], lw=1.8, label=g)
            if warmup_days:
                ax.axvspan(0, warmup_days, color="#eeeeee", zorder=0, label="warm-up (not counted)")
            ax.set_xlim(left=0)
            top = timeline.loc[timeline["series"] == series, "mean"].max() if len(timeline) else 0
            ax.set_ylim(0, max(1.0, float(np.nan_to_num(top)) * 1.08))
            if not np.nan_to_num(top):
                empty_message(ax, f"No {series} in any replication.")
            ax.set_xlabel("Day of the run (days)")
            ax.set_ylabel(ylabel)
            ax.set_title(series.capitalize() + " (mean over replications)", loc="left")
            if series == "seizures + diversions":
                _inset_without_dominant(ax, timeline[timeline["series"] == series], by, colours)
        axes[0].legend(loc="upper left", fontsize=8)
    return fig


_DOMINANT = 4.0
"""A scenario whose final count is this many times the next one's gets the main scale to
itself and the others an inset (assumption: below 1/4 of the axis a line reads as flat)."""


def _inset_without_dominant(
    ax: Axes, series: pd.DataFrame, by: str, colours: Mapping[str, str]
) -> None:
    """When one scenario dwarfs the rest (a blockade), redraw the rest on their own scale."""
    final = series.groupby(by)["mean"].max().sort_values(ascending=False)
    if len(final) < 2 or not final.iloc[1] > 0 or final.iloc[0] < _DOMINANT * final.iloc[1]:
        return
    top = str(final.index[0])
    inset = ax.inset_axes((0.07, 0.5, 0.46, 0.44))
    for g, s in series.groupby(by, sort=False):
        if g != top:
            inset.step(s["day"], s["mean"], where="post", color=colours[str(g)], lw=1.5)
    inset.set_xlim(left=0)
    inset.set_ylim(0, float(final.iloc[1]) * 1.1)
    inset.tick_params(labelsize=7)
    inset.set_title(f"without {top}, own scale", fontsize=7.5, loc="left")
    inset.grid(color="#e5e5e5", lw=0.5)


def _is_numeric(values: Sequence[Any]) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def plot_sweep(
    table: pd.DataFrame,
    factors: Mapping[str, Sequence[Any]],
    *,
    metrics: Sequence[str] = (
        "interception_rate",
        "barrels_delivered_per_year",
        "patrol_hours_per_interception",
    ),
    by: str = "label",
    fig: Figure | None = None,
) -> Figure:
    """Metrics against the first varied parameter, one line per combination of the others.

    Args:
        table: ``comparison_table`` output with one column per factor (the varied key paths).
        factors: the varied key paths and their values, in sweep order.
        metrics: one panel per metric.
        by: the variant column.
        fig: figure to draw on (cleared).

    Returns:
        The figure.
    """
    keys = list(factors)
    x_key, rest = keys[0], keys[1:]
    x_vals = list(factors[x_key])
    numeric = _is_numeric(x_vals)
    with style():
        if fig is None:
            fig = plt.figure(figsize=(4.3 * len(metrics), 4.4), layout="constrained")
        fig.clear()
        axes = np.atleast_1d(fig.subplots(1, len(metrics)))
        combos = table[rest].drop_duplicates().to_dict("records") if rest else [{}]
        for ax, metric in zip(axes, metrics, strict=True):
            t = table[table["metric"] == metric]
            for j, combo in enumerate(combos):
                s = t
                for k, v in combo.items():
                    s = s[s[k] == v]
                order = {v: i for i, v in enumerate(x_vals)}
                s = s.assign(_o=s[x_key].map(order)).sort_values("_o")
                xs = s[x_key].to_numpy(float) if numeric else s["_o"].to_numpy(float)
                label = ", ".join(f"{k.split('.')[-1]}={v}" for k, v in combo.items()) or None
                ax.errorbar(
                    xs,
                    s["mean"],
                    yerr=_err(s),
                    fmt="-o",
                    capsize=3,
                    ms=5,
                    color=OKABE_ITO[j % len(OKABE_ITO)],
                    label=label,
                )
            if not numeric:
                ax.set_xticks(range(len(x_vals)), [str(v) for v in x_vals])
            elif len(x_vals) <= 8:
                ax.set_xticks([float(v) for v in x_vals], [f"{v:g}" for v in x_vals])
            ax.margins(x=0.08)
            ax.set_xlabel(x_key)
            label, is_rate = _metric_axis_label(metric)
            ax.set_ylabel(label)
            if is_rate:
                percent_axis(ax)
            else:
                thousands_axis(ax)
            ax.set_ylim(bottom=0)
            ax.set_title(label.split(" (")[0], loc="left", fontsize=10)
        if combos != [{}]:
            axes[0].legend(fontsize=8)
        fig.suptitle(
            f"Sweep over {', '.join(keys)} (mean, 95% interval between replications)",
            x=0.01,
            ha="left",
            fontsize=11,
            fontweight="bold",
        )
    return fig


def _metric_axis_label(metric: str) -> tuple[str, bool]:
    labels = {
        "interception_rate": ("Interception rate (% of settled voyages)", True),
        "cargo_denied_share": ("Cargo denied (% of cargo loaded)", True),
        "disruption_rate": ("Disruption rate (% of settled voyages)", True),
        "denial_rate": ("Denial rate (% of settled voyages)", True),
        "sts_detected_share": ("Transfers detected (% of transfers)", True),
        "barrels_delivered_per_year": ("Petroleum delivered (bbl/yr)", False),
        "patrol_hours_per_interception": ("Patrol hours per interception (h)", False),
        "false_positive_boardings": ("False-positive boardings (per run)", False),
        "escalation_incidents": ("Escalation incidents (per run)", False),
    }
    return labels.get(metric, (metric, False))


def plot_tornado(
    oat: pd.DataFrame,
    *,
    metric: str = "denial_rate",
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Tornado plot of a one-at-a-time sensitivity table.

    The table is ``sim.experiments.sensitivity.one_at_a_time``'s.

    Bars run from the metric at each parameter's low value to its high value, around the
    base value (vertical line); parameters are sorted by the width of their swing.
    """
    base = float(oat.loc[oat["parameter"] == "base", metric].iloc[0])
    params = [p for p in oat["parameter"].unique() if p != "base"]
    swings = []
    for p in params:
        sub = oat[oat["parameter"] == p].set_index("level")
        lo, hi = float(sub.loc["low", metric]), float(sub.loc["high", metric])
        swings.append((abs(hi - lo), p, lo, hi, sub.loc["low", "value"], sub.loc["high", "value"]))
    swings.sort()
    label, pct = _metric_axis_label(metric)
    scale = 100.0 if pct else 1.0
    with style():
        ax = _new_ax(ax, len(swings))
        # low and high side by side (low above), never one over the other: when both move
        # the metric the same way, a shared row would hide the shorter bar under the longer
        for y, (_, _p, lo, hi, vlo, vhi) in enumerate(swings):
            for value, setting, off, colour, name in (
                (lo, vlo, 0.19, OKABE_ITO[5], "low value"),
                (hi, vhi, -0.19, OKABE_ITO[1], "high value"),
            ):
                ax.barh(
                    y + off,
                    (value - base) * scale,
                    left=base * scale,
                    color=colour,
                    height=0.36,
                    label=name if y == 0 else None,
                )
                right = value >= base
                ax.text(
                    value * scale,
                    y + off,
                    f"  {setting}  ",
                    va="center",
                    ha="left" if right else "right",
                    fontsize=7.5,
                )
        ax.axvline(base * scale, color="black", lw=1)
        ax.set_yticks(range(len(swings)), [s[1] for s in swings])
        ax.set_xlabel(label)
        ax.set_title(title or f"Sensitivity of {label.split(' (')[0].lower()} (one at a time)")
        ax.margins(x=0.12)
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.16 if len(swings) > 3 else -0.3),
            ncol=2,
            frameon=False,
            fontsize=8,
            title="metric with the parameter at its (setting at each bar's end; line: base case)",
            title_fontsize=8,
        )
    return ax
