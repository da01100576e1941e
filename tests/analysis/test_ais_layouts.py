"""AIS column layouts: presets by name, and 'not available' codes turned into NaN."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analysis.ais_layouts import LAYOUTS, NOT_AVAILABLE, Layout, layout_of, normalise


def marinecadastre(**over: list) -> pd.DataFrame:
    cols = {
        "MMSI": [445000001, 445000002],
        "BaseDateTime": ["2018-01-01T00:00:00", "2018-01-01T01:30:00"],
        "LAT": [38.0, 39.0],
        "LON": [124.0, 125.0],
        "SOG": [10.0, 0.2],
        "COG": [90.0, 180.0],
    }
    cols.update(over)
    return pd.DataFrame(cols)


def test_every_preset_maps_the_six_roles_the_detectors_read():
    for name, lay in LAYOUTS.items():
        assert layout_of(name) is lay
        assert set(lay.columns()) == {"time", "identity", "lon", "lat", "speed", "course"}
    custom = Layout("t", "id", "x", "y", "v", "c")
    assert layout_of(custom) is custom and custom.columns()["lon"] == "x"


def test_an_unknown_preset_names_the_ones_that_exist():
    with pytest.raises(ValueError, match=r"unknown AIS layout 'noaa'.*'dma'.*'marinecadastre'"):
        layout_of("noaa")


def test_normalise_parses_text_times_and_makes_mmsi_text():
    out, cols = normalise(marinecadastre(), "marinecadastre")
    assert cols == LAYOUTS["marinecadastre"].columns()
    assert out["BaseDateTime"].iloc[1] == pd.Timestamp("2018-01-01 01:30")
    assert out["MMSI"].tolist() == ["445000001", "445000002"]


def test_normalise_reads_the_dma_day_first_timestamps():
    dma = marinecadastre().rename(columns={"LAT": "Latitude", "LON": "Longitude"})
    dma["# Timestamp"] = ["03/02/2018 10:00:00", "04/02/2018 11:00:00"]
    out, _ = normalise(dma.drop(columns=["BaseDateTime"]), "dma")
    assert out["# Timestamp"].tolist() == [
        pd.Timestamp("2018-02-03 10:00"),
        pd.Timestamp("2018-02-04 11:00"),
    ]


def test_normalise_leaves_the_input_untouched_and_float_hours_as_they_are():
    sim = pd.DataFrame(
        {
            "time": [0.0, 1.5],
            "identity": ["D1", "D1"],
            "lon": [124.0, 124.1],
            "lat": [38.0, 38.1],
            "speed": [102.3, 5.0],
            "course": [360.0, 10.0],
        }
    )
    before = sim.copy()
    out, _ = normalise(sim, "sim")
    pd.testing.assert_frame_equal(sim, before)
    assert out["time"].tolist() == [0.0, 1.5]
    assert np.isnan(out["speed"].iloc[0]) and np.isnan(out["course"].iloc[0])
    assert out["speed"].iloc[1] == 5.0


def test_normalise_names_the_missing_columns():
    with pytest.raises(ValueError, match=r"lacks columns \['SOG'\]"):
        normalise(marinecadastre().drop(columns=["SOG"]), "marinecadastre")


def test_heading_511_becomes_nan_when_the_table_has_a_heading():
    out, _ = normalise(marinecadastre(Heading=[511, 90]), "marinecadastre")
    assert np.isnan(out["Heading"].iloc[0]) and out["Heading"].iloc[1] == 90


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.just(NOT_AVAILABLE["lat"]), st.floats(-90, 90)),
            st.one_of(st.just(NOT_AVAILABLE["lon"]), st.floats(-180, 180)),
            st.one_of(st.just(NOT_AVAILABLE["speed"]), st.floats(0, 102.2)),
            st.one_of(st.just(NOT_AVAILABLE["course"]), st.floats(0, 359.9)),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_exactly_the_not_available_codes_become_nan(rows):
    lat, lon, sog, cog = (list(c) for c in zip(*rows, strict=True))
    n = len(rows)
    df = marinecadastre(
        MMSI=[1] * n, BaseDateTime=["2018-01-01"] * n, LAT=lat, LON=lon, SOG=sog, COG=cog
    )
    out, _ = normalise(df, "marinecadastre")
    for col, role in (("LAT", "lat"), ("LON", "lon"), ("SOG", "speed"), ("COG", "course")):
        code = np.isclose(df[col].to_numpy(float), NOT_AVAILABLE[role])
        assert out[col].isna().to_numpy().tolist() == code.tolist()
        kept = ~code
        assert out[col].to_numpy()[kept].tolist() == df[col].to_numpy(float)[kept].tolist()
