"""Fixtures for plotting tests: a headless backend and hand-built comparison tables."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from sim.analysis.comparison import comparison_table, cumulative_by_day
from sim.analysis.results import read_replications, read_table, run_dirs
from tests.plotting.builders import fake_experiment


@pytest.fixture(autouse=True)
def _close_figures():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


@pytest.fixture(scope="session")
def experiment_dir(tmp_path_factory):
    return fake_experiment(tmp_path_factory.mktemp("fake_compare"), n=3, days=60)


@pytest.fixture(scope="session")
def frames(experiment_dir):
    reps, ev, vo = [], [], []
    for r in run_dirs(experiment_dir):
        for lst, df in (
            (reps, read_replications(r["path"])),
            (ev, read_table(r["path"], "events")),
            (vo, read_table(r["path"], "voyages")),
        ):
            df.insert(0, "label", r["label"])
            lst.append(df)
    reps, ev, vo = (pd.concat(x, ignore_index=True) for x in (reps, ev, vo))
    return {
        "reps": reps,
        "events": ev,
        "voyages": vo,
        "table": comparison_table(reps),
        "timeline": cumulative_by_day(ev, vo, days=60),
    }
