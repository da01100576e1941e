"""Shortest water routes: a visibility graph over buffered, simplified coastlines.

Design (why this and not a grid): ship routes are straight lines between headlands, and a
visibility graph gives exactly those with a few thousand nodes, so all-pairs distances fit
in memory and a query is a handful of array operations plus a few line-of-sight tests.

* Obstacle for line of sight: land buffered by ``margin_nm`` (1 nm), lightly simplified,
  united with everything outside the theater. Routes therefore keep >= ~0.75 nm off the
  GSHHS-i coast (the simplification tolerance eats 0.25 nm).
* Graph nodes: convex vertices of land buffered by ``node_buffer_nm`` (3 nm) and
  simplified with ``node_tol_nm`` (1 nm); they sit ~2-3 nm off the coast, clear of the
  obstacle. Where two obstacle polygons are closer than ``fine_gap_nm`` (4 nm) those
  buffers merge and close the gap (the channels of the SW Korean and Zhoushan
  archipelagos), so the convex vertices of the obstacle itself facing such gaps, offset
  ``fine_offset_nm`` outwards, are nodes too (see :func:`_fine_vertices`). Only
  *bitangent* edges are kept (the edge line does not enter the polygon at either end), the
  classic pruning that leaves shortest paths unchanged; every edge is tested exactly.
* Queries: line of sight from the endpoints by the raster where it proves visibility and
  exactly wherever a better path could still hide, so the graph's best path is found; it
  is then pulled taut against the exact obstacle (:mod:`~sim.geo.routing.tighten`: bends
  move from the nodes ~2 nm out onto the obstacle's corners), which removes most of the
  length the node offset costs. Routes are within ~1% of the shortest path around the
  obstacle (tests/geo/test_routing.py); endpoints hugging an island inside an archipelago
  can be worse, when their first bend is at a corner that is no node.
* Endpoints inside the obstacle (ports snapped close to the coast) connect with legs that
  only need to clear the raw coast by ``port_clear_nm`` (0.2 nm).
* ``avoid`` adds buffers of the named states' land (12/24/200 nm) to the obstacle;
  ``prefer`` makes travel inside the named states' 200 nm waters cost ``PREFER_FACTOR``
  per nm. Both are approximations (buffers ignore median lines) documented here.

Modules, one idea each: :mod:`.params` (build parameters, :class:`GraphConfig`),
:mod:`.route` (what a route is and costs), :mod:`.rasters` (line-of-sight and inside
rasters), :mod:`.obstacles` (the geometries and their corners), :mod:`.build` (the graph),
:mod:`.graph` (the graph and its ``shortest`` query), :mod:`.query` (endpoint visibility and
the best node pair), :mod:`.escape` (grid escapes from estuaries), :mod:`.tighten` (pulling
paths taut), :mod:`.exact` (the exact fallback).
"""

from __future__ import annotations

from sim.geo.routing.build import build_graph
from sim.geo.routing.graph import RoutingGraph
from sim.geo.routing.params import PREFER_FACTOR, GraphConfig, RoutingParams
from sim.geo.routing.rasters import ClearanceRaster, InsideRaster, clearance_raster, inside_raster
from sim.geo.routing.route import Polyline, Route

__all__ = [
    "PREFER_FACTOR",
    "ClearanceRaster",
    "GraphConfig",
    "InsideRaster",
    "Polyline",
    "Route",
    "RoutingGraph",
    "RoutingParams",
    "build_graph",
    "clearance_raster",
    "inside_raster",
]
