"""Places and named sea areas of a theater.

Ports, bases and gates snapped to water, and STS hotspots and patrol boxes clipped to water.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import shapely

from sim.errors import UserError, suggest
from sim.geo.frame import Frame, sample_points_in_polygon
from sim.geo.places import Area, read_areas_csv, read_places_csv
from sim.units import NM_M

__all__ = ["PLACE_COLUMNS", "PLACE_SNAP_MAX_NM", "Gazetteer", "Place"]

PLACE_SNAP_MAX_NM = 25.0
"""Places further than this from navigable water are a data error (Songnim is up-river)."""

PLACE_COLUMNS = [
    "name",
    "kind",
    "state",
    "lon",
    "lat",
    "x_m",
    "y_m",
    "snap_nm",
    "lon_file",
    "lat_file",
    "source",
]
"""Columns of :attr:`Gazetteer.places` (``lon``/``lat`` snapped, ``*_file`` as in the file)."""


class Place(NamedTuple):
    """A port, base or gate.

    ``lon``/``lat``/``x_m``/``y_m`` are the snapped water position (air bases are not snapped);
    ``snap_nm`` is how far the file position was moved.
    """

    name: str
    kind: str
    state: str
    lon: float
    lat: float
    x_m: float
    y_m: float
    snap_nm: float
    source: str


class Gazetteer:
    """The places and areas of one frame (none for an open-water frame).

    Args:
        frame: the theater's CRS, land and water.
    """

    def __init__(self, frame: Frame) -> None:
        """Read places and areas, snap places to water and clip areas to it."""
        self.frame = frame
        self.places = self._load_places()
        self._place_by_name: dict[str, Place] = {}  # the model asks thousands of times a run
        for r in self.places.itertuples(index=False):
            self._place_by_name.setdefault(
                r.name,
                Place(
                    r.name,
                    r.kind,
                    r.state,
                    float(r.lon),
                    float(r.lat),
                    float(r.x_m),
                    float(r.y_m),
                    float(r.snap_nm),
                    r.source,
                ),
            )
        self._areas = self._load_areas()
        self.areas = pd.DataFrame(
            [
                {
                    "name": a.name,
                    "kind": a.kind,
                    "lon": a.centroid_lon,
                    "lat": a.centroid_lat,
                    "area_nm2": a.area_nm2,
                    "source": a.source,
                }
                for a in self._areas.values()
            ],
            columns=["name", "kind", "lon", "lat", "area_nm2", "source"],
        )

    def _load_places(self) -> pd.DataFrame:
        cols = PLACE_COLUMNS
        f = self.frame
        if self.frame.land_xy.is_empty:
            return pd.DataFrame(columns=cols)
        df = read_places_csv()
        lon0, lat0, lon1, lat1 = f.bbox
        df = df[(df.lon >= lon0) & (df.lon <= lon1) & (df.lat >= lat0) & (df.lat <= lat1)]
        rows = []
        for r in df.itertuples(index=False):
            x, y = (float(v) for v in self.frame.to_xy(r.lon, r.lat))
            moved = 0.0
            if r.kind != "air_base":
                x, y, moved = self.frame.snap_to_water_xy(
                    x, y, PLACE_SNAP_MAX_NM, label=f"place {r.name!r}"
                )
            lon, lat = (float(v) for v in self.frame.to_lonlat(x, y))
            rows.append([r.name, r.kind, r.state, lon, lat, x, y, moved, r.lon, r.lat, r.source])
        return pd.DataFrame(rows, columns=cols)

    def place(self, name: str) -> Place:
        """Return a place by name (UserError with a suggestion when unknown)."""
        hit = self._place_by_name.get(name)
        if hit is None:
            names = list(self.places["name"])
            raise UserError(
                f"unknown place {name!r} in theater {self.frame.name!r}.{suggest(name, names)}"
            )
        return hit

    def _load_areas(self) -> dict[str, Area]:
        out: dict[str, Area] = {}
        if self.frame.land_xy.is_empty:
            return out
        f = self.frame
        df = read_areas_csv()
        box = shapely.box(*f.bbox)
        for r in df.itertuples(index=False):
            if not box.contains(r.geometry):
                continue
            ll = shapely.segmentize(r.geometry, 0.05)
            poly_xy = f.geom_to_xy(ll)
            water = shapely.intersection(poly_xy, f.water_xy)
            if water.is_empty:
                raise ValueError(f"areas.csv: area {r.name!r} has no water")
            c = water.centroid
            clon, clat = self.frame.to_lonlat(c.x, c.y)
            water_ll = f.geom_to_lonlat(water)
            out[r.name] = Area(
                r.name,
                r.kind,
                water,
                water_ll,
                float(water.area / NM_M**2),
                float(clon),
                float(clat),
                r.source,
            )
        return out

    def area(self, name: str) -> Area:
        """Return a named sea area (UserError with a suggestion when unknown)."""
        try:
            return self._areas[name]
        except KeyError:
            raise UserError(
                f"unknown area {name!r} in theater {self.frame.name!r}."
                f"{suggest(name, list(self._areas))}"
            ) from None

    def sample_points_in_area(self, name: str, n: int, rng: np.random.Generator) -> np.ndarray:
        """Return (n, 2) metric points uniformly distributed over the area's water.

        Rejection sampling from the bounding box using only the given generator.
        """
        poly = self.area(name).polygon_xy
        shapely.prepare(poly)
        return sample_points_in_polygon(poly, n, rng)
