"""A theater's frame: coordinates both ways, land and water, snapping, sovereignty of land.

Properties are checked on the korea frame (real GSHHS coast) and an open-water frame.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import UserError
from sim.geo.frame import (
    PORT_CLEARANCE_NM,
    ROUTE_SNAP_MAX_NM,
    Frame,
    as_array,
    inscribed_box,
    sample_points_in_polygon,
)
from sim.units import NM_M


@pytest.fixture(scope="module")
def frame(korea) -> Frame:
    return korea.frame


lons = st.floats(118.0, 142.0)
lats = st.floats(22.0, 45.0)


def test_as_array_tells_scalars_from_arrays():
    a, scalar = as_array(3)
    assert scalar and a.dtype == float and a.ndim == 0
    b, scalar = as_array([1, 2])
    assert not scalar and b.tolist() == [1.0, 2.0]


@settings(max_examples=100, deadline=None)
@given(lons, lats)
def test_lonlat_to_metres_and_back_is_the_identity(frame, lon, lat):
    x, y = frame.to_xy(lon, lat)
    lon2, lat2 = frame.to_lonlat(x, y)
    assert (float(lon2), float(lat2)) == pytest.approx((lon, lat), abs=1e-8)


@settings(max_examples=50, deadline=None)
@given(lons, lats)
def test_metric_distance_from_the_centre_is_the_geodesic_one(frame, lon, lat):
    """AEQD is exact from the centre: compare with pyproj's geodesic on WGS 84."""
    import pyproj

    lon0, lat0, lon1, lat1 = frame.bbox
    clon, clat = (lon0 + lon1) / 2, (lat0 + lat1) / 2
    _, _, d_m = pyproj.Geod(ellps="WGS84").inv(clon, clat, lon, lat)
    x, y = frame.to_xy(lon, lat)
    assert float(np.hypot(x, y)) == pytest.approx(d_m, rel=1e-6, abs=1.0)


def test_the_centre_of_the_box_is_the_origin(frame):
    lon0, lat0, lon1, lat1 = frame.bbox
    x, y = frame.to_xy((lon0 + lon1) / 2, (lat0 + lat1) / 2)
    assert (float(x), float(y)) == pytest.approx((0.0, 0.0), abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(lons, lats)
def test_lonlat_and_metric_water_tests_agree(frame, lon, lat):
    x, y = frame.to_xy(lon, lat)
    assert frame.is_water(lon, lat) == frame.is_water_xy(float(x), float(y))
    assert isinstance(frame.is_water(lon, lat), bool)


def test_water_tests_keep_the_shape_of_arrays(frame):
    lon = np.array([[124.0, 126.98], [135.0, 125.75]])
    lat = np.array([[35.0, 37.56], [40.0, 39.03]])
    got = frame.is_water(lon, lat)
    assert got.shape == (2, 2) and got.tolist() == [[True, False], [True, False]]


def test_points_outside_the_box_are_not_water(frame):
    assert frame.is_water(100.0, 10.0) is False


@settings(max_examples=30, deadline=None)
@given(lons, lats)
def test_a_snapped_point_is_clear_of_the_coast_and_no_further_than_allowed(frame, lon, lat):
    x, y = (float(v) for v in frame.to_xy(lon, lat))
    try:
        sx, sy, moved = frame.snap_to_water_xy(x, y, max_nm=ROUTE_SNAP_MAX_NM)
    except UserError as exc:
        assert "navigable water" in str(exc)
        assert frame.land_clear.contains(shapely.Point(x, y)) or not frame.is_water_xy(x, y)
        return
    assert frame.is_water_xy(sx, sy)
    assert not shapely.contains_xy(frame.land_clear, sx, sy)
    assert moved <= ROUTE_SNAP_MAX_NM
    assert moved == pytest.approx(np.hypot(sx - x, sy - y) / NM_M, abs=1e-9)
    if moved == 0.0:
        assert (sx, sy) == (x, y)


def test_snapping_seoul_moves_it_to_the_han_estuary_within_the_limit(frame):
    lon, lat = frame.snap_to_water(126.98, 37.56, max_nm=40.0)
    assert frame.is_water(lon, lat)
    with pytest.raises(UserError, match=r"\(126.98, 37.56\) is"):
        frame.snap_to_water(126.98, 37.56, max_nm=1.0)


def test_a_snapped_point_keeps_the_port_clearance(frame):
    x, y = frame.to_xy(125.75, 39.03)  # Pyongyang, inland up the Taedong
    sx, sy, _ = frame.snap_to_water_xy(float(x), float(y), max_nm=40.0)
    assert frame.land_xy.distance(shapely.Point(sx, sy)) >= PORT_CLEARANCE_NM * NM_M * 0.99


def test_geometries_project_both_ways(frame):
    ring = shapely.box(124.0, 33.0, 125.0, 34.0)
    back = frame.geom_to_lonlat(frame.geom_to_xy(shapely.segmentize(ring, 0.1)))
    assert back.symmetric_difference(ring).area < 1e-10


def test_every_land_cell_belongs_to_exactly_one_state(frame):
    """The partition splits the land: state lands do not overlap and together cover it."""
    lands = {s: frame.state_land(s) for s in ("PRK", "KOR", "CHN", "RUS", "JPN", "TWN")}
    total = shapely.union_all(list(lands.values()))
    assert frame.land_xy.symmetric_difference(total).area / frame.land_xy.area < 1e-6
    names = list(lands)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert lands[a].intersection(lands[b]).area < 1e-3 * frame.land_xy.area, (a, b)
    assert frame.state_land("none").is_empty


def test_land_state_codes_follow_the_partition(frame):
    from sim.geo.sovereignty import STATE_CODES

    x, y = frame.to_xy(
        np.array([125.75, 126.98, 116.5, 139.7]), np.array([39.03, 37.56, 39.9, 35.7])
    )
    codes = frame.land_state_codes(x, y)
    assert [STATE_CODES[c] for c in codes] == ["PRK", "KOR", "CHN", "JPN"]


def test_an_inland_box_is_refused_as_having_no_water():
    with pytest.raises(UserError, match="no navigable water"):
        Frame("inland", (100.0, 40.0, 101.0, 41.0))


def test_open_water_frames_have_no_partition_and_a_square_domain():
    f = Frame("sq", (10.0, 10.0, 11.0, 11.0), open_water_half_side_nm=50.0)
    assert f.partition == [] and f.default_state == "unknown" and f.fingerprint == "none"
    assert f.water_area_nm2 == pytest.approx(100.0 * 100.0)
    assert f.state_land("PRK").is_empty
    assert "sq" in repr(f) and "10,000 nm2" in repr(f)


@settings(max_examples=40, deadline=None)
@given(st.floats(1, 100), st.floats(1, 100), st.floats(0.1, 0.9))
def test_the_inscribed_box_lies_inside_the_polygon(w, h, hole):
    """A rectangle with a notch cut from one corner: the box must avoid the notch."""
    poly = shapely.box(0, 0, w, h).difference(shapely.box(w * hole, h * hole, w, h))
    x0, y0, x1, y1 = inscribed_box(poly)
    if x0 > x1:  # nothing fits: the empty box is never inside
        return
    assert poly.buffer(1e-9).contains(shapely.box(x0, y0, x1, y1))


def test_the_inscribed_box_of_a_box_is_the_box():
    assert inscribed_box(shapely.box(0, 0, 4, 2)) == pytest.approx((0, 0, 4, 2))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 300), st.integers(0, 2**32 - 1))
def test_sampled_points_are_inside_and_reproducible(n, seed):
    poly = shapely.Polygon([(0, 0), (10, 0), (0, 10)])
    pts = sample_points_in_polygon(poly, n, np.random.default_rng(seed))
    assert pts.shape == (n, 2)
    assert shapely.contains_xy(poly, pts[:, 0], pts[:, 1]).all()
    again = sample_points_in_polygon(poly, n, np.random.default_rng(seed))
    assert np.array_equal(pts, again)


def test_samples_are_uniform_over_the_polygon():
    """Half the area of the triangle lies below y = 10 (1 - 1/sqrt 2)."""
    poly = shapely.Polygon([(0, 0), (10, 0), (0, 10)])
    pts = sample_points_in_polygon(poly, 20_000, np.random.default_rng(1))
    cut = 10 * (1 - 1 / np.sqrt(2))
    assert np.mean(pts[:, 1] < cut) == pytest.approx(0.5, abs=0.015)


def test_a_list_of_coordinates_is_answered_like_an_array(frame):
    """The ``Coords`` overload: lists and arrays both give one answer per point, in order."""
    lon, lat = [124.0, 126.98, 130.0], [36.0, 37.56, 40.0]  # Yellow Sea, Seoul, Sea of Japan
    from_list = frame.is_water(lon, lat)
    from_array = frame.is_water(np.array(lon), np.array(lat))
    assert isinstance(from_list, np.ndarray) and from_list.tolist() == [True, False, True]
    assert from_array.tolist() == from_list.tolist()
    x, y = frame.to_xy(np.array(lon), np.array(lat))
    assert frame.is_water_xy(list(x), list(y)).tolist() == from_list.tolist()
