"""A routing graph over a hand-made archipelago: routes are water, taut and honest.

Built once per module (a few seconds) from two islands and a wall with a gap, in a 200 km
square with no shoreline data, so every property here is checked against exact geometry.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.geo.routing import GraphConfig, build_graph
from sim.geo.routing.tighten import Tightener
from sim.units import NM_M

DOMAIN = shapely.box(-100_000, -100_000, 100_000, 100_000)
LAND = shapely.union_all(
    [
        shapely.box(-40_000, -30_000, -10_000, 30_000),
        shapely.Point(40_000, 20_000).buffer(15_000),
        shapely.box(-5_000, -100_000, 5_000, -50_000),  # a wall from the south edge
    ]
)


@pytest.fixture(scope="module")
def graph():
    return build_graph(LAND, DOMAIN, GraphConfig(raster_cell_m=1000.0))


def water_point(rng: np.random.Generator) -> np.ndarray:
    clear = shapely.buffer(LAND, 3 * NM_M)
    while True:
        p = rng.uniform(-90_000, 90_000, 2)
        if not clear.contains(shapely.Point(p)):
            return p


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_routes_stay_off_land_and_are_no_shorter_than_the_chord(graph, seed):
    rng = np.random.default_rng(seed)
    a, b = water_point(rng), water_point(rng)
    path = graph.shortest(a, b)
    assert path is not None
    line = shapely.LineString(path.xy_m)
    assert not line.intersects(LAND)
    assert path.xy_m[0] == pytest.approx(a) and path.xy_m[-1] == pytest.approx(b)
    assert line.length >= np.hypot(*(b - a)) - 1e-6
    assert path.cost_m == pytest.approx(line.length)  # no preferred waters in this graph


def test_a_clear_line_is_the_route(graph):
    a, b = np.array([-90_000.0, 80_000.0]), np.array([90_000.0, 80_000.0])
    path = graph.shortest(a, b)
    assert len(path.xy_m) == 2 and path.cost_m == pytest.approx(180_000.0)
    assert graph.straight_leg_clear(a, b)


def test_a_route_around_the_wall_goes_through_the_gap_north_of_it(graph):
    a, b = np.array([-60_000.0, -80_000.0]), np.array([60_000.0, -80_000.0])
    assert not graph.straight_leg_clear(a, b)
    path = graph.shortest(a, b)
    line = shapely.LineString(path.xy_m)
    assert not line.intersects(LAND)
    assert path.xy_m[:, 1].max() > -50_000  # it passes north of the wall's end


def test_the_exact_search_agrees_with_the_fast_one(graph):
    rng = np.random.default_rng(4)
    for _ in range(5):
        a, b = water_point(rng), water_point(rng)
        fast, exact = graph.shortest(a, b), graph.shortest_exact(a, b)
        assert exact is not None
        assert not shapely.LineString(exact.xy_m).intersects(LAND)
        # the fast path is tightened, the exact one is not: fast is never much longer
        assert fast.cost_m <= exact.cost_m * 1.01 + 1.0


def test_routes_are_symmetric_in_length(graph):
    rng = np.random.default_rng(9)
    for _ in range(5):
        a, b = water_point(rng), water_point(rng)
        there, back = graph.shortest(a, b).cost_m, graph.shortest(b, a).cost_m
        assert there == pytest.approx(back, rel=0.01)


def test_the_margin_keeps_routes_off_the_coast(graph):
    a, b = np.array([-70_000.0, 0.0]), np.array([70_000.0, 0.0])
    line = shapely.LineString(graph.shortest(a, b).xy_m)
    assert line.distance(LAND) > 0.5 * NM_M


def test_tightening_never_lengthens_and_drops_a_needless_bend():
    obstacle = shapely.box(-10, -10, 10, 10)
    t = Tightener(lambda: obstacle, offset_m=0.1)
    bent = np.array([[-50.0, 30.0], [0.0, 80.0], [50.0, 30.0]])  # a detour nothing forces
    cost = float(np.hypot(*np.diff(bent, axis=0).T).sum())
    out = t.tighten(bent, cost)
    assert len(out.xy_m) == 2 and out.cost_m == pytest.approx(100.0)
    around = np.array([[-50.0, 0.0], [0.0, 60.0], [50.0, 0.0]])  # must pass above the box
    c2 = float(np.hypot(*np.diff(around, axis=0).T).sum())
    tight = t.tighten(around, c2)
    assert tight.cost_m < c2
    assert not shapely.LineString(tight.xy_m).intersects(obstacle)
    assert (tight.xy_m[1:-1, 1] >= 10.0).all()  # the bends sit on the box's top corners


def test_a_polyline_of_two_points_is_already_taut():
    t = Tightener(lambda: shapely.box(0, 0, 1, 1), offset_m=0.1)
    pts = np.array([[5.0, 5.0], [9.0, 5.0]])
    out = t.tighten(pts, 4.0)
    assert out.xy_m.tolist() == pts.tolist() and out.cost_m == 4.0


def test_the_all_pairs_matrices_are_consistent(graph):
    """The cost matrix is symmetric with a zero diagonal, and pred walks reach every finite pair."""
    from sim.geo.routing.query import node_path

    d = graph.dist.astype(float)
    n = len(graph.nodes)
    assert d.shape == (n, n) and np.allclose(np.diag(d), 0.0)
    assert np.allclose(d, d.T, rtol=1e-5, atol=1.0)
    rng = np.random.default_rng(1)
    for u, v in rng.integers(0, n, size=(30, 2)):
        path = node_path(graph.pred, int(u), int(v))
        if not np.isfinite(d[u, v]):
            assert path is None
            continue
        assert path[0] == u and path[-1] == v
        legs = np.hypot(*np.diff(graph.nodes[path], axis=0).T).sum()
        assert legs == pytest.approx(d[u, v], rel=1e-4, abs=1.0)  # float32 matrix


def test_the_graph_serialises_its_node_set_matrices_and_raster(graph):
    arrays = graph.to_arrays()
    assert {"nodes", "prev", "next", "dist", "pred"} <= set(arrays)
    assert arrays["nodes"].shape == graph.nodes.shape and arrays["dist"].dtype == np.float32
