"""Plot functions on small hand-built DataFrames: they draw what they are given, with units."""

from __future__ import annotations

import math
import sys

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.comparison import (
    comparison_table,
    cumulative_by_day,
    intervals_overlap,
    transfers_with_detection,
)
from sim.analysis.metrics import UN_CAP_BBL_PER_YEAR
from sim.plotting.figures import (
    plot_barrels,
    plot_cost_effectiveness,
    plot_cumulative,
    plot_rates,
    plot_scenario_map,
    plot_sweep,
)
from sim.plotting.style import OKABE_ITO, scenario_colours


def _labels(ax: Axes) -> str:
    return ax.get_xlabel() + " | " + ax.get_ylabel()


def test_plot_rates_draws_one_point_per_scenario_and_metric(frames):
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    out = plot_rates(frames["table"], ax=ax)
    assert out is ax
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "baseline_2017",
        "crackdown_2018",
        "blockade",
    ]
    assert "%" in ax.get_xlabel()
    assert len(ax.get_legend().get_texts()) == 2
    # the points sit at the table means
    pts = np.asarray(ax.lines[0].get_xdata(), dtype=float)
    means = frames["table"].query("metric == 'interception_rate'")["mean"].to_numpy()
    np.testing.assert_allclose(pts, means)


def test_plot_barrels_draws_the_un_cap(frames):
    ax = plot_barrels(frames["table"])
    caps = [ln for ln in ax.lines if np.allclose(ln.get_xdata(), UN_CAP_BBL_PER_YEAR)]
    assert caps, "UN cap line missing"
    assert "barrels per year" in ax.get_xlabel()
    assert any("500,000" in t.get_text() for t in ax.get_legend().get_texts())


def test_cost_effectiveness_has_units_on_every_axis(frames):
    fig = plot_cost_effectiveness(frames["table"], run_days=60)
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    for ax in fig.axes:
        assert ax.get_xlabel(), "x axis without label"
    assert "hours" in fig.axes[0].get_ylabel()
    assert "60 days" in fig.axes[1].get_xlabel()


def test_cost_effectiveness_says_why_when_nothing_was_intercepted(frames):
    t = frames["table"].copy()
    t.loc[t["metric"] == "patrol_hours_per_interception", ["mean", "ci_low", "ci_high"]] = math.nan
    fig = plot_cost_effectiveness(t)
    assert any("No interceptions" in x.get_text() for x in fig.axes[0].texts)


def test_cumulative_is_monotone_and_ends_at_the_mean_count(frames):
    tl = frames["timeline"]
    for (_, _), g in tl.groupby(["label", "series"]):
        assert np.all(np.diff(g["mean"].to_numpy()) >= 0)
    ev = frames["events"]
    b = ev[(ev["label"] == "blockade") & ev["kind"].isin(["seizure", "diversion"])]
    last = tl[(tl["label"] == "blockade") & (tl["series"] == "seizures + diversions")]["mean"].iloc[
        -1
    ]
    assert last == pytest.approx(len(b) / 3)
    fig = plot_cumulative(tl, warmup_days=5)
    assert [a.get_xlabel() for a in fig.axes] == ["Day of the run (days)"] * 2
    assert len(fig.axes[0].get_legend().get_texts()) == 4  # 3 scenarios + warm-up


def test_cumulative_counts_only_petroleum_deliveries():
    ev = pd.DataFrame(
        {
            "label": "a",
            "replication": [0, 0, 1],
            "kind": "delivery",
            "t_h": [1.0, 30.0, 50.0],
            "voyage": [0, 1, 0],
        }
    )
    vo = pd.DataFrame(
        {
            "label": "a",
            "replication": [0, 0, 1],
            "voyage": [0, 1, 0],
            "commodity": ["petroleum", "coal", "petroleum"],
        }
    )
    tl = cumulative_by_day(ev, vo, days=3)
    d = tl[tl["series"] == "petroleum deliveries"].set_index("day")["mean"]
    assert d.to_dict() == {0: 0.5, 1: 0.5, 2: 1.0, 3: 1.0}


def test_transfers_detected_flag_comes_from_voyages():
    ev = pd.DataFrame(
        {
            "label": "a",
            "replication": [0, 0, 1],
            "kind": "transfer_start",
            "voyage": [0, 1, 0],
            "lon": 123.0,
            "lat": 30.0,
        }
    )
    vo = pd.DataFrame(
        {
            "label": "a",
            "replication": [0, 0, 1],
            "voyage": [0, 1, 0],
            "sts_detected": [True, False, False],
        }
    )
    assert transfers_with_detection(ev, vo)["detected"].tolist() == [True, False, False]


def test_comparison_table_clips_intervals_to_possible_values():
    reps = pd.DataFrame(
        {
            "label": "a",
            "replication": [0, 1],
            "interception_rate": [0.0, 0.9],
            "seizures": [0.0, 9.0],
            "diversions": 0.0,
            "voyages_ended": 10.0,
            "error": "",
        }
    )
    t = comparison_table(reps, ["interception_rate", "seizures"]).set_index("metric")
    assert (
        t.loc["interception_rate", "ci_low"] == 0.0 and t.loc["interception_rate", "ci_high"] == 1.0
    )
    assert t.loc["seizures", "ci_low"] == 0.0
    raw = comparison_table(reps, ["interception_rate"], clip=False)
    assert raw["ci_low"].iloc[0] < 0


def test_intervals_overlap():
    assert intervals_overlap((0, 1), (0.5, 2)) is True
    assert intervals_overlap((0, 1), (1.5, 2)) is False
    assert intervals_overlap((0, math.nan), (1, 2)) is None


def test_plot_sweep_one_panel_per_metric():
    rows = []
    for n in (1, 2, 4):
        for m, v in (("interception_rate", 0.1 * n), ("barrels_delivered_per_year", 1e6 / n)):
            rows.append(
                {
                    "label": f"count={n}",
                    "assets.us_p8.count": n,
                    "metric": m,
                    "mean": v,
                    "ci_low": v * 0.8,
                    "ci_high": v * 1.2,
                }
            )
    fig = plot_sweep(
        pd.DataFrame(rows),
        {"assets.us_p8.count": [1, 2, 4]},
        metrics=("interception_rate", "barrels_delivered_per_year"),
    )
    assert len(fig.axes) == 2
    assert fig.axes[0].get_xlabel() == "assets.us_p8.count"
    np.testing.assert_allclose(fig.axes[0].lines[0].get_xdata(), [1, 2, 4])


def test_scenario_colours_are_okabe_ito_and_stable():
    c = scenario_colours(["a", "b", "c"])
    assert list(c.values()) == list(OKABE_ITO[:3])


def test_scenario_map_on_the_real_coastline(korea, frames):
    ev, vo = frames["events"], frames["voyages"]
    ax = plot_scenario_map(
        korea, ev[ev["label"] == "blockade"], vo[vo["label"] == "blockade"], title="blockade"
    )
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(s.startswith("transfer, detected") for s in labels)
    assert any(s.startswith("seizure") for s in labels)
    assert ax.get_xlabel() == "Longitude (°E)"
    cbar_axes = [a for a in ax.figure.axes if a is not ax]
    assert cbar_axes and "detections" in cbar_axes[0].get_ylabel()


def test_importing_plotting_package_does_not_import_matplotlib():
    import subprocess

    code = "import sim.plotting, sim.experiments, sys; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_plot_track_and_plot_transfer_draw_one_vessel_and_one_transfer(korea):
    """A DPRK tanker goes dark on its way to a transfer; both figures show it."""
    from types import SimpleNamespace

    from sim.plotting.tracks import plot_track, plot_transfer
    from sim.units import NM_M

    x0, y0 = (float(v) for v in korea.to_xy(123.5, 30.0))

    def leg(vessel, t0, t1, a, b, on=True):
        return {
            "vessel": vessel,
            "role": "dprk" if vessel[0] == "D" else "foreign",
            "t0_h": t0,
            "t1_h": t1,
            "x0_m": x0 + a * NM_M,
            "y0_m": y0,
            "x1_m": x0 + b * NM_M,
            "y1_m": y0,
            "ais_on": on,
            "identity": vessel,
            "activity": "transit",
        }

    tracks = pd.DataFrame(
        [leg("D1", 0, 10, 0, 50, on=False), leg("D1", 10, 20, 50, 50), leg("F1", 0, 10, 100, 50)]
    )
    lon, lat = (float(v) for v in korea.to_lonlat(x0 + 50 * NM_M, y0))
    events = pd.DataFrame(
        {
            "t_h": [10.0, 15.0],
            "kind": ["transfer_start", "seizure"],
            "vessel": ["F1", "D1"],
            "voyage": [0, 0],
            "lon": [lon, lon],
            "lat": [lat, lat],
        }
    )
    voyages = pd.DataFrame(
        {
            "voyage": [0],
            "method": ["sts"],
            "foreign_vessel": ["F1"],
            "dprk_vessel": ["D1"],
            "rendezvous_area": ["ecs_high_seas"],
            "outcome": ["seized"],
        }
    )
    run = SimpleNamespace(tracks=tracks, events=events, voyages=voyages)
    ax = plot_track(run, "D1", korea)
    assert "10 h dark" in ax.get_title()
    assert [ln.get_linestyle() for ln in ax.lines if len(ln.get_xdata())] == ["-", "--"]
    ax = plot_transfer(run, 0, korea, hours=6)
    assert "seized" in ax.get_title()
    assert {t.get_text() for t in ax.texts} >= {"+0 h", "+5 h"}  # hours from the transfer
    with pytest.raises(ValueError, match="not a ship-to-ship"):
        plot_transfer(
            SimpleNamespace(**{**vars(run), "voyages": voyages.assign(method="direct")}), 0, korea
        )
