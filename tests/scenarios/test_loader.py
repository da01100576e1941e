"""Scenario files: every shipped file validates; bad files get located, helpful errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from sim.scenarios import ScenarioError, load_scenario
from sim.scenarios.docs import render_reference

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
