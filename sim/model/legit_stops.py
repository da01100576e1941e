"""Legitimate ships that stop at sea: loitering, and bunkering alongside a bunker tanker.

Without these, two hulls alongside at sea were always smugglers and a loitering alert was
always right. Real traffic loiters (waiting for orders or a berth, drifting off a port) and
bunkers at sea: Miller et al. 2018 found 46,570 loitering events and 10,233 encounters in
AIS worldwide, most of them legitimate (domain §7), and bunker tankers such as the ROK
``P-Pioneer`` serve ships at sea (domain §4). The shares are declared in the scenario's
``traffic`` (``loiter_share``, ``bunker_share``; assumptions).

The stops are laid into the pre-generated legitimate legs (they do not react to patrols):
a chosen voyage is cut at a point drawn uniformly along its sailed distance, the ship stays
there for the drawn duration, and the rest of its year runs that much later. A bunkering
stop brings a bunker tanker, a legitimate vessel of its own, which comes along the client's
own route (so over water) from where the client was ``_TANKER_APPROACH_H`` earlier, waits
alongside, and goes back the way it came. All draws come from the ``traffic/stops`` stream.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

import numpy as np

from sim.model import _kernels

__all__ = [
    "StopShares",
    "StopsAtSea",
    "add_stops_at_sea",
    "add_earlier_stops",
    "by_vessel_then_start",
    "kept_by_start",
    "visitor_legs",
]

_TANKER_APPROACH_H = 6.0
"""A bunker tanker sails this long to its client and back (assumption: a tanker based a
few tens of miles off)."""
_TANKER_LEAD_H = 0.5
"""The tanker is on the spot this long before the client arrives (assumption)."""
_NEW_VOYAGE_GAP_H = 1e-6
"""Consecutive legs of one ship further apart in time than this belong to different voyages
(a port dwell in between)."""


class StopShares(Protocol):
    """What this module needs from ``sim.scenarios.programs_schema.Traffic``."""

    @property
    def loiter_share(self) -> float:
        """``loiter_share`` of the object passed in."""
        ...

    @property
    def loiter_h(self) -> tuple[float, float]:
        """``loiter_h`` of the object passed in."""
        ...

    @property
    def bunker_share(self) -> float:
        """``bunker_share`` of the object passed in."""
        ...

    @property
    def bunker_h(self) -> tuple[float, float]:
        """``bunker_h`` of the object passed in."""
        ...


@dataclass(frozen=True)
class StopsAtSea:
    """The stops laid into legitimate traffic (one row per ship and stop).

    Attributes:
        vessel: legitimate vessel index.
        t0_h, t1_h: the stop, hours.
        alongside: True for bunkering (the client and its tanker are alongside).
    """

    vessel: np.ndarray
    t0_h: np.ndarray
    t1_h: np.ndarray
    alongside: np.ndarray

    @cached_property
    def _alongside_by_ship(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The alongside stops sorted by (ship, start), and where each ship's begin.

        Sorted once, not at every lookup: the referee asks at every sensor plan, satellite
        pass and reported contact (~55,000 times a year at 10,000 ships).
        """
        sel = np.flatnonzero(self.alongside)
        order = sel[np.lexsort((self.t0_h[sel], self.vessel[sel]))]
        sv = self.vessel[order]
        n = int(sv.max()) + 1 if len(sv) else 0
        first = np.searchsorted(sv, np.arange(n + 1)).astype(np.int64)
        return first, np.ascontiguousarray(self.t0_h[order], float), self.t1_h[order].astype(float)

    def is_alongside(self, vessel: np.ndarray, t_h: np.ndarray) -> np.ndarray:
        """Whether each (vessel, time) is alongside another ship (vectorised).

        One ship's stops never overlap, so the stop a query may fall in is the last one of
        that ship starting at or before the query: a binary search among that ship's stops,
        compiled (``_kernels.in_stops``: a dozen numpy calls per lookup were 65 us each).
        """
        vessel = np.ascontiguousarray(vessel, dtype=np.int64).reshape(-1)
        t_h = np.ascontiguousarray(t_h, dtype=float).reshape(-1)
        first, s0, s1 = self._alongside_by_ship
        if len(first) < 2 or not len(vessel):
            return np.zeros(len(vessel), dtype=bool)
        return _kernels.in_stops(first, s0, s1, vessel, t_h)


def by_vessel_then_start(t0: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The order of legs by (vessel, start), ties by position: ``np.lexsort((t0, ids))``.

    Legs already sorted by start (as traffic lays them out) need only a stable sort by vessel,
    which gives the same order: an integer radix sort instead of a two-key sort (1.8 s of
    the 5,000-ship build).
    """
    if len(t0) < 2 or bool(np.all(t0[1:] >= t0[:-1])):
        return np.argsort(ids, kind="stable")
    return np.lexsort((t0, ids))


def _voyages(
    legs: np.ndarray, ids: np.ndarray, in_place: bool, by_vessel: bool
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray, np.ndarray]:
    """The (vessel, time) order, the legs in it, their vessels, and each leg's voyage number.

    A new voyage starts after a gap (a port dwell). ``in_place``: ``legs`` itself is
    reordered, a column at a time, instead of copied. ``by_vessel``: the legs are in that
    order already (the order is then None: the identity).
    """
    order = None if by_vessel else by_vessel_then_start(legs[:, 0], ids)
    if order is None:
        g = legs
    elif in_place:
        for c in range(legs.shape[1]):
            legs[:, c] = legs[order, c]
        g = legs
    else:
        g = legs[order]
    # the ships' own integer type (int32 from traffic: 60 MB, not 120, for a year of 15 M legs)
    v = ids if order is None else ids[order]
    v = v.astype(np.promote_types(v.dtype, np.int32), copy=False)
    new = np.ones(len(g), dtype=bool)
    new[1:] = (v[1:] != v[:-1]) | (g[1:, 0] > g[:-1, 1] + _NEW_VOYAGE_GAP_H)
    voyage: np.ndarray = np.cumsum(new, dtype=np.int64 if len(g) >= 2**31 else np.int32)
    np.subtract(voyage, 1, out=voyage)
    return order, g, v, voyage


def add_stops_at_sea(
    legs: np.ndarray,
    ids: np.ndarray,
    dark: np.ndarray,
    shares: StopShares,
    rng: np.random.Generator,
    end_h: float,
    max_leg_h: float,
    *,
    reuse_legs: bool = False,
    by_vessel: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, StopsAtSea]:
    """Lay loitering and bunkering stops into legitimate traffic.

    Args:
        legs: ``(t0, t1, x0, y0, vx, vy)`` rows (any order).
        ids: vessel index of each leg.
        dark: AIS off, per vessel.
        shares: the traffic's stop shares and durations.
        rng: the stops' own stream.
        end_h: the run's end; legs pushed beyond it are dropped.
        max_leg_h: longest leg (stops are cut into pieces no longer than this, as the
            traffic's legs are: the referee looks back this far for live legs).
        reuse_legs: the caller hands ``legs`` and ``ids`` over: they are reordered in place,
            not copied (their content afterwards is unspecified; the results may be views of
            their buffers).
        by_vessel: ``legs`` are in (vessel, start) order already (as traffic lays them), so
            they need no sort into it.

    Returns:
        Legs sorted by start, their vessel ids, the AIS-off flags extended with the bunker
        tankers (which broadcast), and the stops.
    """
    empty = StopsAtSea(np.zeros(0, int), np.zeros(0), np.zeros(0), np.zeros(0, bool))
    if not len(legs) or (shares.loiter_share <= 0 and shares.bunker_share <= 0):
        by_start = np.argsort(legs[:, 0], kind="stable")
        return legs[by_start], ids[by_start], dark, empty
    order, g, v, voyage = _voyages(legs, ids, reuse_legs, by_vessel)
    n_voy = int(voyage[-1]) + 1
    u = rng.random(n_voy)
    kind = np.where(
        u < shares.bunker_share, 2, np.where(u < shares.bunker_share + shares.loiter_share, 1, 0)
    )
    dur = np.where(
        kind == 2,
        rng.uniform(*shares.bunker_h, size=n_voy),
        rng.uniform(*shares.loiter_h, size=n_voy),
    )
    where = rng.random(n_voy)  # fraction of the voyage's sailing time at which it stops
    starts = np.searchsorted(voyage, np.arange(n_voy + 1), side="left")
    del voyage
    cuts = _cut_voyages(g, v, kind, dur, where, starts, len(dark), max_leg_h)
    if not cuts.client:  # by start, ties by the given order (as a stable sort of ``legs``)
        if order is None:
            o = np.argsort(g[:, 0], kind="stable")
            return g[o], ids[o], dark, empty
        o = np.lexsort((order, g[:, 0]))
        return g[o], ids[order[o]], dark, empty
    # the legs and ids may be extended in place: this module's copies, or handed over
    in_place = reuse_legs or order is not None
    del order
    return _assemble(g, v, cuts, ids.dtype, dark, end_h, in_place)


@dataclass
class _Cuts:
    """The stops cut into the voyages, as lists while they are made.

    Per new row (stop, hold, tanker legs): the legs, their owner, the client whose earlier
    stops delay them, the time that decides which stops are earlier, and a delay of their
    own. Per stop: the client, when, how long. Per ship and stop (the client, and the tanker
    when bunkering): the ship, its stop number, its time alongside or loitering.
    """

    legs: list[np.ndarray] = field(default_factory=list)
    owner: list[np.ndarray] = field(default_factory=list)
    ref: list[np.ndarray] = field(default_factory=list)
    t_ref: list[np.ndarray] = field(default_factory=list)
    own: list[np.ndarray] = field(default_factory=list)
    client: list[int] = field(default_factory=list)
    ts: list[float] = field(default_factory=list)
    d: list[float] = field(default_factory=list)
    vessel: list[int] = field(default_factory=list)
    of: list[int] = field(default_factory=list)
    t0: list[float] = field(default_factory=list)
    t1: list[float] = field(default_factory=list)
    alongside: list[bool] = field(default_factory=list)

    def add(self, rows: np.ndarray, owner: int, client: int, t_ref: float, own: float) -> None:
        """New rows of one ship, delayed as its client's rows after ``t_ref``, plus ``own``."""
        self.legs.append(rows)
        self.owner.append(np.full(len(rows), owner, dtype=np.int64))
        self.ref.append(np.full(len(rows), client, dtype=np.int64))
        self.t_ref.append(np.full(len(rows), t_ref))
        self.own.append(np.full(len(rows), own))

    def ship_stop(self, vessel: int, t0: float, t1: float, alongside: bool) -> None:
        """One ship's part in the latest stop."""
        self.vessel.append(vessel)
        self.of.append(len(self.client) - 1)
        self.t0.append(t0)
        self.t1.append(t1)
        self.alongside.append(alongside)


def _cut_voyages(
    g: np.ndarray,
    v: np.ndarray,
    kind: np.ndarray,
    dur: np.ndarray,
    where: np.ndarray,
    starts: np.ndarray,
    n_vessels: int,
    max_leg_h: float,
) -> _Cuts:
    """Cut each stopping voyage at its stop (``g`` is cut in place) and lay out the new rows."""
    cuts = _Cuts()
    for k in np.flatnonzero(kind > 0).tolist():
        a, b = int(starts[k]), int(starts[k + 1])
        seg = g[a:b].copy()
        t_sail = seg[:, 1] - seg[:, 0]
        total = float(t_sail.sum())
        if total <= 0:
            continue
        at = where[k] * total
        run = np.concatenate([[0.0], np.cumsum(t_sail)])
        j = min(int(np.searchsorted(run, at, side="right")) - 1, len(seg) - 1)
        t0, t1, x0, y0, vx, vy = seg[j].tolist()
        ts = t0 + (at - run[j])
        sx, sy = x0 + vx * (ts - t0), y0 + vy * (ts - t0)
        d = float(dur[k])
        c = int(v[a])
        g[a + j, 1] = ts  # the cut leg ends at the stop; its rest sails after it
        cuts.add(np.array([[ts, t1, sx, sy, vx, vy]]), c, c, ts, d)
        cuts.add(_hold(sx, sy, ts, ts + d, max_leg_h), c, c, ts, 0.0)
        cuts.client.append(c)
        cuts.ts.append(ts)
        cuts.d.append(d)
        cuts.ship_stop(c, ts, ts + d, bool(kind[k] == 2))
        if kind[k] == 2:
            tanker = n_vessels + len(cuts.client) - 1
            cuts.add(_tanker_legs(seg[: j + 1], ts, sx, sy, d, max_leg_h), tanker, c, ts, 0.0)
            cuts.ship_stop(tanker, ts - _TANKER_LEAD_H, ts + d, True)
    return cuts


def _assemble(
    g: np.ndarray,
    v: np.ndarray,
    cuts: _Cuts,
    id_dtype: np.dtype,
    dark: np.ndarray,
    end_h: float,
    in_place: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, StopsAtSea]:
    """Delay every row by its client's earlier stops, add the new rows, keep the run's, sort.

    ``in_place``: ``g`` and ``v`` may be extended and permuted in their buffers (``_joined``).
    """
    n_vessels = len(dark)
    clients = np.asarray(cuts.client, dtype=np.int64)
    cut_ts = np.asarray(cuts.ts)
    # every row runs later by the stops its client made before it: the fleet's own rows in
    # place, in one pass in (vessel, time) order; the few new rows (stops, tankers) apart
    so = np.lexsort((cut_ts + 1e-9, clients))
    _kernels.delay_by_earlier_stops(
        g, v, clients[so], cut_ts[so] + 1e-9, np.asarray(cuts.d, dtype=float)[so]
    )
    extra = np.vstack(cuts.legs)
    extra[:, :2] += add_earlier_stops(
        np.concatenate(cuts.own),
        np.concatenate(cuts.ref),
        np.concatenate(cuts.t_ref),
        clients,
        cut_ts,
        cuts.d,
    )[:, None]
    stop_shift = add_earlier_stops(np.zeros(len(clients)), clients, cut_ts, clients, cut_ts, cuts.d)
    # the new rows' owners: the clients, and the tankers, whose numbers are sparse (one per
    # stop) and are renumbered densely after the fleet (the fleet's own rows are all < n)
    extra_owner = np.concatenate(cuts.owner).astype(v.dtype)
    tankers = np.unique(extra_owner[extra_owner >= n_vessels])
    dense = np.arange(n_vessels, n_vessels + len(tankers))
    sv = np.asarray(cuts.vessel, dtype=np.int64)
    if len(tankers):
        t_owner = extra_owner >= n_vessels
        extra_owner[t_owner] = dense[np.searchsorted(tankers, extra_owner[t_owner])]
        t_stop = sv >= n_vessels
        sv[t_stop] = dense[np.searchsorted(tankers, sv[t_stop])]
    per_row = stop_shift[np.asarray(cuts.of)]
    # the rows kept (within the run), by start, ties in place, permuted in the buffers of
    # the legs and ids when they have room after them (traffic lays them so)
    table = _joined(g, extra, in_place)
    owner = _joined(v, extra_owner, in_place)
    del g, v, extra, extra_owner
    o = kept_by_start(table[:, 0], table[:, 1], end_h)
    for c in range(table.shape[1]):
        table[: len(o), c] = table[o, c]  # the right side is gathered before it is written
    owner[: len(o)] = owner[:, None][o, 0]  # (a 2-D gather takes int32 indices as they are)
    stops = StopsAtSea(
        sv,
        np.asarray(cuts.t0, float) + per_row,
        np.asarray(cuts.t1, float) + per_row,
        np.asarray(cuts.alongside, dtype=bool),
    )
    return (
        table[: len(o)],
        owner[: len(o)].astype(id_dtype, copy=False),
        np.concatenate([dark, np.zeros(len(tankers), dtype=bool)]),
        stops,
    )


def _joined(a: np.ndarray, extra: np.ndarray, in_place: bool) -> np.ndarray:
    """``a`` followed by the rows ``extra``: in ``a``'s own buffer when ``in_place`` allows.

    A year of 10,000 ships is 15 M legs (714 MB): a joined copy beside ``a`` doubles that at
    the build's peak. When ``a`` is the start of a buffer with room after it for ``extra``
    (traffic lays its legs and ids so, ``sim.model.traffic``), ``extra`` is written there;
    else, when ``a`` owns its buffer, it grows in place (``ndarray.resize``; the allocator
    may copy it, which is the doubled peak again); else (or without ``in_place``: ``a`` is
    the caller's) a new array is made. ``in_place``: nothing else may view ``a`` (it is this
    module's own copy, or what the caller handed over, ``reuse_legs``).
    """
    n, m = len(a), len(extra)
    base = a.base if isinstance(a.base, np.ndarray) else None
    if (
        in_place
        and base is not None
        and base.flags.owndata
        and base.flags.c_contiguous
        and base.dtype == a.dtype
        and base.shape[1:] == a.shape[1:]
        and a.flags.c_contiguous
        and base.ctypes.data == a.ctypes.data
        and len(base) >= n + m
    ):
        base[n : n + m] = extra
        return base[: n + m]
    if in_place and a.flags.owndata and a.flags.c_contiguous and a.base is None:
        a.resize((n + m, *a.shape[1:]), refcheck=False)
        a[n:] = extra
        return a
    return np.concatenate([a, extra.astype(a.dtype, copy=False)])


_ORDER_SLICES = 32
"""The start order of the rows is sorted in this many slices of start time, one at a time
(assumption: the sort's temporaries are then a 32nd of the table's; numpy's stable argsort
of 15 M float64 takes ~4 x 8 bytes a row beside its input: 460 MB at 10,000 ships)."""
_ORDER_BLOCK_ROWS = 1 << 20
"""Rows per block when each row's slice is computed (the temporaries of one block only)."""


def kept_by_start(
    t0: np.ndarray, t1: np.ndarray, end_h: float, *, block_rows: int = _ORDER_BLOCK_ROWS
) -> np.ndarray:
    """The rows within the run (not ``t0 >= end_h``, not ``t1 <= 0``) by start, ties in place.

    The kept rows in the order of a stable argsort of their starts (NaN last), which is what
    ``np.argsort(np.where(drop, np.inf, t0), kind="stable")[:n_kept]`` gave for starts that
    are not NaN; as int32 positions (below 2**31 rows) and without table-long float or int64
    temporaries: each row gets a slice of start time, ``clip(floor(t0 * slices / end_h))``
    (a non-decreasing function of ``t0``, so equal starts share a slice and the slices follow
    each other in start order; NaN in the last), and the slices' rows, found in row order,
    are sorted one slice at a time by a stable argsort of their starts.

    Args:
        t0: the rows' starts, hours (a view of the table's column will do).
        t1: the rows' ends, hours.
        end_h: the run's end.
        block_rows: rows per block when each row's slice is computed.
    """
    n = len(t0)
    slices = _ORDER_SLICES if 0.0 < end_h < np.inf else 1
    scale = slices / end_h if slices > 1 else 0.0
    part = np.empty(n, dtype=np.uint8)  # slice of each row; ``slices``: dropped
    for a in range(0, n, block_rows):
        b0, b1 = t0[a : a + block_rows], t1[a : a + block_rows]
        s = np.zeros(len(b0))
        if slices > 1:
            s = np.floor(b0 * scale)
            np.clip(s, 0.0, slices - 1.0, out=s)
            s[np.isnan(b0)] = slices - 1.0
        s[(b0 >= end_h) | (b1 <= 0)] = slices
        part[a : a + len(s)] = s
    counts = np.bincount(part, minlength=slices + 1)
    out = np.empty(n - int(counts[slices]), dtype=np.int32 if n < 2**31 else np.int64)
    at = 0
    for j in range(slices):
        if not counts[j]:
            continue
        rows = np.flatnonzero(part == j)
        out[at : at + len(rows)] = rows[np.argsort(t0[rows], kind="stable")]
        at += len(rows)
    return out


def add_earlier_stops(
    base: np.ndarray,
    q_client: np.ndarray,
    q_t: np.ndarray,
    clients: np.ndarray,
    stop_ts: np.ndarray,
    stop_d: list[float],
) -> np.ndarray:
    """``base`` plus, per query, the durations of its client's stops that start before it.

    A stop of client ``c`` at ``ts`` delays every later row of ``c`` (``t > ts + 1e-9``) by its
    duration. Rather than one pass over all rows per stop (quadratic in the fleet: 70% of a
    10,000-ship build), stops and queries are merged in one sort by (client, time), each query
    finds the last earlier stop of its client, and the durations are added in the stops' own
    order, one addition at a time, so the sums are bit for bit those of the per-stop loop
    (one ship's stops are created in time order).
    """
    out = np.array(base, dtype=float)
    if not len(clients) or not len(q_client):
        return out
    d = np.asarray(stop_d, dtype=float)
    key = stop_ts + 1e-9
    o = np.lexsort((key, clients))  # stops by client, then start (stable)
    sc, skey, sd = clients[o], key[o], d[o]
    # merged sort: a stop sorts after a query at the same time (only earlier stops count)
    m_client = np.concatenate([q_client, sc])
    m_t = np.concatenate([q_t, skey])
    is_stop = np.concatenate([np.zeros(len(q_client), np.int8), np.ones(len(sc), np.int8)])
    m = np.lexsort((is_stop, m_t, m_client))
    pos = np.where(is_stop[m] == 1, m - len(q_client), -1)
    last = np.maximum.accumulate(pos)  # last stop at or before each merged element
    q_at = np.flatnonzero(is_stop[m] == 0)
    q = m[q_at]
    k = last[q_at]
    hit = (k >= 0) & (sc[np.maximum(k, 0)] == q_client[q])
    q, k = q[hit], k[hit]
    # per query, the stops of its client from the first up to k, added in order: the
    # additions run over stop positions, all queries of the same depth at once
    first = np.searchsorted(sc, sc[k], side="left")
    depth = k - first + 1
    for step in range(int(depth.max()) if len(depth) else 0):
        live = depth > step
        out[q[live]] += sd[first[live] + step]
    return out


def _hold(x: float, y: float, t0_h: float, t1_h: float, max_leg_h: float) -> np.ndarray:
    """Stationary legs at ``(x, y)`` from ``t0_h`` to ``t1_h``, none longer than ``max_leg_h``."""
    n = max(1, int(np.ceil((t1_h - t0_h) / max_leg_h)))
    t = np.linspace(t0_h, t1_h, n + 1)
    return np.column_stack([t[:-1], t[1:], np.full(n, x), np.full(n, y), np.zeros(n), np.zeros(n)])


def _tanker_legs(
    before: np.ndarray, ts: float, sx: float, sy: float, d: float, max_leg_h: float
) -> np.ndarray:
    """A bunker tanker's legs: along the client's route to the stop, alongside, and back."""
    t_arr = ts - _TANKER_LEAD_H
    # the client's path over the last _TANKER_APPROACH_H of sailing before the stop
    path = [(sx, sy)]
    left = _TANKER_APPROACH_H
    for t0, t1, x0, y0, vx, vy in before[::-1].tolist():
        t_end = min(t1, ts)
        dt = min(t_end - t0, left)
        if dt <= 0:
            continue
        tp = t_end - dt
        path.append((x0 + vx * (tp - t0), y0 + vy * (tp - t0)))
        left -= dt
        if left <= 0:
            break
    pts = np.array(path[::-1])  # from the approach point to the stop
    seg = np.diff(pts, axis=0)
    dist = np.hypot(seg[:, 0], seg[:, 1])
    speed = max(float(dist.sum()) / max(_TANKER_APPROACH_H - left, 1e-6), 1.0)
    rows = []
    t = t_arr - float(dist.sum()) / speed
    for (x0, y0), (dx, dy), L in zip(pts[:-1].tolist(), seg.tolist(), dist.tolist(), strict=True):
        if L <= 0:
            continue
        dt = L / speed
        rows.append((t, t + dt, x0, y0, dx / dt, dy / dt))
        t += dt
    rows.extend(map(tuple, _hold(sx, sy, t_arr, ts + d, max_leg_h).tolist()))
    t = ts + d
    back = pts[::-1]
    for (x0, y0), (x1, y1) in zip(back[:-1].tolist(), back[1:].tolist(), strict=True):
        L = float(np.hypot(x1 - x0, y1 - y0))
        if L <= 0:
            continue
        dt = L / speed
        rows.append((t, t + dt, x0, y0, (x1 - x0) / dt, (y1 - y0) / dt))
        t += dt
    return np.array(rows)


def visitor_legs(
    before: np.ndarray, ts: float, sx: float, sy: float, d: float, max_leg_h: float
) -> np.ndarray:
    """Legs of a vessel that comes alongside a stopped one at ``(sx, sy)`` for ``d`` hours.

    The visitor (a bunker tanker, a fish carrier) comes along the stopped vessel's own path
    over its last ``_TANKER_APPROACH_H`` of sailing (so over water), is there
    ``_TANKER_LEAD_H`` before ``ts``, and goes back the way it came: the bunker tanker of
    :func:`add_stops_at_sea`, for other callers (``sim.model.fishing``).

    Args:
        before: the stopped vessel's legs up to the stop, in time order.
        ts: when the stop begins, hours.
        sx: where, x metres.
        sy: where, y metres.
        d: how long the two lie alongside, hours.
        max_leg_h: longest leg (the wait alongside is cut into pieces no longer).
    """
    return _tanker_legs(before, ts, sx, sy, d, max_leg_h)
