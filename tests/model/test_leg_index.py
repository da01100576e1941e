"""The leg index returns exactly the rows of the scan (``_kernels.legs_near_box``), in order."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model import _kernels, sensing
from sim.model.leg_index import LegIndex

KM = 1000.0


def random_legs(rng: np.random.Generator, n: int, span_m: float = 800 * KM) -> np.ndarray:
    """Start-sorted legs like the traffic's: stops, short and long legs, a few odd ones."""
    t0 = np.sort(rng.uniform(-20.0, 200.0, n))
    dur = rng.choice([0.5, 3.0, 12.0, 40.0], n) * rng.uniform(0.0, 1.0, n)
    speed = rng.choice([0.0, 5 * KM, 25 * KM, 200 * KM], n)
    ang = rng.uniform(0, 2 * math.pi, n)
    x0, y0 = rng.uniform(-span_m, span_m, n), rng.uniform(-span_m, span_m, n)
    return np.column_stack([t0, t0 + dur, x0, y0, speed * np.cos(ang), speed * np.sin(ang)])


def scan(legs: np.ndarray, lo: int, hi: int, now: float, box: tuple, r: float) -> np.ndarray:
    x0, y0, x1, y1 = box
    return _kernels.legs_near_box(legs, lo, hi, now, x0, y0, x1, y1, r)


def queries(rng: np.random.Generator, n_legs: int, k: int) -> list[tuple]:
    out = []
    for now in np.sort(rng.uniform(-30.0, 220.0, k)):
        lo = int(rng.integers(0, n_legs + 1))
        hi = int(rng.integers(lo, n_legs + 1))
        cx, cy = rng.uniform(-900 * KM, 900 * KM, 2)
        w, h = rng.exponential(150 * KM, 2)
        out.append((lo, hi, float(now), (cx, cy, cx + w, cy + h), float(rng.uniform(0, 80 * KM))))
    return out


@pytest.mark.parametrize(
    ("chunk_rows", "cell_m", "levels"), [(64, 25 * KM, 8), (1000, 5 * KM, 3), (7, 100 * KM, 1)]
)
def test_same_rows_as_the_scan(chunk_rows: int, cell_m: float, levels: int) -> None:
    rng = np.random.default_rng(1)
    legs = random_legs(rng, 3000)
    ids = rng.integers(0, 50, len(legs)).astype(np.int32)
    index = LegIndex(legs, ids, chunk_rows=chunk_rows, cell_m=cell_m, levels=levels)
    qs = queries(rng, len(legs), 300)
    # the windows of the referee move forward (dropped chunks), these jump back and forth too
    for lo, hi, now, box, r in qs + qs[::-1]:
        got = index.near_box(lo, hi, now, box, r)
        assert got.dtype == np.int64
        assert np.array_equal(got, scan(legs, lo, hi, now, box, r))


def test_odd_legs_and_boxes() -> None:
    """Non-finite legs, legs larger than the top level, a box outside the grid or not finite."""
    rng = np.random.default_rng(2)
    legs = random_legs(rng, 400)
    legs[5, 4] = np.inf  # an infinite end: overflow bucket, never kept by the scan
    legs[9, 2] = np.nan
    legs[11, 1] = np.inf  # never ends, standing still
    legs[11, 4:] = 0.0
    legs[13, 4] = 1e6  # a leg far larger than the top level
    legs[17, 2:4] = 1e9  # far outside every other leg
    ids = np.arange(len(legs), dtype=np.int32)
    index = LegIndex(legs, ids, chunk_rows=50, cell_m=10 * KM, levels=4)
    boxes = [
        (-1e12, -1e12, 1e12, 1e12),
        (5e9, 5e9, 6e9, 6e9),
        (-np.inf, 0.0, 0.0, 1.0),
        (np.nan, 0.0, 1.0, 1.0),
        (0.0, 0.0, 0.0, 0.0),
        (1e9, 1e9, 1e9, 1e9),
    ]
    for box in boxes:
        for lo, hi, now in [(0, 400, -100.0), (3, 390, 50.0), (100, 100, 0.0), (0, 400, math.inf)]:
            got = index.near_box(lo, hi, now, box, 1 * KM)
            assert np.array_equal(got, scan(legs, lo, hi, now, box, 1 * KM)), (box, lo, hi, now)


def test_no_legs_and_bad_parameters() -> None:
    index = LegIndex(np.zeros((0, 6)), np.zeros(0, dtype=np.int32))
    assert len(index.near_box(0, 0, 0.0, (0.0, 0.0, 1.0, 1.0), 1.0)) == 0
    with pytest.raises(ValueError):
        LegIndex(np.zeros((2, 6)), np.zeros(1, dtype=np.int32))
    with pytest.raises(ValueError):
        LegIndex(np.zeros((2, 6)), np.zeros(2, dtype=np.int32), cell_m=0.0)


def test_chunks_before_the_window_are_dropped() -> None:
    rng = np.random.default_rng(3)
    legs = random_legs(rng, 1000)
    index = LegIndex(legs, np.zeros(len(legs), dtype=np.int32), chunk_rows=100)
    box = (-1e7, -1e7, 1e7, 1e7)
    index.near_box(0, 1000, 0.0, box, 0.0)
    assert index.built == 10
    index.near_box(650, 700, 0.0, box, 0.0)
    assert index.built == 10 and len(index._chunks) == 4  # chunks 6..9 are kept


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(0, 300),
    chunk_rows=st.integers(1, 400),
    cell_km=st.floats(0.5, 500.0),
    levels=st.integers(1, 9),
)
def test_property_same_rows(
    seed: int, n: int, chunk_rows: int, cell_km: float, levels: int
) -> None:
    rng = np.random.default_rng(seed)
    legs = random_legs(rng, n, span_m=float(rng.choice([1 * KM, 100 * KM, 3000 * KM])))
    index = LegIndex(legs, np.zeros(n, dtype=np.int32), chunk_rows, cell_km * KM, levels)
    for lo, hi, now, box, r in queries(rng, n, 20):
        assert np.array_equal(index.near_box(lo, hi, now, box, r), scan(legs, lo, hi, now, box, r))


@pytest.mark.parametrize("law", ["cookie_cutter", "inverse_cube"])
def test_detections_identical_to_the_scan(law: str) -> None:
    """The referee's detections through the index: the same ids, times and draws."""
    rng = np.random.default_rng(4)
    legs = random_legs(rng, 4000, span_m=300 * KM)
    ids = rng.integers(0, 200, len(legs)).astype(np.int32)
    index = LegIndex(legs, ids, chunk_rows=500, cell_m=20 * KM)
    for k in range(40):
        t0 = float(rng.uniform(0.0, 180.0))
        n_legs = int(rng.integers(1, 6))
        ts = np.sort(rng.uniform(t0, t0 + 30.0, n_legs + 1))
        sensor = np.column_stack(
            [
                ts[:-1],
                ts[1:],
                rng.uniform(-300 * KM, 300 * KM, n_legs),
                rng.uniform(-300 * KM, 300 * KM, n_legs),
                rng.uniform(-40 * KM, 40 * KM, n_legs),
                rng.uniform(-40 * KM, 40 * KM, n_legs),
            ]
        )
        if k % 7 == 6:
            sensor = sensor[::-1].copy()  # not in time order: the scan's path
        ex = sensor[:, 2:4] + sensor[:, 4:6] * (sensor[:, 1:2] - sensor[:, 0:1])
        xs, ys = np.r_[sensor[:, 2], ex[:, 0]], np.r_[sensor[:, 3], ex[:, 1]]
        box = (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))
        lo = int(np.searchsorted(legs[:, 0], t0 - 40.0))
        hi = int(np.searchsorted(legs[:, 0], float(sensor[:, 1].max()), side="right"))
        kw: dict[str, Any] = dict(
            law=law,
            range_m=30 * KM,
            sweep_width_m=40 * KM,
            reference_speed_m_h=20 * KM,
            t_min_h=t0,
        )
        r1, r2 = np.random.default_rng(k), np.random.default_rng(k)
        want = sensing.first_detections_near_box(sensor, legs, ids, (lo, hi), box, rng=r1, **kw)
        got = sensing.first_detections_indexed(sensor, index, (lo, hi), box, rng=r2, **kw)
        assert np.array_equal(want[0], got[0])
        assert np.array_equal(want[1], got[1])
        assert r1.random() == r2.random()  # the same draws were taken
