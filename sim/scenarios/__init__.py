"""Scenarios: the declared schema and the YAML loader that turns files into frozen objects."""

from sim.scenarios.loader import (
    Problem,
    ScenarioError,
    apply_overrides,
    load_scenario,
    scenario_hash,
)
from sim.scenarios.schema import (
    AssetGroup,
    Classification,
    Coordination,
    Fishing,
    FishingFleet,
    Program,
    Rules,
    Scenario,
    Sensor,
    Strategy,
    Traffic,
)

__all__ = [
    "AssetGroup",
    "Classification",
    "Coordination",
    "Fishing",
    "FishingFleet",
    "Problem",
    "Program",
    "Rules",
    "Scenario",
    "ScenarioError",
    "Sensor",
    "Strategy",
    "Traffic",
    "apply_overrides",
    "load_scenario",
    "scenario_hash",
]
