"""The coordination side of a scenario: the cell, classification, rules of engagement, pursuit.

Part of the scenario schema (``sim.scenarios.schema``); every field is declared once with
unit, bounds, default and source.
"""

from __future__ import annotations

import datetime

from pydantic import Field

from sim.scenarios.actors_schema import StateCooperation
from sim.scenarios.base import Frozen, Probabilities, param

__all__ = ["Coordination", "Classification", "Rules", "Pursuit"]


class Coordination(Frozen):
    """The coordination cell (Enforcement Coordination Cell, Yokosuka) and the shared picture."""

    shared_picture: bool = Field(
        False,
        description="Every allied detection reaches the cell, which dispatches the nearest capable "
        "warship of any nation. Without it each nation acts only on its own detections.",
    )
    report_delay_h: float = param(
        2.0,
        unit="h",
        ge=0,
        le=72,
        description="Delay from a detection to a dispatch order.",
        source="assumption; domain.md §5: ECC relies on bridge-to-bridge queries and reports",
    )
    track_uncertainty_growth_kn: float = param(
        10.0,
        unit="kn",
        ge=0,
        le=40,
        description=(
            "Growth of a track's position uncertainty while unobserved (about the target's speed)."
        ),
    )
    max_datum_age_h: float = param(
        36.0,
        unit="h",
        gt=0,
        le=24 * 14,
        description="A report older than this on arrival is not pursued.",
    )
    datum_search_h: float = param(
        8.0,
        unit="h",
        ge=0,
        le=96,
        description="Time a dispatched warship searches around the datum before giving up.",
    )
    report_memory_h: float = param(
        12.0,
        unit="h",
        ge=0,
        le=24 * 14,
        description="An asset does not report the same vessel again within this time (it is still "
        "the same contact).",
    )
    shared_picture_from: datetime.date | None = Field(
        None,
        description="With shared_picture: the date the cell starts work (before it, each nation "
        "acts on its own detections). None: from the start.",
        json_schema_extra={"source": "domain.md §5: the ECC was set up in September 2018"},
    )
    watchlist: bool = Field(
        True, description="Designated vessels identified at once become suspects."
    )
    ais_monitoring: bool = Field(
        False,
        description="Shore and satellite AIS let the cell spot watchlisted identities broadcasting "
        "their true identity in the received AIS feed (a spoofed identity is not matched).",
    )
    ais_report_interval_h: float = param(
        6.0,
        unit="h",
        gt=0,
        le=72,
        description=(
            "With ais_monitoring: hours between the cell's checks of the received AIS picture."
        ),
        source="domain.md §6: satellite-AIS revisit makes gaps under 12 h unreliable",
    )
    ais_latency_h: float = param(
        1.0,
        unit="h",
        ge=0,
        le=48,
        description="With ais_monitoring or ais_analytics: delay from an AIS report's "
        "transmission to its arrival in the cell's picture (satellite store-and-forward, "
        "processing); the watch and the detectors see only reports at least this old.",
        source="assumption; domain.md §6: satellite-AIS revisit and downlink",
    )
    ais_analytics: bool = Field(
        False,
        description="Analysts run the encounter, loitering and gap "
        "detectors (GFW criteria) on the received AIS "
        "picture of all vessels; each alert cues aircraft whose strategy is monitoring_cued, "
        "and the cell.",
    )
    analytics_delay_h: float = param(
        3.0,
        unit="h",
        ge=0,
        le=72,
        description=(
            "With ais_analytics: delay from the detector's "
            "criteria being met to the cue reaching aircraft."
        ),
    )
    analytics_interval_h: float = param(
        1.0,
        unit="h",
        gt=0,
        le=24,
        description="With ais_analytics: hours between runs of the detectors over the received "
        "AIS picture.",
    )
    encounter_min_shore_km: float = param(
        10.0,
        unit="km",
        ge=0,
        le=500,
        description="Encounter alert: only at least this far from shore.",
        source="domain.md §7: GFW encounters at least 10 km from a coastal anchorage",
    )
    loitering_min_shore_nm: float = param(
        20.0,
        unit="nm",
        ge=0,
        le=300,
        description="Loitering alert: only at least this far from shore.",
        source="domain.md §7: GFW loitering, average distance >= 20 nm from shore",
    )
    encounter_min_h: float = param(
        2.0,
        unit="h",
        gt=0,
        le=48,
        description="Encounter alert: two AIS-visible vessels alongside at least this long.",
        source="domain.md §7: GFW encounters >= 2 h within 500 m (Miller et al. 2018)",
    )
    loitering_min_h: float = param(
        4.0,
        unit="h",
        gt=0,
        le=48,
        description=(
            "Loitering alert: an AIS-visible vessel below "
            "2 kn at least this long, >= 20 nm from shore."
        ),
        source="domain.md §7: GFW/Pew loitering >= 4 h, >= 20 nm from shore",
    )
    gap_min_h: float = param(
        12.0,
        unit="h",
        gt=0,
        le=72,
        description="Gap alert: an identity heard again after at least this long unheard.",
        source="domain.md §7: GFW AIS gap >= 12 h",
    )
    gap_min_shore_nm: float = param(
        50.0,
        unit="nm",
        ge=0,
        le=300,
        description="Gap alert: the silence starts and ends at least this far from shore.",
        source="domain.md §7: GFW gap starts and ends > 50 nm from shore",
    )


class Classification(Frozen):
    """How a contact becomes a suspect from its behaviour."""

    sts_suspect_probability: float = param(
        0.9,
        unit="probability",
        ge=0,
        le=1,
        description="Two vessels seen alongside at sea are reported as a suspected transfer.",
        source="assumption; domain.md §1.2: Japan's notices were alongside sightings",
    )
    dark_suspect_probability: float = param(
        0.3,
        unit="probability",
        ge=0,
        le=1,
        description=(
            "A contact with no AIS is reported as suspect "
            "(many legitimate small craft are dark too)."
        ),
    )
    false_alarm_probability: float = param(
        0.002,
        unit="probability",
        ge=0,
        le=1,
        description="A legitimate ship with AIS on is wrongly reported as suspect.",
    )


class Rules(Frozen):
    """Interdiction rules: who may be boarded where."""

    blockade: bool = Field(
        False,
        description="Counterfactual: stop every vessel bound to or from a DPRK port regardless of "
        "consent; each stop is an escalation incident.",
        json_schema_extra={"source": "domain.md §8: DPRK called a blockade an act of war"},
    )
    consent_probability: Probabilities = Field(
        default_factory=lambda: {
            "PRK": 0.0,
            "CHN": 0.0,
            "RUS": 0.0,
            "KOR": 1.0,
            "JPN": 1.0,
            "stateless": 1.0,
        },
        description="Chance the flag state consents to a high-seas "
        "boarding, by flag; 'stateless' vessels "
        "may be boarded under UNCLOS Art. 110.",
        json_schema_extra={
            "unit": "probability",
            "source": "domain.md §8: UNSCR 2375 paras 7-8; "
            "UNCLOS Art. 92, 110 (values are assumptions)",
        },
    )
    default_consent_probability: float = param(
        0.3,
        unit="probability",
        ge=0,
        le=1,
        description="Consent chance for flags not listed (flags of convenience).",
    )
    port_direction_probability: float = param(
        0.5,
        unit="probability",
        ge=0,
        le=1,
        description="When consent is refused, chance the flag state "
        "directs the vessel to a port for inspection "
        "(counted as diverted).",
        source="domain.md §8: UNSCR 2375 para 8 (rate is an assumption)",
    )
    allied_states: tuple[str, ...] = Field(
        ("KOR", "JPN"),
        description="States in whose territorial seas boarding is allowed (UNSCR 2397).",
    )
    cooperating_states: tuple[str, ...] = Field(
        (), description="Other coastal states (e.g. CHN, RUS) that allow boarding in their waters."
    )
    blockade_zone_areas: tuple[str, ...] = Field(
        (),
        description="With blockade: theater areas that, with DPRK-claimed waters (territorial "
        "sea and the 50 nm military zone), make the declared blockade zone. Stops outside the "
        "zone, and inside another state's territorial sea, follow the ordinary rules.",
        json_schema_extra={"source": "domain.md §1.3 (approaches to Nampo), §8 (DPRK claims)"},
    )
    states: dict[str, StateCooperation] = Field(
        default_factory=dict,
        description="Cooperation of each named state (ISO alpha-3): inspection of designated "
        "and reported vessels in its ports, action on allied reports in its territorial sea, "
        "consent for its flag. States not named do none of these (their flag's consent comes "
        "from consent_probability).",
        json_schema_extra={"source": "domain.md §2, §4, §8 (values per scenario file)"},
    )
    enter_dprk_zones: bool = Field(
        False,
        description="Pursue into DPRK territorial sea and its 50 nm military zone (an escalation).",
    )
    high_seas_boarding: bool = Field(
        True,
        description="Board on the high seas with flag-state "
        "consent. False: observe, hail and report only "
        "(2018 practice: no high-seas boardings found).",
        json_schema_extra={"source": "domain.md §8, practice 2018-19"},
    )
    boarding_duration_h: float = param(
        4.0,
        unit="h",
        ge=0,
        le=72,
        description="Time an interception and boarding occupies the warship.",
    )
    hands_off_h: float = param(
        72.0,
        unit="h",
        ge=0,
        le=24 * 60,
        description="A vessel intercepted and let go is not intercepted again within this time.",
    )
    break_off_hands_off_h: float = param(
        24.0,
        unit="h",
        ge=0,
        le=24 * 60,
        description="A suspect a pursuer broke off from (its intercept point lies in DPRK-claimed "
        "waters) is not pursued again within this time.",
    )


class Pursuit(Frozen):
    """How a warship closes with a suspect it holds."""

    horizon_h: float = param(
        48.0,
        unit="h",
        gt=0,
        le=24 * 14,
        description="A suspect that cannot be caught within this time is given up ('outrun').",
    )
    resolves: int = param(
        8,
        unit="re-solves",
        ge=1,
        le=100,
        description="The intercept course is re-solved at most this many times as the suspect "
        "moves (on the pursuer's own contacts); a suspect not reached by then is given up.",
    )
    interception_distance_nm: float = param(
        2.0,
        unit="nm",
        gt=0,
        le=20,
        description="A pursuer this close to its suspect has intercepted it (hailing, boarding "
        "party away).",
    )
