"""Calibration targets: each public figure sits in its accepted range, and the table compares."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis.calibration import TARGETS, compare_to_targets
from sim.analysis.metrics import summarise_run

SCENARIOS = sorted({t.scenario for t in TARGETS})


def test_every_public_figure_lies_inside_its_accepted_range_and_names_a_source():
    for t in TARGETS:
        assert t.low <= t.value <= t.high, t
        assert "domain §" in t.source, t  # every figure cites the fact sheet


def test_every_target_compares_a_metric_that_a_run_summary_has():
    empty = pd.DataFrame(
        columns=[
            "voyage",
            "counted",
            "outcome",
            "commodity",
            "cargo_t",
            "seized_t",
            "returned_t",
            "delivered_t",
            "sts_detected",
        ]
    )
    no_ev = pd.DataFrame(columns=["t_h", "kind", "voyage", "asset", "reason", "activity"])
    no_assets = pd.DataFrame(columns=["asset", "kind", "underway_h", "sorties"])
    metrics = set(summarise_run(empty, no_ev, no_assets, duration_h=24.0))
    assert {t.metric for t in TARGETS} <= metrics


def test_a_metric_is_compared_once_per_scenario():
    keys = [(t.scenario, t.metric) for t in TARGETS]
    assert len(keys) == len(set(keys))


def reps_at(scenario: str, where: str) -> pd.DataFrame:
    """Three replications per target metric: centred inside, or just above, the range."""
    cols = {}
    for t in TARGETS:
        if t.scenario != scenario:
            continue
        centre = (t.low + t.high) / 2 if where == "inside" else t.high * 1.01 + 1
        cols[t.metric] = [centre - 0.001, centre, centre + 0.001]
    return pd.DataFrame(cols)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_in_range_follows_the_simulated_mean(scenario):
    inside = compare_to_targets(reps_at(scenario, "inside"), scenario)
    above = compare_to_targets(reps_at(scenario, "above"), scenario)
    n = sum(t.scenario == scenario for t in TARGETS)
    assert len(inside) == len(above) == n
    assert inside["in_range"].all() and not above["in_range"].any()
    assert (inside["ci_low"] < inside["simulated"]).all()
    assert (inside["simulated"] < inside["ci_high"]).all()
    assert (inside["scenario"] == scenario).all()


def test_failed_replications_and_metrics_not_run_are_left_out():
    t = next(t for t in TARGETS if t.scenario == "crackdown_2018")
    reps = pd.DataFrame({t.metric: [t.value, t.value, 1e9], "error": ["", None, "crashed"]})
    out = compare_to_targets(reps, "crackdown_2018")
    assert out["metric"].tolist() == [t.metric]
    row = out.iloc[0]
    assert row["simulated"] == pytest.approx(t.value) and row["in_range"]
    assert row["public"] == t.value and (row["accepted_low"], row["accepted_high"]) == (
        t.low,
        t.high,
    )


def test_an_unknown_scenario_has_no_targets():
    assert compare_to_targets(pd.DataFrame({"seizures_per_year": [1.0]}), "nowhere").empty


def test_one_replication_gives_a_mean_without_an_interval():
    t = TARGETS[0]
    row = compare_to_targets(pd.DataFrame({t.metric: [t.value]}), t.scenario).iloc[0]
    assert row["simulated"] == t.value and math.isnan(row["ci_low"])
    assert np.isnan(row["ci_high"])
