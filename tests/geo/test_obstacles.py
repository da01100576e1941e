"""Obstacle geometry of a routing variant, graph corners, tangents and exact line of sight."""

from __future__ import annotations

import numpy as np
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sim.geo.routing.obstacles import (
    clear,
    clear_many,
    convex_ring_vertices,
    obstacles,
    tangent,
)
from sim.geo.routing.params import RoutingParams
from sim.units import NM_M


def test_a_squares_corners_are_all_convex():
    v, p, n = convex_ring_vertices(shapely.box(0, 0, 10, 10))
    assert sorted(map(tuple, v.tolist())) == [(0, 0), (0, 10), (10, 0), (10, 10)]
    assert p.shape == n.shape == v.shape


def test_an_l_shape_has_one_reflex_corner_left_out():
    ell = shapely.Polygon([(0, 0), (10, 0), (10, 4), (4, 4), (4, 10), (0, 10)])
    v, _, _ = convex_ring_vertices(ell)
    assert len(v) == 5 and (4.0, 4.0) not in set(map(tuple, v.tolist()))


def test_a_holes_corners_are_reflex_for_the_obstacle_around_it():
    """A path inside a hole never bends around its corners: only the outer four are nodes."""
    ring = shapely.box(0, 0, 30, 30).difference(shapely.box(10, 10, 20, 20))
    v, _, _ = convex_ring_vertices(ring)
    assert sorted(map(tuple, v.tolist())) == [(0, 0), (0, 30), (30, 0), (30, 30)]


def test_no_polygon_no_corners():
    v, p, n = convex_ring_vertices(shapely.Polygon())
    assert v.shape == p.shape == n.shape == (0, 2)


def test_a_line_to_a_corner_is_tangent_only_if_it_stays_outside_there():
    v, p, n = np.array([10.0, 10.0]), np.array([0.0, 10.0]), np.array([10.0, 0.0])
    # the square's top-right corner (neighbours along the top and right sides)
    assert tangent(np.array([20.0, 0.0]), v, p, n)  # grazes the corner from the lower right
    assert not tangent(np.array([20.0, 20.0]), v, p, n)  # would cut into the square


@settings(max_examples=100, deadline=None)
@given(
    st.tuples(st.floats(-50, 50), st.floats(-50, 50)),
    st.lists(st.tuples(st.floats(-50, 50), st.floats(-50, 50)), min_size=1, max_size=10),
)
def test_vectorised_line_of_sight_is_the_single_one(a, bs):
    obstacle = shapely.box(-10, -10, 10, 10)
    a, bs = np.array(a), np.array(bs)
    # a == b counts as clear in both, but each has its own tolerance for "equal" (np.allclose
    # against 1e-6 m): compare them only on segments longer than both tolerances
    bs = bs[np.hypot(*(bs - a).T) > 1e-3]
    assume(len(bs) > 0)
    many = clear_many(a, bs, obstacle)
    assert many.tolist() == [clear(a, b, obstacle) for b in bs]


def test_a_point_sees_itself():
    assert clear(np.array([0.0, 0.0]), np.array([0.0, 0.0]), shapely.box(-1, -1, 1, 1))
    assert clear_many(np.zeros(2), np.zeros((0, 2)), shapely.box(-1, -1, 1, 1)).shape == (0,)


def test_the_blocked_geometry_holds_the_margin_the_outside_and_avoided_waters():
    land = shapely.box(-20_000, -20_000, 20_000, 20_000)
    domain = shapely.box(-100_000, -100_000, 100_000, 100_000)
    avoid = shapely.box(50_000, -5_000, 60_000, 5_000)
    params = RoutingParams()
    o = obstacles(land, domain, params, avoid)
    margin = params.margin_nm * NM_M
    assert o.blocked.contains(shapely.buffer(land, 0.9 * margin))
    assert not o.blocked.contains(shapely.Point(20_000 + 1.5 * margin, 0))
    assert o.blocked.contains(shapely.Point(55_000, 0))  # avoided waters
    assert o.blocked.contains(shapely.Point(150_000, 0))  # outside the domain
    assert o.thin.contains(shapely.Point(20_000 + 0.5 * params.port_clear_nm * NM_M, 0))
    assert not o.thin.contains(shapely.Point(55_000, 0))  # thin is land and outside only
    assert o.land_obstacle.contains(land)


def test_open_water_has_only_the_outside_as_obstacle():
    domain = shapely.box(-1000, -1000, 1000, 1000)
    o = obstacles(shapely.Polygon(), domain, RoutingParams(), None)
    assert o.land_obstacle.is_empty
    assert not o.blocked.intersects(shapely.box(-900, -900, 900, 900))
    assert o.thin.equals(o.blocked)
