"""The smuggling and traffic side of a scenario: illicit supply programs and legitimate traffic.

Part of the scenario schema (``sim.scenarios.schema``); every field is declared once with
unit, bounds, default and source.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.scenarios.base import (
    Frozen,
    Name,
    NamedWeights,
    Names,
    Range,
    SpeedRange,
    Weights,
    param,
)

__all__ = ["Program", "Traffic"]


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
    reship_delay_days: float = param(
        14.0,
        unit="days",
        ge=0,
        le=365,
        description="A shipment whose voyage was halted, seized or diverted (or whose partners "
        "never met) is attempted again this long after the voyage ended.",
        source="assumption: demand for fuel in the DPRK does not vanish with one cargo",
    )
    max_reship_attempts: int = param(
        0,
        unit="attempts",
        ge=0,
        le=20,
        description="Further attempts at a shipment after the first; 0: a lost cargo is not "
        "replaced.",
        source="assumption",
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
    loiter_share: float = param(
        0.005,
        unit="probability",
        ge=0,
        le=1,
        description="Chance that a legitimate voyage stops at sea to loiter (waiting for orders "
        "or a berth, drifting) for loiter_h: a loitering alert or a stopped contact need not be "
        "a smuggler.",
        source="assumption, of the order of domain.md §7: 46,570 AIS loitering events in "
        "2012-2017 worldwide (Miller et al. 2018) against some 10^7 voyages",
    )
    loiter_h: Range = param(
        (4.0, 24.0),
        unit="h",
        description="Duration of a legitimate stop at sea to loiter, uniform.",
        source="assumption; domain.md §7: GFW counts loitering from 4 h",
    )
    bunker_share: float = param(
        0.001,
        unit="probability",
        ge=0,
        le=1,
        description="Chance that a legitimate voyage takes bunkers at sea from a bunker tanker "
        "(a legitimate vessel that comes alongside for bunker_h): two hulls alongside need not "
        "be a transfer.",
        source="assumption, of the order of domain.md §7: 10,233 AIS encounters in 2012-2017; "
        "§4: bunker tankers serve ships at sea (P-Pioneer, 2018)",
    )
    bunker_h: Range = param(
        (4.0, 10.0),
        unit="h",
        description="Duration of a legitimate bunkering alongside at sea, uniform.",
        source="assumption; as a hose transfer, domain.md §1.4: 4-12 h",
    )
