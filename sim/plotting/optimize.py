"""Figures and the offline HTML report of `sanctions-sim optimize`, from its tables.

Everything here takes the DataFrames that ``sim.optimize.outputs`` writes (``candidates``,
``equilibrium``, ``payoff_matrix``, ``selection``, ``areas``) and the headline dict; the only
other input is the theater for the map. Never imports the engine.
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.plotting.page import REPORT_CSS, save_figure
from sim.plotting.style import style

__all__ = [
    "plot_effort_map",
    "plot_candidates",
    "plot_payoff_matrix",
    "plot_selection",
    "build_optimize_report",
]


def plot_effort_map(theater: Any, areas: pd.DataFrame, title: str) -> Figure:
    """Patrol effort (blue) and smugglers' rendezvous use (orange) by area, at equilibrium.

    Args:
        theater: a ``sim.geo.Theater`` (for the coastline and the area polygons).
        areas: rows ``side`` (patrol / smugglers), ``area``, ``weight`` (shares summing to 1
            per side).
        title: figure title.
    """
    import shapely

    from sim.plotting.maps import plot_theater

    with style():
        fig, ax = plt.subplots(figsize=(9, 9), dpi=110)
        plot_theater(theater, ax=ax, show_areas=False, show_places=False, title=title)
        colours = {"patrol": "#0072B2", "smugglers": "#D55E00"}
        for _, r in areas.iterrows():
            if r["weight"] <= 1e-6:
                continue
            a = theater.area(r["area"])
            for part in shapely.get_parts(a.polygon_lonlat):
                xy = np.asarray(part.exterior.coords)
                c = colours[r["side"]]
                ax.fill(
                    xy[:, 0],
                    xy[:, 1],
                    color=c,
                    alpha=0.15 + 0.5 * float(r["weight"]),
                    zorder=3,
                    lw=0,
                )
                ax.plot(xy[:, 0], xy[:, 1], color=c, lw=1.5, zorder=4)
            x0, y0, x1, y1 = a.polygon_lonlat.bounds
            # patrol tags at the top-left corner, smugglers' at the bottom-right: nested boxes
            # (a hotspot inside a patrol box) keep their labels apart
            tx, ty, ha, va = (
                (x0, y1, "left", "bottom") if r["side"] == "patrol" else (x1, y0, "right", "top")
            )
            ax.text(
                tx,
                ty,
                f"{r['area']} {r['weight']:.0%}",
                ha=ha,
                va=va,
                fontsize=7.5,
                zorder=5,
                color=colours[r["side"]],
                bbox={"fc": "white", "ec": "none", "alpha": 0.8, "pad": 1},
            )
        ax.legend(
            handles=[
                plt.Rectangle((0, 0), 1, 1, color=colours["patrol"], alpha=0.5),
                plt.Rectangle((0, 0), 1, 1, color=colours["smugglers"], alpha=0.5),
            ],
            labels=["patrol effort (equilibrium mix)", "smugglers' rendezvous (their response)"],
            loc="lower right",
        )
    return fig


def plot_candidates(candidates: pd.DataFrame, objective_label: str) -> Figure:
    """Each allocation's objective against the declared smugglers, and if the smugglers respond."""
    c = candidates.iloc[::-1]
    y = np.arange(len(c))
    with style():
        fig, ax = plt.subplots(figsize=(8, 0.6 * len(c) + 1.6))
        err = np.vstack([c["objective_mean"] - c["ci_low"], c["ci_high"] - c["objective_mean"]])
        err = np.nan_to_num(err)
        ax.errorbar(
            c["objective_mean"],
            y + 0.12,
            xerr=err,
            fmt="o",
            color="#0072B2",
            capsize=3,
            label="against the declared smugglers (mean, 95% t interval)",
        )
        ax.plot(
            c["value_if_smugglers_respond"],
            y - 0.12,
            "s",
            color="#D55E00",
            label="if the smugglers best-respond to it",
        )
        ax.set_yticks(
            y,
            [
                f"{lab}{'  (chosen)' if ch else ''}"
                for lab, ch in zip(c["label"], c["chosen"], strict=True)
            ],
        )
        ax.set_xlabel(objective_label)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), fontsize=8)
        ax.set_title("Candidate allocations")
    return fig


def plot_payoff_matrix(matrix: pd.DataFrame, objective_label: str) -> Figure:
    """Heat map of the mean patrol objective by allocation (rows) and response (columns)."""
    pv = matrix.pivot(index="allocation_label", columns="response_label", values="patrol_objective")
    order_r = matrix.drop_duplicates("allocation")["allocation_label"].tolist()
    order_c = matrix.drop_duplicates("response")["response_label"].tolist()
    pv = pv.loc[order_r, order_c]
    with style():
        fig, ax = plt.subplots(figsize=(2.2 * len(order_c) + 3, 0.55 * len(order_r) + 1.8))
        im = ax.imshow(pv.to_numpy(), cmap="Blues", aspect="auto")
        ax.grid(False)
        for i in range(len(order_r)):
            for j in range(len(order_c)):
                v = pv.iat[i, j]
                ax.text(
                    j,
                    i,
                    f"{v:.3f}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if v > np.nanmean(pv.to_numpy()) else "black",
                )
        ax.set_xticks(range(len(order_c)), order_c, rotation=15, ha="right", fontsize=8)
        ax.set_yticks(range(len(order_r)), order_r, fontsize=8)
        ax.set_xlabel("smugglers' response")
        fig.colorbar(im, ax=ax, label=objective_label)
        ax.set_title("Payoff matrix (mean patrol objective per cell)")
    return fig


def plot_selection(history: pd.DataFrame, objective_label: str) -> Figure:
    """Running means per allocation as replications accrue; the line stops at elimination."""
    with style():
        fig, ax = plt.subplots(figsize=(8, 4.2))
        if history.empty:
            ax.text(
                0.5, 0.5, "one allocation: nothing to select", ha="center", transform=ax.transAxes
            )
            return fig
        for label, g in history.groupby("label", sort=False):
            g = g.sort_values("replications")
            alive = g[g["in_contention"]]
            line = ax.plot(g["replications"], g["mean"], lw=1, alpha=0.35)[0]
            ax.plot(
                alive["replications"],
                alive["mean"],
                "o-",
                color=line.get_color(),
                ms=3,
                label=label,
            )
            out = g[~g["in_contention"]]
            if len(out):  # eliminated: a cross at the stage it left the contest
                ax.plot(
                    out["replications"].iloc[:1],
                    out["mean"].iloc[:1],
                    "x",
                    color=line.get_color(),
                    ms=9,
                    mew=2,
                )
        ax.set_xlabel("replications per allocation")
        ax.set_ylabel(objective_label)
        ax.set_title("Selection (Kim-Nelson): running means; solid while in contention")
        ax.legend(fontsize=8, loc="best")
    return fig


def _fmt(v: float, objective: str) -> str:
    if not math.isfinite(v):
        return "n/a"
    return f"{v:+.2f} x cap" if objective == "barrels_vs_cap" else f"{100 * v:+.2f} points"


def summary_paragraphs(head: dict[str, Any]) -> list[str]:
    """The report's opening sentences, in the order an analyst asks."""
    obj = head["objective"]
    out = []
    mix = ", ".join(f"{k} (probability {v:.2f})" for k, v in head["equilibrium_mix"].items())
    resp = ", ".join(f"{k} (probability {v:.2f})" for k, v in head["smugglers_response"].items())
    out.append(
        f"Against smugglers who see the patrol plan and respond, the best commitment is {mix}; "
        f"the smugglers answer with {resp}. Chosen allocation (written to optimum.yaml): "
        f"{head['chosen']}."
    )
    if "naive_gain_over_declared" in head:
        m, lo, hi = head["equilibrium_gain_over_declared"]
        out.append(
            f"Gain over the scenario's own allocation when the smugglers respond to each: "
            f"{_fmt(m, obj)} in {head['objective_label']} (bootstrap 95% interval "
            f"{_fmt(lo, obj)} to {_fmt(hi, obj)}; optimistic, since the equilibrium is chosen on "
            "the same replications and can only gain on them)."
        )
        m, lo, hi = head["naive_gain_over_declared"]
        if head.get("naive_is_declared"):
            alt = ""
            if "best_alternative" in head:
                m2, lo2, hi2 = head["best_alternative_gain"]
                alt = (
                    f" The best alternative, {head['best_alternative']}, differs from it by "
                    f"{_fmt(m2, obj)} (paired 95% interval {_fmt(lo2, obj)} to {_fmt(hi2, obj)})."
                )
            out.append(
                f"Against smugglers who do not adapt, the best allocation found is the scenario's "
                f"own ({head['naive_choice']})." + alt
            )
        else:
            settled = "" if (lo > 0 or hi < 0) else " The interval includes zero: not settled."
            out.append(
                f"Against smugglers who do not adapt, the best allocation is "
                f"{head['naive_choice']}: {_fmt(m, obj)} over the scenario's own (paired 95% "
                f"interval {_fmt(lo, obj)} to {_fmt(hi, obj)}, "
                f"{head['naive_gain_replications']} common-seed replications)." + settled
            )
    out.append(head["selection_statement"])
    if head.get("approximate_pcs") is not None:
        out.append(
            f"Estimated probability that the naive choice is the best (Bonferroni, treating the "
            f"sample means as true): {head['approximate_pcs']:.2f}."
        )
    return out


def build_optimize_report(
    out_dir: str | Path,
    tabs: dict[str, pd.DataFrame],
    head: dict[str, Any],
    *,
    theater: Any | None = None,
    caveats: list[str] | None = None,
) -> Path:
    """Write ``report.html`` and ``figures/*.png`` of an optimize run; return the report path."""
    out = Path(out_dir)
    figdir = out / "figures"
    figdir.mkdir(parents=True, exist_ok=True)
    label = head["objective_label"]
    figs = _figures(tabs, label, theater, figdir)
    title = f"Patrol optimisation: {head['scenario']}"
    parts = [
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}"
        f"</title><style>{REPORT_CSS}</style></head><body><h1>{html.escape(title)}</h1>",
        f"<p class='meta'>objective: {html.escape(label)}; "
        f"{head.get('replications_total', head['replications_run'])} replications over all "
        f"cells, {head['replications_run']} simulated by the last run "
        f"({head['wall_s'] / 60:.1f} min), the rest read back from earlier runs.</p>",
        "<div class='summary'>"
        + "".join(f"<p>{html.escape(s)}</p>" for s in summary_paragraphs(head))
        + "</div>",
    ]
    for heading, caption, b64 in figs:
        parts.append(
            f"<h2>{html.escape(heading)}</h2><figure><img alt='{html.escape(heading)}' "
            f"src='data:image/png;base64,{b64}'><figcaption>{html.escape(caption)}"
            "</figcaption></figure>"
        )
    parts += _tables_html(tabs)
    if caveats:
        parts.append(
            "<h2>Caveats</h2><ul>"
            + "".join(f"<li>{html.escape(c)}</li>" for c in caveats)
            + "</ul>"
        )
    parts.append("</body></html>")
    path = out / "report.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def _figures(
    tabs: dict[str, pd.DataFrame], label: str, theater: Any | None, figdir: Path
) -> list[tuple[str, str, str]]:
    """(heading, caption, base64 PNG) of each figure, in report order; PNGs saved in figdir.

    The map comes first, and only with a theater and the effort-by-area table.
    """
    figs: list[tuple[str, str, str]] = []
    if theater is not None and "areas" in tabs and len(tabs["areas"]):
        figs.append(
            (
                "Allocation and response on the map",
                "Blue: share of patrol effort by area under the equilibrium mix (allocated "
                "groups). "
                "Orange: the smugglers' rendezvous areas under their equilibrium response "
                "(responding programs, weighted by voyages). Darker = larger share.",
                save_figure(
                    plot_effort_map(
                        theater, tabs["areas"], "Equilibrium patrol effort and smugglers' response"
                    ),
                    figdir / "map.png",
                ),
            )
        )
    figs.append(
        (
            "Candidates",
            "Blue: objective against the smugglers as declared, mean and 95% t interval between "
            "common-seed replications. Orange: the value if the smugglers best-respond to that "
            "allocation alone (cell means).",
            save_figure(plot_candidates(tabs["candidates"], label), figdir / "candidates.png"),
        )
    )
    figs.append(
        (
            "Payoff matrix",
            "Mean patrol objective of each (allocation, smugglers' response) cell over its "
            "replications, all on the same replication seeds.",
            save_figure(
                plot_payoff_matrix(tabs["payoff_matrix"], label), figdir / "payoff_matrix.png"
            ),
        )
    )
    figs.append(
        (
            "Convergence of the selection",
            "Running mean of each allocation against the declared smugglers as replications are "
            "added; a cross and a faint line mark where Kim-Nelson eliminated an allocation.",
            save_figure(plot_selection(tabs["selection"], label), figdir / "selection.png"),
        )
    )
    return figs


def _tables_html(tabs: dict[str, pd.DataFrame]) -> list[str]:
    """The equilibrium table and the candidates' main columns, as HTML fragments."""
    parts = ["<h2>Equilibrium</h2>"]
    parts.append(
        tabs["equilibrium"].to_html(
            index=False, border=0, na_rep="", float_format=lambda v: f"{v:.4f}"
        )
    )
    parts.append("<h2>Candidates</h2>")
    shown = [
        "label",
        "objective_mean",
        "ci_low",
        "ci_high",
        "replications",
        "gain_vs_declared",
        "gain_ci_low",
        "gain_ci_high",
        "eliminated_at",
        "value_if_smugglers_respond",
        "equilibrium_weight",
    ]
    parts.append(
        "<p>Objective against the declared smugglers; gain: paired difference from the declared "
        "allocation on common seeds. Every column is in candidates.csv.</p>"
    )
    parts.append(
        tabs["candidates"][[c for c in shown if c in tabs["candidates"]]].to_html(
            index=False, border=0, na_rep="", float_format=lambda v: f"{v:.4f}"
        )
    )
    return parts
