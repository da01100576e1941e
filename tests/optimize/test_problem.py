"""Candidate allocations and smuggler responses become ordinary, validated scenarios."""

from __future__ import annotations

import copy

import pytest

from sim.errors import UserError
from sim.optimize.problem import (
    allocations,
    cell_data,
    check_spec,
    responses,
)
from sim.scenarios import load_scenario


def base(**optimize) -> dict:
    """A small korea scenario whose smugglers all meet in the East China Sea."""
    spec = {
        "candidates": {
            "areas": ["ecs_patrol", "sea_of_japan_patrol"],
            "strategies": ["random"],
            "shares": [1.0],
        },
        "duration_days": None,
        "first_stage": 3,
        "max_replications": 6,
        "delta": 0.05,
    }
    spec.update(optimize)
    return {
        "name": "opt_small",
        "description": "smugglers meet only in the East China Sea; patrols start off Korea Bay",
        "duration_days": 12,
        "seed": 7,
        "traffic": {"vessels": 15},
        "programs": [
            {
                "name": "oil",
                "voyages_per_year": 700,
                "foreign_sources": ["Shanghai", "Ningbo-Zhoushan"],
                "dprk_ports": ["Nampo"],
                "rendezvous_areas": ["ecs_high_seas"],
                "foreign_flags": {"stateless": 0.5, "PAN": 0.5},
            }
        ],
        "assets": [
            {
                "name": "p8",
                "kind": "aircraft",
                "count": 2,
                "base": "Kadena",
                "speed_kn": 440,
                "endurance_h": 8,
                "turnaround_h": 10,
                "sensor": {"range_nm": 60},
                "strategy": {"kind": "random", "areas": ["korea_bay_patrol"]},
            },
            {
                "name": "ddg",
                "kind": "warship",
                "count": 2,
                "base": "Sasebo",
                "speed_kn": 28,
                "patrol_speed_kn": 14,
                "endurance_h": 400,
                "turnaround_h": 48,
                "sensor": {"range_nm": 21},
                "strategy": {"kind": "random", "areas": ["korea_bay_patrol"]},
            },
        ],
        "coordination": {"shared_picture": True, "ais_monitoring": True},
        "rules": {
            "high_seas_boarding": True,
            "consent_probability": {"PAN": 1.0, "stateless": 1.0, "PRK": 0.0},
        },
        "optimize": spec,
    }


def test_candidates_are_the_declared_allocation_then_kinds_by_areas_by_shares():
    """Two kinds x two areas x two shares, after the declared allocation."""
    s = load_scenario(
        base(
            candidates={
                "areas": ["ecs_patrol", "yellow_sea_patrol"],
                "strategies": ["hotspot", "random"],
                "shares": [1.0, 0.7],
            }
        )
    )
    labels = [a.label for a in allocations(s)]
    assert labels[0] == "as declared"
    assert labels[1:] == [
        "hotspot ecs_patrol",
        "hotspot ecs_patrol 70%",
        "hotspot yellow_sea_patrol",
        "hotspot yellow_sea_patrol 70%",
        "random ecs_patrol",
        "random ecs_patrol 70%",
        "random yellow_sea_patrol",
        "random yellow_sea_patrol 70%",
    ]


def test_hotspot_shares_time_and_other_kinds_split_units():
    """Hotspot 70%: weights 0.7/0.3; random 50% of two ships: one in each area."""
    s = load_scenario(
        base(
            candidates={
                "areas": ["ecs_patrol", "yellow_sea_patrol"],
                "strategies": ["hotspot", "random"],
                "shares": [0.7, 0.5],
            }
        )
    )
    by = {a.label: a for a in allocations(s)}
    resp = responses(s)[0]
    hot = load_scenario(cell_data(s, by["hotspot ecs_patrol 70%"], resp))
    p8 = next(g for g in hot.assets if g.name == "p8")
    assert p8.strategy.kind == "hotspot"
    assert p8.strategy.areas == ("ecs_patrol", "yellow_sea_patrol")
    assert p8.strategy.weights == pytest.approx((0.7, 0.3))
    split = load_scenario(cell_data(s, by["random ecs_patrol 50%"], resp))
    groups = {g.name: g for g in split.assets}
    assert groups["ddg"].count == 1 and groups["ddg"].strategy.areas == ("ecs_patrol",)
    assert groups["ddg_rest"].count == 1
    assert groups["ddg_rest"].strategy.areas == ("yellow_sea_patrol",)


def test_responses_set_the_rendezvous_mix_and_dark_share_of_the_programs():
    """Named mixes x dark shares after the declared behaviour; the cell carries them."""
    s = load_scenario(
        base(
            smugglers={
                "rendezvous": {"ys": {"yellow_sea_central": 3, "ecs_high_seas": 1}},
                "dark_shares": [0.9],
            }
        )
    )
    rs = responses(s)
    assert [r.label for r in rs] == ["as declared", "ys, dark 90%"]
    cell = load_scenario(cell_data(s, allocations(s)[0], rs[1]))
    oil = cell.programs[0]
    assert oil.rendezvous_areas == ("yellow_sea_central", "ecs_high_seas")
    assert oil.rendezvous_weights == pytest.approx((0.75, 0.25))
    assert oil.foreign_dark_probability == 0.9


def test_evaluation_cells_are_shortened_but_the_optimum_keeps_the_duration():
    """optimize.duration_days shortens evaluations; evaluation=False keeps the scenario's own."""
    s = load_scenario(base(duration_days=6))
    a, r = allocations(s)[1], responses(s)[0]
    assert cell_data(s, a, r)["duration_days"] == 6
    assert cell_data(s, a, r, evaluation=False)["duration_days"] == 12
    assert "optimize" not in cell_data(s, a, r)


def test_a_ship_day_budget_scales_the_allocated_ships():
    """60 ship-days over 12 days with ships out 400/448 of the time: round(5.6) = 6 ships."""
    s = load_scenario(base(budget={"ship_days": 60}))
    data = cell_data(s, allocations(s)[1], responses(s)[0])
    ddg = next(g for g in data["assets"] if g["name"] == "ddg")
    assert ddg["count"] == round(60 / (12 * 400 / 448))


def test_unknown_names_are_located_errors(korea):
    """An unknown area, asset group or program names the key and lists what exists."""
    bad_area = load_scenario(base(candidates={"areas": ["nowhere"]}))
    with pytest.raises(UserError, match=r"optimize.candidates.areas: unknown area 'nowhere'"):
        check_spec(bad_area, korea)
    with pytest.raises(UserError, match=r"optimize.assets: no asset group named 'frigate'"):
        check_spec(load_scenario(base(assets=["frigate"])), korea)
    with pytest.raises(UserError, match=r"optimize.smugglers.programs: no program named 'coal'"):
        check_spec(load_scenario(base(smugglers={"programs": ["coal"]})), korea)


def test_a_scenario_without_an_optimize_section_is_refused():
    """The message says what to declare."""
    d = base()
    del d["optimize"]
    with pytest.raises(UserError, match="no 'optimize:' section"):
        allocations(load_scenario(d))


def test_the_optimize_section_does_not_change_the_scenario_hash():
    """Adding or editing optimize: leaves stored runs of the scenario valid."""
    from sim.scenarios import scenario_hash

    d = base()
    without = copy.deepcopy(d)
    del without["optimize"]
    other = base(delta=0.5)
    hashes = {scenario_hash(load_scenario(x)) for x in (d, without, other)}
    assert len(hashes) == 1


def test_bad_optimize_values_are_rejected_by_the_schema():
    """Shares outside (0, 1] and a cap below the first stage."""
    from sim.scenarios import ScenarioError

    with pytest.raises(ScenarioError, match="shares"):
        load_scenario(base(candidates={"areas": ["ecs_patrol"], "shares": [1.5]}))
    with pytest.raises(ScenarioError, match="max_replications"):
        load_scenario(base(first_stage=5, max_replications=3))
