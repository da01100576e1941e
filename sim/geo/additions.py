"""A theater with places and sea areas added from coordinates (a scenario's own geography).

The land-free ``open_water`` theater has no places or areas; a scenario that declares its
bases and patrol boxes as coordinates runs there (the search-theory verification does), and a
scenario on a real theater may add a base or a box of its own. The result answers like the
theater it extends, with the added names beside the theater's own: places are snapped to
water as the gazetteer's are (air bases stay put), areas are clipped to water.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd
import shapely

from sim.errors import UserError
from sim.geo.frame import sample_points_in_polygon
from sim.geo.gazetteer import PLACE_COLUMNS, PLACE_SNAP_MAX_NM, Place
from sim.geo.places import Area
from sim.units import NM_M

if TYPE_CHECKING:
    from sim.geo.theater import Theater

__all__ = ["PlaceLike", "AreaLike", "ExtendedTheater", "with_places_and_areas"]


class PlaceLike(Protocol):
    """A place given by coordinates (``sim.scenarios.reference_schema.PlaceSpec``)."""

    @property
    def name(self) -> str:
        """Unique name."""
        ...

    @property
    def lon(self) -> float:
        """Longitude, degrees."""
        ...

    @property
    def lat(self) -> float:
        """Latitude, degrees."""
        ...

    @property
    def kind(self) -> str:
        """port, naval_base, air_base or gate."""
        ...

    @property
    def state(self) -> str:
        """Coastal state (ISO alpha-3) or ''."""
        ...


class AreaLike(Protocol):
    """A sea area given as [lon, lat] vertices (``sim.scenarios.reference_schema.AreaSpec``)."""

    @property
    def name(self) -> str:
        """Unique name."""
        ...

    @property
    def polygon(self) -> Sequence[tuple[float, float]]:
        """Vertices as (lon, lat) degrees, in order."""
        ...

    @property
    def kind(self) -> str:
        """A label (patrol, hotspot, ...)."""
        ...


_EXTENDED: weakref.WeakKeyDictionary[Theater, dict[tuple, ExtendedTheater]] = (
    weakref.WeakKeyDictionary()
)
"""Per base theater: (places, areas) -> the extended theater (one per declaration, so that
per-theater caches such as patrol polygons keep working across replications)."""


class ExtendedTheater:
    """A theater plus places and areas given as coordinates; everything else is the base's.

    Args:
        base: the loaded theater.
        places: places to add (names must be new).
        areas: areas to add (names must be new).
    """

    def __init__(
        self, base: Theater, places: Sequence[PlaceLike], areas: Sequence[AreaLike]
    ) -> None:
        self.base = base
        self._places: dict[str, Place] = {}
        rows = []
        for p in places:
            if p.name in self._places or p.name in set(base.ports["name"]):
                raise UserError(f"place {p.name!r} is declared twice")
            x, y = (float(v) for v in base.to_xy(p.lon, p.lat))
            moved = 0.0
            if p.kind != "air_base":
                x, y, moved = base.snap_to_water_xy(
                    x, y, PLACE_SNAP_MAX_NM, label=f"place {p.name!r}"
                )
            lon, lat = (float(v) for v in base.to_lonlat(x, y))
            self._places[p.name] = Place(p.name, p.kind, p.state, lon, lat, x, y, moved, "scenario")
            rows.append([p.name, p.kind, p.state, lon, lat, x, y, moved, p.lon, p.lat, "scenario"])
        added = pd.DataFrame(rows, columns=PLACE_COLUMNS)
        self.ports = pd.concat([base.ports, added], ignore_index=True) if len(added) else base.ports
        self.places = self.ports
        self._areas: dict[str, Area] = {}
        for a in areas:
            if a.name in self._areas or a.name in set(base.areas["name"]):
                raise UserError(f"area {a.name!r} is declared twice")
            vx, vy = base.to_xy(
                np.array([v[0] for v in a.polygon]), np.array([v[1] for v in a.polygon])
            )
            poly = shapely.make_valid(shapely.Polygon(np.column_stack([vx, vy])))
            water = shapely.intersection(poly, base.water_xy)
            if water.is_empty:
                raise UserError(f"area {a.name!r} has no water in theater {base.name!r}")
            c = water.centroid
            clon, clat = base.to_lonlat(c.x, c.y)
            wl = base.frame.geom_to_lonlat(water)
            self._areas[a.name] = Area(
                a.name,
                a.kind,
                water,
                wl,
                float(water.area / NM_M**2),
                float(clon),
                float(clat),
                "scenario",
            )
        extra = pd.DataFrame(
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
            columns=list(base.areas.columns),
        )
        self.areas = pd.concat([base.areas, extra], ignore_index=True) if len(extra) else base.areas

    def __getattr__(self, name: str) -> Any:
        """Everything not added here is the base theater's."""
        if name == "base":  # not yet set (copying, unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.base, name)

    def __repr__(self) -> str:
        return (
            f"ExtendedTheater({self.base!r}, +{len(self._places)} places, "
            f"+{len(self._areas)} areas)"
        )

    def place(self, name: str) -> Place:
        """A place by name: an added one, else the base theater's."""
        hit = self._places.get(name)
        return hit if hit is not None else self.base.place(name)

    def area(self, name: str) -> Area:
        """A sea area by name: an added one, else the base theater's."""
        hit = self._areas.get(name)
        return hit if hit is not None else self.base.area(name)

    def sample_points_in_area(self, name: str, n: int, rng: np.random.Generator) -> np.ndarray:
        """(n, 2) metric points uniform over the area's water, drawn only from ``rng``."""
        if name not in self._areas:
            return self.base.sample_points_in_area(name, n, rng)
        poly = self._areas[name].polygon_xy
        shapely.prepare(poly)
        return sample_points_in_polygon(poly, n, rng)


def with_places_and_areas(
    theater: Theater | ExtendedTheater, places: Sequence[PlaceLike], areas: Sequence[AreaLike]
) -> Any:
    """``theater`` itself when nothing is added, else the extended theater (memoised).

    Returns ``Any`` on purpose: callers use the answer as a ``Theater``, which an
    ``ExtendedTheater`` is by delegation, not by type (a theater protocol would type both).
    """
    if not places and not areas:
        return theater
    base = theater.base if isinstance(theater, ExtendedTheater) else theater
    key = (tuple(places), tuple(areas))
    per_base = _EXTENDED.setdefault(base, {})
    hit = per_base.get(key)
    if hit is None:
        hit = ExtendedTheater(base, places, areas)
        per_base[key] = hit
    return hit
