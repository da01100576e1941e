"""Scenario files: every shipped file validates; bad files get located, helpful errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sim.scenarios import Problem, ScenarioError, apply_overrides, load_scenario, scenario_hash
from sim.scenarios.docs import render_reference
from sim.scenarios.loader import MAX_EXTENDS_DEPTH

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
ARTICLE = {
    "baseline_2017",
    "crackdown_2018",
    "pacom_surge",
    "blockade",
    "china_russia_opposition",
    "adaptive_smugglers",
}

MINIMAL = """\
name: tiny
description: a tiny scenario
traffic:
  vessels: 5
programs:
  - name: oil
    foreign_sources: [Shanghai]
    dprk_ports: [Nampo]
    rendezvous_areas: [ecs_high_seas]
assets:
  - name: p8
    kind: aircraft
    base: Kadena
    speed_kn: 440
    endurance_h: 7
    strategy: {kind: random, areas: [ecs_patrol]}
"""


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def problems(path: Path) -> list:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    return exc.value.problems


def test_every_article_scenario_is_shipped():
    assert ARTICLE <= {p.stem for p in SCENARIOS}


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenarios_validate_and_document_themselves(path):
    s = load_scenario(path)
    assert s.name == path.stem
    assert s.description and s.article_quote


def test_minimal_file_loads_with_defaults(tmp_path):
    s = load_scenario(write(tmp_path, MINIMAL))
    assert s.programs[0].voyages_per_year == 263.0
    assert s.assets[0].sensor.range_nm == 21.0


def test_wrong_type_names_file_line_key_and_expectation(tmp_path):
    (p,) = problems(write(tmp_path, MINIMAL.replace("vessels: 5", "vessels: many")))
    assert p.file.endswith("s.yaml") and p.line == 4
    assert p.path == "traffic.vessels"
    assert "integer" in p.message and "'many'" in p.message


def test_unknown_key_suggests_the_right_one(tmp_path):
    (p,) = problems(write(tmp_path, MINIMAL.replace("speed_kn: 440", "sped_kn: 440")))
    assert p.path == "assets.0.sped_kn" and p.line == 14
    assert "Did you mean 'speed_kn'" in p.message


def test_misspelt_port_suggests_near_match(tmp_path):
    (p,) = problems(write(tmp_path, MINIMAL.replace("[Nampo]", "[Nampho]")))
    assert p.path == "programs.0.dprk_ports.0" and p.line == 8
    assert "Nampo" in p.message


def test_non_dprk_port_as_dprk_port(tmp_path):
    (p,) = problems(write(tmp_path, MINIMAL.replace("[Nampo]", "[Busan]")))
    assert "not a DPRK port" in p.message


def test_negative_speed(tmp_path):
    (p,) = problems(write(tmp_path, MINIMAL.replace("speed_kn: 440", "speed_kn: -5")))
    assert p.path == "assets.0.speed_kn" and "greater than 0" in p.message and "kn" in p.message


def test_barrier_on_land(tmp_path):
    text = MINIMAL.replace(
        "strategy: {kind: random, areas: [ecs_patrol]}",
        "strategy: {kind: barrier, barrier: [[127.0, 37.5], [125.0, 34.0]]}",
    )
    msgs = " ".join(p.message for p in problems(write(tmp_path, text)))
    assert "on land" in msgs


def test_aircraft_area_beyond_range(tmp_path):
    text = MINIMAL.replace("endurance_h: 7", "endurance_h: 7\n    range_nm: 100")
    (p,) = problems(write(tmp_path, text))
    assert "beyond the aircraft's range_nm" in p.message


def test_empty_and_not_yaml_and_not_a_mapping(tmp_path):
    assert "empty" in problems(write(tmp_path, ""))[0].message
    (p,) = problems(write(tmp_path, "name: [unclosed\n  x: 1\n"))
    assert "not valid YAML" in p.message and p.line is not None
    assert "mapping" in problems(write(tmp_path, "- just\n- a list\n"))[0].message


def test_every_problem_is_reported_at_once(tmp_path):
    text = MINIMAL.replace("vessels: 5", "vessels: -1").replace("speed_kn: 440", "speed_kn: -5")
    assert len(problems(write(tmp_path, text))) == 2


def test_extends_merges_named_lists_and_locates_errors_in_the_child(tmp_path):
    write(tmp_path, MINIMAL, "base.yaml")
    child = write(
        tmp_path,
        "extends: base.yaml\nname: child\nassets:\n  - name: p8\n    count: 3\n",
        "child.yaml",
    )
    s = load_scenario(child)
    assert s.name == "child" and s.assets[0].count == 3 and s.assets[0].speed_kn == 440
    bad = write(
        tmp_path,
        "extends: base.yaml\nname: child\nassets:\n  - name: p8\n    count: -3\n",
        "bad.yaml",
    )
    (p,) = problems(bad)
    assert p.file.endswith("bad.yaml") and p.line == 5


def test_extends_missing_file(tmp_path):
    (p,) = problems(write(tmp_path, "extends: nope.yaml\nname: x\n"))
    assert "no scenario file 'nope.yaml'" in p.message


def test_overrides_by_name_and_index(tmp_path):
    path = write(tmp_path, MINIMAL)
    s = load_scenario(
        path, overrides=["assets.p8.count=4", "programs.0.voyages_per_year=12", "duration_days=30"]
    )
    assert s.assets[0].count == 4 and s.programs[0].voyages_per_year == 12 and s.duration_days == 30


def test_scenario_objects_are_frozen(tmp_path):
    s = load_scenario(write(tmp_path, MINIMAL))
    with pytest.raises(ValidationError, match="frozen"):
        s.duration_days = 1  # type: ignore[misc]


def test_reference_page_is_generated_from_the_schema():
    text = render_reference()
    assert "`speed_kn`" in text and "| kn |" in text
    shipped = (ROOT / "docs" / "scenarios.md").read_text()
    assert shipped == text, (
        "docs/scenarios.md is stale: run `sanctions-sim schema --markdown > docs/scenarios.md`"
    )


# ---------------------------------------------------------------- overrides, one rule at a time
def set_fails(data: dict, item: str) -> Problem:
    with pytest.raises(ScenarioError) as exc:
        apply_overrides(data, [item])
    (p,) = exc.value.problems
    assert p.file.startswith("--set ") and p.line is None  # located at the argument, not a line
    return p


def test_an_override_needs_a_key_path_and_an_equals_sign():
    assert "expected key.path=value" in set_fails({}, "traffic.vessels").message
    assert "expected a key path" in set_fails({}, "=3").message
    assert "expected a key path" in set_fails({}, "traffic..vessels=3").message


def test_an_override_into_a_list_names_the_problem():
    data = {"assets": [{"name": "us_p8"}, {"name": "ddg"}]}
    assert (
        "index 2 out of range (the list has 2 items)" in set_fails(data, "assets.2.count=1").message
    )
    p = set_fails(data, "assets.us_p9.count=1")
    assert "no item named 'us_p9'" in p.message and "Did you mean 'us_p8'" in p.message
    assert apply_overrides(data, ["assets.-1.count=7"])["assets"][1]["count"] == 7


def test_an_override_cannot_descend_into_a_value():
    p = set_fails({"traffic": {"vessels": 5}}, "traffic.vessels.count=1")
    assert "traffic.vessels is a value, not a section" in p.message


def test_an_override_creates_the_sections_it_needs_and_later_ones_win():
    out = apply_overrides({}, ["rules.blockade=true", "rules.blockade=false", "x.y.z=1"])
    assert out == {"rules": {"blockade": False}, "x": {"y": {"z": 1}}}


def test_an_override_value_with_a_repeated_key_is_refused():
    assert "a" in set_fails({}, "rules={a: 1, a: 2}").message


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True), st.integers(-99, 99), max_size=6),
    st.from_regex(r"[a-z]{1,6}", fullmatch=True),
    st.integers(-99, 99),
)
def test_an_override_changes_exactly_the_key_it_names(section, key, value):
    data = {"traffic": dict(section), "name": "s"}
    out = apply_overrides(data, [f"traffic.{key}={value}"])
    assert out["traffic"][key] == value
    assert {k: v for k, v in out["traffic"].items() if k != key} == {
        k: v for k, v in section.items() if k != key
    }
    assert out["name"] == "s" and data["traffic"] == section  # the input is left alone


def test_a_bad_override_value_is_reported_at_its_set_argument(tmp_path):
    path = write(tmp_path, MINIMAL)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path, overrides=["assets.p8.speed_kn=-1"])
    (p,) = exc.value.problems
    assert p.file == "--set assets.p8.speed_kn=-1" and p.path == "assets.0.speed_kn"
    assert "(unit: kn)" in p.message


def test_a_dict_source_is_loaded_like_a_file(tmp_path):
    import yaml

    data = yaml.safe_load(MINIMAL)
    from_dict = load_scenario(data)
    assert from_dict == load_scenario(write(tmp_path, MINIMAL))
    assert data == yaml.safe_load(MINIMAL)  # not modified
    with pytest.raises(ScenarioError) as exc:
        load_scenario({**data, "traffic": {"vesels": 5}})
    (p,) = exc.value.problems
    assert p.file == "<dict>" and "Did you mean 'vessels'" in p.message


def test_a_warm_up_as_long_as_the_run_is_located(tmp_path):
    text = MINIMAL + "duration_days: 10\nwarmup_days: 10\n"
    (p,) = problems(write(tmp_path, text))
    assert p.path == "warmup_days" and p.line == MINIMAL.count("\n") + 2


def test_theater_checks_can_be_skipped(tmp_path):
    text = MINIMAL.replace("[Nampo]", "[Atlantis]")
    assert "unknown place 'Atlantis'" in problems(write(tmp_path, text))[0].message
    assert load_scenario(write(tmp_path, text), check_theater=False).programs[0].dprk_ports == (
        "Atlantis",
    )


def test_extends_refuses_cycles_folders_and_bad_values(tmp_path):
    write(tmp_path, "extends: b.yaml\nname: a\n", "a.yaml")
    write(tmp_path, "extends: a.yaml\nname: b\n", "b.yaml")
    assert "circular 'extends'" in problems(tmp_path / "a.yaml")[0].message
    (tmp_path / "sub").mkdir()
    assert (
        "is a folder" in problems(write(tmp_path, "extends: sub\nname: c\n", "c.yaml"))[0].message
    )
    (p,) = problems(write(tmp_path, "extends: [a.yaml]\nname: d\n", "d.yaml"))
    assert "expected the file name of the scenario to extend" in p.message and p.line == 1


def test_extends_depth_is_limited(tmp_path):
    write(tmp_path, MINIMAL, "s0.yaml")
    for i in range(1, MAX_EXTENDS_DEPTH + 2):
        write(tmp_path, f"extends: s{i - 1}.yaml\nname: s{i}\n", f"s{i}.yaml")
    assert load_scenario(tmp_path / f"s{MAX_EXTENDS_DEPTH}.yaml").name == f"s{MAX_EXTENDS_DEPTH}"
    (p,) = problems(tmp_path / f"s{MAX_EXTENDS_DEPTH + 1}.yaml")
    assert "MAX_EXTENDS_DEPTH" in p.message


def test_a_child_adds_new_named_items_after_the_parents(tmp_path):
    write(tmp_path, MINIMAL, "base.yaml")
    extra = (
        "extends: base.yaml\nassets:\n  - name: ddg\n    kind: warship\n    base: Sasebo\n"
        "    strategy: {kind: random, areas: [ecs_patrol]}\n"
    )
    s = load_scenario(write(tmp_path, extra, "child.yaml"))
    assert [a.name for a in s.assets] == ["p8", "ddg"]


def test_the_hash_ignores_key_order_and_follows_overrides(tmp_path):
    a = load_scenario(write(tmp_path, MINIMAL, "a.yaml"))
    lines = MINIMAL.split("traffic:")
    reordered = (
        "traffic:"
        + lines[1].split("programs:")[0]
        + lines[0]
        + "programs:"
        + lines[1].split("programs:")[1]
    )
    b = load_scenario(write(tmp_path, reordered, "b.yaml"))
    assert scenario_hash(a) == scenario_hash(b)
    c = load_scenario(tmp_path / "a.yaml", overrides=["traffic.vessels=6"])
    assert scenario_hash(c) != scenario_hash(a)
