"""Narrows nodes and the exact fallback search of a routing graph, on hand-made land.

Narrows nodes exist only where two obstacle polygons are closer than ``fine_gap_nm`` and face
each other; the exact search finds the same kind of path as the fast one, checked exactly.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.geo.routing import GraphConfig, build_graph
from sim.geo.routing.exact import exact_search
from sim.geo.routing.obstacles import fine_vertices
from sim.geo.routing.params import RoutingParams
from sim.units import NM_M

PARAMS = RoutingParams()
KM = 1000.0


def two_boxes(gap_nm: float) -> shapely.MultiPolygon:
    """Two 20 km squares side by side, ``gap_nm`` apart along x."""
    gap = gap_nm * NM_M
    return shapely.union_all(
        [
            shapely.box(-20 * KM - gap / 2, -10 * KM, -gap / 2, 10 * KM),
            shapely.box(gap / 2, -10 * KM, 20 * KM + gap / 2, 10 * KM),
        ]
    )


def test_no_obstacle_no_narrows_nodes():
    v, p, n, keep = fine_vertices(shapely.Polygon(), PARAMS)
    assert v.shape == (0, 2) and keep.shape == (0,)


def test_a_lone_island_has_corners_but_no_narrows_nodes():
    v, _, _, keep = fine_vertices(shapely.box(0, 0, 20 * KM, 20 * KM), PARAMS)
    assert len(v) == 4 and not keep.any()


@pytest.mark.parametrize("gap_nm", [0.5, 2.0, 3.5])
def test_a_narrow_gap_gets_nodes_on_the_corners_facing_it(gap_nm):
    v, p, n, keep = fine_vertices(two_boxes(gap_nm), PARAMS)
    assert len(v) == 8 and keep.sum() == 4  # the four corners at the gap, none behind
    off = PARAMS.fine_offset_nm * NM_M
    assert np.abs(v[keep, 0]) == pytest.approx(np.full(4, gap_nm * NM_M / 2 - off), rel=1e-6)
    assert np.abs(v[~keep, 0]).min() > 19 * KM
    # offset outwards, off the land itself
    assert not shapely.contains_xy(two_boxes(gap_nm), v[:, 0], v[:, 1]).any()


@pytest.mark.parametrize("gap_nm", [4.5, 10.0])
def test_a_wide_gap_gets_no_narrows_nodes(gap_nm):
    _, _, _, keep = fine_vertices(two_boxes(gap_nm), PARAMS)
    assert not keep.any()


@pytest.fixture(scope="module")
def strait():
    """Two islands with a 3.5 nm strait between them (1.5 nm clear of the 1 nm margins)."""
    land = two_boxes(3.5)
    return land, build_graph(land, shapely.box(-60 * KM, -60 * KM, 60 * KM, 60 * KM), GraphConfig())


def test_the_exact_search_of_a_clear_line_is_the_line(strait):
    _, g = strait
    a, b = np.array([-50 * KM, 40 * KM]), np.array([50 * KM, 40 * KM])
    path = exact_search(g, a, b, None)
    assert path is not None and len(path.xy_m) == 2
    assert path.cost_m == pytest.approx(100 * KM)


@settings(max_examples=15, deadline=None)
@given(st.floats(-3, 3), st.floats(-3, 3))
def test_the_exact_search_goes_through_the_strait_and_stays_off_land(strait, xa, xb):
    """South of the islands to north of them: through the strait between them, not round."""
    land, g = strait
    a, b = np.array([xa * KM, -45 * KM]), np.array([xb * KM, 45 * KM])
    path = exact_search(g, a, b, None)
    assert path is not None
    line = shapely.LineString(path.xy_m)
    assert not line.intersects(land)
    assert path.xy_m[0] == pytest.approx(a) and path.xy_m[-1] == pytest.approx(b)
    assert path.cost_m == pytest.approx(line.length, rel=1e-6)
    assert line.length >= np.hypot(*(b - a)) - 1e-6
    x_at_islands = np.interp(0.0, path.xy_m[:, 1], path.xy_m[:, 0])
    assert abs(x_at_islands) < 3.5 * NM_M / 2  # between the islands
    fast = g.shortest(a, b)
    assert fast is not None and fast.cost_m <= path.cost_m * 1.01 + 1.0


def test_a_strait_narrower_than_the_margins_is_closed_and_the_route_goes_round():
    land = two_boxes(1.5)  # 1.5 nm < 2 x 1 nm margin
    g = build_graph(land, shapely.box(-60 * KM, -60 * KM, 60 * KM, 60 * KM), GraphConfig())
    path = exact_search(g, np.array([0.0, -45 * KM]), np.array([0.0, 45 * KM]), None)
    assert path is not None and not shapely.LineString(path.xy_m).intersects(land)
    x_at_islands = np.interp(0.0, path.xy_m[:, 1], path.xy_m[:, 0])
    assert abs(x_at_islands) > 20 * KM + PARAMS.margin_nm * NM_M  # round an end of the islands
