"""Geography layer: real shorelines, a metric CRS, maritime zones, places, areas, routing.

Public API (see each module for details)::

    theater = load_theater("korea")            # or load_theater(bbox=(10, 53, 30, 66))
    theater.zone_at(125.0, 38.6)               # Zone(state='PRK', kind='territorial', ...)
    theater.route("Nampo", "Dalian").length_nm
"""

from __future__ import annotations

from sim.geo.places import AREA_KINDS, PLACE_KINDS, Area
from sim.geo.routing import PREFER_FACTOR, Route
from sim.geo.sovereignty import STATE_CODES
from sim.geo.theater import (
    PLACE_SNAP_MAX_NM,
    PORT_CLEARANCE_NM,
    ROUTE_SNAP_MAX_NM,
    THEATER_PRESETS,
    Place,
    Theater,
    load_theater,
    sample_points_in_polygon,
)
from sim.geo.zones import ZONE_KINDS, Zone

__all__ = [
    "AREA_KINDS",
    "PLACE_KINDS",
    "PLACE_SNAP_MAX_NM",
    "PORT_CLEARANCE_NM",
    "PREFER_FACTOR",
    "ROUTE_SNAP_MAX_NM",
    "STATE_CODES",
    "THEATER_PRESETS",
    "ZONE_KINDS",
    "Area",
    "Place",
    "Route",
    "Theater",
    "Zone",
    "load_theater",
    "sample_points_in_polygon",
]
