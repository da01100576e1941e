"""Detectors on small hand-built AIS tables: positives, near misses just outside each threshold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analysis.detectors import (
    detect_all,
    detect_encounters,
    detect_gaps,
    detect_identity_anomalies,
    detect_loitering,
)
from sim.monitoring import synthetic_ports
from sim.units import NM_M
from tests.monitoring.builders import GEO, ais, ais_track

SHORE = GEO.distance_to_coast_nm
M = 1.0 / NM_M  # one metre in nm


def pair(dist_m: float, hours: float, speed: float = 0.3, x_nm: float = 100.0) -> pd.DataFrame:
    return ais(
        ais_track("A", 0, hours, 5 / 60, (x_nm, 0), speed=speed),
        ais_track("B", 0.02, hours + 0.02, 5 / 60, (x_nm, dist_m * M), speed=speed),
    )


# ---------------------------------------------------------------- encounters
def test_encounter_found_with_its_pair_time_and_place():
    ev = detect_encounters(pair(200, 3.0))
    assert len(ev) == 1
    e = ev.iloc[0]
    assert (e.identity_a, e.identity_b) == ("A", "B")
    assert 2.5 <= e.duration_h <= 3.0 and e.start < 0.5
    assert e.mean_distance_m == pytest.approx(200, abs=15)
    lon, _ = GEO.to_lonlat(100 * NM_M, 0)
    assert e.lon == pytest.approx(float(lon), abs=1e-3)


@pytest.mark.parametrize(
    "dist_m, hours, speed", [(600, 3.0, 0.3), (200, 1.5, 0.3), (200, 3.0, 2.5)]
)
def test_encounter_near_misses(dist_m, hours, speed):
    assert detect_encounters(pair(dist_m, hours, speed)).empty


def test_encounter_thresholds_are_parameters():
    assert len(detect_encounters(pair(600, 3.0), max_distance_m=700)) == 1
    assert len(detect_encounters(pair(200, 1.5), min_duration_h=1.0)) == 1
    assert len(detect_encounters(pair(200, 3.0, 2.5), max_median_speed_kn=3.0)) == 1


def test_encounter_near_anchorage_is_ignored():
    anchor = pd.DataFrame(
        {"lon": GEO.to_lonlat(100 * NM_M, 3000)[0], "lat": GEO.to_lonlat(100 * NM_M, 3000)[1]},
        index=[0],
    )
    assert detect_encounters(pair(200, 3.0), anchorages=anchor).empty  # 3 km away
    assert len(detect_encounters(pair(200, 3.0), anchorages=anchor, min_anchorage_km=2.0)) == 1
    far = pd.DataFrame(
        {
            "lon": [GEO.to_lonlat(100 * NM_M, 20_000)[0]],
            "lat": [GEO.to_lonlat(100 * NM_M, 20_000)[1]],
        }
    )
    assert len(detect_encounters(pair(200, 3.0), anchorages=far)) == 1


def test_passing_ship_is_not_an_encounter():
    t = ais(
        ais_track("A", 0, 4, 5 / 60, (100, 0), speed=0.2),
        ais_track("C", 0, 4, 5 / 60, (80, 0), (120, 0)),
    )  # 10 kn straight past A
    assert detect_encounters(t).empty


def test_encounter_across_cell_edges_and_sparse_reports():
    # reports every 40 min (satellite-like), pair straddling grid cells diagonally
    t = ais(
        ais_track("A", 0, 6, 40 / 60, (100, 0), speed=0.1),
        ais_track("B", 0.3, 6.3, 40 / 60, (100 + 250 * M, 250 * M), speed=0.1),
    )
    assert len(detect_encounters(t)) == 1


# ---------------------------------------------------------------- loitering
def test_loitering_positive_and_near_misses():
    ok = ais_track("A", 0, 5, 0.1, (30, 0), speed=1.0)
    ev = detect_loitering(ok, distance_to_shore_nm=SHORE)
    assert len(ev) == 1 and ev.iloc[0].duration_h == pytest.approx(5.0)
    assert ev.iloc[0].distance_to_shore_nm == pytest.approx(30.0, abs=0.01)
    assert detect_loitering(
        ais_track("A", 0, 3.5, 0.1, (30, 0), speed=1.0), distance_to_shore_nm=SHORE
    ).empty
    assert detect_loitering(
        ais_track("A", 0, 5, 0.1, (18, 0), speed=1.0), distance_to_shore_nm=SHORE
    ).empty
    assert detect_loitering(
        ais_track("A", 0, 5, 0.1, (30, 0), speed=2.1), distance_to_shore_nm=SHORE
    ).empty


def test_loitering_thresholds_and_shore_column():
    short = ais_track("A", 0, 3.5, 0.1, (30, 0), speed=1.0)
    assert len(detect_loitering(short, distance_to_shore_nm=SHORE, min_duration_h=3.0)) == 1
    near = ais_track("A", 0, 5, 0.1, (18, 0), speed=1.0)
    assert len(detect_loitering(near, distance_to_shore_nm=SHORE, min_shore_nm=15)) == 1
    near["dist"] = SHORE(near["lon"].to_numpy(), near["lat"].to_numpy())
    assert detect_loitering(near, distance_to_shore_nm="dist").empty
    assert len(detect_loitering(near, distance_to_shore_nm="dist", min_shore_nm=15)) == 1


def test_loitering_is_split_by_a_fast_position():
    t = ais_track("A", 0, 10, 0.1, (30, 0), speed=1.0)
    t.loc[50, "speed"] = 8.0  # one fast report in the middle: two 5-hour runs
    assert len(detect_loitering(t, distance_to_shore_nm=SHORE, min_duration_h=4.5)) == 2


# ---------------------------------------------------------------- gaps
def with_gap(gap_h: float, x_nm: float = 60.0) -> pd.DataFrame:
    return ais(
        ais_track("A", 0, 10, 0.5, (x_nm, 0), speed=5),
        ais_track("A", 10 + gap_h, 20 + gap_h, 0.5, (x_nm, 0), speed=5),
    )


def test_gap_positive_and_near_misses():
    ev = detect_gaps(with_gap(13), distance_to_shore_nm=SHORE)
    assert (
        len(ev) == 1
        and ev.iloc[0].start == 10
        and ev.iloc[0].end == 23
        and ev.iloc[0].duration_h == 13
    )
    assert detect_gaps(with_gap(11.5), distance_to_shore_nm=SHORE).empty
    assert detect_gaps(with_gap(13, x_nm=45), distance_to_shore_nm=SHORE).empty


def test_gap_thresholds_and_prior_positions():
    assert len(detect_gaps(with_gap(11.5), distance_to_shore_nm=SHORE, min_gap_h=11)) == 1
    assert len(detect_gaps(with_gap(13, x_nm=45), distance_to_shore_nm=SHORE, min_shore_nm=40)) == 1
    ev = detect_gaps(with_gap(13), distance_to_shore_nm=SHORE)
    assert ev.iloc[0].n_prior_positions == 21  # 10 h of half-hourly positions, inclusive
    assert detect_gaps(with_gap(13), distance_to_shore_nm=SHORE, min_prior_positions=22).empty


# ---------------------------------------------------------------- identity
def test_one_identity_in_two_places():
    t = ais(
        ais_track("X", 0, 5, 0.1, (100, 0), speed=0.5),
        ais_track("X", 0.05, 5.05, 0.1, (100, 60), speed=0.5),
    )
    ev = detect_identity_anomalies(t)
    assert len(ev) == 1 and ev.iloc[0].identity == "X"
    assert ev.iloc[0].n_jumps > 50 and ev.iloc[0].max_jump_nm == pytest.approx(60, rel=0.01)


def test_identity_speed_threshold():
    fast = ais_track("X", 0, 1, 0.25, (100, 0), (160, 0))  # 60 kn
    assert len(detect_identity_anomalies(fast)) == 1
    assert detect_identity_anomalies(fast, max_speed_kn=70).empty
    assert detect_identity_anomalies(ais_track("Y", 0, 1, 0.25, (100, 0), (145, 0))).empty  # 45 kn


# ---------------------------------------------------------------- table handling
def test_column_renaming_and_datetime_times():
    base = pair(200, 3.0)
    renamed = base.rename(
        columns={"time": "t", "identity": "mmsi", "lon": "x", "lat": "y", "speed": "sog"}
    )
    cols = {"time": "t", "identity": "mmsi", "lon": "x", "lat": "y", "speed": "sog"}
    a = detect_encounters(base)
    b = detect_encounters(renamed, columns=cols)
    pd.testing.assert_frame_equal(a, b)
    dt = base.assign(time=pd.Timestamp("2018-03-01") + pd.to_timedelta(base["time"], unit="h"))
    c = detect_encounters(dt)
    assert (
        isinstance(c.iloc[0].start, pd.Timestamp) and c.iloc[0].duration_h == a.iloc[0].duration_h
    )
    with pytest.raises(ValueError, match="lacks columns"):
        detect_gaps(renamed)


# ---------------------------------------------------------------- properties
def _scene() -> pd.DataFrame:
    return ais(
        pair(200, 3.0),
        with_gap(14).assign(identity="G"),
        ais_track("L", 0, 6, 0.2, (40, 10), speed=0.5),
        ais_track("X", 0, 2, 0.1, (100, 0), (230, 0)),
    )  # 65 kn


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_detectors_invariant_to_row_order(seed):
    t = _scene()
    shuffled = t.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    ports = synthetic_ports(GEO)
    a = detect_all(t, distance_to_shore_nm=SHORE, anchorages=ports)
    b = detect_all(shuffled, distance_to_shore_nm=SHORE, anchorages=ports)
    for k in a:
        pd.testing.assert_frame_equal(a[k], b[k])
    assert all(len(a[k]) == 1 for k in a)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(1.0, 30.0), st.floats(0.5, 11.9) | st.floats(12.1, 30.0)),
        min_size=1,
        max_size=6,
    )
)
def test_gap_detector_finds_exactly_the_inserted_gaps(segments):
    """Report hourly-ish for each segment, separated by the drawn silences.

    Gaps >= 12 h are found.
    """
    parts, t, gaps = [], 0.0, []
    for k, (run_h, silence_h) in enumerate(segments):
        parts.append(ais_track("A", t, t + run_h, 0.25, (80, 0), speed=0.2))
        end = parts[-1]["time"].iloc[-1]
        t = end + silence_h
        if k < len(segments) - 1 and silence_h >= 12.0:
            gaps.append((end, t))
    ev = detect_gaps(ais(*parts), distance_to_shore_nm=SHORE)
    assert len(ev) == len(gaps)
    if gaps:
        assert np.allclose(ev[["start", "end"]].to_numpy(float), np.array(gaps))
