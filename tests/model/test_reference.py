"""Reference targets and coordinate-given geography.

They are the public way to ask "would this track have been seen under this patrol plan?". A
scenario on the land-free ``open_water`` theater declares its base and patrol box as
coordinates; inert reference targets (fixed points, straight tracks over a window) report when
and by whom they were detected, and change nothing else in the run.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim.errors import UserError
from sim.geo import Theater
from sim.model import run
from sim.model.engine import RouteCache
from sim.scenarios import load_scenario
from sim.units import NM_M
from tests.model.test_run import small


def lonlat(theater: Theater, x_nm: float, y_nm: float) -> list[float]:
    lon, lat = theater.to_lonlat(np.array([x_nm * NM_M]), np.array([y_nm * NM_M]))
    return [float(lon[0]), float(lat[0])]


def open_water_scenario(
    theater: Theater,
    targets: list[dict[str, Any]],
    *,
    strategy: dict[str, Any] | None = None,
    days: float = 2.0,
) -> dict[str, Any]:
    """One ship from a base at the centre of a 100 nm box, cookie-cutter radar of 5 nm."""
    box = [lonlat(theater, x, y) for x, y in ((-50, -50), (50, -50), (50, 50), (-50, 50))]
    base = lonlat(theater, 0, 0)
    return {
        "name": "reference_demo",
        "description": "one ship on open water with reference targets",
        "theater": "open_water",
        "duration_days": days,
        "traffic": {"vessels": 0},
        "places": [{"name": "base", "lon": base[0], "lat": base[1], "kind": "naval_base"}],
        "areas": [{"name": "box", "polygon": box}],
        "assets": [
            {
                "name": "ship",
                "kind": "warship",
                "count": 1,
                "base": "base",
                "speed_kn": 10,
                "patrol_speed_kn": 10,
                "endurance_h": 1000,
                "turnaround_h": 0,
                "sensor": {"law": "cookie_cutter", "range_nm": 5},
                "strategy": strategy or {"kind": "station", "areas": ["box"]},
            }
        ],
        "reference_targets": targets,
    }


def test_a_point_at_the_base_is_seen_at_once_and_one_far_away_never(open_water: Theater) -> None:
    """A ship holding station at the centre sees a point 2 nm off at t = 0, not one 40 nm off."""
    sc = open_water_scenario(
        open_water,
        [
            {"name": "near", "start": lonlat(open_water, 2, 0)},
            {"name": "far", "start": lonlat(open_water, 40, 0)},
        ],
    )
    r = run(load_scenario(sc), seed=1, theater=open_water)
    ref = r.reference
    assert ref is not None  # the scenario declares reference targets
    assert list(ref.columns) == [
        "target",
        "asset",
        "group",
        "asset_kind",
        "t_h",
        "x_m",
        "y_m",
        "lon",
        "lat",
    ]
    assert set(ref["target"]) == {"near"}
    first = ref.iloc[0]
    assert first["asset"] == "ship#0" and first["asset_kind"] == "warship"
    assert first["t_h"] == pytest.approx(0.0, abs=1e-6)
    assert first["x_m"] == pytest.approx(2 * NM_M, abs=1.0)


def test_a_track_is_detected_when_it_comes_within_range_and_only_while_present(
    open_water: Theater,
) -> None:
    """A target sailing east at 10 kn from x = -45 nm at hour 10 is seen at hour 14.

    That is when it comes within the 5 nm range of the ship at the centre; one present only
    before then is never seen.
    """
    sc = open_water_scenario(
        open_water,
        [
            {
                "name": "crosser",
                "start": lonlat(open_water, -45, 0),
                "end": lonlat(open_water, 45, 0),
                "from_h": 10,
                "until_h": 19,
            },
            {
                "name": "gone",
                "start": lonlat(open_water, -45, 0),
                "end": lonlat(open_water, -25, 0),
                "from_h": 0,
                "until_h": 2,
            },
        ],
    )
    r = run(load_scenario(sc), seed=1, theater=open_water)
    ref = r.reference
    assert ref is not None  # the scenario declares reference targets
    seen = ref.groupby("target")["t_h"].min()
    assert set(seen.index) == {"crosser"}
    assert seen["crosser"] == pytest.approx(14.0, abs=0.01)
    assert ref.iloc[0]["x_m"] == pytest.approx(-5 * NM_M, abs=30.0)


def test_reference_targets_change_nothing_else_in_the_run(korea: Theater) -> None:
    """Their draws come from streams of their own and the cell never hears of them."""
    base = small(duration_days=10)
    with_targets = small(
        duration_days=10,
        reference_targets=[
            {"name": f"r{k}", "start": [125.0 + 0.2 * k, 29.0 + 0.1 * k]} for k in range(20)
        ],
    )
    a = run(load_scenario(base), seed=7, theater=korea, route_cache=RouteCache())
    b = run(load_scenario(with_targets), seed=7, theater=korea, route_cache=RouteCache())
    assert a.reference is None
    assert b.reference is not None and len(b.reference) > 0  # the patrols do see some
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.voyages, b.voyages)
    pd.testing.assert_frame_equal(a.assets, b.assets)


def test_a_track_needs_an_end_time_and_a_window_that_ends_after_it_begins() -> None:
    base = {"name": "t", "start": [125.0, 30.0]}
    for extra in ({"end": [125.5, 30.0]}, {"from_h": 5, "until_h": 5}):
        with pytest.raises(UserError):
            load_scenario(
                {
                    "name": "x",
                    "description": "x",
                    "theater": "open_water",
                    "reference_targets": [{**base, **extra}],
                }
            )


def test_an_area_declared_twice_is_refused(open_water: Theater) -> None:
    sc = open_water_scenario(open_water, [])
    sc["areas"] = sc["areas"] * 2
    with pytest.raises(UserError, match="declared twice"):
        run(load_scenario(sc), seed=1, theater=open_water)
