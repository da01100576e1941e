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
