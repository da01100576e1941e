"""Received AIS reports as numpy columns: the in-run picture, without a DataFrame per update.

The model's AIS monitor receives a few hundred reports every few simulated hours and keeps the
last days of them. Building, filtering and concatenating pandas frames at that rate cost more
than the reports themselves (milliseconds of overhead per update, thousands of updates a
year), so the picture is kept as plain arrays and turned into a feed table (``FEED_COLUMNS``)
only where a detector needs one.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from sim.analysis.detectors.prepared import PreparedAis, prepare_arrays
from sim.monitoring.feed import FEED_COLUMNS, FeedLegs, ReceivedBatch

__all__ = ["Reports", "ByIdentity"]


@dataclass(frozen=True)
class Reports:
    """Received reports, one array element per report, in the order they were received.

    Attributes:
        time: report time, hours.
        identity: broadcast identity (str objects).
        lon, lat: reported position, degrees.
        speed: speed over ground as reported, kn.
        course: course over ground, degrees (NaN when stationary).
        vessel: the true transmitter (the referee's label; detectors never read it).
        far: the report is slow and far enough offshore for a loitering alert (filled in by
            the receiver when it runs the analytics; else all False).
    """

    time: np.ndarray
    identity: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    speed: np.ndarray
    course: np.ndarray
    vessel: np.ndarray
    far: np.ndarray

    def __len__(self) -> int:
        return len(self.time)

    @classmethod
    def empty(cls) -> Reports:
        """No reports."""
        f, o = np.zeros(0), np.zeros(0, dtype=object)
        return cls(f, o, f, f, f, f, o, np.zeros(0, dtype=bool))

    @classmethod
    def of_batches(cls, legs: FeedLegs, batches: list[ReceivedBatch]) -> Reports:
        """The reports of received batches, sorted by time then identity as one feed is.

        Several batches are merged as :func:`sim.monitoring.feed.simulate_feed` merges them.
        """
        if not batches:
            return cls.empty()
        leg = np.concatenate([b.leg for b in batches])
        cols = {
            name: np.concatenate([getattr(b, name) for b in batches])
            for name in ("time", "lon", "lat", "speed", "course")
        }
        if len(batches) > 1:
            order = np.lexsort((legs.ident[leg], cols["time"]))  # codes sort as names do
            leg = leg[order]
            cols = {k: v[order] for k, v in cols.items()}
        return cls(
            cols["time"],
            legs.ident_names[legs.ident[leg]],
            cols["lon"],
            cols["lat"],
            cols["speed"],
            cols["course"],
            legs.vessel_names[legs.vessel[leg]],
            np.zeros(leg.size, dtype=bool),
        )

    @classmethod
    def merged(cls, a: Reports, b: Reports) -> Reports:
        """Two sets of reports as one feed: sorted by time, then identity."""
        if not len(a) or not len(b):
            return b if not len(a) else a
        both = a + b
        codes, names = pd.factorize(both.identity)
        rank = np.argsort(np.argsort(np.asarray(names, dtype=object)))
        return both.take(np.lexsort((rank[codes], both.time)))

    def take(self, index: np.ndarray) -> Reports:
        """The reports selected by a mask or index array, in their order."""
        return Reports(*(getattr(self, f.name)[index] for f in fields(self)))

    def __add__(self, other: Reports) -> Reports:
        """These reports followed by ``other``'s."""
        if not len(self):
            return other
        if not len(other):
            return self
        return Reports(
            *(np.concatenate([getattr(self, f.name), getattr(other, f.name)]) for f in fields(self))
        )

    def frame(self) -> pd.DataFrame:
        """The reports as a feed table (``FEED_COLUMNS``), as ``simulate_feed`` returns it."""
        return pd.DataFrame(
            {
                "time": self.time,
                "identity": pd.array(self.identity, dtype=str),
                "lon": self.lon,
                "lat": self.lat,
                "speed": self.speed,
                "course": self.course,
                "vessel": pd.array(self.vessel, dtype=str),
            },
            columns=list(FEED_COLUMNS),
        )


class ByIdentity:
    """Reports grouped by identity: the cheap necessary conditions of the detectors, in numpy.

    Identities are numbered in sorted order (``names``); each one's reports keep the
    picture's order.

    Args:
        pic: the reports.
        slow_kn: a report slower than this counts as slow (kn).
    """

    def __init__(self, pic: Reports, slow_kn: float) -> None:
        self.pic = pic
        codes, uniques = pd.factorize(pic.identity)  # hashing: no sort of every report's name
        uniques = np.asarray(uniques, dtype=object)
        by_name = np.argsort(uniques)
        rank = np.empty(len(uniques), dtype=np.int64)
        rank[by_name] = np.arange(len(uniques))
        self.names, self.inv = uniques[by_name], rank[codes]
        n = len(self.names)
        self.order = np.argsort(self.inv, kind="stable")
        self.bounds = np.searchsorted(self.inv[self.order], np.arange(n + 1))
        self.slow = pic.speed < slow_kn
        si, st = self.inv[self.slow], pic.time[self.slow]
        self.t_first = np.full(n, np.inf)
        self.t_last = np.full(n, -np.inf)
        np.minimum.at(self.t_first, si, st)
        np.maximum.at(self.t_last, si, st)
        self.last_slow = np.full(n, -1)
        np.maximum.at(self.last_slow, si, np.flatnonzero(self.slow))
        self.last = self.order[self.bounds[1:] - 1]  # each identity's last report
        self.far = np.bincount(self.inv[pic.far], minlength=n) > 0

    def slow_for(self, hours: float, *, far: bool) -> list[int]:
        """Identities slow over at least ``hours`` (and, with ``far``, once far offshore)."""
        ok = (self.last_slow >= 0) & (self.t_last - self.t_first >= hours)
        if far:
            ok &= self.far  # else the run's mean distance to shore is too small
        return np.flatnonzero(ok).tolist()

    def run(self, k: int) -> tuple[str, np.ndarray, np.ndarray]:
        """Identity ``k``'s name, report times and slow flags, in the picture's order."""
        rows = self.order[self.bounds[k] : self.bounds[k + 1]]
        return str(self.names[k]), self.pic.time[rows], self.slow[rows]

    def last_slow_lonlat(self, k: int) -> tuple[float, float]:
        """Where identity ``k`` was last reported slow."""
        j = self.last_slow[k]
        return float(self.pic.lon[j]), float(self.pic.lat[j])

    def codes(self, names: list[str]) -> list[int]:
        """The numbers of identities by name."""
        return np.searchsorted(self.names, np.array(names, dtype=object)).tolist()

    def last_report(self, name: str) -> int:
        """Index in the picture of the identity's last report."""
        return int(self.last[int(np.searchsorted(self.names, name))])

    def prepared(self, codes: list[int]) -> PreparedAis:
        """These identities' reports, prepared for the detectors (no table built)."""
        r = self.pic.take(np.isin(self.inv, codes))
        return prepare_arrays(r.time, r.identity, r.lon, r.lat, r.speed)

    def silences(self, min_gap_h: float, since_h: float) -> list[int]:
        """Identities heard again after ``since_h`` following a silence of ``min_gap_h``."""
        seq = np.lexsort((self.pic.time, self.inv))
        i, t = self.inv[seq], self.pic.time[seq]
        gap = (i[1:] == i[:-1]) & (np.diff(t) >= min_gap_h) & (t[1:] > since_h)
        return np.unique(i[1:][gap]).tolist()
