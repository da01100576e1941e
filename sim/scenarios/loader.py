"""Load scenario files: YAML -> merged dict (``extends``, ``--set``) -> validated, frozen ``Scenario``.

YAML is only a loader. Every problem is reported with file, line and column,
the key path, what was expected and what was found, and a "did you mean" for
misspelt keys and names; all problems at once, not the first only.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ValidationError

from sim.errors import UserError, suggest
from sim.scenarios.schema import Scenario

__all__ = [
    "load_scenario",
    "ScenarioError",
    "Problem",
    "scenario_hash",
    "apply_overrides",
    "check_relations",
]

Path_ = tuple[Any, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario, located as precisely as we can."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column}"
        key = f" {self.path}:" if self.path else ""
        return f"{where}:{key} {self.message}"


class ScenarioError(UserError):
    """A scenario failed to load or validate; ``problems`` lists every issue found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("invalid scenario:\n" + "\n".join(f"  {p}" for p in problems))


# ------------------------------------------------------------------ YAML + marks
def _marks(node: yaml.Node, file: str, path: Path_, out: dict[Path_, tuple[str, int, int]]) -> None:
    """Map every key path to the (file, line, column) where its value starts (1-based)."""
    out.setdefault(path, (file, node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value
            out[path + (key,)] = (file, k.start_mark.line + 1, k.start_mark.column + 1)
            _marks(v, file, path + (key,), out)
            out[path + (key,)] = (file, k.start_mark.line + 1, k.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _marks(v, file, path + (i,), out)


def _read_yaml(path: Path) -> tuple[dict[str, Any], dict[Path_, tuple[str, int, int]]]:
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(file, None, None, "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(file, None, None, "", f"cannot read file: {exc}")]) from None
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        msg = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError([Problem(file, line, col, "", f"not valid YAML: {msg}")]) from None
    if node is None or data is None:
        raise ScenarioError(
            [Problem(file, 1, 1, "", "the file is empty; expected a mapping of scenario keys")]
        )
    if not isinstance(data, dict):
        raise ScenarioError(
            [
                Problem(
                    file,
                    1,
                    1,
                    "",
                    f"expected a mapping of scenario keys, found {type(data).__name__}",
                )
            ]
        )
    marks: dict[Path_, tuple[str, int, int]] = {}
    _marks(node, file, (), marks)
    return data, marks


def _merge(base: Any, over: Any) -> Any:
    """Deep-merge ``over`` onto ``base``. Lists of named mappings merge by ``name``; other lists are replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _merge(base[k], v) if k in base else copy.deepcopy(v)
        return out
    if (
        isinstance(base, list)
        and isinstance(over, list)
        and all(isinstance(x, dict) and "name" in x for x in base)
        and all(isinstance(x, dict) and "name" in x for x in over)
    ):
        out = [copy.deepcopy(x) for x in base]
        index = {x["name"]: i for i, x in enumerate(out)}
        for item in over:
            if item["name"] in index:
                out[index[item["name"]]] = _merge(out[index[item["name"]]], item)
            else:
                out.append(copy.deepcopy(item))
        return out
    return copy.deepcopy(over)


def _resolve_file(
    path: Path, seen: tuple[Path, ...] = ()
) -> tuple[dict[str, Any], dict[Path_, tuple[str, int, int]]]:
    data, marks = _read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data, marks
    parent_path = path.parent / str(parent)
    if parent_path.resolve() in seen:
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    *marks.get(("extends",), (None, None, None))[1:],
                    "extends",
                    "circular 'extends'",
                )
            ]
        )
    if not parent_path.exists():
        siblings = [p.name for p in path.parent.glob("*.yaml")]
        _, line, col = marks.get(("extends",), (str(path), None, None))
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    line,
                    col,
                    "extends",
                    f"no scenario file {parent!r} next to this one.{suggest(str(parent), siblings)}",
                )
            ]
        )
    base, base_marks = _resolve_file(Path(os.path.normpath(parent_path)), seen + (path.resolve(),))
    merged = _merge(base, data)
    merged_marks = dict(base_marks)
    merged_marks.update(_reindex_marks(marks, data, merged))
    return merged, merged_marks


def _reindex_marks(
    marks: dict[Path_, Any], child: Any, merged: Any, path: Path_ = ()
) -> dict[Path_, Any]:
    """Re-key a child file's marks to the merged data (named list items move to their merged index)."""
    moves: dict[Path_, Path_] = {}

    def walk(c: Any, m: Any, p: Path_) -> None:
        if isinstance(c, dict) and isinstance(m, dict):
            for k, v in c.items():
                if k in m:
                    walk(v, m[k], p + (k,))
        elif isinstance(c, list) and isinstance(m, list):
            names = [x.get("name") if isinstance(x, dict) else None for x in m]
            for j, item in enumerate(c):
                k = (
                    names.index(item["name"])
                    if isinstance(item, dict) and item.get("name") in names
                    else j
                )
                if k != j:
                    moves[p + (j,)] = p + (k,)
                if k < len(m):
                    walk(item, m[k], p + (k,))

    walk(child, merged, path)
    if not moves:
        return dict(marks)
    out = {}
    for key, mark in marks.items():
        for n in range(len(key), 0, -1):
            if key[:n] in moves:
                key = moves[key[:n]] + key[n:]
                break
        out[key] = mark
    return out


# ---------------------------------------------------------------- overrides
def apply_overrides(data: dict[str, Any], sets: list[str]) -> dict[str, Any]:
    """Apply ``key.path=value`` overrides (values parsed as YAML; list items by index or by ``name``)."""
    data = copy.deepcopy(data)
    for item in sets:
        if "=" not in item:
            raise UserError(f"--set {item!r}: expected key.path=value")
        key, raw = item.split("=", 1)
        try:
            value = yaml.safe_load(raw)
        except yaml.YAMLError:
            value = raw
        parts = key.split(".")
        node: Any = data
        for j, part in enumerate(parts):
            last = j == len(parts) - 1
            if isinstance(node, list):
                idx = _list_index(node, part, key)
                if last:
                    node[idx] = value
                else:
                    node = node[idx]
            elif isinstance(node, dict):
                if last:
                    node[part] = value
                else:
                    node = node.setdefault(part, {})
            else:
                raise UserError(f"--set {key}: {'.'.join(parts[:j])} is a value, not a section")
    return data


def _list_index(node: list[Any], part: str, key: str) -> int:
    if part.lstrip("-").isdigit():
        i = int(part)
        if -len(node) <= i < len(node):
            return i
        raise UserError(f"--set {key}: index {i} out of range (list has {len(node)} items)")
    names = [x.get("name") for x in node if isinstance(x, dict)]
    if part in names:
        return names.index(part)
    raise UserError(f"--set {key}: no item named {part!r}.{suggest(part, [n for n in names if n])}")


# ---------------------------------------------------------------- validation
def _model_at(path: Path_) -> type[BaseModel] | None:
    """The schema class that owns the last key of ``path`` (for "did you mean" on unknown keys)."""
    cls: Any = Scenario
    for part in path:
        if isinstance(part, int):
            continue
        if (
            not (isinstance(cls, type) and issubclass(cls, BaseModel))
            or part not in cls.model_fields
        ):
            return None
        ann = cls.model_fields[part].annotation
        for cand in (ann, *typing.get_args(ann)):
            for inner in (cand, *typing.get_args(cand)):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    cls = inner
                    break
            else:
                continue
            break
        else:
            return None
    return cls if isinstance(cls, type) and issubclass(cls, BaseModel) else None


def _locate(
    marks: dict[Path_, tuple[str, int, int]], loc: Path_, default_file: str
) -> tuple[str, int | None, int | None]:
    for n in range(len(loc), -1, -1):
        if loc[:n] in marks:
            return marks[loc[:n]]
    return default_file, None, None


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _problems(
    exc: ValidationError, marks: dict[Path_, tuple[str, int, int]], file: str
) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
        f, line, col = _locate(marks, loc, file)
        path = ".".join(str(p) for p in loc)
        if err["type"] == "extra_forbidden":
            owner = _model_at(loc[:-1])
            hint = suggest(str(loc[-1]), list(owner.model_fields)) if owner else ""
            msg = f"unknown key {loc[-1]!r}.{hint}" if hint else f"unknown key {loc[-1]!r}"
            if owner:
                msg += f" Expected one of: {', '.join(owner.model_fields)}."
        elif err["type"] == "missing":
            msg = "required key is missing"
        else:
            found = f"; found {_describe(err.get('input'))}" if "input" in err else ""
            msg = f"expected {err['msg'].removeprefix('Value error, ').lower()}{found}"
            owner = _model_at(loc[:-1]) if loc else None
            if owner and isinstance(loc[-1], str) and loc[-1] in owner.model_fields:
                unit = (owner.model_fields[loc[-1]].json_schema_extra or {}).get("unit")  # type: ignore[union-attr]
                if unit and unit not in ("-",):
                    msg += f" (unit: {unit})"
        out.append(Problem(f, line, col, path, msg))
    return out


def load_scenario(
    source: str | Path | dict[str, Any],
    *,
    overrides: list[str] | None = None,
    check_theater: bool = True,
) -> Scenario:
    """Load, merge, validate and freeze a scenario.

    Args:
        source: a YAML file path, or a dict with the same structure.
        overrides: ``key.path=value`` strings applied after ``extends`` merging.
        check_theater: also check names and places against the theater (ports exist,
            areas are water, aircraft reach their areas).

    Raises:
        ScenarioError: with every problem found (file, line, column, key path, message).
    """
    if isinstance(source, dict):
        data, marks, file = copy.deepcopy(source), {}, "<dict>"
    else:
        path = Path(source)
        data, marks = _resolve_file(path)
        file = str(path)
    if overrides:
        data = apply_overrides(data, overrides)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_problems(exc, marks, file)) from None
    if check_theater:
        problems = check_relations(scenario, marks, file)
        if problems:
            raise ScenarioError(problems)
    return scenario


def check_relations(
    scenario: Scenario, marks: dict[Path_, tuple[str, int, int]], file: str
) -> list[Problem]:
    """Cross-field checks against the theater: names exist, areas are water, aircraft reach their areas."""
    from sim.geo import load_theater

    problems: list[Problem] = []

    def add(loc: Path_, msg: str) -> None:
        f, line, col = _locate(marks, loc, file)
        problems.append(Problem(f, line, col, ".".join(str(p) for p in loc), msg))

    try:
        theater = load_theater(scenario.theater)
    except UserError as exc:
        add(("theater",), str(exc))
        return problems
    places = [str(n) for n in theater.ports["name"]]
    areas = [str(n) for n in theater.areas["name"]]

    def place(loc: Path_, name: str) -> bool:
        if name not in places:
            add(loc, f"unknown place {name!r}.{suggest(name, places)}")
            return False
        return True

    def area(loc: Path_, name: str) -> bool:
        if name not in areas:
            add(loc, f"unknown area {name!r}.{suggest(name, areas)}")
            return False
        return True

    port_state = dict(zip(theater.ports["name"], theater.ports["state"]))
    for i, p in enumerate(scenario.programs):
        base: Path_ = ("programs", i)
        for j, n in enumerate(p.foreign_sources):
            place(base + ("foreign_sources", j), n)
        for j, n in enumerate(p.dprk_ports):
            if place(base + ("dprk_ports", j), n) and port_state.get(n) != "PRK":
                add(
                    base + ("dprk_ports", j),
                    f"{n!r} is not a DPRK port (it is in {port_state.get(n)})",
                )
        for j, n in enumerate(p.rendezvous_areas):
            area(base + ("rendezvous_areas", j), n)
        if p.rendezvous_weights is not None and len(p.rendezvous_weights) != len(
            p.rendezvous_areas
        ):
            add(
                base + ("rendezvous_weights",),
                f"expected {len(p.rendezvous_areas)} weights, one per area; "
                f"found {len(p.rendezvous_weights)}",
            )
    for j, n in enumerate(scenario.traffic.places or ()):
        place(("traffic", "places", j), n)
    for i, g in enumerate(scenario.assets):
        base = ("assets", i)
        if g.base is not None:
            place(base + ("base",), g.base)
        ok_areas = [
            n for j, n in enumerate(g.strategy.areas) if area(base + ("strategy", "areas", j), n)
        ]
        if g.strategy.kind not in ("barrier",) and not g.strategy.areas and g.kind != "satellite":
            add(
                base + ("strategy", "areas"),
                f"a {g.strategy.kind} strategy needs at least one area",
            )
        if g.strategy.kind == "barrier" and not g.strategy.barrier and not g.strategy.areas:
            add(
                base + ("strategy",),
                "a barrier strategy needs 'barrier' (two [lon, lat] points) or an area",
            )
        if g.strategy.barrier:
            (lo0, la0), (lo1, la1) = g.strategy.barrier
            f = np.linspace(0.0, 1.0, 64)
            water = np.asarray(theater.is_water(lo0 + f * (lo1 - lo0), la0 + f * (la1 - la0)))
            if not water.all():
                k = int(np.argmin(water))
                add(
                    base + ("strategy", "barrier"),
                    f"the barrier line runs on land near "
                    f"({lo0 + f[k] * (lo1 - lo0):.2f}E, {la0 + f[k] * (la1 - la0):.2f}N); expected a line over water",
                )
        if g.strategy.weights is not None and len(g.strategy.weights) != len(g.strategy.areas):
            add(base + ("strategy", "weights"), "expected one weight per area")
        if g.kind == "aircraft" and g.base in places:
            bx, by = theater.place(g.base).x_m, theater.place(g.base).y_m
            for n in ok_areas:
                c = theater.area(n).polygon_xy.centroid
                dist_nm = ((c.x - bx) ** 2 + (c.y - by) ** 2) ** 0.5 / 1852.0
                if dist_nm > g.range_nm:
                    add(
                        base + ("strategy", "areas"),
                        f"area {n!r} is {dist_nm:.0f} nm from {g.base}, beyond the "
                        f"aircraft's range_nm of {g.range_nm:.0f}",
                    )
    return problems


def scenario_hash(scenario: Scenario) -> str:
    """Stable hash of the resolved scenario (defaults filled in)."""
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
