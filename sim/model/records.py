"""Typed records collected during a run, and the documented columns of the output tables.

Records are plain NamedTuples appended to lists in the hot path (cheap), and
turned into DataFrames once, at the end of the run. Column names are constants
here and documented in ``EVENT_COLUMNS``, ``VOYAGE_COLUMNS``, ``ASSET_COLUMNS``
(rendered into ``docs/outputs.md``).
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "Event",
    "EventKind",
    "EVENT_KINDS",
    "Reason",
    "REASONS",
    "ACTIVITIES",
    "ContactClass",
    "CLASSIFICATIONS",
    "IDENTITY_SOURCES",
    "ZONES",
    "EVENT_COLUMNS",
    "VOYAGE_COLUMNS",
    "ASSET_COLUMNS",
    "SUMMARY_COLUMNS",
    "TRACK_COLUMNS",
    "REFERENCE_COLUMNS",
    "OUTCOMES",
]


class EventKind:
    """Names of event kinds (strings, so tables stay readable)."""

    VOYAGE_START = "voyage_start"
    DEPART = "depart"
    TRANSFER_START = "transfer_start"
    TRANSFER_END = "transfer_end"
    TRANSFER_ABORTED = "transfer_aborted"
    RELOCATE = "relocate"
    DELIVERY = "delivery"
    DETECTION = "detection"
    SUSPECT_REPORT = "suspect_report"
    DISPATCH = "dispatch"
    DATUM_LOST = "datum_lost"
    INTERCEPT = "intercept"
    BOARDING = "boarding"
    SEIZURE = "seizure"
    DIVERSION = "diversion"
    DETAINED = "vessel_detained"
    RELEASE = "release"
    FALSE_POSITIVE_BOARDING = "false_positive_boarding"
    ESCALATION = "escalation_incident"
    SORTIE_START = "sortie_start"
    SORTIE_END = "sortie_end"
    SATELLITE_PASS = "satellite_pass"


EVENT_KINDS: dict[str, str] = {
    EventKind.VOYAGE_START: "An illicit voyage begins (cargo loaded for outbound legs).",
    EventKind.DEPART: (
        "A vessel leaves a port or place (place: rendezvous area or destination port; ais: "
        "whether it sails with AIS on)."
    ),
    EventKind.TRANSFER_START: "Two vessels come alongside and start a ship-to-ship transfer.",
    EventKind.TRANSFER_END: "A transfer completes; cargo is now on the receiving vessel.",
    EventKind.TRANSFER_ABORTED: (
        "A transfer or direct run was abandoned; reason says why (halted on sighting an allied "
        "asset, partner late, partner taken or boarded)."
    ),
    EventKind.RELOCATE: "Smugglers move an observed transfer to another rendezvous area (place).",
    EventKind.DELIVERY: (
        "Cargo reaches its destination port (place: a DPRK port for petroleum, a foreign port "
        "for coal)."
    ),
    EventKind.DETECTION: (
        "An allied sensor detects an illicit vessel (one row per contact: a sensor re-planning "
        "at the same instant does not repeat it); classification and identity are what the "
        "operators made of it, reason whether they judged it suspect ('' = not suspect), "
        "activity and ais what the vessel was really doing; x_m, y_m are its true position (the "
        "referee's log)."
    ),
    EventKind.SUSPECT_REPORT: (
        "A contact is reported as suspect (to the cell or to own forces); reason says why; "
        "classification and identity are the contact's (an AIS alert carries the broadcast "
        "identity and no classification); x_m, y_m are the position the cell received: the "
        "sensor's estimate (true position plus its position_error_nm), or the received AIS "
        "report's position."
    ),
    EventKind.DISPATCH: (
        "A warship is ordered to intercept a suspect; x_m, y_m are the datum it is sent to "
        "(the reported, estimated position)."
    ),
    EventKind.DATUM_LOST: "A pursuing warship lost its suspect and gave up; reason says why.",
    EventKind.INTERCEPT: "A warship closes with a suspect and hails it.",
    EventKind.BOARDING: (
        "A warship boards a vessel; the vessel is held (it neither moves nor delivers) until "
        "it is seized or released."
    ),
    EventKind.SEIZURE: (
        "A vessel is seized with the voyage's cargo: exactly one per voyage whose outcome is "
        "seized (the same definition as the voyages table)."
    ),
    EventKind.DIVERSION: (
        "A vessel is directed to a port for inspection with the voyage's cargo (flag state "
        "refused boarding): exactly one per voyage whose outcome is diverted."
    ),
    EventKind.DETAINED: (
        "A vessel without cargo is seized or diverted (a partner before the transfer, a "
        "giver on its way home); the voyage's outcome follows its cargo."
    ),
    EventKind.RELEASE: (
        "An intercepted vessel is let go (no consent, no jurisdiction, nothing found, or the "
        "pursuer broke off); reason says which."
    ),
    EventKind.FALSE_POSITIVE_BOARDING: "A legitimate vessel was intercepted and boarded.",
    EventKind.ESCALATION: (
        "An allied asset entered DPRK-claimed waters, acted inside them, or made a blockade "
        "stop: an escalation incident."
    ),
    EventKind.SORTIE_START: "An aircraft takes off or a ship leaves port for patrol.",
    EventKind.SORTIE_END: "An aircraft lands or a ship returns to port.",
    EventKind.SATELLITE_PASS: "A satellite images an area (place); no position.",
}


class Reason:
    """Codes of the ``reason`` column (strings, so tables stay readable)."""

    # classification of a contact (detection, suspect_report)
    ALONGSIDE = "alongside"
    WATCHLISTED = "watchlisted"
    DARK_CONTACT = "dark_contact"
    FALSE_ALARM = "false_alarm"
    AIS_WATCHLIST = "ais_watchlist"
    AIS_ENCOUNTER = "ais_encounter"
    AIS_LOITERING = "ais_loitering"
    AIS_GAP = "ais_gap"
    # smugglers
    HALTED_ON_SIGHTING = "halted_on_sighting"
    PARTNER_LATE = "partner_late"
    PARTNER_TAKEN = "partner_taken"
    PARTNER_BOARDED = "partner_boarded"
    # pursuit
    NOT_REGAINED = "not_regained"
    OUTRUN = "outrun"
    NO_ROUTE = "no_route"
    RESOLVES_EXHAUSTED = "resolves_exhausted"
    BROKE_OFF_DPRK_WATERS = "broke_off_dprk_waters"
    CUED = "cued"
    # interdiction rules (sim.model.interdiction.decide)
    DPRK_WATERS = "dprk_waters"
    BLOCKADE_STOP = "blockade_stop"
    ALLIED_TERRITORIAL = "allied_territorial_sea"
    DPRK_TERRITORIAL = "dprk_territorial_sea"
    NO_JURISDICTION = "no_jurisdiction"
    COASTAL_STATE_COOPERATES = "coastal_state_cooperates"
    OBSERVE_ONLY = "observe_only"
    STATELESS = "stateless"
    FLAG_REFUSES_ALL = "flag_refuses_all_consent"
    FLAG_CONSENTED = "flag_consented"
    FLAG_REFUSED_DIRECTED = "flag_refused_directed_to_port"
    FLAG_REFUSED = "flag_refused"
    NOTHING_FOUND = "nothing_found"
    COASTAL_STATE_ACTS = "coastal_state_acts"
    PORT_STATE_WATCHLIST = "port_state_watchlist"
    PORT_STATE_REPORTED = "port_state_reported"
    ENTERED_DPRK_WATERS = "entered_dprk_waters"


REASONS: dict[str, str] = {
    Reason.ALONGSIDE: "Seen alongside another vessel (a transfer in progress).",
    Reason.WATCHLISTED: "Identified as a designated (watchlisted) vessel.",
    Reason.DARK_CONTACT: "A vessel not broadcasting AIS, judged suspect.",
    Reason.FALSE_ALARM: "A legitimate vessel judged suspect.",
    Reason.AIS_WATCHLIST: (
        "The cell's AIS watch received a designated identity (spoofed identities are missed)."
    ),
    Reason.AIS_ENCOUNTER: "AIS analytics: two vessels alongside long enough, far enough offshore.",
    Reason.AIS_LOITERING: "AIS analytics: a vessel stopped long enough, far enough offshore.",
    Reason.AIS_GAP: "AIS analytics: an identity heard again after a long silence far offshore.",
    Reason.HALTED_ON_SIGHTING: "Smugglers saw an allied asset close by and halted.",
    Reason.PARTNER_LATE: "The partner did not arrive in time; the early vessel gave up.",
    Reason.PARTNER_TAKEN: "The empty partner was seized or diverted before the transfer.",
    Reason.PARTNER_BOARDED: "A vessel was boarded before the transfer; the meeting is off.",
    Reason.NOT_REGAINED: "The datum search ended without regaining the suspect.",
    Reason.OUTRUN: "The suspect cannot be caught within the pursuit horizon.",
    Reason.NO_ROUTE: "No route over water to the intercept point.",
    Reason.RESOLVES_EXHAUSTED: "pursuit.resolves courses sailed without closing on the suspect.",
    Reason.BROKE_OFF_DPRK_WATERS: "The intercept point lies in DPRK-claimed waters: broke off.",
    Reason.CUED: "An aircraft launched on a cue; vessel is the suspect it was sent for.",
    Reason.DPRK_WATERS: "Inside DPRK-claimed waters and the rules forbid entering them.",
    Reason.BLOCKADE_STOP: "A DPRK-bound vessel stopped under a blockade.",
    Reason.ALLIED_TERRITORIAL: "In the territorial sea of an allied or cooperating state.",
    Reason.DPRK_TERRITORIAL: "In the DPRK territorial sea (only when entering is allowed).",
    Reason.NO_JURISDICTION: "In a third state's territorial sea: no jurisdiction.",
    Reason.COASTAL_STATE_COOPERATES: "A cooperating coastal state acts on its flag in its zone.",
    Reason.OBSERVE_ONLY: "No high-seas boarding under the rules: observe and report only.",
    Reason.STATELESS: "A stateless vessel may be boarded (UNCLOS Art. 110).",
    Reason.FLAG_REFUSES_ALL: "The flag state never consents (nor directs to port).",
    Reason.FLAG_CONSENTED: "The flag state consented to boarding.",
    Reason.FLAG_REFUSED_DIRECTED: "The flag state refused boarding but directed it to port.",
    Reason.FLAG_REFUSED: "The flag state refused consent.",
    Reason.NOTHING_FOUND: "Boarded, no cargo and not designated: released.",
    Reason.COASTAL_STATE_ACTS: (
        "In another state's territorial sea: that state acted on the allied report "
        "(rules.states territorial_action_probability)."
    ),
    Reason.PORT_STATE_WATCHLIST: "Designated vessel inspected and detained by the port state.",
    Reason.PORT_STATE_REPORTED: (
        "Vessel reported by allied assets during its voyage, inspected and detained by the "
        "port state."
    ),
    Reason.ENTERED_DPRK_WATERS: (
        "An allied asset entered DPRK-claimed waters (territorial sea or 50 nm military zone)."
    ),
}
"""Every value the ``reason`` column takes ('' when the event has none)."""

ACTIVITIES: dict[str, str] = {
    "transit": "Under way between places.",
    "wait": "Loitering at a rendezvous for the partner.",
    "sts": "Alongside another vessel (a transfer in progress).",
}
"""Values of the ``activity`` column of events and tracks ('' when not applicable)."""


class ContactClass(StrEnum):
    """What the operators made of a contact (the ``classification`` column).

    Radar alone shows two hulls alongside as one blip; telling them apart needs eyes or
    imagery (``sim.model.classifier``).
    """

    ALONGSIDE = "alongside"
    VESSEL = "vessel"
    UNRESOLVED = "unresolved"


CLASSIFICATIONS: dict[str, str] = {
    ContactClass.ALONGSIDE.value: "Two hulls seen alongside each other (a transfer, or bunkering).",
    ContactClass.VESSEL.value: "One vessel, seen not to be alongside another.",
    ContactClass.UNRESOLVED.value: (
        "Not classified (at night or long range radar shows two hulls alongside as one blip): "
        "one vessel or a pair, the operators cannot tell."
    ),
    "": "Not a sensor contact, or not classified (a pursuer regaining its own suspect).",
}
"""Values of the ``classification`` column of events."""

IDENTITY_SOURCES: dict[str, str] = {
    "visual": "Read on the hull (visual identification or imagery): the true identity.",
    "ais": "Taken from the AIS broadcast: the identity claimed, possibly spoofed.",
    "": "No identity was read (a dark vessel not identified visually), or not a contact.",
}
"""Values of the ``identity_source`` column of events."""

ZONES: dict[str, str] = {
    "territorial": "Within 12 nm of a coast (state: whose).",
    "contiguous": "12-24 nm from a coast.",
    "eez": "24-200 nm from a coast.",
    "high_seas": "More than 200 nm from every coast (state '').",
    "land": (
        "On land: air bases (sortie_start, sortie_end of aircraft) and ports; also a suspect "
        "report or dispatch whose estimated position (truth plus the sensor's error) fell "
        "ashore near a coast."
    ),
    "": "The event has no position (satellite_pass).",
}
"""Values of the ``zone`` column, from the theater's zone raster at the event's position."""


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
    reason: str
    activity: str
    place: str
    ais: str
    classification: str = ""
    classification_p: float = math.nan
    identity: str = ""
    identity_source: str = ""


EVENT_COLUMNS: dict[str, str] = {
    "t_h": "Simulation time in hours from the scenario start.",
    "kind": "Event kind; see EVENT_KINDS.",
    "vessel": (
        "Vessel identifier ('L12' legitimate, 'F3' foreign feeder/carrier, 'D3' DPRK vessel),"
        " or ''."
    ),
    "asset": "Allied asset identifier ('us_p8#0'), or ''.",
    "voyage": "Illicit voyage number, or -1.",
    "x_m": "Easting in the theater's metric CRS (metres).",
    "y_m": "Northing in the theater's metric CRS (metres).",
    "cargo_t": "Cargo concerned, tonnes (0 when not applicable).",
    "reason": "Why, as a code: classification, interdiction rule, cause of a halt; see REASONS.",
    "activity": "What the vessel was doing (detections): transit, wait, sts; see ACTIVITIES.",
    "place": "Area or place concerned: rendezvous area, imaged area, destination port, or ''.",
    "ais": "on or off: the vessel's AIS at the event (detections, departures), or ''.",
    "classification": (
        "What the operators made of a contact (detections, suspect reports): alongside, "
        "vessel or unresolved; see CLASSIFICATIONS ('' otherwise)."
    ),
    "classification_p": (
        "Chance that the contact's sensor, at its range and light, classifies a contact "
        "(sensor.classify_probability halved every classify_half_range_nm, times "
        "classify_night_factor at night); its complement is the chance that a pair alongside "
        "stays unresolved. NaN when the row has no classification."
    ),
    "identity": (
        "Identity read from the contact (detections, suspect reports): the name on the hull "
        "when identified visually, else the AIS broadcast (possibly spoofed), else '' (not read)."
    ),
    "identity_source": "Where identity came from: visual, ais, or ''; see IDENTITY_SOURCES.",
    "lon": "Longitude, degrees east (added at the end of the run).",
    "lat": "Latitude, degrees north (added at the end of the run).",
    "state": "Coastal state whose zone contains the position (ISO alpha-3, '' on the high seas).",
    "zone": "Zone kind at the position; see ZONES.",
}

OUTCOMES: dict[str, str] = {
    "delivered": "Cargo reached its destination.",
    "seized": "Vessel boarded and cargo seized.",
    "diverted": "Vessel directed to port for inspection by its flag state; cargo held.",
    "disrupted": "Transfer or delivery aborted because allies were present; cargo returned.",
    "failed": "The partners never met (one gave up waiting); cargo returned. Not caused by allies.",
    "in_transit": "Still under way when the simulation ended.",
}
"""Values of the voyages table's ``outcome``; a seizure or diversion overrides an earlier
disrupted or failed outcome when the cargo being carried back is taken."""

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
    "shipment": "Voyage number of the shipment's first attempt (re-attempts share it).",
    "attempt": "0 for a shipment's first voyage; 1, 2, ... for re-attempts after a loss.",
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
    "cargo_denied_share": (
        "Cargo of shipments whose last attempt was seized, diverted or disrupted / cargo of "
        "ended shipments (a cargo a re-attempt delivered is not denied)."
    ),
    "sts_transfers": "Transfers completed or started at sea.",
    "sts_detected_in_progress": "Transfers detected while the two ships were alongside.",
    "sts_detected_share": "sts_detected_in_progress / transfers started.",
    "deliveries_petroleum": "Petroleum deliveries to DPRK ports.",
    "deliveries_petroleum_per_year": "Petroleum deliveries, annualised.",
    "barrels_delivered_per_year": (
        "Refined petroleum delivered, barrels per year (UN cap: 500,000)."
    ),
    "coal_exported_t_per_year": "Coal delivered to foreign ports, tonnes per year.",
    "seizures": "Voyages ending in seizure.",
    "diversions": "Voyages ending in diversion.",
    "disruptions": "Voyages ending disrupted.",
    "halted_transfers": "Transfers halted on being observed (each halt, including relocated ones).",
    "detections_public": (
        "Voyages with an illicit vessel detected by an aircraft or warship (cf. public notices)."
    ),
    "sts_seen_by_satellite_per_year": (
        "Voyages whose transfer a satellite imaged and classified alongside, per year."
    ),
    "sts_seen_by_japan_per_year": (
        "Voyages whose transfer a Japanese aircraft or ship saw in progress (a detection "
        "classified alongside), per year (cf. Japan's public notices)."
    ),
    "halted_transfers_per_year": "halted_transfers, annualised.",
    "seizures_per_year": "Seizures and diversions, annualised.",
    "detentions_per_year": "Empty vessels detained (in port or at sea), annualised.",
    "seizures_and_detentions_per_year": "Seizures, diversions and detentions, annualised.",
    "port_state_share": "Share of seizures and detentions made by port-state control.",
    "sts_sightings_per_sortie": (
        "Transfers seen in progress by aircraft (classified alongside), per aircraft sortie."
    ),
    "sts_sightings_per_90_warship_days": (
        "Transfers seen in progress by warships, per 90 days at sea of warships."
    ),
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
    "identity": (
        "Identity broadcast on this leg: the true id, a spoofed one ('S' + id), or '' when dark."
    ),
    "activity": "transit, wait (loitering at a rendezvous) or sts (alongside another vessel).",
}
"""Columns of the ``tracks`` table (recorded when the scenario sets ``record_tracks``)."""

REFERENCE_COLUMNS: dict[str, str] = {
    "target": "Reference target name from the scenario (`reference_targets`).",
    "asset": "Asset whose sensor detected it.",
    "group": "That asset's group.",
    "asset_kind": "warship, coast_guard, aircraft or satellite.",
    "t_h": "Detection time, hours (each new plan of the asset may detect the target again).",
    "x_m": "Target easting at detection, metres (theater CRS).",
    "y_m": "Target northing at detection, metres.",
    "lon": "Target longitude at detection, degrees.",
    "lat": "Target latitude at detection, degrees.",
}
"""Columns of the ``reference`` table: detections of the scenario's inert reference targets."""

_TABLES: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("events", "One row per event, in time order.", EVENT_COLUMNS),
    ("voyages", "One row per illicit voyage.", VOYAGE_COLUMNS),
    ("assets", "One row per patrol asset.", ASSET_COLUMNS),
    ("summary", "Headline metrics of one replication (`RunResult.summary`).", SUMMARY_COLUMNS),
    ("tracks", "One row per sailed leg of every vessel (with `record_tracks`).", TRACK_COLUMNS),
    (
        "reference",
        "One row per detection of a reference target (with `reference_targets`).",
        REFERENCE_COLUMNS,
    ),
)

_VALUE_LISTS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("Event kinds (`events.kind`)", "kind", EVENT_KINDS),
    ("Reasons (`events.reason`; '' when an event has none)", "reason", REASONS),
    ("Activities (`events.activity`, `tracks.activity`)", "activity", ACTIVITIES),
    ("Classifications (`events.classification`)", "classification", CLASSIFICATIONS),
    ("Identity sources (`events.identity_source`)", "identity_source", IDENTITY_SOURCES),
    ("Zones (`events.zone`)", "zone", ZONES),
    ("Voyage outcomes (`voyages.outcome`)", "outcome", OUTCOMES),
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def outputs_markdown() -> str:
    """The reference page ``docs/outputs.md``, rendered from the column dictionaries above.

    The dictionaries are the single source (Parquet metadata is written from them too); a test
    fails when the page is out of date (the page's first lines say how to regenerate it).
    """
    lines = [
        "# Output tables",
        "",
        "<!-- Generated from the column dictionaries in sim/model/records.py; do not edit by "
        "hand. Regenerate: python -c 'import sim.model.records as r; "
        'print(r.outputs_markdown(), end="")\' > docs/outputs.md -->',
        "",
        "Each replication produces the tables below (Parquet in a run directory, DataFrames "
        "from `sim.run`). Units are in the column names (`_h` hours, `_m` metres, `_t` tonnes, "
        "`_nm` nautical miles).",
        "",
    ]
    for name, what, cols in _TABLES:
        lines += [f"## `{name}`", "", what, "", "| column | meaning |", "|---|---|"]
        lines += [f"| `{c}` | {_cell(d)} |" for c, d in cols.items()]
        lines.append("")
    for title, col, values in _VALUE_LISTS:
        lines += [f"## {title}", "", f"| {col} | meaning |", "|---|---|"]
        lines += [
            f"| `{k}` | {_cell(d)} |" if k else f"| '' | {_cell(d)} |" for k, d in values.items()
        ]
        lines.append("")
    return "\n".join(lines)
