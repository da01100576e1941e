"""Render the scenario reference (docs/scenarios.md) from the schema declarations."""

from __future__ import annotations

import functools
import operator
import re
import types
import typing
from typing import Any

from pydantic import BaseModel

from sim.scenarios.schema import Scenario

__all__ = ["render_reference"]


def _plain(ann: Any) -> Any:
    """The annotation without ``Annotated`` constraints (they are listed under bounds)."""
    if typing.get_origin(ann) is typing.Annotated:
        return _plain(typing.get_args(ann)[0])
    args = typing.get_args(ann)
    if not args:
        return ann
    plain = tuple(_plain(a) for a in args)
    origin = typing.get_origin(ann)
    if origin in (typing.Union, types.UnionType):
        return functools.reduce(operator.or_, plain)
    return typing.cast(Any, origin)[plain if len(plain) > 1 else plain[0]]


def _type_name(ann: Any) -> str:
    text = re.sub(r"sim\.scenarios\.\w+\.", "", str(_plain(ann)).replace("typing.", ""))
    return text.replace("<class '", "").replace("'>", "").replace(" | ", " or ")


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
        bounds = []
        for m in f.metadata:
            for op in ("ge", "gt", "le", "lt"):
                if hasattr(m, op):
                    sym = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}[op]
                    bounds.append(f"{sym} {getattr(m, op)}")
        if f.is_required():
            default = "required"
        elif f.default_factory is not None:
            made = f.get_default(call_default_factory=True)
            default = "see below" if isinstance(made, BaseModel) else f"`{made}`"
        else:
            default = f"`{f.default}`"
        desc = (f.description or "").replace("\n", " ").replace("|", "/")
        out.append(
            f"| `{name}` | {_type_name(f.annotation)} | "
            f"{extra.get('unit', '')} | {', '.join(bounds)} | "
            f"{default} | {desc} | {extra.get('source', '')} |"
        )
        for inner in (f.annotation, *typing.get_args(f.annotation)):
            for cand in (inner, *typing.get_args(inner)):
                if isinstance(cand, type) and issubclass(cand, BaseModel):
                    suffix = "[]" if typing.get_origin(f.annotation) is tuple else ""
                    nested.append((cand, f"{path}.{name}{suffix}" if path else f"{name}{suffix}"))
    for cand, p in nested:
        _section(cand, p, out, seen)


def render_reference() -> str:
    """The Markdown reference of every scenario key.

    Generated: do not edit docs/scenarios.md by hand.
    """
    out = [
        "# Scenario reference",
        "",
        (
            "Generated from `sim/scenarios/schema.py` by "
            "`sanctions-sim schema --markdown`; do not edit by hand."
        ),
        (
            "Every parameter has a unit, bounds, a default and "
            "a source (a section of the calibration fact sheet,"
        ),
        (
            "`domain.md`) or the word *assumption*. A scenario "
            "may `extends: other.yaml` and override values;"
        ),
        "lists of named items (`programs`, `assets`) merge by `name`.",
    ]
    _section(Scenario, "", out, set())
    return "\n".join(out) + "\n"
