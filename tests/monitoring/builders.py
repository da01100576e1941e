"""Small hand-built tracks and AIS tables for monitoring tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.monitoring import TRACK_COLUMNS, FlatGeography
from sim.units import NM_M

GEO = FlatGeography()


def leg(
    vessel: str,
    t0: float,
    t1: float,
    p0_nm: tuple[float, float],
    p1_nm: tuple[float, float] | None = None,
    *,
    ais_on: bool = True,
    identity: str | None = None,
    activity: str = "transit",
    role: str = "legit",
) -> dict:
    p1_nm = p1_nm or p0_nm
    return {
        "vessel": vessel,
        "role": role,
        "t0_h": t0,
        "t1_h": t1,
        "x0_m": p0_nm[0] * NM_M,
        "y0_m": p0_nm[1] * NM_M,
        "x1_m": p1_nm[0] * NM_M,
        "y1_m": p1_nm[1] * NM_M,
        "ais_on": ais_on,
        "identity": identity or vessel,
        "activity": activity,
    }


def tracks(*legs: dict) -> pd.DataFrame:
    return pd.DataFrame(list(legs), columns=list(TRACK_COLUMNS))


def ais_track(
    identity: str,
    t0: float,
    t1: float,
    step_h: float,
    p0_nm: tuple[float, float],
    p1_nm: tuple[float, float] | None = None,
    speed: float | None = None,
) -> pd.DataFrame:
    """Positions every ``step_h`` from t0 to t1 (inclusive) on a straight line.

    Flat-sea coordinates in nm.
    """
    p1_nm = p1_nm or p0_nm
    t = np.arange(t0, t1 + 1e-9, step_h)
    f = (t - t0) / max(t1 - t0, 1e-12)
    x = (p0_nm[0] + f * (p1_nm[0] - p0_nm[0])) * NM_M
    y = (p0_nm[1] + f * (p1_nm[1] - p0_nm[1])) * NM_M
    lon, lat = GEO.to_lonlat(x, y)
    if speed is None:
        speed = float(np.hypot(p1_nm[0] - p0_nm[0], p1_nm[1] - p0_nm[1]) / max(t1 - t0, 1e-12))
    return pd.DataFrame(
        {
            "time": t,
            "identity": identity,
            "lon": lon,
            "lat": lat,
            "speed": np.full(t.size, speed),
            "course": np.zeros(t.size),
        }
    )


def ais(*parts: pd.DataFrame) -> pd.DataFrame:
    return pd.concat(parts, ignore_index=True)
