"""Which state owns a stretch of coast: an ordered partition, first match wins."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.geo.sovereignty import DEFAULT_STATE, KOREA_PARTITION, STATE_CODES, state_codes_at


def names(lon, lat, partition=KOREA_PARTITION, default="CHN") -> list[str]:
    return [
        STATE_CODES[c] for c in state_codes_at(np.array(lon), np.array(lat), partition, default)
    ]


@pytest.mark.parametrize(
    "lon, lat, state",
    [
        (125.75, 39.03, "PRK"),  # Pyongyang
        (129.0, 35.1, "KOR"),  # Busan
        (124.7, 37.97, "KOR"),  # Baengnyeong, ROK-held although north of the PRK ring's south edge
        (131.9, 43.1, "RUS"),  # Vladivostok
        (121.5, 25.0, "TWN"),  # Taipei
        (139.7, 35.7, "JPN"),  # Tokyo
        (121.5, 31.2, "CHN"),  # Shanghai: in no ring, the theater's default
    ],
)
def test_known_places(lon, lat, state):
    assert names([lon], [lat]) == [state]


def test_the_first_ring_that_contains_a_point_wins():
    a = ("KOR", [(0, 0), (2, 0), (2, 2), (0, 2)])
    b = ("PRK", [(1, 1), (3, 1), (3, 3), (1, 3)])
    assert names([1.5], [1.5], [a, b], "unknown") == ["KOR"]
    assert names([1.5], [1.5], [b, a], "unknown") == ["PRK"]
    assert names([5.0], [5.0], [a, b], "unknown") == ["unknown"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(117, 143), st.floats(21, 46)), min_size=1, max_size=20))
def test_codes_are_the_first_matching_ring_computed_one_point_at_a_time(points):
    lon, lat = (np.array(c) for c in zip(*points, strict=True))
    got = state_codes_at(lon, lat, KOREA_PARTITION, "CHN")
    for (x, y), code in zip(points, got, strict=True):
        want = next(
            (
                s
                for s, ring in KOREA_PARTITION
                if shapely.Polygon(ring).contains(shapely.Point(x, y))
            ),
            "CHN",
        )
        assert STATE_CODES[code] == want


def test_every_partition_state_and_default_has_a_code():
    assert {s for s, _ in KOREA_PARTITION} <= set(STATE_CODES)
    assert set(DEFAULT_STATE.values()) <= set(STATE_CODES)
    assert STATE_CODES[:2] == ("none", "unknown")  # 0 = high seas, the raster's fill value


def test_shapes_are_kept():
    lon = np.full((2, 3), 125.75)
    lat = np.full((2, 3), 39.03)
    out = state_codes_at(lon, lat, KOREA_PARTITION, "CHN")
    assert out.shape == (2, 3) and out.dtype == np.uint8 and (out == STATE_CODES.index("PRK")).all()
