"""The parts of the detectors, each checked on its own (sim.analysis.detectors.*)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim.analysis.detectors as detectors
from sim.analysis.detectors.encounters import _close_pairs, _pair_runs, _Samples
from sim.analysis.detectors.prepared import haversine_m
from sim.monitoring import FeedConfig, FlatGeography, simulate_feed, synthetic_tracks

GEO = FlatGeography()


def _samples(rng: np.random.Generator, n: int, spread_deg: float) -> _Samples:
    return _Samples(
        bucket=rng.integers(0, 3, n),
        code=rng.permutation(n).astype(np.int64),  # one identity per sample: every pair counts
        lon=124.0 + rng.uniform(0, spread_deg, n),
        lat=30.0 + rng.uniform(0, spread_deg, n),
        speed=np.zeros(n),
    )


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 60), spread=st.sampled_from([0.005, 0.02]))
def test_the_grid_join_finds_exactly_the_pairs_a_brute_force_search_finds(seed, n, spread):
    samples, a, b = _close_pairs(_samples(np.random.default_rng(seed), n, spread), 500.0)
    found = {(int(i), int(j)) for i, j in zip(a, b, strict=True)}
    expected = set()
    for i in range(n):
        for j in range(n):
            same_bucket = samples.bucket[i] == samples.bucket[j]
            if i != j and same_bucket and samples.code[i] < samples.code[j]:
                d = haversine_m(samples.lon[i], samples.lat[i], samples.lon[j], samples.lat[j])
                if d <= 500.0:
                    expected.add((i, j))
    assert found == expected  # each close pair once, the lower identity first


def test_a_pair_close_in_consecutive_buckets_is_one_run_and_a_gap_starts_another():
    buckets = np.array([0, 1, 2, 3, 7, 8])  # together for 3 steps, apart, together again
    n = buckets.size
    samples = _Samples(
        bucket=np.concatenate([buckets, buckets]),
        code=np.repeat([0, 1], n),
        lon=np.zeros(2 * n),
        lat=np.zeros(2 * n),
        speed=np.zeros(2 * n),
    )
    a, b = np.arange(n), np.arange(n) + n
    runs = _pair_runs(samples, a, b, step_h=1.0, min_duration_h=2.0)
    assert runs is not None
    assert runs.duration_h.tolist() == [3.0, 1.0]
    assert runs.keep.tolist() == [True] * 4 + [False] * 2  # the 1 h run is too short
    assert _pair_runs(samples, a, b, step_h=1.0, min_duration_h=4.0) is None


def test_the_package_keeps_the_names_the_single_module_exported():
    """The names of the former single module, and prepare_arrays (for array holders)."""
    assert set(detectors.__all__) == {
        "AisColumns",
        "PreparedAis",
        "prepare_ais",
        "prepare_arrays",
        "detect_encounters",
        "detect_loitering",
        "detect_gaps",
        "detect_identity_anomalies",
        "detect_all",
        "haversine_m",
        "DETECTORS",
    }
    assert all(hasattr(detectors, name) for name in detectors.__all__)


def _feed(seed: int) -> pd.DataFrame:
    """A simulated feed with transfers (encounters) and waits (loitering) in it."""
    rng = np.random.default_rng(seed)
    tracks = synthetic_tracks(rng, n_legit=10, n_pairs=5, days=5, dark_share=0.0)
    return simulate_feed(tracks, GEO, rng, FeedConfig(report_interval_underway_s=300))


@pytest.mark.parametrize("seed", [1, 2])
def test_prepared_arrays_are_the_prepared_table(seed):
    """prepare_arrays, for callers holding numpy columns, sorts exactly as prepare_ais does."""
    feed = _feed(seed).sample(frac=1.0, random_state=seed)  # any row order
    cols = [feed[c].to_numpy() for c in ("time", "identity", "lon", "lat", "speed")]
    got, want = detectors.prepare_arrays(*cols), detectors.prepare_ais(feed)
    for name in ("t", "code", "names", "lon", "lat", "speed"):
        assert np.array_equal(getattr(got, name), getattr(want, name)), name


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ends_after_leaves_out_exactly_the_events_ending_by_each_bound(seed):
    """A detector run again with ``ends_after`` builds only what ends after the bounds given.

    Loitering: the events of an identity that end after its bound. Encounters: those that end
    after the bound of either identity. Everything else is as without bounds.
    """
    feed = _feed(seed)
    geo_shore = GEO.distance_to_coast_nm
    loiter = detectors.detect_loitering(feed, distance_to_shore_nm=geo_shore, min_shore_nm=5.0)
    meet = detectors.detect_encounters(feed)
    assert len(loiter) and len(meet)
    rng = np.random.default_rng(seed)
    idents = sorted(set(loiter["identity"]) | set(meet["identity_a"]) | set(meet["identity_b"]))
    since = {i: float(rng.uniform(0, 120)) for i in idents if rng.random() < 0.7}

    def bound(ident: str) -> float:
        return since.get(ident, -np.inf)

    got = detectors.detect_loitering(
        feed, distance_to_shore_nm=geo_shore, min_shore_nm=5.0, ends_after=since
    )
    later = [e > bound(i) for i, e in zip(loiter["identity"], loiter["end"], strict=True)]
    pd.testing.assert_frame_equal(got, loiter[later].reset_index(drop=True))
    assert 0 < sum(later) < len(loiter)  # some left out, some kept
    got = detectors.detect_encounters(feed, ends_after=since)
    later = [
        e > bound(a) or e > bound(b)
        for a, b, e in zip(meet["identity_a"], meet["identity_b"], meet["end"], strict=True)
    ]
    pd.testing.assert_frame_equal(got, meet[later].reset_index(drop=True))
    assert 0 < sum(later) < len(meet)
