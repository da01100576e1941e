"""The simulated feed in the layout AIS people use, with ground truth in its own table.

:func:`to_marinecadastre` turns the received feed (``FEED_COLUMNS``: float hours,
identities such as ``L175``) into the MarineCadastre column layout (``MMSI, BaseDateTime,
LAT, LON, SOG, COG, Heading, VesselType, Status``), without the ``vessel`` column: what a
receiver would store. :func:`identity_table` is the ground truth that goes beside it: which
true vessel sent each MMSI, and whether the identity was spoofed.

MMSIs are made up (assumption): a Maritime Identification Digit by role, then the
vessel number. Legitimate ships 477 (Hong Kong, the largest regional registry), foreign
feeders and carriers 352 (Panama, a frequent flag of the ships named in UN Panel
reports), DPRK vessels 445 (DPRK), spoofed identities 667 (Sierra Leone, a flag of
convenience the UN Panel reported DPRK-linked ships using falsely). VesselType is the AIS
ship-type code: 70 (cargo) for legitimate ships, 80 (tanker) for the smugglers (the
petroleum programme's ships; assumption for colliers). Status is the AIS navigational
status: 0 under way using engine, 1 at anchor below 0.5 kn (assumption).
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

__all__ = [
    "MARINECADASTRE_COLUMNS",
    "IDENTITY_COLUMNS",
    "identity_mmsi",
    "to_marinecadastre",
    "identity_table",
]

MARINECADASTRE_COLUMNS: dict[str, str] = {
    "MMSI": "Maritime Mobile Service Identity broadcast (may be spoofed).",
    "BaseDateTime": "Report time, UTC (scenario start_date + simulation hours, to the second).",
    "LAT": "Reported latitude, degrees north.",
    "LON": "Reported longitude, degrees east.",
    "SOG": "Speed over ground, knots (NaN: not available).",
    "COG": "Course over ground, degrees from true north (NaN: not available, stationary).",
    "Heading": "True heading, degrees (the model has no drift: equals COG; NaN: not available).",
    "VesselType": "AIS ship-type code of the broadcast identity (70 cargo, 80 tanker).",
    "Status": "AIS navigational status (0 under way using engine, 1 at anchor).",
}
"""Columns of the stored ``ais`` table (MarineCadastre layout)."""

IDENTITY_COLUMNS: dict[str, str] = {
    "MMSI": "MMSI as broadcast.",
    "identity": "The model's identity string behind it ('L12', 'D3', 'SD3' when spoofed).",
    "vessel": "True vessel that broadcast it (ground truth).",
    "spoofed": "True when the identity is not the vessel's own.",
}
"""Columns of the ``truth_identities`` table."""

_MID = {"L": 477, "F": 352, "D": 445}
_SPOOF_MID = 667
_ID = re.compile(r"^(S?)([A-Z])(\d+)$")
ANCHOR_SOG_KN = 0.5
"""Below this speed over ground the report says 'at anchor' (assumption)."""


def identity_mmsi(identity: str) -> int:
    """The made-up 9-digit MMSI of a model identity (see the module docstring)."""
    m = _ID.match(str(identity))
    if m is None:
        # any other label: a stable number in a MID no real ship uses here (999)
        return 999_000_000 + (int.from_bytes(str(identity).encode()[:8], "big") % 1_000_000)
    spoof, role, num = m.groups()
    mid = _SPOOF_MID if spoof else _MID.get(role, 999)
    role_digit = "LFD".find(role) + 1 if spoof else 0
    return mid * 1_000_000 + role_digit * 100_000 + int(num) % 100_000


def _vessel_type(identity: pd.Series) -> np.ndarray:
    own = identity.astype(str).str.lstrip("S").str[:1]
    return np.where(own == "L", 70, 80).astype(np.int16)


def to_marinecadastre(feed: pd.DataFrame, start_date: dt.date | str) -> pd.DataFrame:
    """The received feed as a MarineCadastre table (no ground-truth column)."""
    ident = feed["identity"].astype(str)
    codes, names = pd.factorize(ident)
    mmsi = np.array([identity_mmsi(n) for n in names], dtype=np.int64)[codes]
    when = pd.Timestamp(start_date) + pd.to_timedelta(feed["time"].to_numpy(float), unit="h")
    sog = feed["speed"].to_numpy(float)
    cog = feed["course"].to_numpy(float)
    return pd.DataFrame(
        {
            "MMSI": mmsi,
            "BaseDateTime": pd.DatetimeIndex(when).round("s").astype("datetime64[s]"),
            "LAT": feed["lat"].to_numpy(float),
            "LON": feed["lon"].to_numpy(float),
            "SOG": sog,
            "COG": cog,
            "Heading": np.round(cog),
            "VesselType": _vessel_type(ident),
            "Status": np.where(sog < ANCHOR_SOG_KN, 1, 0).astype(np.int16),
        }
    )


def identity_table(feed: pd.DataFrame) -> pd.DataFrame:
    """Ground truth beside the MarineCadastre table: who really sent each MMSI."""
    pairs = (
        feed[["identity", "vessel"]]
        .astype(str)
        .drop_duplicates()
        .sort_values(["identity", "vessel"])
        .reset_index(drop=True)
    )
    pairs.insert(0, "MMSI", [identity_mmsi(i) for i in pairs["identity"]])
    pairs["spoofed"] = pairs["identity"] != pairs["vessel"]
    return pairs
