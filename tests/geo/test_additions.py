"""A scenario's own places and areas, added to a theater by coordinates.

On the land-free ``open_water`` theater nothing needs snapping, so positions and areas can
be checked exactly; on ``korea`` a place given on land is snapped as the gazetteer's are.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import UserError
from sim.geo.additions import ExtendedTheater, with_places_and_areas
from sim.geo.frame import PORT_CLEARANCE_NM
from sim.units import NM_M


class P(NamedTuple):
    """A place by coordinates (what ``PlaceSpec`` provides)."""

    name: str
    lon: float
    lat: float
    kind: str = "naval_base"
    state: str = "JPN"


class A(NamedTuple):
    """An area by vertices (what ``AreaSpec`` provides)."""

    name: str
    polygon: tuple[tuple[float, float], ...]
    kind: str = "patrol"


BOX = A("box", ((124.0, 29.0), (126.0, 29.0), (126.0, 31.0), (124.0, 31.0)))


def test_nothing_added_is_the_theater_itself(open_water):
    assert with_places_and_areas(open_water, [], []) is open_water


def test_an_added_place_is_where_it_was_given_in_open_water(open_water):
    ext = with_places_and_areas(open_water, [P("base", 125.5, 30.5)], [])
    p = ext.place("base")
    assert (p.lon, p.lat) == pytest.approx((125.5, 30.5), abs=1e-9)
    assert (p.x_m, p.y_m) == pytest.approx(tuple(float(v) for v in open_water.to_xy(125.5, 30.5)))
    assert p.snap_nm == 0.0 and p.source == "scenario"
    row = ext.ports[ext.ports["name"] == "base"].iloc[0]
    assert row["kind"] == "naval_base" and row["state"] == "JPN"
    assert len(ext.ports) == len(open_water.ports) + 1 and ext.places is ext.ports


def test_an_added_area_is_its_polygon_in_water_with_its_true_size(open_water):
    ext = with_places_and_areas(open_water, [], [BOX])
    a = ext.area("box")
    lon, lat = np.array(BOX.polygon).T
    x, y = open_water.to_xy(lon, lat)
    assert a.area_nm2 == pytest.approx(a.polygon_xy.area / NM_M**2)
    # 2 x 2 degrees at 30N: about 104 x 120 nm
    assert 11_500 < a.area_nm2 < 13_500
    assert (a.centroid_lon, a.centroid_lat) == pytest.approx((125.0, 30.0), abs=0.05)
    corners = shapely.points(x, y)  # the given vertices, projected, are the polygon's
    assert (shapely.distance(a.polygon_xy.exterior, corners) < 1e-6).all()
    assert ext.areas["name"].tolist()[-1] == "box"


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 200), st.integers(0, 2**32 - 1))
def test_points_sampled_in_an_added_area_are_inside_it_and_reproducible(open_water, n, seed):
    ext = with_places_and_areas(open_water, [], [BOX])
    pts = ext.sample_points_in_area("box", n, np.random.default_rng(seed))
    assert pts.shape == (n, 2)
    poly = shapely.buffer(ext.area("box").polygon_xy, 1e-6)
    assert shapely.contains_xy(poly, pts[:, 0], pts[:, 1]).all()
    again = ext.sample_points_in_area("box", n, np.random.default_rng(seed))
    assert np.array_equal(pts, again)


def test_the_same_declaration_gives_the_same_extended_theater(open_water):
    """One per declaration, so per-theater caches keep working across replications."""
    a = with_places_and_areas(open_water, [P("base", 125.5, 30.5)], [BOX])
    b = with_places_and_areas(open_water, [P("base", 125.5, 30.5)], [BOX])
    c = with_places_and_areas(open_water, [P("base", 125.0, 30.5)], [BOX])
    assert a is b and c is not a
    # extending an extended theater extends its base, not the wrapper
    d = with_places_and_areas(a, [P("other", 124.5, 29.5)], [])
    assert isinstance(d, ExtendedTheater) and d.base is open_water


def test_everything_not_added_is_the_base_theaters(open_water):
    ext = with_places_and_areas(open_water, [P("base", 125.5, 30.5)], [])
    assert ext.name == open_water.name and ext.water_xy is open_water.water_xy
    assert ext.is_water(125.0, 30.0) is True
    assert repr(ext).startswith("ExtendedTheater(Theater('open_water'") and "+1 places" in repr(ext)


def test_names_already_taken_are_refused(open_water):
    with pytest.raises(UserError, match="place 'base' is declared twice"):
        with_places_and_areas(open_water, [P("base", 125.5, 30.5), P("base", 125.0, 30.0)], [])
    with pytest.raises(UserError, match="area 'box' is declared twice"):
        with_places_and_areas(open_water, [], [BOX, BOX])


def test_an_area_with_no_water_in_the_theater_is_refused(open_water):
    far = A("far", ((10.0, 10.0), (11.0, 10.0), (11.0, 11.0)))
    with pytest.raises(UserError, match="area 'far' has no water in theater 'open_water'"):
        with_places_and_areas(open_water, [], [far])


def test_a_place_given_on_land_is_snapped_off_the_coast_but_an_air_base_stays(korea):
    seoul = (126.978, 37.566)  # inland, about 20 nm from the Han estuary
    ext = with_places_and_areas(
        korea, [P("hq", *seoul, kind="naval_base", state="KOR"), P("osan", *seoul, "air_base")], []
    )
    hq, osan = ext.place("hq"), ext.place("osan")
    assert osan.snap_nm == 0.0 and (osan.lon, osan.lat) == pytest.approx(seoul, abs=1e-9)
    assert 0 < hq.snap_nm <= 20
    assert korea.distance_to_coast_nm_xy(hq.x_m, hq.y_m) >= PORT_CLEARANCE_NM - 0.6  # raster
    assert korea.is_water_xy(hq.x_m, hq.y_m)
    assert ext.place("Nampo") == korea.place("Nampo")  # the theater's own places still answer


def test_an_extended_theater_can_be_copied_without_recursing(open_water):
    """``__getattr__`` defers to the base, but not for ``base`` itself (copy, unpickling)."""
    import copy

    ext = with_places_and_areas(open_water, [P("base", 125.5, 30.5)], [BOX])
    dup = copy.copy(ext)
    assert dup.base is open_water and dup.place("base") == ext.place("base")
    bare = ExtendedTheater.__new__(ExtendedTheater)
    with pytest.raises(AttributeError):
        _ = bare.name
