"""Places snapped to water and areas clipped to it, on the korea theater."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import UserError
from sim.geo.frame import PORT_CLEARANCE_NM
from sim.geo.gazetteer import PLACE_COLUMNS, PLACE_SNAP_MAX_NM, Place
from sim.geo.places import read_places_csv
from sim.units import NM_M


@pytest.fixture(scope="module")
def gaz(korea):
    return korea.gazetteer


def test_the_places_table_keeps_the_file_positions_beside_the_snapped_ones(gaz):
    df = gaz.places
    assert list(df.columns) == PLACE_COLUMNS
    raw = read_places_csv().set_index("name")
    for r in df.itertuples():
        assert (r.lon_file, r.lat_file) == (raw.loc[r.name, "lon"], raw.loc[r.name, "lat"])
        assert 0.0 <= r.snap_nm <= PLACE_SNAP_MAX_NM


def test_every_sea_place_is_on_water_clear_of_the_coast(gaz, korea):
    sea = gaz.places[gaz.places["kind"] != "air_base"]
    assert len(sea) > 10
    assert korea.is_water_xy(sea["x_m"].to_numpy(), sea["y_m"].to_numpy()).all()
    assert not shapely.contains_xy(korea.frame.land_clear, sea["x_m"], sea["y_m"]).any()


def test_air_bases_stay_where_the_file_puts_them(gaz):
    air = gaz.places[gaz.places["kind"] == "air_base"]
    assert len(air) and (air["snap_nm"] == 0.0).all()
    assert np.allclose(air["lon"], air["lon_file"]) and np.allclose(air["lat"], air["lat_file"])


def test_snap_distance_is_the_distance_moved(gaz, korea):
    for r in gaz.places.itertuples():
        x, y = korea.to_xy(r.lon_file, r.lat_file)
        moved = float(np.hypot(r.x_m - x, r.y_m - y)) / NM_M
        assert moved == pytest.approx(r.snap_nm, abs=1e-6), r.name


def test_place_lookup_gives_the_table_row(gaz):
    row = gaz.places.set_index("name").loc["Nampo"]
    p = gaz.place("Nampo")
    assert isinstance(p, Place) and p.state == "PRK" and p.kind == "port"
    assert (p.x_m, p.y_m, p.snap_nm) == (row["x_m"], row["y_m"], row["snap_nm"])
    with pytest.raises(UserError, match="unknown place 'Nampho' in theater 'korea'.*Nampo"):
        gaz.place("Nampho")


def test_areas_are_water_only_with_their_centroid_and_size(gaz, korea):
    land = korea.frame.land_xy
    for r in gaz.areas.itertuples():
        a = gaz.area(r.name)
        assert a.polygon_xy.intersection(land).area < 1e-6 * a.polygon_xy.area
        assert a.area_nm2 == pytest.approx(a.polygon_xy.area / NM_M**2)
        assert (r.lon, r.lat) == (a.centroid_lon, a.centroid_lat)
        assert a.polygon_lonlat.geom_type in ("Polygon", "MultiPolygon")
    with pytest.raises(UserError, match="ecs_high_seas"):
        gaz.area("ecs_high_sea")


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(["ecs_high_seas", "korea_bay_nampo", "ecs_patrol"]), st.integers(1, 50))
def test_sampled_area_points_lie_in_the_area(gaz, name, n):
    pts = gaz.sample_points_in_area(name, n, np.random.default_rng(n))
    poly = gaz.area(name).polygon_xy
    assert pts.shape == (n, 2)
    assert shapely.contains_xy(poly, pts[:, 0], pts[:, 1]).all()


def test_port_clearance_is_below_the_snap_limit():
    assert 0 < PORT_CLEARANCE_NM < PLACE_SNAP_MAX_NM
