"""Compiled inner loop of the clearance raster's line-of-sight march (numba).

Why compiled: a route query marches a few hundred segments over the raster; in numpy each
step of the march is a dozen array operations on small (segments x 8) blocks, so dispatch
and temporaries dominated (``benchmarks/profile_run.py``). This kernel marches each segment
on its own with exactly the arithmetic of the vectorised version (the segments never
interacted there either), so answers are unchanged.

Compiled on first use and cached on disk beside this file; importing compiles nothing.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["march"]


@njit(cache=True, nogil=True)
def _code(flat, nx, ny, x0, y0, inv_cell, x, y):
    ix = int((x - x0) * inv_cell)
    iy = int((y - y0) * inv_cell)
    # segments between points inside the (convex) raster stay inside; clamp against rounding
    ix = min(max(ix, 0), nx - 1)
    iy = min(max(iy, 0), ny - 1)
    return flat[iy * nx + ix]


@njit(cache=True, nogil=True)
def march(flat, nx: int, ny: int, x0: float, y0: float, cell: float, unit: float, deep: int,
          px: float, py: float, qx: np.ndarray, qy: np.ndarray, act: np.ndarray, sure: bool,
          k_steps: int, look_n: int):
    """March segments p -> q[i] (i in ``act``) over the clearance codes ``flat``.

    Per iteration: ``k_steps`` samples half a cell apart from t (clipped at the end); any
    sample in a cell with code <= ``deep`` fails the segment, and with ``sure`` a code equal
    to ``deep`` among ``look_n`` half-cell samples from the first failing one proves it
    blocked; else t jumps to max(t_k + code_k * unit, last sample + half a cell).
    Returns (visible, blocked) masks over all q.
    """
    n = qx.shape[0]
    res = np.zeros(n, dtype=np.bool_)
    blocked = np.zeros(n, dtype=np.bool_)
    inv_cell = 1.0 / cell
    half = 0.5 * cell
    for r in range(act.shape[0]):
        i = act[r]
        dx = qx[i] - px
        dy = qy[i] - py
        ln = np.hypot(dx, dy)
        ux = dx / ln
        uy = dy / ln
        t = 0.0
        while True:
            ok = True
            t_next = -np.inf
            t_last = 0.0
            t_bad = 0.0
            for k in range(k_steps):
                tk = min(t + k * half, ln)
                c = _code(flat, nx, ny, x0, y0, inv_cell, px + ux * tk, py + uy * tk)
                if c <= deep:
                    if ok:
                        t_bad = tk
                    ok = False
                reach = tk + c * unit
                if reach > t_next:
                    t_next = reach
                t_last = tk
            if not ok:
                if sure:
                    for j in range(look_n):
                        tl = min(t_bad + j * half, ln)
                        if _code(flat, nx, ny, x0, y0, inv_cell, px + ux * tl, py + uy * tl) == deep:
                            blocked[i] = True
                            break
                break
            t = max(t_next, t_last + half)
            if t >= ln:
                res[i] = True
                break
    return res, blocked
