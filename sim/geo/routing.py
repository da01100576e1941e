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
  is then pulled taut against the exact obstacle (:meth:`RoutingGraph._tighten`: bends
  move from the nodes ~2 nm out onto the obstacle's corners), which removes most of the
  length the node offset costs. Routes are within ~1% of the shortest path around the
  obstacle (tests/geo/test_routing.py); endpoints hugging an island inside an archipelago
  can be worse, when their first bend is at a corner that is no node.
* Endpoints inside the obstacle (ports snapped close to the coast) connect with legs that
  only need to clear the raw coast by ``port_clear_nm`` (0.2 nm).
* ``avoid`` adds buffers of the named states' land (12/24/200 nm) to the obstacle;
  ``prefer`` makes travel inside the named states' 200 nm waters cost ``PREFER_FACTOR``
  per nm. Both are approximations (buffers ignore median lines) documented here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import shapely
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra, shortest_path
from shapely.geometry.base import BaseGeometry

from sim.geo import _kernels
from sim.units import NM_M

__all__ = [
    "Route",
    "RoutingGraph",
    "RoutingParams",
    "PREFER_FACTOR",
    "ClearanceRaster",
    "InsideRaster",
    "build_graph",
    "inside_raster",
]

PREFER_FACTOR = 0.6
"""Cost per nm inside preferred waters relative to elsewhere (a smuggler hugging them)."""


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


@dataclass(frozen=True)
class RoutingParams:
    """Build parameters; part of the cache key."""

    margin_nm: float = 1.0
    node_buffer_nm: float = 3.0
    node_tol_nm: float = 1.0
    port_clear_nm: float = 0.2
    fine_offset_nm: float = 0.03
    fine_gap_nm: float = 4.0


def _convex_ring_vertices(poly_geom: BaseGeometry) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


def _tangent(from_xy: np.ndarray, v: np.ndarray, p: np.ndarray, n: np.ndarray) -> np.ndarray:
    """True where the line from ``from_xy`` to node v stays locally outside at v.

    Works for broadcasting shapes: from_xy (..., 2) against nodes (..., 2).
    """
    d = v - from_xy
    c1 = d[..., 0] * (p[..., 1] - v[..., 1]) - d[..., 1] * (p[..., 0] - v[..., 0])
    c2 = d[..., 0] * (n[..., 1] - v[..., 1]) - d[..., 1] * (n[..., 0] - v[..., 0])
    return c1 * c2 >= 0


_CLEAR_UNIT = 8  # clearance raster stores metres in 1/8 of a cell (uint16; 0 = blocked)
_DEEP = 1  # blocked cell wholly inside the obstacle (free cells store >= 4: half a cell)


class ClearanceRaster:
    """Conservative line-of-sight raster for one obstacle geometry.

    ``clear[iy, ix]`` is a lower bound (in 1/8 cells) on the distance from *any* point of
    the cell to the obstacle, 0 where the cell may touch it. Construction (see
    :func:`clearance_raster`) marks every cell within one cell of a boundary sample, so a
    free cell's centre is >= 1.25 cells from the obstacle and any point in it >= 0.54 cells;
    the Euclidean distance transform of the blocked mask minus 1.42 cells is a valid lower
    bound further out. :meth:`visible` then "sphere traces" all segments at once: from a
    point with clearance c the next c metres are free, and steps of half a cell between two
    free samples are free too. No false "visible" answers; a few false "blocked" ones within
    ~1.3 cells of the obstacle. Blocked cells wholly inside the obstacle (>= 0.75 cells from
    its boundary) store ``_DEEP`` instead of 0: a segment with a point there is surely blocked.
    """

    def __init__(self, x0: float, y0: float, cell: float, clear: np.ndarray) -> None:
        self.x0, self.y0, self.cell = float(x0), float(y0), float(cell)
        self.clear = clear
        self.unit = self.cell / _CLEAR_UNIT
        self.ny, self.nx = clear.shape
        self._flat = clear.ravel()

    def _inside(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (
            (x >= self.x0)
            & (y >= self.y0)
            & (x < self.x0 + self.nx * self.cell)
            & (y < self.y0 + self.ny * self.cell)
        )

    def _lookup(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Clearance codes at points known to lie inside the raster."""
        ix = ((x - self.x0) * (1.0 / self.cell)).astype(np.intp)
        iy = ((y - self.y0) * (1.0 / self.cell)).astype(np.intp)
        return self._flat.take(iy * self.nx + ix)

    def free(self, pts: np.ndarray) -> np.ndarray:
        """True where points (n, 2) lie in cells that clear the obstacle."""
        pts = np.atleast_2d(pts)
        ins = self._inside(pts[:, 0], pts[:, 1])
        out = np.zeros(len(pts), dtype=bool)
        out[ins] = self._lookup(pts[ins, 0], pts[ins, 1]) > _DEEP
        return out

    _K = 8  # fixed half-cell samples per iteration and segment (then a clearance jump)
    _LOOK_N = 16  # half-cell samples looked at past a segment's first blocked one

    def visible(self, p: np.ndarray, q: np.ndarray, sure: bool = False):
        """True where the segment p -> q[i] provably clears the obstacle.

        Each segment is marched (a compiled kernel, :func:`sim.geo._kernels.march`): each
        iteration samples K points half a cell apart (consecutive free samples cover the gap
        between them) and then jumps ahead by the largest ``t_k + clearance(t_k)``. Any sample
        in a blocked cell fails the segment.
        Both ends must lie in free cells (the raster is convex, so segments stay inside it).
        With ``sure=True`` q need not lie in a free cell (the segment is then clear only if
        the clearance of free samples covers it to the end), and the result is a pair: also
        where the segment is provably blocked, when q or a sample within 8 cells past the
        first blocked one lies in a deep cell.
        """
        q = np.atleast_2d(q)
        n = len(q)
        res = np.zeros(n, dtype=bool)
        blocked = np.zeros(n, dtype=bool)
        if n == 0 or not self.free(p)[0]:
            return (res, blocked) if sure else res
        if sure:
            qc = np.zeros(n, dtype=self.clear.dtype)
            ins = self._inside(q[:, 0], q[:, 1])
            qc[ins] = self._lookup(q[ins, 0], q[ins, 1])
            blocked[qc == _DEEP] = True
        d = q - p
        length = np.hypot(d[:, 0], d[:, 1])
        end_ok = self.free(q)
        zero = length <= 0
        res[zero] = end_ok[zero]
        act = np.flatnonzero((end_ok | sure) & ~zero)
        if len(act) == 0:
            return (res, blocked) if sure else res
        vis, blk = _kernels.march(
            self._flat,
            self.nx,
            self.ny,
            self.x0,
            self.y0,
            self.cell,
            self.unit,
            _DEEP,
            float(p[0]),
            float(p[1]),
            np.ascontiguousarray(q[:, 0], dtype=float),
            np.ascontiguousarray(q[:, 1], dtype=float),
            act,
            bool(sure),
            self._K,
            self._LOOK_N,
        )
        res |= vis
        blocked |= blk
        return (res, blocked) if sure else res

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"clear_grid": np.array([self.x0, self.y0, self.cell]), "clear": self.clear}

    @classmethod
    def from_arrays(cls, a: dict[str, np.ndarray]) -> ClearanceRaster:
        x0, y0, cell = a["clear_grid"]
        return cls(x0, y0, cell, a["clear"])


def clearance_raster(
    obstacle: BaseGeometry, bounds: tuple[float, float, float, float], cell: float
) -> ClearanceRaster:
    """Rasterise ``obstacle`` conservatively (see :class:`ClearanceRaster`).

    Boundary vertices (segmentised to <= cell/2, so every boundary point is within cell/4
    of one) mark their cell and its 8 neighbours; the unmarked cells fall into connected
    components that the boundary cannot cross, and one point-in-polygon test per component
    says whether it is inside. Everything outside ``bounds`` (plus 2 cells) is blocked.
    """
    xmin, ymin, xmax, ymax = bounds
    x0, y0 = xmin - 2 * cell, ymin - 2 * cell
    nx = int(np.ceil((xmax - xmin) / cell)) + 4
    ny = int(np.ceil((ymax - ymin) / cell)) + 4
    mark = np.zeros((ny, nx), dtype=bool)
    pts = shapely.get_coordinates(shapely.segmentize(shapely.boundary(obstacle), cell / 2))
    ix = np.clip(((pts[:, 0] - x0) / cell).astype(np.intp), 0, nx - 1)
    iy = np.clip(((pts[:, 1] - y0) / cell).astype(np.intp), 0, ny - 1)
    mark[iy, ix] = True
    mark = ndimage.binary_dilation(mark, structure=np.ones((3, 3), dtype=bool))
    mark[:2, :] = mark[-2:, :] = True
    mark[:, :2] = mark[:, -2:] = True
    lab, nlab = ndimage.label(~mark)
    flat = lab.ravel()
    idx = np.flatnonzero(flat)
    rep = np.zeros(nlab + 1, dtype=np.intp)
    rep[flat[idx]] = idx  # any cell of each component will do
    ry, rx = np.divmod(rep[1:], nx)
    inside = shapely.contains_xy(obstacle, x0 + (rx + 0.5) * cell, y0 + (ry + 0.5) * cell)
    deep = np.concatenate([[False], inside])[lab]  # unmarked and inside: wholly inside
    blocked = mark | deep
    edt = ndimage.distance_transform_edt(~blocked)  # cells, centre to nearest blocked centre
    c = np.maximum(edt - 1.42, 0.5) * _CLEAR_UNIT
    c = np.where(blocked, 0, np.minimum(np.floor(c), np.iinfo(np.uint16).max)).astype(np.uint16)
    c[deep] = _DEEP
    return ClearanceRaster(x0, y0, cell, c)


class InsideRaster:
    """Exact point-in-polygon accelerator: a raster of cells wholly outside (1), wholly
    inside (2) or near the boundary (0) of one geometry.

    Built like :func:`clearance_raster`: cells within one cell of a boundary sample (the
    boundary segmentised to <= cell/2) are "unsure"; every other cell lies, with a margin,
    in one connected component free of the boundary, classified by one point-in-polygon
    test. :meth:`contains_xy` answers from the raster where it can and asks shapely for the
    unsure points and points outside the raster, so it returns exactly what
    ``shapely.contains_xy`` returns.
    """

    def __init__(
        self, x0: float, y0: float, cell: float, code: np.ndarray, nx: int | None = None
    ) -> None:
        """``code``: (ny, nx) codes, or with ``nx`` given, those codes packed four to a byte."""
        self.x0, self.y0, self.cell = float(x0), float(y0), float(cell)
        # 2 bits a cell: a variant's raster is ~8 MB instead of ~33 MB (one per routing graph)
        self.packed = code if nx is not None else _pack2(code)
        self.ny = self.packed.shape[0]
        self.nx = int(nx) if nx is not None else code.shape[1]

    def codes(self, iy: np.ndarray, ix: np.ndarray) -> np.ndarray:
        """Codes of cells (iy, ix) inside the raster."""
        return (self.packed[iy, ix >> 2] >> ((ix & 3) << 1).astype(np.uint8)) & np.uint8(3)

    def contains_xy(self, geom: BaseGeometry, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        ix = np.floor((x - self.x0) / self.cell)
        iy = np.floor((y - self.y0) / self.cell)
        ok = (ix >= 0) & (ix < self.nx) & (iy >= 0) & (iy < self.ny)
        code = np.zeros(x.shape, dtype=np.uint8)
        code[ok] = self.codes(iy[ok].astype(np.intp), ix[ok].astype(np.intp))
        out = code == 2
        unsure = code == 0
        if unsure.any():
            out[unsure] = shapely.contains_xy(geom, x[unsure], y[unsure])
        return out

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {
            f"{prefix}_grid": np.array([self.x0, self.y0, self.cell, self.nx]),
            f"{prefix}_packed": self.packed,
        }

    @classmethod
    def from_arrays(cls, a: dict[str, np.ndarray], prefix: str) -> InsideRaster:
        grid = a[f"{prefix}_grid"]
        if f"{prefix}_packed" in a:
            return cls(*grid[:3], a[f"{prefix}_packed"], nx=int(grid[3]))
        return cls(*grid[:3], a[f"{prefix}_code"])


def _pack2(code: np.ndarray) -> np.ndarray:
    """(ny, nx) values 0..3 packed four to a byte along x (cell ix in bits 2*(ix % 4))."""
    ny, nx = code.shape
    pad = np.zeros((ny, -(-nx // 4) * 4), dtype=np.uint8)
    pad[:, :nx] = code
    q = pad.reshape(ny, -1, 4)
    return (q[..., 0] | (q[..., 1] << 2) | (q[..., 2] << 4) | (q[..., 3] << 6)).astype(np.uint8)


def inside_raster(geom: BaseGeometry, cell: float) -> InsideRaster:
    """Build the :class:`InsideRaster` of ``geom`` over its bounds (plus 2 cells)."""
    xmin, ymin, xmax, ymax = geom.bounds
    x0, y0 = xmin - 2 * cell, ymin - 2 * cell
    nx = int(np.ceil((xmax - xmin) / cell)) + 4
    ny = int(np.ceil((ymax - ymin) / cell)) + 4
    mark = np.zeros((ny, nx), dtype=bool)
    pts = shapely.get_coordinates(shapely.segmentize(shapely.boundary(geom), cell / 2))
    ix = np.clip(np.floor((pts[:, 0] - x0) / cell).astype(np.intp), 0, nx - 1)
    iy = np.clip(np.floor((pts[:, 1] - y0) / cell).astype(np.intp), 0, ny - 1)
    mark[iy, ix] = True
    del pts, ix, iy
    mark = ndimage.binary_dilation(mark, structure=np.ones((3, 3), dtype=bool))
    lab, nlab = ndimage.label(~mark)
    flat = lab.ravel()
    idx = np.flatnonzero(flat)
    rep = np.zeros(nlab + 1, dtype=np.intp)
    rep[flat[idx]] = idx
    del idx
    ry, rx = np.divmod(rep[1:], nx)
    inside = shapely.contains_xy(geom, x0 + (rx + 0.5) * cell, y0 + (ry + 0.5) * cell)
    lut = np.concatenate([[0], np.where(inside, 2, 1)]).astype(np.uint8)
    code = lut[lab]
    return InsideRaster(x0, y0, cell, code)


_NO_EDGES = np.zeros((0, 2, 2))


class RoutingGraph:
    """All-pairs shortest paths over visibility-graph nodes plus the obstacles to query with.

    Attributes:
        nodes: (n, 2) node coordinates (m). prev/next: their ring neighbours.
        dist: (n, n) float32 shortest cost between nodes (m, weighted by prefer).
        pred: (n, n) int16 predecessor matrix (-9999 = none; int32 past 32,767 nodes).
        raster: conservative :class:`ClearanceRaster` of ``blocked`` (fast line of sight).
        blocked: obstacle for line of sight (prepared). thin: raw land + clearance.
        prefer_geom: region with reduced cost, or None. These three are built lazily (only
            the exact fallback, escapes and ``prefer`` costs need them).
        land: exact land, the final arbiter every returned path is checked against.
    """

    def __init__(
        self,
        nodes: np.ndarray,
        prev: np.ndarray,
        nxt: np.ndarray,
        dist: np.ndarray,
        pred: np.ndarray,
        geoms,
        raster: ClearanceRaster | None = None,
        land: BaseGeometry | None = None,
        has_prefer: bool = False,
    ) -> None:
        self.nodes, self.prev, self.next = nodes, prev, nxt
        self.dist, self.pred = dist, pred
        self._geoms_fn = geoms if callable(geoms) else (lambda: geoms)
        self._geoms: tuple | None = None
        self.raster = raster
        self.land = land
        self.has_prefer = has_prefer
        self.build_s = 0.0
        self.build_phases: dict[str, float] = {}
        self.open_fn = None  # optional (x, y) -> bool "well offshore" test used by escapes
        self.store = None  # optional (name, build) -> arrays: memo on disk (set by the theater)
        self._pref_fn = None
        self._inside: dict[str, InsideRaster] = {}
        self._escapes: dict[tuple, tuple] = {}
        self._escape_bytes = 0
        self._vis_memo: dict[tuple[float, float], tuple] = {}
        self._cand_memo: dict[tuple[float, float], dict] = {}
        self.stats = {"fast": 0, "escape": 0, "exact_fallback": 0}
        self._node_free: np.ndarray | None = None
        self._seg_tree: tuple | None = None
        self.offset_m = RoutingParams().fine_offset_nm * NM_M  # tightened bends: off the obstacle

    def _g(self) -> tuple:
        if self._geoms is None:
            if self.store is None or self._pref_fn is None:
                geoms = tuple(self._geoms_fn())
            else:  # blocked/thin from the disk memo (WKB round-trips exactly); prefer lazily
                built: list = []

                def build() -> dict[str, np.ndarray]:
                    built.extend(self._geoms_fn())
                    return {
                        "blocked": np.frombuffer(shapely.to_wkb(built[0]), np.uint8),
                        "thin": np.frombuffer(shapely.to_wkb(built[1]), np.uint8),
                    }

                arr = self.store("geoms", build)
                if built:
                    geoms = tuple(built)
                else:
                    geoms = (
                        shapely.from_wkb(arr["blocked"].tobytes()),
                        shapely.from_wkb(arr["thin"].tobytes()),
                        self._pref_fn() if self.has_prefer else None,
                    )
            for g in geoms:
                if g is not None:
                    shapely.prepare(g)
            self._geoms = geoms
        return self._geoms

    @property
    def blocked(self) -> BaseGeometry:
        return self._g()[0]

    @property
    def thin(self) -> BaseGeometry:
        return self._g()[1]

    @property
    def prefer_geom(self) -> BaseGeometry | None:
        return self._g()[2] if self.has_prefer else None

    _INSIDE_CELL_M = 500.0

    def contains(self, which: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """``shapely.contains_xy`` of the ``blocked`` or ``thin`` obstacle, answered from an
        :class:`InsideRaster` where the raster is sure (identical results, much faster).
        """
        r = self._inside.get(which)
        if r is None:
            geom = getattr(self, which)
            if self.store is None:
                r = inside_raster(geom, self._INSIDE_CELL_M)
            else:
                arr = self.store(
                    which, lambda: inside_raster(geom, self._INSIDE_CELL_M).to_arrays("r")
                )
                r = InsideRaster.from_arrays(arr, "r")
            self._inside[which] = r
        return r.contains_xy(getattr(self, which), x, y)

    # ----------------------------------------------------------------- queries
    def _cost(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Cost (m) of straight legs a->b (arrays (k, 2)), honouring ``prefer``."""
        length = np.hypot(*(b - a).T)
        if not self.has_prefer:
            return length
        lines = shapely.linestrings(np.stack([a, b], axis=1))
        inside = shapely.length(shapely.intersection(lines, self.prefer_geom))
        return length - (1.0 - PREFER_FACTOR) * inside

    def _clear(self, a: np.ndarray, b: np.ndarray, obstacle: BaseGeometry) -> bool:
        if np.allclose(a, b):
            return True
        return not shapely.intersects(obstacle, shapely.LineString([a, b]))

    def _clear_many(self, a: np.ndarray, bs: np.ndarray, obstacle: BaseGeometry) -> np.ndarray:
        """Vectorised exact line of sight from ``a`` to each row of ``bs``."""
        if len(bs) == 0:
            return np.zeros(0, dtype=bool)
        lines = shapely.linestrings(np.stack([np.broadcast_to(a, bs.shape), bs], axis=1))
        same = np.hypot(*(bs - a).T) < 1e-6
        return same | ~shapely.intersects(obstacle, lines)

    # Endpoints that are not in a free raster cell (ports, points hugging the coast) are
    # tested exactly, first against the nearest candidate nodes only.
    _COASTAL_RADIUS_M = 60 * NM_M
    _COASTAL_MAX_NODES = 96
    _NEAR_FIRST = 24
    # visibility states of an endpoint's candidate nodes
    _UNTESTED, _VISIBLE, _BLOCKED, _RASTER_NO = 0, 1, 2, 3

    def _prep(self, p: np.ndarray) -> dict:
        """Per-endpoint state: candidate nodes, leg lengths, lazily tested visibility."""
        key = (float(p[0]), float(p[1]))
        hit = self._vis_memo.get(key)
        if hit is not None:
            return hit
        base = self._cand_memo.get(key)
        if base is not None:
            # the geometry of the endpoint and its exact line-of-sight facts are reused, the
            # state of a query is not: which nodes count as tested must not depend on which
            # queries came before (a run's results would depend on what the disk cache held)
            st = {**base, "state": np.zeros(len(base["cand"]), dtype=np.int8)}
            self._vis_memo[key] = st
            return st
        cand = np.flatnonzero(_tangent(p, self.nodes, self.prev, self.next))
        leg = np.hypot(*(self.nodes[cand] - p).T)
        coastal = not bool(self.raster.free(p)[0])
        obs = None  # coastal endpoints: the obstacle their legs must clear
        if coastal:
            obs = self.thin if shapely.contains_xy(self.blocked, *p) else self.blocked
        st = {
            "p": p,
            "cand": cand,
            "leg": leg,
            "coastal": coastal,
            "obs": obs,
            "facts": np.zeros(len(cand), dtype=np.int8),
            "state": np.zeros(len(cand), dtype=np.int8),
        }
        if len(self._cand_memo) > 2048:
            self._cand_memo.clear()
        self._cand_memo[key] = {k: v for k, v in st.items() if k != "state"}
        self._vis_memo[key] = st
        return st

    @property
    def node_free(self) -> np.ndarray:
        """True for nodes in free raster cells (not the fine nodes: they hug the obstacle)."""
        if self._node_free is None:
            self._node_free = self.raster.free(self.nodes) if len(self.nodes) else np.zeros(0, bool)
        return self._node_free

    def _test(self, st: dict, idx: np.ndarray, exact: bool = False) -> None:
        """Line of sight from the endpoint to candidates ``idx``: by the raster where it
        proves visibility or blocking, else exactly. With ``exact=False`` the raster's
        undecided answers for nodes in free cells (it errs on "no" within ~1.3 cells of the
        obstacle) are kept as ``_RASTER_NO`` for the exact pass.
        """
        state = st["state"]
        idx = idx[(state[idx] == self._UNTESTED) | (exact & (state[idx] == self._RASTER_NO))]
        if len(idx) == 0:
            return
        nodes = st["cand"][idx]
        ex = np.ones(len(idx), dtype=bool)
        if not st["coastal"]:
            ras = state[idx] == self._UNTESTED
            if ras.any():
                ok, no = self.raster.visible(st["p"], self.nodes[nodes[ras]], sure=True)
                # a node in a free cell the raster cannot prove visible waits for the exact
                # pass; one hugging the obstacle (a narrows node) is tested exactly now
                undecided = np.where(self.node_free[nodes[ras]], self._RASTER_NO, self._UNTESTED)
                state[idx[ras]] = np.where(
                    ok, self._VISIBLE, np.where(no, self._BLOCKED, undecided)
                )
            ex = (state[idx] == self._UNTESTED) | (exact & (state[idx] == self._RASTER_NO))
        if ex.any():
            # exact answers are facts about (endpoint, node): kept with the endpoint's geometry
            # and reused, but only for the nodes this query would test anyway, so the answer
            # does not depend on earlier queries (a port is the end of many routes)
            facts = st["facts"]
            todo = idx[ex]
            unknown = todo[facts[todo] == self._UNTESTED]
            if len(unknown):
                obs = st["obs"] if st["coastal"] else self.blocked
                ok = self._clear_many(st["p"], self.nodes[st["cand"][unknown]], obs)
                facts[unknown] = np.where(ok, self._VISIBLE, self._BLOCKED)
            state[todo] = facts[todo]

    def _sees_node(self, p: np.ndarray) -> bool:
        """Whether this query has found a graph node visible from ``p`` (after :meth:`_fast`)."""
        return bool((self._prep(p)["state"] == self._VISIBLE).any())

    def _direct(self, a: np.ndarray, b: np.ndarray, a_coastal: bool, b_coastal: bool) -> bool:
        if not a_coastal and not b_coastal and self.raster.visible(a, b[None])[0]:
            return True
        if self._clear(a, b, self.blocked):
            return True
        if not a_coastal and not b_coastal:
            return False
        a_in = bool(shapely.contains_xy(self.blocked, *a))
        b_in = bool(shapely.contains_xy(self.blocked, *b))
        return (a_in or b_in) and np.hypot(*(b - a)) < 5 * NM_M and self._clear(a, b, self.thin)

    def _fast(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, float] | None | bool:
        """Raster-accelerated query. False when an endpoint sees no node (needs an escape).

        Visibility is tested lazily: first the nearest few candidate nodes of each end give
        an upper bound UB; then only nodes i with f * (|a-i| + |i-b|) < UB can be on a
        better path (f = PREFER_FACTOR with prefer, else 1), and only those are tested:
        by the raster, then exactly where the raster could not prove visibility and the
        (possibly lower) bound still admits them. The result is therefore the best path
        through the graph, as with exact line of sight everywhere.
        """
        A, B = self._prep(a), self._prep(b)
        if self._direct(a, b, A["coastal"], B["coastal"]):
            return np.array([a, b]), float(self._cost(a[None], b[None])[0])
        if len(self.nodes) == 0:
            return None
        f = PREFER_FACTOR if self.has_prefer else 1.0
        for st in (A, B):
            n = len(st["cand"])
            if st["coastal"]:
                near = np.flatnonzero(st["leg"] <= self._COASTAL_RADIUS_M)
                if len(near) > self._COASTAL_MAX_NODES:
                    near = near[
                        np.argpartition(st["leg"][near], self._COASTAL_MAX_NODES)[
                            : self._COASTAL_MAX_NODES
                        ]
                    ]
                self._test(st, near)
            else:  # the nearest nodes, and those nearest the straight line a-b
                k = min(self._NEAR_FIRST, n)
                if k:
                    lb = st["leg"] + np.hypot(*(self.nodes[st["cand"]] - (b if st is A else a)).T)
                    first = (
                        np.concatenate(
                            [np.argpartition(st["leg"], k - 1)[:k], np.argpartition(lb, k - 1)[:k]]
                        )
                        if n > k
                        else np.arange(n)
                    )
                    self._test(st, first)

        def ends(st: dict) -> tuple[np.ndarray, np.ndarray]:
            """(visible nodes, leg lengths) of an endpoint."""
            vis = st["state"] == self._VISIBLE
            return st["cand"][vis], st["leg"][vis]

        def best_ub() -> float:
            (ia, la), (ib, lb_) = ends(A), ends(B)
            if len(ia) == 0 or len(ib) == 0:
                return np.inf
            tot = self.dist[np.ix_(ia, ib)] + la[:, None] + lb_[None, :]
            return float(tot.min())  # unweighted legs: an upper bound even with prefer

        lbs = [
            f * (st["leg"] + np.hypot(*(self.nodes[st["cand"]] - other).T))
            for st, other in ((A, b), (B, a))
        ]
        for exact in (False, True):
            ub = best_ub()
            if not np.isfinite(ub) and (exact or A["coastal"] or B["coastal"]):
                break  # nothing to bound the (costly) exact tests with
            for st, lb in zip((A, B), lbs):
                self._test(st, np.flatnonzero(lb < ub), exact=exact)
        (ia, da), (ib, db) = ends(A), ends(B)
        if len(ia) == 0 or len(ib) == 0:
            return False
        total = self.dist[np.ix_(ia, ib)] + (f * da)[:, None] + (f * db)[None, :]
        flat = total.ravel()
        if not self.has_prefer:
            k = int(np.argmin(flat))
            if not np.isfinite(flat[k]):
                return None
            i, j = divmod(k, len(ib))
            u, v, cost = int(ia[i]), int(ib[j]), float(flat[k])
        else:  # lower bound ranks pairs; exact leg costs for the best few
            fin = np.flatnonzero(np.isfinite(flat))
            if len(fin) == 0:
                return None
            top = fin[np.argpartition(flat[fin], 15)[:16]] if len(fin) > 16 else fin
            ii, jj = np.divmod(top, len(ib))
            u_, v_ = ia[ii], ib[jj]
            c = (
                self._cost(np.broadcast_to(a, (len(u_), 2)), self.nodes[u_])
                + self.dist[u_, v_]
                + self._cost(self.nodes[v_], np.broadcast_to(b, (len(v_), 2)))
            )
            m = int(np.argmin(c))
            u, v, cost = int(u_[m]), int(v_[m]), float(c[m])
        path = [v]
        while path[-1] != u:
            path.append(int(self.pred[u, path[-1]]))
            if path[-1] < 0:
                return None
        return np.vstack([a, self.nodes[path[::-1]], b]), cost

    def _on_land(self, pts: np.ndarray) -> bool:
        """Exact check of the first and last legs against the real land (graph edges were
        checked exactly against the margin obstacle when the graph was built).
        """
        if self.land is None or len(pts) < 2:
            return False
        seg = [0, len(pts) - 2] if len(pts) > 2 else [0]
        lines = shapely.linestrings(np.stack([pts[seg], pts[[s + 1 for s in seg]]], axis=1))
        return bool(shapely.intersects(self.land, lines).any())

    def shortest(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, float] | None:
        """Return (polyline xy, cost_m) from a to b, or None when no route exists.

        Fast path: raster line of sight from both endpoints to all graph nodes at once, one
        min over the (visible-from-a x visible-from-b) block of the all-pairs matrix, and an
        exact check of the result against the real land (the final arbiter). Endpoints deep
        in narrow estuaries (Nampo up the Taedong) see no graph node; they first "escape"
        along a fine local grid to open water, then join the graph. If anything fails the
        original exact-geometry search (:meth:`shortest_exact`) decides.
        """
        a = np.asarray(a, dtype=float)
        b = np.asarray(b, dtype=float)
        self._vis_memo = {}  # visibility found by one query only (see _prep)
        if self.raster is not None:
            res = self._fast(a, b)
            # only an endpoint that sees no graph node needs the (costly) local grid escape
            blind_a = res is False and not self._sees_node(a)
            blind_b = res is False and not self._sees_node(b)
            if res is False and not (blind_a or blind_b):
                blind_a = blind_b = True
            pre = post = None
            a2, b2 = a, b
            for stage in ("blind ends", "still blind ends, full window", "both ends, full window"):
                if res is not False:
                    break
                if stage == "blind ends":
                    pre = self._escape(a, toward=b) if blind_a else None
                    post = self._escape(b, toward=a) if blind_b else None
                elif stage == "still blind ends, full window":
                    # only an end whose exit still sees no graph node searches the full window
                    # (an estuary port among islands: Ningbo-Zhoushan); the other keeps its
                    # exit, rather than a 40 nm grid search from open water
                    still_a = not self._sees_node(a2)
                    still_b = not self._sees_node(b2)
                    if still_a == still_b:
                        continue  # both (or, oddly, neither): the next stage does both

                    def exit_of(p, q, still, prev):
                        if still:
                            return self._escape(p, toward=q, full=True)
                        if prev is None and self._prep(p)["coastal"]:
                            # a coastal end that sees nodes may see only a poor few (a port
                            # behind a headland): its small-window exit toward the other end
                            return self._escape(p, toward=q)
                        return prev

                    pre, post = exit_of(a, b, still_a, pre), exit_of(b, a, still_b, post)
                else:
                    pre, post = (
                        self._escape(a, toward=b, full=True),
                        self._escape(b, toward=a, full=True),
                    )
                a2 = pre[-1] if pre is not None else a
                b2 = post[-1] if post is not None else b
                res = self._fast(a2, b2)
                if res is not None and res is not False:
                    pts, _ = res
                    parts = (
                        ([pre[:-1]] if pre is not None else [])
                        + [pts]
                        + ([post[::-1][1:]] if post is not None else [])
                    )
                    pts = np.vstack(parts)
                    res = (pts, float(self._cost(pts[:-1], pts[1:]).sum()))
                    self.stats["escape"] += 1
                else:
                    res = False
            if res is not None and res is not False:
                res = self._tighten(*res)
                if not self._on_land(res[0]):
                    self.stats["fast"] += 1
                    return res
        self.stats["exact_fallback"] += 1
        res = self.shortest_exact(a, b)
        return self._tighten(*res) if res is not None else None

    # ----------------------------------------------------------------- tightening
    _TIGHTEN_PASSES = 4
    _TIGHTEN_GAIN_M = 100.0  # another pass only while the last one saved this much

    def _segments(self) -> tuple:
        """STRtree over the edges of the ``blocked`` obstacle, and their (k, 2, 2) ends."""
        if self._seg_tree is None:
            rings = shapely.get_rings(shapely.get_parts(self.blocked))
            coords, ring_of = shapely.get_coordinates(rings, return_index=True)
            same = ring_of[:-1] == ring_of[1:]  # consecutive vertices of one ring: an edge
            ends = np.stack([coords[:-1][same], coords[1:][same]], axis=1)
            self._seg_tree = (shapely.STRtree(shapely.linestrings(ends)), ends)
        return self._seg_tree

    def _tighten(self, pts: np.ndarray, cost: float) -> tuple[np.ndarray, float]:
        """Pull the polyline taut against the exact obstacle (no effect with ``prefer``).

        Graph nodes sit up to ~3 nm off the coast, so each bend of a route costs a little;
        here every interior vertex c (with neighbours p, q) is replaced by the convex chain
        that the obstacle inside the triangle (p, c, q) forces between p and q (its convex
        hull, vertices pushed ``offset_m`` outwards), or dropped when p sees q. Each new leg
        is tested exactly against ``blocked`` and a change is kept only if all clear and it
        is shorter, so the result is never longer and never closer to land than allowed.
        A bend tightened against a neighbour that moves later can gain again, so passes
        repeat (at most ``_TIGHTEN_PASSES``) while the last one saved ``_TIGHTEN_GAIN_M``:
        in archipelagos the second and third passes still save several per cent.
        """
        if self.has_prefer or len(pts) < 3:
            return pts, cost
        tree, ends = self._segments()
        eps = self.offset_m
        # legs from points inside the obstacle (ports, escapes from estuaries) only have to
        # clear the raw coast: leave the bends next to them alone
        inside = list(shapely.contains_xy(self.blocked, pts[:, 0], pts[:, 1]))
        pts = [np.asarray(v, dtype=float) for v in pts]
        for _ in range(self._TIGHTEN_PASSES):
            gain = 0.0
            i = 1
            while i < len(pts) - 1:
                if inside[i - 1] or inside[i] or inside[i + 1]:
                    i += 1
                    continue
                p, c, q = pts[i - 1], pts[i], pts[i + 1]
                new = self._tight_chain(p, c, q, tree, ends, eps)
                if new is not None:
                    gain += (
                        np.hypot(*(c - p))
                        + np.hypot(*(q - c))
                        - float(np.hypot(*np.diff(np.vstack([p, new, q]), axis=0).T).sum())
                    )
                    pts[i : i + 1] = list(new)
                    inside[i : i + 1] = [False] * len(new)
                    i += len(new)
                else:
                    i += 1
            if gain < self._TIGHTEN_GAIN_M:
                break
        out = np.array(pts)
        return out, float(np.hypot(*np.diff(out, axis=0).T).sum())

    def _tight_chain(self, p, c, q, tree, ends, eps) -> np.ndarray | None:
        """The chain replacing c between p and q (possibly empty), or None to keep c.

        The geometry (edge ends inside the triangle, crossings of the chord, their upper hull
        pushed ``eps`` out) is :func:`sim.geo._kernels.tight_chain`; the new legs are then
        tested exactly against ``blocked``.
        """
        lo, hi = np.minimum(np.minimum(p, c), q), np.maximum(np.maximum(p, c), q)
        hit = tree.query(shapely.box(lo[0], lo[1], hi[0], hi[1]))  # edges near the triangle
        status, chain = _kernels.tight_chain(
            float(p[0]),
            float(p[1]),
            float(c[0]),
            float(c[1]),
            float(q[0]),
            float(q[1]),
            ends[hit] if len(hit) else _NO_EDGES,
            float(eps),
        )
        if status == 0:
            return None
        if status == 2:  # collinear: c is redundant if p sees q
            return np.zeros((0, 2)) if self._clear(p, q, self.blocked) else None
        new = np.vstack([p, chain, q])
        lines = shapely.linestrings(np.stack([new[:-1], new[1:]], axis=1))
        if shapely.intersects(self.blocked, lines).any():
            return None
        return chain

    def shortest_exact(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, float] | None:
        """The exact-geometry search (slow; the fallback of :meth:`shortest`)."""
        a = np.asarray(a, dtype=float)
        b = np.asarray(b, dtype=float)
        res = self._core(a, b, los_budget=80)
        if res is not None:
            return res
        pre = self._escape(a, toward=b, full=True)
        post = self._escape(b, toward=a, full=True)
        a2 = pre[-1] if pre is not None else a
        b2 = post[-1] if post is not None else b
        res = self._core(a2, b2, los_budget=None)
        if res is None:
            return None
        pts, _ = res
        parts = (
            ([pre[:-1]] if pre is not None else [])
            + [pts]
            + ([post[::-1][1:]] if post is not None else [])
        )
        pts = np.vstack(parts)
        cost = float(self._cost(pts[:-1], pts[1:]).sum())
        return pts, cost

    def _escape(
        self,
        p: np.ndarray,
        toward: np.ndarray,
        window_nm: float = 40.0,
        cell_nm: float = 0.3,
        full: bool = False,
    ) -> np.ndarray | None:
        """Grid path from ``p`` out to open water (None if ``p`` is already open).

        The exit cell minimises grid path length + straight distance to ``toward`` (the
        other endpoint), so a port in an estuary leaves seaward, not up-river.

        8-connected Dijkstra on a local 0.3 nm grid (0.15 nm when that finds no way out) whose
        free cells clear the coast by ``port_clear_nm``; a diagonal step between two free cell
        centres can only graze land where the half-diagonal (0.21 nm at 0.3 nm cells) exceeds
        that clearance. The path is then string-pulled against the same thin obstacle, each
        pulled leg tested exactly.
        """
        key = (round(float(p[0]), 1), round(float(p[1]), 1), full)
        if key in self._escapes:  # least-recently-used order: ports stay, one-off points go first
            self._escapes[key] = self._escapes.pop(key)
        else:
            # a small window first (cheap; enough for most coastal points), then the full one
            tree = self._escape_tree(p, window_nm if full else min(12.0, window_nm), cell_nm)
            if not full and not tree[6]:  # no open exit nearby: the full window
                tree = self._escape_tree(p, window_nm, cell_nm)
            if not len(tree[2]):
                # no exit at all: a channel narrower than the grid resolves (the entrance of
                # Sasebo bay at 0.3 nm cells); a grid twice as fine (rare, so the full window:
                # leaving an avoided territorial sea can take it)
                fine = self._escape_tree(p, window_nm, cell_nm / 2)
                if len(fine[2]):
                    tree = fine
            nbytes = sum(getattr(x, "nbytes", 0) for x in tree)
            while self._escapes and self._escape_bytes + nbytes > self._ESCAPE_CACHE_BYTES:
                old = self._escapes.pop(next(iter(self._escapes)))
                self._escape_bytes -= old[2]
            self._escapes[key] = (tree, {}, nbytes)
            self._escape_bytes += nbytes
        tree, paths, _ = self._escapes[key]
        xs, ys, cand, dc, pred, start, _ = tree
        if len(cand) == 0:
            return None
        w = len(xs)
        score = dc + np.hypot(xs[cand % w] - toward[0], ys[cand // w] - toward[1])
        j = int(cand[np.argmin(score)])
        if j == start:
            return None
        if j not in paths:  # memoised per exit cell (ports repeat with many destinations)
            paths[j] = self._escape_path(p, xs, ys, pred, start, j)
        return paths[j]

    _PULL_BATCH = 8
    _ESCAPE_CACHE_BYTES = 48 * 2**20
    """Memory for memoised escape trees per graph (ports are reused; one-off points go first)."""

    def _escape_path(self, p, xs, ys, pred, start, j) -> np.ndarray:
        path = [j]
        while path[-1] != start:
            path.append(int(pred[path[-1]]))
        cells_idx = np.asarray(path[::-1])
        cells = np.column_stack([xs[cells_idx % len(xs)], ys[cells_idx // len(xs)]])
        cells[0] = p
        # string pulling: greedily jump to the farthest visible vertex
        out = [cells[0]]
        i = 0
        while i < len(cells) - 1:
            # the farthest visible vertex, tested in batches from the far end (same answer as
            # testing all of them, far fewer exact intersections)
            j2 = i + 1
            hi = len(cells)
            while hi > i + 2:
                lo = max(i + 2, hi - self._PULL_BATCH)
                ok = self._clear_many(cells[i], cells[lo:hi], self.thin)
                if ok.any():
                    j2 = lo + int(np.flatnonzero(ok)[-1])
                    break
                hi = lo
            out.append(cells[j2])
            i = j2
        return np.array(out)

    def _escape_tree(self, p: np.ndarray, window_nm: float, cell_nm: float) -> tuple | None:
        """Local grid Dijkstra from ``p`` (memoised per point by :meth:`_escape`)."""
        cell = cell_nm * NM_M
        k = int(window_nm / cell_nm)
        off = (np.arange(-k, k + 1)) * cell
        X, Y = np.meshgrid(p[0] + off, p[1] + off)
        free = ~self.contains("thin", X, Y)
        n = X.size
        idx = np.arange(n).reshape(X.shape)
        rows, cols, w = [], [], []
        for dy, dx in ((0, 1), (1, 0), (1, 1), (1, -1)):
            a_sl = (slice(0, X.shape[0] - dy), slice(max(0, -dx), X.shape[1] - max(0, dx)))
            b_sl = (slice(dy, X.shape[0]), slice(max(0, dx), X.shape[1] - max(0, -dx)))
            ok = free[a_sl] & free[b_sl]
            rows.append(idx[a_sl][ok])
            cols.append(idx[b_sl][ok])
            w.append(np.full(ok.sum(), cell * np.hypot(dx, dy)))
        r, c, ww = np.concatenate(rows), np.concatenate(cols), np.concatenate(w)
        mat = coo_matrix((ww, (r, c)), shape=(n, n)).tocsr()
        start = int(idx[k, k])
        d, pred = dijkstra(mat, directed=False, indices=start, return_predecessors=True)
        # exits: reachable cells out of the obstacle, preferring those in open water and, among
        # them, those the line-of-sight raster sees as open (an exit hugging the obstacle, e.g.
        # the edge of an avoided territorial sea, would be "coastal" again and see no graph node).
        # Each preference only among reachable cells: a lake across a spit must not win.
        goal = free & ~self.contains("blocked", X, Y) & np.isfinite(d).reshape(X.shape)
        if self.open_fn is not None:
            open_goal = goal & self.open_fn(X, Y)
            goal = open_goal if open_goal.any() else goal
        clear = True
        if self.raster is not None:
            clear_goal = goal & self.raster.free(np.column_stack([X.ravel(), Y.ravel()])).reshape(
                X.shape
            )
            clear = bool(clear_goal.any())
            goal = clear_goal if clear else goal
        # kept compact (the LRU holds many): grid axes, the reachable exit cells and their
        # distances, predecessors as int32 (an (n,) float X/Y pair would triple the size)
        cand = np.flatnonzero(goal.ravel()).astype(np.int32)
        open_exit = clear and len(cand) > 0
        return X[0].copy(), Y[:, 0].copy(), cand, d[cand], pred.astype(np.int32), start, open_exit

    def _core(
        self, a: np.ndarray, b: np.ndarray, los_budget: int | None
    ) -> tuple[np.ndarray, float] | None:
        a_in = shapely.contains_xy(self.blocked, *a)
        b_in = shapely.contains_xy(self.blocked, *b)
        if self._clear(a, b, self.blocked) or (
            (a_in or b_in) and np.hypot(*(b - a)) < 5 * NM_M and self._clear(a, b, self.thin)
        ):
            return np.array([a, b]), float(self._cost(a[None], b[None])[0])
        if len(self.nodes) == 0:
            return None
        ca = np.flatnonzero(_tangent(a, self.nodes, self.prev, self.next))
        cb = np.flatnonzero(_tangent(b, self.nodes, self.prev, self.next))
        if len(ca) == 0 or len(cb) == 0:
            return None
        f = PREFER_FACTOR if self.prefer_geom is not None else 1.0
        da = np.hypot(*(self.nodes[ca] - a).T) * f
        db = np.hypot(*(self.nodes[cb] - b).T) * f
        total = da[:, None] + self.dist[np.ix_(ca, cb)] + db[None, :]
        flat = total.ravel()
        finite = np.flatnonzero(np.isfinite(flat))
        order = finite[np.argsort(flat[finite], kind="stable")]
        obs_a = self.thin if a_in else self.blocked
        obs_b = self.thin if b_in else self.blocked
        vis_a: dict[int, bool] = {}
        vis_b: dict[int, bool] = {}
        best: tuple[float, int, int] | None = None
        checks = 0
        ncb = len(cb)
        for k in order:
            lbound = flat[k]
            if best is not None and lbound >= best[0]:
                break
            i, j = divmod(int(k), ncb)
            if i not in vis_a:
                vis_a[i] = self._clear(a, self.nodes[ca[i]], obs_a)
                checks += 1
            if not vis_a[i]:
                if los_budget is not None and checks > los_budget:
                    break
                continue
            if j not in vis_b:
                vis_b[j] = self._clear(self.nodes[cb[j]], b, obs_b)
                checks += 1
            if not vis_b[j]:
                if los_budget is not None and checks > los_budget:
                    break
                continue
            if self.prefer_geom is None:
                cost = float(lbound)
            else:
                cost = float(
                    self._cost(a[None], self.nodes[ca[i]][None])[0]
                    + self.dist[ca[i], cb[j]]
                    + self._cost(self.nodes[cb[j]][None], b[None])[0]
                )
            if best is None or cost < best[0]:
                best = (cost, int(ca[i]), int(cb[j]))
            if self.prefer_geom is None:
                break  # the bound was exact: the first feasible pair is optimal
        if best is None:
            return None
        cost, u, v = best
        path = [v]
        while path[-1] != u:
            path.append(int(self.pred[u, path[-1]]))
            if path[-1] < 0:
                return None
        pts = np.vstack([a, self.nodes[path[::-1]], b])
        return pts, cost

    # ----------------------------------------------------------------- cache
    def to_arrays(self) -> dict[str, np.ndarray]:
        """Serialise the node set, matrices and raster (geometries are rebuilt lazily)."""
        out = {
            "nodes": self.nodes,
            "prev": self.prev,
            "next": self.next,
            "dist": self.dist,
            "pred": self.pred,
        }
        if self.raster is not None:
            out.update(self.raster.to_arrays())
        return out


def _obstacles(
    land_xy: BaseGeometry,
    domain_xy: BaseGeometry,
    params: RoutingParams,
    extra_obstacle: BaseGeometry | None,
) -> tuple[BaseGeometry, BaseGeometry, list, BaseGeometry]:
    """(blocked, thin, node_parts, land_obstacle) geometries for one variant."""
    xmin, ymin, xmax, ymax = domain_xy.bounds
    pad = 50 * NM_M
    frame = shapely.box(xmin - pad, ymin - pad, xmax + pad, ymax + pad).difference(domain_xy)
    m = params.margin_nm * NM_M
    blocked_parts = [frame]
    land_obstacle = shapely.Polygon()
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
    return blocked, thin, node_parts, land_obstacle


def _fine_vertices(
    land_obstacle: BaseGeometry,
    params: RoutingParams,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Corners of the obstacle, and which of them are graph nodes for the narrows that the
    coarse nodes close: (v, prev, next, keep).

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
    v, p, n = _convex_ring_vertices(fine)
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


def build_graph(
    land_xy: BaseGeometry,
    domain_xy: BaseGeometry,
    params: RoutingParams,
    extra_obstacle=None,
    prefer_geom=None,
    cached: dict[str, np.ndarray] | None = None,
    raster_cell_m: float = 1000.0,
) -> RoutingGraph:
    """Build (or re-hydrate from ``cached``) the routing graph for one theater variant.

    Args:
        land_xy: land polygons in metres (also the exact final check of every route).
        domain_xy: the theater's water domain outline (metres); outside is blocked.
        params: buffers and tolerances.
        extra_obstacle: waters to avoid (metres), a zero-argument callable returning them
            (evaluated only when the geometry is needed), or None.
        prefer_geom: cheaper waters (metres), a callable, or None.
        cached: arrays from :meth:`RoutingGraph.to_arrays` to skip the expensive part.
        raster_cell_m: cell size of the line-of-sight raster.
    """
    t0 = time.perf_counter()
    has_prefer = prefer_geom is not None

    def geoms():
        extra = extra_obstacle() if callable(extra_obstacle) else extra_obstacle
        pref = prefer_geom() if callable(prefer_geom) else prefer_geom
        blocked, thin, _, _ = _obstacles(land_xy, domain_xy, params, extra)
        return blocked, thin, pref

    if cached is not None and "clear" in cached:
        g = RoutingGraph(
            cached["nodes"],
            cached["prev"],
            cached["next"],
            cached["dist"],
            cached["pred"],
            geoms,
            ClearanceRaster.from_arrays(cached),
            land_xy if not land_xy.is_empty else None,
            has_prefer,
        )
        g._pref_fn = lambda: prefer_geom() if callable(prefer_geom) else prefer_geom
        g.offset_m = params.fine_offset_nm * NM_M
        g.build_s = time.perf_counter() - t0
        return g
    extra = extra_obstacle() if callable(extra_obstacle) else extra_obstacle
    pref = prefer_geom() if callable(prefer_geom) else prefer_geom
    phases: dict[str, float] = {}
    tp = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal tp
        now = time.perf_counter()
        phases[name] = round(now - tp, 3)
        tp = now

    blocked, thin, node_parts, land_obstacle = _obstacles(land_xy, domain_xy, params, extra)
    shapely.prepare(blocked)
    phase("obstacles")
    raster = clearance_raster(blocked, domain_xy.bounds, raster_cell_m)
    phase("raster")
    node_geom = shapely.simplify(shapely.union_all(node_parts), params.node_tol_nm * NM_M)
    v, p, n = _convex_ring_vertices(node_geom)
    cv, cp, cn, fine = _fine_vertices(land_obstacle, params)
    v, p, n = (
        np.concatenate([v, cv[fine]]),
        np.concatenate([p, cp[fine]]),
        np.concatenate([n, cn[fine]]),
    )
    ok = ~shapely.contains_xy(blocked, v[:, 0], v[:, 1])
    v, p, n = v[ok], p[ok], n[ok]
    nn = len(v)
    phase("nodes")
    rows, cols = [], []
    chunk = max(1, 4_000_000 // max(nn, 1))
    for i0 in range(0, nn, chunk):
        i1 = min(nn, i0 + chunk)
        vi = v[i0:i1, None, :]
        t1 = _tangent(vi, v[None, :, :], p[None, :, :], n[None, :, :])  # tangent at j
        t2 = _tangent(v[None, :, :], vi, p[i0:i1, None, :], n[i0:i1, None, :])  # at i
        ii, jj = np.nonzero(t1 & t2)
        keep = (ii + i0) < jj
        rows.append(ii[keep] + i0)
        cols.append(jj[keep])
    r = np.concatenate(rows) if rows else np.zeros(0, int)
    c = np.concatenate(cols) if cols else np.zeros(0, int)
    phase("bitangents")
    if len(r):
        lines = shapely.linestrings(np.stack([v[r], v[c]], axis=1))
        free = ~shapely.intersects(blocked, lines)
        r, c = r[free], c[free]
    phase("line_of_sight")
    g = RoutingGraph(
        v,
        p,
        n,
        np.zeros((0, 0), np.float32),
        np.zeros((0, 0), np.int32),
        (blocked, thin, pref),
        raster,
        land_xy if not land_xy.is_empty else None,
        has_prefer,
    )
    w = g._cost(v[r], v[c]) if len(r) else np.zeros(0)
    w = np.maximum(w, 1e-3)  # csgraph treats explicit zeros as missing edges
    mat = coo_matrix(
        (np.concatenate([w, w]), (np.concatenate([r, c]), np.concatenate([c, r]))), shape=(nn, nn)
    ).tocsr()
    dist, pred = shortest_path(mat, method="D", directed=False, return_predecessors=True)
    g.dist = dist.astype(np.float32)
    g.pred = pred.astype(np.int16 if nn < 2**15 else np.int32)
    phase("all_pairs")
    g.offset_m = params.fine_offset_nm * NM_M
    g.build_phases = phases
    g.build_s = time.perf_counter() - t0
    return g
