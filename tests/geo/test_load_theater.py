"""Loading theaters: presets, bounding boxes, memoisation, and the facade over its parts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import UserError
from sim.geo import load_theater
from sim.geo.theater import THEATER_PRESETS, _validate_bbox


def test_loading_is_memoised_per_arguments(korea):
    assert load_theater("korea") is korea
    assert load_theater() is korea  # korea is the default


def test_the_facade_answers_as_its_parts_do(korea):
    lon = np.array([124.0, 126.98, 135.0])
    lat = np.array([35.0, 37.56, 40.0])
    x, y = korea.to_xy(lon, lat)
    assert (korea.to_xy(lon, lat)[0] == korea.frame.to_xy(lon, lat)[0]).all()
    assert korea.is_water(lon, lat).tolist() == korea.frame.is_water(lon, lat).tolist()
    assert (korea.zone_at_xy(x, y)[1] == korea.zonemap.zone_at_xy(x, y)[1]).all()
    assert korea.distance_to_coast_nm(125.0, 36.0) == korea.zonemap.distance_to_coast_nm(
        125.0, 36.0
    )
    assert korea.place("Nampo") == korea.gazetteer.place("Nampo")
    assert korea.area("ecs_patrol") is korea.gazetteer.area("ecs_patrol")
    assert korea.ports is korea.gazetteer.places and korea.zones is korea.zonemap.raster
    assert korea.fingerprint == korea.frame.fingerprint


def test_every_preset_names_a_box_or_a_centre():
    for name, preset in THEATER_PRESETS.items():
        assert ("bbox" in preset) != ("center" in preset), name


def test_the_open_water_preset_is_a_square_of_its_half_side(open_water):
    half = THEATER_PRESETS["open_water"]["half_side_nm"]
    assert open_water.water_area_nm2 == pytest.approx((2 * half) ** 2)
    assert open_water.places.empty and open_water.areas.empty


def test_a_bbox_needs_a_box_and_no_name_no_theater():
    with pytest.raises(UserError, match="numbers"):
        load_theater(bbox=(1, 2, 3))  # type: ignore[arg-type]
    with pytest.raises(UserError, match="outside the globe or wider than 60 degrees"):
        load_theater(bbox=(0.0, 0.0, 70.0, 10.0))
    with pytest.raises(UserError, match="a theater name or a bbox"):
        load_theater(None)


@settings(max_examples=100, deadline=None)
@given(st.floats(-200, 400), st.floats(-100, 100), st.floats(-200, 400), st.floats(-100, 100))
def test_bbox_validation_accepts_exactly_ordered_boxes_on_the_globe(lon0, lat0, lon1, lat1):
    ok = (
        lon0 < lon1
        and lat0 < lat1
        and -90 <= lat0
        and lat1 <= 90
        and -180 <= lon0
        and lon1 <= 360
        and lon1 - lon0 <= 60
    )
    if ok:
        assert _validate_bbox((lon0, lat0, lon1, lat1)) == (lon0, lat0, lon1, lat1)
    else:
        with pytest.raises(UserError, match="bbox"):
            _validate_bbox((lon0, lat0, lon1, lat1))


def test_a_bbox_given_as_a_list_is_the_same_memoised_theater(tmp_path, monkeypatch):
    """Boxes are validated to four floats first, so any sequence of numbers is one key."""
    monkeypatch.setenv("SANCTIONS_SIM_CACHE", str(tmp_path))
    a = load_theater(None, bbox=[124.5, 37, 126.5, 38.5], resolution="l")
    b = load_theater(None, bbox=(124.5, 37.0, 126.5, 38.5), resolution="l")
    assert a is b and a.bbox == (124.5, 37.0, 126.5, 38.5)
    assert a.name == "bbox_124.5_37_126.5_38.5"
