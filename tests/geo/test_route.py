"""What a route is and what a leg costs: lengths, preferred waters, splicing escape legs."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.geo.routing.params import PREFER_FACTOR, GraphConfig, RoutingParams
from sim.geo.routing.route import leg_cost, splice
from sim.units import NM_M

coord = st.floats(-1000.0, 1000.0)
legs = st.lists(st.tuples(coord, coord, coord, coord), min_size=1, max_size=20)


@settings(max_examples=80, deadline=None)
@given(legs)
def test_without_preferences_a_leg_costs_its_length(rows):
    arr = np.array(rows)
    a, b = arr[:, :2], arr[:, 2:]
    assert leg_cost(a, b, None) == pytest.approx(np.hypot(*(b - a).T))


@settings(max_examples=80, deadline=None)
@given(legs)
def test_preferred_waters_discount_only_the_part_inside(rows):
    """Cost lies between PREFER_FACTOR x length (wholly inside) and the length (outside)."""
    arr = np.array(rows)
    a, b = arr[:, :2], arr[:, 2:]
    prefer = shapely.box(-200, -200, 300, 300)
    cost = leg_cost(a, b, prefer)
    length = np.hypot(*(b - a).T)
    assert (cost <= length + 1e-6).all() and (cost >= PREFER_FACTOR * length - 1e-6).all()
    inside = shapely.length(shapely.intersection(shapely.linestrings(np.stack([a, b], 1)), prefer))
    assert cost == pytest.approx(length - (1 - PREFER_FACTOR) * inside, abs=1e-6)


def test_a_leg_wholly_in_preferred_waters_costs_the_prefer_factor():
    a, b = np.array([[0.0, 0.0]]), np.array([[100.0, 0.0]])
    assert leg_cost(a, b, shapely.box(-1, -1, 101, 1)) == pytest.approx([100.0 * PREFER_FACTOR])
    assert leg_cost(a, b, shapely.box(200, 200, 300, 300)) == pytest.approx([100.0])


def test_splice_joins_escape_legs_and_reverses_the_end_one():
    pre = np.array([[0.0, 0.0], [1.0, 0.0]])  # start -> its exit
    mid = np.array([[1.0, 0.0], [5.0, 0.0]])  # exit to exit
    post = np.array([[6.0, 1.0], [5.0, 0.0]])  # end -> its exit
    assert splice(pre, mid, post).tolist() == [[0, 0], [1, 0], [5, 0], [6, 1]]
    assert splice(None, mid, None).tolist() == mid.tolist()
    assert splice(pre, mid, None).tolist() == [[0, 0], [1, 0], [5, 0]]


def test_routing_parameters_are_frozen_and_part_of_the_config():
    p = RoutingParams()
    with pytest.raises(AttributeError):
        p.margin_nm = 2.0  # type: ignore[misc]
    cfg = GraphConfig(params=RoutingParams(fine_offset_nm=0.1))
    assert cfg.offset_m == pytest.approx(0.1 * NM_M)
    assert GraphConfig().store is None and GraphConfig().open_water is None
    assert RoutingParams() == RoutingParams() and hash(RoutingParams()) == hash(RoutingParams())


def test_the_prefer_factor_is_a_discount():
    assert 0 < PREFER_FACTOR < 1
