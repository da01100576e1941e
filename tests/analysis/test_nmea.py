"""NMEA 0183 AIVDM both ways on hand-built tables (optional extra ``ais``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyais")

from sim.analysis.nmea import read_nmea, write_nmea


def table(**over: list) -> pd.DataFrame:
    """Two Class A vessels, three reports in two hours (MarineCadastre layout)."""
    cols = {
        "MMSI": [445000001, 445000002, 445000001],
        "BaseDateTime": pd.to_datetime(
            ["2018-01-01 00:00:00", "2018-01-01 00:00:30", "2018-01-01 02:00:00"]
        ),
        "LAT": [38.5, 39.25, 38.6],
        "LON": [124.25, 125.5, 124.3],
        "SOG": [10.1, 0.0, 11.0],
        "COG": [90.0, 0.0, 91.5],
        "Heading": [90.0, 0.0, 92.0],
        "VesselType": [80, 70, 80],
        "Status": [0, 1, 0],
    }
    cols.update(over)
    return pd.DataFrame(cols)


def test_written_positions_read_back_with_time_type_and_status(tmp_path):
    t = table()
    n = write_nmea(t, tmp_path / "log.nmea")
    lines = (tmp_path / "log.nmea").read_text().splitlines()
    assert n == len(lines)
    assert all(line.startswith("\\c:") and "!AIVDM" in line for line in lines)
    back = read_nmea(tmp_path / "log.nmea")
    assert back["MMSI"].tolist() == t["MMSI"].tolist()
    assert back["BaseDateTime"].tolist() == t["BaseDateTime"].tolist()
    assert back["LAT"].to_numpy() == pytest.approx(t["LAT"].to_numpy(), abs=1e-5)
    assert back["LON"].to_numpy() == pytest.approx(t["LON"].to_numpy(), abs=1e-5)
    assert back["SOG"].tolist() == pytest.approx([10.1, 0.0, 11.0])
    assert back["VesselType"].tolist() == [80, 70, 80]  # from the type 5 static reports
    assert back["Status"].tolist() == [0, 1, 0] and set(back["msg_type"]) == {1}
    info = back.attrs["nmea"]
    assert info["positions"] == 3 and info["lines"] == n and info["skipped"] == {}


def test_static_reports_repeat_at_the_chosen_interval(tmp_path):
    t = table()
    every_6h = write_nmea(t, tmp_path / "a.nmea")
    every_1h = write_nmea(t, tmp_path / "b.nmea", static_every_h=1.0)
    # type 5 takes two sentences; the 02:00 report of the first vessel gets a fresh one hourly
    assert every_1h - every_6h == 2


def test_missing_values_are_written_as_not_available_and_read_as_nan(tmp_path):
    t = table(SOG=[np.nan, 150.0, 3.0], COG=[np.nan, 10.0, 20.0], Heading=[np.nan, 400.0, 5.0])
    write_nmea(t, tmp_path / "na.nmea")
    back = read_nmea(tmp_path / "na.nmea")
    assert np.isnan(back["SOG"].iloc[0]) and np.isnan(back["COG"].iloc[0])
    assert np.isnan(back["SOG"].iloc[1])  # beyond 102.2 kn is "102.3: not available"
    assert np.isnan(back["Heading"].iloc[0]) and np.isnan(back["Heading"].iloc[1])
    assert back["SOG"].iloc[2] == pytest.approx(3.0)


def test_a_log_without_tag_blocks_has_no_times_and_comments_are_ignored(tmp_path):
    write_nmea(table(), tmp_path / "log.nmea")
    bare = [line.split("\\")[-1] for line in (tmp_path / "log.nmea").read_text().splitlines()]
    (tmp_path / "bare.nmea").write_text("# receiver log\n\n" + "\n".join(bare) + "\n")
    back = read_nmea(tmp_path / "bare.nmea")
    assert len(back) == 3 and back["BaseDateTime"].isna().all()
    assert back.attrs["nmea"]["lines"] == len(bare)


def test_a_lone_fragment_of_a_two_part_message_is_counted_not_decoded(tmp_path):
    write_nmea(table(), tmp_path / "log.nmea")
    lines = (tmp_path / "log.nmea").read_text().splitlines()
    first_part = next(line for line in lines if "!AIVDM,2,1," in line)
    (tmp_path / "frag.nmea").write_text(first_part + "\n")
    back = read_nmea(tmp_path / "frag.nmea")
    assert back.empty
    assert back.attrs["nmea"]["skipped"] == {"incomplete multi-part message": 1}
