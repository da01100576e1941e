"""Run tables as geometries: GeoParquet points and LineStrings, MovingPandas trajectories."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

gpd = pytest.importorskip("geopandas")

from sim.analysis.geo import events_gdf, to_trajectories, tracks_gdf, transfers_gdf  # noqa: E402
from sim.monitoring import FlatGeography, synthetic_tracks  # noqa: E402

GEO = FlatGeography()


@pytest.fixture(scope="module")
def tracks():
    """Four days of synthetic traffic and two smuggling pairs."""
    return synthetic_tracks(np.random.default_rng(3), n_legit=4, n_pairs=2, days=4)


def test_tracks_as_linestrings_round_trip_through_geoparquet(tracks, tmp_path):
    """One LineString per vessel through every leg end, in WGS 84, readable back."""
    g = tracks_gdf(tracks, GEO.to_lonlat, "2018-01-01")
    assert set(g.geom_type) == {"LineString"} and g.crs.to_epsg() == 4326
    assert sorted(g["vessel"]) == sorted(tracks["vessel"].unique())
    one = g.set_index("vessel").loc["D0"]
    legs = tracks[tracks["vessel"] == "D0"]
    assert len(one.geometry.coords) == len(legs) + 1
    assert one["start_time"] == pd.Timestamp("2018-01-01") + pd.Timedelta(hours=legs["t0_h"].min())
    g.to_parquet(tmp_path / "tracks.parquet")
    back = gpd.read_parquet(tmp_path / "tracks.parquet")
    assert back.crs.to_epsg() == 4326 and back.geometry.equals(g.geometry)
    per_leg = tracks_gdf(tracks, GEO.to_lonlat, per="leg")
    assert len(per_leg) == len(tracks) and "ais_on" in per_leg


def test_events_and_transfers_as_points():
    """Events without a position (satellite passes) are left out; transfers are their own layer."""
    ev = pd.DataFrame(
        {
            "t_h": [1.0, 2.0, 3.0],
            "kind": ["transfer_start", "satellite_pass", "seizure"],
            "lon": [123.5, np.nan, 124.0],
            "lat": [30.0, np.nan, 31.0],
        }
    )
    pts = events_gdf(ev, "2018-01-01")
    assert list(pts["kind"]) == ["transfer_start", "seizure"]
    assert pts.geometry.iloc[0].x == 123.5 and pts["time"].iloc[1] == pd.Timestamp(
        "2018-01-01 03:00"
    )
    assert list(transfers_gdf(ev)["kind"]) == ["transfer_start"]


def test_to_trajectories_gives_one_movingpandas_trajectory_per_vessel(tracks):
    """Times are calendar datetimes; every vessel's path starts where its first leg starts."""
    pytest.importorskip("movingpandas")
    tc = to_trajectories(tracks, theater=GEO, start_date="2018-06-01")
    assert len(tc) == tracks["vessel"].nunique()
    traj = tc.get_trajectory("D0")
    first = tracks[tracks["vessel"] == "D0"].sort_values("t0_h").iloc[0]
    lon, lat = GEO.to_lonlat(first["x0_m"], first["y0_m"])
    assert traj.get_start_location().x == pytest.approx(float(lon))
    assert traj.get_start_time() == pd.Timestamp("2018-06-01") + pd.Timedelta(hours=first["t0_h"])


def test_per_leg_lines_carry_the_leg_columns_and_per_vessel_lines_the_dark_hours(tracks):
    legs = tracks_gdf(tracks, GEO.to_lonlat, per="leg")
    assert {"start_h", "end_h", "ais_on", "identity", "activity"} <= set(legs.columns)
    assert not {"x0_m", "t0_h"} & set(legs.columns)
    assert all(len(g.coords) == 2 for g in legs.geometry)
    vessels = tracks_gdf(tracks, GEO.to_lonlat).set_index("vessel")
    dark = tracks.assign(h=tracks["t1_h"] - tracks["t0_h"])[~tracks["ais_on"]]
    want = dark.groupby("vessel")["h"].sum()
    for v, h in want.items():
        assert vessels.loc[v, "dark_h"] == pytest.approx(h)
    assert (vessels["legs"] == tracks.groupby("vessel").size()).all()


def test_tracks_gdf_refuses_an_unknown_grouping(tracks):
    with pytest.raises(ValueError, match="per must be 'vessel' or 'leg'"):
        tracks_gdf(tracks, GEO.to_lonlat, per="day")


def test_events_keep_their_own_time_column_when_they_have_one():
    ev = pd.DataFrame({"t_h": [1.0], "kind": ["seizure"], "lon": [124.0], "lat": [30.0]}).assign(
        time=[pd.Timestamp("2020-05-05")]
    )
    assert events_gdf(ev, "2018-01-01")["time"].iloc[0] == pd.Timestamp("2020-05-05")
