"""The scenario schema: every parameter declared once, with unit, bounds, default and source.

The same declarations drive validation (pydantic), the JSON Schema printed by
``sanctions-sim schema``, and the reference page ``docs/scenarios.md``.
Objects are frozen: the model receives plain, immutable values and never sees YAML.

Sources refer to sections of ``docs/sources.md`` (the calibration
fact sheet); "assumption" marks an engineering judgement with no public figure.
"""

from __future__ import annotations

import datetime

from pydantic import Field, ValidationInfo, model_validator

from sim.scenarios.actors_schema import Designation, Designations, StateCooperation
from sim.scenarios.base import Frozen, Name, param
from sim.scenarios.cell_schema import Classification, Coordination, Pursuit, Rules
from sim.scenarios.optimize_schema import Optimize
from sim.scenarios.patrols_schema import AssetGroup, Sensor, Strategy
from sim.scenarios.programs_schema import Program, Traffic
from sim.scenarios.reference_schema import (
    REFERENCE_TARGETS_MAX,
    AreaSpec,
    PlaceSpec,
    ReferenceTarget,
)
from sim.scenarios.traffic_schema import Fishing, FishingFleet

__all__ = [
    "Scenario",
    "Traffic",
    "Fishing",
    "FishingFleet",
    "Program",
    "AssetGroup",
    "Sensor",
    "Strategy",
    "Coordination",
    "Classification",
    "Rules",
    "Pursuit",
    "PlaceSpec",
    "AreaSpec",
    "ReferenceTarget",
    "StateCooperation",
    "Designation",
    "Designations",
    "Frozen",
    "param",
]


class Scenario(Frozen):
    """A complete, validated situation: theater, traffic, smugglers, patrols, rules, settings."""

    name: Name = Field(description="Short identifier.")
    description: str = Field(description="What this scenario represents.")
    article_quote: str | None = Field(
        None, description="The sentence of the article this scenario models."
    )
    calibration: str | None = Field(
        None, description="Which public figures this scenario reproduces."
    )
    theater: str = Field("korea", description="Theater name (korea, open_water).")
    start_date: datetime.date = Field(
        datetime.date(2018, 1, 1),
        description=(
            "Calendar date (UTC midnight) at simulation hour 0; output tables carry a datetime "
            "column beside each hour column. Default: the crackdown year (assumption: the "
            "2018 scenarios model the year 2018; baseline_2017 sets 2017-01-01)."
        ),
    )
    duration_days: float = param(365.0, unit="days", gt=0, le=3650, description="Simulated time.")
    warmup_days: float = param(
        0.0,
        unit="days",
        ge=0,
        le=365,
        description="Initial period whose voyages are excluded from the metrics.",
    )
    seed: int = param(2018, unit="-", ge=0, description="Default root seed.")
    replications: int = param(
        10, unit="replications", ge=1, le=100000, description="Default replications."
    )
    record_tracks: bool = Field(
        False, description="Keep sampled vessel tracks (for maps and AIS analytics)."
    )
    traffic: Traffic = Field(default_factory=Traffic)
    fishing: Fishing = Field(default_factory=Fishing)
    programs: tuple[Program, ...] = Field((), description="Illicit supply programs.")
    assets: tuple[AssetGroup, ...] = Field((), description="Allied patrol asset groups.")
    designations: Designations = Field(default_factory=Designations)
    coordination: Coordination = Field(default_factory=Coordination)
    classification: Classification = Field(default_factory=Classification)
    rules: Rules = Field(default_factory=Rules)
    pursuit: Pursuit = Field(default_factory=Pursuit)
    places: tuple[PlaceSpec, ...] = Field(
        (), description="Places given as coordinates, added to the theater's own."
    )
    areas: tuple[AreaSpec, ...] = Field(
        (), description="Sea areas given as [lon, lat] polygons, added to the theater's own."
    )
    reference_targets: tuple[ReferenceTarget, ...] = Field(
        (),
        max_length=REFERENCE_TARGETS_MAX,
        description="Inert points or straight tracks whose detections are reported "
        "(``RunResult.reference``); they change nothing else in the run.",
    )
    optimize: Optimize | None = Field(
        None,
        exclude=True,
        description="What `sanctions-sim optimize` searches over (not read by the model, not part "
        "of the scenario hash).",
    )

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Scenario:
        """Relations between fields (``sim.scenarios.relations``); the loader locates its own."""
        if not (info.context or {}).get("relations_checked_by_loader"):
            from sim.scenarios.relations import consistency_problems

            found = consistency_problems(self)
            if found:
                raise ValueError("; ".join(f"{'.'.join(map(str, p))}: {m}" for p, m in found))
        return self

    @property
    def duration_h(self) -> float:
        """Simulated time in hours."""
        return self.duration_days * 24.0

    def __repr__(self) -> str:
        """One line (the full model is ``model_dump()``; pydantic's repr runs to ~9,000 chars)."""
        return (
            f"Scenario({self.name!r}, theater={self.theater!r}, start={self.start_date}, "
            f"{self.duration_days:g} days, {len(self.programs)} programs, "
            f"{sum(g.count for g in self.assets)} assets in {len(self.assets)} groups, "
            f"{self.traffic.vessels} legitimate vessels)"
        )
