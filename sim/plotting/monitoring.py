"""Figures of AIS-detector scores (tables from ``sim.analysis.scoring``)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.detectors import DETECTORS
from sim.plotting.style import empty_message, percent_axis, scenario_colours, style

__all__ = ["plot_detector_scores", "DETECTOR_LABELS"]

DETECTOR_LABELS: dict[str, str] = {
    "encounters": "Encounters\n(≤500 m, ≥2 h, <2 kn)",
    "loitering": "Loitering\n(<2 kn, ≥4 h, ≥20 nm out)",
    "gaps": "AIS gaps\n(≥12 h, ≥50 nm out)",
    "identity": "Identity anomalies\n(>50 kn or two places)",
}
_METRICS = (("precision", "Precision"), ("recall", "Recall"), ("f1", "F1 score"))
_MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")


def plot_detector_scores(
    scores: pd.DataFrame,
    *,
    title: str | None = "AIS detectors against ground truth",
    fig: Figure | None = None,
) -> Figure:
    """Precision, recall and F1 (panels) of each detector (rows), one marker per scenario.

    Args:
        scores: ``score_scenarios`` output (label, detector, precision, recall, f1, n_truth, ...).
        title: figure title.
        fig: figure to draw on (a new one when None).

    Returns:
        The figure.
    """
    labels = list(dict.fromkeys(scores["label"])) if len(scores) else []
    dets = [d for d in DETECTORS if len(scores) and d in set(scores["detector"])]
    colours = scenario_colours(labels)
    with style():
        if fig is None:
            fig = plt.figure(figsize=(10, 1.6 + 0.75 * max(len(dets), 2)), layout="constrained")
        axes = fig.subplots(1, len(_METRICS), sharey=True)
        if not dets:
            empty_message(axes[1], "No detector scores to show")
            return fig
        y = np.arange(len(dets))
        k = len(labels)
        offsets = np.linspace(-0.25, 0.25, k) if k > 1 else np.zeros(1)
        for ax, (m, name) in zip(axes, _METRICS, strict=True):
            for j, lab in enumerate(labels):
                s = scores[scores["label"] == lab].set_index("detector").reindex(dets)
                ax.scatter(
                    s[m].to_numpy(float),
                    y + offsets[j],
                    s=40,
                    color=colours[lab],
                    marker=_MARKERS[j % len(_MARKERS)],
                    label=lab,
                    zorder=3,
                    edgecolor="white",
                    linewidth=0.5,
                )
                undefined = ~np.isfinite(s[m].to_numpy(float))
                for yy in (y + offsets[j])[undefined]:
                    ax.text(0.01, yy, "n/a", va="center", fontsize=7, color=colours[lab])
            ax.set_xlim(-0.03, 1.03)
            percent_axis(ax, "x")
            ax.set_xlabel(f"{name} (%)")
            ax.set_title(name, loc="left")
            for yy in y[:-1]:
                ax.axhline(yy + 0.5, color="#cccccc", linewidth=0.6)
            ax.grid(axis="y", visible=False)
        n_truth = scores.groupby("detector")["n_truth"].sum()
        axes[0].set_yticks(
            y,
            [
                f"{DETECTOR_LABELS.get(d, d)}\n{int(n_truth.get(d, 0)):,} true events"
                + (f" in {k} scenarios" if k > 1 else "")
                for d in dets
            ],
        )
        axes[0].tick_params(axis="y", labelsize=8.5)
        axes[0].set_ylim(len(dets) - 0.5, -0.5)
        handles, labs = axes[0].get_legend_handles_labels()
        fig.legend(
            handles,
            labs,
            loc="outside lower center",
            ncol=min(k, 4),
            frameon=False,
            title="Scenario",
        )
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    return fig
