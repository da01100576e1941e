"""Scenario-declared geography and reference targets.

``places`` and ``areas`` add bases, ports and sea areas given as coordinates to the theater's
own (any theater, the land-free ``open_water`` included). ``reference_targets`` are inert
points or straight-line tracks that every sensor of the run may detect; they never react,
are never reported to the cell and draw from their own random streams, so declaring them
leaves every other result of the run unchanged. The run reports when each was detected and
by which asset (``RunResult.reference``): "would this track have been seen under this
patrol plan?"
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.scenarios.base import Frozen, LonLat, Name, param

__all__ = ["PlaceSpec", "AreaSpec", "ReferenceTarget"]

REFERENCE_TARGETS_MAX = 20000
"""Most reference targets one scenario may declare (assumption: each is checked against every
sensor plan)."""


class PlaceSpec(Frozen):
    """A place given by its coordinates: a port, naval base, air base or gate."""

    name: Name = Field(description="Name that asset bases and traffic places refer to.")
    lon: float = param(unit="deg", ge=-180, le=180, description="Longitude.")
    lat: float = param(unit="deg", ge=-90, le=90, description="Latitude.")
    kind: Literal["port", "naval_base", "air_base", "gate"] = Field(
        "port",
        description="What the place is. Ports and bases are moved to the nearest water (as "
        "the theater's own places are); air bases stay where they are given.",
    )
    state: str = Field("", description="Coastal state (ISO alpha-3), '' if none.")


class AreaSpec(Frozen):
    """A sea area given as a polygon of [lon, lat] vertices."""

    name: Name = Field(description="Name that strategies and programs refer to.")
    polygon: tuple[LonLat, ...] = Field(
        min_length=3,
        description="Vertices as [lon, lat] points, in order (the ring closes itself). Edges "
        "are straight in the theater's metric frame; the area is clipped to water.",
    )
    kind: str = Field("patrol", description="Label (patrol, hotspot, ...).")


class ReferenceTarget(Frozen):
    """An inert target: a fixed point, or a straight-line track at constant speed."""

    name: Name = Field(description="Label in the reference table.")
    start: LonLat = Field(description="[lon, lat] at ``from_h``.")
    end: LonLat | None = Field(
        None, description="[lon, lat] at ``until_h`` (a straight track); none: a fixed point."
    )
    from_h: float = param(
        0.0, unit="h", ge=0, description="Simulated hour at which the target appears."
    )
    until_h: float | None = param(
        None,
        unit="h",
        gt=0,
        description="Simulated hour at which it disappears (none: the end of the run).",
    )

    @model_validator(mode="after")
    def _window(self) -> ReferenceTarget:
        """A window that ends after it begins; a track needs an end time to set its speed."""
        if self.until_h is not None and self.until_h <= self.from_h:
            raise ValueError(f"until_h after from_h ({self.from_h:g}); found {self.until_h:g}")
        if self.end is not None and self.until_h is None:
            raise ValueError("until_h for a track with an 'end' (it sets the speed)")
        return self
