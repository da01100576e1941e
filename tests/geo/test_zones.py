"""Zone rasters built on hand-made coasts: UNCLOS limits by distance, the nearest coast's state."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.geo.sovereignty import STATE_CODES
from sim.geo.zones import (
    CONTIGUOUS_NM,
    DIST_UNIT_NM,
    DPRK_MILITARY_ZONE_NM,
    EEZ_NM,
    TERRITORIAL_NM,
    ZONE_KINDS,
    ZoneRaster,
    build_zone_raster,
    dprk_military_mask,
)
from sim.units import NM_M

CELL_M = 1000.0
PRK, KOR = STATE_CODES.index("PRK"), STATE_CODES.index("KOR")


def by_half(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Land west of x = 0 is PRK's, east of it KOR's."""
    return np.where(np.asarray(x) < 0, PRK, KOR).astype(np.uint8)


@pytest.fixture(scope="module")
def island() -> ZoneRaster:
    """A 20 x 20 km island at the centre of a 600 x 600 km square, split between two states."""
    land = shapely.box(-10_000, -10_000, 10_000, 10_000)
    return build_zone_raster(land, (-300_000, -300_000, 300_000, 300_000), CELL_M, by_half)


def kind_at(r: ZoneRaster, x: float, y: float) -> str:
    return ZONE_KINDS[int(r.codes(np.array([x]), np.array([y]))[1][0])]


def test_the_zones_follow_the_distance_from_the_coast(island):
    east = 10_000.0
    for nm, kind in [
        (-1.0, "land"),
        (TERRITORIAL_NM - 1, "territorial"),
        (TERRITORIAL_NM + 1, "contiguous"),
        (CONTIGUOUS_NM + 1, "eez"),
        (EEZ_NM - 2, "eez"),
    ]:
        assert kind_at(island, east + nm * NM_M, 0.0) == kind, nm


def test_beyond_200_nm_is_high_seas_of_no_state():
    land = shapely.box(-5_000, -5_000, 5_000, 5_000)
    r = build_zone_raster(land, (-450_000, -10_000, 450_000, 10_000), 2000.0, by_half)
    s, k = r.codes(np.array([420_000.0]), np.array([0.0]))
    assert (ZONE_KINDS[k[0]], STATE_CODES[s[0]]) == ("high_seas", "none")


def test_water_takes_the_state_of_the_nearest_coast(island):
    s, _ = island.codes(np.array([-40_000.0, 40_000.0]), np.array([0.0, 0.0]))
    assert [STATE_CODES[c] for c in s] == ["PRK", "KOR"]


@settings(max_examples=80, deadline=None)
@given(st.floats(-290_000, 290_000), st.floats(-290_000, 290_000))
def test_raster_distance_matches_the_exact_distance_to_the_island(island, x, y):
    exact_nm = shapely.box(-10_000, -10_000, 10_000, 10_000).distance(shapely.Point(x, y)) / NM_M
    got = float(island.distance_nm(np.array([x]), np.array([y]))[0])
    assert got == pytest.approx(exact_nm, abs=2 * CELL_M / NM_M)


@settings(max_examples=80, deadline=None)
@given(st.floats(-290_000, 290_000), st.floats(-290_000, 290_000))
def test_kind_is_the_band_of_the_raster_distance(island, x, y):
    d = float(island.distance_nm(np.array([x]), np.array([y]))[0])
    k = kind_at(island, x, y)
    if d == 0:
        assert k == "land"
    elif d <= TERRITORIAL_NM - DIST_UNIT_NM:
        assert k == "territorial"
    elif TERRITORIAL_NM + DIST_UNIT_NM < d <= CONTIGUOUS_NM - DIST_UNIT_NM:
        assert k == "contiguous"
    elif CONTIGUOUS_NM + DIST_UNIT_NM < d <= EEZ_NM - DIST_UNIT_NM:
        assert k == "eez"


def test_points_outside_the_grid_read_its_edge(island):
    iy, ix = island.cell_index(np.array([-1e9, 1e9]), np.array([0.0, 1e9]))
    ny, nx = island.shape
    assert ix.tolist() == [0, nx - 1] and iy.tolist() == [ny // 2, ny - 1]


def test_a_raster_survives_its_cache_arrays(island):
    back = ZoneRaster.from_arrays(island.to_arrays())
    assert (back.x0_m, back.y0_m, back.cell_m) == (island.x0_m, island.y0_m, island.cell_m)
    for name in ("state", "kind", "dist"):
        assert np.array_equal(getattr(back, name), getattr(island, name))


def test_no_land_is_all_high_seas_at_unknown_distance():
    r = build_zone_raster(shapely.Polygon(), (0, 0, 10_000, 10_000), CELL_M, by_half)
    assert (r.kind == ZONE_KINDS.index("high_seas")).all() and (r.state == 0).all()
    assert (r.dist == np.iinfo(np.uint16).max).all()


def test_land_smaller_than_a_cell_between_centres_is_no_land():
    sliver = shapely.box(100.0, 100.0, 200.0, 200.0)  # no cell centre inside
    r = build_zone_raster(sliver, (0, 0, 10_000, 10_000), CELL_M, by_half)
    assert (r.kind == ZONE_KINDS.index("high_seas")).all()


def test_the_dprk_military_zone_is_50_nm_of_a_dprk_coast():
    got = dprk_military_mask(
        np.array([PRK, PRK, KOR, PRK]), np.array([0.0, DPRK_MILITARY_ZONE_NM, 10.0, 50.1])
    )
    assert got.tolist() == [True, True, False, False]


def test_the_bands_are_ordered_and_the_kind_table_names_them():
    assert 0 < TERRITORIAL_NM < CONTIGUOUS_NM < EEZ_NM
    assert ZONE_KINDS == ("land", "territorial", "contiguous", "eez", "high_seas")
    assert EEZ_NM / DIST_UNIT_NM < np.iinfo(np.uint16).max  # the raster holds the EEZ limit
