"""Check that every bounded numeric scenario parameter refuses values just outside its bounds."""

from __future__ import annotations

import math
import types
import typing
from typing import Any

import annotated_types as at
from pydantic import BaseModel, ValidationError


def numeric_fields(cls: type[BaseModel]) -> list[tuple[str, type, list[Any]]]:
    """(name, int or float, bound metadata) of each plain numeric field declared with ``param``."""
    out = []
    for name, f in cls.model_fields.items():
        ann = f.annotation
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        if isinstance(ann, types.UnionType) or typing.get_origin(ann) is typing.Union:
            ann = args[0] if len(args) == 1 else None
        if ann not in (int, float):
            continue
        bounds = [m for m in f.metadata if isinstance(m, (at.Ge, at.Gt, at.Le, at.Lt))]
        if bounds:
            out.append((name, ann, bounds))
    return out


def _step(kind: type, v: float, up: bool) -> float:
    if kind is int:
        return v + (1 if up else -1)
    return math.nextafter(v, math.inf if up else -math.inf) if v else (1e-9 if up else -1e-9)


def check_bounds(cls: type[BaseModel], required: dict[str, Any]) -> int:
    """Each bound: the limit is accepted (>=, <=) and the first value past it is refused.

    Returns the number of bounds checked, so a caller can tell the check did something.
    """
    n = 0
    for name, kind, bounds in numeric_fields(cls):
        for b in bounds:
            if isinstance(b, at.Ge):
                inside, outside = b.ge, _step(kind, b.ge, up=False)
            elif isinstance(b, at.Gt):
                inside, outside = _step(kind, b.gt, up=True), b.gt
            elif isinstance(b, at.Le):
                inside, outside = b.le, _step(kind, b.le, up=True)
            else:
                inside, outside = _step(kind, b.lt, up=False), b.lt
            value = kind(inside)
            assert getattr(cls(**required, **{name: value}), name) == value, (cls.__name__, name)
            try:
                cls(**required, **{name: kind(outside)})
            except ValidationError as exc:
                assert name in str(exc), (cls.__name__, name)
            else:
                raise AssertionError(f"{cls.__name__}.{name}={outside} was accepted")
            n += 1
    return n
