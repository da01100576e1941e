"""Load scenario files: YAML -> merged dict (``extends``, ``--set``) -> validated, frozen object.

YAML is only a loader. Every problem is reported with file, line and column,
the key path, what was expected and what was found, and a "did you mean" for
misspelt keys and names; all problems at once, not the first only. The raw file is
read within declared limits by ``sim.scenarios.yaml_reader``; relations between
fields are checked by ``sim.scenarios.relations``. A value given with ``--set`` is
reported as coming from the command line, not from a line of the file.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.errors import Problem, ScenarioError, clip, suggest
from sim.scenarios.relations import check_relations, consistency_problems, locate
from sim.scenarios.schema import Scenario
from sim.scenarios.yaml_reader import Marks, parse_value, parse_yaml, read_scenario_text

__all__ = [
    "load_scenario",
    "ScenarioError",
    "Problem",
    "scenario_hash",
    "apply_overrides",
    "check_relations",
    "MAX_EXTENDS_DEPTH",
]

Path_ = tuple[Any, ...]

MAX_EXTENDS_DEPTH = 10
"""Longest chain of ``extends`` (assumption: the shipped scenarios use one level)."""


def _read_yaml(path: Path) -> tuple[dict[str, Any], Marks]:
    file = str(path)

    def report(line: int | None, col: int | None, msg: str) -> ScenarioError:
        return ScenarioError([Problem(file, line, col, "", msg)])

    text = read_scenario_text(path, report)
    data, marks = parse_yaml(text, file, report)
    if data is None:
        raise report(1, 1, "the file is empty; expected a mapping of scenario keys")
    if not isinstance(data, dict):
        raise report(
            1, 1, f"expected a mapping of scenario keys (key: value), found {type(data).__name__}"
        )
    return data, marks


def _merge(base: Any, over: Any) -> Any:
    """Deep-merge ``over`` onto ``base``; lists of named mappings merge by ``name``."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _merge(base[k], v) if k in base else copy.deepcopy(v)
        return out
    if (
        isinstance(base, list)
        and isinstance(over, list)
        and all(isinstance(x, dict) and isinstance(x.get("name"), str) for x in base)
        and all(isinstance(x, dict) and isinstance(x.get("name"), str) for x in over)
    ):
        items = [copy.deepcopy(x) for x in base]
        index = {x["name"]: i for i, x in enumerate(items)}
        for item in over:
            if item["name"] in index:
                items[index[item["name"]]] = _merge(items[index[item["name"]]], item)
            else:
                items.append(copy.deepcopy(item))
        return items
    return copy.deepcopy(over)


def _extends_problem(path: Path, marks: Marks, message: str) -> ScenarioError:
    _, line, col = marks.get(("extends",), (str(path), None, None))
    return ScenarioError([Problem(str(path), line, col, "extends", message)])


def _resolve_file(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict[str, Any], Marks]:
    data, marks = _read_yaml(path)
    if "extends" not in data:
        return data, marks
    parent = data.pop("extends")
    if not isinstance(parent, str) or not parent.strip():
        found = "an empty value" if parent in (None, "") else clip(repr(parent), 60)
        raise _extends_problem(
            path, marks, f"expected the file name of the scenario to extend; found {found}"
        )
    if len(seen) >= MAX_EXTENDS_DEPTH:
        raise _extends_problem(
            path, marks, f"more than {MAX_EXTENDS_DEPTH} levels of 'extends' (MAX_EXTENDS_DEPTH)"
        )
    parent_path = path.parent / parent
    try:
        resolved = parent_path.resolve()
        if resolved in seen or resolved == path.resolve():
            raise _extends_problem(path, marks, "circular 'extends'")
        if parent_path.is_dir():
            raise _extends_problem(
                path, marks, f"{clip(parent)!r} is a folder; expected a scenario file"
            )
        exists = parent_path.exists()
    except (OSError, ValueError) as exc:  # a name too long for the file system, a NUL byte
        raise _extends_problem(path, marks, f"cannot use {clip(parent)!r}: {exc}") from None
    if not exists:
        siblings = [p.name for p in path.parent.glob("*.yaml")]
        raise _extends_problem(
            path,
            marks,
            f"no scenario file {clip(parent)!r} next to this one.{suggest(parent, siblings)}",
        )
    base, base_marks = _resolve_file(Path(os.path.normpath(parent_path)), seen + (path.resolve(),))
    merged = _merge(base, data)
    merged_marks = dict(base_marks)
    merged_marks.update(_reindex_marks(marks, data, merged))
    return merged, merged_marks


def _reindex_marks(
    marks: dict[Path_, Any], child: Any, merged: Any, path: Path_ = ()
) -> dict[Path_, Any]:
    """Re-key a child file's marks to the merged data (named list items move to their new index)."""
    moves: dict[Path_, Path_] = {}

    def walk(c: Any, m: Any, p: Path_) -> None:
        if isinstance(c, dict) and isinstance(m, dict):
            for k, v in c.items():
                if k in m:
                    walk(v, m[k], p + (k,))
        elif isinstance(c, list) and isinstance(m, list):
            names = [x.get("name") if isinstance(x, dict) else None for x in m]
            for j, item in enumerate(c):
                name = item.get("name") if isinstance(item, dict) else None
                k = names.index(name) if isinstance(name, str) and name in names else j
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
    """Apply ``key.path=value`` overrides (values parsed as YAML; list items by index or ``name``).

    Raises:
        ScenarioError: located at the ``--set`` argument, when one cannot be applied.
    """
    return _apply_overrides(data, sets)[0]


def _apply_overrides(
    data: dict[str, Any], sets: list[str]
) -> tuple[dict[str, Any], list[tuple[Path_, str]]]:
    """Apply overrides; also return each one's resolved key path (list names turned to indices)."""
    data = copy.deepcopy(data)
    applied: list[tuple[Path_, str]] = []
    for item in sets:
        where = f"--set {clip(item, 80)}"

        def fail(key: str, msg: str, where: str = where) -> ScenarioError:
            return ScenarioError([Problem(where, None, None, clip(key, 80), msg)])

        if "=" not in item:
            raise fail("", "expected key.path=value")
        key, raw = item.split("=", 1)
        if not key.strip() or any(not part for part in key.split(".")):
            raise fail(key, "expected a key path such as traffic.vessels before '='")
        try:
            value = parse_value(raw)
        except ValueError as exc:
            raise fail(key, str(exc)) from None
        parts = key.split(".")
        node: Any = data
        resolved: list[Any] = []
        for j, part in enumerate(parts):
            last = j == len(parts) - 1
            if isinstance(node, list):
                idx = _list_index(node, part, key, fail)
                resolved.append(idx)
                if last:
                    node[idx] = value
                else:
                    node = node[idx]
            elif isinstance(node, dict):
                resolved.append(part)
                if last:
                    node[part] = value
                else:
                    node = node.setdefault(part, {})
            else:
                raise fail(key, f"{'.'.join(parts[:j])} is a value, not a section")
        applied.append((tuple(resolved), where))
    return data, applied


def _list_index(node: list[Any], part: str, key: str, fail: Any) -> int:
    if re.fullmatch(r"-?[0-9]{1,9}", part):
        i = int(part)
        if -len(node) <= i < len(node):
            return i % len(node)
        raise fail(key, f"index {i} out of range (the list has {len(node)} items)")
    names = [x.get("name") for x in node if isinstance(x, dict)]
    if part in names:
        return names.index(part)
    shown = [n for n in names if isinstance(n, str)]
    raise fail(key, f"no item named {clip(part, 60)!r}.{suggest(part, shown)}")


def _mark_overrides(marks: Marks, applied: list[tuple[Path_, str]]) -> Marks:
    """Locate every key an override set (and everything under it) at its ``--set`` argument."""
    out = dict(marks)
    for path, where in applied:
        for key in [k for k in out if k[: len(path)] == path]:
            del out[key]
        for n in range(1, len(path) + 1):  # sections the override created are its own too
            if path[:n] not in out:
                out[path[:n]] = (where, None, None)  # type: ignore[assignment]
    return out


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


# pydantic adds steps such as "function-after[...]" or "tagged-union[...]" to error locations
_PYDANTIC_STEP = re.compile(r"^[a-z][a-z-]*\[.*\]$", re.S)


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _problems(exc: ValidationError, marks: Marks, file: str) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and _PYDANTIC_STEP.match(p)))
        f, line, col = locate(marks, loc, file)
        path = ".".join(str(p) for p in loc)
        if err["type"] == "extra_forbidden" and loc:
            owner = _model_at(loc[:-1])
            hint = suggest(str(loc[-1]), list(owner.model_fields)) if owner else ""
            msg = (
                f"unknown key {clip(str(loc[-1]), 60)!r}.{hint}"
                if hint
                else (f"unknown key {clip(str(loc[-1]), 60)!r}")
            )
            if owner:
                msg += f" Expected one of: {', '.join(owner.model_fields)}."
        elif err["type"] == "missing":
            msg = "required key is missing"
        else:
            found = f"; found {_describe(err.get('input'))}" if "input" in err else ""
            text = err["msg"].removeprefix("Value error, ").removeprefix("Input should be ")
            msg = f"expected {text[:1].lower() + text[1:]}{found}"
            if err["type"] == "finite_number":
                msg = f"expected a finite number; found {_describe(err.get('input'))}"
            elif err["type"] == "too_short":
                least = (err.get("ctx") or {}).get("min_length", 1)
                msg = f"expected at least {least} item{'s' if least != 1 else ''}{found}"
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
    marks: Marks
    if isinstance(source, dict):
        data, marks, file = copy.deepcopy(source), {}, "<dict>"
    else:
        path = Path(source)
        data, marks = _resolve_file(path)
        file = str(path)
    if overrides:
        data, applied = _apply_overrides(data, overrides)
        marks = _mark_overrides(marks, applied)
    try:
        scenario = Scenario.model_validate(data, context={"relations_checked_by_loader": True})
    except ValidationError as exc:
        raise ScenarioError(_problems(exc, marks, file)) from None
    problems = []
    for loc, msg in consistency_problems(scenario):
        f, line, col = locate(marks, loc, file)
        problems.append(Problem(f, line, col, ".".join(map(str, loc)), f"expected {msg}"))
    if problems:
        raise ScenarioError(problems)
    if check_theater:
        problems = check_relations(scenario, marks, file)
        if problems:
            raise ScenarioError(problems)
    return scenario


def scenario_hash(scenario: Scenario) -> str:
    """Stable hash of the resolved scenario (defaults filled in)."""
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
