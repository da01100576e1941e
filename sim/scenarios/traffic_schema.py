"""Fishing fleets: the traffic that really makes dark and loitering contacts common at sea.

Part of the scenario schema (``sim.scenarios.schema``, section ``fishing``); every field is
declared once with unit, bounds, default and source. The merchant traffic stays in
``traffic`` (``sim.scenarios.programs_schema.Traffic``).

The section is **off by default** (``enabled: false``): existing scenarios, the golden run and
the main job keep their traffic. ``fishing: {enabled: true}`` in a scenario file (or
``--set fishing.enabled=true``) switches the sourced fleets below on; ``scale`` represents a
share of each fleet's vessels (a tenth by default), so that the cost of a run can be traded
against realism.

At sea a vessel tows (``tow_speed_kn`` for ``tow_h``) and stops (hauling, drifting: ``drift_h``)
in turn inside its grounds, so its AIS track is slow for hours far from shore, as a smuggler's
is while waiting at a rendezvous; now and then a carrier or bunker vessel comes alongside
(``meet_per_day``, ``meet_h``: catch transshipped, fuel taken at sea), as a transfer partner
would.

Volumes, areas and seasons come from public sources where one exists (cited per fleet),
else they are marked "assumption" with the reasoning:

* Chinese vessels licensed in the ROK EEZ: 1,500 in 2018 (Korea-China Joint Fisheries
  Committee; Korea Herald, 9 Nov 2018: "up to 1,450 boats ... next year, cutting the total by
  50 boats from 2018"); ROK vessels in the Chinese EEZ the same number.
* Chinese vessels fishing in DPRK waters (the East Sea): >900 in 2017 and >700 in 2018, mostly
  dark pair trawlers from Shandong ports that sail via the Korea Strait (Park et al. 2020,
  *Science Advances* 6:eabb1197, "Illuminating dark fishing fleets in North Korea"); ~3,000
  small DPRK boats fished, mostly in Russian waters (same paper).
* China's summer moratorium: from 1 May; it ends 1 Sep in the Bohai and Yellow Sea north of
  35 N and up to 16 Sep in the East China Sea depending on the gear (MOA, 1 May 2017;
  CGTN/Xinhua 2022); fishing vessels and their auxiliary vessels alike.
* "Most fishing vessels do not broadcast their positions and are 'dark' in public monitoring
  systems" (Park et al. 2020): the AIS-dark shares are assumptions of that order.
"""

from __future__ import annotations

import datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from sim.scenarios.base import Frozen, Name, Names, Range, SpeedRange, param

__all__ = ["FishingFleet", "Fishing", "MonthDay", "DEFAULT_FLEETS"]


def _month_day(value: str) -> str:
    """A calendar day written ``MM-DD`` (checked against a leap year: 02-29 is allowed)."""
    try:
        datetime.date(2020, int(value[:2]), int(value[3:]))
    except (ValueError, IndexError):
        raise ValueError(f"a day written MM-DD such as 05-01, got {value!r}") from None
    return value


MonthDay = Annotated[
    str, Field(pattern=r"^\d{2}-\d{2}$", description="MM-DD"), AfterValidator(_month_day)
]
"""A calendar day ``MM-DD`` (the season repeats every year)."""


class FishingFleet(Frozen):
    """One fishing fleet: vessels that sail from home ports to their grounds, fish and return."""

    name: Name = Field(description="Label of the fleet (vessel tables, tests).")
    flag: str = Field(
        description="Flag state (ISO alpha-3: CHN, KOR, JPN, PRK, ...).", min_length=3, max_length=3
    )
    vessels: int = param(
        0,
        unit="vessels",
        ge=0,
        le=20000,
        description="Vessels of the fleet in the theater over the year (before ``scale``).",
        source="per fleet in DEFAULT_FLEETS (docs/model.md, 'Legitimate traffic and clutter')",
    )
    home_ports: Names = Field(description="Places (ports) where trips start and end.")
    grounds: Names = Field(
        description="Sea areas fished (the theater's named areas, or areas given as polygons "
        "in the scenario's ``areas``); each trip fishes one, drawn uniformly."
    )
    closed_season: tuple[MonthDay, MonthDay] | None = Field(
        None,
        description="[from, until] calendar days (MM-DD): the fleet stays in port every year "
        "from the first day until the second, when fishing opens again (a moratorium); "
        "none: fishing all year.",
    )
    ais_off_probability: float = param(
        0.5,
        unit="probability",
        ge=0,
        le=1,
        description="Chance that a vessel of the fleet sails with AIS off all year.",
        source="assumption; Park et al. 2020: most fishing vessels are dark in public AIS",
    )
    transit_speed_kn: SpeedRange = param(
        (8.0, 10.0),
        unit="kn",
        description="Speed between port and grounds, uniform per vessel.",
        source="assumption: typical trawler passage speed",
    )
    tow_speed_kn: SpeedRange = param(
        (2.5, 4.0),
        unit="kn",
        description="Speed while towing gear in the grounds, uniform per tow.",
        source="assumption: bottom and pair trawling at 2.5-4 kn",
    )
    tow_h: Range = param(
        (2.0, 5.0), unit="h", description="Duration of one tow, uniform.", source="assumption"
    )
    drift_h: Range = param(
        (1.0, 4.0),
        unit="h",
        description="Duration of one stop between tows (hauling, sorting, drifting), uniform; "
        "the vessel is stopped (a loitering alert needs ``loitering_min_h`` of it).",
        source="assumption",
    )
    trip_days: Range = param(
        (5.0, 20.0), unit="days", description="Days at sea per trip, uniform.", source="assumption"
    )
    port_days: Range = param(
        (2.0, 7.0), unit="days", description="Days in port between trips, uniform."
    )
    meet_per_day: float = param(
        0.05,
        unit="1/day",
        ge=0,
        le=5,
        description="Rate of meetings with a carrier or bunker vessel per day in the grounds "
        "(catch transshipped, fuel taken at sea): two hulls alongside far from shore.",
        source="assumption, of the order of domain.md §7: 10,233 AIS encounters 2012-2017 "
        "worldwide, most involving fishing vessels and carriers (Miller et al. 2018)",
    )
    meet_h: Range = param(
        (2.0, 6.0),
        unit="h",
        description="Duration of a meeting alongside, uniform (GFW counts an encounter from 2 h).",
        source="assumption; domain.md §7: encounters of at least 2 h",
    )
    support_ais_off_probability: float = param(
        0.3,
        unit="probability",
        ge=0,
        le=1,
        description="Chance that the carrier or bunker vessel of a meeting sails with AIS off.",
        source="assumption (fishing-support tankers, domain.md §1.5: feeders were often small "
        "'fishing-support' tankers)",
    )


_SHANDONG_LIAONING = ("Qingdao", "Yantai", "Longkou", "Dalian")
DEFAULT_FLEETS: tuple[FishingFleet, ...] = (
    FishingFleet(
        name="cn_yellow_sea",
        flag="CHN",
        vessels=1500,
        home_ports=_SHANDONG_LIAONING,
        grounds=("yellow_sea_wide",),
        closed_season=("05-01", "09-01"),
        ais_off_probability=0.5,
    ),
    FishingFleet(
        name="cn_east_china_sea",
        flag="CHN",
        vessels=1500,
        home_ports=("Shanghai", "Ningbo-Zhoushan"),
        grounds=("ecs_wide",),
        closed_season=("05-01", "09-16"),
        ais_off_probability=0.5,
    ),
    FishingFleet(
        name="cn_dprk_east_sea",
        flag="CHN",
        vessels=700,
        home_ports=_SHANDONG_LIAONING,
        grounds=("sea_of_japan_patrol",),
        closed_season=("01-01", "06-01"),
        ais_off_probability=0.9,
        trip_days=(30.0, 90.0),
        meet_per_day=0.1,
    ),
    FishingFleet(
        name="rok",
        flag="KOR",
        vessels=1500,
        home_ports=("Incheon", "Gunsan", "Yeosu", "Busan"),
        grounds=("rok_coastal", "yellow_sea_wide", "ecs_wide"),
        ais_off_probability=0.1,
        trip_days=(2.0, 10.0),
    ),
    FishingFleet(
        name="jpn",
        flag="JPN",
        vessels=300,
        home_ports=("Sasebo", "Naha"),
        grounds=("ecs_wide",),
        ais_off_probability=0.05,
    ),
    FishingFleet(
        name="dprk_west",
        flag="PRK",
        vessels=500,
        home_ports=("Nampo", "Haeju"),
        grounds=("korea_bay_patrol",),
        ais_off_probability=0.95,
        transit_speed_kn=(6.0, 8.0),
        trip_days=(1.0, 5.0),
        meet_per_day=0.02,
    ),
)
"""The sourced fleets (``Fishing.fleets`` default). Per fleet:

* ``cn_yellow_sea``, ``cn_east_china_sea``: 1,500 each, the number of Chinese vessels licensed in
  the ROK EEZ in 2018 (Korea Herald, 9 Nov 2018), taken as the part of each Chinese coastal fleet
  that fishes where the patrols look (assumption: China's whole fleet is far larger, >100,000
  vessels under the moratorium, CGTN 2022); moratorium 1 May-1 Sep (Yellow Sea north of 35 N) and
  1 May-16 Sep (East China Sea, the longest gear closure) (MOA 2017; CGTN 2022); half dark
  (assumption, Park et al. 2020: most fishing vessels are dark).
* ``cn_dprk_east_sea``: 700, the 2018 count of Chinese-origin vessels fishing in DPRK waters
  (Park et al. 2020: from Chinese ports, Shandong in their Fig. 1); 90% dark (assumption: the
  paper's "dark fleets"); season June-December (assumption: the squid season, no dates found);
  long trips (assumption: the passage via the Korea Strait takes days).
* ``rok``: 1,500, as many ROK vessels as licensed in the Chinese EEZ (Korea Herald 2018), in the
  ROK coastal waters and both seas (assumption for the split); mostly broadcasting
  (assumption: ROK fishing vessels carry AIS or V-Pass); no fleet-wide closure (assumption).
* ``jpn``: 300 in the East China Sea (assumption: no count found).
* ``dprk_west``: 500 small boats in the Korea Bay (assumption; Park et al. 2020 counts ~3,000
  small DPRK boats on the east side), almost all dark (no AIS carried; assumption).
"""


class Fishing(Frozen):
    """The fishing fleets of the theater (off by default; see the module docstring)."""

    enabled: bool = Field(
        False,
        description="Put the fishing fleets to sea (default off: existing scenarios keep their "
        "traffic; switching on adds thousands of slow, often dark vessels).",
    )
    scale: float = param(
        0.1,
        unit="fraction",
        ge=0,
        le=1,
        description="Share of each fleet's vessels represented; 1 sails the sourced volumes "
        "(cost grows with vessels).",
        source="assumption: a tenth (600 vessels) built a year of traffic in 11 s and 613 MB, "
        "all 6,000 in 61 s and 2.8 GB (measured 2 Dec 2026 morning; the build is ~3x faster "
        "since, docs/model.md)",
    )
    fleets: tuple[FishingFleet, ...] | None = Field(
        None,
        description="The fleets; none: the sourced Chinese, ROK, Japanese and DPRK fleets "
        "(``sim.scenarios.traffic_schema.DEFAULT_FLEETS``, tabled in docs/model.md).",
    )

    @property
    def at_sea(self) -> tuple[FishingFleet, ...]:
        """The fleets that sail: none when off, the declared ones, else the sourced defaults."""
        if not self.enabled:
            return ()
        return DEFAULT_FLEETS if self.fleets is None else self.fleets

    @property
    def vessels(self) -> int:
        """Fishing vessels represented (each sailing fleet's count times ``scale``)."""
        return sum(int(round(f.vessels * self.scale)) for f in self.at_sea)
