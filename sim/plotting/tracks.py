"""One vessel's track and one transfer, on the real coastline.

Both take the run's tables (anything with ``tracks``, ``events`` and ``voyages``
DataFrames, such as a ``RunResult`` from a scenario with ``record_tracks: true``) and the
theater; neither runs a simulation. Solid line: AIS on; dashed: dark (what the vessel did
with its transponder off, which no AIS picture shows).
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from sim.plotting.maps import plot_theater
from sim.plotting.style import KIND_COLOURS, OKABE_ITO, style

__all__ = ["plot_track", "plot_transfer"]

_MARKS = {  # event kind -> (marker, colour, label); later kinds are drawn on top
    "detection": ("o", KIND_COLOURS["detected"], "detected by a patrol"),
    "ais_off": ("v", "#555555", "AIS off"),
    "transfer_start": ("D", "#000000", "transfer starts"),
    "seizure": ("*", KIND_COLOURS["seizure"], "seized"),
    "diversion": ("*", KIND_COLOURS["diversion"], "diverted"),
    "delivery": ("s", KIND_COLOURS["delivery"], "delivered"),
}


def _legs(
    result: Any, vessel: str, theater: Any, window: tuple[float, float] | None = None
) -> pd.DataFrame:
    tracks = getattr(result, "tracks", None)
    if tracks is None:
        raise ValueError("the run has no tracks: set record_tracks: true in the scenario")
    t = tracks[tracks["vessel"] == vessel].sort_values("t0_h")
    if t.empty:
        raise ValueError(f"vessel {vessel!r} is not in the tracks table")
    if window is not None:  # cut legs to the window (positions are linear in time)
        a, b = window
        t = t[(t["t1_h"] >= a) & (t["t0_h"] <= b)].copy()
        dur = (t["t1_h"] - t["t0_h"]).where(t["t1_h"] > t["t0_h"], 1.0)
        f0 = ((a - t["t0_h"]) / dur).clip(0, 1)
        f1 = ((b - t["t0_h"]) / dur).clip(0, 1)
        x0, y0, x1, y1 = (t[c].to_numpy(float) for c in ("x0_m", "y0_m", "x1_m", "y1_m"))
        t["x0_m"], t["y0_m"] = x0 + f0 * (x1 - x0), y0 + f0 * (y1 - y0)
        t["x1_m"], t["y1_m"] = x0 + f1 * (x1 - x0), y0 + f1 * (y1 - y0)
    lon0, lat0 = theater.to_lonlat(t["x0_m"].to_numpy(float), t["y0_m"].to_numpy(float))
    lon1, lat1 = theater.to_lonlat(t["x1_m"].to_numpy(float), t["y1_m"].to_numpy(float))
    return t.assign(lon0=lon0, lat0=lat0, lon1=lon1, lat1=lat1)


def _draw_legs(ax: Axes, t: pd.DataFrame, colour: str, label: str) -> None:
    for on, style_ in ((True, "-"), (False, "--")):
        s = t[t["ais_on"] == on]
        if s.empty:
            continue
        xs = np.column_stack([s["lon0"], s["lon1"], np.full(len(s), np.nan)]).ravel()
        ys = np.column_stack([s["lat0"], s["lat1"], np.full(len(s), np.nan)]).ravel()
        ax.plot(xs, ys, style_, color=colour, lw=1.6, zorder=5)
    ax.plot([], [], "-", color=colour, lw=1.6, label=label)


def _zoom(ax: Axes, lons: np.ndarray, lats: np.ndarray, pad_deg: float) -> None:
    """A square window (in distance) around the points, so the panel is never a sliver."""
    cx, cy = (np.nanmin(lons) + np.nanmax(lons)) / 2, (np.nanmin(lats) + np.nanmax(lats)) / 2
    k = np.cos(np.radians(cy))
    half = max((np.nanmax(lons) - np.nanmin(lons)) * k, np.nanmax(lats) - np.nanmin(lats)) / 2
    half += pad_deg
    ax.set_xlim(cx - half / k, cx + half / k)
    ax.set_ylim(cy - half, cy + half)
    ax.set_aspect(1 / k)
    for axis in (ax.xaxis, ax.yaxis):  # whole degrees only: the map's labels are '30°N'
        axis.set_major_locator(MaxNLocator(nbins=6, integer=True))


def _mark_events(ax: Axes, ev: pd.DataFrame, start_h: float | None = None) -> list[Any]:
    handles = []
    for kind, (marker, colour, label) in _MARKS.items():
        e = ev[(ev["kind"] == kind) & np.isfinite(ev["lon"].to_numpy(float))]
        if e.empty:
            continue
        ax.scatter(
            e["lon"],
            e["lat"],
            marker=marker,
            s=90 if marker == "*" else 40,
            c=colour,
            edgecolors="white",
            linewidths=0.6,
            zorder=7,
        )
        handles.append(Line2D([], [], ls="", marker=marker, color=colour, label=label))
        if start_h is not None and kind in ("transfer_start", "seizure", "diversion"):
            for _, r in e.iterrows():
                ax.annotate(
                    f"{r['t_h'] - start_h:+.0f} h",
                    (r["lon"], r["lat"]),
                    xytext=(6, 6),
                    textcoords="offset points",
                    fontsize=8,
                    zorder=8,
                )
    return handles


def plot_track(result: Any, vessel: str, theater: Any, ax: Axes | None = None) -> Axes:
    """Where one vessel sailed in the run, with its AIS state and what happened to it.

    Args:
        result: the run's tables (``tracks`` and ``events``; e.g. a ``RunResult``).
        vessel: vessel id (``"D3"``, ``"F12"``, ``"L7"``).
        theater: the run's ``Theater``.
        ax: axes to draw on (new figure when None).

    Returns:
        The axes.
    """
    with style():
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 8))
        t = _legs(result, vessel, theater)
        plot_theater(theater, ax=ax, show_places=False, show_areas=False, title="")
        _draw_legs(ax, t, OKABE_ITO[3], f"{vessel} (dashed: AIS off)")
        ev = result.events[result.events["vessel"] == vessel]
        handles = _mark_events(ax, ev)
        lons = np.r_[t["lon0"], t["lon1"]]
        lats = np.r_[t["lat0"], t["lat1"]]
        _zoom(ax, lons, lats, pad_deg=0.6)
        dark_h = float((t["t1_h"] - t["t0_h"])[~t["ais_on"]].sum())
        ax.set_title(
            f"{vessel} ({t['role'].iloc[0]}): {t['t0_h'].min() / 24:.0f}-"
            f"{t['t1_h'].max() / 24:.0f} days, {dark_h:.0f} h dark"
        )
        ax.legend(handles=[*ax.get_legend_handles_labels()[0], *handles], loc="best")
        ax.set_xlabel("longitude (°E)")
        ax.set_ylabel("latitude (°N)")
    return ax


def plot_transfer(
    result: Any, voyage: int, theater: Any, ax: Axes | None = None, hours: float = 12.0
) -> Axes:
    """One ship-to-ship transfer: both ships' tracks from ``hours`` before to after it.

    Args:
        result: the run's tables (``tracks``, ``events``, ``voyages``).
        voyage: voyage number (``voyages["voyage"]``) of an STS voyage.
        theater: the run's ``Theater``.
        ax: axes to draw on (new figure when None).
        hours: window either side of the transfer start, hours.

    Returns:
        The axes; event labels are hours from the transfer start.
    """
    v = result.voyages[result.voyages["voyage"] == voyage]
    if v.empty or v["method"].iloc[0] != "sts":
        raise ValueError(f"voyage {voyage} is not a ship-to-ship transfer voyage")
    v = v.iloc[0]
    ev = result.events[result.events["voyage"] == voyage]
    start = ev.loc[ev["kind"] == "transfer_start", "t_h"]
    if start.empty:
        raise ValueError(f"voyage {voyage} never reached its transfer")
    t0 = float(start.iloc[0])
    with style():
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 8))
        plot_theater(theater, ax=ax, show_places=False, show_areas=False, title="")
        lons, lats = [], []
        for vessel, colour in (
            (v["foreign_vessel"], OKABE_ITO[1]),
            (v["dprk_vessel"], OKABE_ITO[3]),
        ):
            t = _legs(result, str(vessel), theater, window=(t0 - hours, t0 + hours))
            _draw_legs(ax, t, colour, f"{vessel} (dashed: AIS off)")
            lons += [*t["lon0"], *t["lon1"]]
            lats += [*t["lat0"], *t["lat1"]]
        near = ev[(ev["t_h"] >= t0 - hours) & (ev["t_h"] <= t0 + hours)]
        handles = _mark_events(ax, near, start_h=t0)
        _zoom(ax, np.asarray(lons), np.asarray(lats), pad_deg=0.3)
        ax.set_title(
            f"Voyage {voyage}: {v['foreign_vessel']} to {v['dprk_vessel']} in "
            f"{v['rendezvous_area']}, outcome {v['outcome']} (±{hours:.0f} h)"
        )
        ax.legend(handles=[*ax.get_legend_handles_labels()[0], *handles], loc="best")
        ax.set_xlabel("longitude (°E)")
        ax.set_ylabel("latitude (°N)")
    return ax
