"""Places (ports, bases, gates) and named sea areas shipped as CSV package data.

Both files carry a ``source`` column so every coordinate can be traced (see domain.md).
Coordinates are lon/lat degrees in the files; the theater converts them to metres.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["PLACE_KINDS", "AREA_KINDS", "Area", "read_places_csv", "read_areas_csv"]

PLACE_KINDS = ("port", "naval_base", "air_base", "gate")
AREA_KINDS = ("sts_hotspot", "patrol_box")


@dataclass(frozen=True)
class Area:
    """A named sea area (water only).

    Attributes:
        name: unique name, e.g. "ecs_high_seas".
        kind: "sts_hotspot" or "patrol_box".
        polygon_xy: metric (theater CRS) polygon with land removed.
        polygon_lonlat: the same in lon/lat degrees (for plotting).
        area_nm2: water area in square nautical miles.
        centroid_lon / centroid_lat: centroid of the water polygon, degrees.
        source: where the outline comes from.
    """

    name: str
    kind: str
    polygon_xy: BaseGeometry
    polygon_lonlat: BaseGeometry
    area_nm2: float
    centroid_lon: float
    centroid_lat: float
    source: str


def _data_text(name: str) -> str:
    return resources.files("sim.geo").joinpath("data", name).read_text(encoding="utf-8")


def read_places_csv() -> pd.DataFrame:
    """Return the raw places table (name, kind, state, lon, lat, source)."""
    import io

    df = pd.read_csv(io.StringIO(_data_text("places.csv")), keep_default_na=False)
    bad = set(df["kind"]) - set(PLACE_KINDS)
    if bad:  # a data error, caught at load not mid-simulation
        raise ValueError(f"places.csv: unknown kind(s) {sorted(bad)}")
    if df["name"].duplicated().any():
        raise ValueError("places.csv: duplicate names")
    return df


def read_areas_csv() -> pd.DataFrame:
    """Return the raw areas table with a ``geometry`` column (lon/lat shapely polygons)."""
    import io

    df = pd.read_csv(io.StringIO(_data_text("areas.csv")), keep_default_na=False)
    df["geometry"] = shapely.from_wkt(df["wkt"].to_numpy())
    return df.drop(columns="wkt")
