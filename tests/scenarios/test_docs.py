"""The scenario reference and JSON Schema as a scenario author reads them (sim.scenarios.docs)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Literal

import jsonschema
import pytest
import yaml
from pydantic import BaseModel, Field

from sim.scenarios.docs import (
    SCHEMA_ID,
    bounds_text,
    cite,
    json_schema,
    render_reference,
    type_text,
)
from sim.scenarios.schema import Scenario

ROOT = Path(__file__).resolve().parents[2]


class _Example(BaseModel):
    pair: tuple[Annotated[float, Field(gt=0, le=25)], Annotated[float, Field(gt=0, le=25)]]
    names: Annotated[tuple[str, ...], Field(min_length=1)] = ("a",)
    point: tuple[Annotated[float, Field(ge=-180)], Annotated[float, Field(ge=-90)]] = (0, 0)
    weights: dict[str, Annotated[float, Field(ge=0)]] = {}
    count: int = Field(3, ge=0)


@pytest.mark.parametrize(
    ("annotation", "text"),
    [
        (tuple[str, ...], "list of strings"),
        (tuple[float, float], "[number, number]"),
        (Literal["a", "b"], "one of `a`, `b`"),
        (tuple[Literal["x", "y"], ...], "list, each one of `x`, `y`"),
        (int | None, "integer or null"),
        (tuple[Annotated[float, Field(ge=0)], ...] | None, "list of numbers or null"),
        (dict[str, float], "mapping of strings to numbers"),
        (dt.date, "date (YYYY-MM-DD)"),
        (tuple[_Example, ...], "list of _Example"),
        (tuple[tuple[float, float], tuple[float, float]], "[[number, number], [number, number]]"),
    ],
)
def test_types_read_as_yaml_not_as_python(annotation, text):
    assert type_text(annotation) == text


def test_bounds_include_those_of_list_items_and_mapping_values():
    f = _Example.model_fields
    assert bounds_text(f["pair"]) == "each > 0, <= 25"
    assert bounds_text(f["names"]) == "at least 1 item"
    assert bounds_text(f["point"]) == "item 1 >= -180, item 2 >= -90"
    assert bounds_text(f["weights"]) == "each value >= 0"
    assert bounds_text(f["count"]) == ">= 0"


def test_the_reference_page_shows_no_python_typing_repr():
    text = render_reference()
    for raw in ("Annotated", "FieldInfo", "typing.", "tuple[", "Literal[", "<class", "NoneType"):
        assert raw not in text, raw
    assert "| `speed_kn` | [number, number] | kn | each > 0, <= 25 | `[11, 16]` |" in text


@pytest.mark.parametrize(
    ("source", "plain", "markdown"),
    [
        (
            "domain.md §1.5: 8,500 bbl",
            "docs/sources.md §1.5: 8,500 bbl",
            "[sources §1.5](sources.md#s1-5): 8,500 bbl",
        ),
        (
            "assumption; domain §7",
            "assumption; docs/sources.md §7",
            "assumption; [sources §7](sources.md#s7)",
        ),
        (
            "domain.md: UNSCR 2397",
            "docs/sources.md: UNSCR 2397",
            "[sources](sources.md): UNSCR 2397",
        ),
        (
            "the model's domain of validity",
            "the model's domain of validity",
            "the model's domain of validity",
        ),
    ],
)
def test_citations_point_at_the_sources_file_in_the_repository(source, plain, markdown):
    assert cite(source) == plain
    assert cite(source, markdown=True) == markdown


def test_every_section_the_reference_cites_exists_in_docs_sources():
    anchors = set(re.findall(r'<a id="(s[\d-]+)"></a>', (ROOT / "docs" / "sources.md").read_text()))
    cited = set(re.findall(r"\(sources\.md#(s[\d-]+)\)", render_reference()))
    assert cited and cited <= anchors, sorted(cited - anchors)
    assert "domain.md" not in render_reference()


def _yaml(path: Path) -> object:
    """A scenario as an editor's YAML server sees it: dates stay text."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return yaml.load(path.read_text(), Loader=Loader)  # a SafeLoader subclass: safe


def test_the_json_schema_names_its_draft_and_itself_and_cites_the_sources_file():
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID
    jsonschema.Draft202012Validator.check_schema(schema)
    text = str(schema)
    assert "domain.md" not in text and "docs/sources.md §1.5" in text


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_scenario_passes_the_json_schema_an_editor_uses(path):
    errors = list(jsonschema.Draft202012Validator(json_schema()).iter_errors(_yaml(path)))
    assert not errors, [e.message for e in errors]


def test_the_json_schema_flags_what_validate_flags_in_full_and_extending_files():
    v = jsonschema.Draft202012Validator(json_schema())
    full = _yaml(ROOT / "scenarios" / "baseline_2017.yaml")
    child = _yaml(ROOT / "scenarios" / "pacom_surge.yaml")
    assert isinstance(full, dict) and isinstance(child, dict) and "extends" in child
    for doc in (full, child):
        assert any("trafic" in e.message for e in v.iter_errors({**doc, "trafic": 1}))
        assert list(v.iter_errors({**doc, "duration_days": -1}))
    missing = {k: val for k, val in full.items() if k != "name"}
    assert [e.message for e in v.iter_errors(missing)] == ["'name' is a required property"]
    assert not list(v.iter_errors({"extends": "x.yaml", "duration_days": 30}))  # inherits the rest


def test_the_schema_declares_every_top_level_key_of_the_model():
    assert set(Scenario.model_fields) | {"extends"} == set(json_schema()["properties"])
