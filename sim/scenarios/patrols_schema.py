"""The patrol side of a scenario: sensors, search strategies and allied asset groups.

Part of the scenario schema (``sim.scenarios.schema``); every field is declared once with
unit, bounds, default and source.
"""

from __future__ import annotations

import datetime
from typing import Literal

from pydantic import Field, model_validator

from sim.scenarios.base import Frozen, LonLat, Name, Weights, param

__all__ = ["Sensor", "Strategy", "AssetGroup"]


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
    identify_half_range_nm: float = param(
        20.0,
        unit="nm",
        gt=0,
        le=600,
        description="Range of a contact at which identify_probability is halved (it halves "
        "again every further such distance): a name is read on a close pass, seldom from the "
        "edge of radar range. Imagery is taken at zero range.",
        source="assumption; domain.md §6: visual identification needs close passes",
    )
    identify_night_factor: float = param(
        0.5,
        unit="fraction",
        ge=0,
        le=1,
        description="Multiplier on identify_probability at local night (18:00-06:00): names are "
        "read by searchlight or infrared only.",
        source="assumption; domain.md §1.4: many 2018 sightings were at night with lights on",
    )
    classify_probability: float = param(
        1.0,
        unit="probability",
        ge=0,
        le=1,
        description="Chance that a detection at zero range by day is classified: two hulls "
        "alongside told apart from one vessel (radar alone shows them as one blip; it takes "
        "eyes or imagery). An unclassified pair is not reported as alongside. Imagery is taken "
        "at zero range.",
        source="assumption; domain.md §6: the P-8 can 'detect and classify surface targets ... "
        "at short- to medium-range' (DOT&E)",
    )
    classify_half_range_nm: float = param(
        25.0,
        unit="nm",
        gt=0,
        le=600,
        description="Range of a contact at which classify_probability is halved (it halves "
        "again every further such distance), as identify_half_range_nm does for names: two "
        "hulls are told apart farther off than a name is read.",
        source="assumption; domain.md §6: visual identification needs close passes",
    )
    classify_night_factor: float = param(
        0.5,
        unit="fraction",
        ge=0,
        le=1,
        description="Multiplier on classify_probability at local night (18:00-06:00): a "
        "transfer under way is often lit, but seen less well than by day.",
        source="assumption; domain.md §1.2, §1.4: P-3Cs found transfers at midnight, many "
        "sightings were at night with lights on",
    )

    investigate_range_nm: float = param(
        2.0,
        unit="nm",
        ge=0,
        le=600,
        description="Range to which an aircraft or warship closes on a contact it finds "
        "suspect, to look at it and photograph it: the pair's classification and the hull's "
        "name are drawn again at this range (never farther than the contact was), in the same "
        "light, and the detection is logged with what that look resolved. Satellites do not "
        "close in (imagery is taken at zero range). A value at or above the detection range "
        "means the asset never closes.",
        source="assumption; domain.md §8: the 2018-19 practice was to observe and photograph; "
        "§1.2: P-3Cs photographed the transfers they found; §6: visual identification needs "
        "close passes (the French fly below 150 m)",
    )
    investigate_loitering_probability: float = param(
        1.0,
        unit="probability",
        ge=0,
        le=1,
        description="Chance that an aircraft or warship also closes in on a contact it could "
        "not resolve that is stopped at sea (under 2 kn on its radar track, the Global "
        "Fishing Watch loitering speed) inside one of the theater's public STS hotspot "
        "areas, though nothing about it is suspect yet: that is what the patrols were sent "
        "there to find. "
        "The look is the one of investigate_range_nm, and the vessel sees the asset close in.",
        source="assumption; domain.md §1.2: P-3Cs found and photographed pairs in the East "
        "China Sea hotspot at night; §5: French crews make low passes to read stern names; §7: "
        "loitering is a vessel under 2 kn away from the coast (Global Fishing Watch)",
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
    active_from: datetime.date | None = Field(
        None,
        description="First day the group patrols (a dated change of posture); before it the "
        "group stays at base and takes no tasking. None: from the start.",
        json_schema_extra={"source": "domain.md §5: e.g. allied flights began on 30 Apr 2018"},
    )
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
