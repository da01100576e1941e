"""The scenario schema's own rules, checked on the model objects (no YAML, no theater)."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from sim.scenarios import (
    AssetGroup,
    Program,
    Scenario,
    Sensor,
    Strategy,
    apply_overrides,
    scenario_hash,
)
from sim.scenarios.schema import param
from sim.units import HOURS_PER_YEAR


def test_every_numeric_parameter_carries_a_unit_in_the_json_schema():
    """The declaration drives the schema: ``param`` puts its unit next to the bounds."""
    props = Scenario.model_json_schema()["$defs"]["Program"]["properties"]
    rate = props["voyages_per_year"]
    assert rate["unit"] == "voyages/year" and rate["minimum"] == 0 and rate["maximum"] == 5000
    assert "source" in rate


def test_param_records_unit_and_source_on_the_field():
    f = param(1.0, unit="h", ge=0, description="d", source="assumption")
    assert f.default == 1.0
    assert f.json_schema_extra == {"unit": "h", "source": "assumption"}


def test_bounds_are_enforced_with_the_key_in_the_message():
    with pytest.raises(ValidationError, match="sts_share"):
        Program(name="oil", sts_share=1.5)


def test_ranges_must_be_ordered():
    with pytest.raises(ValidationError, match="low <= high"):
        Program(name="oil", cargo_t=(2000.0, 1000.0))


def test_cookie_cutter_sweep_width_is_twice_the_range():
    assert Sensor(range_nm=10.0).effective_sweep_width_nm == 20.0
    s = Sensor(law="inverse_cube", range_nm=10.0, sweep_width_nm=7.0)
    assert s.effective_sweep_width_nm == 7.0
    assert Sensor(law="inverse_cube", range_nm=10.0).effective_sweep_width_nm == 10.0


def test_asset_groups_need_a_base_and_satellites_need_areas():
    with pytest.raises(ValidationError, match="needs a 'base'"):
        AssetGroup(name="ddg", kind="warship", count=1)
    with pytest.raises(ValidationError, match="strategy.areas"):
        AssetGroup(name="sat", kind="satellite", count=1)
    assert AssetGroup(name="ddg", kind="warship", count=1, base="Sasebo").boards
    assert not AssetGroup(name="p8", kind="aircraft", count=1, base="Kadena").boards


def test_duplicate_names_are_refused():
    with pytest.raises(ValidationError, match="'oil' is already used by programs"):
        Scenario(name="s", description="d", programs=(Program(name="oil"), Program(name="oil")))


def test_duration_in_hours_and_defaults_filled():
    s = Scenario(name="s", description="d")
    assert s.duration_h == HOURS_PER_YEAR and s.theater == "korea" and s.replications == 10


def test_scenario_hash_changes_with_any_value_and_not_with_spelling():
    a = Scenario(name="s", description="d")
    b = Scenario(name="s", description="d", duration_days=365.0)  # the default, spelled out
    c = Scenario(name="s", description="d", duration_days=364.0)
    assert scenario_hash(a) == scenario_hash(b) != scenario_hash(c)
    assert len(scenario_hash(a)) == 16


def test_overrides_reach_list_items_by_name_and_parse_values_as_yaml():
    data = {"assets": [{"name": "p8", "count": 1}], "traffic": {"vessels": 5}}
    out = apply_overrides(data, ["assets.p8.count=3", "traffic.vessels=[1, 2]"])
    assert out["assets"][0]["count"] == 3 and out["traffic"]["vessels"] == [1, 2]
    assert data["assets"][0]["count"] == 1  # the input is not modified
    json.dumps(out)  # still plain data


def test_a_scenario_built_directly_checks_its_relations_itself():
    """Outside the loader the model reports relations in one message, key path first."""
    with pytest.raises(ValidationError, match=r"warmup_days: a warm-up shorter than the run"):
        Scenario(name="s", description="d", duration_days=10, warmup_days=10)
    # the loader says it checks them (and locates each one), so the model leaves them to it
    s = Scenario.model_validate(
        {"name": "s", "description": "d", "duration_days": 10, "warmup_days": 10},
        context={"relations_checked_by_loader": True},
    )
    assert s.warmup_days == 10


PATROL = Strategy(kind="random", areas=("ecs_patrol",))


def test_the_repr_is_one_line_that_counts_what_the_scenario_holds():
    s = Scenario(
        name="s",
        description="d",
        programs=(Program(name="oil"), Program(name="coal", commodity="coal")),
        assets=(
            AssetGroup(name="ddg", kind="warship", count=3, base="Sasebo", strategy=PATROL),
            AssetGroup(name="p8", kind="aircraft", count=2, base="Kadena", strategy=PATROL),
        ),
    )
    text = repr(s)
    assert "\n" not in text and len(text) < 200
    assert "2 programs" in text and "5 assets in 2 groups" in text and "365 days" in text


def test_the_optimise_section_is_not_part_of_the_hash_or_the_dump():
    base = {"name": "s", "description": "d"}
    plain = Scenario.model_validate(base)
    with_opt = Scenario.model_validate({**base, "optimize": {"candidates": {"areas": ["a"]}}})
    assert with_opt.optimize is not None
    assert scenario_hash(plain) == scenario_hash(with_opt)
    assert "optimize" not in with_opt.model_dump()


def test_start_date_is_a_calendar_date_and_bad_dates_are_refused():
    import datetime

    s = Scenario.model_validate({"name": "s", "description": "d", "start_date": "2017-01-01"})
    assert s.start_date == datetime.date(2017, 1, 1)
    with pytest.raises(ValidationError, match="start_date"):
        Scenario.model_validate({"name": "s", "description": "d", "start_date": "2017-13-01"})


def test_the_json_schema_names_every_section_and_forbids_unknown_keys():
    schema = Scenario.model_json_schema()
    props = schema["properties"]
    for key in ("traffic", "programs", "assets", "coordination", "rules", "pursuit"):
        assert key in props
    assert schema.get("additionalProperties") is False
    assert set(schema["required"]) == {"name", "description"}
