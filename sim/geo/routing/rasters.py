"""Rasters that answer geometry questions fast.

Conservative line of sight (:class:`ClearanceRaster`) and exact point-in-polygon
(:class:`InsideRaster`).

Both are built the same way (:func:`boundary_components`): cells within one cell of a
boundary sample are marked; the unmarked cells fall into connected components that the
boundary cannot cross, and one point-in-polygon test per component says whether it is inside.
"""

from __future__ import annotations

from typing import Literal, NamedTuple, overload

import numpy as np
import shapely
from scipy import ndimage
from shapely.geometry.base import BaseGeometry

from sim.geo import _kernels

__all__ = [
    "BoundaryComponents",
    "ClearanceRaster",
    "InsideRaster",
    "boundary_components",
    "clearance_raster",
    "inside_raster",
    "pack2",
]

_CLEAR_UNIT = 8  # clearance raster stores metres in 1/8 of a cell (uint16; 0 = blocked)
_DEEP = 1  # blocked cell wholly inside the obstacle (free cells store >= 4: half a cell)


class BoundaryComponents(NamedTuple):
    """A grid over a geometry split by its boundary (see :func:`boundary_components`).

    Attributes:
        x0, y0: lower-left corner of the grid (m).
        mark: (ny, nx) True for cells within one cell of a boundary sample.
        label: (ny, nx) component number of each unmarked cell (0 for marked cells).
        inside: (n_components + 1,) whether each component lies inside (index 0: marked).
    """

    x0: float
    y0: float
    mark: np.ndarray
    label: np.ndarray
    inside: np.ndarray


def boundary_components(
    geom: BaseGeometry,
    bounds: tuple[float, float, float, float],
    cell: float,
    frame_cells: int = 0,
) -> BoundaryComponents:
    """Split a grid over ``bounds`` (plus 2 cells) by the boundary of ``geom``.

    The boundary is segmentised to <= cell/2, so every boundary point is within cell/4 of a
    sample; each sample marks its cell and the 8 neighbours. ``frame_cells`` rows and
    columns along the grid's edges are marked too. Each connected component of unmarked
    cells is classified by one point-in-polygon test of any of its cells.
    """
    xmin, ymin, xmax, ymax = bounds
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
    if frame_cells:
        k = frame_cells
        mark[:k, :] = mark[-k:, :] = True
        mark[:, :k] = mark[:, -k:] = True
    lab, nlab = ndimage.label(~mark)
    flat = lab.ravel()
    idx = np.flatnonzero(flat)
    rep = np.zeros(nlab + 1, dtype=np.intp)
    rep[flat[idx]] = idx  # any cell of each component will do
    del idx
    ry, rx = np.divmod(rep[1:], nx)
    inside = shapely.contains_xy(geom, x0 + (rx + 0.5) * cell, y0 + (ry + 0.5) * cell)
    return BoundaryComponents(x0, y0, mark, lab, np.concatenate([[False], inside]))


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

    _K = 8  # fixed half-cell samples per iteration and segment (then a clearance jump)
    _LOOK_N = 16  # half-cell samples looked at past a segment's first blocked one

    def __init__(self, x0: float, y0: float, cell: float, clear: np.ndarray) -> None:
        """Wrap a clearance grid whose lower-left corner is (x0, y0) (m), cells ``cell`` m."""
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

    @overload
    def visible(self, p: np.ndarray, q: np.ndarray) -> np.ndarray: ...
    @overload
    def visible(self, p: np.ndarray, q: np.ndarray, sure: Literal[False]) -> np.ndarray: ...
    @overload
    def visible(
        self, p: np.ndarray, q: np.ndarray, sure: Literal[True]
    ) -> tuple[np.ndarray, np.ndarray]: ...
    def visible(
        self, p: np.ndarray, q: np.ndarray, sure: bool = False
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """True where the segment p -> q[i] provably clears the obstacle.

        Both ends must lie in free cells (the raster is convex, so segments stay inside it).
        ``sure=True`` is the older spelling of :meth:`visible_or_blocked`.
        """
        if sure:
            return self.visible_or_blocked(p, q)
        return self._march(p, np.atleast_2d(q), False)[0]

    def visible_or_blocked(self, p: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(visible, blocked): where p -> q[i] provably clears, and provably hits, the obstacle.

        q need not lie in a free cell (the segment is then clear only if the clearance of free
        samples covers it to the end); a segment is provably blocked when q or a sample within
        8 cells past its first blocked one lies in a deep cell.
        """
        return self._march(p, np.atleast_2d(q), True)

    def _march(self, p: np.ndarray, q: np.ndarray, sure: bool) -> tuple[np.ndarray, np.ndarray]:
        """(visible, blocked) by marching each segment.

        A compiled kernel (:func:`sim.geo._kernels.march`): each iteration samples K points
        half a cell apart (consecutive free samples cover the gap between them) and then jumps
        ahead by the largest ``t_k + clearance(t_k)``. Any sample in a blocked cell fails the
        segment.
        """
        n = len(q)
        res = np.zeros(n, dtype=bool)
        blocked = np.zeros(n, dtype=bool)
        if n == 0 or not self.free(p)[0]:
            return res, blocked
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
            return res, blocked
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
        return res, blocked

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Arrays for the disk cache (see :meth:`from_arrays`)."""
        return {"clear_grid": np.array([self.x0, self.y0, self.cell]), "clear": self.clear}

    @classmethod
    def from_arrays(cls, a: dict[str, np.ndarray]) -> ClearanceRaster:
        """The raster stored by :meth:`to_arrays`."""
        x0, y0, cell = a["clear_grid"]
        return cls(x0, y0, cell, a["clear"])


def clearance_raster(
    obstacle: BaseGeometry, bounds: tuple[float, float, float, float], cell: float
) -> ClearanceRaster:
    """Rasterise ``obstacle`` conservatively (see :class:`ClearanceRaster`).

    Marked cells (near the boundary) and components inside the obstacle are blocked, and so
    is everything outside ``bounds`` (plus 2 cells).
    """
    comp = boundary_components(obstacle, bounds, cell, frame_cells=2)
    deep = comp.inside[comp.label]  # unmarked and inside: wholly inside
    blocked = comp.mark | deep
    edt = ndimage.distance_transform_edt(~blocked)  # cells, centre to nearest blocked centre
    c = np.maximum(edt - 1.42, 0.5) * _CLEAR_UNIT
    c = np.where(blocked, 0, np.minimum(np.floor(c), np.iinfo(np.uint16).max)).astype(np.uint16)
    c[deep] = _DEEP
    return ClearanceRaster(comp.x0, comp.y0, cell, c)


class InsideRaster:
    """Exact point-in-polygon accelerator.

    A raster of cells wholly outside (1), wholly inside (2) or near the boundary (0) of one
    geometry.

    Built by :func:`inside_raster`: cells within one cell of a boundary sample are "unsure";
    every other cell lies, with a margin, in one connected component free of the boundary,
    classified by one point-in-polygon test. :meth:`contains_xy` answers from the raster
    where it can and asks shapely for the unsure points and points outside the raster, so it
    returns exactly what ``shapely.contains_xy`` returns.
    """

    def __init__(
        self, x0: float, y0: float, cell: float, code: np.ndarray, nx: int | None = None
    ) -> None:
        """``code``: (ny, nx) codes, or with ``nx`` given, those codes packed four to a byte."""
        self.x0, self.y0, self.cell = float(x0), float(y0), float(cell)
        # 2 bits a cell: a variant's raster is ~8 MB instead of ~33 MB (one per routing graph)
        self.packed = code if nx is not None else pack2(code)
        self.ny = self.packed.shape[0]
        self.nx = int(nx) if nx is not None else code.shape[1]

    def codes(self, iy: np.ndarray, ix: np.ndarray) -> np.ndarray:
        """Codes of cells (iy, ix) inside the raster."""
        out: np.ndarray = (self.packed[iy, ix >> 2] >> ((ix & 3) << 1).astype(np.uint8)) & np.uint8(
            3
        )
        return out

    def contains_xy(self, geom: BaseGeometry, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """``shapely.contains_xy(geom, x, y)`` for the geometry this raster was built from."""
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
        """Arrays for the disk cache, keys starting with ``prefix``."""
        return {
            f"{prefix}_grid": np.array([self.x0, self.y0, self.cell, self.nx]),
            f"{prefix}_packed": self.packed,
        }

    @classmethod
    def from_arrays(cls, a: dict[str, np.ndarray], prefix: str) -> InsideRaster:
        """The raster stored by :meth:`to_arrays` (or an older unpacked one)."""
        grid = a[f"{prefix}_grid"]
        x0, y0, cell = (float(v) for v in grid[:3])
        if f"{prefix}_packed" in a:
            return cls(x0, y0, cell, a[f"{prefix}_packed"], nx=int(grid[3]))
        return cls(x0, y0, cell, a[f"{prefix}_code"])


def pack2(code: np.ndarray) -> np.ndarray:
    """(ny, nx) values 0..3 packed four to a byte along x (cell ix in bits 2*(ix % 4))."""
    ny, nx = code.shape
    pad = np.zeros((ny, -(-nx // 4) * 4), dtype=np.uint8)
    pad[:, :nx] = code
    q = pad.reshape(ny, -1, 4)
    return (q[..., 0] | (q[..., 1] << 2) | (q[..., 2] << 4) | (q[..., 3] << 6)).astype(np.uint8)


def inside_raster(geom: BaseGeometry, cell: float) -> InsideRaster:
    """Build the :class:`InsideRaster` of ``geom`` over its bounds (plus 2 cells)."""
    comp = boundary_components(geom, geom.bounds, cell)
    lut = np.where(comp.inside, 2, 1).astype(np.uint8)
    lut[0] = 0  # marked cells: near the boundary, unsure
    return InsideRaster(comp.x0, comp.y0, cell, lut[comp.label])
