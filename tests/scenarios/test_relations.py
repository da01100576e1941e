"""Relations between fields: within a scenario (no theater) and against the theater's names."""

from __future__ import annotations

import pytest

from sim.scenarios import AssetGroup, Program, Scenario, Strategy
from sim.scenarios.relations import check_relations, consistency_problems, locate

OIL = Program(
    name="oil",
    foreign_sources=("Shanghai",),
    dprk_ports=("Nampo",),
    rendezvous_areas=("ecs_high_seas",),
)
P8 = AssetGroup(
    name="p8",
    kind="aircraft",
    base="Kadena",
    speed_kn=440,
    endurance_h=7,
    strategy=Strategy(kind="random", areas=("ecs_patrol",)),
)


def scenario(**kw) -> Scenario:
    """A scenario built without the model-level check, so relations can be tested one by one."""
    data = {"name": "s", "description": "d", "programs": (OIL,), "assets": (P8,), **kw}
    return Scenario.model_validate(data, context={"relations_checked_by_loader": True})


def test_a_consistent_scenario_has_no_problems():
    assert consistency_problems(scenario()) == []


def test_the_warm_up_must_be_shorter_than_the_run():
    (loc, msg), *_ = consistency_problems(scenario(duration_days=30, warmup_days=30))
    assert loc == ("warmup_days",) and "--set warmup_days=0" in msg


def test_repeated_names_point_at_the_second_use():
    found = consistency_problems(scenario(programs=(OIL, OIL, OIL)))
    assert [loc for loc, _ in found] == [("programs", 1, "name"), ("programs", 2, "name")]
    assert all("programs[0]" in msg for _, msg in found)


def test_one_weight_per_area():
    bad = P8.model_copy(
        update={"strategy": Strategy(kind="hotspot", areas=("a", "b"), weights=(1.0,))}
    )
    prog = OIL.model_copy(update={"rendezvous_weights": (1.0, 2.0)})
    locs = dict(consistency_problems(scenario(assets=(bad,), programs=(prog,))))
    assert "2 weights, one per area; found 1" in locs[("assets", 0, "strategy", "weights")]
    assert (
        "1 weights, one per rendezvous area; found 2" in locs[("programs", 0, "rendezvous_weights")]
    )


def test_a_strategy_needs_somewhere_to_patrol():
    idle = P8.model_copy(update={"strategy": Strategy(kind="random")})
    wall = P8.model_copy(update={"strategy": Strategy(kind="barrier")})
    locs = dict(
        consistency_problems(scenario(assets=(idle, wall.model_copy(update={"name": "w"}))))
    )
    assert "at least one area for a random strategy" in locs[("assets", 0, "strategy", "areas")]
    assert "barrier" in locs[("assets", 1, "strategy")]


def test_locate_falls_back_to_the_nearest_located_ancestor():
    marks = {("assets",): ("f.yaml", 3, 1), ("assets", 0): ("f.yaml", 4, 3)}
    assert locate(marks, ("assets", 0, "strategy", "areas"), "f.yaml") == ("f.yaml", 4, 3)
    assert locate(marks, ("assets", 1), "f.yaml") == ("f.yaml", 3, 1)
    assert locate(marks, ("programs", 0), "g.yaml") == ("g.yaml", None, None)


def messages(s: Scenario) -> dict[str, str]:
    return {p.path: p.message for p in check_relations(s, {}, "s.yaml")}


def test_names_are_checked_against_the_theater(korea):
    assert messages(scenario()) == {}
    prog = OIL.model_copy(
        update={"dprk_ports": ("Nampho", "Busan"), "rendezvous_areas": ("ecs_high_sea",)}
    )
    got = messages(scenario(programs=(prog,)))
    assert "Did you mean 'Nampo'" in got["programs.0.dprk_ports.0"]
    assert "is not a DPRK port (it is in KOR)" in got["programs.0.dprk_ports.1"]
    assert "unknown area 'ecs_high_sea'" in got["programs.0.rendezvous_areas.0"]


def test_an_aircraft_must_reach_its_areas(korea):
    short = P8.model_copy(update={"range_nm": 100.0})
    got = messages(scenario(assets=(short,)))
    assert "beyond the aircraft's range_nm" in got["assets.0.strategy.areas"]


@pytest.mark.parametrize(
    "barrier, expected",
    [
        (((100.0, 30.0), (124.0, 30.0)), "points inside the theater"),
        (((124.0, 37.5), (128.0, 37.5)), "the barrier line runs on land"),
    ],
)
def test_a_barrier_must_lie_over_the_theaters_water(korea, barrier, expected):
    wall = P8.model_copy(update={"strategy": Strategy(kind="barrier", barrier=barrier)})
    assert expected in messages(scenario(assets=(wall,)))["assets.0.strategy.barrier"]


def test_an_unknown_theater_is_one_located_problem():
    got = messages(scenario(theater="atlantis"))
    assert list(got) == ["theater"]
