"""The terminal table: intervals shown within the metrics' possible values."""

from __future__ import annotations

import pandas as pd

from sim.analysis.tables import format_metric_table


def test_intervals_are_clipped_to_possible_values():
    t = pd.DataFrame(
        {
            "metric": ["interception_rate", "false_positive_boardings", "cargo_denied_share"],
            "mean": [0.011, 17.0, 0.97],
            "ci_low": [-0.068, -21.1, 0.90],
            "ci_high": [0.09, 55.1, 1.04],
        }
    )
    out = format_metric_table(t)
    assert "[0.0%, 9.0%]" in out
    assert "[0.0, 55.1]" in out
    assert "[90.0%, 100.0%]" in out
    assert "-" not in out.split("\n", 1)[1].replace("-positive", "")


def test_rows_follow_the_table_with_labels_units_and_a_title():
    t = pd.DataFrame(
        {
            "metric": ["barrels_delivered_per_year", "seizures", "my_metric"],
            "mean": [1234567.0, 2.25, float("nan")],
            "ci_low": [1000000.0, 1.0, float("nan")],
            "ci_high": [1500000.0, 3.5, float("nan")],
        }
    )
    lines = format_metric_table(t, title="Crackdown 2018").split("\n")
    assert lines[0] == "Crackdown 2018" and lines[1].startswith("metric")
    body = lines[2:]
    assert body[0].startswith("Refined petroleum delivered (bbl/yr)")
    assert "1,234,567" in body[0] and "[1,000,000, 1,500,000]" in body[0]
    assert body[1].startswith("Seizures (per run)") and "2.2" in body[1]  # one decimal
    assert body[2].startswith("my_metric") and body[2].count("n/a") == 3  # unknown: own name
    assert len({len(line) for line in lines[1:]}) == 1  # columns aligned under the header


def test_an_empty_table_is_just_the_header():
    out = format_metric_table(pd.DataFrame(columns=["metric", "mean", "ci_low", "ci_high"]))
    assert out.splitlines() == [out] and out.startswith("metric")


def test_every_headline_metric_has_a_label():
    from sim.analysis.metrics import HEADLINE_METRICS
    from sim.analysis.tables import METRIC_LABELS

    assert [m for m in HEADLINE_METRICS if m not in METRIC_LABELS] == []
    assert {kind for _, kind in METRIC_LABELS.values()} <= {"pct", "int", "num"}
