"""The obstacles a route must clear, and the corners of them that become graph nodes.

* Obstacle for line of sight (``blocked``): land buffered by ``margin_nm`` (1 nm), lightly
  simplified, united with everything outside the theater and with the avoided waters.
* ``thin``: land buffered by only ``port_clear_nm``, for legs from endpoints inside
  ``blocked`` (ports snapped close to the coast, escapes from estuaries).
* Node geometry: land buffered by ``node_buffer_nm``, whose convex corners are graph nodes,
  plus the narrows nodes of :func:`fine_vertices`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from sim.geo.routing.params import RoutingParams
from sim.units import NM_M

__all__ = [
    "Obstacles",
    "clear",
    "clear_many",
    "convex_ring_vertices",
    "fine_vertices",
    "obstacles",
    "tangent",
]


class Obstacles(NamedTuple):
    """The geometries of one avoid/prefer variant (metres).

    Attributes:
        blocked: the line-of-sight obstacle (margin land, outside, avoided waters).
        thin: raw land plus ``port_clear_nm``, and the outside.
        node_parts: geometries whose union's convex corners are the coarse graph nodes.
        land_obstacle: the margin-buffered land alone (where the narrows nodes come from).
    """

    blocked: BaseGeometry
    thin: BaseGeometry
    node_parts: list[BaseGeometry]
    land_obstacle: BaseGeometry


def convex_ring_vertices(poly_geom: BaseGeometry) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (v, prev, next) arrays of convex vertices of all rings (obstacle on the left)."""
    geom = shapely.orient_polygons(poly_geom, exterior_cw=False)
    vs, ps, ns = [], [], []
    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon":
            continue
        for ring in [poly.exterior, *poly.interiors]:
            c = np.asarray(ring.coords)[:-1]
            if len(c) < 3:
                continue
            p = np.roll(c, 1, axis=0)
            n = np.roll(c, -1, axis=0)
            cross = (c[:, 0] - p[:, 0]) * (n[:, 1] - c[:, 1]) - (c[:, 1] - p[:, 1]) * (
                n[:, 0] - c[:, 0]
            )
            keep = cross > 0
            vs.append(c[keep])
            ps.append(p[keep])
            ns.append(n[keep])
    if not vs:
        z = np.zeros((0, 2))
        return z, z, z
    return np.concatenate(vs), np.concatenate(ps), np.concatenate(ns)


def tangent(from_xy: np.ndarray, v: np.ndarray, p: np.ndarray, n: np.ndarray) -> np.ndarray:
    """True where the line from ``from_xy`` to node v stays locally outside at v.

    Works for broadcasting shapes: from_xy (..., 2) against nodes (..., 2).
    """
    d = v - from_xy
    c1 = d[..., 0] * (p[..., 1] - v[..., 1]) - d[..., 1] * (p[..., 0] - v[..., 0])
    c2 = d[..., 0] * (n[..., 1] - v[..., 1]) - d[..., 1] * (n[..., 0] - v[..., 0])
    return c1 * c2 >= 0


def obstacles(
    land_xy: BaseGeometry,
    domain_xy: BaseGeometry,
    params: RoutingParams,
    extra_obstacle: BaseGeometry | None,
) -> Obstacles:
    """The obstacle geometries of one variant (see :class:`Obstacles`)."""
    xmin, ymin, xmax, ymax = domain_xy.bounds
    pad = 50 * NM_M
    frame = shapely.box(xmin - pad, ymin - pad, xmax + pad, ymax + pad).difference(domain_xy)
    m = params.margin_nm * NM_M
    blocked_parts: list[BaseGeometry] = [frame]
    land_obstacle: BaseGeometry = shapely.Polygon()
    node_parts = [
        shapely.box(xmin - 2 * pad, ymin - 2 * pad, xmax + 2 * pad, ymax + 2 * pad).difference(
            shapely.buffer(domain_xy, -params.node_buffer_nm * NM_M)
        )
    ]
    if not land_xy.is_empty:
        land_obstacle = shapely.simplify(shapely.buffer(land_xy, m, quad_segs=2), 0.25 * NM_M)
        blocked_parts.append(land_obstacle)
        node_parts.append(shapely.buffer(land_xy, params.node_buffer_nm * NM_M, quad_segs=2))
    if extra_obstacle is not None and not extra_obstacle.is_empty:
        blocked_parts.append(extra_obstacle)
        node_parts.append(
            shapely.buffer(
                extra_obstacle, (params.node_buffer_nm - params.margin_nm) * NM_M, quad_segs=2
            )
        )
    blocked = shapely.union_all(blocked_parts)
    thin = (
        shapely.union_all(
            [frame, shapely.buffer(land_xy, params.port_clear_nm * NM_M, quad_segs=2)]
        )
        if not land_xy.is_empty
        else frame
    )
    return Obstacles(blocked, thin, node_parts, land_obstacle)


def fine_vertices(
    land_obstacle: BaseGeometry,
    params: RoutingParams,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Corners of the obstacle, and which are nodes for narrows: (v, prev, next, keep).

    Coarse nodes lie on land buffered by ``node_buffer_nm`` (3 nm), i.e. 2 nm outside the
    obstacle, so where two obstacle polygons are closer than ``fine_gap_nm`` (4 nm) their
    buffers merge and no coarse node leads through the gap. Shortest paths bend at convex
    vertices of the obstacle itself; these nodes are those vertices, offset outwards by
    ``fine_offset_nm`` (a mitred buffer moves every edge parallel to itself, so the ring
    neighbours used by the tangent tests keep their geometry), kept when another obstacle
    polygon is within ``fine_gap_nm`` and its nearest point is in sight (the gap is in
    front of the vertex, not behind its own island).
    """
    z = np.zeros((0, 2))
    if land_obstacle.is_empty:
        return z, z, z, np.zeros(0, dtype=bool)
    fine = shapely.buffer(
        land_obstacle, params.fine_offset_nm * NM_M, join_style="mitre", mitre_limit=2.0
    )
    v, p, n = convex_ring_vertices(fine)
    keep = np.zeros(len(v), dtype=bool)
    if len(v) == 0:
        return v, p, n, keep
    # every edge of the offset polygons, with the index of its polygon
    rings, poly_of = shapely.get_rings(shapely.get_parts(fine), return_index=True)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    same = ring_of[:-1] == ring_of[1:]
    e0, e1 = coords[:-1][same], coords[1:][same]
    edge_poly = poly_of[ring_of[:-1][same]]
    tree = shapely.STRtree(shapely.linestrings(np.stack([e0, e1], axis=1)))
    pts = shapely.points(v)
    iv, js = tree.query_nearest(pts, all_matches=False)
    own = np.full(len(v), -1)
    own[iv] = edge_poly[js]  # a vertex lies on its own polygon's boundary
    iv, js = tree.query(pts, predicate="dwithin", distance=params.fine_gap_nm * NM_M)
    other = edge_poly[js] != own[iv]
    iv, js = iv[other], js[other]
    if len(iv) == 0:
        return v, p, n, keep
    # the nearest point of another polygon, per vertex, must be in sight
    d = e1[js] - e0[js]
    t = np.clip(((v[iv] - e0[js]) * d).sum(1) / np.maximum((d * d).sum(1), 1e-12), 0.0, 1.0)
    w = e0[js] + t[:, None] * d
    order = np.lexsort((np.hypot(*(w - v[iv]).T), iv))
    first = order[np.r_[True, iv[order][1:] != iv[order][:-1]]]
    shapely.prepare(land_obstacle)
    sight = shapely.linestrings(np.stack([v[iv[first]], w[first]], axis=1))
    seen = ~shapely.intersects(land_obstacle, sight)
    keep[iv[first][seen]] = True
    return v, p, n, keep


def clear(a: np.ndarray, b: np.ndarray, obstacle: BaseGeometry) -> bool:
    """Exact line of sight: whether the segment a -> b misses ``obstacle`` (a == b: yes)."""
    if np.allclose(a, b):
        return True
    return not shapely.intersects(obstacle, shapely.LineString([a, b]))


def clear_many(a: np.ndarray, bs: np.ndarray, obstacle: BaseGeometry) -> np.ndarray:
    """Vectorised exact line of sight from ``a`` to each row of ``bs``."""
    if len(bs) == 0:
        return np.zeros(0, dtype=bool)
    lines = shapely.linestrings(np.stack([np.broadcast_to(a, bs.shape), bs], axis=1))
    same = np.hypot(*(bs - a).T) < 1e-6
    out: np.ndarray = same | ~shapely.intersects(obstacle, lines)
    return out
