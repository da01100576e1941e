"""An AIS table prepared once for every detector: column roles, sorted arrays, distances.

:func:`prepare_ais` turns identities into sorted integer codes and sorts the rows by identity,
time, lon and lat, so that every detector is numpy over the same arrays and no result depends
on the input's row order. Layout presets (``sim.analysis.ais_layouts``) and the
distance-to-shore lookup are resolved here too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.ais_layouts import normalise

__all__ = [
    "AisColumns",
    "PreparedAis",
    "prepare_ais",
    "prepare_arrays",
    "apply_layout",
    "shore_lookup",
    "haversine_m",
    "DistanceToShore",
    "EARTH_RADIUS_M",
]

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius, metres (IUGG mean radius R1; the great-circle distances use a sphere)."""

DistanceToShore = Callable[[np.ndarray, np.ndarray], Any] | str
"""A ``(lon, lat) -> nm`` callable, or the name of a column holding the distance."""


@dataclass(frozen=True)
class AisColumns:
    """Column names of an AIS table (override any of them)."""

    time: str = "time"
    identity: str = "identity"
    lon: str = "lon"
    lat: str = "lat"
    speed: str = "speed"
    course: str = "course"

    @classmethod
    def of(cls, columns: AisColumns | Mapping[str, str] | None) -> AisColumns:
        """Normalise ``None``, a mapping of overrides, or an ``AisColumns``."""
        if columns is None:
            return cls()
        if isinstance(columns, AisColumns):
            return columns
        unknown = set(columns) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(
                f"unknown AIS column roles {sorted(unknown)}; "
                f"expected {[f.name for f in fields(cls)]}"
            )
        return cls(**dict(columns))


@dataclass(frozen=True)
class PreparedAis:
    """An AIS table as sorted numpy arrays (build with :func:`prepare_ais`).

    Attributes:
        t: time, hours (float; from ``origin`` when the input held datetimes).
        code: identity code (index into ``names``, names sorted).
        names: identities.
        lon, lat: degrees.
        speed: knots (NaN allowed: never counts as slow).
        origin: the datetime of ``t == 0`` when the input was datetimes, else None.
        columns: the input's column names.
    """

    t: np.ndarray
    code: np.ndarray
    names: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    speed: np.ndarray
    origin: pd.Timestamp | None
    columns: AisColumns

    def __len__(self) -> int:
        return len(self.t)

    def times(self, hours: np.ndarray) -> Any:
        """Hours back to the input's time kind (float hours or datetimes)."""
        if self.origin is None:
            return np.asarray(hours, float)
        return self.origin + pd.to_timedelta(np.asarray(hours, float), unit="h")

    def same_next(self) -> np.ndarray:
        """True where row i+1 has the same identity as row i (length n-1)."""
        return self.code[1:] == self.code[:-1]

    def ends_after(self, since: Mapping[str, Any] | None) -> np.ndarray:
        """Per identity code, the time (hours) an event must end after (-inf where none given).

        ``since`` maps identities to times in the input's kind (hours, or datetimes).
        """
        bound = np.full(len(self.names), -np.inf)
        for i, name in enumerate(self.names.tolist() if since else []):
            v = since.get(name) if since else None
            if v is not None:
                bound[i] = (
                    float(v)
                    if self.origin is None
                    else (pd.Timestamp(v) - self.origin) / pd.Timedelta(hours=1)
                )
        return bound


def prepare_ais(
    ais: pd.DataFrame | PreparedAis, columns: AisColumns | Mapping[str, str] | None = None
) -> PreparedAis:
    """Sort an AIS table once for all detectors (rows with missing time or position are dropped)."""
    if isinstance(ais, PreparedAis):
        return ais
    cols = AisColumns.of(columns)
    missing = [
        c
        for c in (cols.time, cols.identity, cols.lon, cols.lat, cols.speed)
        if c not in ais.columns
    ]
    if missing:
        raise ValueError(f"AIS table lacks columns {missing} (columns= renames them)")
    tcol = ais[cols.time]
    origin = None
    if pd.api.types.is_datetime64_any_dtype(tcol):
        origin = tcol.min()
        t = ((tcol - origin) / pd.Timedelta(hours=1)).to_numpy(float)
    else:
        t = tcol.to_numpy(float)
    lon = ais[cols.lon].to_numpy(float)
    lat = ais[cols.lat].to_numpy(float)
    speed = ais[cols.speed].to_numpy(float)
    ident = ais[cols.identity]
    if isinstance(ident.dtype, pd.CategoricalDtype):
        cats = np.asarray(ident.cat.categories, dtype=object).astype(str)
        rank = np.argsort(np.argsort(cats, kind="stable"), kind="stable")
        raw = ident.cat.codes.to_numpy()
        code = np.where(raw >= 0, rank[raw], -1)
        names = np.sort(cats)
    else:
        code, names = pd.factorize(ident, sort=True)
        names = np.asarray(names, dtype=object)
    return _sorted(t, code, names, lon, lat, speed, origin, cols)


def prepare_arrays(
    t: np.ndarray, identity: np.ndarray, lon: np.ndarray, lat: np.ndarray, speed: np.ndarray
) -> PreparedAis:
    """:func:`prepare_ais` for positions held as arrays (hours; identities as str objects).

    For a caller that keeps its positions in numpy (the model's AIS monitor): the same
    sorted arrays as ``prepare_ais`` of the same table, without building one.
    """
    raw, uniques = pd.factorize(np.asarray(identity, dtype=object))  # hashing, not sorting
    uniques = np.asarray(uniques, dtype=object)
    by_name = np.argsort(uniques)  # sort the distinct names only
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[by_name] = np.arange(len(uniques))
    code = np.full(len(raw), -1, dtype=np.int64)  # a missing identity stays -1 (dropped)
    code[raw >= 0] = rank[raw[raw >= 0]]
    return _sorted(
        np.asarray(t, float),
        code,
        uniques[by_name],
        np.asarray(lon, float),
        np.asarray(lat, float),
        np.asarray(speed, float),
        None,
        AisColumns(),
    )


def _sorted(
    t: np.ndarray,
    code: np.ndarray,
    names: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    speed: np.ndarray,
    origin: pd.Timestamp | None,
    cols: AisColumns,
) -> PreparedAis:
    """Drop rows with a missing time, position or identity; sort by identity, time, lon, lat."""
    ok = np.isfinite(t) & np.isfinite(lon) & np.isfinite(lat) & (code >= 0)
    if not ok.all():
        t, lon, lat, speed, code = t[ok], lon[ok], lat[ok], speed[ok], code[ok]
    order = np.lexsort((lat, lon, t, code))
    return PreparedAis(
        t[order],
        code[order].astype(np.int64),
        names,
        lon[order],
        lat[order],
        speed[order],
        origin,
        cols,
    )


def apply_layout(ais: Any, columns: Any, layout: str | None) -> tuple[Any, Any]:
    """Apply a layout preset (``"marinecadastre"``, ``"dma"``): parse times, drop NA codes."""
    if layout is None or isinstance(ais, PreparedAis):
        return ais, columns
    if columns is not None:
        raise ValueError("give either layout= or columns=, not both")
    return normalise(ais, layout)


def haversine_m(lon1: Any, lat1: Any, lon2: Any, lat2: Any) -> np.ndarray:
    """Great-circle distance in metres (vectorised, degrees in)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def shore_lookup(
    ais: pd.DataFrame | PreparedAis, columns: Any, distance_to_shore_nm: DistanceToShore | None
) -> Callable[[np.ndarray, np.ndarray], np.ndarray] | None:
    """Turn a column name into a lookup over the prepared rows (by exact lon/lat/time order)."""
    if not isinstance(distance_to_shore_nm, str):
        return distance_to_shore_nm
    if isinstance(ais, PreparedAis):
        raise TypeError("distance_to_shore_nm as a column needs the DataFrame, not a PreparedAis")
    cols = AisColumns.of(columns)
    tab = ais[[cols.lon, cols.lat, distance_to_shore_nm]].drop_duplicates([cols.lon, cols.lat])
    lut = pd.Series(
        tab[distance_to_shore_nm].to_numpy(float),
        index=pd.MultiIndex.from_arrays(
            [tab[cols.lon].to_numpy(float), tab[cols.lat].to_numpy(float)]
        ),
    )

    def look(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        return lut.reindex(pd.MultiIndex.from_arrays([lon, lat])).to_numpy(float)

    return look
