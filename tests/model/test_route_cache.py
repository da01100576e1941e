"""The on-disk cache of routes between fixed points: concurrent savers do not lose routes."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np


def test_two_processes_saving_keep_each_others_routes(tmp_path, monkeypatch):
    from sim.model.engine import RouteCache

    monkeypatch.setenv("SANCTIONS_SIM_CACHE", str(tmp_path))
    th = SimpleNamespace(name="t", bbox=(0.0, 0.0, 1.0, 1.0), _fingerprint="x")
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
