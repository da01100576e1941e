"""One scenario on the real coastline: transfers, interdictions and where patrols saw vessels."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from sim.analysis.comparison import transfers_with_detection
from sim.plotting.labels import place_labels
from sim.plotting.style import KIND_COLOURS, style

__all__ = ["plot_scenario_map"]

_COVER = ("#d6ecf7", "#56B4E9", "#0072B2", "#00304d")
"""Colour ramp of the detection heat map (light to dark blue)."""


def _detection_heat(
    ax: Axes, theater: Any, events: pd.DataFrame, n_reps: int, cell_deg: float
) -> None:
    """2-D histogram of allied detection positions per replication, with its colour bar."""
    from matplotlib.colors import LinearSegmentedColormap

    lon0, lat0, lon1, lat1 = theater.bbox
    det = events[(events["kind"] == "detection")].dropna(subset=["lon", "lat"])
    xb = np.arange(lon0, lon1 + cell_deg, cell_deg)
    yb = np.arange(lat0, lat1 + cell_deg, cell_deg)
    h, _, _ = np.histogram2d(det["lon"], det["lat"], bins=[xb, yb])
    h = h / n_reps
    h[h == 0] = np.nan
    if not np.isfinite(h).any():
        return
    cmap = LinearSegmentedColormap.from_list("cover", list(_COVER))
    mesh = ax.pcolormesh(xb, yb, h.T, cmap=cmap, alpha=0.65, zorder=3, shading="flat")
    cb = ax.figure.colorbar(mesh, ax=ax, shrink=0.55, pad=0.02)
    cb.set_label(
        f"Allied detections per {cell_deg:g}° cell per replication\n"
        "(where patrols saw vessels: a coverage proxy)"
    )


def _event_marks(ax: Axes, events: pd.DataFrame, voyages: pd.DataFrame, by: str) -> list[Line2D]:
    """Transfers (detected filled, undetected hollow), seizures and diversions; legend handles."""
    tr = transfers_with_detection(events, voyages, by=by).dropna(subset=["lon", "lat"])
    und, dtc = tr[~tr["detected"]], tr[tr["detected"]]
    seiz = events[events["kind"] == "seizure"].dropna(subset=["lon", "lat"])
    div = events[events["kind"] == "diversion"].dropna(subset=["lon", "lat"])
    ax.scatter(
        und["lon"],
        und["lat"],
        s=26,
        marker="o",
        facecolors="none",
        edgecolors=KIND_COLOURS["undetected"],
        lw=1.3,
        zorder=9,
    )
    ax.scatter(
        dtc["lon"],
        dtc["lat"],
        s=30,
        marker="o",
        c=KIND_COLOURS["detected"],
        ec="white",
        lw=0.5,
        zorder=10,
    )
    ax.scatter(
        seiz["lon"],
        seiz["lat"],
        s=60,
        marker="X",
        c=KIND_COLOURS["seizure"],
        ec="black",
        lw=0.6,
        zorder=11,
    )
    ax.scatter(
        div["lon"],
        div["lat"],
        s=42,
        marker="D",
        c=KIND_COLOURS["diversion"],
        ec="black",
        lw=0.6,
        zorder=11,
    )

    def mark(label: str, **kw: Any) -> Line2D:
        return Line2D([], [], ls="", label=label, **kw)

    return [
        mark(
            f"transfer, not detected ({len(und)})",
            marker="o",
            mfc="none",
            mec=KIND_COLOURS["undetected"],
            mew=1.3,
        ),
        mark(
            f"transfer, detected in progress ({len(dtc)})",
            marker="o",
            color=KIND_COLOURS["detected"],
        ),
        mark(
            f"seizure ({len(seiz)})", marker="X", color=KIND_COLOURS["seizure"], mec="black", ms=9
        ),
        mark(
            f"diversion ({len(div)})",
            marker="D",
            color=KIND_COLOURS["diversion"],
            mec="black",
            ms=7,
        ),
        Line2D([], [], color="#D55E00", lw=1.6, label="STS hotspot"),
        Line2D([], [], color="#0072B2", lw=1.1, ls="--", label="patrol box"),
    ]


def plot_scenario_map(
    theater: Any,
    events: pd.DataFrame,
    voyages: pd.DataFrame,
    *,
    by: str = "label",
    ax: Axes | None = None,
    title: str | None = None,
    cell_deg: float = 0.5,
) -> Axes:
    """One scenario on the real coastline: transfers (detected or not), interdictions, detections.

    The heat map is a 2-D histogram of allied detection-event positions (all replications
    pooled): where the patrols actually saw vessels, a proxy for effective coverage. Zones
    are a faint tint per coastal state with the 12 nm limit as a line (legend upper left);
    place names are moved apart last, once the colour bar has fixed the axes' size.

    Args:
        theater: a ``sim.geo.Theater`` (coastline, zones, areas).
        events: events of one scenario (all replications) with ``by, replication, kind, voyage, lon,
            lat``.
        voyages: voyages of the same scenario with ``by, replication, voyage, sts_detected``.
        by: grouping column used to join events to voyages.
        ax: axes to draw on.
        title: axes title.
        cell_deg: heat-map cell size, degrees.

    Returns:
        The axes.
    """
    from sim.plotting.maps import plot_theater

    with style():
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 9.5), layout="constrained")
        plot_theater(
            theater,
            ax=ax,
            show_places=True,
            show_areas=True,
            title=title or "",
            light_zones=True,
            legend=False,
            declutter=False,
        )
        n_reps = max(int(events["replication"].nunique()) if len(events) else 1, 1)
        _detection_heat(ax, theater, events, n_reps, cell_deg)
        handles = _event_marks(ax, events, voyages, by)
        zones = getattr(ax, "zone_handles", [])
        if zones:
            zone_legend = ax.legend(
                handles=zones,
                loc="upper left",
                fontsize=7.5,
                framealpha=0.92,
                title="maritime zones",
                title_fontsize=7.5,
            )
            ax.add_artist(zone_legend)
        ax.legend(
            handles=handles,
            loc="lower right",
            fontsize=8,
            framealpha=0.92,
            title=f"all {n_reps} replication{'s' if n_reps != 1 else ''} pooled",
            title_fontsize=8,
        )
        ax.set_xlabel("Longitude (°E)")
        ax.set_ylabel("Latitude (°N)")
        place_labels(ax)
    return ax
