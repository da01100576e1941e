"""The on-disk cache of routes between fixed points: concurrent savers do not lose routes."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest


def test_two_processes_saving_keep_each_others_routes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sim.model.engine import RouteCache

    monkeypatch.setenv("SANCTIONS_SIM_CACHE", str(tmp_path))
    th = SimpleNamespace(name="t", bbox=(0.0, 0.0, 1.0, 1.0), fingerprint="x")
    first, second = RouteCache.load(th), RouteCache.load(th)  # both load the (empty) cache
    ka = (0.0, 0.0, 1000.0, 0.0, (), ())
    kb = (0.0, 0.0, 0.0, 1000.0, ("KOR",), ())
    first[ka] = np.array([[0.0, 0.0], [1000.0, 0.0]])
    first.fixed.add(ka)
    second[kb] = np.array([[0.0, 0.0], [500.0, 500.0], [0.0, 1000.0]])
    second.fixed.add(kb)
    first.save(th)
    second.save(th)  # written after first: must merge, not overwrite
    back = RouteCache.load(th)
    assert back.fixed == {ka, kb}
    np.testing.assert_array_equal(back[ka], first[ka])
    np.testing.assert_array_equal(back[kb], second[kb])


def test_a_route_between_fixed_points_is_stored_once_for_both_directions() -> None:
    """b->a is a->b reversed (costs are symmetric).

    The voyage home takes the lane out, and a first run computes and stores half as many routes.
    """
    from sim.geo import load_theater
    from sim.model.engine import Model, RouteCache
    from sim.scenarios import load_scenario

    sc = load_scenario(
        "scenarios/crackdown_2018.yaml",
        overrides=["traffic.vessels=0", "duration_days=1", "warmup_days=0"],
    )
    th = load_theater(sc.theater)
    cache = RouteCache()  # empty: both directions would be computed if not shared
    m = Model(sc, th, 1, cache)
    a, b = m.waters.place_xy("Nampo"), m.waters.place_xy("Busan")
    there = m.waters.route_xy(a, b)
    back = m.waters.route_xy(b, a)
    assert len(cache.fixed) == 1
    np.testing.assert_array_equal(back, there[::-1])
    assert not np.allclose(there[1], there[-2])  # a real multi-leg route, not a trivial line
