"""Relations between fields that a single field's bounds cannot express, each reported where it is.

Two stages: ``consistency_problems`` needs only the scenario (warm-up shorter than the
run, one weight per area, unique names, a strategy that has somewhere to patrol), and
``check_relations`` also needs the theater (places and areas exist, areas are water,
aircraft reach them). Every relation the model would otherwise trip over at run time
belongs here, so that a file that validates also runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.errors import Problem, UserError, suggest
from sim.scenarios.yaml_reader import Marks
from sim.units import NM_M

if TYPE_CHECKING:  # schema.py imports this module to check relations while validating
    from sim.geo.additions import ExtendedTheater
    from sim.geo.theater import Theater
    from sim.scenarios.schema import Scenario

__all__ = ["consistency_problems", "check_relations", "Located"]

Path_ = tuple[Any, ...]
Located = list[tuple[Path_, str]]
"""(key path, message) pairs."""


def consistency_problems(scenario: Scenario) -> Located:
    """Relations within a scenario that the model relies on (no theater needed)."""
    found: Located = []
    if scenario.warmup_days >= scenario.duration_days:
        found.append(
            (
                ("warmup_days",),
                f"a warm-up shorter than the run (duration_days {scenario.duration_days:g}); "
                f"found {scenario.warmup_days:g}, which would leave no time to measure "
                "(shorten it, e.g. --set warmup_days=0)",
            )
        )
    for key, label in (("programs", "program"), ("assets", "asset group")):
        first: dict[str, int] = {}
        for i, item in enumerate(getattr(scenario, key)):
            if item.name in first:
                found.append(
                    (
                        (key, i, "name"),
                        f"a unique {label} name; {item.name!r} is already used by "
                        f"{key}[{first[item.name]}]",
                    )
                )
            first.setdefault(item.name, i)
    for i, p in enumerate(scenario.programs):
        if p.rendezvous_weights is not None and len(p.rendezvous_weights) != len(
            p.rendezvous_areas
        ):
            found.append(
                (
                    ("programs", i, "rendezvous_weights"),
                    f"{len(p.rendezvous_areas)} weights, one per rendezvous area; "
                    f"found {len(p.rendezvous_weights)}",
                )
            )
    for i, g in enumerate(scenario.assets):
        base: Path_ = ("assets", i, "strategy")
        st = g.strategy
        if st.kind != "barrier" and not st.areas and g.kind != "satellite":
            found.append((base + ("areas",), f"at least one area for a {st.kind} strategy"))
        if st.kind == "barrier" and not st.barrier and not st.areas:
            found.append(
                (base, "a barrier strategy with 'barrier' (two [lon, lat] points) or an area")
            )
        if st.weights is not None and len(st.weights) != len(st.areas):
            found.append(
                (
                    base + ("weights",),
                    f"{len(st.areas)} weights, one per area; found {len(st.weights)}",
                )
            )
    return found


def _outside(bbox: tuple[float, float, float, float], points: Iterable[tuple[float, float]]) -> str:
    """A message when a [lon, lat] point lies outside the theater's box, else ''."""
    lon0, lat0, lon1, lat1 = bbox
    for lon, lat in points:
        if not (lon0 <= lon <= lon1 and lat0 <= lat <= lat1):
            return (
                f"points inside the theater (lon {lon0:g} to {lon1:g}, lat {lat0:g} to {lat1:g}); "
                f"found [{lon:g}, {lat:g}]"
            )
    return ""


def check_relations(scenario: Scenario, marks: Marks, file: str) -> list[Problem]:
    """Checks against the theater: names exist, areas are water, aircraft reach their areas."""
    from sim.geo import load_theater
    from sim.geo.additions import with_places_and_areas

    problems: list[Problem] = []

    def add(loc: Path_, msg: str) -> None:
        f, line, col = locate(marks, loc, file)
        problems.append(Problem(f, line, col, ".".join(str(p) for p in loc), msg))

    try:
        theater = load_theater(scenario.theater)
    except UserError as exc:
        add(("theater",), str(exc))
        return problems
    try:  # the scenario's own places and areas, given as coordinates
        theater = with_places_and_areas(theater, scenario.places, scenario.areas)
    except UserError as exc:
        add(("areas",) if "area" in str(exc) else ("places",), str(exc))
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

    port_state = dict(zip(theater.ports["name"], theater.ports["state"], strict=True))
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
    for j, n in enumerate(scenario.traffic.places or ()):
        place(("traffic", "places", j), n)
    for i, fleet in enumerate(scenario.fishing.at_sea):
        for j, n in enumerate(fleet.home_ports):
            place(("fishing", "fleets", i, "home_ports", j), n)
        for j, n in enumerate(fleet.grounds):
            area(("fishing", "fleets", i, "grounds", j), n)
    for j, n in enumerate(scenario.rules.blockade_zone_areas):
        area(("rules", "blockade_zone_areas", j), n)
    for i, g in enumerate(scenario.assets):
        base = ("assets", i)
        if g.base is not None:
            place(base + ("base",), g.base)
        ok_areas = [
            n for j, n in enumerate(g.strategy.areas) if area(base + ("strategy", "areas", j), n)
        ]
        if g.strategy.barrier:
            outside = _outside(theater.bbox, g.strategy.barrier)
            if outside:
                add(base + ("strategy", "barrier"), outside)
                continue
            on_land = _barrier_on_land(theater, g.strategy.barrier)
            if on_land:
                add(base + ("strategy", "barrier"), on_land)
        if g.kind == "aircraft" and g.base in places:
            for msg in _beyond_range(theater, g.base, g.range_nm, ok_areas):
                add(base + ("strategy", "areas"), msg)
    return problems


def _barrier_on_land(
    theater: Theater | ExtendedTheater, barrier: tuple[tuple[float, float], tuple[float, float]]
) -> str:
    """A message when the barrier line crosses land (sampled at 64 points), else ''."""
    (lo0, la0), (lo1, la1) = barrier
    f = np.linspace(0.0, 1.0, 64)
    water = np.asarray(theater.is_water(lo0 + f * (lo1 - lo0), la0 + f * (la1 - la0)))
    if water.all():
        return ""
    k = int(np.argmin(water))
    return (
        f"the barrier line runs on land near ({lo0 + f[k] * (lo1 - lo0):.2f}E, "
        f"{la0 + f[k] * (la1 - la0):.2f}N); expected a line over water"
    )


def _beyond_range(
    theater: Theater | ExtendedTheater, base: str, range_nm: float, areas: list[str]
) -> list[str]:
    """A message for each area whose centroid lies beyond an aircraft's range from its base."""
    bx, by = theater.place(base).x_m, theater.place(base).y_m
    out = []
    for n in areas:
        c = theater.area(n).polygon_xy.centroid
        dist_nm = ((c.x - bx) ** 2 + (c.y - by) ** 2) ** 0.5 / NM_M
        if dist_nm > range_nm:
            out.append(
                f"area {n!r} is {dist_nm:.0f} nm from {base}, beyond the "
                f"aircraft's range_nm of {range_nm:.0f}"
            )
    return out


def locate(marks: Marks, loc: Path_, default_file: str) -> tuple[str, int | None, int | None]:
    """The mark of ``loc`` or of its nearest located ancestor."""
    for n in range(len(loc), -1, -1):
        if loc[:n] in marks:
            return marks[loc[:n]]
    return default_file, None, None
