"""Zone lookups of the korea theater.

Metric and lon/lat lookups agree, land agrees with the water test, distances agree with the
exact coast, zone geometries hold their zones.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import UserError
from sim.geo.sovereignty import STATE_CODES
from sim.geo.zones import ZONE_KINDS
from sim.units import NM_M


@pytest.fixture(scope="module")
def zm(korea):
    return korea.zonemap


lons = st.floats(118.0, 142.0)
lats = st.floats(22.0, 45.0)


@settings(max_examples=100, deadline=None)
@given(lons, lats)
def test_land_by_zone_is_land_by_the_exact_water_test(korea, zm, lon, lat):
    x, y = korea.to_xy(lon, lat)
    _, k = zm.zone_at_xy(x, y)
    if korea.frame.domain_xy.contains(shapely.Point(float(x), float(y))):
        assert (ZONE_KINDS[k[0]] == "land") == (not korea.is_water_xy(float(x), float(y)))


@settings(max_examples=100, deadline=None)
@given(lons, lats)
def test_lonlat_lookup_names_what_the_metric_codes_say(korea, zm, lon, lat):
    z = zm.zone_at(lon, lat)
    s, k = zm.zone_at_xy(*korea.to_xy(lon, lat))
    assert (z.state, z.kind) == (STATE_CODES[s[0]], ZONE_KINDS[k[0]])
    if z.dprk_military_zone:
        assert z.state == "PRK" and z.kind != "land"


@settings(max_examples=60, deadline=None)
@given(st.floats(120.0, 140.0), st.floats(25.0, 43.0))
def test_raster_distance_never_puts_a_point_much_nearer_the_coast_than_it_is(korea, zm, lon, lat):
    """Islets smaller than a cell are missing from the raster, so it may say further, not nearer."""
    x, y = (float(v) for v in korea.to_xy(lon, lat))
    if not korea.is_water_xy(x, y):
        assert zm.distance_to_coast_nm_xy(x, y) == 0.0
        return
    exact = korea.frame.land_xy.distance(shapely.Point(x, y)) / NM_M
    cell_nm = zm.raster.cell_m / NM_M
    assert zm.distance_to_coast_nm_xy(x, y) >= exact - 1.5 * cell_nm


def test_raster_distance_off_a_mainland_coast_is_within_three_cells_of_the_exact_one(korea, zm):
    """Off Nampo the coast is mainland, so the raster holds it (islets elsewhere are too small).

    Measured: in the central Yellow Sea the raster says up to ~22 nm further than the exact
    GSHHS-i coast (islets narrower than the 1 km cell), while here it stays within 1.3 nm.
    """
    pts = korea.gazetteer.sample_points_in_area("korea_bay_nampo", 300, np.random.default_rng(8))
    exact = shapely.distance(korea.frame.land_xy, shapely.points(pts)) / NM_M
    got = zm.distance_to_coast_nm_xy(pts[:, 0], pts[:, 1])
    assert np.abs(got - exact).max() <= 3 * zm.raster.cell_m / NM_M


def test_array_lookups_keep_shapes(korea, zm):
    lon = np.array([[124.0, 126.98], [135.0, 125.75]])
    lat = np.array([[35.0, 37.56], [40.0, 39.03]])
    z = zm.zone_at(lon, lat)
    assert z.state.shape == z.kind.shape == z.dprk_military_zone.shape == (2, 2)
    assert z.kind[0, 1] == "land" and z.kind[1, 1] == "land"
    d = zm.distance_to_coast_nm(lon, lat)
    assert d.shape == (2, 2) and d[0, 1] == 0.0 and d[0, 0] > 0


def test_zone_geometry_holds_points_of_that_zone(korea, zm):
    terr = zm.zone_geometry("PRK", "territorial")
    pts = korea.gazetteer.sample_points_in_area("korea_bay_nampo", 400, np.random.default_rng(2))
    inside = shapely.contains_xy(terr, pts[:, 0], pts[:, 1])
    s, k = zm.zone_at_xy(pts[:, 0], pts[:, 1])
    prk_terr = (s == STATE_CODES.index("PRK")) & (k == ZONE_KINDS.index("territorial"))
    # the buffer ignores median lines, so it may hold more; it must hold the PRK sea it names
    assert inside[prk_terr].mean() > 0.97
    assert zm.zone_geometry_cached("PRK", "territorial") is zm.zone_geometry_cached(
        "PRK", "territorial"
    )


def test_zone_geometry_of_a_state_without_land_is_empty_and_bad_names_suggest(zm):
    assert zm.zone_geometry("none", "eez").is_empty
    with pytest.raises(UserError, match="Did you mean 'PRK'"):
        zm.zone_geometry("PRKK", "eez")
    with pytest.raises(UserError, match="Did you mean 'contiguous'"):
        zm.zone_geometry("PRK", "contigous")


def test_segments_off_coast_agrees_with_sampled_distances(korea, zm):
    rng = np.random.default_rng(5)
    a = korea.gazetteer.sample_points_in_area("yellow_sea_central", 40, rng)
    b = korea.gazetteer.sample_points_in_area("korea_bay_nampo", 40, rng)
    for min_nm in (0.0, 5.0, 30.0):
        got = zm.segments_off_coast_xy(a, b, min_nm=min_nm)
        for i in range(len(a)):
            n = max(8, int(np.ceil(np.hypot(*(b[i] - a[i])) / 500.0)) + 1)
            f = np.linspace(0, 1, n)
            xs, ys = a[i, 0] + f * (b[i, 0] - a[i, 0]), a[i, 1] + f * (b[i, 1] - a[i, 1])
            assert got[i] == bool((zm.distance_to_coast_nm_xy(xs, ys) >= min_nm).all()), (i, min_nm)


def test_segments_off_coast_input_rules(zm):
    assert zm.segments_off_coast_xy(np.zeros((0, 2)), np.zeros((0, 2)), 1.0).shape == (0,)
    with pytest.raises(ValueError, match="min_samples"):
        zm.segments_off_coast_xy(np.zeros((1, 2)), np.ones((1, 2)), 1.0, min_samples=1)


def test_near_coast_band_is_a_cell_and_a_half(zm):
    assert zm.near_coast_nm == pytest.approx(1.5 * zm.raster.cell_m / NM_M)


def test_distance_zero_marks_land_near_the_coast_and_points_outside_the_theater(korea, zm):
    """The raster's answer is overruled only where the exact polygons are needed."""
    land = korea.to_xy(126.978, 37.566)  # Seoul
    sea = korea.to_xy(124.0, 36.0)  # Yellow Sea, far from any coast
    outside = korea.to_xy(116.0, 30.0)  # west of the bbox
    x = np.array([land[0], sea[0], outside[0]], dtype=float)
    y = np.array([land[1], sea[1], outside[1]], dtype=float)
    every = np.ones(3, dtype=bool)
    assert zm.distance_zero(x, y, every, ~every).tolist() == [True, False, False]
    assert zm.distance_zero(x, y, ~every, every).tolist() == [False, False, True]
    assert not zm.distance_zero(x, y, ~every, ~every).any()  # asked about none: none


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(lons, lats), min_size=1, max_size=6))
def test_a_scalar_query_answers_as_its_element_of_the_array_query(korea, points):
    """The overloads: floats in give a float/bool, arrays in give arrays of the same values."""
    lon, lat = (np.array(v) for v in zip(*points, strict=True))
    d, w = korea.distance_to_coast_nm(lon, lat), korea.is_water(lon, lat)
    assert isinstance(d, np.ndarray) and d.shape == lon.shape and d.dtype == np.float64
    assert isinstance(w, np.ndarray) and w.shape == lon.shape and w.dtype == np.bool_
    for i, (lo, la) in enumerate(points):
        di, wi = korea.distance_to_coast_nm(lo, la), korea.is_water(lo, la)
        assert type(di) is float and type(wi) is bool
        assert di == d[i] and wi == w[i]
        assert (di == 0.0) or wi  # some distance from the coast only on water


def test_zones_nest_territorial_in_contiguous_in_eez_and_are_memoised(zm):
    state = "PRK"  # the smallest coastline of the three (KOR and JPN take 15-20 s each)
    terr, cont, eez = (
        zm.zone_geometry_cached(state, k) for k in ("territorial", "contiguous", "eez")
    )
    assert 0 < terr.area < cont.area < eez.area
    # the outer zone holds the inner one (up to the buffers' polygon approximation)
    assert shapely.difference(terr, cont).area < 1e-4 * terr.area
    assert shapely.difference(cont, eez).area < 1e-4 * cont.area
    assert zm.zone_geometry_cached(state, "eez") is eez  # computed once per (state, kind)
    x, y = zm.frame.to_xy(125.75, 39.02)  # Pyongyang, inland: in no zone
    assert not shapely.contains_xy(eez, float(x), float(y))


def _claimed_by_zone(korea, x, y) -> np.ndarray:
    """DPRK-claimed waters as the lon/lat zone lookup names them (territorial sea or 50 nm)."""
    z = korea.zone_at(*korea.to_lonlat(x, y))
    return np.asarray(z.dprk_military_zone) | (
        (np.asarray(z.state) == "PRK") & (np.asarray(z.kind) == "territorial")
    )


@settings(max_examples=30, deadline=None)
@given(st.floats(123.0, 132.0), st.floats(36.5, 43.5), st.integers(0, 2**32 - 1))
def test_claim_codes_are_certain_within_a_cell_of_the_point(korea, zm, lon, lat, seed):
    """``CLAIM_IN``/``CLAIM_OUT`` hold for every point within one cell (lon/lat round trips)."""
    from sim.geo.zonemap import CLAIM_IN, CLAIM_OUT

    x0, y0 = (float(v) for v in korea.to_xy(lon, lat))
    rng = np.random.default_rng(seed)
    x = x0 + rng.uniform(-60e3, 60e3, 2000)  # a 120 km box: the zone's edge and coast in it
    y = y0 + rng.uniform(-60e3, 60e3, 2000)
    code = zm.dprk_claim_xy(x, y)
    cell = zm.raster.cell_m
    shifts = ((0.0, 0.0), (0.999 * cell, 0.0), (0.0, -0.999 * cell), (-0.7 * cell, 0.7 * cell))
    for dx, dy in shifts:
        truth = _claimed_by_zone(korea, x + dx, y + dy)
        assert truth[code == CLAIM_IN].all()
        assert not truth[code == CLAIM_OUT].any()


def test_most_of_the_sea_off_the_dprk_is_decided_by_the_claim_raster(korea, zm):
    from sim.geo.zonemap import CLAIM_MAYBE

    rng = np.random.default_rng(5)
    x, y = korea.to_xy(rng.uniform(123.0, 132.0, 20000), rng.uniform(36.5, 43.5, 20000))
    water = korea.is_water_xy(x, y)
    code = zm.dprk_claim_xy(x[water], y[water])
    assert (code == CLAIM_MAYBE).mean() < 0.1


@settings(max_examples=40, deadline=None)
@given(
    st.floats(118.0, 142.0),
    st.floats(22.0, 45.0),
    st.floats(1e3, 300e3),
    st.floats(1e3, 300e3),
)
def test_a_box_cleared_of_claimed_waters_holds_none_of_its_points(korea, zm, lon, lat, w, h):
    from sim.geo.zonemap import CLAIM_OUT

    x0, y0 = (float(v) for v in korea.to_xy(lon, lat))
    x, y = np.meshgrid(
        np.linspace(x0 - 999.0, x0 + w + 999.0, 200), np.linspace(y0 - 999.0, y0 + h + 999.0, 200)
    )
    codes = zm.dprk_claim_xy(x.ravel(), y.ravel())
    if not zm.dprk_claim_box(x0, y0, x0 + w, y0 + h):
        assert (codes == CLAIM_OUT).all()


def test_a_box_off_wonsan_may_be_claimed_and_one_off_shanghai_is_not(korea, zm):
    for (lon, lat), want in (((128.0, 39.2), True), ((123.0, 31.0), False)):
        x, y = (float(v) for v in korea.to_xy(lon, lat))
        assert zm.dprk_claim_box(x - 5e3, y - 5e3, x + 5e3, y + 5e3) is want
    assert zm.dprk_claim_box(float("nan"), 0.0, 1.0, 1.0)


@settings(max_examples=200, deadline=None)
@given(st.floats(117.5, 142.5), st.floats(21.5, 45.5))
def test_a_zone_named_from_metres_is_the_zone_of_the_round_tripped_point(korea, zm, lon, lat):
    """``zone_near_xy`` answers only where :meth:`zone_at` of the lon/lat says the same."""
    x, y = (float(v) for v in korea.to_xy(lon, lat))
    z = zm.zone_near_xy(x, y)
    if z is not None:
        lo, la = korea.to_lonlat(np.array([x]), np.array([y]))
        assert z == zm.zone_at(float(lo[0]), float(la[0]))
        assert isinstance(z.state, str) and isinstance(z.dprk_military_zone, bool)


def test_zone_near_xy_answers_off_the_coast_and_not_on_it(korea, zm):
    x, y = (float(v) for v in korea.to_xy(124.0, 34.0))  # open water of the ECS
    assert zm.zone_near_xy(x, y) is not None
    nampo = korea.place("Nampo")
    assert zm.zone_near_xy(float(nampo.x_m), float(nampo.y_m)) is None  # the coast
    assert zm.zone_near_xy(float("nan"), 0.0) is None
