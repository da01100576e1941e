"""--precision: sequential replications until pairwise differences are precise or settled."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.cli import main as cli
from sim.experiments.compare import Precision, compare, precision_state

TINY = ["duration_days=10", "warmup_days=0", "traffic.vessels=5"]


def rows(values: dict[str, list[float]]) -> pd.DataFrame:
    """Replication rows of several labels on common replication indices."""
    return pd.DataFrame(
        [
            {"label": k, "replication": i, "interception_rate": v, "error": ""}
            for k, vs in values.items()
            for i, v in enumerate(vs)
        ]
    )


def test_a_pair_whose_interval_excludes_zero_is_settled_however_wide():
    """A clear difference counts as settled even when its interval is wider than P."""
    df = rows({"a": [0.1, 0.2, 0.3, 0.2], "b": [0.6, 0.8, 0.7, 0.9]})
    state = precision_state(df, "interception_rate", half_width=0.001)
    assert state["reached"] and state["settled_pairs"] == 1


def test_a_noisy_pair_near_zero_is_unsettled_until_precise():
    """Differences straddling zero need a half-width below P."""
    rng = np.random.default_rng(0)
    common = rng.normal(0.3, 0.1, 6)
    noise = rng.normal(0, 0.05, 6)
    df = rows({"a": list(common), "b": list(common + noise), "c": list(common + 0.5)})
    tight = precision_state(df, "interception_rate", half_width=0.001)
    assert not tight["reached"]
    assert tight["unsettled"] == ["a vs b"]
    loose = precision_state(df, "interception_rate", half_width=1.0)
    assert loose["reached"]


def test_an_unknown_metric_is_a_user_error():
    """The message names the metric."""
    from sim.errors import UserError

    with pytest.raises(UserError, match="no metric 'nope'"):
        precision_state(rows({"a": [1, 2], "b": [1, 3]}), "nope", 0.1)


@pytest.mark.slow
def test_compare_adds_replications_until_the_cap_and_says_what_was_reached(tmp_path, monkeypatch):
    """Never settled (the check is stubbed): 2 -> 4 replications, then the cap stops it."""
    import importlib

    cmp = importlib.import_module("sim.experiments.compare")  # the package re-exports compare()

    def never(df, metric, half_width):
        return {
            "pairs": 1,
            "settled_pairs": 0,
            "worst_half_width": 0.5,
            "widest_half_width": 0.5,
            "unsettled": ["a vs b"],
            "reached": False,
        }

    monkeypatch.setattr(cmp, "precision_state", never)
    p = Precision(half_width=0.01, max_replications=4)
    reps = compare(
        ["scenarios/baseline_2017.yaml", "scenarios/crackdown_2018.yaml"],
        n=2,
        seed=11,
        workers=1,
        out_dir=tmp_path,
        overrides=TINY,
        precision=p,
    )
    assert reps.groupby("label")["replication"].nunique().tolist() == [4, 4]
    assert [h["replications"] for h in p.history] == [2, 4]  # steps of max(2, n // 2)
    assert p.outcome == "replication cap"
    assert json.loads((tmp_path / "experiment.json").read_text())["replications"] == 4
    assert "replication cap after 4 replications" in p.statement()


@pytest.mark.slow
def test_a_reached_target_stops_at_once(tmp_path):
    """A half-width of 10 (rates live in [0, 1]) is reached with the starting replications."""
    p = Precision(half_width=10.0)
    reps = compare(
        ["scenarios/baseline_2017.yaml", "scenarios/crackdown_2018.yaml"],
        n=2,
        seed=11,
        workers=1,
        out_dir=tmp_path,
        overrides=TINY,
        precision=p,
    )
    assert p.outcome == "reached" and len(reps) == 4


def test_time_limit_without_precision_is_refused(capsys):
    """--time-limit only makes sense with --precision."""
    code = cli(["compare", "scenarios/baseline_2017.yaml", "--out", "/tmp/x", "--time-limit", "1"])
    assert code == 2
    assert "--time-limit applies with --precision" in capsys.readouterr().err


def _unsettled() -> dict:
    return {"reached": False}


def test_rounds_grow_by_half_without_a_time_limit():
    """4 -> 6 -> 9 -> 13: a logarithmic number of rounds."""
    from sim.experiments.compare import _next_round

    p = Precision(half_width=0.01)
    assert [_next_round(p, _unsettled(), n, 4, 60.0, 0.0) for n in (4, 6, 9)] == [6, 9, 13]


def test_the_last_round_shrinks_to_what_the_time_limit_leaves():
    """10 s per replication index, 25 s left: 2 more, not 4; 5 s left: stop on the time limit."""
    from sim.experiments.compare import _next_round

    p = Precision(half_width=0.01, time_limit_min=1.0)
    assert _next_round(p, _unsettled(), 8, 4, 40.0, 35.0) == 10
    assert _next_round(p, _unsettled(), 8, 4, 40.0, 55.0) is None
    assert p.outcome == "time limit"


def test_a_reached_target_or_the_cap_stops_the_rounds():
    from sim.experiments.compare import _next_round

    p = Precision(half_width=0.01, max_replications=9)
    assert _next_round(p, {"reached": True}, 4, 4, 1.0, 0.0) is None and p.outcome == "reached"
    assert _next_round(p, _unsettled(), 8, 4, 1.0, 0.0) == 9
    assert _next_round(p, _unsettled(), 9, 1, 1.0, 0.0) is None
    assert p.outcome == "replication cap"


def test_the_main_job_default_is_a_precision_target_with_a_time_limit():
    """compare() with neither n nor a target uses default_precision (the README's main job)."""
    from sim.experiments.compare import (
        DEFAULT_HALF_WIDTH,
        DEFAULT_TIME_LIMIT_MIN,
        default_precision,
    )

    p = default_precision()
    assert (p.half_width, p.metric, p.time_limit_min) == (
        DEFAULT_HALF_WIDTH,
        "interception_rate",
        DEFAULT_TIME_LIMIT_MIN,
    )
    assert DEFAULT_TIME_LIMIT_MIN < 10  # leaves room for the report inside the 10-minute budget


def test_compare_applies_the_default_only_when_given_neither_n_nor_a_target(monkeypatch):
    import importlib

    cmp = importlib.import_module("sim.experiments.compare")
    seen = []
    monkeypatch.setattr(cmp, "_run_all", lambda runs, **kw: seen.append(kw) or pd.DataFrame())
    files = ["scenarios/baseline_2017.yaml", "scenarios/crackdown_2018.yaml"]
    compare(files, out_dir="unused")
    compare(files, n=3, out_dir="unused")
    assert seen[0]["precision"].time_limit_min == cmp.DEFAULT_TIME_LIMIT_MIN
    assert seen[0]["n"] == 4  # the baseline file's replications are the starting number
    assert seen[1]["precision"] is None and seen[1]["n"] == 3
