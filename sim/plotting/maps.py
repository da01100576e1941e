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

from sim.plotting.labels import LEADER, PLACE_LABEL, place_labels

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
_STATE_NAMES = {
    "PRK": "DPRK waters",
    "KOR": "ROK waters",
    "CHN": "Chinese waters",
    "RUS": "Russian waters",
    "JPN": "Japanese waters",
    "TWN": "Taiwanese waters",
    "unknown": "other waters",
}
_ZONE_ALPHA = {"territorial": 0.45, "contiguous": 0.28, "eez": 0.12}
_LAND = "#d9d4c7"
_KIND_MARKER = {
    "port": ("o", "black"),
    "naval_base": ("s", "#0072B2"),
    "air_base": ("^", "#D55E00"),
    "gate": ("D", "#009E73"),
}


def _zone_grid(theater: Any, step: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The zone raster sampled on a lon/lat grid: (lon, lat, state codes, kind codes)."""
    lon0, lat0, lon1, lat1 = theater.bbox
    nx, ny = 900 // step, int(900 // step * (lat1 - lat0) / (lon1 - lon0) * 1.2)
    lon, lat = np.meshgrid(np.linspace(lon0, lon1, nx), np.linspace(lat0, lat1, ny))
    x, y = theater.to_xy(lon.ravel(), lat.ravel())
    s, k = theater.zones.codes(x, y)
    return lon, lat, s.reshape(lon.shape), k.reshape(lon.shape)


def _zone_rgba(states: np.ndarray, kinds: np.ndarray, alpha: dict[str, float]) -> np.ndarray:
    """RGBA image of the zones: each state's colour, opacity by zone kind."""
    from matplotlib.colors import to_rgba

    from sim.geo import STATE_CODES, ZONE_KINDS

    rgba = np.zeros((*states.shape, 4))
    for code, state in enumerate(STATE_CODES):
        if state == "none":
            continue
        base = np.array(to_rgba(STATE_COLOURS.get(state, "#999999")))
        for kind, a in alpha.items():
            m = (states == code) & (kinds == ZONE_KINDS.index(kind))
            rgba[m] = base
            rgba[m, 3] = a
    return rgba


def _draw_zones(ax: Axes, theater: Any, light: bool) -> list[Any]:
    """Shade the maritime zones; returns their legend handles.

    ``light`` (the scenario maps): every zone at the EEZ's faint tint and the 12 nm
    territorial limit as a thin line, so that the rings round hundreds of islets read as
    a boundary, not as blotches; otherwise territorial darkest, EEZ lightest.
    """
    from sim.geo import STATE_CODES, ZONE_KINDS

    lon, lat, states, kinds = _zone_grid(theater, 1)
    alpha = {k: _ZONE_ALPHA["eez"] for k in _ZONE_ALPHA} if light else _ZONE_ALPHA
    lon0, lat0, lon1, lat1 = theater.bbox
    ax.imshow(
        _zone_rgba(states, kinds, alpha),
        extent=(lon0, lon1, lat0, lat1),
        origin="lower",
        interpolation="nearest",
        zorder=1,
        aspect="auto",
        gid="zones",
    )
    present = {STATE_CODES[c] for c in np.unique(states)} - {"none"}
    order = [s for s in STATE_COLOURS if s in present] or ["unknown"]
    handles: list[Any] = [
        Patch(fc=STATE_COLOURS[s], alpha=0.45, label=_STATE_NAMES.get(s, s)) for s in order
    ]
    if light:
        territorial = (kinds == ZONE_KINDS.index("territorial")) & (states != 0)
        ax.contour(
            lon,
            lat,
            territorial.astype(float),
            levels=[0.5],
            colors="#6f6a60",
            linewidths=0.45,
            zorder=1.5,
        )
        handles.append(Line2D([], [], color="#6f6a60", lw=0.8, label="12 nm territorial limit"))
    else:
        handles.append(Patch(fc="#888888", alpha=0.45, label="territorial sea (darkest)"))
        handles.append(Patch(fc="#888888", alpha=0.12, label="EEZ (lightest)"))
    return handles


def _draw_land(ax: Axes, theater: Any) -> None:
    import shapely

    land_ll = shapely.transform(
        theater.land_xy,
        lambda c: np.column_stack(theater.to_lonlat(c[:, 0], c[:, 1])),
    )
    for poly in shapely.get_parts(land_ll):
        xy = np.asarray(poly.exterior.coords)
        ax.fill(xy[:, 0], xy[:, 1], color=_LAND, ec="#7a7468", lw=0.3, zorder=2)


def _draw_areas(ax: Axes, theater: Any) -> list[Any]:
    """Outline the named areas (hotspots solid, patrol boxes dashed) and name them."""
    import shapely

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
        # hotspots are named at their centre, as movable place labels (several lie close
        # together, e.g. off Nakhodka, and `place_labels` moves them apart); patrol boxes at
        # their top-left corner, fixed, so nested boxes do not overprint. Both sit above the
        # event markers (zorder 9-11), which would otherwise hide them.
        box = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.7)
        if hot:
            ax.annotate(
                name,
                (a.centroid_lon, a.centroid_lat),
                xytext=(0, 0),
                textcoords="offset points",
                fontsize=7.5,
                color=colour,
                ha="center",
                va="center",
                zorder=12,
                fontweight="bold",
                bbox=box,
                arrowprops=LEADER,
                gid=PLACE_LABEL,
            )
            continue
        bx0, _, _, by1 = a.polygon_lonlat.bounds
        ax.annotate(
            name,
            (bx0 + 0.1, by1 - 0.1),
            fontsize=7.5,
            color=colour,
            ha="left",
            va="top",
            zorder=12,
            bbox=box,
            gid="area_label",
        )
    return [
        Line2D([], [], color="#D55E00", lw=1.6, label="STS hotspot"),
        Line2D([], [], color="#0072B2", lw=1.1, ls="--", label="patrol box"),
    ]


def _draw_routes(ax: Axes, routes: Sequence[tuple[str, Any]]) -> list[Any]:
    colours = ["#000000", "#009E73", "#CC79A7", "#F0E442", "#56B4E9"]
    handles = []
    for i, (label, r) in enumerate(routes):
        c = colours[i % len(colours)]
        ax.plot(r.lonlat[:, 0], r.lonlat[:, 1], color=c, lw=2.0, zorder=5)
        handles.append(Line2D([], [], color=c, lw=2.0, label=f"{label} ({r.length_nm:,.0f} nm)"))
    return handles


def _draw_places(ax: Axes, theater: Any) -> list[Any]:
    """Ports, bases and gates with their names (placed later by `place_labels`)."""
    handles = []
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
                zorder=12,  # above the event markers (9-11), as the area names are
                bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.6),
                arrowprops=LEADER,
                gid=PLACE_LABEL,
            )
        handles.append(
            Line2D([], [], marker=marker, color=colour, ls="", label=kind.replace("_", " "))
        )
    return handles


def plot_theater(
    theater: Any,
    ax: Axes | None = None,
    routes: Sequence[tuple[str, Any]] | None = None,
    show_zones: bool = True,
    show_places: bool = True,
    show_areas: bool = True,
    title: str | None = None,
    *,
    light_zones: bool = False,
    legend: bool = True,
    declutter: bool = True,
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
        light_zones: faint zone tint with the territorial limit as a line (for busy maps).
        legend: draw the legend (places, areas, routes, zone colours).
        declutter: move place names apart (`sim.plotting.labels.place_labels`); callers that
            add a colour bar afterwards pass False and call it themselves, last.

    Returns:
        The axes, so callers can add layers (e.g. simulated tracks from a DataFrame); the
        zone legend handles are kept on it as ``ax.zone_handles``.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 11), dpi=110)
    lon0, lat0, lon1, lat1 = theater.bbox
    ax.set_facecolor("white")
    has_land = not theater.land_xy.is_empty
    zone_handles = _draw_zones(ax, theater, light_zones) if show_zones and has_land else []
    ax.zone_handles = zone_handles  # type: ignore[attr-defined]
    if has_land:
        _draw_land(ax, theater)
    handles: list[Any] = []
    if show_areas:
        handles += _draw_areas(ax, theater)
    if routes:
        handles += _draw_routes(ax, routes)
    if show_places and len(theater.ports):
        handles += _draw_places(ax, theater)
    ax.set_xlim(lon0, lon1)
    ax.set_ylim(lat0, lat1)
    ax.set_aspect(1.0 / np.cos(np.radians((lat0 + lat1) / 2)))
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0f}°E")
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0f}°N")
    ax.grid(color="#bbbbbb", lw=0.3, zorder=0)
    ax.set_title(
        title or f"Theater '{theater.name}': maritime zones, places, STS hotspots and routes"
    )
    if legend and handles + zone_handles:
        ax.legend(handles=handles + zone_handles, loc="lower right", fontsize=7.5, framealpha=0.9)
    if declutter and show_places:
        place_labels(ax)
    return ax
