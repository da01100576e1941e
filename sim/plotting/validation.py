"""Figures for model validity: search-theory verification and calibration against public figures."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from sim.plotting.style import OKABE_ITO, style

__all__ = ["plot_verification", "plot_calibration"]


def plot_verification(checks: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Measured detection probability (95% interval) against the analytic value, one row per check.

    Args:
        checks: columns ``name, measured, ci_low, ci_high, analytic``.
        ax: axes to draw on.
    """
    with style():
        if ax is None:
            _, ax = plt.subplots(figsize=(7.5, 0.5 * len(checks) + 1.5))
        y = np.arange(len(checks))
        ax.errorbar(
            checks["measured"],
            y,
            xerr=[checks["measured"] - checks["ci_low"], checks["ci_high"] - checks["measured"]],
            fmt="o",
            color=OKABE_ITO[5],
            capsize=3,
            label="simulated (95% interval)",
        )
        ax.scatter(
            checks["analytic"], y, marker="x", color=OKABE_ITO[6], s=60, zorder=3, label="analytic"
        )
        ax.set_yticks(y, checks["name"])
        ax.set_xlabel("Detection probability")
        ax.set_xlim(0, 1)
        ax.invert_yaxis()
        ax.set_title("Simulation against search theory (open water)")
        ax.legend(loc="lower right", frameon=False)
    return ax


def plot_calibration(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Simulated value (95% interval) against each public figure's accepted range.

    On a relative scale.

    Values are divided by the public figure, so 1 means "reproduces it"; the grey bar is the
    accepted range. Args: ``table`` from ``sim.analysis.calibration.compare_to_targets``.
    """
    with style():
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 0.55 * len(table) + 1.5))
        y = np.arange(len(table))
        ref = table["public"].to_numpy(dtype=float)
        lo, hi = table["accepted_low"] / ref, np.minimum(table["accepted_high"] / ref, 5.0)
        ax.barh(y, hi - lo, left=lo, color="0.85", height=0.5, label="accepted range")
        sim_ = table["simulated"] / ref
        err = np.vstack(
            [
                (table["simulated"] - table["ci_low"]) / ref,
                (table["ci_high"] - table["simulated"]) / ref,
            ]
        )
        colors = [OKABE_ITO[2] if ok else OKABE_ITO[5] for ok in table["in_range"]]
        ax.errorbar(sim_, y, xerr=np.nan_to_num(err), fmt="none", ecolor="0.3", capsize=3)
        ax.scatter(sim_, y, color=colors, zorder=3, s=40, label="simulated (green: in range)")
        ax.axvline(1.0, color="black", lw=1, label="public figure")
        ax.set_yticks(
            y,
            [f"{s}: {f}" for s, f in zip(table["scenario"], table["figure"], strict=True)],
            fontsize=8,
        )
        ax.set_xlabel("Simulated / public figure")
        ax.invert_yaxis()
        ax.set_title("Calibration against public figures")
        ax.legend(loc="lower right", frameon=False, fontsize=8)
    return ax
