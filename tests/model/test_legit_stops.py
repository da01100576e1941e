"""Legitimate ships that loiter or bunker at sea: the stops are laid into their pre-built legs."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model._kernels import delay_by_earlier_stops
from sim.model.legit_stops import add_earlier_stops, add_stops_at_sea, kept_by_start
from sim.model.motion import Track

KN = 1852.0


def shares(loiter: float = 0.0, bunker: float = 0.0) -> SimpleNamespace:
    return SimpleNamespace(
        loiter_share=loiter, loiter_h=(6.0, 6.0), bunker_share=bunker, bunker_h=(5.0, 5.0)
    )


def fleet(n: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Each ship: two voyages north at 12 kn, 10 h each, with a 6 h port call between."""
    legs, ids = [], []
    for i in range(n):
        for t0 in (0.0, 16.0):
            for k in range(2):  # each voyage in two 5 h pieces
                t = t0 + 5.0 * k
                legs.append([t, t + 5.0, 1e5 * i, 12 * KN * 5.0 * k, 0.0, 12 * KN])
                ids.append(i)
    return np.array(legs), np.array(ids, dtype=np.int32)


def track(legs: np.ndarray, ids: np.ndarray, i: int) -> Track:
    tr = Track()
    mine = legs[ids == i]
    tr.set(mine[np.argsort(mine[:, 0])])
    return tr


def test_without_shares_nothing_changes() -> None:
    legs, ids = fleet()
    out, out_ids, dark, stops = add_stops_at_sea(
        legs, ids, np.zeros(3, bool), shares(), np.random.default_rng(0), 100.0, 12.0
    )
    assert len(stops.vessel) == 0 and len(dark) == 3
    assert sorted(map(tuple, out.tolist())) == sorted(map(tuple, legs.tolist()))


def test_a_loitering_voyage_stops_at_sea_and_the_rest_of_its_year_runs_later() -> None:
    legs, ids = fleet()
    out, out_ids, dark, stops = add_stops_at_sea(
        legs, ids, np.zeros(3, bool), shares(loiter=1.0), np.random.default_rng(0), 100.0, 12.0
    )
    assert len(stops.vessel) == 6 and not stops.alongside.any()  # every voyage, no tanker
    assert len(dark) == 3
    for i in range(3):
        tr = track(out, out_ids, i)
        mine = stops.t0_h[stops.vessel == i], stops.t1_h[stops.vessel == i]
        for t0, t1 in zip(*mine, strict=True):
            assert np.isclose(t1 - t0, 6.0)
            assert np.hypot(*tr.velocity((t0 + t1) / 2)) == 0.0  # stopped
        # two stops of 6 h: the ship reaches the end of its second voyage 12 h late
        assert np.isclose(tr.end_h, 26.0 + 12.0)
        # and still sails its whole distance
        sailed = (tr.legs[:, 1] - tr.legs[:, 0]) * np.hypot(tr.legs[:, 4], tr.legs[:, 5])
        assert np.isclose(sailed.sum(), 2 * 10.0 * 12 * KN)


def test_a_bunkering_voyage_brings_a_tanker_alongside() -> None:
    legs, ids = fleet(1)
    out, out_ids, dark, stops = add_stops_at_sea(
        legs, ids, np.zeros(1, bool), shares(bunker=1.0), np.random.default_rng(4), 100.0, 12.0
    )
    assert len(dark) == 3 and not dark.any()  # two tankers, broadcasting
    client, tanker = track(out, out_ids, 0), track(out, out_ids, 1)
    first = (stops.vessel == 0) & (stops.t0_h < 12.0)
    t0, t1 = float(stops.t0_h[first][0]), float(stops.t1_h[first][0])
    mid = (t0 + t1) / 2
    assert np.allclose(client.position(mid), tanker.position(mid))
    assert stops.is_alongside(np.array([0, 1, 0]), np.array([mid, mid, t1 + 1.0])).tolist() == [
        True,
        True,
        False,
    ]
    # the tanker came along the client's own route and leaves the same way
    assert tanker.legs[0, 0] < t0 and tanker.end_h > t1
    assert np.all(out[:, 1] - out[:, 0] <= 12.0 + 1e-9)


def test_alongside_lookup_agrees_with_a_scan_of_every_stop() -> None:
    legs, ids = fleet(6)
    _, _, _, stops = add_stops_at_sea(
        legs, ids, np.zeros(6, bool), shares(0.3, 0.5), np.random.default_rng(9), 100.0, 12.0
    )
    rng = np.random.default_rng(1)
    v = rng.integers(0, 12, 2000)
    t = rng.uniform(-5.0, 80.0, 2000)
    scan = [
        bool(
            np.any(stops.alongside & (stops.vessel == vi) & (stops.t0_h <= ti) & (ti < stops.t1_h))
        )
        for vi, ti in zip(v.tolist(), t.tolist(), strict=True)
    ]
    got = stops.is_alongside(v, t)
    assert got.tolist() == scan and got.any()


def _delays_one_stop_at_a_time(
    base: np.ndarray,
    q_client: np.ndarray,
    q_t: np.ndarray,
    clients: np.ndarray,
    stop_ts: np.ndarray,
    stop_d: list[float],
) -> np.ndarray:
    """The plain rule: every stop adds its duration to its client's later rows, stop by stop."""
    out = np.array(base, dtype=float)
    for c, ts, d in zip(clients.tolist(), stop_ts.tolist(), stop_d, strict=True):
        out[(q_client == c) & (q_t > ts + 1e-9)] += d
    return out


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.floats(0.0, 100.0), st.floats(0.1, 30.0)),
        min_size=1,
        max_size=25,
    ),
    st.lists(st.tuples(st.integers(0, 6), st.floats(-10.0, 200.0)), min_size=1, max_size=60),
)
def test_earlier_stops_delay_rows_exactly_as_one_stop_at_a_time(
    stops: list[tuple[int, float, float]], rows: list[tuple[int, float]]
) -> None:
    """Both fast paths (merged sort; in-place pass) give the plain rule's sums bit for bit.

    A ship's stops are made in time order, so they are drawn sorted per ship here too.
    """
    stops = sorted(stops, key=lambda s: (s[1], s[0]))
    clients = np.array([s[0] for s in stops], dtype=np.int64)
    ts = np.array([s[1] for s in stops])
    d = [s[2] for s in stops]
    q_client = np.array([r[0] for r in rows], dtype=np.int64)
    q_t = np.array([r[1] for r in rows])
    base = np.linspace(0.0, 1.0, len(rows))
    want = _delays_one_stop_at_a_time(base, q_client, q_t, clients, ts, d)
    got = add_earlier_stops(base, q_client, q_t, clients, ts, d)
    assert got.tolist() == want.tolist()
    # the in-place pass over rows in (vessel, start) order, from a zero base
    order = np.lexsort((q_t, q_client))
    legs = np.zeros((len(rows), 6))
    legs[:, 0] = q_t[order]
    legs[:, 1] = q_t[order] + 1.0
    so = np.lexsort((ts + 1e-9, clients))
    delay_by_earlier_stops(legs, q_client[order], clients[so], ts[so] + 1e-9, np.asarray(d)[so])
    zero = _delays_one_stop_at_a_time(np.zeros(len(rows)), q_client, q_t, clients, ts, d)
    assert legs[:, 0].tolist() == (q_t[order] + zero[order]).tolist()
    assert legs[:, 1].tolist() == ((q_t[order] + 1.0) + zero[order]).tolist()


def _kept_by_argsort(t0: np.ndarray, t1: np.ndarray, end_h: float) -> np.ndarray:
    """The plain rule: the kept rows, by a stable argsort of their starts."""
    kept = np.flatnonzero(~((t0 >= end_h) | (t1 <= 0)))
    return kept[np.argsort(t0[kept], kind="stable")]


def _as_before(t0: np.ndarray, t1: np.ndarray, end_h: float) -> np.ndarray:
    """What ``_assemble`` did before: dropped rows sorted last (start +inf), then cut off."""
    drop = (t0 >= end_h) | (t1 <= 0)
    key = np.where(drop, np.inf, t0)
    return np.argsort(key, kind="stable")[: len(key) - int(drop.sum())]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(
                st.sampled_from([0.0, -0.0, 10.0, 24.0, 100.0, np.nan, -np.inf, np.inf]),
                st.floats(-300.0, 500.0),
            ),
            st.floats(-10.0, 40.0),
        ),
        max_size=300,
    ),
    st.sampled_from([100.0, 1.0, 24.0, 0.0, -5.0, np.inf]),
)
def test_kept_by_start_is_the_stable_argsort_of_the_kept_rows(
    rows: list[tuple[float, float]], end_h: float
) -> None:
    t = np.array(rows, dtype=float).reshape(-1, 2)
    t0, t1 = t[:, 0], t0_plus(t)
    got = kept_by_start(t0, t1, end_h)
    assert got.tolist() == _kept_by_argsort(t0, t1, end_h).tolist()
    assert got.dtype == np.int32
    if not np.isnan(t0).any():  # the sort it replaced (which kept a dropped row before NaN)
        assert got.tolist() == _as_before(t0, t1, end_h).tolist()


def t0_plus(t: np.ndarray) -> np.ndarray:
    """Ends: the start plus a duration (NaN or infinite starts give such ends)."""
    return t[:, 0] + t[:, 1]


def test_kept_by_start_on_a_strided_column_over_many_blocks() -> None:
    rng = np.random.default_rng(3)
    table = np.zeros((2000, 6))
    table[:, 0] = np.round(rng.uniform(-50.0, 150.0, 2000), 1)  # many ties
    table[:, 1] = table[:, 0] + rng.uniform(0.0, 12.0, 2000)
    got = kept_by_start(table[:, 0], table[:, 1], 100.0, block_rows=7)
    assert got.tolist() == _as_before(table[:, 0], table[:, 1], 100.0).tolist()


def test_stops_laid_in_the_room_of_the_buffers_equal_those_laid_in_copies() -> None:
    """Traffic hands over legs and ids with room after them: the same rows as from copies."""
    legs, ids = fleet(6)
    room_legs = np.full((len(legs) + 64, 6), np.nan)
    room_legs[: len(legs)] = legs
    room_ids = np.full(len(ids) + 64, -1, dtype=np.int32)
    room_ids[: len(ids)] = ids
    args = (np.zeros(6, bool), shares(0.3, 0.5))
    a = add_stops_at_sea(legs, ids, *args, np.random.default_rng(9), 100.0, 12.0, by_vessel=True)
    b = add_stops_at_sea(
        room_legs[: len(legs)],
        room_ids[: len(ids)],
        *args,
        np.random.default_rng(9),
        100.0,
        12.0,
        reuse_legs=True,
        by_vessel=True,
    )
    assert len(a[3].vessel) and np.shares_memory(b[0], room_legs)
    assert np.shares_memory(b[1], room_ids)
    assert a[0].tolist() == b[0].tolist() and a[1].tolist() == b[1].tolist()
    assert a[2].tolist() == b[2].tolist() and a[3].t0_h.tolist() == b[3].t0_h.tolist()
