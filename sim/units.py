"""Unit constants. Internally the model works in metres, seconds-free hours and knots.

Internal convention (documented once, used everywhere):
- positions are metres in the theater's azimuthal-equidistant CRS (``x_m``, ``y_m``);
- simulation time is in hours (``t_h``) from the scenario start;
- speeds are knots (nautical miles per hour); distances shown to users are nautical miles.
"""

from __future__ import annotations

NM_M = 1852.0
"""Metres in one international nautical mile (exact)."""

KN_M_PER_H = NM_M
"""One knot expressed in metres per hour."""

BBL_PER_TONNE_PRODUCTS = 7.33
"""Barrels of refined products (diesel/gasoline mix) per metric tonne.

Source: domain.md section 1.5, 500,000 bbl ~ 60,000-70,000 t (Yonhap), i.e. 7.1-8.3 bbl/t; we
use 7.33.
"""

HOURS_PER_YEAR = 8760.0
"""Hours in a 365-day year (the model's year; leap days are ignored)."""

M_PER_KM = 1000.0
"""Metres in a kilometre."""

__all__ = [
    "NM_M",
    "KN_M_PER_H",
    "BBL_PER_TONNE_PRODUCTS",
    "HOURS_PER_YEAR",
    "M_PER_KM",
    "km_to_nm",
    "nm_to_m",
    "m_to_nm",
]


def nm_to_m(nm: float) -> float:
    """Convert nautical miles to metres."""
    return nm * NM_M


def m_to_nm(m: float) -> float:
    """Convert metres to nautical miles."""
    return m / NM_M


def km_to_nm(km: float) -> float:
    """Convert kilometres to nautical miles."""
    return km * M_PER_KM / NM_M
