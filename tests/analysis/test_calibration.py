"""Calibration can fail: ranges from the public figures' uncertainty, interval against range."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from sim.analysis.calibration import (
    TARGETS,
    binomial_range,
    compare_to_targets,
    failed_checks,
    poisson_range,
    status_of,
)
from sim.cli.calibrate_cmd import format_table


def _reps_at(scenario: str, shift: dict[str, float] | None = None) -> pd.DataFrame:
    """Four replications whose every metric sits at its public figure (plus a small spread)."""
    rows = []
    for k in range(4):
        row = {"error": ""}
        for t in TARGETS:
            if t.scenario == scenario:
                centre = (shift or {}).get(t.metric, t.value)
                row[t.metric] = centre * (1 - 0.005 * k)  # at or just below the figure
        rows.append(row)
    return pd.DataFrame(rows)


def test_every_figure_is_a_fit_or_a_check_with_a_source_and_a_reason():
    assert {t.role for t in TARGETS} == {"fit", "check"}
    assert any(t.role == "check" for t in TARGETS)
    for t in TARGETS:
        assert t.source.startswith("domain §") and t.why


def test_at_least_three_figures_are_held_out_and_none_is_also_fitted():
    checks = [t for t in TARGETS if t.role == "check"]
    assert len(checks) >= 3
    fitted = {(t.scenario, t.metric) for t in TARGETS if t.role == "fit"}
    assert not fitted & {(t.scenario, t.metric) for t in checks}
    # Japan's notices set Japan's patrol rate, so they are a fit, not a check
    japan = next(t for t in TARGETS if t.metric == "sts_seen_by_japan_per_year")
    assert japan.role == "fit" and "jp_p3c" in japan.why


def test_positive_figures_have_positive_lower_bounds():
    for t in TARGETS:
        assert t.value > 0 and 0 < t.low < t.value <= t.high, t.figure


def test_poisson_range_is_the_exact_interval():
    low, high = poisson_range(2)
    assert low == pytest.approx(0.2422, abs=1e-3) and high == pytest.approx(7.2247, abs=1e-3)
    assert poisson_range(30, years=0.25)[0] == pytest.approx(4 * poisson_range(30)[0])
    assert poisson_range(0)[0] == 0.0


def test_binomial_range_of_all_successes_reaches_one():
    low, high = binomial_range(3, 3)
    assert high == 1.0 and low == pytest.approx(0.025 ** (1 / 3), abs=1e-6)


def test_status_tests_the_interval_not_only_the_mean():
    assert status_of(5.0, 4.0, 6.0, 1.0, 8.0) == "ok"
    assert status_of(7.5, 6.0, 9.0, 1.0, 8.0) == "unsure"  # mean in, interval across the bound
    assert status_of(8.46, 5.39, 11.54, 0.62, 8.77) == "unsure"
    assert status_of(9.0, 7.0, 11.0, 0.62, 8.77) == "OUT"
    assert status_of(float("nan"), 0.0, 1.0, 0.0, 1.0) == "OUT"


def test_model_at_the_public_figures_passes():
    for scenario in ("baseline_2017", "crackdown_2018"):
        table = compare_to_targets(_reps_at(scenario), scenario)
        assert len(table) and (table["status"] == "ok").all(), table
        assert failed_checks(table).empty


@pytest.mark.parametrize("t", [t for t in TARGETS if t.role == "check"], ids=lambda t: t.metric)
def test_a_held_out_figure_pushed_out_of_range_fails(t):
    # a count is pushed above its range; a share (which cannot exceed 1) below it
    pushed = {t.metric: t.high * 1.5 if t.count else t.low / 2}
    table = compare_to_targets(_reps_at(t.scenario, pushed), t.scenario)
    failed = failed_checks(table)
    assert list(failed["metric"]) == [t.metric]


def test_a_fitted_figure_out_of_range_does_not_fail_the_checks():
    fit = next(t for t in TARGETS if t.role == "fit" and t.scenario == "crackdown_2018")
    table = compare_to_targets(_reps_at(fit.scenario, {fit.metric: fit.high * 3}), fit.scenario)
    assert (table.set_index("metric").loc[fit.metric, "status"]) == "OUT"
    assert failed_checks(table).empty


def test_count_bounds_are_never_negative():
    t = next(t for t in TARGETS if t.metric == "seizures_and_detentions_per_year")
    reps = pd.DataFrame({"error": "", t.metric: [0.0, 0.0, 4.0]})
    table = compare_to_targets(reps, t.scenario, targets=(t,))
    assert table["ci_low"].iloc[0] == 0.0


def test_printed_table_is_aligned_and_names_sources():
    table = pd.concat(
        [compare_to_targets(_reps_at(s), s) for s in ("baseline_2017", "crackdown_2018")]
    )
    lines = format_table(table)
    assert max(map(len, lines)) <= 100
    rows = [ln for ln in lines if ln.startswith(("fit ", "check"))]
    assert len(rows) == len(table)
    assert len({ln.index("[") for ln in rows}) >= 1
    status_col = {len(ln.rstrip()) - len(ln.rstrip().split()[-1]) for ln in rows}
    assert len(status_col) == 1, "the status column is aligned"
    assert sum("source: domain §" in ln for ln in lines) == len(table)
    assert any("0.36" in ln for ln in rows), "a small public figure is not printed as 0"


def test_share_intervals_stay_within_zero_and_one():
    t = dataclasses.replace(TARGETS[0], count=False, low=0.2, high=1.0)
    reps = pd.DataFrame({"error": "", t.metric: np.array([0.9, 1.0, 1.0])})
    row = compare_to_targets(reps, t.scenario, targets=(t,)).iloc[0]
    assert 0.0 <= row["ci_low"] and row["ci_high"] == 1.0


def test_port_state_share_is_a_share_of_the_taking_events():
    """Numerator and denominator come from the same events, so the share stays in [0, 1]."""
    from sim.analysis.metrics import summarise_run

    events = pd.DataFrame(
        {
            "t_h": [1.0, 2.0, 3.0, 0.5],
            "kind": ["seizure", "vessel_detained", "diversion", "vessel_detained"],
            "reason": ["port_state_watchlist", "port_state_reported", "flag_refused", "x"],
            "voyage": [0, 1, 2, 3],
            "asset": ["", "", "a#0", ""],
            "activity": ["", "", "", ""],
        }
    )
    voyages = pd.DataFrame(
        {
            "voyage": [0, 1, 2],
            "counted": [True, True, True],
            "outcome": ["seized", "delivered", "diverted"],
            "commodity": ["petroleum"] * 3,
            "cargo_t": [1.0, 1.0, 1.0],
            "delivered_t": [0.0, 1.0, 0.0],
            "seized_t": [1.0, 0.0, 1.0],
            "returned_t": [0.0, 0.0, 0.0],
            "sts_detected": [False] * 3,
        }
    )
    assets = pd.DataFrame(columns=["asset", "kind", "nation", "underway_h", "sorties"], dtype=float)
    s = summarise_run(voyages, events, assets, duration_h=8760.0, warmup_h=1.0)
    assert s["port_state_share"] == pytest.approx(2 / 3)
