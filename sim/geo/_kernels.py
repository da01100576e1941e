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

__all__ = ["march", "segments_off_coast", "tight_chain"]


@njit(cache=True, nogil=True)
def _code(
    flat: np.ndarray, nx: int, ny: int, x0: float, y0: float, inv_cell: float, x: float, y: float
) -> int:
    ix = int((x - x0) * inv_cell)
    iy = int((y - y0) * inv_cell)
    # segments between points inside the (convex) raster stay inside; clamp against rounding
    ix = min(max(ix, 0), nx - 1)
    iy = min(max(iy, 0), ny - 1)
    return flat[iy * nx + ix]


@njit(cache=True, nogil=True)
def march(
    flat: np.ndarray,
    nx: int,
    ny: int,
    x0: float,
    y0: float,
    cell: float,
    unit: float,
    deep: int,
    px: float,
    py: float,
    qx: np.ndarray,
    qy: np.ndarray,
    act: np.ndarray,
    sure: bool,
    k_steps: int,
    look_n: int,
) -> tuple[np.ndarray, np.ndarray]:
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
        if ln == 0.0:  # q is p: visible unless p itself lies in a failing cell
            c = _code(flat, nx, ny, x0, y0, inv_cell, px, py)
            res[i] = c > deep
            blocked[i] = sure and c == deep
            continue
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
                        if (
                            _code(flat, nx, ny, x0, y0, inv_cell, px + ux * tl, py + uy * tl)
                            == deep
                        ):
                            blocked[i] = True
                            break
                break
            t = max(t_next, t_last + half)
            if t >= ln:
                res[i] = True
                break
    return res, blocked


@njit(cache=True, nogil=True)
def segments_off_coast(
    ax: np.ndarray,
    ay: np.ndarray,
    bx: np.ndarray,
    by: np.ndarray,
    dist: np.ndarray,
    x0: float,
    y0: float,
    cell: float,
    unit_nm: float,
    min_nm: float,
    near_nm: float,
    box: np.ndarray,
    step_m: float,
    min_samples: int,
    edt_nm_m: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Whether segments a[i] -> b[i] stay ``min_nm`` off the coast, by the distance raster.

    Each segment is sampled every ``step_m`` (at least ``min_samples`` points) on the distance
    raster ``dist`` (codes x ``unit_nm``). A segment fails at its first sample closer
    than ``min_nm``. Samples within ``near_nm`` of the coast (the raster cannot tell land there)
    or outside ``box`` (the domain edge) are returned for an exact check.

    With ``edt_nm_m > 0`` (metres per nm) the caller promises that ``dist`` is a Euclidean
    distance transform over cell centres, rounded to ``unit_nm``: two points ``s`` metres apart
    then read distances that differ by at most ``(s + 1.5 cell) / edt_nm_m + unit_nm``. Samples
    that close to one that reads ``d`` can neither fail nor be near the coast when that bound
    keeps them above ``max(min_nm, near_nm)``, so they are not read (only their box test is
    made): the answer is the same, without reading the raster every ``step_m`` in open water.

    Returns (ok mask, and for the samples to check exactly: segment index, x, y, and a code,
    1 near the coast, 2 outside ``box``, 3 both).
    """
    n = ax.shape[0]
    ny, nx = dist.shape
    ok = np.ones(n, dtype=np.bool_)
    cs = np.empty(64, dtype=np.int64)
    cx = np.empty(64)
    cy = np.empty(64)
    cc = np.empty(64, dtype=np.int8)
    m = 0
    floor_nm = max(min_nm, near_nm)
    last = count = 0
    for i in range(n):
        dx, dy = bx[i] - ax[i], by[i] - ay[i]
        length = np.hypot(dx, dy)
        count = max(min_samples, int(length / step_m))
        last = count - 1
        gap = length / last  # metres between samples
        start = m
        sure_to = -1  # samples up to this one need no raster read
        k = 0
        while k < count:
            f = k / last
            x, y = ax[i] + f * dx, ay[i] + f * dy
            edge = x < box[0] or x > box[2] or y < box[1] or y > box[3]
            if k <= sure_to:
                code = 2 if edge else 0
            else:
                ix = min(max(int((x - x0) / cell), 0), nx - 1)
                iy = min(max(int((y - y0) / cell), 0), ny - 1)
                d = dist[iy, ix] * unit_nm
                if d < min_nm:
                    ok[i] = False
                    m = start  # no exact checks needed for a failed segment
                    break
                code = (1 if d <= near_nm else 0) + (2 if edge else 0)
                if edt_nm_m > 0.0 and gap > 0.0:
                    reach = (d - floor_nm - 2.0 * unit_nm) * edt_nm_m - 1.5 * cell
                    if reach > 0.0:
                        sure_to = min(k + int(reach / gap), last)
                        if not edge:
                            # sample coordinates are monotone in k (rounding is monotone), so
                            # if the last vouched-for sample is in the box, all between are
                            fl = sure_to / last
                            xl, yl = ax[i] + fl * dx, ay[i] + fl * dy
                            if not (xl < box[0] or xl > box[2] or yl < box[1] or yl > box[3]):
                                k = sure_to + 1
                                continue
            if code:
                if m == cs.shape[0]:
                    cs2, cx2, cy2 = (
                        np.empty(2 * m, dtype=np.int64),
                        np.empty(2 * m),
                        np.empty(2 * m),
                    )
                    cc2 = np.empty(2 * m, dtype=np.int8)
                    cs2[:m], cx2[:m], cy2[:m], cc2[:m] = cs, cx, cy, cc
                    cs, cx, cy, cc = cs2, cx2, cy2, cc2
                cs[m], cx[m], cy[m], cc[m] = i, x, y, code
                m += 1
            k += 1
    return ok, cs[:m], cx[:m], cy[:m], cc[:m]


@njit(cache=True, nogil=True)
def _upper_chain(along: np.ndarray, hgt: np.ndarray, length: float) -> tuple[bool, np.ndarray]:
    """Upper convex hull of (along, hgt) with (0, 0) and (length, 0), strictly between them.

    Andrew's monotone chain; ok=False when a point lies beyond an end.
    """
    n = along.shape[0]
    for i in range(n):
        if along[i] <= 0 or along[i] >= length:
            return False, np.zeros((0, 2))
    o1 = np.argsort(hgt, kind="mergesort")  # lexsort((hgt, along)): along first, ties by hgt
    order = o1[np.argsort(along[o1], kind="mergesort")]
    hx = np.empty(n + 2)
    hy = np.empty(n + 2)
    m = 0
    for r in range(n + 2):
        if r == 0:
            x, y = 0.0, 0.0
        elif r == n + 1:
            x, y = length, 0.0
        else:
            x, y = along[order[r - 1]], hgt[order[r - 1]]
        while (
            m >= 2
            and (
                (hx[m - 1] - hx[m - 2]) * (y - hy[m - 2])
                - (hy[m - 1] - hy[m - 2]) * (x - hx[m - 2])
            )
            >= 0
        ):
            m -= 1
        hx[m], hy[m] = x, y
        m += 1
    out = np.empty((max(m - 2, 0), 2))
    for r in range(1, m - 1):
        out[r - 1, 0], out[r - 1, 1] = hx[r], hy[r]
    return True, out


@njit(cache=True, nogil=True)
def _chain_candidates(
    px: float, py: float, cx: float, cy: float, qx: float, qy: float, seg: np.ndarray
) -> tuple[np.ndarray, np.ndarray, int]:
    """Points the taut chain may bend at.

    The edge ends inside the triangle (p, c, q) and the edges' crossings of the chord p-q.
    Returns (x, y, count): the first ``count`` entries of x and y are valid.
    """
    chx, chy = qx - px, qy - py
    k = seg.shape[0]
    ix = np.empty(3 * k)
    iy = np.empty(3 * k)
    m = 0
    for j in range(k):  # edge ends inside the triangle
        for end in range(2):
            ex, ey = seg[j, end, 0], seg[j, end, 1]
            s1 = (cx - px) * (ey - py) - (cy - py) * (ex - px)
            s2 = (qx - cx) * (ey - cy) - (qy - cy) * (ex - cx)
            s3 = (px - qx) * (ey - qy) - (py - qy) * (ex - qx)
            if (s1 > 0 and s2 > 0 and s3 > 0) or (s1 < 0 and s2 < 0 and s3 < 0):
                ix[m], iy[m] = ex, ey
                m += 1
    for j in range(k):  # edges crossing the chord
        dx, dy = seg[j, 1, 0] - seg[j, 0, 0], seg[j, 1, 1] - seg[j, 0, 1]
        den = chx * dy - chy * dx
        if not abs(den) > 0:
            continue
        wx, wy = seg[j, 0, 0] - px, seg[j, 0, 1] - py
        t = (wx * dy - wy * dx) / den
        u = (wx * chy - wy * chx) / den
        if t > 0 and t < 1 and u >= 0 and u <= 1:
            ix[m], iy[m] = px + t * chx, py + t * chy
            m += 1
    return ix, iy, m


@njit(cache=True, nogil=True)
def _push_out(
    px: float,
    py: float,
    ux: float,
    uy: float,
    side: float,
    lc: float,
    ch: np.ndarray,
    eps: float,
) -> np.ndarray:
    """Hull vertices ``ch`` (along the chord, height off it) back in metres, pushed out.

    Each is moved ``eps`` outwards along the bisector of the normals of its two legs.
    """
    nx, ny = side * uy, -side * ux
    n = ch.shape[0]
    xs = np.empty(n + 2)
    ys = np.empty(n + 2)
    for r in range(n + 2):
        a = 0.0 if r == 0 else (lc if r == n + 1 else ch[r - 1, 0])
        h = 0.0 if (r == 0 or r == n + 1) else ch[r - 1, 1]
        xs[r] = px + a * ux + h * nx
        ys[r] = py + a * uy + h * ny
    chain = np.empty((n, 2))
    for r in range(1, n + 1):
        e1x, e1y = xs[r] - xs[r - 1], ys[r] - ys[r - 1]
        e2x, e2y = xs[r + 1] - xs[r], ys[r + 1] - ys[r]
        n1x, n1y = e1y * side, -e1x * side
        n2x, n2y = e2y * side, -e2x * side
        l1, l2 = np.hypot(n1x, n1y), np.hypot(n2x, n2y)
        n1x, n1y, n2x, n2y = n1x / l1, n1y / l1, n2x / l2, n2y / l2
        bx, by = n1x + n2x, n1y + n2y
        lb = max(np.hypot(bx, by), 1e-12)
        chain[r - 1, 0] = xs[r] + eps * (bx / lb)
        chain[r - 1, 1] = ys[r] + eps * (by / lb)
    return chain


@njit(cache=True, nogil=True)
def _via_length(px: float, py: float, chain: np.ndarray, qx: float, qy: float) -> float:
    """Length of the polyline p, chain..., q."""
    total = 0.0
    lx, ly = px, py
    for r in range(chain.shape[0]):
        total += np.hypot(chain[r, 0] - lx, chain[r, 1] - ly)
        lx, ly = chain[r, 0], chain[r, 1]
    total += np.hypot(qx - lx, qy - ly)
    return total


@njit(cache=True, nogil=True)
def tight_chain(
    px: float, py: float, cx: float, cy: float, qx: float, qy: float, seg: np.ndarray, eps: float
) -> tuple[int, np.ndarray]:
    """The chain that replaces bend c between p and q around the obstacle edges ``seg``.

    ``seg`` (k, 2, 2) are the edges near the triangle (p, c, q); the chain is the upper hull of
    the edge ends inside the triangle and the edges' crossings of the chord p-q, vertices pushed
    ``eps`` outwards.

    Returns (status, chain): status 0 keep c, 1 use chain (possibly empty; it is shorter, still
    to be checked against the exact obstacle), 2 p, c, q are collinear (drop c if p sees q).
    """
    old = np.hypot(cx - px, cy - py) + np.hypot(qx - cx, qy - cy)
    cross = (cx - px) * (qy - py) - (cy - py) * (qx - px)
    chx, chy = qx - px, qy - py
    lc = np.hypot(chx, chy)
    empty = np.zeros((0, 2))
    if lc <= 0:
        return 0, empty
    if abs(cross) < 1e-9 * lc * lc:
        return 2, empty
    ix, iy, m = _chain_candidates(px, py, cx, cy, qx, qy, seg)
    side = 1.0 if cross > 0 else -1.0
    along = np.empty(m)
    hgt = np.empty(m)
    nk = 0
    for j in range(m):  # in the chord's frame; only points on the bend's side matter
        rx, ry = ix[j] - px, iy[j] - py
        h = side * (rx * chy - ry * chx) / lc
        if h > 0:
            along[nk] = (rx * chx + ry * chy) / lc
            hgt[nk] = h
            nk += 1
    if nk == 0:
        chain = empty
    else:
        ok, ch = _upper_chain(along[:nk], hgt[:nk], lc)
        if not ok:
            return 0, empty
        chain = _push_out(px, py, chx / lc, chy / lc, side, lc, ch, eps)
    # shorter than the bend, or no change
    if _via_length(px, py, chain, qx, qy) >= old - 1e-6:
        return 0, empty
    return 1, chain
