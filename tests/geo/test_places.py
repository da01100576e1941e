"""The shipped places and areas tables: valid kinds, unique names, sources, water polygons."""

from __future__ import annotations

import shapely

from sim.geo.places import AREA_KINDS, PLACE_KINDS, read_areas_csv, read_places_csv


def test_places_have_a_known_kind_a_unique_name_a_position_and_a_source():
    df = read_places_csv()
    assert set(df["kind"]) <= set(PLACE_KINDS) and not df["name"].duplicated().any()
    assert df["lon"].between(-180, 180).all() and df["lat"].between(-90, 90).all()
    assert (df["source"].str.len() > 0).all()
    assert {"Nampo", "Kadena", "Sasebo"} <= set(df["name"])


def test_areas_are_valid_polygons_of_a_known_kind_with_a_source():
    df = read_areas_csv()
    assert set(df["kind"]) <= set(AREA_KINDS) and not df["name"].duplicated().any()
    assert all(g.geom_type in ("Polygon", "MultiPolygon") and g.is_valid for g in df["geometry"])
    assert all(shapely.area(g) > 0 for g in df["geometry"])
    assert (df["source"].str.len() > 0).all() and "wkt" not in df
