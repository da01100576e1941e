"""The patrol-allocation problem as scenarios: one scenario per (allocation, smuggler response).

An allocation ``i`` gives every allocated asset group one strategy kind over the declared
areas with a share of its effort in a main area; a response ``j`` sets the responding programs'
rendezvous mix and AIS-dark share. Each pair is the base scenario's data with those fields
replaced, validated by `sim.load_scenario` like any file (so a bad area name is a located
error), and run through `sim.experiments.run_replications` with the scenario's own seed: the
same replication index draws the same streams in every cell (common random numbers).

Caveat (until the per-component random streams land, issue #14): one generator feeds traffic,
smugglers and patrols, so two cells share their streams but not, in general, their smuggler
schedules; paired differences are then noisier than they will be, and selection needs more
replications to settle. The procedures stay valid (they estimate the variances they see).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import UserError

__all__ = [
    "Allocation",
    "Response",
    "allocations",
    "responses",
    "allocated_groups",
    "cell_data",
    "objective",
    "follower_payoff",
    "OBJECTIVE_LABELS",
    "check_spec",
]

OBJECTIVE_LABELS = {
    "cargo_denied_share": "cargo denied share",
    "interception_rate": "interception rate",
    "barrels_vs_cap": "minus petroleum delivered (multiples of the UN cap)",
}


@dataclass(frozen=True)
class Allocation:
    """One patrol allocation (the declared one has ``kind`` None)."""

    label: str
    kind: str | None = None
    main_area: str | None = None
    share: float | None = None

    @property
    def declared(self) -> bool:
        """Whether this is the scenario's own allocation."""
        return self.kind is None


@dataclass(frozen=True)
class Response:
    """One smuggler response (``None`` fields keep the declared behaviour)."""

    label: str
    rendezvous: tuple[tuple[str, float], ...] | None = None
    dark_share: float | None = None

    @property
    def declared(self) -> bool:
        """Whether this is the behaviour as declared (the non-adaptive smugglers)."""
        return self.rendezvous is None and self.dark_share is None


def _no_spec(scenario: Any) -> UserError:
    return UserError(
        f"scenario {scenario.name!r} has no 'optimize:' section: declare the candidates "
        "(optimize.candidates.areas, strategies, shares) as in scenarios/crackdown_2018.yaml; "
        "see docs/scenarios.md"
    )


def allocations(scenario: Any) -> list[Allocation]:
    """The candidate allocations: the declared one (if included), then areas x kinds x shares."""
    spec = scenario.optimize
    if spec is None:
        raise _no_spec(scenario)
    c = spec.candidates
    out = [Allocation("as declared")] if c.include_declared else []
    for kind in c.strategies:
        for area in c.areas:
            for share in c.shares if len(c.areas) > 1 else (1.0,):
                label = f"{kind} {area}" + (f" {share:.0%}" if share < 1 else "")
                out.append(Allocation(label, kind, area, float(share)))
    unique: dict[str, Allocation] = {}
    for a in out:
        unique.setdefault(a.label, a)
    return list(unique.values())


def responses(scenario: Any) -> list[Response]:
    """The smugglers' possible responses: as declared (if included), then mixes x dark shares."""
    spec = scenario.optimize
    if spec is None:
        raise _no_spec(scenario)
    s = spec.smugglers
    out = [Response("as declared")] if s.include_declared else []
    mixes: list[tuple[str, tuple[tuple[str, float], ...]] | None] = [
        (name, tuple((k, float(v) / sum(m.values())) for k, v in m.items()))
        for name, m in s.rendezvous.items()
    ] or [None]
    darks: list[float | None] = list(s.dark_shares) or [None]
    for mix in mixes:
        for dark in darks:
            if mix is None and dark is None:
                continue
            parts = []
            if mix is not None:
                parts.append(mix[0])
            if dark is not None:
                parts.append(f"dark {dark:.0%}")
            out.append(Response(", ".join(parts), None if mix is None else mix[1], dark))
    if not out:
        raise UserError(
            "optimize.smugglers: no responses (include_declared is false and no rendezvous mixes "
            "or dark_shares are declared)"
        )
    return out


def allocated_groups(scenario: Any) -> list[str]:
    """Names of the asset groups the allocation changes (checked against the scenario)."""
    spec = scenario.optimize
    names = [g.name for g in scenario.assets]
    chosen = list(spec.assets) or [g.name for g in scenario.assets if g.kind != "satellite"]
    unknown = [n for n in chosen if n not in names]
    if unknown:
        raise UserError(
            f"optimize.assets: no asset group named {', '.join(map(repr, unknown))} in scenario "
            f"{scenario.name!r} (groups: {', '.join(names)})"
        )
    sats = [g.name for g in scenario.assets if g.name in chosen and g.kind == "satellite"]
    if sats:
        raise UserError(f"optimize.assets: satellites cannot be re-allocated: {', '.join(sats)}")
    if not chosen:
        raise UserError("optimize.assets: the scenario has no patrol asset groups to allocate")
    return chosen


def _responding_programs(scenario: Any) -> list[str]:
    spec = scenario.optimize
    names = [p.name for p in scenario.programs]
    chosen = list(spec.smugglers.programs) or names
    unknown = [n for n in chosen if n not in names]
    if unknown:
        raise UserError(
            f"optimize.smugglers.programs: no program named {', '.join(map(repr, unknown))} in "
            f"scenario {scenario.name!r} (programs: {', '.join(names)})"
        )
    return chosen


def check_spec(scenario: Any, theater: Any) -> None:
    """Check the optimize section's names against the scenario and theater (located errors)."""
    spec = scenario.optimize
    if spec is None:
        raise _no_spec(scenario)
    allocated_groups(scenario)
    _responding_programs(scenario)
    known = set(theater.areas["name"])
    problems = []
    for a in spec.candidates.areas:
        if a not in known:
            problems.append(f"optimize.candidates.areas: unknown area {a!r}")
    for name, mix in spec.smugglers.rendezvous.items():
        for a in mix:
            if a not in known:
                problems.append(f"optimize.smugglers.rendezvous.{name}: unknown area {a!r}")
    if problems:
        raise UserError(
            "; ".join(problems)
            + f" (areas of the {scenario.theater} theater: "
            + ", ".join(sorted(known))
            + ")"
        )


def _scaled_counts(scenario: Any, groups: list[dict[str, Any]]) -> None:
    """Scale allocated groups' counts to spend a declared budget (in place)."""
    budget = scenario.optimize.budget
    days = float(scenario.duration_days)
    for kinds, total, per_unit in (
        (("warship", "coast_guard"), budget.ship_days, lambda g: days * _at_sea(g)),
        (("aircraft",), budget.flight_hours, lambda g: days * 24.0 * _at_sea(g)),
    ):
        if total is None:
            continue
        sel = [g for g in groups if g["kind"] in kinds]
        if not sel:
            raise UserError(
                f"optimize.budget: a {'ship-day' if 'warship' in kinds else 'flight-hour'} budget "
                "is declared but no allocated asset group is of that kind"
            )
        declared = sum(max(1, g["count"]) for g in sel)
        for g in sel:
            units = total * max(1, g["count"]) / declared / per_unit(g)
            g["count"] = max(1, int(round(units)))


def _at_sea(group: dict[str, Any]) -> float:
    """Fraction of time a unit is out (sortie or patrol) rather than in turnaround."""
    return float(group["endurance_h"]) / (
        float(group["endurance_h"]) + float(group["turnaround_h"])
    )


def _strategy(
    kind: str, areas: list[str], weights: list[float] | None, old: dict[str, Any]
) -> dict[str, Any]:
    """A strategy dict of ``kind`` over ``areas``, keeping the old one's geometry settings."""
    s = {k: v for k, v in old.items() if k in ("track_spacing_nm", "barrier", "dwell_h")}
    s.update(kind=kind, areas=areas, weights=weights)
    return s


def _apply_allocation(data: dict[str, Any], scenario: Any, alloc: Allocation) -> None:
    spec = scenario.optimize
    names = allocated_groups(scenario)
    areas = list(spec.candidates.areas)
    assert alloc.kind is not None and alloc.main_area is not None  # not the declared allocation
    kind, main_area = alloc.kind, alloc.main_area
    rest = [a for a in areas if a != main_area]
    share = 1.0 if alloc.share is None else alloc.share
    new_assets: list[dict[str, Any]] = []
    for g in data["assets"]:
        if g["name"] not in names:
            new_assets.append(g)
            continue
        old = g.get("strategy") or {}
        if alloc.kind == "hotspot" or not rest or share >= 1.0:
            order = [main_area, *rest] if share < 1.0 else [main_area]
            weights = [share, *([(1 - share) / len(rest)] * len(rest))] if share < 1 else None
            g = {**g, "strategy": _strategy(kind, order, weights, old)}
            new_assets.append(g)
            continue
        # other kinds: split the group's units between the main area and the others
        main_n = max(1, int(round(share * g["count"])))
        main = {
            **g,
            "count": main_n,
            "strategy": _strategy(kind, [main_area], None, old),
        }
        new_assets.append(main)
        if g["count"] - main_n > 0:
            other = {
                **g,
                "name": f"{g['name']}_rest",
                "count": g["count"] - main_n,
                "strategy": _strategy(kind, rest, None, old),
            }
            new_assets.append(other)
    data["assets"] = new_assets


def _apply_response(data: dict[str, Any], scenario: Any, resp: Response) -> None:
    chosen = set(_responding_programs(scenario))
    for p in data["programs"]:
        if p["name"] not in chosen:
            continue
        if resp.rendezvous is not None:
            p["rendezvous_areas"] = [a for a, _ in resp.rendezvous]
            p["rendezvous_weights"] = [w for _, w in resp.rendezvous]
        if resp.dark_share is not None:
            p["foreign_dark_probability"] = resp.dark_share


def cell_data(
    scenario: Any, alloc: Allocation, resp: Response, *, evaluation: bool = True
) -> dict[str, Any]:
    """The scenario data of one (allocation, response) cell, ready for `sim.load_scenario`.

    Args:
        scenario: the base scenario (with an ``optimize`` section).
        alloc: the patrol allocation.
        resp: the smugglers' response.
        evaluation: shorten to ``optimize.duration_days`` (False: keep the scenario's own
            duration, for the runnable ``optimum.yaml``).
    """
    data = copy.deepcopy(scenario.model_dump(mode="json"))  # `optimize` is excluded
    groups = [g for g in data["assets"] if g["name"] in allocated_groups(scenario)]
    _scaled_counts(scenario, groups)
    if not alloc.declared:
        _apply_allocation(data, scenario, alloc)
    if not resp.declared:
        _apply_response(data, scenario, resp)
    spec = scenario.optimize
    if evaluation and spec.duration_days is not None:
        data["duration_days"] = float(spec.duration_days)
        data["warmup_days"] = min(float(data["warmup_days"]), float(spec.duration_days) / 2)
    return data


def _check_rows(rows: pd.DataFrame, where: str) -> None:
    if "error" in rows and rows["error"].fillna("").astype(str).str.len().gt(0).any():
        first = rows.loc[rows["error"].fillna("").astype(str).str.len() > 0, "error"].iloc[0]
        raise UserError(f"{where}: a replication failed: {first}")


def objective(rows: pd.DataFrame, scenario: Any, where: str = "optimize") -> np.ndarray:
    """The patrol side's objective per replication row (larger is better).

    ``cargo_denied_share`` or ``interception_rate`` as measured, or ``barrels_vs_cap`` =
    minus refined petroleum delivered per year over the UN cap; minus
    ``escalation_penalty`` per escalation incident. A replication with no finished voyage has
    no rate: it is an error (lengthen ``optimize.duration_days``).
    """
    spec = scenario.optimize
    _check_rows(rows, where)
    raw = _raw(rows, spec)
    if np.isnan(raw).any():
        raise UserError(
            f"{where}: the objective {spec.objective} is undefined in some replication (no voyage "
            "ended); lengthen optimize.duration_days"
        )
    pen = spec.escalation_penalty * rows["escalation_incidents"].to_numpy(dtype=float)
    return np.asarray(raw - pen)


def _raw(rows: pd.DataFrame, spec: Any) -> np.ndarray:
    if spec.objective == "barrels_vs_cap":
        return np.asarray(
            -rows["barrels_delivered_per_year"].to_numpy(dtype=float) / spec.un_cap_bbl_per_year
        )
    return np.asarray(rows[spec.objective].to_numpy(dtype=float))


def follower_payoff(rows: pd.DataFrame, scenario: Any) -> np.ndarray:
    """The smugglers' payoff per replication: minus the objective before any escalation penalty."""
    _check_rows(rows, "optimize")
    return np.asarray(-_raw(rows, scenario.optimize))
