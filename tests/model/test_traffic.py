"""Legitimate traffic: route segments cut into pieces describe the same path; legs stay short."""

from __future__ import annotations

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.motion import Track
from sim.model.traffic import LEGIT_MAX_LEG_H, ShipRows, split_segments


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-5e5, 5e5), st.floats(-5e5, 5e5)), min_size=2, max_size=8),
    st.floats(1_000.0, 400_000.0),
)
def testsplit_segments_keeps_the_path(points: list[tuple[float, float]], max_m: float) -> None:
    pts = np.array(points)
    d = np.diff(pts, axis=0)
    seg = np.hypot(d[:, 0], d[:, 1])
    ok = seg > 1e-6
    if not ok.any():
        return
    starts, unit, piece = split_segments(pts[:-1][ok], d[ok], seg[ok], max_m)
    assert np.all(piece <= max_m * (1 + 1e-9))
    assert np.isclose(piece.sum(), seg[ok].sum())
    ends = starts + unit * piece[:, None]
    line = shapely.LineString(pts)
    assert np.all(shapely.distance(line, shapely.points(np.vstack([starts, ends]))) < 1e-3)
    np.testing.assert_allclose(ends[-1], pts[1:][ok][-1], atol=1e-4)


def test_built_traffic_legs_are_short_and_continuous() -> None:
    from sim.geo import load_theater
    from sim.model.engine import Model, RouteCache
    from sim.scenarios import load_scenario

    sc = load_scenario(
        "scenarios/crackdown_2018.yaml", overrides=["traffic.vessels=40", "duration_days=60"]
    )
    th = load_theater(sc.theater)
    m = Model(sc, th, 4, RouteCache.load(th))
    legs = m.traffic.legit_legs
    assert np.all(legs[:, 1] - legs[:, 0] <= LEGIT_MAX_LEG_H + 1e-9)
    # one ship: each leg starts where the previous ended (or in port)
    tr = m.traffic.legit_track(3).legs
    ends = tr[:-1, 2:4] + tr[:-1, 4:6] * (tr[:-1, 1] - tr[:-1, 0])[:, None]
    same_time = np.isclose(tr[1:, 0], tr[:-1, 1])
    np.testing.assert_allclose(tr[1:, 2:4][same_time], ends[same_time], atol=1e-3)


def test_a_legitimate_position_is_its_tracks_position() -> None:
    """``legit_position`` (a binary search over the ship's rows) equals its track's."""
    from sim.geo import load_theater
    from sim.model.engine import Model, RouteCache
    from sim.scenarios import load_scenario

    sc = load_scenario(
        "scenarios/crackdown_2018.yaml", overrides=["traffic.vessels=30", "duration_days=40"]
    )
    th = load_theater(sc.theater)
    tr = Model(sc, th, 5, RouteCache.load(th)).traffic
    rng = np.random.default_rng(0)
    for i in range(len(tr.legit_dark)):
        track = Track()
        track.set(tr.legit_legs[tr.legit_ids == i])  # its legs, by start (never memoised)
        legs = track.legs
        # a ship's legs end in time order (the binary search's condition)
        assert np.all(np.diff(legs[:, 1]) >= 0)
        ts = np.concatenate([rng.uniform(-30, 1000, 20), legs[:3, 0], legs[-2:, 1]])
        for t in ts.tolist():
            assert tr.legit_position(i, t) == track.position(t)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(0, 6), max_size=400),
    st.sampled_from([1, 3, 64, 1 << 20]),
    st.integers(0, 200_000),
)
def test_ship_rows_give_back_each_ships_rows(ids: list[int], block: int, gap: int) -> None:
    """Packed as steps (long ones apart), each ship's rows are those of the sorted order."""
    n = 8  # ships 7 (and any not drawn) have no rows
    v = np.array(ids, dtype=np.int32)
    order = np.argsort(v, kind="stable") * (1 + gap)  # steps up to ~1,000 x uint16's range
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(v, minlength=n), out=offsets[1:])
    packed = ShipRows(order, offsets, block=block)
    for i in range(n):
        assert packed.rows(i).tolist() == order[offsets[i] : offsets[i + 1]].tolist()
    assert packed.steps.dtype == np.uint16
