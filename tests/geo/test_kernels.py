"""The compiled geometry kernels on hand-made rasters and obstacles.

``tight_chain`` replaces a bend by the taut chain around obstacle edges, ``segments_off_coast``
samples segments on a distance raster, and ``march`` walks segments over clearance codes;
each is compared here with a plain-Python reading of its docstring.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.geo import _kernels

NO_EDGES = np.zeros((0, 2, 2))


def edges(*pairs: tuple[tuple[float, float], tuple[float, float]]) -> np.ndarray:
    return np.array(pairs, dtype=float).reshape(-1, 2, 2)


def test_a_bend_with_nothing_under_it_is_replaced_by_the_straight_chord():
    status, chain = _kernels.tight_chain(0.0, 0.0, 5.0, 5.0, 10.0, 0.0, NO_EDGES, 0.01)
    assert status == 1 and chain.shape == (0, 2)  # shorter: go straight, if p sees q


def test_collinear_points_are_reported_as_such():
    status, chain = _kernels.tight_chain(0.0, 0.0, 5.0, 0.0, 10.0, 0.0, NO_EDGES, 0.01)
    assert status == 2 and chain.shape == (0, 2)


def test_a_degenerate_chord_keeps_the_bend():
    assert _kernels.tight_chain(1.0, 1.0, 5.0, 5.0, 1.0, 1.0, NO_EDGES, 0.01)[0] == 0


def test_the_chain_wraps_an_obstacle_corner_pushed_out_by_eps():
    """A wall from (5, 0) up to (5, 2) under the bend (0, 0) - (5, 5) - (10, 0)."""
    eps = 0.01
    status, chain = _kernels.tight_chain(
        0.0, 0.0, 5.0, 5.0, 10.0, 0.0, edges(((5.0, -1.0), (5.0, 2.0))), eps
    )
    assert status == 1 and chain.shape == (1, 2)
    ((x, y),) = chain
    assert x == pytest.approx(5.0, abs=2 * eps) and 2.0 < y <= 2.0 + 2 * eps
    # shorter than the bend it replaces
    via = np.hypot(x, y) + np.hypot(10 - x, y)
    assert via < 2 * np.hypot(5.0, 5.0)


def test_an_obstacle_reaching_the_bend_keeps_it():
    """The wall's top is the bend itself: nothing shorter goes around it."""
    status, _ = _kernels.tight_chain(
        0.0, 0.0, 5.0, 5.0, 10.0, 0.0, edges(((5.0, -1.0), (5.0, 5.0 - 1e-9))), 0.0
    )
    assert status == 0


@settings(max_examples=80, deadline=None)
@given(
    st.floats(1.0, 9.0),
    st.floats(0.1, 4.5),
    st.floats(-5.0, 5.0).filter(lambda v: abs(v) > 0.5),
)
def test_a_chain_is_never_longer_than_the_bend_and_stays_on_its_side(wx, wh, bend_y):
    """A vertical wall at x = wx of height wh (towards the bend) between p = (0, 0), q = (10, 0)."""
    sign = 1.0 if bend_y > 0 else -1.0
    seg = edges(((wx, -sign), (wx, sign * wh)))
    status, chain = _kernels.tight_chain(0.0, 0.0, 5.0, bend_y, 10.0, 0.0, seg, 0.001)
    if status != 1:
        return
    pts = np.vstack([[0.0, 0.0], chain, [10.0, 0.0]])
    length = np.hypot(*np.diff(pts, axis=0).T).sum()
    assert length < np.hypot(5.0, bend_y) * 2 + 1e-9
    assert (sign * chain[:, 1] >= 0).all()


def flat_raster(dist_units: np.ndarray) -> dict:
    return {"dist": dist_units.astype(np.uint16), "x0": 0.0, "y0": 0.0, "cell": 1.0}


def off_coast(r: dict, a: np.ndarray, b: np.ndarray, min_nm: float, **kw):
    box = np.array(kw.get("box", (-np.inf, -np.inf, np.inf, np.inf)), float)
    return _kernels.segments_off_coast(
        np.ascontiguousarray(a[:, 0]),
        np.ascontiguousarray(a[:, 1]),
        np.ascontiguousarray(b[:, 0]),
        np.ascontiguousarray(b[:, 1]),
        r["dist"],
        r["x0"],
        r["y0"],
        r["cell"],
        1.0,
        float(min_nm),
        float(kw.get("near_nm", -1.0)),
        box,
        float(kw.get("step_m", 0.25)),
        int(kw.get("min_samples", 8)),
    )


def test_a_segment_fails_where_it_crosses_a_close_cell():
    d = np.full((10, 10), 9)
    d[:, 5] = 1  # a near-coast column at x in [5, 6)
    r = flat_raster(d)
    a = np.array([[0.5, 0.5], [0.5, 0.5]])
    b = np.array([[4.5, 9.5], [9.5, 0.5]])
    ok, seg, *_ = off_coast(r, a, b, min_nm=2.0)
    assert ok.tolist() == [True, False] and len(seg) == 0
    ok, *_ = off_coast(r, a, b, min_nm=1.0)
    assert ok.tolist() == [True, True]  # distance 1 is enough for 1 nm


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.lists(st.tuples(*[st.floats(0.0, 9.99)] * 4), min_size=1, max_size=10),
    st.integers(0, 9),
)
def test_the_kernel_agrees_with_sampling_in_python(seed, segs, min_nm):
    d = np.random.default_rng(seed).integers(0, 12, size=(10, 10))
    r = flat_raster(d)
    arr = np.array(segs)
    a, b = arr[:, :2], arr[:, 2:]
    ok, *_ = off_coast(r, a, b, min_nm=float(min_nm), step_m=0.25, min_samples=8)
    for i in range(len(a)):
        n = max(8, int(np.hypot(*(b[i] - a[i])) / 0.25))  # the kernel's sample count
        f = np.linspace(0.0, 1.0, n)
        xs, ys = a[i, 0] + f * (b[i, 0] - a[i, 0]), a[i, 1] + f * (b[i, 1] - a[i, 1])
        ix = np.clip(xs.astype(int), 0, 9)
        iy = np.clip(ys.astype(int), 0, 9)
        assert ok[i] == bool((d[iy, ix] >= min_nm).all()), i


def test_samples_near_the_coast_or_past_the_box_are_handed_back_for_an_exact_check():
    d = np.full((10, 10), 9)
    d[5, :] = 2
    r = flat_raster(d)
    a, b = np.array([[0.5, 0.5]]), np.array([[0.5, 9.5]])
    ok, seg, x, y, code = off_coast(r, a, b, min_nm=1.0, near_nm=3.0, box=(0, 0, 10, 8))
    assert ok.tolist() == [True]
    assert set(seg.tolist()) == {0}
    assert ((code & 1) > 0).any() and ((code & 2) > 0).any()
    near = (code & 1) > 0
    assert (np.floor(y[near]) == 5).all()
    assert (y[(code & 2) > 0] > 8).all()


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.lists(st.tuples(*[st.floats(-5.0, 65.0)] * 4), min_size=1, max_size=12),
    st.sampled_from([0.0, 0.5, 1.0, 3.0]),
    st.sampled_from([-1.0, 0.8, 2.0]),
)
def test_reads_the_distance_transform_vouches_for_may_be_skipped(seed, segs, min_nm, near_nm):
    """On a real distance transform (1 m cells, 1 nm = 1 m) skipping gives the same answer."""
    from scipy import ndimage

    rng = np.random.default_rng(seed)
    land = np.zeros((60, 60), dtype=bool)
    for cy, cx, rad in rng.integers(0, 60, size=(rng.integers(1, 5), 3)):
        yy, xx = np.ogrid[:60, :60]
        land |= (yy - cy) ** 2 + (xx - cx) ** 2 <= (rad % 9) ** 2
    unit = 0.05
    dist = np.round(ndimage.distance_transform_edt(~land) / unit).astype(np.uint16)
    arr = np.array(segs)
    a, b = arr[:, :2], arr[:, 2:]
    box = np.array([1.0, 2.0, 58.0, 57.0])
    args = (
        np.ascontiguousarray(a[:, 0]), np.ascontiguousarray(a[:, 1]),
        np.ascontiguousarray(b[:, 0]), np.ascontiguousarray(b[:, 1]),
        dist, 0.0, 0.0, 1.0, unit, min_nm, near_nm, box, 0.5, 8,
    )  # fmt: skip
    plain = _kernels.segments_off_coast(*args)
    skipping = _kernels.segments_off_coast(*args, 1.0)
    for p, q in zip(plain, skipping, strict=True):
        assert np.array_equal(p, q)


def test_march_sees_over_clear_water_and_stops_at_a_wall():
    nx = ny = 20
    # clearance codes: cells within one cell of x = 10 are the wall (code 0 = ``deep``), others
    # are clear for their distance to it, so a march may jump that far
    ix = np.arange(nx)
    codes = np.tile(np.clip(np.abs(ix - 10) - 1, 0, 5), ny).astype(np.int64)
    qx = np.array([5.0, 15.0])
    qy = np.array([15.0, 5.0])
    vis, blocked = _kernels.march(
        codes, nx, ny, 0.0, 0.0, 1.0, 1.0, 0, 2.0, 2.0, qx, qy, np.array([0, 1]), True, 4, 4
    )
    assert vis.tolist() == [True, False] and blocked.tolist() == [False, True]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.5, 19.5), st.floats(0.5, 19.5))
def test_march_agrees_with_dense_sampling_where_no_cell_is_a_wall(seed, qx, qy):
    """With codes 1 or 2 (no wall, as ``deep`` = 0) every target is visible."""
    codes = np.random.default_rng(seed).integers(1, 3, size=400).astype(np.int64)
    vis, blocked = _kernels.march(
        codes, 20, 20, 0.0, 0.0, 1.0, 1.0, 0, 10.0, 10.0,
        np.array([qx]), np.array([qy]), np.array([0]), True, 4, 4,
    )  # fmt: skip
    assert vis.tolist() == [True] and blocked.tolist() == [False]


def test_march_of_a_zero_length_segment_reads_the_one_cell_it_is_in():
    """A segment of zero length (hypothesis found q = p dividing by zero) reads its own cell."""
    codes = np.ones(400, dtype=np.int64)
    codes[10 * 20 + 10] = 0  # the cell holding (10.5, 10.5) is a wall (code = deep)
    for p, seen in ((10.5, False), (3.5, True)):
        q = np.array([p])
        vis, blocked = _kernels.march(
            codes, 20, 20, 0.0, 0.0, 1.0, 1.0, 0, p, p, q, q, np.array([0]), True, 4, 4
        )
        assert vis.tolist() == [seen] and blocked.tolist() == [not seen]
