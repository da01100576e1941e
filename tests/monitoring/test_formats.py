"""The feed in the layouts AIS people use: MarineCadastre table, AIVDM sentences, real logs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis.detectors import detect_all, detect_gaps
from sim.analysis.gaps import GapRule
from sim.analysis.nmea import read_nmea, write_nmea
from sim.analysis.scoring import pool_scores, score_detections
from sim.monitoring import (
    FeedConfig,
    ground_truth,
    simulate_feed,
    synthetic_ports,
    synthetic_tracks,
)
from sim.monitoring.formats import identity_mmsi, identity_table, to_marinecadastre
from tests.monitoring.builders import GEO, leg, tracks

pyais = pytest.importorskip("pyais")
DATA = Path(__file__).parent / "data"
SHORE = GEO.distance_to_coast_nm
SMALL = FeedConfig(report_interval_underway_s=600, report_interval_anchor_s=600)


@pytest.fixture(scope="module")
def feed():
    """A few days of synthetic traffic and smuggling pairs, as received."""
    tr = synthetic_tracks(np.random.default_rng(4), n_legit=6, n_pairs=3, days=6)
    return simulate_feed(tr, GEO, np.random.default_rng(5), SMALL)


def test_marinecadastre_table_has_the_standard_columns_and_no_ground_truth(feed):
    """What a receiver stores: MMSI and calendar time, nothing about the true vessel."""
    mc = to_marinecadastre(feed, "2018-01-01")
    assert list(mc.columns) == [
        "MMSI",
        "BaseDateTime",
        "LAT",
        "LON",
        "SOG",
        "COG",
        "Heading",
        "VesselType",
        "Status",
    ]
    assert mc["MMSI"].between(100_000_000, 999_999_999).all()
    assert mc["BaseDateTime"].min() >= pd.Timestamp("2018-01-01")
    truth = identity_table(feed)
    assert set(truth["MMSI"]) == set(mc["MMSI"])  # the truth side explains every MMSI
    assert identity_mmsi("D3") == 445_000_003 and identity_mmsi("SD3") != identity_mmsi("D3")


def test_nmea_round_trip_decodes_back_to_the_feed_with_pyais(feed, tmp_path):
    """Every position written as AIVDM decodes (plain pyais) to the table's values."""
    mc = to_marinecadastre(feed, "2018-01-01").head(300)
    path = tmp_path / "feed.nmea"
    write_nmea(mc, path)
    decoded = []
    for msg in pyais.FileReaderStream(str(path)):
        d = msg.decode()
        if d.msg_type == 1:
            msg.tag_block.init()
            decoded.append((d.mmsi, int(msg.tag_block.receiver_timestamp), d.lat, d.lon, d.speed))
        else:
            assert d.msg_type == 5 and int(d.ship_type) in (70, 80)
    got = pd.DataFrame(decoded, columns=["MMSI", "unix", "LAT", "LON", "SOG"])
    want = mc.sort_values(["BaseDateTime", "MMSI"], kind="stable").reset_index(drop=True)
    assert len(got) == len(want)
    assert (got["MMSI"] == want["MMSI"]).all()
    unix = (want["BaseDateTime"] - pd.Timestamp("1970-01-01")) // pd.Timedelta(seconds=1)
    assert (got["unix"] == unix).all()
    # AIS resolution: 1/10000 minute of arc, 0.1 kn
    assert np.abs(got["LAT"] - want["LAT"]).max() <= 1 / 600_000 + 1e-9
    assert np.abs(got["LON"] - want["LON"]).max() <= 1 / 600_000 + 1e-9
    assert np.abs(got["SOG"] - want["SOG"].clip(upper=102.2)).max() <= 0.05 + 1e-9
    back = read_nmea(path)  # and our reader gives the same table (times from the tag blocks)
    assert back.attrs["nmea"]["skipped"] == {}
    assert (back["BaseDateTime"].to_numpy() == want["BaseDateTime"].to_numpy()).all()
    assert set(back["VesselType"].dropna()) <= {70, 80}


def test_read_nmea_on_a_real_receiver_log_matches_pyais():
    """The real sample from pyais: empty payloads, orphan fragments, Class A/B, base stations."""
    df = read_nmea(DATA / "nmea_data_sample.txt")
    info = df.attrs["nmea"]
    assert info["skipped"] == {
        "empty payload": 100,
        "incomplete multi-part message": 20,  # first fragments whose second never came
        "position not available (lat 91 / lon 181)": 4,
    }
    assert info["other_types"] == {4: 6, 15: 7, 20: 1}
    expected = []
    for msg in pyais.FileReaderStream(str(DATA / "nmea_data_sample.txt")):
        try:
            d = msg.decode()
        except pyais.exceptions.MissingPayloadException:
            continue
        if d.msg_type in (1, 2, 3, 18, 19) and abs(d.lat) <= 90 and abs(d.lon) <= 180:
            expected.append((d.mmsi, d.lat, d.lon, d.speed, d.heading, d.msg_type))
    exp = pd.DataFrame(expected, columns=["MMSI", "LAT", "LON", "SOG", "Heading", "msg_type"])
    assert len(df) == len(exp) == info["positions"]
    pd.testing.assert_series_equal(df["MMSI"], exp["MMSI"], check_dtype=False)
    np.testing.assert_allclose(df["LAT"], exp["LAT"])
    np.testing.assert_allclose(df["LON"], exp["LON"])
    # 'not available' codes are NaN, everything else is pyais's value
    sog_na = exp["SOG"] >= 102.3
    assert df["SOG"][sog_na].isna().all()
    np.testing.assert_allclose(df["SOG"][~sog_na], exp["SOG"][~sog_na])
    head_na = exp["Heading"] == 511
    assert head_na.any() and df["Heading"][head_na].isna().all()
    assert set(df["msg_type"]) == {1, 3, 18}


def test_read_nmea_skips_garbage_and_bad_checksums_and_reassembles_multipart():
    """The AISHub sample with other NMEA, comments, tag blocks and a two-part type 5."""
    df = read_nmea(DATA / "mixed.txt")
    info = df.attrs["nmea"]
    assert info["skipped"]["bad checksum"] == 1
    assert info["skipped"]["not an AIVDM/AIVDO sentence"] == 8
    assert "incomplete multi-part message" not in info["skipped"]
    assert info["messages"] == info["positions"] + 2  # the two type 5 messages were assembled
    assert df["BaseDateTime"].isna().all()  # only the type 5 lines carry tag-block c: times


def test_not_available_values(tmp_path):
    """Positions at lat 91 / lon 181 drop the row; SOG 102.3 and heading 511 become NaN."""
    base = {"type": 1, "mmsi": 211000001, "status": 0, "course": 90.0, "second": 0}
    lines = [
        pyais.encode_dict({**base, "lat": 91.0, "lon": 181.0, "speed": 5.0, "heading": 90})[0],
        pyais.encode_dict({**base, "lat": 54.0, "lon": 10.0, "speed": 102.3, "heading": 511})[0],
    ]
    broken = lines[1][:-2] + ("00" if lines[1][-2:] != "00" else "01")  # wrong checksum
    (tmp_path / "x.nmea").write_text("\n".join([*lines, broken, "!AIVDM,1,1,,B,,0*25"]) + "\n")
    df = read_nmea(tmp_path / "x.nmea")
    assert df.attrs["nmea"]["skipped"] == {
        "position not available (lat 91 / lon 181)": 1,
        "bad checksum": 1,
        "empty payload": 1,
    }
    assert len(df) == 1 and np.isnan(df["SOG"].iloc[0]) and np.isnan(df["Heading"].iloc[0])


def test_layout_presets_give_the_same_detections_as_the_native_columns(feed):
    """layout="marinecadastre" and "dma" read those layouts as they come from the provider."""
    ports = synthetic_ports(GEO)[["lon", "lat"]]
    native = detect_all(feed.drop(columns=["vessel"]), anchorages=ports)
    mc = to_marinecadastre(feed, "2018-01-01")
    mc.loc[mc["COG"].isna(), "COG"] = 360.0  # as real files write 'not available'
    via_mc = detect_all(mc, layout="marinecadastre", anchorages=ports)
    dma = mc.rename(columns={"LAT": "Latitude", "LON": "Longitude"}).assign(
        **{"# Timestamp": mc["BaseDateTime"].dt.strftime("%d/%m/%Y %H:%M:%S")}
    )
    via_dma = detect_all(dma.drop(columns=["BaseDateTime"]), layout="dma", anchorages=ports)
    for name in ("encounters", "loitering"):
        assert len(native[name]) == len(via_mc[name]) == len(via_dma[name]) > 0, name


def test_one_gap_definition_for_truth_and_detector_with_a_dark_period_starting_offshore():
    """A tanker goes dark 80 nm out for 20 h; another goes dark leaving port.

    Under the shared GFW rule the first is a gap on both sides (truth and detector) and the
    second is a gap on neither, so the detector scores P = R = 1 instead of recall 0.
    """
    tr = tracks(
        leg("D1", 0, 8, (0.5, 0), (80, 0), role="dprk"),
        leg("D1", 8, 28, (80, 0), (90, 40), role="dprk", ais_on=False),
        leg("D1", 28, 40, (90, 40), (0.5, 40), role="dprk"),
        leg("D2", 0, 30, (0.5, 100), (120, 100), role="dprk", ais_on=False),
        leg("D2", 30, 40, (120, 100), (130, 100), role="dprk"),
    )
    truth = ground_truth(tr, GEO)
    assert list(truth["dark"]["vessel"]) == ["D1", "D2"]
    assert list(truth["gaps"]["vessel"]) == ["D1"]  # D2's darkness starts in port
    every_5_min = FeedConfig(
        report_interval_underway_s=300,
        report_interval_anchor_s=300,
        shore_range_nm=200,
        shore_reception_prob=1.0,
        position_noise_m=0,
    )
    feed = simulate_feed(tr, GEO, np.random.default_rng(1), every_5_min)
    det = detect_gaps(feed.drop(columns=["vessel"]), distance_to_shore_nm=SHORE)
    assert list(det["identity"]) == ["D1"] and det["duration_h"].iloc[0] == pytest.approx(
        20, abs=0.2
    )
    scores = score_detections({"gaps": det}, truth, feed).set_index("detector")
    assert scores.loc["gaps", "precision"] == 1.0 and scores.loc["gaps", "recall"] == 1.0
    # a stricter rule, passed to both sides, moves both together
    strict = GapRule(min_gap_h=24)
    assert ground_truth(tr, GEO, gap_rule=strict)["gaps"].empty
    assert detect_gaps(feed.drop(columns=["vessel"]), distance_to_shore_nm=SHORE, rule=strict).empty


def test_pooled_f1_comes_from_summed_counts_and_keeps_the_spread():
    """Two replications: 1 of 1 detections right with 1 of 40 truths found, and 0 of 0 / 0 of 1."""
    s = pd.DataFrame(
        {
            "detector": ["gaps", "gaps"],
            "n_detected": [1, 3],
            "n_truth": [40, 2],
            "tp_detected": [1, 3],
            "tp_truth": [1, 2],
            "precision": [1.0, 1.0],
            "recall": [1 / 40, 1.0],
            "f1": [2 / 41, 1.0],
        }
    )
    row = pool_scores(s).iloc[0]
    p, r = 4 / 4, 3 / 42
    assert row["precision"] == p and row["recall"] == pytest.approx(r)
    assert row["f1"] == pytest.approx(2 * p * r / (p + r))
    assert (row["f1_min"], row["f1_max"]) == (pytest.approx(2 / 41), 1.0)
