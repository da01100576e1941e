"""Build parameters and query configuration of a routing graph."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sim.units import NM_M

__all__ = ["PREFER_FACTOR", "ArrayStore", "GraphConfig", "OpenWaterTest", "RoutingParams"]

PREFER_FACTOR = 0.6
"""Cost per nm inside preferred waters relative to elsewhere (a smuggler hugging them).

Assumption (no source): a path wholly inside preferred waters beats one outside them while it
is shorter than 1 / 0.6 = 1.67 times that one.
"""

ArrayStore = Callable[[str, Callable[[], dict[str, np.ndarray]]], dict[str, np.ndarray]]
"""Disk memo of derived arrays: ``store(name, build)`` returns the stored arrays of ``name``,
calling ``build()`` (and storing its result) the first time."""

OpenWaterTest = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""``(x_m, y_m) -> bool array``: whether points are well offshore (an escape may end there)."""


@dataclass(frozen=True)
class RoutingParams:
    """Build parameters; part of the cache key (all assumptions, tuned on the Korea theater).

    Attributes:
        margin_nm: clearance of the line-of-sight obstacle from the coast (nm).
        node_buffer_nm: buffer of the land whose convex corners are graph nodes (nm).
        node_tol_nm: simplification tolerance of that buffer (nm).
        port_clear_nm: clearance of legs from endpoints inside the obstacle (nm).
        fine_offset_nm: offset of the narrows nodes and tightened bends off the obstacle (nm).
        fine_gap_nm: gaps between obstacle polygons narrower than this get narrows nodes (nm).
    """

    margin_nm: float = 1.0
    node_buffer_nm: float = 3.0
    node_tol_nm: float = 1.0
    port_clear_nm: float = 0.2
    fine_offset_nm: float = 0.03
    fine_gap_nm: float = 4.0


@dataclass(frozen=True)
class GraphConfig:
    """How a graph is built, memoised and queried.

    Given to :func:`build_graph` and on to the :class:`RoutingGraph` constructor, so that
    nothing configures a graph after it is built.

    Attributes:
        params: build parameters (part of the cache key).
        raster_cell_m: cell of the line-of-sight raster (m; the zone raster's cell).
        store: disk memo for derived arrays (obstacle geometry, inside rasters), or None.
        open_water: "well offshore" test that escapes prefer to end in, or None.
        label: what the graph is, in the build's progress messages (``sim.geo`` log, INFO).
    """

    params: RoutingParams = field(default_factory=RoutingParams)
    raster_cell_m: float = 1000.0
    store: ArrayStore | None = None
    open_water: OpenWaterTest | None = None
    label: str = "routing graph"

    @property
    def offset_m(self) -> float:
        """How far tightened bends stay off the obstacle (m)."""
        return self.params.fine_offset_nm * NM_M
