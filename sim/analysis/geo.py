"""Run tables as geometries: GeoDataFrames, GeoParquet, MovingPandas trajectories.

Optional extras: ``geo`` (geopandas) and ``trajectories`` (movingpandas). Everything takes
the plain tables (events with ``lon``/``lat``; tracks with metric ``x/y`` and a
``to_lonlat`` from the theater) and returns WGS 84 (EPSG:4326) geometries, so the files open
in QGIS, DuckDB spatial or any GeoParquet reader.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = [
    "TRANSFER_KINDS",
    "INTERDICTION_KINDS",
    "events_gdf",
    "transfers_gdf",
    "tracks_gdf",
    "to_trajectories",
]

TRANSFER_KINDS = ("transfer_start",)
INTERDICTION_KINDS = ("seizure", "diversion")
ToLonLat = Callable[[ArrayLike, ArrayLike], tuple[np.ndarray, np.ndarray]]
"""A theater's metres -> lon/lat conversion."""


class LonLatFrame(Protocol):
    """What the trajectories need of a theater: its metres -> lon/lat conversion."""

    def to_lonlat(self, x_m: ArrayLike, y_m: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Theater metres to lon/lat degrees."""
        ...


def _gpd() -> Any:
    try:
        import geopandas
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        from sim.errors import UserError

        raise UserError("geospatial outputs need: pip install 'sanctions-sim[geo]'") from exc
    return geopandas


def _time(hours: ArrayLike, start_date: dt.date | str | None) -> Any:
    start = pd.Timestamp(start_date or "2018-01-01")
    return start + pd.to_timedelta(np.asarray(hours, float), unit="h")


def events_gdf(events: pd.DataFrame, start_date: dt.date | str | None = None) -> Any:
    """Events with a position as a point GeoDataFrame (EPSG:4326), with a ``time`` column."""
    gpd = _gpd()
    e = events[np.isfinite(events["lon"].to_numpy(float))].copy()
    if "time" not in e:
        e["time"] = _time(e["t_h"], start_date)
    return gpd.GeoDataFrame(
        e, geometry=gpd.points_from_xy(e["lon"], e["lat"]), crs="EPSG:4326"
    ).reset_index(drop=True)


def transfers_gdf(events: pd.DataFrame, start_date: dt.date | str | None = None) -> Any:
    """Ship-to-ship transfers (where the two ships came alongside) as points."""
    return events_gdf(events[events["kind"].isin(TRANSFER_KINDS)], start_date)


def tracks_gdf(
    tracks: pd.DataFrame,
    to_lonlat: ToLonLat,
    start_date: dt.date | str | None = None,
    *,
    per: str = "vessel",
) -> Any:
    """Vessel tracks as LineStrings (EPSG:4326).

    Args:
        tracks: the tracks table (``TRACK_COLUMNS``: legs with metric x/y).
        to_lonlat: the theater's ``to_lonlat``.
        start_date: calendar date of hour 0.
        per: ``"vessel"`` (one line per vessel through all its legs) or ``"leg"`` (one
            line per leg, with its ``ais_on``, ``identity`` and ``activity``).

    Returns:
        GeoDataFrame with vessel, role, start_h, end_h, start_time, end_time (and the leg
        columns for ``per="leg"``).
    """
    import shapely

    gpd = _gpd()
    t = tracks.sort_values(["vessel", "t0_h"], kind="stable").reset_index(drop=True)
    lon0, lat0 = to_lonlat(t["x0_m"].to_numpy(float), t["y0_m"].to_numpy(float))
    lon1, lat1 = to_lonlat(t["x1_m"].to_numpy(float), t["y1_m"].to_numpy(float))
    if per == "leg":
        coords = np.stack([np.column_stack([lon0, lat0]), np.column_stack([lon1, lat1])], axis=1)
        out = t.drop(columns=["x0_m", "y0_m", "x1_m", "y1_m"]).rename(
            columns={"t0_h": "start_h", "t1_h": "end_h"}
        )
        geom = shapely.linestrings(coords)
    elif per == "vessel":
        rows, geom = [], []
        for vessel, g in t.groupby("vessel", sort=True):
            idx = g.index.to_numpy()
            xy = np.column_stack([np.r_[lon0[idx], lon1[idx[-1]]], np.r_[lat0[idx], lat1[idx[-1]]]])
            geom.append(shapely.LineString(xy) if len(xy) > 1 else shapely.LineString([xy[0]] * 2))
            rows.append(
                {
                    "vessel": vessel,
                    "role": g["role"].iloc[0],
                    "start_h": float(g["t0_h"].min()),
                    "end_h": float(g["t1_h"].max()),
                    "legs": len(g),
                    "dark_h": float((g["t1_h"] - g["t0_h"])[~g["ais_on"]].sum()),
                }
            )
        out = pd.DataFrame(rows)
    else:
        raise ValueError(f"per must be 'vessel' or 'leg', got {per!r}")
    out["start_time"] = _time(out["start_h"], start_date)
    out["end_time"] = _time(out["end_h"], start_date)
    return gpd.GeoDataFrame(out, geometry=list(geom), crs="EPSG:4326")


def to_trajectories(
    result: Any,
    theater: LonLatFrame | None = None,
    start_date: dt.date | str | None = None,
) -> Any:
    """A MovingPandas ``TrajectoryCollection`` of a run's vessel tracks (extra ``trajectories``).

    Args:
        result: a ``RunResult`` with tracks (scenario ``record_tracks: true``) or a tracks
            table.
        theater: the run's theater (default: loaded from the result's provenance).
        start_date: calendar date of hour 0 (default: the result's, else 2018-01-01).

    Returns:
        One trajectory per vessel, points at every leg end, times as datetimes.
    """
    try:
        with warnings.catch_warnings():  # it warns on import about its own optional extras
            warnings.simplefilter("ignore", UserWarning)
            import movingpandas as mpd
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        from sim.errors import UserError

        raise UserError("trajectories need: pip install 'sanctions-sim[trajectories]'") from exc
    gpd = _gpd()
    tracks = result if isinstance(result, pd.DataFrame) else result.tracks
    if tracks is None:
        raise ValueError("the run has no tracks: set record_tracks: true in the scenario")
    prov = {} if isinstance(result, pd.DataFrame) else getattr(result, "provenance", {}) or {}
    if theater is None:
        from sim.geo import load_theater

        theater = load_theater(prov.get("theater", "korea"))
    start_date = start_date or prov.get("start_date")
    t = tracks.sort_values(["vessel", "t0_h"], kind="stable")
    first = t.groupby("vessel", sort=False).head(1)
    pts = pd.concat(
        [
            pd.DataFrame(
                {
                    "vessel": first["vessel"],
                    "role": first["role"],
                    "t_h": first["t0_h"],
                    "x": first["x0_m"],
                    "y": first["y0_m"],
                    "ais_on": first["ais_on"],
                }
            ),
            pd.DataFrame(
                {
                    "vessel": t["vessel"],
                    "role": t["role"],
                    "t_h": t["t1_h"],
                    "x": t["x1_m"],
                    "y": t["y1_m"],
                    "ais_on": t["ais_on"],
                }
            ),
        ],
        ignore_index=True,
    ).sort_values(["vessel", "t_h"], kind="stable")
    pts = pts.drop_duplicates(["vessel", "t_h"], keep="last")
    lon, lat = theater.to_lonlat(pts["x"].to_numpy(float), pts["y"].to_numpy(float))
    pts["time"] = _time(pts["t_h"], start_date)
    gdf = gpd.GeoDataFrame(
        pts.drop(columns=["x", "y"]), geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326"
    )
    return mpd.TrajectoryCollection(gdf, traj_id_col="vessel", t="time")
