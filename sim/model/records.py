"""Typed records collected during a run, and the documented columns of the output tables.

Records are plain NamedTuples appended to lists in the hot path (cheap), and
turned into DataFrames once, at the end of the run. Column names are constants
here and documented in ``EVENT_COLUMNS``, ``VOYAGE_COLUMNS``, ``ASSET_COLUMNS``
(rendered into ``docs/outputs.md``).
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "Event",
    "EventKind",
    "EVENT_KINDS",
    "EVENT_COLUMNS",
    "VOYAGE_COLUMNS",
    "ASSET_COLUMNS",
    "SUMMARY_COLUMNS",
    "TRACK_COLUMNS",
    "OUTCOMES",
]


class EventKind:
    """Names of event kinds (strings, so tables stay readable)."""

    VOYAGE_START = "voyage_start"
    DEPART = "depart"
    ARRIVE_RENDEZVOUS = "arrive_rendezvous"
    TRANSFER_START = "transfer_start"
    TRANSFER_END = "transfer_end"
    TRANSFER_ABORTED = "transfer_aborted"
    RELOCATE = "relocate"
    DELIVERY = "delivery"
    RETURN_HOME = "return_home"
    AIS_OFF = "ais_off"
    AIS_ON = "ais_on"
    DETECTION = "detection"
    SUSPECT_REPORT = "suspect_report"
    DISPATCH = "dispatch"
    DATUM_LOST = "datum_lost"
    INTERCEPT = "intercept"
    BOARDING = "boarding"
    SEIZURE = "seizure"
    DIVERSION = "diversion"
    RELEASE = "release"
    FALSE_POSITIVE_BOARDING = "false_positive_boarding"
    ESCALATION = "escalation_incident"
    SORTIE_START = "sortie_start"
    SORTIE_END = "sortie_end"
    SATELLITE_PASS = "satellite_pass"


EVENT_KINDS: dict[str, str] = {
    EventKind.VOYAGE_START: "An illicit voyage begins (cargo loaded for outbound legs).",
    EventKind.DEPART: "A vessel leaves a port or place.",
    EventKind.ARRIVE_RENDEZVOUS: "A vessel reaches its rendezvous point and waits for its partner.",
    EventKind.TRANSFER_START: "Two vessels come alongside and start a ship-to-ship transfer.",
    EventKind.TRANSFER_END: "A transfer completes; cargo is now on the receiving vessel.",
    EventKind.TRANSFER_ABORTED: "A transfer or direct run was halted because allies were present.",
    EventKind.RELOCATE: "Smugglers move an observed transfer to another rendezvous area.",
    EventKind.DELIVERY: "Cargo reaches its destination port (DPRK port for petroleum, foreign port for coal).",
    EventKind.RETURN_HOME: "A vessel returns to its home port (with or without cargo).",
    EventKind.AIS_OFF: "A vessel switches its AIS transponder off.",
    EventKind.AIS_ON: "A vessel switches its AIS transponder back on.",
    EventKind.DETECTION: "An allied sensor detects a vessel (contact); detail says how it was classified.",
    EventKind.SUSPECT_REPORT: "A contact is reported as suspect (to the cell or to own forces).",
    EventKind.DISPATCH: "A warship is ordered to intercept a suspect.",
    EventKind.DATUM_LOST: "A dispatched warship failed to regain the suspect and gave up.",
    EventKind.INTERCEPT: "A warship closes with a suspect and hails it.",
    EventKind.BOARDING: "A warship boards a vessel.",
    EventKind.SEIZURE: "A vessel and its cargo are seized.",
    EventKind.DIVERSION: "A vessel is directed to a port for inspection (flag state refused boarding).",
    EventKind.RELEASE: "An intercepted vessel is let go (no consent, no jurisdiction, or nothing found).",
    EventKind.FALSE_POSITIVE_BOARDING: "A legitimate vessel was intercepted and boarded.",
    EventKind.ESCALATION: "Action inside DPRK-claimed waters or a blockade stop: an escalation incident.",
    EventKind.SORTIE_START: "An aircraft takes off or a ship leaves port for patrol.",
    EventKind.SORTIE_END: "An aircraft lands or a ship returns to port.",
    EventKind.SATELLITE_PASS: "A satellite images an area.",
}


class Event(NamedTuple):
    """One row of the ``events`` table (see ``EVENT_COLUMNS``)."""

    t_h: float
    kind: str
    vessel: str
    asset: str
    voyage: int
    x_m: float
    y_m: float
    cargo_t: float
    detail: str


EVENT_COLUMNS: dict[str, str] = {
    "t_h": "Simulation time in hours from the scenario start.",
    "kind": "Event kind; see EVENT_KINDS.",
    "vessel": "Vessel identifier ('L12' legitimate, 'F3' foreign feeder/carrier, 'D3' DPRK vessel), or ''.",
    "asset": "Allied asset identifier ('us_p8#0'), or ''.",
    "voyage": "Illicit voyage number, or -1.",
    "x_m": "Easting in the theater's metric CRS (metres).",
    "y_m": "Northing in the theater's metric CRS (metres).",
    "cargo_t": "Cargo concerned, tonnes (0 when not applicable).",
    "detail": "Free text: classification, outcome reason, area name.",
    "lon": "Longitude, degrees east (added at the end of the run).",
    "lat": "Latitude, degrees north (added at the end of the run).",
    "state": "Coastal state whose zone contains the position (ISO alpha-3, '' on the high seas).",
    "zone": "Zone kind at the position: territorial, contiguous, eez, high_seas.",
}

OUTCOMES: dict[str, str] = {
    "delivered": "Cargo reached its destination.",
    "seized": "Vessel boarded and cargo seized.",
    "diverted": "Vessel directed to port for inspection by its flag state; cargo held.",
    "disrupted": "Transfer or delivery aborted because allies were present; cargo returned.",
    "failed": "The partners never met (one gave up waiting); cargo returned. Not caused by allies.",
    "in_transit": "Still under way when the simulation ended.",
}

VOYAGE_COLUMNS: dict[str, str] = {
    "voyage": "Voyage number within the run.",
    "program": "Supply program name.",
    "commodity": "petroleum (into the DPRK) or coal (out of it).",
    "method": "sts (ship-to-ship transfer) or direct.",
    "rendezvous_area": "Area of the transfer ('' for direct).",
    "foreign_vessel": "Foreign vessel id.",
    "dprk_vessel": "DPRK vessel id ('' for direct petroleum runs).",
    "foreign_flag": "Flag of the foreign vessel.",
    "cargo_t": "Cargo loaded, tonnes.",
    "delivered_t": "Cargo delivered, tonnes.",
    "seized_t": "Cargo seized or diverted, tonnes.",
    "returned_t": "Cargo taken back to origin after a disruption or failed meeting, tonnes.",
    "in_transit_t": "Cargo still at sea at the end, tonnes.",
    "outcome": "Outcome; see OUTCOMES.",
    "start_h": "Voyage start time, hours.",
    "end_h": "Time the outcome was settled (NaN while in transit).",
    "detected": "True if any allied sensor detected either vessel during the voyage.",
    "sts_detected": "True if the transfer was detected while in progress.",
    "relocations": "Times the transfer was moved to another area.",
    "counted": "True if the voyage started after the warm-up (metrics use counted voyages only).",
}

ASSET_COLUMNS: dict[str, str] = {
    "asset": "Asset identifier.",
    "group": "Asset group name from the scenario.",
    "kind": "warship, coast_guard, aircraft or satellite.",
    "nation": "Operating nation.",
    "patrol_h": "Hours on station (patrolling, pursuing or boarding).",
    "underway_h": "Hours away from base (ships: at sea; aircraft: airborne).",
    "distance_nm": "Distance covered, nautical miles.",
    "sorties": "Sorties flown (aircraft) or patrols sailed (ships) or passes (satellites).",
    "detections": "Contacts detected.",
    "suspects": "Contacts reported as suspect.",
    "interceptions": "Vessels intercepted (hailed/boarded).",
}

SUMMARY_COLUMNS: dict[str, str] = {
    "voyages_ended": "Counted illicit voyages whose outcome was settled.",
    "voyages_started": "Counted illicit voyages started.",
    "interception_rate": "(seized + diverted) / voyages ended.",
    "disruption_rate": "disrupted / voyages ended (aborted because allies were present).",
    "denial_rate": "(seized + diverted + disrupted) / voyages ended.",
    "cargo_denied_share": "Cargo seized, diverted or returned by disruption / cargo loaded on ended voyages.",
    "sts_transfers": "Transfers completed or started at sea.",
    "sts_detected_in_progress": "Transfers detected while the two ships were alongside.",
    "sts_detected_share": "sts_detected_in_progress / transfers started.",
    "deliveries_petroleum": "Petroleum deliveries to DPRK ports.",
    "deliveries_petroleum_per_year": "Petroleum deliveries, annualised.",
    "barrels_delivered_per_year": "Refined petroleum delivered, barrels per year (UN cap: 500,000).",
    "coal_exported_t_per_year": "Coal delivered to foreign ports, tonnes per year.",
    "seizures": "Voyages ending in seizure.",
    "diversions": "Voyages ending in diversion.",
    "disruptions": "Voyages ending disrupted.",
    "halted_transfers": "Transfers halted on being observed (each halt, including relocated ones).",
    "detections_public": "Voyages with an illicit vessel detected by an aircraft or warship (cf. public notices).",
    "sts_seen_by_satellite_per_year": "Voyages whose transfer was imaged by a satellite, per year.",
    "halted_transfers_per_year": "halted_transfers, annualised.",
    "seizures_per_year": "Seizures and diversions, annualised.",
    "sts_sightings_per_sortie": "Transfers seen in progress by aircraft, per aircraft sortie.",
    "detections_public_per_year": "detections_public, annualised.",
    "false_positive_boardings": "Legitimate vessels boarded.",
    "escalation_incidents": "Escalation incidents.",
    "patrol_hours": "Asset hours away from base (ships and aircraft).",
    "ship_days": "Warship and cutter days away from base.",
    "flight_hours": "Aircraft hours airborne.",
    "patrol_hours_per_interception": "patrol_hours / (seizures + diversions); NaN when none.",
    "years": "Simulated years after warm-up.",
}

TRACK_COLUMNS: dict[str, str] = {
    "vessel": "True vessel identifier ('L12', 'F3', 'D3').",
    "role": "legit, foreign or dprk.",
    "t0_h": "Leg start, hours.",
    "t1_h": "Leg end, hours (position is linear in time within a leg).",
    "x0_m": "Start easting, metres (theater CRS).",
    "y0_m": "Start northing, metres.",
    "x1_m": "End easting, metres.",
    "y1_m": "End northing, metres.",
    "ais_on": "True if the vessel broadcasts AIS on this leg.",
    "identity": "Identity broadcast on this leg: the true id, a spoofed one ('S' + id), or '' when dark.",
    "activity": "transit, wait (loitering at a rendezvous) or sts (alongside another vessel).",
}
"""Columns of the ``tracks`` table (recorded when the scenario sets ``record_tracks``)."""
