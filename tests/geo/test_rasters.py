"""Routing rasters on hand-made obstacles.

Line of sight is never wrongly clear, and the inside raster answers exactly as shapely does.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.geo.routing.obstacles import clear_many
from sim.geo.routing.rasters import (
    ClearanceRaster,
    InsideRaster,
    clearance_raster,
    inside_raster,
    pack2,
)

CELL = 10.0
#: two islands and a thin spit in a 1 km square
OBSTACLE = shapely.union_all(
    [
        shapely.box(200, 200, 400, 450),
        shapely.Point(700, 650).buffer(120),
        shapely.box(100, 800, 900, 815),
    ]
)
BOUNDS = (0.0, 0.0, 1000.0, 1000.0)


@pytest.fixture(scope="module")
def los() -> ClearanceRaster:
    return clearance_raster(OBSTACLE, BOUNDS, CELL)


@pytest.fixture(scope="module")
def ins() -> InsideRaster:
    return inside_raster(OBSTACLE, CELL)


xy = st.tuples(st.floats(0, 1000), st.floats(0, 1000))


@settings(max_examples=60, deadline=None)
@given(xy, st.lists(xy, min_size=1, max_size=20))
def test_a_segment_the_raster_calls_visible_misses_the_obstacle(los, p, qs):
    p, q = np.array(p), np.array(qs)
    vis = los.visible(p, q)
    exact = clear_many(p, q, OBSTACLE)
    assert not (vis & ~exact).any()  # no false "visible"


@settings(max_examples=100, deadline=None)
@given(xy, st.lists(xy, min_size=1, max_size=20))
def test_a_segment_called_surely_blocked_hits_the_obstacle(los, p, qs):
    p, q = np.array(p), np.array(qs)
    vis, blocked = los.visible_or_blocked(p, q)
    exact = clear_many(p, q, OBSTACLE)
    assert not (blocked & exact).any() and not (vis & blocked).any()


def test_far_from_the_obstacle_the_raster_sees_what_is_there(los):
    p = np.array([50.0, 50.0])
    q = np.array([[950.0, 50.0], [50.0, 700.0], [950.0, 150.0]])
    assert los.visible(p, q).tolist() == [True, True, True]
    assert los.visible(p, np.array([[300.0, 300.0]])).tolist() == [False]  # inside an island


@settings(max_examples=100, deadline=None)
@given(st.lists(xy, min_size=1, max_size=50))
def test_free_cells_are_clear_of_the_obstacle(los, pts):
    pts = np.array(pts)
    free = los.free(pts)
    d = shapely.distance(OBSTACLE, shapely.points(pts))
    assert (d[free] > 0).all()


def test_points_outside_the_raster_are_not_free(los):
    assert los.free(np.array([[-500.0, 0.0], [5000.0, 5000.0]])).tolist() == [False, False]


def test_the_clearance_raster_survives_its_cache_arrays(los):
    back = ClearanceRaster.from_arrays(los.to_arrays())
    assert (back.x0, back.y0, back.cell) == (los.x0, los.y0, los.cell)
    assert np.array_equal(back.clear, los.clear)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-100, 1100), st.floats(-100, 1100)), min_size=1, max_size=50))
def test_the_inside_raster_answers_exactly_as_shapely(ins, pts):
    pts = np.array(pts)
    got = ins.contains_xy(OBSTACLE, pts[:, 0], pts[:, 1])
    assert got.tolist() == shapely.contains_xy(OBSTACLE, pts[:, 0], pts[:, 1]).tolist()


def test_the_inside_raster_survives_its_cache_arrays(ins):
    back = InsideRaster.from_arrays(ins.to_arrays("land"), "land")
    assert (back.nx, back.ny) == (ins.nx, ins.ny) and np.array_equal(back.packed, ins.packed)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 20), st.integers(1, 23), st.integers(0, 2**32 - 1))
def test_packing_four_codes_to_a_byte_loses_nothing(ny, nx, seed):
    code = np.random.default_rng(seed).integers(0, 4, size=(ny, nx)).astype(np.uint8)
    r = InsideRaster(0.0, 0.0, 1.0, code)
    assert r.packed.shape == (ny, -(-nx // 4))
    iy, ix = np.meshgrid(np.arange(ny), np.arange(nx), indexing="ij")
    assert np.array_equal(r.codes(iy.ravel(), ix.ravel()).reshape(ny, nx), code)
    assert np.array_equal(pack2(code), r.packed)
