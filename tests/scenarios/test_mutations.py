"""Properties of the loader under mutated scenario files (hypothesis).

Start from valid files (the shipped scenarios and a tiny one), break them the way
people and editors do (delete a key, change a value's type, insert junk, cut a line,
stray characters), and check that the loader raises nothing but ``ScenarioError``,
that every problem names a file and a line, and that a mutated file which still
validates also runs.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.scenarios import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[2]
TINY = """\
name: tiny
description: a tiny scenario
duration_days: 1
traffic:
  vessels: 3
programs:
  - name: oil
    voyages_per_year: 2000
    foreign_sources: [Shanghai]
    dprk_ports: [Nampo]
    rendezvous_areas: [ecs_high_seas]
    rendezvous_weights: [1]
assets:
  - name: p8
    kind: aircraft
    base: Kadena
    speed_kn: 440
    endurance_h: 7
    strategy: {kind: hotspot, areas: [ecs_patrol, yellow_sea_patrol], weights: [1, 2]}
  - name: ddg
    kind: warship
    base: Sasebo
    strategy: {kind: random, areas: [ecs_patrol]}
"""
SOURCES = {p.name: p.read_text() for p in sorted((ROOT / "scenarios").glob("*.yaml"))}
SOURCES["tiny.yaml"] = TINY

JUNK_VALUES = [
    None,
    True,
    False,
    "yes",
    "",
    "text",
    "x" * 5000,
    0,
    -1,
    10**30,
    0.5,
    1.5,
    -0.0,
    1e308,
    math.nan,
    math.inf,
    [],
    [1, "a"],
    {},
    {"k": 1},
    [[1, 2], [3, 4]],
]
JUNK_TEXT = [
    "\x00",
    "\t",
    ":",
    "- ",
    "&a ",
    "*a",
    "!!python/object ",
    "'",
    '"',
    "[",
    "{",
    "}",
    "#",
    "\n  x: 1\n",
    "<<: *b\n",
    "extends: .\n",
    "\ufeff",
    "é",
]


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, prefix + (i,))
    return out


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        data = data[p]
    return data


@st.composite
def mutated_data(draw: st.DrawFn) -> str:
    """A source file changed as data: keys deleted, values retyped, junk keys inserted."""
    name = draw(st.sampled_from(sorted(SOURCES)))
    data = yaml.safe_load(SOURCES[name])
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _get(data, path[:-1])
        op = draw(st.sampled_from(["delete", "retype", "insert"]))
        if op == "delete":
            del parent[path[-1]]
        elif op == "retype":
            parent[path[-1]] = copy.deepcopy(draw(st.sampled_from(JUNK_VALUES)))
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["junk", "nme", "count", "extends", "weights"]))] = (
                copy.deepcopy(draw(st.sampled_from(JUNK_VALUES)))
            )
        else:
            parent.insert(path[-1], copy.deepcopy(draw(st.sampled_from(JUNK_VALUES))))
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@st.composite
def mutated_text(draw: st.DrawFn) -> str:
    """A source file changed as text: junk inserted, a line cut or duplicated."""
    name = draw(st.sampled_from(sorted(SOURCES)))
    lines = SOURCES[name].splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["insert", "cut", "duplicate"]))
        if op == "insert":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(JUNK_TEXT)) + lines[i][at:]
        elif op == "cut" and len(lines) > 1:
            del lines[i]
        else:
            lines.insert(i, lines[i])
    return "".join(lines)


def _check(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    if "extends" in text:  # the shipped files extend their neighbours
        for n, t in SOURCES.items():
            (tmp_path / n).write_text(t)
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.file and p.line is not None and p.column is not None, str(p)
            assert len(str(p)) < 1000
        return None


SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(text=mutated_data())
def test_data_mutations_raise_only_located_scenario_errors(tmp_path, korea, text):
    """Data mutations raise only located scenario errors."""
    _check(tmp_path, text)


@SETTINGS
@given(text=mutated_text())
def test_text_mutations_raise_only_located_scenario_errors(tmp_path, korea, text):
    """Text mutations raise only located scenario errors."""
    _check(tmp_path, text)


NUMERIC = [
    ("duration_days", [0.01, 0.5]),
    ("traffic.vessels", [0, 1]),
    ("programs.oil.voyages_per_year", [0, 5000]),
    ("programs.oil.cargo_t", [[0, 0]]),
    ("programs.oil.transfer_duration_h", [[0, 0], [0, 100]]),
    ("programs.oil.max_wait_h", [0.001]),
    ("programs.oil.sts_share", [0, 1]),
    ("programs.oil.night_start_probability", [0, 1]),
    ("programs.oil.abort_when_observed_probability", [0, 1]),
    ("programs.oil.relocate_probability", [1]),
    ("programs.oil.rendezvous_weights", [[0.000001]]),
    ("programs.oil.foreign_flags", [{"stateless": 1}, {"CHN": 0, "PAN": 1e-9}]),
    ("assets.p8.count", [0, 3]),
    ("assets.p8.endurance_h", [0.01]),
    ("assets.p8.turnaround_h", [0]),
    ("assets.p8.strategy.weights", [[0, 1]]),
    ("assets.p8.strategy.dwell_h", [0.01]),
    ("assets.p8.sensor.range_nm", [0.001, 300]),
    ("assets.ddg.speed_kn", [0.01, 600]),
    ("assets.ddg.strategy.kind", ["sweep", "station", "cued", "barrier"]),
    ("coordination.report_delay_h", [0, 72]),
    ("coordination.shared_picture", [True]),
    ("coordination.ais_monitoring", [True]),
    ("coordination.ais_report_interval_h", [0.01]),
    ("coordination.datum_search_h", [0]),
    ("rules.boarding_duration_h", [0]),
    ("rules.blockade", [True]),
]


@settings(max_examples=12, deadline=None)
@given(
    changes=st.lists(
        st.sampled_from(NUMERIC).flatmap(
            lambda kv: st.tuples(st.just(kv[0]), st.sampled_from(kv[1]))
        ),
        min_size=1,
        max_size=4,
    )
)
@pytest.mark.slow
def test_a_file_that_validates_also_runs(korea, changes):
    """Validate and run agree: any accepted extreme of the declared bounds runs without error."""
    import sim

    sets = [f"{k}={json.dumps(v)}" for k, v in changes]
    try:
        scenario = load_scenario({**yaml.safe_load(TINY)}, overrides=sets)
    except ScenarioError:
        return  # refused up front: fine, that is the promise too
    result = sim.run(scenario, seed=1, theater=korea)
    assert result.summary is not None
