"""Line of sight from a query's endpoints to graph nodes (sim.geo.routing.query).

What the raster proves and what is tested exactly must together be exact line of sight; and
one query's findings never leak into the next.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.geo.routing import GraphConfig, build_graph
from sim.geo.routing.obstacles import clear_many
from sim.geo.routing.query import UNTESTED, VISIBLE, GraphSearch, QueryOutcome
from sim.units import NM_M

DOMAIN = shapely.box(-80_000, -80_000, 80_000, 80_000)
LAND = shapely.union_all(
    [shapely.box(-30_000, -20_000, -5_000, 20_000), shapely.Point(35_000, 10_000).buffer(12_000)]
)


@pytest.fixture(scope="module")
def graph():
    return build_graph(LAND, DOMAIN, GraphConfig(raster_cell_m=1000.0))


def open_point(rng: np.random.Generator) -> np.ndarray:
    clear = shapely.buffer(LAND, 4 * NM_M)
    while True:
        p = rng.uniform(-75_000, 75_000, 2)
        if not clear.contains(shapely.Point(p)):
            return p


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_tested_candidates_are_visible_exactly_when_the_leg_clears_the_obstacle(graph, seed):
    p = open_point(np.random.default_rng(seed))
    search = GraphSearch(graph)
    search.begin()
    st_ = search.prep(p)
    assert (st_.state == UNTESTED).all()  # nothing is known before it is tested
    assert st_.leg == pytest.approx(np.hypot(*(graph.nodes[st_.cand] - p).T))
    search.test(st_, np.arange(len(st_.cand)), exact=True)
    truth = clear_many(p, graph.nodes[st_.cand], graph.blocked)
    assert ((st_.state == VISIBLE) == truth).all()
    nodes, legs = st_.visible_nodes()
    assert nodes.tolist() == st_.cand[truth].tolist() and legs == pytest.approx(st_.leg[truth])


def test_a_new_query_forgets_what_the_last_one_found(graph):
    """Answers must not depend on the order of queries: visibility is per query."""
    p = np.array([-60_000.0, 60_000.0])
    search = GraphSearch(graph)
    search.begin()
    first = search.prep(p)
    search.test(first, np.arange(len(first.cand)), exact=True)
    assert (first.state == VISIBLE).any()
    search.begin()
    again = search.prep(p)
    assert (again.state == UNTESTED).all() and again.cand.tolist() == first.cand.tolist()


def test_a_fast_query_between_open_points_finds_a_path_and_sees_nodes(graph):
    a, b = np.array([-60_000.0, 0.0]), np.array([70_000.0, 10_000.0])
    search = GraphSearch(graph)
    search.begin()
    res = search.fast(a, b)
    assert res.outcome is QueryOutcome.FOUND and res.found and res.path is not None
    assert search.sees_node(a) and search.sees_node(b)
    line = shapely.LineString(res.path.xy_m)
    assert not line.intersects(LAND) and res.path.cost_m >= np.hypot(*(b - a)) - 1e-6


def test_nodes_in_free_raster_cells_are_clear_of_the_obstacle(graph):
    free = graph.node_free
    assert free.shape == (len(graph.nodes),) and free.any()
    x, y = graph.nodes[free].T
    assert not shapely.contains_xy(graph.blocked, x, y).any()
    assert graph.line_of_sight.free(graph.nodes).tolist() == free.tolist()
