"""A cold geography cache says what it builds, step by step; a warm one says nothing.

The builds log at INFO under ``sim`` (the CLI shows those lines under its current stage,
``sim.cli.common.Progress``); these tests read the log with pytest's ``caplog``.
"""

from __future__ import annotations

import logging

import numpy as np
import pytest
import shapely

from sim.geo.routing import GraphConfig, build_graph
from sim.geo.seaway import describe_variant
from sim.geo.theater import Theater

DOMAIN = shapely.box(-60_000, -60_000, 60_000, 60_000)
LAND = shapely.box(-20_000, -20_000, 20_000, 20_000)
PHASES = [
    "obstacles (land and avoided waters, buffered)",
    "line-of-sight raster",
    "nodes",
    "bitangent edges",
    "edges clear of land",
    "all-pairs shortest paths",
]


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SANCTIONS_SIM_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def messages(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("sim.")]


def test_a_graph_build_announces_each_phase_in_order_and_times_it(caplog):
    caplog.set_level(logging.INFO, logger="sim")
    g = build_graph(LAND, DOMAIN, GraphConfig(label="test graph"))
    assert messages(caplog) == [f"test graph: {p}" for p in PHASES]
    assert list(g.build_phases) == [
        "obstacles",
        "raster",
        "nodes",
        "bitangents",
        "line_of_sight",
        "all_pairs",
    ]
    assert all(t >= 0 for t in g.build_phases.values())
    assert sum(g.build_phases.values()) <= g.build_s + 1e-3


def test_avoided_waters_are_a_phase_of_their_own_before_the_obstacles(caplog):
    """Zone buffers of whole coastlines are slow on a real theater: that is its own step."""
    caplog.set_level(logging.INFO, logger="sim")
    extra = shapely.box(30_000, -10_000, 40_000, 10_000)
    g = build_graph(LAND, DOMAIN, GraphConfig(label="g"), extra_obstacle=lambda: extra)
    said = messages(caplog)
    assert said[0] == "g: waters avoided or preferred (zone buffers)"
    assert said[1:] == [f"g: {p}" for p in PHASES]
    assert next(iter(g.build_phases)) == "zones"


def test_a_graph_from_the_cache_is_silent_and_the_same(caplog):
    g = build_graph(LAND, DOMAIN, GraphConfig())
    caplog.set_level(logging.INFO, logger="sim")
    again = build_graph(LAND, DOMAIN, GraphConfig(), cached=g.to_arrays())
    assert messages(caplog) == []
    assert np.array_equal(again.dist, g.dist) and np.array_equal(again.nodes, g.nodes)


def test_variants_are_named_by_the_waters_they_avoid_and_prefer():
    assert describe_variant((), ()) == "routing graph"
    assert (
        describe_variant((("JPN", "territorial"), ("KOR", "eez")), ("CHN",))
        == "routing graph (avoiding JPN territorial, KOR eez; preferring CHN)"
    )


def test_prepare_builds_what_the_first_query_would_and_only_once():
    asked: list[str] = []

    def store(name, build):
        asked.append(name)
        return build()

    g = build_graph(LAND, DOMAIN, GraphConfig(store=store))
    cold = build_graph(LAND, DOMAIN, GraphConfig(store=store), cached=g.to_arrays())
    asked.clear()
    cold.prepare()
    assert sorted(asked) == ["blocked", "geoms", "thin"]
    x, y = np.array([0.0, 50_000.0, 21_000.0]), np.array([0.0, 0.0, 0.0])
    inside = cold.contains("thin", x, y)
    assert sorted(asked) == ["blocked", "geoms", "thin"]  # nothing more to build
    assert inside.tolist() == [True, False, False]
    assert inside.tolist() == g.contains("thin", x, y).tolist()


def test_a_cold_theater_logs_its_zone_raster_graph_and_arrays_and_a_warm_one_nothing(
    private_cache, caplog
):
    caplog.set_level(logging.INFO, logger="sim")
    bbox = (124.5, 37.0, 126.5, 38.5)  # a small corner of the Yellow Sea: builds in ~1 s
    th = Theater("corner", bbox, "l")
    th.seaway.graph((("KOR", "territorial"),), ()).prepare()
    said = messages(caplog)
    label = "routing graph (avoiding KOR territorial)"
    assert said[0].startswith("zone raster of corner: not in the cache, building it (")
    assert said[1].startswith("zone raster: built and cached in ")
    assert said[2] == f"{label} of corner: not in the cache, building it"
    assert said[3:10] == [f"{label}: waters avoided or preferred (zone buffers)"] + [
        f"{label}: {p}" for p in PHASES
    ]
    assert said[10].startswith(f"{label}: built and cached in ")
    assert any(m.startswith(f"{label}: inside raster of the obstacle, not in") for m in said)
    caplog.clear()
    warm = Theater("corner", bbox, "l")
    warm.seaway.graph((("KOR", "territorial"),), ()).prepare()
    assert messages(caplog) == []
