"""The ``optimize:`` section of a scenario: what `sanctions-sim optimize` changes and scores.

Declared once here, like the rest of the schema (unit, bounds, default, description, source),
and attached to `Scenario` as ``optimize``. The model never reads it: the section is excluded
from the scenario's serialisation (so it does not change ``scenario_hash`` and every candidate
scenario is a plain scenario without it).

The decision is a patrol *allocation*: every asset group named in ``assets`` gets one strategy
kind over the declared areas, with a share of its effort in the first area. The smugglers'
*response* is a rendezvous-area mix and an AIS-dark share for the named programs. See
``sim.optimize.problem`` for how each (allocation, response) pair becomes a scenario.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.scenarios.base import Frozen, param

__all__ = ["Optimize", "OptimizeCandidates", "OptimizeSmugglers", "OptimizeBudget"]

StrategyKind = Literal["random", "sweep", "barrier", "hotspot", "station", "cued"]


class OptimizeCandidates(Frozen):
    """The patrol allocations to compare: areas x strategies x share of effort."""

    areas: tuple[str, ...] = Field(
        description="Patrol areas (names from `sanctions-sim map`). Each candidate puts its main "
        "effort in one of them and the rest of its effort in the others.",
        min_length=1,
    )
    strategies: tuple[StrategyKind, ...] = Field(
        ("hotspot",),
        description="Strategy kinds to try (see assets.strategy.kind). hotspot splits time between "
        "areas by the share; the other kinds split the group's units (rounded, at least one in the "
        "main area).",
        min_length=1,
    )
    shares: tuple[float, ...] = Field(
        (1.0,),
        description="Shares of effort in the main area (fractions in (0, 1]); the remainder is "
        "spread evenly over the other areas. Unit: fraction.",
        min_length=1,
    )
    include_declared: bool = Field(
        True,
        description="Also evaluate the scenario's own allocation (the reference the gain is "
        "measured against).",
    )

    @model_validator(mode="after")
    def _shares_in_range(self) -> OptimizeCandidates:
        bad = [s for s in self.shares if not 0 < s <= 1]
        if bad:
            raise ValueError(f"shares must be fractions in (0, 1], got {bad}")
        if len(set(self.areas)) != len(self.areas):
            raise ValueError("areas must not repeat")
        return self


class OptimizeSmugglers(Frozen):
    """The smugglers' possible responses: rendezvous-area mixes x AIS-dark shares."""

    programs: tuple[str, ...] = Field(
        (), description="Programs whose behaviour responds (default: every program)."
    )
    rendezvous: dict[str, dict[str, float]] = Field(
        {},
        description="Named rendezvous-area mixes, each a map area -> relative weight, e.g. "
        "{yellow_sea_heavy: {ecs_high_seas: 0.3, yellow_sea_central: 0.7}}; empty: as declared.",
    )
    dark_shares: tuple[float, ...] = Field(
        (),
        description="Chances that the foreign vessel goes dark (programs' "
        "foreign_dark_probability); empty: as declared. Unit: probability.",
    )
    include_declared: bool = Field(
        True,
        description="Also include the behaviour as declared (the non-adaptive smugglers the naive "
        "optimum is computed against).",
    )
    response: Literal["best", "quantal"] = Field(
        "best",
        description="best: the smugglers observe the patrol mix and best-respond (strong "
        "Stackelberg equilibrium); quantal: logit quantal response with `rationality`.",
    )
    rationality: float = param(
        50.0,
        unit="1/objective unit",
        ge=0,
        le=1e6,
        description="Logit rationality of a quantal response: 0 plays every response equally, "
        "large "
        "values approach the best response.",
        source="assumption (PROTECT fitted it to human-subject data; none exists for smugglers)",
    )

    @model_validator(mode="after")
    def _valid(self) -> OptimizeSmugglers:
        for mix in self.rendezvous.values():
            if not mix or any(w < 0 for w in mix.values()) or sum(mix.values()) <= 0:
                raise ValueError(
                    f"a rendezvous mix needs areas with non-negative weights, not all zero: {mix}"
                )
        bad = [d for d in self.dark_shares if not 0 <= d <= 1]
        if bad:
            raise ValueError(f"dark_shares must be probabilities in [0, 1], got {bad}")
        return self


class OptimizeBudget(Frozen):
    """A patrol budget other than the scenario's own assets (optional)."""

    ship_days: float | None = param(
        None,
        unit="ship-days",
        gt=0,
        le=1e6,
        description="Ship-days at sea over the simulated period for the allocated warships and "
        "cutters; their count is scaled to spend it (rounded, at least 1).",
    )
    flight_hours: float | None = param(
        None,
        unit="h",
        gt=0,
        le=1e7,
        description="Flight hours over the simulated period for the allocated aircraft; their "
        "count is scaled to spend it (rounded, at least 1).",
    )


class Optimize(Frozen):
    """What `sanctions-sim optimize` searches over, how it scores, and how sure it must be."""

    assets: tuple[str, ...] = Field(
        (),
        description="Asset groups whose patrol is re-allocated (default: every group that is not "
        "a satellite). The others keep their declared strategies.",
    )
    candidates: OptimizeCandidates
    smugglers: OptimizeSmugglers = Field(default_factory=OptimizeSmugglers)
    budget: OptimizeBudget = Field(default_factory=OptimizeBudget)
    objective: Literal["cargo_denied_share", "interception_rate", "barrels_vs_cap"] = Field(
        "cargo_denied_share",
        description="What the patrol side maximises per replication: the cargo denied share, the "
        "interception rate, or minus refined petroleum delivered as a multiple of the UN cap "
        "(barrels_vs_cap; the smugglers maximise the opposite of the objective).",
    )
    un_cap_bbl_per_year: float = param(
        500_000.0,
        unit="bbl/year",
        gt=0,
        le=1e9,
        description="Refined petroleum cap for barrels_vs_cap.",
        source="domain.md: UNSCR 2397 (22 Dec 2017), 500,000 bbl per 12 months from 1 Jan 2018",
    )
    escalation_penalty: float = param(
        0.0,
        unit="objective units per incident",
        ge=0,
        le=1e6,
        description="Subtracted from the patrol side's objective per escalation incident, so "
        "that a "
        "blockade-like answer pays for its risk (the smugglers do not count it).",
    )
    duration_days: float | None = param(
        90.0,
        unit="days",
        gt=0,
        le=3650,
        description="Simulated time of each evaluation (shorter than the scenario's own to keep "
        "the "
        "search affordable; None: the scenario's). The warm-up is kept.",
    )
    time_limit_min: float | None = param(
        None,
        unit="min",
        gt=0,
        le=60 * 24 * 30,
        description="Stop selection after this much wall time (the first stage always completes); "
        "--time-limit overrides it. None: no limit.",
    )
    first_stage: int = param(
        3,
        unit="replications",
        ge=2,
        le=1000,
        description="Replications of every (allocation, response) pair before selection starts "
        "(Kim-Nelson n0).",
    )
    max_replications: int = param(
        8,
        unit="replications",
        ge=2,
        le=100000,
        description="Cap on replications of one allocation during selection.",
    )
    delta: float = param(
        0.02,
        unit="objective units",
        gt=0,
        le=1e9,
        description="Indifference zone: the smallest difference in the objective worth telling "
        "apart (a 2-point difference in cargo denied share by default).",
    )
    alpha: float = param(
        0.05,
        unit="probability",
        gt=0,
        le=0.49,
        description="1 - the promised probability of correct selection.",
    )

    @model_validator(mode="after")
    def _caps(self) -> Optimize:
        if self.max_replications < self.first_stage:
            raise ValueError(
                f"max_replications ({self.max_replications}) must be at least first_stage "
                f"({self.first_stage})"
            )
        return self
