"""Maritime zones from a distance-to-coast raster.

Land is rasterised on a metric grid (~1 km for the korea theater) and
``scipy.ndimage.distance_transform_edt(..., return_indices=True)`` gives, for every water
cell, the distance to the nearest land cell *and which cell that is*, hence its state.
That is equidistance by construction: the nearest coast decides the EEZ, as UNCLOS
median lines do in semi-enclosed seas like the Yellow Sea. Lookups are then O(1) array
indexing, cheap enough for the simulation's hot paths.

Limitations (documented on purpose): baselines are the GSHHS-i coastline (no straight
baselines, no negotiated boundaries); distance is measured through land, as the EDT does;
coasts outside the theater bbox are unknown, so zones near the bbox edge may be too wide.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import shapely
from scipy import ndimage
from shapely.geometry.base import BaseGeometry

from sim.geo.sovereignty import STATE_CODES
from sim.units import NM_M

__all__ = [
    "DIST_UNIT_NM",
    "ZONE_KINDS",
    "STATE_CODES",
    "TERRITORIAL_NM",
    "CONTIGUOUS_NM",
    "EEZ_NM",
    "DPRK_MILITARY_ZONE_NM",
    "Zone",
    "ZoneRaster",
    "build_zone_raster",
]

ZONE_KINDS: tuple[str, ...] = ("land", "territorial", "contiguous", "eez", "high_seas")
"""Zone kind table; index = integer code returned by ``zone_at_xy``."""

TERRITORIAL_NM = 12.0  # UNCLOS Art. 3
CONTIGUOUS_NM = 24.0  # UNCLOS Art. 33
EEZ_NM = 200.0  # UNCLOS Art. 57
DPRK_MILITARY_ZONE_NM = 50.0  # DPRK "military boundary", 1977 (domain.md section 8)

DIST_UNIT_NM = 0.05  # raster stores distance in 1/20 nm (uint16 holds up to 3,276 nm)
_PRK = STATE_CODES.index("PRK")


class Zone(NamedTuple):
    """Zone of a point (scalars) or of many points (equal-shape numpy arrays).

    Attributes:
        state: state code string ("PRK", "KOR", ..., "unknown") whose coast is nearest
            (for land: the state owning the land); "none" on the high seas.
        kind: one of ``ZONE_KINDS``.
        dprk_military_zone: True within 50 nm of a DPRK coast that is the nearest coast.
    """

    state: str | np.ndarray
    kind: str | np.ndarray
    dprk_military_zone: bool | np.ndarray


class ZoneRaster:
    """Per-cell zone codes and distance to coast on a regular metric grid.

    Args:
        x0_m: x of the grid's left edge. y0_m: y of its bottom edge.
        cell_m: cell size in metres.
        state: (ny, nx) uint8 state code of the nearest (or owning) coast.
        kind: (ny, nx) uint8 zone-kind code.
        dist: (ny, nx) uint16 distance to coast in 1/20 nm (0 on land).
    """

    def __init__(
        self,
        x0_m: float,
        y0_m: float,
        cell_m: float,
        state: np.ndarray,
        kind: np.ndarray,
        dist: np.ndarray,
    ) -> None:
        self.x0_m = float(x0_m)
        self.y0_m = float(y0_m)
        self.cell_m = float(cell_m)
        self.state = state
        self.kind = kind
        self.dist = dist
        self.shape = state.shape

    def cell_index(self, x_m: np.ndarray, y_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (iy, ix) cell indices, clipped to the grid (outside points use the edge)."""
        ny, nx = self.shape
        ix = np.clip(((np.asarray(x_m) - self.x0_m) / self.cell_m).astype(np.int64), 0, nx - 1)
        iy = np.clip(((np.asarray(y_m) - self.y0_m) / self.cell_m).astype(np.int64), 0, ny - 1)
        return iy, ix

    def distance_nm(self, x_m: np.ndarray, y_m: np.ndarray) -> np.ndarray:
        """Distance to the nearest coast in nm (0 on land), cell resolution."""
        iy, ix = self.cell_index(x_m, y_m)
        return self.dist[iy, ix].astype(np.float64) * DIST_UNIT_NM

    def codes(self, x_m: np.ndarray, y_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (state_code, kind_code) uint8 arrays from the raster alone."""
        iy, ix = self.cell_index(x_m, y_m)
        return self.state[iy, ix], self.kind[iy, ix]

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Serialise for the disk cache."""
        return {
            "grid": np.array([self.x0_m, self.y0_m, self.cell_m]),
            "state": self.state,
            "kind": self.kind,
            "dist": self.dist,
        }

    @classmethod
    def from_arrays(cls, a: dict[str, np.ndarray]) -> ZoneRaster:
        """Inverse of :meth:`to_arrays`."""
        x0, y0, cell = a["grid"]
        return cls(x0, y0, cell, a["state"], a["kind"], a["dist"])


def build_zone_raster(
    land_xy: BaseGeometry,
    bounds_m: tuple[float, float, float, float],
    cell_m: float,
    land_state_fn: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> ZoneRaster:
    """Rasterise land, run the distance transform and classify every cell.

    Args:
        land_xy: land in the theater's metric CRS (prepared or not).
        bounds_m: (xmin, ymin, xmax, ymax) of the area to cover, metres.
        cell_m: cell size, metres (~1000).
        land_state_fn: maps arrays (x_m, y_m) of land cells to uint8 state codes.

    Returns:
        The classified raster.
    """
    xmin, ymin, xmax, ymax = bounds_m
    nx = int(np.ceil((xmax - xmin) / cell_m))
    ny = int(np.ceil((ymax - ymin) / cell_m))
    xs = xmin + (np.arange(nx) + 0.5) * cell_m
    ys = ymin + (np.arange(ny) + 0.5) * cell_m
    state = np.zeros((ny, nx), dtype=np.uint8)
    kind = np.full((ny, nx), ZONE_KINDS.index("high_seas"), dtype=np.uint8)
    dist = np.full((ny, nx), np.iinfo(np.uint16).max, dtype=np.uint16)
    if land_xy.is_empty:
        return ZoneRaster(xmin, ymin, cell_m, state, kind, dist)
    shapely.prepare(land_xy)
    land = np.empty((ny, nx), dtype=bool)
    for r0 in range(0, ny, 256):  # row blocks keep the temporary meshgrid small
        X, Y = np.meshgrid(xs, ys[r0 : r0 + 256])
        land[r0 : r0 + 256] = shapely.contains_xy(land_xy, X, Y)
    if not land.any():
        return ZoneRaster(xmin, ymin, cell_m, state, kind, dist)
    iy_land, ix_land = np.nonzero(land)
    state[iy_land, ix_land] = land_state_fn(xs[ix_land], ys[iy_land])
    d_cells, (iy_near, ix_near) = ndimage.distance_transform_edt(~land, return_indices=True)
    d_nm = d_cells * (cell_m / NM_M)
    water = ~land
    state[water] = state[iy_near[water], ix_near[water]]
    kind[land] = ZONE_KINDS.index("land")
    kind[water & (d_nm <= EEZ_NM)] = ZONE_KINDS.index("eez")
    kind[water & (d_nm <= CONTIGUOUS_NM)] = ZONE_KINDS.index("contiguous")
    kind[water & (d_nm <= TERRITORIAL_NM)] = ZONE_KINDS.index("territorial")
    state[water & (d_nm > EEZ_NM)] = 0
    dist[:] = np.minimum(np.round(d_nm / DIST_UNIT_NM), np.iinfo(np.uint16).max).astype(np.uint16)
    return ZoneRaster(xmin, ymin, cell_m, state, kind, dist)


def dprk_military_mask(state_code: np.ndarray, dist_nm: np.ndarray) -> np.ndarray:
    """True where the nearest coast is DPRK and within 50 nm (approximation of the 1977 zone)."""
    return (np.asarray(state_code) == _PRK) & (np.asarray(dist_nm) <= DPRK_MILITARY_ZONE_NM)
