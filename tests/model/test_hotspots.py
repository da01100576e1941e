"""The hotspot areas as the patrols know them: what counts as loitering there, and second looks."""

from __future__ import annotations

import numpy as np
import shapely

from sim.model.classifier import STOPPED_KN
from sim.model.hotspots import TransferAreas, second_looks
from sim.scenarios.patrols_schema import Sensor
from sim.units import NM_M

AREA = TransferAreas(shapely.box(0.0, 0.0, 10 * NM_M, 10 * NM_M))
INSIDE, OUTSIDE = (5 * NM_M, 5 * NM_M), (20 * NM_M, 5 * NM_M)


def test_a_contact_loiters_only_when_stopped_inside_an_area() -> None:
    slow = (0.9 * STOPPED_KN * NM_M, 0.0)  # m/h
    fast = (0.0, 1.1 * STOPPED_KN * NM_M)
    assert AREA.loitering((0.0, 0.0), INSIDE)
    assert AREA.loitering(slow, INSIDE)
    assert not AREA.loitering(fast, INSIDE)  # under way through the hotspot
    assert not AREA.loitering((0.0, 0.0), OUTSIDE)
    assert not TransferAreas(None).loitering((0.0, 0.0), INSIDE)  # a theater without hotspots


def test_only_unresolved_pairs_with_a_close_look_are_drawn_again() -> None:
    resolved = np.array([True, False, False, False])
    close_q = np.array([0.9, 0.0, 1.0, 0.0])  # only the third gets a close look, a sure one
    rng = np.random.default_rng(5)
    out = second_looks(Sensor(), rng, resolved, close_q)
    assert out.tolist() == [True, False, True, False]
    assert resolved.tolist() == [True, False, False, False]  # the input is not changed
    never = Sensor(investigate_loitering_probability=0.0)
    state = rng.bit_generator.state
    assert second_looks(never, rng, resolved, close_q).tolist() == resolved.tolist()
    assert rng.bit_generator.state == state  # nothing looked at, nothing drawn


def test_the_close_look_is_taken_with_the_sensors_probability() -> None:
    n = 4000
    half = Sensor(investigate_loitering_probability=0.25)
    got = second_looks(half, np.random.default_rng(9), np.zeros(n, bool), np.ones(n))
    assert abs(got.sum() - 0.25 * n) <= 4 * (n * 0.25 * 0.75) ** 0.5
