"""Theater maps: land, maritime zones by state, places, named areas and routes.

Colours are the Okabe-Ito colour-blind-safe palette; zones are shaded subtly (territorial
darkest, EEZ lightest) so routes and labels stay readable at report size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

__all__ = ["plot_theater", "STATE_COLOURS"]

STATE_COLOURS = {  # Okabe-Ito
    "PRK": "#D55E00",
    "KOR": "#0072B2",
    "CHN": "#E69F00",
    "RUS": "#009E73",
    "JPN": "#CC79A7",
    "TWN": "#56B4E9",
    "unknown": "#999999",
}
_ZONE_ALPHA = {"territorial": 0.45, "contiguous": 0.28, "eez": 0.12}
_LAND = "#d9d4c7"
_KIND_MARKER = {
    "port": ("o", "black"),
    "naval_base": ("s", "#0072B2"),
    "air_base": ("^", "#D55E00"),
    "gate": ("D", "#009E73"),
}


def _zone_rgba(theater: Any, step: int) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """Sample the zone raster on a lon/lat grid for imshow (lon/lat axes)."""
    from matplotlib.colors import to_rgba

    from sim.geo import STATE_CODES, ZONE_KINDS

    lon0, lat0, lon1, lat1 = theater.bbox
    nx, ny = 900 // step, int(900 // step * (lat1 - lat0) / (lon1 - lon0) * 1.2)
    lon, lat = np.meshgrid(np.linspace(lon0, lon1, nx), np.linspace(lat0, lat1, ny))
    x, y = theater.to_xy(lon.ravel(), lat.ravel())
    s, k = theater.zones.codes(x, y)
    rgba = np.zeros((lon.size, 4))
    for code, state in enumerate(STATE_CODES):
        if state == "none":
            continue
        base = np.array(to_rgba(STATE_COLOURS.get(state, "#999999")))
        for kind, alpha in _ZONE_ALPHA.items():
            m = (s == code) & (k == ZONE_KINDS.index(kind))
            rgba[m] = base
            rgba[m, 3] = alpha
    return rgba.reshape(ny, nx, 4), (lon0, lon1, lat0, lat1)


def plot_theater(
    theater: Any,
    ax: Axes | None = None,
    routes: Sequence[tuple[str, Any]] | None = None,
    show_zones: bool = True,
    show_places: bool = True,
    show_areas: bool = True,
    title: str | None = None,
) -> Axes:
    """Draw a theater map on lon/lat axes.

    Args:
        theater: a ``sim.geo.Theater``.
        ax: axes to draw on (a new 11x11 in figure when None).
        routes: (label, Route) pairs drawn as coloured polylines.
        show_zones: draw the maritime zones.
        show_places: draw ports, bases and gates.
        show_areas: draw the named sea areas.
        title: figure title (default names the theater).

    Returns:
        The axes, so callers can add layers (e.g. simulated tracks from a DataFrame).
    """
    import shapely

    if ax is None:
        _, ax = plt.subplots(figsize=(11, 11), dpi=110)
    lon0, lat0, lon1, lat1 = theater.bbox
    ax.set_facecolor("white")
    if show_zones and not theater.land_xy.is_empty:
        img, extent = _zone_rgba(theater, 1)
        ax.imshow(
            img, extent=extent, origin="lower", interpolation="nearest", zorder=1, aspect="auto"
        )
    if not theater.land_xy.is_empty:
        land_ll = shapely.transform(
            theater.land_xy,
            lambda c: np.column_stack(theater.to_lonlat(c[:, 0], c[:, 1])),
        )
        for poly in shapely.get_parts(land_ll):
            for ring in [poly.exterior]:
                xy = np.asarray(ring.coords)
                ax.fill(xy[:, 0], xy[:, 1], color=_LAND, ec="#7a7468", lw=0.3, zorder=2)
    handles: list[Any] = []
    if show_areas:
        for name in theater.areas["name"]:
            a = theater.area(name)
            hot = a.kind == "sts_hotspot"
            colour = "#D55E00" if hot else "#0072B2"
            for part in shapely.get_parts(a.polygon_lonlat):
                xy = np.asarray(part.exterior.coords)
                ax.plot(
                    xy[:, 0],
                    xy[:, 1],
                    color=colour,
                    lw=1.6 if hot else 1.1,
                    ls="-" if hot else "--",
                    zorder=4,
                )
            # hotspots labelled at the centre, patrol boxes at their top-left corner so
            # nested boxes (ECS hotspot inside ECS patrol box) do not overprint
            bx0, _, _, by1 = a.polygon_lonlat.bounds
            pos, ha, va = (
                ((a.centroid_lon, a.centroid_lat), "center", "center")
                if hot
                else ((bx0 + 0.1, by1 - 0.1), "left", "top")
            )
            ax.annotate(
                name,
                pos,
                fontsize=7.5,
                color=colour,
                ha=ha,
                va=va,
                zorder=6,
                fontweight="bold" if hot else None,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.7),
            )
        handles += [
            Line2D([], [], color="#D55E00", lw=1.6, label="STS hotspot"),
            Line2D([], [], color="#0072B2", lw=1.1, ls="--", label="patrol box"),
        ]
    if routes:
        colours = ["#000000", "#009E73", "#CC79A7", "#F0E442", "#56B4E9"]
        for i, (label, r) in enumerate(routes):
            c = colours[i % len(colours)]
            ax.plot(r.lonlat[:, 0], r.lonlat[:, 1], color=c, lw=2.0, zorder=5)
            handles.append(
                Line2D([], [], color=c, lw=2.0, label=f"{label} ({r.length_nm:,.0f} nm)")
            )
    if show_places and len(theater.ports):
        for kind, (marker, colour) in _KIND_MARKER.items():
            df = theater.ports[theater.ports["kind"] == kind]
            if df.empty:
                continue
            ax.scatter(
                df["lon"], df["lat"], marker=marker, s=22, c=colour, ec="white", lw=0.6, zorder=7
            )
            for r in df.itertuples():
                ax.annotate(
                    r.name,
                    (r.lon, r.lat),
                    xytext=(4, 3),
                    textcoords="offset points",
                    fontsize=7,
                    zorder=8,
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.6),
                )
            handles.append(
                Line2D([], [], marker=marker, color=colour, ls="", label=kind.replace("_", " "))
            )
    if show_zones and not theater.land_xy.is_empty:
        states = [s for s in STATE_COLOURS if (theater.ports["state"] == s).any()] or ["unknown"]
        handles += [Patch(fc=STATE_COLOURS[s], alpha=0.45, label=f"{s} waters") for s in states]
        handles.append(Patch(fc="#888888", alpha=0.45, label="territorial (darkest)"))
        handles.append(Patch(fc="#888888", alpha=0.12, label="EEZ (lightest)"))
    ax.set_xlim(lon0, lon1)
    ax.set_ylim(lat0, lat1)
    ax.set_aspect(1.0 / np.cos(np.radians((lat0 + lat1) / 2)))
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0f}°E")
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0f}°N")
    ax.grid(color="#bbbbbb", lw=0.3, zorder=0)
    ax.set_title(
        title or f"Theater '{theater.name}': maritime zones, places, STS hotspots and routes"
    )
    if handles:
        ax.legend(handles=handles, loc="lower right", fontsize=7.5, framealpha=0.9)
    return ax
