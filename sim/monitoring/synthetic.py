"""Synthetic geography and tracks for tests, benchmarks and demonstration figures.

``FlatGeography`` is a plane with a straight coast (land where ``x_m < 0``) and an
equirectangular lon/lat mapping; it satisfies ``FeedGeography`` and gives detectors a
``distance_to_coast_nm(lon, lat)`` without building a real theater.
``synthetic_tracks`` draws a tracks table (``TRACK_COLUMNS``) with legitimate traffic and
smuggling pairs meeting for ship-to-ship transfers, some dark, some spoofing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from sim.monitoring.feed import TRACK_COLUMNS
from sim.units import NM_M

__all__ = ["FlatGeography", "synthetic_ports", "synthetic_tracks", "PORT_Y_NM"]

_M_PER_DEG = 111_320.0

PORT_Y_NM = tuple(float(v) for v in np.linspace(-300.0, 300.0, 13))
"""Northings (nm) of the synthetic ports, 0.5 nm off the coast every 50 nm."""
_PORT_X_M = 0.5 * NM_M


@dataclass(frozen=True)
class FlatGeography:
    """A flat sea east of a straight north-south coast at ``x_m = 0``.

    Attributes:
        lon0: longitude of the origin, degrees.
        lat0: latitude of the origin, degrees.
    """

    lon0: float = 124.0
    lat0: float = 35.0

    @property
    def _kx(self) -> float:
        return _M_PER_DEG * float(np.cos(np.radians(self.lat0)))

    def to_lonlat(self, x_m: Any, y_m: Any) -> tuple[np.ndarray, np.ndarray]:
        """Metres to lon/lat (equirectangular about the origin)."""
        return (
            self.lon0 + np.asarray(x_m, float) / self._kx,
            self.lat0 + np.asarray(y_m, float) / _M_PER_DEG,
        )

    def to_xy(self, lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
        """Lon/lat to metres (inverse of :meth:`to_lonlat`)."""
        return (
            (np.asarray(lon, float) - self.lon0) * self._kx,
            (np.asarray(lat, float) - self.lat0) * _M_PER_DEG,
        )

    def distance_to_coast_nm_xy(self, x_m: Any, y_m: Any) -> np.ndarray:
        """Distance to the coast line ``x = 0`` in nm (0 on land)."""
        return np.maximum(np.asarray(x_m, float), 0.0) / NM_M + 0.0 * np.asarray(y_m, float)

    def distance_to_coast_nm(self, lon: Any, lat: Any) -> np.ndarray:
        """Lon/lat variant of :meth:`distance_to_coast_nm_xy`."""
        return self.distance_to_coast_nm_xy(*self.to_xy(lon, lat))


def synthetic_ports(geo: FlatGeography) -> pd.DataFrame:
    """The synthetic ports as an anchorage table (name, lon, lat, x_m, y_m)."""
    y = np.asarray(PORT_Y_NM) * NM_M
    x = np.full_like(y, _PORT_X_M)
    lon, lat = geo.to_lonlat(x, y)
    return pd.DataFrame(
        {"name": [f"P{i}" for i in range(len(y))], "lon": lon, "lat": lat, "x_m": x, "y_m": y}
    )


def _port(rng: np.random.Generator) -> tuple[float, float]:
    return (_PORT_X_M, float(rng.choice(PORT_Y_NM)) * NM_M)


def _leg(
    rows: list,
    vessel: str,
    role: str,
    t0: float,
    t1: float,
    p0: tuple[float, float],
    p1: tuple[float, float],
    ais_on: bool,
    identity: str,
    activity: str,
) -> None:
    rows.append((vessel, role, t0, t1, p0[0], p0[1], p1[0], p1[1], ais_on, identity, activity))


def _legit_ship(rows: list, rng: np.random.Generator, vid: str, T: float, v_m: float) -> None:
    """A legitimate ship shuttling between ports and offshore points until ``T`` hours."""
    t = rng.uniform(0, 12)
    port = _port(rng)
    _leg(rows, vid, "legit", 0.0, t, port, port, True, vid, "port")
    while t < T:
        far = (rng.uniform(30, 300) * NM_M, rng.uniform(-300, 300) * NM_M)
        d = np.hypot(far[0] - port[0], far[1] - port[1]) / v_m
        _leg(rows, vid, "legit", t, t + d, port, far, True, vid, "transit")
        t += d
        port = _port(rng)
        d = np.hypot(far[0] - port[0], far[1] - port[1]) / v_m
        _leg(rows, vid, "legit", t, t + d, far, port, True, vid, "transit")
        t += d
        stay = rng.uniform(4, 24)
        _leg(rows, vid, "legit", t, t + stay, port, port, True, vid, "port")
        t += stay


class _Trip(NamedTuple):
    """When and where one smuggling pair meets: times in hours, positions in metres."""

    t: float
    rv: tuple[float, float]
    v_m: float
    arrive: dict[str, float]
    meet: float
    end_sts: float
    dark_h: tuple[float, float]


def _trip_legs(
    rows: list,
    rng: np.random.Generator,
    trip: _Trip,
    vid: str,
    home: tuple[float, float],
    role: str,
    dark: bool,
    ident: str,
    sts_dark: bool,
) -> float:
    """One ship's legs of a smuggling trip (out, wait, STS, linger dark, home); its return time.

    A dark ship switches AIS off once ~60 nm out (a fraction of the leg) and back on there, and
    lingers dark at the rendezvous until it has been dark ``dark_h`` in all.
    """
    rv, v_m, meet, end_sts = trip.rv, trip.v_m, trip.meet, trip.end_sts
    wait0 = trip.arrive[vid]
    dep = wait0 - np.hypot(rv[0] - home[0], rv[1] - home[1]) / v_m
    _leg(rows, vid, role, trip.t, dep, home, home, True, vid, "port")
    fr = min(60.0 * NM_M / max(rv[0] - home[0], 1.0), 0.5) if dark else 0.0
    mid = (home[0] + fr * (rv[0] - home[0]), home[1] + fr * (rv[1] - home[1]))
    t_mid = dep + fr * (wait0 - dep)
    if fr > 0:
        _leg(rows, vid, role, dep, t_mid, home, mid, True, vid, "transit")
    _leg(rows, vid, role, t_mid, wait0, mid, rv, not dark, ident, "transit")
    if meet > wait0:
        _leg(rows, vid, role, wait0, meet, rv, rv, not dark, ident, "wait")
    _leg(rows, vid, role, meet, end_sts, rv, rv, not sts_dark, ident, "sts")
    back = end_sts + np.hypot(rv[0] - home[0], rv[1] - home[1]) / v_m
    want_dark_h = rng.uniform(*trip.dark_h)
    if dark and back - dep < want_dark_h:  # linger dark before returning
        linger = want_dark_h - (back - dep)
        _leg(rows, vid, role, end_sts, end_sts + linger, rv, rv, False, ident, "wait")
        back += linger
        t_b = end_sts + linger
    else:
        t_b = end_sts
    t_on = back - fr * (back - t_b)
    _leg(rows, vid, role, t_b, t_on, rv, mid, not dark, ident, "transit")
    if fr > 0:
        _leg(rows, vid, role, t_on, back, mid, home, True, vid, "transit")
    return float(back)


def _smuggling_pair(
    rows: list,
    rng: np.random.Generator,
    i: int,
    T: float,
    v_m: float,
    legit_ids: list[str],
    dark_share: float,
    spoof_share: float,
    sts_h: tuple[float, float],
    dark_h: tuple[float, float],
) -> None:
    """Pair ``i`` (foreign ``F``, DPRK ``D``) making trips to rendezvous until ``T`` hours."""
    f, d_id = f"F{i}", f"D{i}"
    f_home = _port(rng)
    d_home = _port(rng)
    t = rng.uniform(0, 48)
    _leg(rows, f, "foreign", 0.0, t, f_home, f_home, True, f, "port")
    _leg(rows, d_id, "dprk", 0.0, t, d_home, d_home, True, d_id, "port")
    while t < T:
        rv = (rng.uniform(40, 200) * NM_M, rng.uniform(-250, 250) * NM_M)
        d_dark = rng.random() < dark_share
        d_ident = d_id
        if not d_dark and rng.random() < spoof_share and legit_ids:
            d_ident = str(rng.choice(legit_ids))
        f_dark = rng.random() < dark_share / 2
        arr = {}
        for vid, home in ((f, f_home), (d_id, d_home)):
            dep = t + rng.uniform(0, 6)
            arr[vid] = dep + np.hypot(rv[0] - home[0], rv[1] - home[1]) / v_m
        meet = max(arr.values())  # the first to arrive waits for the other
        sts = rng.uniform(*sts_h)
        trip = _Trip(t, rv, v_m, dict(arr), meet, meet + sts, dark_h)
        for vid, home, role in ((f, f_home, "foreign"), (d_id, d_home, "dprk")):
            dark = d_dark if vid == d_id else False
            ident = d_ident if vid == d_id else f
            sts_dark = dark or (vid == f and f_dark)
            arr[vid] = _trip_legs(rows, rng, trip, vid, home, role, dark, ident, sts_dark)
        t = max(arr.values()) + rng.uniform(24, 96)
        for vid, home, role in ((f, f_home, "foreign"), (d_id, d_home, "dprk")):
            _leg(rows, vid, role, arr[vid], t, home, home, True, vid, "port")


def synthetic_tracks(
    rng: np.random.Generator,
    *,
    n_legit: int = 40,
    n_pairs: int = 10,
    days: float = 30.0,
    dark_share: float = 0.5,
    spoof_share: float = 0.2,
    speed_kn: float = 10.0,
    sts_h: tuple[float, float] = (4.0, 12.0),
    dark_h: tuple[float, float] = (18.0, 72.0),
) -> pd.DataFrame:
    """Draw a tracks table on :class:`FlatGeography` coordinates.

    Legitimate ships shuttle between 13 ports on the coast (``x = 0``, ``synthetic_ports``) and
    points 30-300 nm
    offshore, staying a few hours in port. Each smuggling pair (foreign ``F`` + DPRK ``D``)
    sails to a rendezvous 40-200 nm offshore, the first to arrive waits, they lie alongside
    for an STS transfer, then sail home; they repeat for the whole period. On each trip
    the DPRK ship goes dark with probability ``dark_share`` (from ~60 nm out to ~60 nm
    in, at least ``dark_h``), otherwise it spoofs a legitimate ship's identity with
    probability ``spoof_share``; the foreign ship goes dark for the transfer with
    probability ``dark_share / 2``.

    Returns:
        Tracks table (``TRACK_COLUMNS``), legs in time order per vessel.
    """
    T = days * 24.0
    v_m = speed_kn * NM_M
    rows: list = []
    legit_ids = [f"L{i}" for i in range(n_legit)]
    for vid in legit_ids:
        _legit_ship(rows, rng, vid, T, v_m)
    for i in range(n_pairs):
        _smuggling_pair(rows, rng, i, T, v_m, legit_ids, dark_share, spoof_share, sts_h, dark_h)
    return pd.DataFrame(rows, columns=list(TRACK_COLUMNS))
