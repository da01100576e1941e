"""Random-search billiard: the compiled ray cast, point-in-polygon and walk.

Each is checked against Shapely and the scalar Python loop.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model._kernels import point_in_rings, ray_exit
from sim.model.strategies import RandomSearch, _boundary_segments
from sim.scenarios.schema import Strategy


def _ray_exit(
    a: np.ndarray, e: np.ndarray, p: np.ndarray, d: np.ndarray
) -> tuple[int, float] | None:
    k, t = ray_exit(a, e, float(p[0]), float(p[1]), float(d[0]), float(d[1]))
    return None if k < 0 else (int(k), float(t))


class _Ctx:
    """A ``PatrolContext`` over one polygon: uniform samples by rejection, straight legs."""

    def __init__(self, poly: shapely.Geometry, seed: int) -> None:
        self.poly = poly
        self.rng = np.random.default_rng(seed)

    def area_polygon(self, name: str) -> shapely.Geometry:
        return self.poly

    def sample_in_area(self, name: str, n: int) -> np.ndarray:
        x0, y0, x1, y1 = self.poly.bounds
        out: list[tuple[float, float]] = []
        while len(out) < n:
            x, y = self.rng.uniform(x0, x1), self.rng.uniform(y0, y1)
            if shapely.contains_xy(self.poly, x, y):
                out.append((x, y))
        return np.array(out)

    def site(self, name: str) -> np.ndarray:
        raise AssertionError("a random search does not draw sites")

    def seaway(self, pts: np.ndarray) -> np.ndarray:
        return np.asarray(pts, dtype=float)


RANDOM = RandomSearch(Strategy(kind="random", areas=("a",)), speed_kn=10.0)


def _area_with_islands(k: int) -> shapely.Geometry:
    """A non-convex box (an inlet cut out of one side) with ``k`` square islands."""
    outer = shapely.box(0, 0, 100_000, 60_000).difference(
        shapely.box(40_000, 30_000, 55_000, 60_000)
    )
    for i in range(k):
        x = 10_000 + 20_000 * i
        outer = outer.difference(shapely.box(x, 10_000, x + 5_000, 15_000))
    return outer


@settings(max_examples=40, deadline=None)
@given(
    st.floats(0, 2 * math.pi), st.floats(1_000, 99_000), st.floats(1_000, 29_000), st.integers(0, 3)
)
def test_ray_exit_matches_shapely(angle: float, x: float, y: float, islands: int) -> None:
    poly = _area_with_islands(islands)
    if not shapely.contains_xy(poly, x, y):
        return
    p = np.array([x, y])
    d = np.array([math.cos(angle), math.sin(angle)])
    a, e, normals = _boundary_segments(poly)
    exit_at = _ray_exit(a, e, p, d)
    assert exit_at is not None  # a ray from inside the area always leaves it
    seg, t = exit_at
    hit = shapely.LineString([p + d, p + d * 1e6]).intersection(poly.boundary)
    c = shapely.get_coordinates(hit)
    ref = np.min(np.hypot(*(c - p).T))
    assert abs(t - ref) < 1e-3
    probe = p + d * t + normals[seg] * 5.0  # the normal points back into the area
    assert shapely.contains_xy(poly, *probe)


@settings(max_examples=40, deadline=None)
@given(st.floats(-5_000, 105_000), st.floats(-5_000, 65_000), st.integers(0, 3))
def test_point_in_rings_matches_shapely(x: float, y: float, islands: int) -> None:
    """The compiled even-odd test (the billiard's mid-leg check) against Shapely, holes included."""
    poly = _area_with_islands(islands)
    if shapely.dwithin(poly.boundary, shapely.Point(x, y), 1e-6):
        return  # on the boundary the two may differ; the billiard never asks there
    a, e, _ = _boundary_segments(poly)
    assert point_in_rings(a, e, x, y) == bool(shapely.contains_xy(poly, x, y))


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 3))
def test_billiard_never_leaves_the_area(seed: int, islands: int) -> None:
    poly = _area_with_islands(islands)
    ctx = _Ctx(poly, seed)
    start = ctx.sample_in_area("a", 1)[0]
    pts = RANDOM.path(ctx, "a", start, 2_000_000.0)
    lines = shapely.linestrings(np.stack([pts[:-1], pts[1:]], axis=1))
    assert shapely.within(lines, poly.buffer(1.0)).all()
    assert np.sum(np.hypot(*np.diff(pts, axis=0).T)) >= 2_000_000.0


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_billiard_stays_inside_a_real_patrol_area(seed: int) -> None:
    """The ROK coastal patrol polygon (hundreds of vertices, islands cut out): no leaks."""
    from sim.geo import load_theater

    th = load_theater("korea")
    poly = shapely.simplify(th.area("rok_coastal").polygon_xy.buffer(-4 * 1852.0), 200.0)
    if isinstance(poly, shapely.MultiPolygon):
        poly = max(poly.geoms, key=lambda g: g.area)
    shapely.prepare(poly)
    ctx = _Ctx(poly, seed)
    # a patrol chunk often starts where the last one ended: on the boundary, facing any way
    start = np.array(poly.exterior.interpolate(ctx.rng.uniform(0, 1), normalized=True).coords[0])
    pts = RANDOM.path(ctx, "a", start, 5_000_000.0)
    lines = shapely.linestrings(np.stack([pts[:-1], pts[1:]], axis=1))
    assert shapely.within(lines, poly.buffer(1.0)).all()


def _python_billiard(
    poly: shapely.Geometry, rng: np.random.Generator, p: np.ndarray, length_m: float
) -> np.ndarray:
    """The billiard as a plain Python loop of scalar draws (the code before it was compiled)."""
    a, e, normals = _boundary_segments(poly)

    def direction() -> np.ndarray:
        ang = rng.uniform(0.0, 2 * math.pi)
        return np.array([math.cos(ang), math.sin(ang)])

    pts, d, travelled = [p], direction(), 0.0
    while travelled < length_m:
        hit = _ray_exit(a, e, p, d)
        if hit is None:
            d = direction()
            continue
        seg, t = hit
        mid = p + d * (0.5 * t)
        if not shapely.contains_xy(poly, mid[0], mid[1]):
            d = direction()
            continue
        p = p + d * t
        travelled += t
        pts.append(p)
        s = rng.uniform(-1.0, 1.0)
        c = math.sqrt(1.0 - s * s)
        n = normals[seg]
        d = np.array([n[0] * c - n[1] * s, n[0] * s + n[1] * c])
    return np.array(pts)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 3), st.floats(1_000.0, 3_000_000.0))
def test_compiled_billiard_draws_the_stream_as_scalar_draws_would(
    seed: int, islands: int, length_m: float
) -> None:
    """Same waypoints as the scalar Python loop, and the generator left in the same state.

    The block of uniforms drawn ahead is given back: later draws of the run are unchanged.
    """
    poly = _area_with_islands(islands)
    ctx = _Ctx(poly, seed)
    start = ctx.sample_in_area("a", 1)[0]
    ref_rng = np.random.default_rng(seed)
    ref_rng.bit_generator.state = ctx.rng.bit_generator.state
    got = RANDOM.path(ctx, "a", start, length_m)
    want = _python_billiard(poly, ref_rng, start, length_m)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
    assert ctx.rng.random() == ref_rng.random()
