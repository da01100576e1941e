"""An interactive, offline map of one run: tracks, transfers, interdictions, patrol coverage.

Library: Bokeh (optional extra ``map``). It ships BokehJS inside the Python wheel and
``bokeh.resources.INLINE`` writes it into the page, so the HTML opens with no network: no
tile server, no CDN. Folium was rejected: it loads Leaflet and its plugins from a CDN by
default and does not ship them, so an offline page needs hand-copied JS files. Plotly
would also inline (``include_plotlyjs=True``) but its page is about three times larger.

The coastline is the theater's own land geometry (GSHHS, as in the static maps), drawn in
lon/lat. A slider over simulated days shows what had happened by that day; hover shows
what each mark is. Patrol coverage is drawn from the run itself: where patrol assets
detected vessels (the events table has no asset tracks), with the named patrol areas
outlined when given.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["InteractiveMap", "interactive_map"]

_ROLE_COLOURS = {"legit": "#9a9a9a", "foreign": "#E69F00", "dprk": "#D55E00"}
_LAND = "#d9d4c7"


def _bokeh() -> Any:
    try:
        import bokeh
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        from sim.errors import UserError

        raise UserError("the interactive map needs: pip install 'sanctions-sim[map]'") from exc
    return bokeh


@dataclass
class InteractiveMap:
    """A Bokeh layout with its page; shows itself in Jupyter (an iframe holding the page)."""

    layout: Any
    title: str

    def html(self) -> str:
        """The self-contained page (BokehJS inlined)."""
        from bokeh.embed import file_html
        from bokeh.resources import INLINE

        return file_html(self.layout, INLINE, self.title)

    def save(self, path: str | Path) -> Path:
        """Write the page; returns its path."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(self.html(), encoding="utf-8")
        return p

    def _repr_html_(self) -> str:
        doc = html.escape(self.html(), quote=True)
        return f'<iframe srcdoc="{doc}" style="width:100%;height:720px;border:0"></iframe>'


def _land_patches(theater: Any, tolerance_m: float = 800.0) -> tuple[list[Any], list[Any]]:
    import shapely

    land = shapely.simplify(theater.land_xy, tolerance_m)
    land = shapely.transform(land, lambda c: np.column_stack(theater.to_lonlat(c[:, 0], c[:, 1])))
    xs, ys = [], []
    for poly in shapely.get_parts(land):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        x, y = poly.exterior.coords.xy
        xs.append(list(x))
        ys.append(list(y))
    return xs, ys


def _track_lines(tracks: pd.DataFrame, theater: Any, max_points: int) -> dict[str, list[Any]]:
    t = tracks[tracks["role"] != "legit"].sort_values(["vessel", "t0_h"], kind="stable")
    out: dict[str, list[Any]] = {k: [] for k in ("xs", "ys", "vessel", "role", "colour", "day")}
    lon0, lat0 = theater.to_lonlat(t["x0_m"].to_numpy(float), t["y0_m"].to_numpy(float))
    lon1, lat1 = theater.to_lonlat(t["x1_m"].to_numpy(float), t["y1_m"].to_numpy(float))
    t = t.assign(lon0=lon0, lat0=lat0, lon1=lon1, lat1=lat1)
    for vessel, g in t.groupby("vessel", sort=True):
        xs = np.r_[g["lon0"].to_numpy(), g["lon1"].to_numpy()[-1]]
        ys = np.r_[g["lat0"].to_numpy(), g["lat1"].to_numpy()[-1]]
        step = max(1, len(xs) // max_points)
        out["xs"].append(xs[::step].tolist())
        out["ys"].append(ys[::step].tolist())
        out["vessel"].append(str(vessel))
        role = str(g["role"].iloc[0])
        out["role"].append(role)
        out["colour"].append(_ROLE_COLOURS.get(role, "#666666"))
        out["day"].append(float(g["t0_h"].min()) / 24.0)
    out["alpha"] = [0.7] * len(out["xs"])
    return out


def _points(events: pd.DataFrame, kinds: Sequence[str]) -> dict[str, list[Any]]:
    e = events[events["kind"].isin(kinds) & np.isfinite(events["lon"].to_numpy(float))]
    return {
        "lon": e["lon"].astype(float).tolist(),
        "lat": e["lat"].astype(float).tolist(),
        "day": (e["t_h"].astype(float) / 24.0).tolist(),
        "kind": e["kind"].astype(str).tolist(),
        "vessel": e["vessel"].astype(str).tolist(),
        "asset": e["asset"].astype(str).tolist(),
        "reason": e["reason"].astype(str).tolist(),
        "place": e["place"].astype(str).tolist(),
        "alpha": [1.0] * len(e),
    }


def interactive_map(
    theater: Any,
    events: pd.DataFrame,
    tracks: pd.DataFrame | None = None,
    *,
    patrol_areas: Sequence[str] = (),
    title: str = "sanctions-sim run",
    max_points_per_track: int = 400,
) -> InteractiveMap:
    """Build the offline interactive map of one replication.

    Args:
        theater: the run's ``Theater`` (land geometry, named areas, to_lonlat).
        events: the replication's events table (``lon``/``lat`` columns).
        tracks: its tracks table (``record_tracks``); smugglers' tracks are drawn, not the
            legitimate traffic (thousands of lines would hide everything else).
        patrol_areas: named theater areas to outline (e.g. the assets' strategy areas).
        title: page and plot title.
        max_points_per_track: tracks are thinned to at most this many vertices each.

    Returns:
        An :class:`InteractiveMap` (``.save(path)``, shown inline in Jupyter).
    """
    _bokeh()
    from bokeh.layouts import column

    p = _base_figure(theater, title)
    if patrol_areas:
        _draw_areas(p, theater, patrol_areas)
    sources = []
    if tracks is not None and len(tracks):
        sources.append(_draw_tracks(p, tracks, theater, max_points_per_track))
    sources += _draw_events(p, events)
    p.legend.location = "top_left"
    p.legend.click_policy = "hide"
    return InteractiveMap(column(_day_slider(events, sources), p), title)


def _base_figure(theater: Any, title: str) -> Any:
    """A Bokeh figure over the theater's box in lon/lat, with its land drawn."""
    from bokeh.models import Range1d
    from bokeh.plotting import figure

    lon0, lat0, lon1, lat1 = theater.bbox
    p = figure(
        title=title,
        x_range=Range1d(lon0, lon1),
        y_range=Range1d(lat0, lat1),
        match_aspect=True,
        width=900,
        height=760,
        tools="pan,wheel_zoom,box_zoom,reset,save",
        active_scroll="wheel_zoom",
        x_axis_label="longitude (°E)",
        y_axis_label="latitude (°N)",
        background_fill_color="#eaf2f8",
    )
    xs, ys = _land_patches(theater)
    p.patches(xs, ys, fill_color=_LAND, line_color="#8a8478", line_width=0.6, name="land")
    return p


def _draw_areas(p: Any, theater: Any, names: Sequence[str]) -> None:
    """Outline the named theater areas (dashed, faintly filled)."""
    import shapely

    axs, ays = [], []
    for name in names:
        for poly in shapely.get_parts(theater.area(name).polygon_lonlat):
            if poly.geom_type == "Polygon":
                x, y = poly.exterior.coords.xy
                axs.append(list(x))
                ays.append(list(y))
    p.patches(
        axs,
        ays,
        fill_alpha=0.06,
        fill_color="#0072B2",
        line_color="#0072B2",
        line_dash="dashed",
        legend_label="patrol areas",
        name="patrol_areas",
    )


def _draw_tracks(p: Any, tracks: pd.DataFrame, theater: Any, max_points: int) -> Any:
    """The smugglers' tracks as lines with a hover; returns their source (for the slider)."""
    from bokeh.models import ColumnDataSource, HoverTool

    src = ColumnDataSource(_track_lines(tracks, theater, max_points))
    r = p.multi_line(
        "xs",
        "ys",
        source=src,
        line_color="colour",
        line_alpha="alpha",
        line_width=1.2,
        legend_label="smugglers' tracks",
        name="tracks",
    )
    p.add_tools(HoverTool(renderers=[r], tooltips=[("vessel", "@vessel"), ("role", "@role")]))
    return src


def _draw_events(p: Any, events: pd.DataFrame) -> list[Any]:
    """Detections, transfers and interdictions as points with one hover; returns their sources."""
    from bokeh.models import ColumnDataSource, HoverTool

    sources = []
    layers = (
        ("patrol detections", ("detection",), "#0072B2", "circle", 4, "coverage"),
        ("transfers", ("transfer_start",), "#000000", "diamond", 9, "transfers"),
        ("interdictions", ("seizure", "diversion"), "#CC79A7", "star", 22, "interdictions"),
    )
    hover: list[Any] = []
    for label, kinds, colour, marker, size, name in layers:
        src = ColumnDataSource(_points(events, kinds))
        pts = p.scatter(
            "lon",
            "lat",
            source=src,
            marker=marker,
            size=size,
            fill_color=colour,
            line_color="white" if marker != "circle" else colour,
            fill_alpha="alpha",
            line_alpha="alpha",
            legend_label=label,
            name=name,
        )
        hover.append(pts)
        sources.append(src)
    p.add_tools(
        HoverTool(
            renderers=hover,
            tooltips=[
                ("", "@kind"),
                ("day", "@day{0.0}"),
                ("vessel", "@vessel"),
                ("asset", "@asset"),
                ("reason", "@reason"),
                ("place", "@place"),
            ],
        )
    )
    return sources


def _day_slider(events: pd.DataFrame, sources: list[Any]) -> Any:
    """A slider that shows only what had happened by the chosen day (alpha 1, else 0)."""
    from bokeh.models import CustomJS
    from bokeh.models.widgets import Slider

    days = float(np.ceil(max(events["t_h"].max() if len(events) else 0.0, 24.0) / 24.0))
    slider = Slider(start=0, end=days, value=days, step=1, title="show what had happened by day")
    slider.js_on_change(
        "value",
        CustomJS(
            args={"sources": sources},
            code="""
            const day = cb_obj.value;
            for (const s of sources) {
              const d = s.data.day, a = new Array(d.length);
              for (let i = 0; i < d.length; i++) a[i] = d[i] <= day ? 1.0 : 0.0;
              s.data = Object.assign({}, s.data, {alpha: a});
            }
            """,
        ),
    )
    return slider
