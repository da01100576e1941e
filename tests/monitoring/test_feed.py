"""The simulated AIS feed: report rates, coverage, dark and spoofing vessels, determinism."""

from __future__ import annotations

import random

import numpy as np
import pytest

from sim.monitoring import (
    FEED_COLUMNS,
    FeedConfig,
    read_feed,
    simulate_feed,
    stream_feed,
    write_feed,
)
from sim.units import NM_M
from tests.monitoring.builders import GEO, leg, tracks

ALL_HEARD = FeedConfig(
    shore_range_nm=1e9,
    shore_reception_prob=1.0,
    sat_pass_interval_h=0.0,
    position_noise_m=0.0,
    speed_noise_kn=0.0,
)


def test_report_rates_moving_versus_anchored():
    tr = tracks(
        leg("L1", 0, 10, (100, 0), (200, 0)),  # 10 kn
        leg("L2", 0, 10, (100, 50), activity="port"),
    )  # at anchor
    feed = simulate_feed(tr, GEO, np.random.default_rng(1), ALL_HEARD)
    n = feed["vessel"].value_counts()
    assert n["L1"] in (599, 600)  # every 60 s for 10 h
    assert n["L2"] in (199, 200)  # every 180 s
    assert list(feed.columns) == list(FEED_COLUMNS)
    moving = feed[feed["vessel"] == "L1"]
    assert np.allclose(moving["speed"], 10.0) and np.allclose(moving["course"], 90.0)
    assert feed["time"].is_monotonic_increasing


def test_interval_parameters_are_honoured():
    tr = tracks(leg("L1", 0, 10, (100, 0), (200, 0)))
    cfg = FeedConfig(
        report_interval_underway_s=10.0,
        shore_range_nm=1e9,
        shore_reception_prob=1.0,
        sat_pass_interval_h=0.0,
    )
    assert len(simulate_feed(tr, GEO, np.random.default_rng(1), cfg)) in (3599, 3600)


def test_dark_vessels_broadcast_nothing():
    tr = tracks(
        leg("D1", 0, 10, (100, 0), (150, 0), ais_on=False, role="dprk"),
        leg("L1", 0, 10, (100, 10), (150, 10)),
    )
    feed = simulate_feed(tr, GEO, np.random.default_rng(1), ALL_HEARD)
    assert set(feed["vessel"]) == {"L1"} and "D1" not in set(feed["identity"])


def test_spoofing_vessel_broadcasts_false_identity_and_offset():
    cfg = FeedConfig(
        shore_range_nm=1e9,
        shore_reception_prob=1.0,
        sat_pass_interval_h=0.0,
        position_noise_m=0.0,
        speed_noise_kn=0.0,
        spoof_offset_nm=5.0,
    )
    tr = tracks(leg("D1", 0, 5, (100, 0), identity="GE", activity="wait", role="dprk"))
    feed = simulate_feed(tr, GEO, np.random.default_rng(1), cfg)
    assert set(feed["identity"]) == {"GE"} and set(feed["vessel"]) == {"D1"}
    x, y = GEO.to_xy(feed["lon"].to_numpy(), feed["lat"].to_numpy())
    assert np.allclose(np.hypot(x - 100 * NM_M, y), 5 * NM_M, rtol=1e-6)


def test_shore_range_limits_terrestrial_reception():
    cfg = FeedConfig(shore_range_nm=30.0, shore_reception_prob=1.0, sat_pass_interval_h=0.0)
    tr = tracks(leg("L1", 0, 10, (0.5, 0), (100.5, 0)))  # straight out to sea at 10 kn
    feed = simulate_feed(tr, GEO, np.random.default_rng(1), cfg)
    d = GEO.distance_to_coast_nm(feed["lon"].to_numpy(), feed["lat"].to_numpy())
    assert d.max() <= 30.05 and d.max() > 29.5
    assert abs(len(feed) - 29.5 / 100 * 600) <= 2  # 29.5 of the 100 nm lie within range


def test_satellite_passes_only_far_offshore():
    cfg = FeedConfig(
        shore_range_nm=30.0,
        sat_pass_interval_h=1.0,
        sat_pass_duration_min=6.0,
        sat_reception_prob=1.0,
    )
    tr = tracks(leg("L1", 0, 100, (200, 0), (200, 0.5)))  # slow drift far offshore: anchor rate
    feed = simulate_feed(tr, GEO, np.random.default_rng(3), cfg)
    phase = feed["time"].to_numpy() % 1.0
    assert len(feed) == pytest.approx(0.1 * 100 * 20, rel=0.1)
    # all reports fall into one 6-minute window per hour
    span = (phase - phase.min()) % 1.0
    assert span.max() < 0.1 + 1e-9


def test_korea_shore_range(korea):
    nampo = korea.place("Nampo")
    x, y = korea.to_xy(124.0, 35.0)  # central Yellow Sea
    assert korea.distance_to_coast_nm_xy(float(x), float(y)) > 60
    tr = tracks(
        leg("L1", 0, 6, (nampo.x_m / NM_M, nampo.y_m / NM_M), activity="port"),
        leg("L2", 0, 6, (float(x) / NM_M, float(y) / NM_M), activity="wait"),
    )
    feed = simulate_feed(tr, korea, np.random.default_rng(1), FeedConfig(sat_pass_interval_h=0.0))
    assert set(feed["vessel"]) == {"L1"}
    assert feed["lat"].between(38.5, 39.0).all()


def test_same_seed_same_feed_and_no_global_random_state(tmp_path):
    tr = tracks(
        leg("L1", 0, 10, (10, 0), (110, 0)), leg("D1", 0, 10, (60, 0), identity="L1", role="dprk")
    )
    np_state, py_state = np.random.get_state()[1].copy(), random.getstate()
    a = simulate_feed(tr, GEO, np.random.default_rng(7))
    b = simulate_feed(tr, GEO, np.random.default_rng(7))
    assert np.array_equal(np.random.get_state()[1], np_state) and random.getstate() == py_state
    assert a.equals(b)
    p = write_feed(a, tmp_path / "out" / "feed.parquet")
    assert read_feed(p).equals(a)
    small = FeedConfig(
        batch_reports=100
    )  # random draws follow the batches: same batches, same feed
    c = simulate_feed(tr, GEO, np.random.default_rng(7), small)
    n = stream_feed(tr, GEO, np.random.default_rng(7), tmp_path / "s.parquet", small)
    streamed = read_feed(tmp_path / "s.parquet")
    assert n == len(c) == len(streamed)
    assert np.allclose(np.sort(streamed["time"]), c["time"])


def test_bad_tracks_are_rejected():
    with pytest.raises(ValueError, match="lacks columns"):
        simulate_feed(
            tracks(leg("L1", 0, 1, (1, 1))).drop(columns="activity"), GEO, np.random.default_rng(1)
        )
    with pytest.raises(ValueError, match="end before"):
        simulate_feed(tracks(leg("L1", 2, 1, (1, 1))), GEO, np.random.default_rng(1))


def test_a_given_satellite_phase_keeps_one_pass_schedule_across_windows():
    """A feed received window by window, each from its own stream, hears the same passes.

    The model's AIS monitor receives its feed in windows, from two streams; the satellite
    passes are one schedule for the whole run, not one per window.
    """
    sat_only = FeedConfig(shore_range_nm=0.0, sat_reception_prob=1.0)
    phase, pass_h = 0.4, sat_only.sat_pass_duration_min / 60.0
    times = []
    for seed, (t0, t1) in enumerate([(0.0, 10.0), (10.0, 25.0)]):
        tr = tracks(leg("L1", t0, t1, (200.0, 0.0), (200.0, 5.0 * (t1 - t0))))  # far out
        feed = simulate_feed(tr, GEO, np.random.default_rng(seed), sat_only, sat_phase=phase)
        times.append(feed["time"].to_numpy())
    t = np.concatenate(times)
    assert len(t) > 100
    assert (((t - phase) % sat_only.sat_pass_interval_h) < pass_h).all()
    starts = np.unique(np.floor((t - phase) / sat_only.sat_pass_interval_h))
    assert len(starts) == 17  # every pass from the first at 0.4 h to the last at 24.4 h heard
