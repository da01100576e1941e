"""Column layouts of AIS position tables that AIS people use, as detector presets.

* ``"sim"``: this package's simulated feed in memory (``time`` hours, ``identity``, ``lon``,
  ``lat``, ``speed``, ``course``).
* ``"marinecadastre"``: the US MarineCadastre/NOAA AIS CSV and the ``ais`` table this
  package writes (``MMSI, BaseDateTime, LAT, LON, SOG, COG, Heading, VesselType, Status``;
  https://marinecadastre.gov/ais/).
* ``"dma"``: the Danish Maritime Authority's historical AIS CSV (``# Timestamp`` as
  ``dd/mm/YYYY HH:MM:SS``, ``MMSI``, ``Latitude``, ``Longitude``, ``SOG``, ``COG``, ...;
  https://web.ais.dk/aisdata/).

Real files carry the AIS "not available" codes (ITU-R M.1371: latitude 91, longitude 181,
SOG 102.3 kn, COG 360, heading 511); :func:`normalise` turns them into NaN so that no
detector mistakes 102.3 kn for a speed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Layout", "LAYOUTS", "NOT_AVAILABLE", "layout_of", "normalise"]


@dataclass(frozen=True)
class Layout:
    """Where a layout keeps each quantity, and how its time is written.

    Attributes:
        time, identity, lon, lat, speed, course: column names.
        time_format: ``strptime`` format of a text time column (None: already datetimes
            or float hours).
    """

    time: str
    identity: str
    lon: str
    lat: str
    speed: str
    course: str
    time_format: str | None = None

    def columns(self) -> dict[str, str]:
        """The column mapping the detectors take (role -> column)."""
        return {
            "time": self.time,
            "identity": self.identity,
            "lon": self.lon,
            "lat": self.lat,
            "speed": self.speed,
            "course": self.course,
        }


LAYOUTS: dict[str, Layout] = {
    "sim": Layout("time", "identity", "lon", "lat", "speed", "course"),
    "marinecadastre": Layout("BaseDateTime", "MMSI", "LON", "LAT", "SOG", "COG"),
    "dma": Layout(
        "# Timestamp", "MMSI", "Longitude", "Latitude", "SOG", "COG", "%d/%m/%Y %H:%M:%S"
    ),
}
"""Detector presets by name (``detect_encounters(df, layout="marinecadastre")``)."""

NOT_AVAILABLE: dict[str, float] = {
    "lat": 91.0,
    "lon": 181.0,
    "speed": 102.3,
    "course": 360.0,
    "heading": 511.0,
}
"""ITU-R M.1371 'not available' values (speed 102.3 kn means 102.2 kn or more, or unknown)."""


def layout_of(layout: str | Layout) -> Layout:
    """A preset by name, or the layout itself."""
    if isinstance(layout, Layout):
        return layout
    try:
        return LAYOUTS[layout]
    except KeyError:
        raise ValueError(
            f"unknown AIS layout {layout!r}; expected one of {sorted(LAYOUTS)}"
        ) from None


def normalise(df: pd.DataFrame, layout: str | Layout) -> tuple[pd.DataFrame, Mapping[str, str]]:
    """A copy of ``df`` ready for the detectors, and its column mapping.

    Text times are parsed (``time_format``), the 'not available' codes become NaN (also
    ``Heading`` when present), and the identity column becomes text (MMSI 9-digit numbers).
    """
    lay = layout_of(layout)
    missing = [c for c in lay.columns().values() if c not in df.columns]
    if missing:
        raise ValueError(
            f"AIS table lacks columns {missing} for layout {layout!r} (has {list(df.columns)})"
        )
    out = df.copy()
    t = out[lay.time]
    if lay.time_format is not None and not pd.api.types.is_datetime64_any_dtype(t):
        out[lay.time] = pd.to_datetime(t, format=lay.time_format)
    elif t.dtype == object or pd.api.types.is_string_dtype(t.dtype):
        out[lay.time] = pd.to_datetime(t)
    roles: dict[str, Any] = {"lat": lay.lat, "lon": lay.lon, "speed": lay.speed}
    roles["course"] = lay.course
    if "Heading" in out.columns:
        roles["heading"] = "Heading"
    for role, col in roles.items():
        v = pd.to_numeric(out[col], errors="coerce").astype(float)
        out[col] = v.where(~np.isclose(v, NOT_AVAILABLE[role]) & (v < 1e9))
    if not isinstance(out[lay.identity].dtype, pd.CategoricalDtype):
        out[lay.identity] = out[lay.identity].astype(str)
    return out, lay.columns()
