"""The base of every scenario part: frozen, unknown keys refused, numbers finite, booleans strict.

Two YAML habits make wrong input look valid, and pydantic's lax mode accepts both:
``yes``/``no``/``on``/``off`` are booleans in YAML 1.1, and a boolean is an integer to
Python, so ``vessels: yes`` would mean one vessel; and ``.nan``/``.inf`` are floats, which
pass every ``ge``/``le`` bound test by comparing false. Both are refused here, once, for
every field of every model: a boolean only where the schema declares one, and no
number that is not finite (``allow_inf_nan=False``).
"""

from __future__ import annotations

import typing
from functools import cache
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

__all__ = [
    "StrictFrozen",
    "Frozen",
    "param",
    "Range",
    "SpeedRange",
    "NAME_MAX_CHARS",
    "Name",
    "Names",
    "Weights",
    "NamedWeights",
    "Probabilities",
    "LonLat",
]


@cache
def _mentions_bool(annotation: Any) -> bool:
    """Whether a type annotation admits a boolean anywhere (``bool``, ``bool | None``, ...)."""
    if annotation is bool:
        return True
    return any(_mentions_bool(a) for a in typing.get_args(annotation))


@cache
def _is_plain_bool(annotation: Any) -> bool:
    """Whether the annotation is ``bool`` or ``bool | None``."""
    args = set(typing.get_args(annotation)) - {type(None)}
    return annotation is bool or (bool(args) and args <= {bool})


@cache
def _mentions_model(annotation: Any) -> bool:
    """Whether a type annotation contains a model (whose own fields are checked by themselves)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_mentions_model(a) for a in typing.get_args(annotation))


def _find_bool(value: Any, depth: int = 0) -> bool:
    if isinstance(value, bool):
        return True
    if depth < 4 and isinstance(value, (list, tuple)):
        return any(_find_bool(v, depth + 1) for v in value)
    if depth < 4 and isinstance(value, dict):
        return any(_find_bool(v, depth + 1) for v in value.values())
    return False


class StrictFrozen(BaseModel):
    """Base for scenario parts: immutable, unknown keys rejected, no NaN/inf, strict booleans."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _strict_booleans(cls, value: Any, info: ValidationInfo) -> Any:
        """Refuse true/false (YAML's yes/no/on/off too) where no boolean belongs, and vice versa."""
        field = cls.model_fields.get(info.field_name or "")
        if field is None:
            return value
        ann: Any = field.annotation
        if _mentions_model(ann):
            return value
        if _is_plain_bool(ann):
            if value is not None and not isinstance(value, bool):
                raise ValueError("true or false")
            return value
        if not _mentions_bool(ann) and _find_bool(value):
            raise ValueError(
                "a value, not true/false (YAML reads yes, no, on and off as booleans; "
                "quote them if you mean text)"
            )
        return value


def _some_weight(value: Any) -> Any:
    """Relative weights must not all be zero: nothing could then be drawn."""
    values = value.values() if isinstance(value, dict) else value
    if values is not None and len(values) and not sum(values) > 0:
        raise ValueError("weights that are not all zero")
    return value


NAME_MAX_CHARS = 80
"""Longest name of a scenario, asset group or program, characters (assumption: names label
tables and figures, and a scenario's name becomes its run folder's name)."""

Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX_CHARS)]
"""A label: not empty, at most ``NAME_MAX_CHARS`` characters."""
Names = Annotated[tuple[str, ...], Field(min_length=1)]
"""At least one name (the model draws one of them)."""
Weights = Annotated[tuple[Annotated[float, Field(ge=0)], ...], AfterValidator(_some_weight)]
"""Relative weights: non-negative, not all zero."""
NamedWeights = Annotated[
    dict[str, Annotated[float, Field(ge=0)]], Field(min_length=1), AfterValidator(_some_weight)
]
"""Relative weights by name: at least one, non-negative, not all zero."""
Probabilities = dict[str, Annotated[float, Field(ge=0, le=1)]]
"""Probabilities by name, each in [0, 1]."""
LonLat = tuple[Annotated[float, Field(ge=-180, le=180)], Annotated[float, Field(ge=-90, le=90)]]
"""A ``[longitude, latitude]`` point in degrees."""


def _ordered(value: tuple[float, float]) -> tuple[float, float]:
    """Ranges are written ``[low, high]``; reject them reversed."""
    if value[0] > value[1]:
        raise ValueError(f"a range [low, high] with low <= high, got [{value[0]}, {value[1]}]")
    return value


Range = Annotated[
    tuple[Annotated[float, Field(ge=0)], Annotated[float, Field(ge=0)]], AfterValidator(_ordered)
]
"""``[low, high]``, both non-negative (durations, cargo)."""
SpeedRange = Annotated[
    tuple[Annotated[float, Field(gt=0, le=25)], Annotated[float, Field(gt=0, le=25)]],
    AfterValidator(_ordered),
]
"""``[low, high]`` vessel speeds in knots.

Positive and at most 25 (``sim.model.MAX_VESSEL_SPEED_KN``).
"""


def param(
    default: Any = ...,
    *,
    unit: str,
    description: str,
    source: str = "assumption",
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
) -> Any:
    """Declare one scenario parameter.

    Unit, bounds, default, description and source in one place.
    """
    return Field(
        default,
        ge=ge,
        le=le,
        gt=gt,
        description=description,
        json_schema_extra={"unit": unit, "source": source},
    )


class Frozen(StrictFrozen):
    """Base for scenario parts: immutable, no unknown keys, finite numbers, strict booleans."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
