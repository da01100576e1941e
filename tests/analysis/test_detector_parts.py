"""The parts of the encounter detector, each checked on its own (sim.analysis.detectors.*)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import sim.analysis.detectors as detectors
from sim.analysis.detectors.encounters import _close_pairs, _pair_runs, _Samples
from sim.analysis.detectors.prepared import haversine_m


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
    assert set(detectors.__all__) == {
        "AisColumns",
        "PreparedAis",
        "prepare_ais",
        "detect_encounters",
        "detect_loitering",
        "detect_gaps",
        "detect_identity_anomalies",
        "detect_all",
        "haversine_m",
        "DETECTORS",
    }
    assert all(hasattr(detectors, name) for name in detectors.__all__)
