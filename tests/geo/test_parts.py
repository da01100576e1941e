"""The theater's parts on their own, and the routing package's small structures.

Frame, ZoneMap, Gazetteer and Seaway are built over an open-water frame (no shoreline data).
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import UserError
from sim.geo.frame import Frame, inscribed_box, sample_points_in_polygon
from sim.geo.gazetteer import Gazetteer
from sim.geo.routing import GraphConfig, build_graph
from sim.geo.routing.escape import EscapeCache, EscapeTree
from sim.geo.routing.query import QueryOutcome, node_path
from sim.geo.routing.rasters import boundary_components
from sim.geo.routing.route import leg_cost, splice
from sim.geo.seaway import Seaway
from sim.geo.zonemap import ZoneMap
from sim.units import NM_M

HALF_NM = 100.0


@pytest.fixture(scope="module")
def frame() -> Frame:
    return Frame("open_water", (124.0, 29.0, 126.0, 31.0), open_water_half_side_nm=HALF_NM)


def test_open_water_frame_is_all_water_and_round_trips_coordinates(frame):
    h = HALF_NM * NM_M
    assert frame.land_xy.is_empty and frame.water_area_nm2 == pytest.approx((2 * HALF_NM) ** 2)
    assert frame.is_water_xy(0.0, 0.0) and not frame.is_water_xy(1.01 * h, 0.0)
    lon, lat = frame.to_lonlat(*frame.to_xy(125.3, 30.2))
    assert (float(lon), float(lat)) == pytest.approx((125.3, 30.2), abs=1e-9)
    assert frame.snap_to_water_xy(10.0, 20.0) == (10.0, 20.0, 0.0)  # already clear: unchanged


def test_snapping_a_point_far_outside_the_water_is_a_located_user_error(frame):
    with pytest.raises(UserError, match="probe"):
        frame.snap_to_water_xy(10 * HALF_NM * NM_M, 0.0, max_nm=5.0, label="probe")


def test_zone_map_alone_sees_only_high_seas_and_no_coast(frame):
    zones = ZoneMap(frame)
    s, k = zones.zone_at_xy(np.array([0.0, 1000.0]), np.array([0.0, -5000.0]))
    assert (s == 0).all()  # "none": the high seas
    ok = zones.segments_off_coast_xy(np.zeros((1, 2)), np.array([[50_000.0, 0.0]]), min_nm=0.0)
    assert ok.tolist() == [True]
    with pytest.raises(UserError, match="Did you mean 'territorial'"):
        zones.zone_geometry("PRK", "territorail")


def test_gazetteer_of_open_water_has_no_places_and_names_unknown_ones(frame):
    g = Gazetteer(frame)
    assert len(g.places) == 0 and len(g.areas) == 0
    with pytest.raises(UserError, match="unknown place 'Nampo'"):
        g.place("Nampo")


def test_seaway_alone_routes_straight_across_open_water(frame):
    sea = Seaway(frame, ZoneMap(frame), Gazetteer(frame).place)
    r = sea.route_xy((-50_000.0, 0.0), (50_000.0, 30_000.0))
    assert len(r.xy_m) == 2
    assert r.length_nm == pytest.approx(np.hypot(100_000.0, 30_000.0) / NM_M)
    assert r.cost_nm == pytest.approx(r.length_nm)
    with pytest.raises(UserError, match="unknown state"):
        sea.graph((("XXX", "territorial"),), ())


def test_a_graph_routes_around_an_island_and_keeps_the_margin():
    domain = shapely.box(-100_000, -100_000, 100_000, 100_000)
    island = shapely.box(-20_000, -20_000, 20_000, 20_000)
    g = build_graph(island, domain, GraphConfig(raster_cell_m=1000.0))
    a, b = np.array([-60_000.0, 0.0]), np.array([60_000.0, 0.0])
    path = g.shortest(a, b)
    assert path is not None
    line = shapely.LineString(path.xy_m)
    assert not line.intersects(shapely.buffer(island, 0.7 * NM_M))  # the 1 nm margin, simplified
    assert 120_000 < line.length < 140_000 and path.cost_m == pytest.approx(line.length)


def test_boundary_components_tell_inside_from_outside():
    ring = shapely.Point(0, 0).buffer(50.0).difference(shapely.Point(0, 0).buffer(20.0))
    comp = boundary_components(ring, ring.bounds, 2.0)
    cy, cx = np.array(comp.label.shape) // 2  # the hole's centre
    assert not comp.inside[comp.label[cy, cx]]  # the hole is outside the ring
    assert comp.mark.any() and not comp.inside[0]


def test_escape_cache_evicts_least_recently_used_within_its_byte_budget():
    def tree(n: int) -> EscapeTree:
        z = np.zeros(n, np.int32)
        return EscapeTree(np.zeros(n), np.zeros(n), z, np.zeros(n), z, 0, True)

    one = tree(100).nbytes
    cache = EscapeCache(max_bytes=2 * one)
    cache.put((0.0, 0.0, False), tree(100))
    cache.put((1.0, 0.0, False), tree(100))
    assert cache.get((0.0, 0.0, False)) is not None  # now the most recently used
    cache.put((2.0, 0.0, False), tree(100))
    assert list(cache) == [(0.0, 0.0, False), (2.0, 0.0, False)]
    assert cache.nbytes == 2 * one


def test_node_path_walks_predecessors_and_reports_unreachable():
    pred = np.array([[-9999, 0, 1], [1, -9999, 1], [-9999, -9999, -9999]])
    assert node_path(pred, 0, 2) == [0, 1, 2]
    assert node_path(pred, 2, 0) is None
    assert QueryOutcome.BLIND is not QueryOutcome.NO_PATH


def test_splice_joins_escape_legs_with_each_exit_once():
    pre = np.array([[0.0, 0.0], [1.0, 0.0]])
    mid = np.array([[1.0, 0.0], [5.0, 0.0]])
    post = np.array([[6.0, 0.0], [5.0, 0.0]])  # end -> its exit
    assert splice(pre, mid, post).tolist() == [[0, 0], [1, 0], [5, 0], [6, 0]]
    assert splice(None, mid, None).tolist() == mid.tolist()


def test_leg_cost_discounts_only_the_part_inside_preferred_waters():
    pref = shapely.box(0, -1, 50, 1)
    c = leg_cost(np.array([[0.0, 0.0]]), np.array([[100.0, 0.0]]), pref)
    assert c[0] == pytest.approx(100.0 - 0.4 * 50.0)
    assert leg_cost(np.array([[0.0, 0.0]]), np.array([[3.0, 4.0]]), None)[0] == 5.0


def test_inscribed_box_fits_and_sampling_stays_inside():
    poly = shapely.Point(0, 0).buffer(10.0)
    x0, y0, x1, y1 = inscribed_box(poly)
    assert shapely.contains(poly, shapely.box(x0, y0, x1, y1))
    pts = sample_points_in_polygon(poly, 200, np.random.default_rng(1))
    assert pts.shape == (200, 2) and shapely.contains_xy(poly, pts[:, 0], pts[:, 1]).all()


def _tree(n: int) -> EscapeTree:
    z = np.zeros(n, np.int32)
    return EscapeTree(np.zeros(n), np.zeros(n), z, np.zeros(n), z, 0, True)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 6),
    st.lists(st.tuples(st.booleans(), st.integers(0, 7), st.integers(1, 300)), max_size=40),
)
def test_escape_cache_behaves_as_a_byte_bounded_lru(budget_trees, ops):
    """Against a plain reference: any puts and gets leave the same keys, in the same order."""
    unit = _tree(100).nbytes
    cache = EscapeCache(max_bytes=budget_trees * unit)
    ref: dict[tuple[float, float, bool], int] = {}  # key -> bytes, oldest first
    for is_put, k, n in ops:
        key = (float(k), 0.0, False)
        if is_put:
            size = _tree(n).nbytes
            ref.pop(key, None)  # a key stored again frees its old tree first
            while ref and sum(ref.values()) + size > cache.max_bytes:
                ref.pop(next(iter(ref)))
            ref[key] = size
            cache.put(key, _tree(n))
        else:
            hit = cache.get(key)
            assert (hit is not None) == (key in ref)
            if key in ref:
                ref[key] = ref.pop(key)
        assert list(cache) == list(ref)
        assert cache.nbytes == sum(ref.values())
        # within budget, unless a single tree is larger than the whole budget
        assert cache.nbytes <= cache.max_bytes or len(cache) == 1
