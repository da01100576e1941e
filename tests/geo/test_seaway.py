"""Water routes between places and points: where they start and end, what they cost."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import UserError
from sim.units import NM_M


@settings(max_examples=25, deadline=None)
@given(
    st.floats(122.5, 127.5), st.floats(27.5, 32.5), st.floats(122.5, 127.5), st.floats(27.5, 32.5)
)
def test_open_water_routes_are_the_straight_line(open_water, lon0, lat0, lon1, lat1):
    r = open_water.route((lon0, lat0), (lon1, lat1))
    a, b = open_water.to_xy(lon0, lat0), open_water.to_xy(lon1, lat1)
    straight_nm = float(np.hypot(b[0] - a[0], b[1] - a[1])) / NM_M
    assert r.length_nm == pytest.approx(straight_nm, rel=1e-9, abs=1e-9)
    assert r.cost_nm == pytest.approx(r.length_nm)
    assert r.lonlat[0] == pytest.approx((lon0, lat0), abs=1e-9)


def test_a_route_starts_and_ends_at_its_places(korea):
    r = korea.route("Nampo", "Dalian")
    nampo, dalian = korea.place("Nampo"), korea.place("Dalian")
    assert r.xy_m[0] == pytest.approx((nampo.x_m, nampo.y_m))
    assert r.xy_m[-1] == pytest.approx((dalian.x_m, dalian.y_m))
    lon, lat = korea.to_lonlat(r.xy_m[:, 0], r.xy_m[:, 1])
    assert np.column_stack([lon, lat]) == pytest.approx(r.lonlat)
    assert r.length_nm == pytest.approx(np.hypot(*np.diff(r.xy_m, axis=0).T).sum() / NM_M)


def test_a_route_is_no_shorter_than_the_straight_line_and_stays_off_land(korea):
    r = korea.route("Shanghai", "Nampo")
    a, b = r.xy_m[0], r.xy_m[-1]
    assert r.length_nm >= np.hypot(*(b - a)) / NM_M - 1e-9
    line = shapely.LineString(r.xy_m)
    assert line.intersection(korea.land_xy).length < 1.0  # metres: touches at most


def test_routes_are_symmetric_in_length(korea):
    there = korea.route("Nampo", "Shanghai").length_nm
    back = korea.route("Shanghai", "Nampo").length_nm
    assert there == pytest.approx(back, rel=0.02)


def test_avoided_waters_are_not_entered_between_the_endpoints(korea):
    """The variant the routing tests build too (a prefer variant takes a minute: not here)."""
    avoid = [("JPN", "territorial"), ("KOR", "territorial")]
    r = korea.route("Shanghai", "Vladivostok", avoid=avoid)
    plain = korea.route("Shanghai", "Vladivostok")
    for state, kind in avoid:
        terr = shapely.buffer(korea.zone_geometry(state, kind), -0.5 * NM_M)
        assert shapely.LineString(r.xy_m).intersection(terr).length / NM_M < 0.5
    assert r.length_nm >= plain.length_nm - 1e-6  # avoiding waters never shortens a route


def test_unknown_states_in_avoid_are_named():
    from sim.geo import load_theater

    with pytest.raises(UserError, match="unknown state 'KORR'"):
        load_theater("korea").route("Nampo", "Dalian", avoid=[("KORR", "territorial")])


def test_graphs_are_built_once_per_variant(korea):
    g1 = korea.seaway.graph((), ())
    assert korea.seaway.graph((), ()) is g1
    assert korea.seaway.graph((), ("CHN",)) is not g1


def test_a_point_hugging_the_coast_is_routed_from_where_it_is(korea):
    nampo = korea.place("Nampo")
    start = np.array([nampo.x_m, nampo.y_m])
    dalian = korea.place("Dalian")
    r = korea.seaway.route_xy(start, (dalian.x_m, dalian.y_m))
    assert r.xy_m[0] == pytest.approx(start)


@pytest.mark.parametrize(
    ("avoid", "prefer", "message"),
    [
        ((("KOR", "territorail"),), (), "unknown zone kind 'territorail'.*territorial"),
        ((), ("CHNA",), "unknown state 'CHNA'.*CHN"),
    ],
)
def test_a_misspelt_zone_kind_or_preferred_state_is_refused_with_a_suggestion(
    korea, avoid, prefer, message
):
    """Names are checked before any graph is looked for, so a typo costs no build."""
    with pytest.raises(UserError, match=message):
        korea.seaway.graph(avoid, prefer)


def test_preferred_waters_make_a_route_cheaper_than_its_length(korea):
    plain = korea.route("Shanghai", "Nampo")
    pref = korea.route("Shanghai", "Nampo", prefer=["CHN"])
    assert plain.cost_nm == pytest.approx(plain.length_nm)
    assert pref.cost_nm < pref.length_nm  # some of it in Chinese waters, at 0.6 per nm
    assert pref.cost_nm >= 0.6 * pref.length_nm - 1e-6
    assert pref.cost_nm <= plain.cost_nm + 1e-6  # the cheapest under its own costs
    assert korea.seaway.graph((), ("CHN",)).prefer_geom is not None
    assert korea.seaway.graph((), ()).prefer_geom is None
