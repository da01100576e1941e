"""What a route is, and what a straight leg of one costs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from sim.geo.routing.params import PREFER_FACTOR

__all__ = ["Polyline", "Route", "leg_cost", "splice"]


@dataclass(frozen=True)
class Route:
    """A water route.

    Attributes:
        lonlat: (n, 2) lon/lat degrees of the polyline vertices.
        xy_m: (n, 2) metric theater coordinates of the same vertices.
        length_nm: polyline length in nautical miles (metric CRS).
        cost_nm: length weighted by ``prefer`` (equals length_nm without preferences).
    """

    lonlat: np.ndarray = field(repr=False)
    xy_m: np.ndarray = field(repr=False)
    length_nm: float
    cost_nm: float = 0.0


class Polyline(NamedTuple):
    """A path found by a graph query, in theater metres.

    Attributes:
        xy_m: (n, 2) vertices, first the start, last the end.
        cost_m: length weighted by ``prefer`` (m).
    """

    xy_m: np.ndarray
    cost_m: float


def leg_cost(a: np.ndarray, b: np.ndarray, prefer_geom: BaseGeometry | None) -> np.ndarray:
    """Cost (m) of straight legs a -> b (arrays (k, 2)).

    The length, less ``1 - PREFER_FACTOR`` of the part inside ``prefer_geom`` (if any).
    """
    length: np.ndarray = np.hypot(*(b - a).T)
    if prefer_geom is None:
        return length
    lines = shapely.linestrings(np.stack([a, b], axis=1))
    inside = shapely.length(shapely.intersection(lines, prefer_geom))
    return np.asarray(length - (1.0 - PREFER_FACTOR) * inside)


def splice(pre: np.ndarray | None, xy_m: np.ndarray, post: np.ndarray | None) -> np.ndarray:
    """Join escape legs to a path; each exit appears once.

    ``pre`` runs start -> its exit, ``xy_m`` from that exit to the other exit, ``post`` end ->
    its exit (so it is reversed).
    """
    parts = (
        ([pre[:-1]] if pre is not None else [])
        + [xy_m]
        + ([post[::-1][1:]] if post is not None else [])
    )
    return np.vstack(parts)
