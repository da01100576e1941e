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

from sim.monitoring.feed import FEED_COLUMNS, FeedLegs, ReceivedBatch

__all__ = ["Reports"]


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
