"""Side-by-side metric tables (format_metric_columns), as compare, sweep and results print them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.stats import metric_table
from sim.analysis.tables import MAX_COLUMN_CHARS, format_metric_columns


def _table(values: list[float]) -> pd.DataFrame:
    return metric_table(
        pd.DataFrame({"cargo_denied_share": values, "seizures": values}),
        ["cargo_denied_share", "seizures"],
    )


def test_each_metric_shows_its_mean_and_under_it_the_clipped_interval():
    text = format_metric_columns({"a": _table([0.0, 0.1]), "b": _table([0.5, 0.5])}, width=200)
    lines = text.splitlines()
    rate = next(i for i, line in enumerate(lines) if line.startswith("Cargo denied share"))
    assert lines[rate].split()[-2:] == ["5.0%", "50.0%"]
    assert lines[rate + 1].split()[-4:] == ["[0.0%,", "68.5%]", "[50.0%,", "50.0%]"]
    assert lines[1].split() == ["replications", "2", "2"]


def test_columns_that_do_not_fit_continue_in_a_second_block_with_the_names_repeated():
    tables = {f"scenario_{i}": _table([0.1 * i, 0.1 * i + 0.05]) for i in range(6)}
    text = format_metric_columns(tables, width=80)
    assert max(map(len, text.splitlines())) <= 80
    assert text.count("Cargo denied share") >= 2
    assert all(f"scenario_{i}" in text for i in range(6))


def test_a_long_run_label_is_cut_to_the_column_limit():
    label = "count=" + "9" * 60
    text = format_metric_columns({label: _table([1.0, 2.0])}, width=200)
    header = text.splitlines()[0].split()[-1]
    assert len(header) == MAX_COLUMN_CHARS and header.endswith("…")


def test_a_metric_missing_from_one_run_reads_n_a():
    only_rate = metric_table(
        pd.DataFrame({"cargo_denied_share": [0.2, 0.4]}), ["cargo_denied_share"]
    )
    text = format_metric_columns({"a": _table([0.1, 0.2]), "b": only_rate}, width=200)
    seizures = next(line for line in text.splitlines() if line.startswith("Seizures"))
    assert seizures.split()[-1] == "n/a"
    assert not np.isnan(only_rate["mean"]).any()


def test_a_run_whose_summaries_hold_no_metric_still_gets_its_column():
    text = format_metric_columns({"a": _table([0.1, 0.2]), "b": pd.DataFrame()}, width=200)
    assert text.splitlines()[0].split() == ["metric", "a", "b"]
    assert text.splitlines()[1].split() == ["replications", "2", "0"]
