"""Enforcement outside the warships' own boardings: ports, claimed waters, zones, dates.

Small functions that the entities call at a few points, kept here so that each entity
stays what it is (the referee a referee, the register a register):

- ``call_at_port``: port-state control when an illicit vessel calls at a foreign port
  (``sim.model.port_state``), the channel of every 2017-2018 detention (domain.md §4);
  ``detained_on_departure`` applies it as a laden feeder leaves port;
- ``watch_claimed_waters``: each allied entry into DPRK-claimed waters is an escalation
  incident, in every scenario (``sim.model.claimed_waters``, domain.md §8);
- ``in_blockade_zone``: whether a position lies in the declared blockade zone;
- ``hours_from_start`` and ``shared_picture_now``: dated changes of posture (domain.md §5);
- ``schedule_reship``: demand that reacts (a lost shipment is sent again).
"""

from __future__ import annotations

import datetime
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from sim.geo.zonemap import CLAIM_IN, CLAIM_MAYBE
from sim.model import claimed_waters, port_state
from sim.model.records import EventKind as K
from sim.model.records import Reason as R

if TYPE_CHECKING:
    from sim.model.assets import Asset
    from sim.model.context import RunContext
    from sim.model.illicit import IllicitVessel, Voyage
    from sim.model.voyage_world import VoyageWorld
    from sim.model.waters import ZoneAt
    from sim.scenarios.schema import Rules, Scenario

__all__ = [
    "hours_from_start",
    "shared_picture_now",
    "in_dprk_claimed_xy",
    "watch_claimed_waters",
    "in_blockade_zone",
    "port_of",
    "listed_port_risk",
    "call_at_port",
    "detained_on_departure",
    "schedule_reship",
]


def hours_from_start(scenario: Scenario, date: datetime.date | None) -> float:
    """Simulation hour of a calendar date (0 for None or a date before the start)."""
    if date is None:
        return 0.0
    return max(0.0, (date - scenario.start_date).days * 24.0)


def shared_picture_now(scenario: Scenario, now_h: float) -> bool:
    """Whether the coordination cell shares one picture at hour ``now_h``."""
    co = scenario.coordination
    return co.shared_picture and now_h >= hours_from_start(scenario, co.shared_picture_from)


def in_dprk_claimed_xy(theater: Any, x_m: Any, y_m: Any) -> np.ndarray:
    """True where a metric position lies in DPRK territorial sea or its 50 nm military zone.

    The metric claim raster (``Theater.dprk_claim_xy``) decides the points it is sure of;
    only those at the zone's edge or coast are looked up by :func:`_claimed_by_zone`, as
    all points were before, so the answer is the same, point for point.
    """
    x = np.atleast_1d(np.asarray(x_m, dtype=float)).ravel()
    y = np.atleast_1d(np.asarray(y_m, dtype=float)).ravel()
    code = theater.dprk_claim_xy(x, y)
    out = code == CLAIM_IN
    todo = np.flatnonzero((code == CLAIM_MAYBE) | ~np.isfinite(x) | ~np.isfinite(y))
    if len(todo):
        out[todo] = _claimed_by_zone(theater, x[todo], y[todo])
    return out


def _claimed_by_zone(theater: Any, x_m: np.ndarray, y_m: np.ndarray) -> np.ndarray:
    """:func:`in_dprk_claimed_xy` from the lon/lat zone lookup (exact land polygons)."""
    lon, lat = theater.to_lonlat(x_m, y_m)
    z = theater.zone_at(np.atleast_1d(lon), np.atleast_1d(lat))
    state, kind = np.asarray(z.state), np.asarray(z.kind)
    return np.asarray(z.dprk_military_zone, dtype=bool) | (
        (state == "PRK") & (kind == "territorial")
    )


def watch_claimed_waters(ctx: RunContext, a: Asset) -> None:
    """Schedule an escalation incident at each entry of the asset's new plan into claimed waters."""
    legs = a.track.legs
    if not len(legs) or a.kind == "satellite":
        return
    _, _, x0, y0, x1, y1 = a.track.bounds  # every sampled position lies on the legs
    if not ctx.theater.dprk_claim_box(x0, y0, x1, y1):
        return  # far from the claimed waters: no entry (the samples would all say outside)
    now = ctx.env.now
    x, y = a.track.position(max(now, float(legs[0, 0])))
    inside = in_dprk_claimed_xy(ctx.theater, [x], [y])
    times = claimed_waters.entry_times(
        legs,
        lambda xs, ys: in_dprk_claimed_xy(ctx.theater, xs, ys),
        from_h=now,
        was_inside=bool(inside[0]),
    )
    for t in times:
        ctx.at(t, _entered, ctx, a, a.track.version)


def _entered(ctx: RunContext, a: Asset, version: int) -> None:
    if a.track.version != version:
        return  # re-planned since: the entry did not happen as planned
    ctx.log(
        K.ESCALATION, asset=a.aid, xy=a.track.position(ctx.env.now), reason=R.ENTERED_DPRK_WATERS
    )


def in_blockade_zone(
    areas: Callable[[str], shapely.Geometry], rules: Rules, xy: Any, zone: ZoneAt
) -> bool:
    """Whether a position lies in the declared blockade zone.

    DPRK-claimed waters and the scenario's ``blockade_zone_areas``, less the territorial sea
    of any other state (a blockade of the DPRK gives no right to stop ships in Chinese or
    Russian territorial waters).
    """
    if zone.dprk_zone:
        return True
    if zone.kind == "territorial" and zone.state not in ("", "PRK"):
        return False
    return any(
        bool(shapely.contains_xy(areas(n), float(xy[0]), float(xy[1])))
        for n in rules.blockade_zone_areas
    )


def port_of(theater: Any, xy: Any) -> tuple[str, str]:
    """(name, state) of the port at a metric position, or ('', '') if it is not a port."""
    ports = theater.ports
    cols = _PORT_COLUMNS.get(theater)
    if cols is None or cols[0] is not ports:
        # the table is the theater's and fixed: its columns are read once, not at every call
        cols = (ports, *(ports[c].to_numpy() for c in ("x_m", "y_m", "kind", "name", "state")))
        _PORT_COLUMNS[theater] = cols
    _, x, y, kind, names, states = cols
    d = np.hypot(x - float(xy[0]), y - float(xy[1]))
    i = int(np.argmin(d))
    if d[i] > 1000.0 or kind[i] != "port":
        return "", ""
    return str(names[i]), str(states[i])


_PORT_COLUMNS: weakref.WeakKeyDictionary[Any, tuple[Any, ...]] = weakref.WeakKeyDictionary()
"""Per theater: its ports table and the columns :func:`port_of` reads."""


def listed_port_risk(theater: Any, rules: Rules, name: str) -> float:
    """Chance that the state of the named place detains a listed vessel calling there.

    0 for a gate (no port state), a DPRK port, or a state that does not inspect.
    """
    place = theater.place(name)
    if place.kind != "port":
        return 0.0
    return port_state.inspection_probability(rules, place.state, listed=True, reported=False)


def call_at_port(ctx: RunContext, reported: set[str], v: IllicitVessel, xy: Any) -> bool:
    """Port-state control as the vessel calls at the port at ``xy``; True if it is detained.

    Args:
        ctx: the run context (scenario, streams, log).
        reported: ids of the illicit vessels allied assets reported as suspects.
        v: the calling vessel.
        xy: the port's metric position.

    A detained laden vessel has its cargo seized (logged ``seizure``; the caller settles the
    voyage); an empty one is logged ``vessel_detained``. The vessel is marked seized.
    """
    name, state = port_of(ctx.theater, xy)
    if not state or state == "PRK":
        return False
    rng = ctx.streams.get(f"port_state/{v.vid}")
    if not port_state.detains(ctx.scenario.rules, state, v, v.vid in reported, rng):
        return False
    v.seized = True
    ctx.log(
        K.SEIZURE if v.cargo_t > 0 else K.DETAINED,
        vessel=v.vid,
        voyage=v.voyage.vid,
        xy=xy,
        cargo_t=v.cargo_t,
        place=name,
        reason=R.PORT_STATE_WATCHLIST if v.watchlisted else R.PORT_STATE_REPORTED,
    )
    return True


def detained_on_departure(m: VoyageWorld, v: Voyage) -> bool:
    """Port-state control as a laden foreign giver leaves its port; True if detained there.

    The voyage then ends ``seized`` before it began; its partner never sails.
    """
    g = v.giver
    if g is None or g.dprk or g.cargo_t <= 0 or not m.call_at_port(g, g.home_xy):
        return False
    v.seized_t += g.cargo_t
    g.cargo_t = 0.0
    v.settle("seized", m.env.now)
    for vessel in v.vessels:
        m.retire(vessel)
    v.phase = "done"
    return True


def schedule_reship(m: VoyageWorld, v: Voyage) -> None:
    """Demand reacts: a shipment that did not arrive is attempted again after a delay.

    Up to the program's ``max_reship_attempts`` further voyages, each ``reship_delay_days``
    after the previous attempt ended, carrying the same cargo.
    """
    p = v.program
    if v.outcome == "delivered" or v.attempt >= p.max_reship_attempts:
        return
    m.at(m.env.now + p.reship_delay_days * 24.0, m.start_voyage, p, v)
