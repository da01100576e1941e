"""Render the scenario reference (docs/scenarios.md) and the JSON Schema from the declarations.

Types are written as a scenario file's author reads them ("list of strings", "[number,
number]", "one of `a`, `b`"), never as Python's typing repr, and the bounds of list items
(``Annotated`` inside a tuple) are listed too. Sources cite sections of ``docs/sources.md``,
which ships with the repository; the schema's source strings say "domain §N" (the team's name
for the same sheet), and :func:`cite` turns that into a pointer to the file.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim import __version__
from sim.scenarios.schema import Scenario

__all__ = [
    "render_reference",
    "json_schema",
    "cite",
    "type_text",
    "bounds_text",
    "SOURCES_FILE",
    "SCHEMA_ID",
]

SOURCES_FILE = "docs/sources.md"
"""The references file, in the repository, that every "domain §N" source cites."""

SCHEMA_ID = f"https://sanctions-sim.invalid/schema/scenario-{__version__}.json"
"""The JSON Schema's ``$id``: a stable name for this version of the scenario format (the
reserved ``.invalid`` domain says it is a name, not a download address)."""

_CITATION = re.compile(r"\bdomain(?:\.md)? (?:§ ?|section )(\d+(?:\.\d+)?)|\bdomain\.md\b")

_NAMES: dict[Any, tuple[str, str]] = {
    float: ("number", "numbers"),
    int: ("integer", "integers"),
    str: ("string", "strings"),
    bool: ("true/false", "true/false values"),
    dt.date: ("date (YYYY-MM-DD)", "dates (YYYY-MM-DD)"),
    type(None): ("null", "nulls"),
}

_OPS = (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<"))


def cite(text: str, *, markdown: bool = False) -> str:
    """A source with its "domain §N" citations pointing at ``docs/sources.md``.

    ``domain.md §1.5: 8,500-17,000 bbl`` reads ``docs/sources.md §1.5: 8,500-17,000 bbl``, or
    in Markdown a link to the section, ``[sources §1.5](sources.md#s1-5)`` (the page sits
    beside docs/scenarios.md).
    """

    def one(m: re.Match[str]) -> str:
        section = m.group(1)
        if not markdown:
            return f"{SOURCES_FILE} §{section}" if section else SOURCES_FILE
        if not section:
            return "[sources](sources.md)"
        return f"[sources §{section}](sources.md#s{section.replace('.', '-')})"

    return _CITATION.sub(one, text)


def _strip(ann: Any) -> tuple[Any, list[Any]]:
    """The annotation without ``Annotated``, and the constraint objects it carried."""
    meta: list[Any] = []
    while typing.get_origin(ann) is typing.Annotated:
        args = typing.get_args(ann)
        ann, meta = args[0], [*meta, *args[1:]]
    return ann, meta


def _name(ann: Any, plural: bool = False) -> str:
    ann, _ = _strip(ann)
    if ann in _NAMES:
        return _NAMES[ann][plural]
    return type_text(ann)


def type_text(ann: Any) -> str:
    """A type as a scenario file's author reads it.

    ``tuple[str, ...]`` is "list of strings", ``tuple[float, float]`` is "[number, number]",
    ``Literal['a', 'b']`` is "one of `a`, `b`", ``X | None`` is "X or null", and a model is
    its class name (its keys have their own section).
    """
    ann, _ = _strip(ann)
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin is typing.Literal:
        return "one of " + ", ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(type_text(a) for a in args)
    if origin in (tuple, list) and (len(args) == 2 and args[1] is Ellipsis or origin is list):
        item, _ = _strip(args[0])
        if typing.get_origin(item) is typing.Literal:
            return "list, each " + type_text(item)
        return "list of " + _name(item, plural=True)
    if origin is tuple:
        return "[" + ", ".join(type_text(a) for a in args) + "]"
    if origin is dict:
        return f"mapping of {_name(args[0], plural=True)} to {_name(args[1], plural=True)}"
    if ann in _NAMES:
        return _NAMES[ann][0]
    if isinstance(ann, type):
        return ann.__name__
    return str(ann).replace("typing.", "")


def _num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) and abs(value) < 1e6 else f"{value}"


def _constraints(meta: list[Any], what: str) -> list[str]:
    """Bounds and lengths from pydantic/annotated-types constraint objects."""
    out = []
    for m in meta:
        if isinstance(m, FieldInfo):
            out += _constraints(list(m.metadata), what)
            continue
        for op, sym in _OPS:
            if getattr(m, op, None) is not None:
                out.append(f"{sym} {_num(getattr(m, op))}")
        lo, hi = getattr(m, "min_length", None), getattr(m, "max_length", None)
        if lo is not None and hi is not None:
            out.append(f"{lo} to {hi} {what}s")
        elif lo is not None:
            out.append(f"at least {lo} {what}{'s' if lo != 1 else ''}")
        elif hi is not None:
            out.append(f"at most {hi} {what}{'s' if hi != 1 else ''}")
    return out


def bounds_text(field: FieldInfo) -> str:
    """The field's bounds, with those of its items: ">= 0", "each > 0, <= 25", "at least 1 item".

    Args:
        field: a model field (``Model.model_fields[name]``).
    """
    ann, meta = _strip(field.annotation)
    kind = "character" if ann is str else "item"
    parts = _constraints([*field.metadata, *meta], kind)
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin in (typing.Union, types.UnionType):  # X | None: the bounds of X
        inner = [a for a in args if a is not type(None)]
        if len(inner) == 1:
            ann, meta = _strip(inner[0])
            parts += _constraints(meta, kind)
            origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin is tuple and args:
        items = [a for a in args if a is not Ellipsis]
        each = [_constraints(_strip(a)[1], "character") for a in items]
        if len({tuple(e) for e in each}) == 1 and each[0]:
            parts.append("each " + ", ".join(each[0]))
        elif any(each):
            parts += [f"item {i + 1} {', '.join(e)}" for i, e in enumerate(each) if e]
    if origin is dict and len(args) == 2:
        values = _constraints(_strip(args[1])[1], "character")
        if values:
            parts.append("each value " + ", ".join(values))
    return ", ".join(parts)


def _models_in(ann: Any) -> list[type[BaseModel]]:
    ann, _ = _strip(ann)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return [ann]
    return [m for a in typing.get_args(ann) for m in _models_in(a)]


def _default_text(f: FieldInfo) -> str:
    if f.is_required():
        return "required"
    if f.default_factory is not None:
        made = f.get_default(call_default_factory=True)
        return "see below" if isinstance(made, BaseModel) else f"`{_yaml(made)}`"
    return f"`{_yaml(f.default)}`"


def _yaml(value: Any) -> str:
    """A default as it would be written in a scenario file (lists in brackets, null)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml(v)}" for k, v in value.items()) + "}"
    return _num(value) if isinstance(value, float) else str(value)


def _section(cls: type[BaseModel], path: str, out: list[str], seen: set[type]) -> None:
    if cls in seen:
        return
    seen.add(cls)
    out.append(f"\n## `{path or '(top level)'}` — {cls.__name__}\n")
    out.append((cls.__doc__ or "").strip() + "\n")
    out.append("| key | type | unit | bounds | default | description | source |")
    out.append("|---|---|---|---|---|---|---|")
    nested = []
    for name, f in cls.model_fields.items():
        extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
        desc = cite((f.description or "").replace("\n", " "), markdown=True).replace("|", "/")
        source = cite(str(extra.get("source", "")), markdown=True).replace("|", "/")
        out.append(
            f"| `{name}` | {type_text(f.annotation).replace('|', '/')} | "
            f"{extra.get('unit', '')} | {bounds_text(f)} | "
            f"{_default_text(f)} | {desc} | {source} |"
        )
        ann, _ = _strip(f.annotation)
        suffix = "[]" if typing.get_origin(ann) in (tuple, list) else ""
        for model in _models_in(f.annotation):
            nested.append((model, f"{path}.{name}{suffix}" if path else f"{name}{suffix}"))
    for cand, p in nested:
        _section(cand, p, out, seen)


def render_reference() -> str:
    """The Markdown reference of every scenario key.

    Generated: do not edit docs/scenarios.md by hand.
    """
    out = [
        "# Scenario reference",
        "",
        "Generated from `sim/scenarios/schema.py` by `sanctions-sim schema --markdown`; do not "
        "edit by hand.",
        "Every parameter has a unit, bounds, a default and a source (a section of",
        "[`sources.md`](sources.md), the public facts the scenarios are calibrated on) or the",
        "word *assumption*. A scenario may `extends: other.yaml` and override values; lists of",
        "named items (`programs`, `assets`) merge by `name`. Lists are written `[a, b]` or as",
        "YAML `- ` items; `null` leaves an optional value unset.",
    ]
    _section(Scenario, "", out, set())
    return "\n".join(out) + "\n"


def _cite_sources(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: cite(v) if k == "source" and isinstance(v, str) else _cite_sources(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_cite_sources(v) for v in node]
    return node


_PARTIAL = "_override"
"""Suffix of the schema definitions that a file with ``extends:`` is checked against."""


def _override(node: Any) -> Any:
    """The same schema with no key required anywhere, its references to the same variants.

    A file that ``extends`` another holds only what it changes, and a list item that overrides
    one of the parent's (merged by ``name``) holds only its name and the changed keys.
    """
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "required":
                continue
            if k == "$ref" and isinstance(v, str) and v.startswith("#/$defs/"):
                out[k] = v + _PARTIAL
            else:
                out[k] = _override(v)
        return out
    if isinstance(node, list):
        return [_override(v) for v in node]
    return node


EXTENDS = {
    "type": "string",
    "description": "A scenario file this one changes (a path relative to this file): its keys "
    "override the parent's, and list items (programs, assets) merge by name.",
}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files, as editors and validators take it.

    Pydantic's schema with a ``$schema`` (the draft it follows, 2020-12), an ``$id`` naming
    this version of the format, an ``extends`` key, and each ``source`` pointing at
    ``docs/sources.md``. A file without ``extends`` must be complete (the required keys are
    required); one with it is checked key by key but need not repeat what it inherits.
    """
    body = _cite_sources(Scenario.model_json_schema())
    defs = body.pop("$defs", {})
    body["properties"] = {"extends": EXTENDS, **body["properties"]}
    full = {k: v for k, v in body.items() if k not in ("title", "description")}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "$comment": (
            f"sanctions-sim {__version__} scenario file; generated by `sanctions-sim schema`. "
            f"'source' values cite sections of {SOURCES_FILE} in the repository."
        ),
        "title": body.get("title", "Scenario"),
        "description": body.get("description", ""),
        "type": "object",
        "properties": _override(full["properties"]),  # what an editor completes from
        "if": {"required": ["extends"]},
        "then": _override(full),
        "else": full,
        "$defs": {**defs, **{k + _PARTIAL: _override(v) for k, v in defs.items()}},
    }
