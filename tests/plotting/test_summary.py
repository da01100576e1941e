"""The report summary answers the article's question in its order, and keeps its four rules.

Every case is a hand-built comparison table (no simulation): per scenario and metric a mean
and 95% interval, plus the replication rows the paired differences are computed from.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analysis.stats import t_interval
from sim.plotting.summary import find_roles, scenario_lines, summary_sentences

ARTICLE = ["baseline_2017", "crackdown_2018", "pacom_surge", "adaptive_smugglers", "blockade"]


def build(
    rates: dict[str, list[float]],
    escalations: dict[str, list[float]] | None = None,
    barrels: dict[str, float] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A comparison table and replication rows from per-replication interception rates."""
    escalations = escalations or {g: [0.0] * len(v) for g, v in rates.items()}
    reps, table = [], []
    for g, vs in rates.items():
        for i, v in enumerate(vs):
            reps.append(
                {
                    "label": g,
                    "replication": i,
                    "interception_rate": v,
                    "escalation_incidents": escalations[g][i],
                    "error": "",
                }
            )
        for metric, values in (
            ("interception_rate", vs),
            ("escalation_incidents", escalations[g]),
        ):
            m, lo, hi = t_interval(np.asarray(values, dtype=float))
            table.append(
                {
                    "label": g,
                    "metric": metric,
                    "mean": m,
                    "ci_low": max(lo, 0.0),
                    "ci_high": hi,
                }
            )
        if barrels and g in barrels:
            table.append(
                {
                    "label": g,
                    "metric": "barrels_delivered_per_year",
                    "mean": barrels[g],
                    "ci_low": barrels[g] * 0.9,
                    "ci_high": barrels[g] * 1.1,
                }
            )
    return pd.DataFrame(table), pd.DataFrame(reps)


def article_case() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The main job's shape: a near-zero baseline, options a point apart, a costly blockade."""
    return build(
        {
            "baseline_2017": [0.001, 0.0, 0.002, 0.002],
            "crackdown_2018": [0.012, 0.016, 0.011, 0.017],
            "pacom_surge": [0.035, 0.024, 0.023, 0.036],
            "adaptive_smugglers": [0.016, 0.011, 0.003, 0.013],
            "blockade": [0.30, 0.25, 0.29, 0.31],
        },
        escalations={
            "baseline_2017": [0, 0, 0, 0],
            "crackdown_2018": [0, 0, 0, 0],
            "pacom_surge": [0, 0, 0, 0],
            "adaptive_smugglers": [0, 0, 0, 0],
            "blockade": [250, 300, 280, 307],
        },
        barrels={"baseline_2017": 3.4e6, "crackdown_2018": 3.2e6, "blockade": 8.8e5},
    )


def text(table: pd.DataFrame, reps: pd.DataFrame, labels: list[str] = ARTICLE) -> str:
    return " ".join(summary_sentences(table, reps, labels))


def test_the_three_parts_come_in_the_article_order():
    """Crackdown against baseline, then the best option short of a blockade, then the blockade."""
    s = summary_sentences(*article_case(), ARTICLE)
    first = next(i for i, x in enumerate(s) if x.startswith("The 2018 crackdown"))
    second = next(i for i, x in enumerate(s) if x.startswith("Short of a blockade"))
    third = next(i for i, x in enumerate(s) if x.startswith("The blockade counterfactual"))
    assert first < second < third
    assert "against 0.1%" in s[first] and "in baseline_2017" in s[first]
    assert "pacom_surge intercepts the most of 3 options" in s[second]
    assert "over pacom_surge" in s[third]  # what the blockade adds over the best option
    assert "escalation incidents per run" in s[third]


def test_a_near_zero_baseline_gets_points_not_a_ratio():
    """0.1% to 1.4% is '+1.3 percentage points', never 'N times the baseline'."""
    s = text(*article_case())
    assert "times" not in s
    assert "+1.3 percentage points" in s and "almost none" in s


def test_a_baseline_clearly_above_zero_gets_its_ratio():
    """Ratios are kept where they mean something (a baseline of 20%)."""
    table, reps = build({"base": [0.20, 0.22, 0.18, 0.20], "crackdown": [0.40, 0.42, 0.38, 0.40]})
    assert "2.0 times base's rate" in text(table, reps, ["base", "crackdown"])


def test_a_settled_lead_and_an_unsettled_one_are_told_apart():
    """The paired interval decides: excludes zero -> settled; includes zero -> not settled."""
    s = summary_sentences(*article_case(), ARTICLE)
    options = next(x for x in s if x.startswith("Short of a blockade"))
    assert "settled" in options and "not settled" not in options
    table, reps = build(
        {
            "base": [0.0, 0.001, 0.0, 0.001],
            "crackdown": [0.012, 0.016, 0.011, 0.017],
            "other": [0.016, 0.011, 0.013, 0.014],
        }
    )
    options = next(
        x
        for x in summary_sentences(table, reps, ["base", "crackdown", "other"])
        if x.startswith("Short of a blockade")
    )
    assert "includes zero, so its sign is not settled with 4 replications" in options
    assert "could swap with more replications" in options


def test_identical_replications_are_named_not_shown_as_a_zero_width_interval():
    """A scenario that gives the same rate every time has no interval, and the text says so."""
    table, reps = build(
        {
            "base": [0.02, 0.02, 0.02],
            "crackdown": [0.05, 0.05, 0.05],
            "blockade": [0.30, 0.30, 0.30],
        }
    )
    s = text(table, reps, ["base", "crackdown", "blockade"])
    assert "the same in all 3 replications, so no interval can be estimated" in s
    assert "the same difference in all 3 paired replications" in s
    assert not re.search(r"CI (\S+)–\1", s)  # no "95% CI 5.0%–5.0%"
    assert not re.search(r"CI ([+-]\d+\.\d) to \1", s)


def test_all_zero_escalations_are_not_ranked():
    """No 'most escalation incidents (0.0)': with none anywhere, the summary says none."""
    table, reps = build(
        {"base": [0.01, 0.02, 0.01], "crackdown": [0.05, 0.06, 0.04], "surge": [0.07, 0.06, 0.08]}
    )
    s = text(table, reps, ["base", "crackdown", "surge"])
    assert "No scenario has an escalation incident in any replication." in s
    assert "most escalation" not in s and "(0.0" not in s


def test_a_blockade_without_incidents_says_so_instead_of_ranking_zeros():
    table, reps = build(
        {"base": [0.01, 0.02, 0.01], "crackdown": [0.05, 0.06, 0.04], "blockade": [0.3, 0.2, 0.25]}
    )
    s = text(table, reps, ["base", "crackdown", "blockade"])
    assert "with no escalation incident in any of its 3 replications" in s
    assert "0.0 escalation" not in s


def test_escalation_short_of_a_blockade_is_named_when_it_happens():
    table, reps = build(
        {"base": [0.01, 0.02, 0.01], "crackdown": [0.05, 0.06, 0.04], "rough": [0.07, 0.06, 0.08]},
        escalations={"base": [0, 0, 0], "crackdown": [0, 0, 0], "rough": [2, 3, 1]},
    )
    s = text(table, reps, ["base", "crackdown", "rough"])
    assert "Escalation incidents short of a blockade: rough (2.0 per run)." in s


def test_one_replication_gives_no_interval_and_says_so():
    table, reps = build({"base": [0.01], "crackdown": [0.05]})
    s = text(table, reps, ["base", "crackdown"])
    assert "one replication" in s and "CI" not in s


def test_petroleum_is_told_against_the_un_cap():
    s = text(*article_case())
    assert "falls from 3,400,000 to 3,200,000 bbl/yr (above the UN cap of 500,000 bbl/yr)" in s
    assert "let 880,000 bbl/yr of petroleum through (above the UN cap" in s


def test_equal_options_are_reported_as_a_tie():
    table, reps = build(
        {"base": [0.0, 0.01, 0.0], "a": [0.05, 0.04, 0.06], "b": [0.05, 0.04, 0.06]}
    )
    assert "a and b intercept the same share, 5.0%: no option leads." in text(
        table, reps, ["base", "a", "b"]
    )


def test_nothing_settled_anywhere_gives_one_clear_sentence():
    table = pd.DataFrame(
        [
            {
                "label": "a",
                "metric": "interception_rate",
                "mean": np.nan,
                "ci_low": np.nan,
                "ci_high": np.nan,
            }
        ]
    )
    reps = pd.DataFrame({"label": ["a"], "replication": [0], "interception_rate": [np.nan]})
    (only,) = summary_sentences(table, reps, ["a"])
    assert "No illicit voyage was settled" in only


def test_roles_are_found_by_name_with_sensible_fallbacks():
    r = find_roles(ARTICLE)
    assert (r.baseline, r.crackdown, r.blockade) == ("baseline_2017", "crackdown_2018", "blockade")
    assert r.options == ("crackdown_2018", "pacom_surge", "adaptive_smugglers")
    plain = find_roles(["random", "sweep", "barrier"])
    assert (plain.baseline, plain.crackdown, plain.blockade) == ("random", "sweep", None)


def test_one_line_per_scenario_from_its_description():
    lines = scenario_lines(
        {
            "baseline_2017": "UN sanctions in force (UNSCR 2375/2397). The United States flies...",
            "blockade": "Counterfactual naval blockade of DPRK ports: warships stop every vessel.",
            "opposed": "China opposed (rules.states: CHN all 0. Really) and more. Next sentence.",
        },
        ["baseline_2017", "blockade", "opposed", "nameless"],
    )
    assert lines == [
        "baseline_2017: UN sanctions in force (UNSCR 2375/2397).",
        "blockade: Counterfactual naval blockade of DPRK ports: warships stop every vessel.",
        "opposed: China opposed (rules.states: CHN all 0. Really) and more.",
        "nameless: (no description)",
    ]


@settings(max_examples=30, deadline=None)
@given(
    base=st.floats(0.0, 0.04),  # with the spread below, every mean stays under the 5% floor
    gain=st.floats(0.0, 0.5),
    spread=st.floats(0.0, 0.02),
)
def test_no_ratio_ever_appears_against_a_baseline_below_the_floor(base, gain, spread):
    """Property: whatever the crackdown achieves, a baseline under 5% is never a ratio's base."""
    rates = {
        "base": [base, base + spread / 2, base],
        "crackdown": [base + gain, base + gain + spread, base + gain],
    }
    table, reps = build(rates)
    s = text(table, reps, ["base", "crackdown"])
    assert " times " not in s
    assert not re.search(r"CI (\S+)–\1\b", s)


@pytest.mark.parametrize("labels", [ARTICLE, ARTICLE[:2], ARTICLE[:3]])
def test_every_sentence_is_finished_and_readable(labels):
    table, reps = article_case()
    for sentence in summary_sentences(table, reps, labels):
        assert sentence.endswith(".") and "nan" not in sentence.lower()
