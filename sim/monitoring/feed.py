"""Simulated AIS feed: what shore stations and satellites receive from vessel tracks.

Input is a **tracks** table (one row per leg, see ``TRACK_COLUMNS``); positions are linear
in time within a leg (the model's piecewise-linear motion). Output is the **received feed**
(``FEED_COLUMNS``), one row per position report that reached a receiver.

Reporting (domain §6). A Class A transponder reports every 2-12 s under way and every
3 min at anchor. A year of 10-s reports for a thousand ships is ~3 billion rows, so the
intervals are configurable; the defaults (60 s under way, 180 s when slower than
``anchor_speed_kn``) keep the anchor rate realistic and thin the under-way rate six-fold.
Every detector threshold is minutes to hours, so nothing downstream depends on the
exact under-way rate.

Reception. A report is received when

* the transmitter is within ``shore_range_nm`` of the coast (terrestrial AIS; typical
  range 15-20 nm, >99% of GFW terrestrial messages within 50 nm; default 30 nm), with
  probability ``shore_reception_prob``; or
* a satellite is overhead (``sat_pass_interval_h`` between pass starts, each
  ``sat_pass_duration_min`` long, one footprint covering the whole theater, a random
  phase per feed) and the message survives collisions, probability ``sat_reception_prob``.

Dark legs (``ais_on`` False) broadcast nothing. Spoofing legs (``identity`` differs from
``vessel``) broadcast the false identity and, when ``spoof_offset_nm`` > 0, a position
displaced by that distance on a random bearing drawn per leg.

All randomness comes from the one ``numpy.random.Generator`` passed in. Work is done in
numpy over batches of legs (``batch_reports`` transmitted reports at a time), never per
report in Python.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from sim.units import NM_M

__all__ = [
    "TRACK_COLUMNS",
    "FEED_COLUMNS",
    "ACTIVITIES",
    "ROLES",
    "FeedConfig",
    "FeedGeography",
    "validate_tracks",
    "leg_speed_kn",
    "FeedLegs",
    "ReceivedBatch",
    "receive",
    "simulate_feed",
    "iter_feed_batches",
    "stream_feed",
    "write_feed",
    "read_feed",
]

ROLES = ("legit", "foreign", "dprk")
ACTIVITIES = ("transit", "port", "wait", "sts")

TRACK_COLUMNS: dict[str, str] = {
    "vessel": "True vessel id ('L12' legitimate, 'F3' foreign, 'D3' DPRK).",
    "role": "legit, foreign or dprk.",
    "t0_h": "Leg start, hours from the scenario start.",
    "t1_h": "Leg end, hours (>= t0_h).",
    "x0_m": "Easting at t0_h, metres in the theater CRS.",
    "y0_m": "Northing at t0_h, metres.",
    "x1_m": "Easting at t1_h, metres (position is linear in time within the leg).",
    "y1_m": "Northing at t1_h, metres.",
    "ais_on": "True if the transponder broadcasts on this leg.",
    "identity": "Identity broadcast on this leg: the true id, or a spoofed one.",
    "activity": "transit, port, wait (at a rendezvous) or sts (alongside another ship).",
}
"""The tracks-table contract (one row per leg)."""

FEED_COLUMNS: dict[str, str] = {
    "time": "Report time, hours from the scenario start.",
    "identity": "Broadcast identity (MMSI/name as transmitted; may be spoofed).",
    "lon": "Reported longitude, degrees east (spoofed legs: possibly offset).",
    "lat": "Reported latitude, degrees north.",
    "speed": "Speed over ground, knots.",
    "course": "Course over ground, degrees clockwise from grid north; NaN when stationary.",
    "vessel": "True vessel id (ground truth for scoring; detectors must not read it).",
}
"""Columns of the received feed."""


class FeedGeography(Protocol):
    """What the feed needs from a theater (``sim.geo.Theater`` satisfies it)."""

    def to_lonlat(self, x_m: Any, y_m: Any) -> tuple[np.ndarray, np.ndarray]:
        """Metric theater coordinates to lon/lat degrees."""
        ...

    def distance_to_coast_nm_xy(self, x_m: Any, y_m: Any) -> Any:
        """Distance to the nearest coast, nautical miles (vectorised)."""
        ...


@dataclass(frozen=True)
class FeedConfig:
    """Reporting and reception parameters of the simulated AIS feed.

    Attributes:
        report_interval_underway_s: seconds between reports when moving (Class A: 2-12 s;
            default 60 s to keep volumes sane).
        report_interval_anchor_s: seconds between reports when slower than
            ``anchor_speed_kn`` (Class A at anchor: 180 s).
        anchor_speed_kn: below this leg speed the anchor interval applies (Class A: 3 kn).
        shore_range_nm: terrestrial receivers hear transmitters this close to the coast.
        shore_reception_prob: probability that a report in shore range is received.
        sat_pass_interval_h: hours between starts of satellite passes (0 disables S-AIS).
        sat_pass_duration_min: minutes a pass hears the theater.
        sat_reception_prob: probability that a report during a pass is received
            (message collisions in busy areas make it well below 1).
        spoof_offset_nm: spoofed legs report positions this far off the truth (0: none).
        position_noise_m: standard deviation of GNSS noise on reported positions, metres.
        speed_noise_kn: standard deviation of noise on speed over ground (clipped at 0).
        batch_reports: transmitted reports generated per numpy batch (memory bound). Random
            draws follow the batches, so the same seed gives the same feed for the same
            ``batch_reports``.
    """

    report_interval_underway_s: float = 60.0
    report_interval_anchor_s: float = 180.0
    anchor_speed_kn: float = 3.0
    shore_range_nm: float = 30.0
    shore_reception_prob: float = 0.98
    sat_pass_interval_h: float = 1.5
    sat_pass_duration_min: float = 12.0
    sat_reception_prob: float = 0.5
    spoof_offset_nm: float = 0.0
    position_noise_m: float = 10.0
    speed_noise_kn: float = 0.1
    batch_reports: int = 4_000_000

    def __post_init__(self) -> None:
        for name in ("report_interval_underway_s", "report_interval_anchor_s", "batch_reports"):
            if getattr(self, name) <= 0:
                raise ValueError(f"FeedConfig.{name} must be > 0")
        for name in ("shore_reception_prob", "sat_reception_prob"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"FeedConfig.{name} must be within [0, 1]")
        if self.sat_pass_interval_h < 0 or self.sat_pass_duration_min < 0:
            raise ValueError("FeedConfig satellite pass interval and duration must be >= 0")


def validate_tracks(tracks: pd.DataFrame) -> pd.DataFrame:
    """Check the tracks contract and return a clean copy with canonical dtypes.

    Raises:
        ValueError: missing columns, unknown roles/activities, or legs ending before they start.
    """
    missing = [c for c in TRACK_COLUMNS if c not in tracks.columns]
    if missing:
        raise ValueError(f"tracks table lacks columns {missing}; expected {list(TRACK_COLUMNS)}")
    t = tracks[list(TRACK_COLUMNS)].copy()
    for c in ("t0_h", "t1_h", "x0_m", "y0_m", "x1_m", "y1_m"):
        t[c] = t[c].astype(float)
    t["ais_on"] = t["ais_on"].astype(bool)
    for c in ("vessel", "identity", "role", "activity"):
        t[c] = t[c].astype(str)
    bad_role = sorted(set(t["role"]) - set(ROLES))
    bad_act = sorted(set(t["activity"]) - set(ACTIVITIES))
    if bad_role or bad_act:
        raise ValueError(f"tracks: unknown roles {bad_role} / activities {bad_act}")
    if (t["t1_h"] < t["t0_h"]).any():
        raise ValueError("tracks: some legs end before they start (t1_h < t0_h)")
    return t.reset_index(drop=True)


def leg_speed_kn(t: pd.DataFrame) -> np.ndarray:
    """Speed over ground of each track leg (kn; 0 for legs of no duration)."""
    dur = (t["t1_h"] - t["t0_h"]).to_numpy()
    dist = np.hypot(t["x1_m"] - t["x0_m"], t["y1_m"] - t["y0_m"]).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(dur > 0, dist / NM_M / np.where(dur > 0, dur, 1.0), 0.0)


def _batches(counts: np.ndarray, size: int) -> Iterator[tuple[int, int]]:
    """Contiguous leg ranges whose report counts sum to about ``size``."""
    cum = np.cumsum(counts)
    start = 0
    n = len(counts)
    while start < n:
        base = cum[start - 1] if start else 0
        stop = int(np.searchsorted(cum, base + size, side="right"))
        stop = max(stop, start + 1)
        yield start, min(stop, n)
        start = stop


def _report_schedule(
    t0: np.ndarray, t1: np.ndarray, speed: np.ndarray, cfg: FeedConfig, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per leg: report interval (h), first report's offset into the leg (h), reports sent.

    Anchored ships (below ``anchor_speed_kn``) report less often; the first report falls a
    random fraction of an interval into the leg.
    """
    dt_h = (
        np.where(
            speed < cfg.anchor_speed_kn,
            cfg.report_interval_anchor_s,
            cfg.report_interval_underway_s,
        )
        / 3600.0
    )
    phase = rng.uniform(0.0, 1.0, len(t0)) * dt_h
    counts = np.maximum(np.floor((t1 - t0 - phase) / dt_h).astype(np.int64) + 1, 0)
    counts[t0 + phase >= t1] = 0
    return dt_h, phase, counts


def _spoof_offsets(
    spoof: np.ndarray, cfg: FeedConfig, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Per leg: how far (m, x and y) a spoofing ship shifts the position it broadcasts."""
    off_x = np.zeros(len(spoof))
    off_y = np.zeros(len(spoof))
    if cfg.spoof_offset_nm > 0 and spoof.any():
        bearing = rng.uniform(0.0, 2 * np.pi, int(spoof.sum()))
        off_x[spoof] = cfg.spoof_offset_nm * NM_M * np.sin(bearing)
        off_y[spoof] = cfg.spoof_offset_nm * NM_M * np.cos(bearing)
    return off_x, off_y


def _received(
    x: np.ndarray,
    y: np.ndarray,
    tm: np.ndarray,
    geography: FeedGeography,
    cfg: FeedConfig,
    rng: np.random.Generator,
    sat_phase: float | None,
) -> np.ndarray:
    """Which reports a receiver logs: by a shore station in range, or a satellite overhead.

    Reception is decided by where the transmitter really is (before any spoofing offset);
    ``sat_phase`` is None when satellites receive nothing.
    """
    n = len(x)
    received = np.zeros(n, dtype=bool)
    if cfg.shore_range_nm > 0 and cfg.shore_reception_prob > 0:
        near = np.asarray(geography.distance_to_coast_nm_xy(x, y)) <= cfg.shore_range_nm
        received = near & (rng.random(n) < cfg.shore_reception_prob)
    if sat_phase is not None:
        in_pass = ((tm - sat_phase) % cfg.sat_pass_interval_h) < cfg.sat_pass_duration_min / 60.0
        received |= in_pass & (rng.random(n) < cfg.sat_reception_prob)
    return received


@dataclass(frozen=True)
class FeedLegs:
    """The legs that broadcast, as arrays (the feed's input once checked and filtered).

    Build it with :meth:`from_tracks` from a tracks table, or directly from arrays when the
    caller already holds them (the model's AIS monitor does, once per check, without pandas).

    Attributes:
        t0, t1: leg start and end, hours (t1 > t0).
        x0, y0, x1, y1: positions at t0 and t1, theater metres.
        speed: speed over ground, kn (:func:`leg_speed_kn`).
        spoof: whether the leg broadcasts an identity other than the vessel's own.
        ident: identity code per leg, an index into ``ident_names`` (names sorted).
        ident_names: broadcast identities.
        vessel: true vessel code per leg, an index into ``vessel_names`` (names sorted).
        vessel_names: true vessel ids.
    """

    t0: np.ndarray
    t1: np.ndarray
    x0: np.ndarray
    y0: np.ndarray
    x1: np.ndarray
    y1: np.ndarray
    speed: np.ndarray
    spoof: np.ndarray
    ident: np.ndarray
    ident_names: np.ndarray
    vessel: np.ndarray
    vessel_names: np.ndarray

    def __len__(self) -> int:
        return len(self.t0)

    @classmethod
    def from_tracks(cls, tracks: pd.DataFrame) -> FeedLegs:
        """The broadcasting legs of a tracks table (dark legs and legs of no duration left out)."""
        t = validate_tracks(tracks)
        speed = leg_speed_kn(t)
        on = t["ais_on"].to_numpy() & (t["t1_h"].to_numpy() > t["t0_h"].to_numpy())
        t, speed = t[on].reset_index(drop=True), speed[on]
        ident, ident_names = pd.factorize(t["identity"], sort=True)
        vessel, vessel_names = pd.factorize(t["vessel"], sort=True)
        x0, y0, x1, y1 = (t[c].to_numpy() for c in ("x0_m", "y0_m", "x1_m", "y1_m"))
        return cls(
            t["t0_h"].to_numpy(),
            t["t1_h"].to_numpy(),
            x0,
            y0,
            x1,
            y1,
            speed,
            (t["identity"] != t["vessel"]).to_numpy(),
            ident,
            np.asarray(ident_names, dtype=object),
            vessel,
            np.asarray(vessel_names, dtype=object),
        )

    @classmethod
    def from_arrays(
        cls,
        t0: np.ndarray,
        t1: np.ndarray,
        xy0: tuple[np.ndarray, np.ndarray],
        xy1: tuple[np.ndarray, np.ndarray],
        identity: np.ndarray,
        vessel: np.ndarray,
    ) -> FeedLegs:
        """Broadcasting legs from arrays, in the caller's order (the same as ``from_tracks``).

        Every leg given must broadcast (``ais_on``) and last (t1 > t0); names are strings.
        """
        dur = t1 - t0
        dist = np.hypot(xy1[0] - xy0[0], xy1[1] - xy0[1])
        speed = dist / NM_M / dur
        ident_names, ident = np.unique(identity, return_inverse=True)
        vessel_names, vcode = np.unique(vessel, return_inverse=True)
        return cls(
            t0,
            t1,
            xy0[0],
            xy0[1],
            xy1[0],
            xy1[1],
            speed,
            identity != vessel,
            ident.astype(np.int64),
            ident_names.astype(object),
            vcode.astype(np.int64),
            vessel_names.astype(object),
        )


@dataclass(frozen=True)
class ReceivedBatch:
    """Received reports of one batch, sorted by time then identity (arrays, one per report).

    Attributes:
        leg: index into the :class:`FeedLegs` of the report's leg.
        time: report time, hours.
        lon, lat: reported position, degrees.
        speed: speed over ground as reported, kn.
        course: course over ground, degrees (NaN when stationary).
    """

    leg: np.ndarray
    time: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    speed: np.ndarray
    course: np.ndarray

    def frame(self, legs: FeedLegs) -> pd.DataFrame:
        """The batch as a feed table (``FEED_COLUMNS``)."""
        return pd.DataFrame(
            {
                "time": self.time,
                "identity": pd.array(legs.ident_names[legs.ident[self.leg]], dtype=str),
                "lon": self.lon,
                "lat": self.lat,
                "speed": self.speed,
                "course": self.course,
                "vessel": pd.array(legs.vessel_names[legs.vessel[self.leg]], dtype=str),
            }
        )


def receive(
    legs: FeedLegs,
    geography: FeedGeography,
    rng: np.random.Generator,
    config: FeedConfig | None = None,
    sat_phase: float | None = None,
) -> Iterator[ReceivedBatch]:
    """Transmit and receive the reports of ``legs``, batch by batch (numpy only).

    ``sat_phase``: hours from 0 to the start of a satellite pass. None draws it from ``rng``
    (one phase per feed); a caller that receives one feed in several windows, or from several
    streams, gives the same phase to every call so that the passes stay one schedule.
    """
    cfg = config or FeedConfig()
    if len(legs) == 0:
        return
    t0, t1, speed = legs.t0, legs.t1, legs.speed
    dt_h, phase, counts = _report_schedule(t0, t1, speed, cfg, rng)
    x0, y0, x1, y1 = legs.x0, legs.y0, legs.x1, legs.y1
    dur = np.where(t1 > t0, t1 - t0, 1.0)
    course = np.where(speed > 0, np.degrees(np.arctan2(x1 - x0, y1 - y0)) % 360.0, np.nan)
    off_x, off_y = _spoof_offsets(legs.spoof, cfg, rng)
    sat_on = (
        cfg.sat_pass_interval_h > 0 and cfg.sat_pass_duration_min > 0 and cfg.sat_reception_prob > 0
    )
    if sat_on and sat_phase is None:
        sat_phase = rng.uniform(0.0, cfg.sat_pass_interval_h)
    for a, b in _batches(counts, cfg.batch_reports):
        c = counts[a:b]
        n = int(c.sum())
        if n == 0:
            continue
        leg = np.repeat(np.arange(a, b), c)
        k = np.arange(n) - np.repeat(np.cumsum(c) - c, c)  # report index within its leg
        tm = t0[leg] + phase[leg] + k * dt_h[leg]
        f = (tm - t0[leg]) / dur[leg]
        x = x0[leg] + f * (x1[leg] - x0[leg])
        y = y0[leg] + f * (y1[leg] - y0[leg])
        received = _received(x, y, tm, geography, cfg, rng, sat_phase if sat_on else None)
        idx = np.flatnonzero(received)
        if idx.size == 0:
            continue
        leg, tm, x, y = leg[idx], tm[idx], x[idx], y[idx]
        x = x + off_x[leg]
        y = y + off_y[leg]
        if cfg.position_noise_m > 0:
            x = x + rng.normal(0.0, cfg.position_noise_m, idx.size)
            y = y + rng.normal(0.0, cfg.position_noise_m, idx.size)
        sog = speed[leg]
        if cfg.speed_noise_kn > 0:
            sog = np.maximum(sog + rng.normal(0.0, cfg.speed_noise_kn, idx.size), 0.0)
        lon, lat = geography.to_lonlat(x, y)
        order = np.lexsort((legs.ident[leg], tm))  # by time, ties by identity (names sorted)
        leg = leg[order]
        yield ReceivedBatch(
            leg,
            tm[order],
            np.asarray(lon, float)[order],
            np.asarray(lat, float)[order],
            sog[order],
            course[leg],
        )


def iter_feed_batches(
    tracks: pd.DataFrame,
    geography: FeedGeography,
    rng: np.random.Generator,
    config: FeedConfig | None = None,
    sat_phase: float | None = None,
) -> Iterator[pd.DataFrame]:
    """Yield the received feed in batches of legs (each batch sorted by time, identity).

    Batches follow the row order of ``tracks``; use this (or :func:`stream_feed`) when the
    whole feed does not fit in memory: a year of 1,000 ships at the default intervals is
    ~10^8 received reports. ``sat_phase``: as for :func:`receive` (None: drawn).
    """
    legs = FeedLegs.from_tracks(tracks)
    for batch in receive(legs, geography, rng, config, sat_phase):
        yield batch.frame(legs)


def _empty_feed() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype=str if c in ("identity", "vessel") else float) for c in FEED_COLUMNS}
    )


def simulate_feed(
    tracks: pd.DataFrame,
    geography: FeedGeography,
    rng: np.random.Generator,
    config: FeedConfig | None = None,
    sat_phase: float | None = None,
) -> pd.DataFrame:
    """Generate the received AIS feed from vessel tracks, in memory.

    Args:
        tracks: legs, see ``TRACK_COLUMNS``.
        geography: a ``Theater`` (or anything with ``to_lonlat`` and ``distance_to_coast_nm_xy``).
        rng: the run's generator; the only source of randomness.
        config: reporting and reception parameters (defaults: ``FeedConfig()``).
        sat_phase: hours from 0 to the start of a satellite pass (None: drawn from ``rng``).

    Returns:
        The received feed (``FEED_COLUMNS``), sorted by time then identity.
    """
    parts = list(iter_feed_batches(tracks, geography, rng, config, sat_phase))
    if not parts:
        return _empty_feed()
    feed = pd.concat(parts, ignore_index=True)
    if len(parts) > 1:
        order = np.lexsort((feed["identity"].to_numpy(), feed["time"].to_numpy()))
        feed = feed.iloc[order].reset_index(drop=True)
    return feed


def stream_feed(
    tracks: pd.DataFrame,
    geography: FeedGeography,
    rng: np.random.Generator,
    path: str | Path,
    config: FeedConfig | None = None,
) -> int:
    """Generate the received feed batch by batch straight into a Parquet file.

    Memory stays bounded by ``config.batch_reports``. Rows are sorted by time within each
    batch only (batches follow the tracks' row order). Returns the number of rows written.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    writer = None
    n = 0
    try:
        for batch in iter_feed_batches(tracks, geography, rng, config):
            table = pa.Table.from_pandas(batch, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(p, table.schema, compression="zstd")
            writer.write_table(table)
            n += len(batch)
        if writer is None:
            write_feed(_empty_feed(), p)
    finally:
        if writer is not None:
            writer.close()
    return n


def write_feed(feed: pd.DataFrame, path: str | Path) -> Path:
    """Write a feed as Parquet (zstd) and return the path. Parent directories are created."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    feed.to_parquet(p, index=False, compression="zstd")
    return p


def read_feed(path: str | Path) -> pd.DataFrame:
    """Read a feed written by :func:`write_feed`."""
    return pd.read_parquet(path)
