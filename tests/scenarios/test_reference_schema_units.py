"""Places, areas and reference targets declared in a scenario (``sim.scenarios.reference_schema``).

Coordinates are degrees within the globe; an area is a ring of at least three vertices; a
reference target is a fixed point, or a track whose end time sets its speed.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sim.scenarios.reference_schema import AreaSpec, PlaceSpec, ReferenceTarget


def test_a_place_is_a_port_of_no_state_unless_told():
    p = PlaceSpec(name="Nakhodka", lon=132.9, lat=42.8)
    assert (p.kind, p.state) == ("port", "")
    assert PlaceSpec(name="Kadena", lon=127.8, lat=26.4, kind="air_base").kind == "air_base"


@pytest.mark.parametrize(("lon", "lat"), [(180.1, 0.0), (-180.1, 0.0), (0.0, 90.1), (0.0, -90.1)])
def test_a_place_off_the_globe_is_refused(lon, lat):
    with pytest.raises(ValidationError):
        PlaceSpec(name="nowhere", lon=lon, lat=lat)


def test_a_place_kind_outside_the_four_is_refused():
    with pytest.raises(ValidationError, match="kind"):
        PlaceSpec(name="x", lon=0, lat=0, kind="lighthouse")  # type: ignore[arg-type]


def test_an_area_needs_three_vertices():
    tri = ((124.0, 33.0), (125.0, 33.0), (124.5, 34.0))
    a = AreaSpec(name="box", polygon=tri)
    assert a.polygon == tri and a.kind == "patrol"
    with pytest.raises(ValidationError, match="polygon"):
        AreaSpec(name="line", polygon=tri[:2])


def test_an_area_vertex_off_the_globe_is_refused():
    with pytest.raises(ValidationError):
        AreaSpec(name="box", polygon=((0.0, 0.0), (1.0, 0.0), (0.0, 95.0)))


def test_a_fixed_point_needs_no_times():
    t = ReferenceTarget(name="buoy", start=(125.0, 33.0))
    assert (t.end, t.from_h, t.until_h) == (None, 0.0, None)


def test_a_track_needs_an_end_time_to_set_its_speed():
    with pytest.raises(ValidationError, match="until_h for a track"):
        ReferenceTarget(name="t", start=(125.0, 33.0), end=(126.0, 33.0))
    t = ReferenceTarget(name="t", start=(125.0, 33.0), end=(126.0, 33.0), until_h=10.0)
    assert t.end == (126.0, 33.0) and t.until_h == 10.0


@settings(max_examples=80, deadline=None)
@given(st.floats(0, 100), st.floats(0.001, 100))
def test_a_window_is_valid_exactly_when_it_ends_after_it_begins(from_h, until_h):
    if until_h > from_h:
        t = ReferenceTarget(name="t", start=(0.0, 0.0), from_h=from_h, until_h=until_h)
        assert (t.from_h, t.until_h) == (from_h, until_h)
    else:
        with pytest.raises(ValidationError, match="until_h after from_h"):
            ReferenceTarget(name="t", start=(0.0, 0.0), from_h=from_h, until_h=until_h)


def test_a_target_cannot_appear_before_the_run_or_vanish_at_its_start():
    with pytest.raises(ValidationError, match="from_h"):
        ReferenceTarget(name="t", start=(0.0, 0.0), from_h=-1.0)
    with pytest.raises(ValidationError, match="until_h"):
        ReferenceTarget(name="t", start=(0.0, 0.0), until_h=0.0)


def test_reference_parts_refuse_unknown_keys():
    with pytest.raises(ValidationError, match="extra"):
        ReferenceTarget(name="t", start=(0.0, 0.0), speed_kn=10.0)  # type: ignore[call-arg]
