"""The scenario schema: every parameter declared once, with unit, bounds, default and source.

The same declarations drive validation (pydantic), the JSON Schema printed by
``sanctions-sim schema``, and the reference page ``docs/scenarios.md``.
Objects are frozen: the model receives plain, immutable values and never sees YAML.

Sources refer to sections of ``shared/reference/domain.md`` (the calibration
fact sheet); "assumption" marks an engineering judgement with no public figure.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, ValidationInfo, model_validator

from sim.scenarios.base import (
    LonLat,
    Name,
    NamedWeights,
    Names,
    Probabilities,
    StrictFrozen,
    Weights,
)

__all__ = [
    "Scenario",
    "Traffic",
    "Program",
    "AssetGroup",
    "Sensor",
    "Strategy",
    "Coordination",
    "Classification",
    "Rules",
    "Pursuit",
    "param",
]


def _ordered(value: tuple[float, float]) -> tuple[float, float]:
    """Ranges are written ``[low, high]``; reject them reversed."""
    if value[0] > value[1]:
        raise ValueError(f"a range [low, high] with low <= high, got [{value[0]}, {value[1]}]")
    return value


Range = Annotated[
    tuple[Annotated[float, Field(ge=0)], Annotated[float, Field(ge=0)]], AfterValidator(_ordered)
]
"""``[low, high]``, both non-negative (durations, cargo)."""
SpeedRange = Annotated[
    tuple[Annotated[float, Field(gt=0, le=25)], Annotated[float, Field(gt=0, le=25)]],
    AfterValidator(_ordered),
]
"""``[low, high]`` vessel speeds in knots.

Positive and at most 25 (``sim.model.MAX_VESSEL_SPEED_KN``).
"""


def param(
    default: Any = ...,
    *,
    unit: str,
    description: str,
    source: str = "assumption",
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
) -> Any:
    """Declare one scenario parameter.

    Unit, bounds, default, description and source in one place.
    """
    return Field(
        default,
        ge=ge,
        le=le,
        gt=gt,
        description=description,
        json_schema_extra={"unit": unit, "source": source},
    )


class Frozen(StrictFrozen):
    """Base for scenario parts: immutable, no unknown keys, finite numbers, strict booleans."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Sensor(Frozen):
    """How an asset detects vessels. Radar and eyes alike reduce to a detection law."""

    law: Literal["cookie_cutter", "inverse_cube"] = Field(
        "cookie_cutter",
        description="Detection law. cookie_cutter: certain "
        "detection inside range_nm, none outside. "
        "inverse_cube: Koopman's inverse-cube law, graded "
        "with distance, parametrised by sweep_width_nm.",
    )
    range_nm: float = param(
        21.0,
        unit="nm",
        gt=0,
        le=300,
        description=(
            "Cookie-cutter detection range; for inverse_cube "
            "the cut-off beyond which nothing is detected."
        ),
        source=(
            "domain.md §6 radar horizon: ~21 nm for a 100 ft mast against a 50 ft superstructure"
        ),
    )
    sweep_width_nm: float | None = param(
        None,
        unit="nm",
        gt=0,
        le=600,
        description=(
            "Inverse-cube effective sweep width at reference_speed_kn (defaults to range_nm)."
        ),
    )
    reference_speed_kn: float = param(
        20.0,
        unit="kn",
        gt=0,
        le=600,
        description="Relative speed at which sweep_width_nm is quoted (inverse_cube only).",
    )
    night_factor: float = param(
        1.0,
        unit="fraction",
        ge=0,
        le=1,
        description="Multiplier on detection at night: 1 for radar, 0 for optical imagery.",
        source="domain.md §6: optical imaging is blind at night; SAR works day and night",
    )
    position_error_nm: float = param(
        0.5,
        unit="nm",
        ge=0,
        le=50,
        description="Standard deviation (per axis) of the position a contact reports; a pursuer "
        "steers on it.",
    )
    identify_probability: float = param(
        0.5,
        unit="probability",
        ge=0,
        le=1,
        description="Chance that a detection also reads the "
        "vessel's true identity (name on the stern), "
        "independently of AIS.",
        source="assumption; domain.md §5: French crews fly below 150 m to read stern names",
    )

    @property
    def effective_sweep_width_nm(self) -> float:
        """The sweep width the detection law uses (2R for a cookie cutter)."""
        if self.law == "cookie_cutter":
            return 2.0 * self.range_nm
        return self.sweep_width_nm or self.range_nm


class Strategy(Frozen):
    """How an asset spends time on station; a new kind is one class in ``sim.model.strategies``."""

    kind: Literal["random", "sweep", "barrier", "hotspot", "cued", "station", "monitoring_cued"] = (
        Field(
            "random",
            description="random: straight legs across the first area, bouncing off its edge in a "
            "new direction drawn at each boundary (a Lambertian billiard, which covers the area "
            "uniformly as random-search theory assumes); sweep: parallel tracks over the first "
            "area, resumed where the asset left off; barrier: back and forth along a line; "
            "hotspot: random search in one area at a time, areas drawn by weight every dwell_h; "
            "cued: wait at base/station and respond to reports; station: hold a point; "
            "monitoring_cued: aircraft launched by AIS-analytics alerts.",
        )
    )
    areas: tuple[str, ...] = Field(
        (), description="Named areas of the theater to patrol (see `sanctions-sim map`)."
    )
    weights: Weights | None = Field(
        None, description="Intelligence weights of the areas for hotspot (defaults to equal)."
    )
    track_spacing_nm: float | None = param(
        None,
        unit="nm",
        gt=0,
        le=500,
        description="Sweep track spacing, at most (lanes are spread evenly over the area's "
        "height, so the last strip is covered too); defaults to the sensor's sweep width "
        "(exhaustive coverage).",
    )
    barrier: tuple[LonLat, LonLat] | None = Field(
        None, description="Barrier line as two [lon, lat] points (barrier kind)."
    )
    dwell_h: float = param(
        24.0,
        unit="h",
        gt=0,
        le=24 * 30,
        description="hotspot: hours spent in one area before re-drawing the next.",
    )


class AssetGroup(Frozen):
    """A group of identical allied patrol assets (warships, cutters, aircraft or satellites)."""

    name: Name = Field(description="Label used in outputs, e.g. 'us_p8'.")
    kind: Literal["warship", "coast_guard", "aircraft", "satellite"]
    nation: str = Field(
        "USA",
        description="Operating nation (ISO 3166 alpha-3); without a shared picture "
        "an asset only acts on its own nation's detections.",
    )
    count: int = param(1, unit="assets", ge=0, le=200, description="Number of identical assets.")
    base: str | None = Field(
        None, description="Home port or air base (a place name). Not used by satellites."
    )
    speed_kn: float = param(
        25.0,
        unit="kn",
        gt=0,
        le=600,
        description="Transit and pursuit speed.",
        source="domain.md §6: P-8A cruise ~440 kn; frigates/destroyers ~30 kn max",
    )
    patrol_speed_kn: float | None = param(
        None, unit="kn", gt=0, le=600, description="Speed on station (defaults to speed_kn)."
    )
    endurance_h: float = param(
        24 * 30,
        unit="h",
        gt=0,
        le=24 * 365,
        description=(
            "Aircraft: sortie length from take-off to "
            "landing. Ships: days at sea before a port call."
        ),
        source=(
            "domain.md §6: P-8A 4 h on station at 1,200 nm "
            "radius (~6-8 h sorties); assumption for ships"
        ),
    )
    turnaround_h: float = param(
        72.0,
        unit="h",
        ge=0,
        le=24 * 60,
        description="Aircraft: ground time between sorties. Ships: port-call length.",
        source=(
            "domain.md §5: ~1.5 MPA sorties/day in late "
            "2018 across all nations (assumption per asset)"
        ),
    )
    range_nm: float = param(
        1200.0,
        unit="nm",
        gt=0,
        le=10000,
        description="Aircraft combat radius: a patrol area beyond it is rejected by validation.",
        source="domain.md §6: P-8A combat radius 1,200 nm with 4 h on station",
    )
    can_board: bool | None = Field(
        None,
        description=(
            "May intercept and board (defaults: true for warships and cutters, false otherwise)."
        ),
    )
    revisit_h: float = param(
        24.0,
        unit="h",
        gt=0,
        le=24 * 30,
        description="Satellites: hours between imaging passes over each area.",
        source="domain.md §6: Sentinel-1 6-day repeat; SkySat up to ~10/day on tasking",
    )
    detect_probability: float = param(
        0.8,
        unit="probability",
        ge=0,
        le=1,
        description=(
            "Satellites: chance a vessel inside an imaged area "
            "is detected on a pass (daylight for optical)."
        ),
    )
    processing_delay_h: float = param(
        6.0,
        unit="h",
        ge=0,
        le=24 * 7,
        description="Satellites: delay from imaging to a report reaching analysts.",
    )
    plan_horizon_h: float = param(
        24.0,
        unit="h",
        gt=0,
        le=24 * 14,
        description="Ships: a patrol plan is laid this far ahead and then renewed (a new plan "
        "draws new waypoints for random and hotspot search).",
    )
    sensor: Sensor = Field(default_factory=Sensor)
    strategy: Strategy = Field(default_factory=Strategy)

    @property
    def boards(self) -> bool:
        """Whether this asset can intercept and board (explicit value or the kind's default)."""
        if self.can_board is not None:
            return self.can_board
        return self.kind in ("warship", "coast_guard")

    @model_validator(mode="after")
    def _base_needed(self) -> AssetGroup:
        if self.kind != "satellite" and self.count > 0 and not self.base:
            raise ValueError(
                f"asset group {self.name!r}: a {self.kind} needs a 'base' (a place name)"
            )
        if self.kind == "satellite" and not self.strategy.areas:
            raise ValueError(
                f"asset group {self.name!r}: a satellite needs strategy.areas to image"
            )
        return self


class Program(Frozen):
    """One illicit supply program: a Poisson stream of voyages of one commodity."""

    name: Name = Field(description="Label used in outputs.")
    commodity: Literal["petroleum", "coal"] = Field(
        "petroleum", description="petroleum flows into the DPRK; coal flows out of it."
    )
    voyages_per_year: float = param(
        263.0,
        unit="voyages/year",
        ge=0,
        le=5000,
        description="Mean rate of the Poisson stream of voyages.",
        source="domain.md §1.1: at least 263 tanker deliveries in 2018 (US advisory, Mar 2019)",
    )
    sts_share: float = param(
        0.9,
        unit="fraction",
        ge=0,
        le=1,
        description="Share of voyages that use a ship-to-ship transfer; the rest sail directly.",
        source="assumption; domain.md §1.1: deliveries 'procured via STS'",
    )
    cargo_t: Range = param(
        (1160.0, 2320.0),
        unit="t",
        description="Cargo per voyage, uniform in [low, high].",
        source="domain.md §1.5: 8,500-17,000 bbl per delivery at 7.33 bbl/t",
    )
    foreign_sources: Names = Field(
        ("Ningbo-Zhoushan", "Shanghai"),
        description="Places (ports or gates) where the foreign vessel starts and returns to.",
    )
    dprk_ports: Names = Field(
        ("Nampo",), description="DPRK ports the DPRK vessel sails from and to."
    )
    rendezvous_areas: Names = Field(
        ("ecs_high_seas",), description="Named areas where transfers take place."
    )
    rendezvous_weights: Weights | None = Field(
        None, description="Relative use of each rendezvous area."
    )
    foreign_speed_kn: SpeedRange = param(
        (8.0, 11.0),
        unit="kn",
        description="Foreign vessel speed, uniform.",
        source="domain.md §1.5 (assumption)",
    )
    dprk_speed_kn: SpeedRange = param(
        (8.0, 11.0),
        unit="kn",
        description="DPRK vessel speed, uniform.",
        source="domain.md §1.5 (assumption)",
    )
    transfer_duration_h: Range = param(
        (6.0, 18.0),
        unit="h",
        description="Time alongside for one transfer, uniform.",
        source="domain.md §1.4: 4-12 h per hose connection, overnight transfers (assumption)",
    )
    night_start_probability: float = param(
        0.7,
        unit="probability",
        ge=0,
        le=1,
        description=(
            "Chance the pair waits until dusk (18:00 local solar time) to start the transfer."
        ),
        source="domain.md §1.4: many sightings at night; transfers exploit optical blindness",
    )
    dprk_dark_probability: float = param(
        0.9,
        unit="probability",
        ge=0,
        le=1,
        description="Chance the DPRK vessel sails with AIS off for the voyage.",
        source="domain.md §1.6: suggested 80-95% of illicit DPRK legs dark or spoofed (assumption)",
    )
    foreign_dark_probability: float = param(
        0.5,
        unit="probability",
        ge=0,
        le=1,
        description=(
            "Chance the foreign vessel switches AIS off from leaving port until after the transfer."
        ),
        source="domain.md §1.6: about 50% of foreign feeders go dark near the STS (assumption)",
    )
    spoof_probability: float = param(
        0.1,
        unit="probability",
        ge=0,
        le=1,
        description=(
            "Chance a vessel with AIS on broadcasts a false "
            "identity (defeats watchlist checks by AIS)."
        ),
        source=(
            "domain.md §1.6: Ever Glory, Tae Yang, Saebyol spoofing cases (rate is an assumption)"
        ),
    )
    dprk_watchlisted_probability: float = param(
        0.8,
        unit="probability",
        ge=0,
        le=1,
        description="Chance the DPRK vessel is a designated (watchlisted) ship.",
        source=(
            "domain.md §3: 28 vessels designated 23 Feb 2018; "
            "Treasury listed 28 STS-capable DPRK tankers"
        ),
    )
    foreign_watchlisted_probability: float = param(
        0.25,
        unit="probability",
        ge=0,
        le=1,
        description="Chance the foreign vessel is designated.",
        source="domain.md §1.1: of 57 vessels identified, only 14 were designated (~25%)",
    )
    abort_when_observed_probability: float = param(
        0.5,
        unit="probability",
        ge=0,
        le=1,
        description=(
            "Chance the smugglers halt a transfer (or a "
            "direct run) when an allied asset observes them."
        ),
        source="domain.md §5: 30 halted transfers Oct 2017-Dec 2018 (calibrated)",
    )
    relocate_probability: float = param(
        0.0,
        unit="probability",
        ge=0,
        le=1,
        description="Adaptive smugglers: chance an observed, "
        "halted transfer is re-attempted in another "
        "rendezvous area instead of being abandoned.",
        source="domain.md §1.3: INDOPACOM Dec 2018 assessment, transfers pushed out of the ECS",
    )
    max_relocations: int = param(
        2,
        unit="relocations",
        ge=0,
        le=20,
        description="A transfer is moved to another area at most this many times; after that an "
        "observed, halted transfer is abandoned.",
    )
    avoid_patrolled_areas: bool = Field(
        False,
        description="Adaptive smugglers choose rendezvous areas away from where patrols were "
        "recently seen (weights divided by 1 + sightings within sighting_memory_days).",
    )
    sighting_memory_days: float = param(
        30.0,
        unit="days",
        gt=0,
        le=365,
        description="With avoid_patrolled_areas: how far back the smugglers remember patrol "
        "sightings in an area.",
    )
    avoid_territorial_of: tuple[str, ...] = Field(
        ("KOR", "JPN"), description="States whose territorial seas the smugglers' routes avoid."
    )
    prefer_waters_of: tuple[str, ...] = Field((), description="States whose waters the routes hug.")
    foreign_flags: NamedWeights = Field(
        default_factory=lambda: {
            "CHN": 0.35,
            "PAN": 0.15,
            "TGO": 0.1,
            "SLE": 0.1,
            "BLZ": 0.1,
            "DMA": 0.05,
            "stateless": 0.15,
        },
        description=(
            "Flag of the foreign vessel, relative weights. "
            "'stateless' may be boarded without consent."
        ),
        json_schema_extra={
            "unit": "weights",
            "source": "domain.md §1.2: Dominica, Belize, Maldives, "
            "Chinese flags in Japan's cases; proportions are an assumption",
        },
    )
    max_wait_h: float = param(
        48.0,
        unit="h",
        gt=0,
        le=24 * 14,
        description="How long one vessel waits at the rendezvous for the other before giving up.",
        source="domain.md §1.4: a DPRK tanker may loiter 1-2 days (assumption)",
    )


class Traffic(Frozen):
    """Legitimate merchant traffic: the haystack sensors search, and the source of false alarms."""

    vessels: int = param(
        300,
        unit="vessels",
        ge=0,
        le=20000,
        description="Legitimate vessels under way or in port in the theater at any time.",
    )
    speed_kn: SpeedRange = param((11.0, 16.0), unit="kn", description="Service speed, uniform.")
    port_dwell_h: Range = param(
        (12.0, 48.0), unit="h", description="Time in port between voyages, uniform."
    )
    places: Names | None = Field(
        None,
        description="Ports and gates used by traffic (defaults to every non-DPRK port and gate).",
    )
    ais_off_probability: float = param(
        0.03,
        unit="probability",
        ge=0,
        le=1,
        description=(
            "Chance a legitimate vessel sails with AIS off (small craft, fishing support, faults)."
        ),
        source=(
            "domain.md §1.6: fleet average ~3 dark days a "
            "year for LPG tankers; assumption for the mix"
        ),
    )


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
    watchlist: bool = Field(
        True, description="Designated vessels identified at once become suspects."
    )
    ais_monitoring: bool = Field(
        False,
        description="Shore and satellite AIS let the cell spot watchlisted identities broadcasting "
        "their true identity anywhere in the theater.",
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
    ais_analytics: bool = Field(
        False,
        description="Analysts run the encounter and loitering "
        "detectors (GFW criteria) on the received AIS "
        "picture; each alert cues aircraft whose strategy is monitoring_cued, and the cell.",
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


# The optimize: section lives in its own module (it imports Frozen and param from here).
from sim.scenarios.optimize_schema import Optimize  # noqa: E402


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
    programs: tuple[Program, ...] = Field((), description="Illicit supply programs.")
    assets: tuple[AssetGroup, ...] = Field((), description="Allied patrol asset groups.")
    coordination: Coordination = Field(default_factory=Coordination)
    classification: Classification = Field(default_factory=Classification)
    rules: Rules = Field(default_factory=Rules)
    pursuit: Pursuit = Field(default_factory=Pursuit)
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
