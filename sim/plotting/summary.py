"""The report's plain-language summary, in the order the article asks its question.

1. What the 2018 crackdown achieves against the 2017 baseline.
2. Which option short of a blockade is best, and whether its lead is settled (a paired interval
   on common random numbers).
3. What the blockade counterfactual would add, and at what escalation cost.

Every number comes from the comparison table (``sim.analysis.comparison.comparison_table``)
and the replication rows; nothing is hard-coded. The wording follows four rules, each tested in
``tests/plotting/test_summary.py``:

- no ratio to a near-zero baseline ("441 times" a baseline of 0.1% says nothing);
- a zero-width interval is never shown as certainty: identical replications are called that;
- no superlative on zeros ("most escalation incidents (0.0)");
- one line per scenario saying what it is, from its ``description``.

Roles are found by name: the first scenario is the baseline, a scenario named ``*crackdown*``
is the crackdown (else the second scenario), one named ``*blockade*`` is the counterfactual.
Any other comparison (patrol strategies, sweeps) gets the same three parts with what it has.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from sim.analysis.metrics import UN_CAP_BBL_PER_YEAR
from sim.analysis.stats import t_interval

__all__ = [
    "summary_sentences",
    "scenario_lines",
    "Roles",
    "find_roles",
    "RATIO_FLOOR",
]

RATIO_FLOOR = 0.05
"""Smallest baseline interception rate (fraction) against which a ratio is quoted. Assumption:
below 5% a ratio mostly measures the baseline's noise (0.1% to 1.4% is "14 times" on a handful
of seizures), so the summary gives percentage points instead."""

_TIE = 1e-12
"""Means closer than this (fraction) are reported as equal (floating-point noise only)."""


@dataclass(frozen=True)
class Roles:
    """Which scenario plays which part in the article's question."""

    baseline: str
    crackdown: str | None
    blockade: str | None
    options: tuple[str, ...]
    """Scenarios short of a blockade other than the baseline (the crackdown included)."""


def find_roles(labels: Sequence[str]) -> Roles:
    """Baseline (first), crackdown (``*crackdown*``, else the second), blockade (``*blockade*``)."""
    labels = list(labels)
    base = labels[0]
    rest = labels[1:]
    blockade = next((g for g in rest if "blockade" in g.lower()), None)
    short = [g for g in rest if g != blockade]
    crackdown = next((g for g in short if "crackdown" in g.lower()), short[0] if short else None)
    return Roles(base, crackdown, blockade, tuple(short))


# ---- formatting ---------------------------------------------------------------------------


def _row(table: pd.DataFrame, label: str, metric: str) -> pd.Series:
    t = table[(table["label"] == label) & (table["metric"] == metric)]
    if t.empty:
        return pd.Series({"mean": math.nan, "ci_low": math.nan, "ci_high": math.nan})
    return t.iloc[0]


def _mean(table: pd.DataFrame, label: str, metric: str) -> float:
    return float(_row(table, label, metric)["mean"])


def _pct(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{100 * x:.1f}%"


def _interval(r: pd.Series, n: int, fmt: str = "pct") -> str:
    """``95% CI a–b``; identical replications and single runs are named, never a zero width."""
    f = _pct if fmt == "pct" else (lambda x: f"{x:,.0f}")
    lo, hi = float(r["ci_low"]), float(r["ci_high"])
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return "one replication, no interval" if n < 2 else "no interval"
    if hi - lo <= _TIE:
        return f"the same in all {n} replications, so no interval can be estimated"
    return f"95% CI {f(lo)}–{f(hi)}"


def _rate(table: pd.DataFrame, g: str, n: int) -> str:
    r = _row(table, g, "interception_rate")
    return f"{_pct(float(r['mean']))} ({_interval(r, n)})"


def _points(x: float) -> str:
    return f"{100 * x:+.1f} percentage points"


def _paired(
    reps: pd.DataFrame, a: str, b: str, metric: str = "interception_rate"
) -> tuple[float, float, float, int] | None:
    """Mean and 95% t interval of ``a - b`` over common replications, with their number."""
    ok = reps[reps["error"].fillna("") == ""] if "error" in reps else reps
    x = ok[ok["label"] == a].groupby("replication")[metric].mean()
    y = ok[ok["label"] == b].groupby("replication")[metric].mean()
    d = (x - y).dropna()
    if len(d) < 1:
        return None
    m, lo, hi = t_interval(d.to_numpy(dtype=float))
    return float(m), float(lo), float(hi), len(d)


def _paired_clause(reps: pd.DataFrame, a: str, b: str) -> tuple[str, bool | None]:
    """How sure the difference ``a - b`` is: a bracketed remark and settled (None: cannot say).

    The remark is the paired 95% t interval over common replications (the same random streams
    in both scenarios), with its verdict; identical differences are called that (rule 2).
    """
    p = _paired(reps, a, b)
    if p is None:
        return "no common replication to pair", None
    m, lo, hi, k = p
    if k < 2:
        return "one replication: how sure this is cannot be said", None
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi - lo <= _TIE:
        return (
            f"the same difference in all {k} paired replications, so no interval can be "
            "estimated; more seeds would show its spread",
            None,
        )
    settled = lo > 0 or hi < 0
    verdict = (
        "settled" if settled else f"includes zero, so its sign is not settled with {k} replications"
    )
    return (
        f"paired over the same {k} random streams: 95% CI {100 * lo:+.1f} to "
        f"{100 * hi:+.1f} points, {verdict}",
        settled,
    )


def _ratio(table: pd.DataFrame, a: str, b: str) -> str:
    """``, 3.2 times b`` when b's rate is clearly above zero; empty otherwise (rule 1)."""
    ra, rb = _row(table, a, "interception_rate"), _row(table, b, "interception_rate")
    base, low = float(rb["mean"]), float(rb["ci_low"])
    if not (math.isfinite(base) and base >= RATIO_FLOOR and math.isfinite(low) and low > 0):
        return ""
    return f", {float(ra['mean']) / base:.1f} times {b}'s rate"


def _per_run(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:.1f}"


# ---- the three parts ------------------------------------------------------------------------


def _part_crackdown(table: pd.DataFrame, reps: pd.DataFrame, roles: Roles, n: int) -> list[str]:
    """(1) What the crackdown achieves against the baseline."""
    base, cd = roles.baseline, roles.crackdown
    if cd is None:
        return [f"{base} intercepts {_rate(table, base, n)} of settled illicit voyages."]
    r0 = _mean(table, base, "interception_rate")
    d = _mean(table, cd, "interception_rate") - r0
    clause, _ = _paired_clause(reps, cd, base)
    name = f"The 2018 crackdown ({cd})" if "crackdown" in cd.lower() else cd
    almost = ", almost none" if 0 < r0 < RATIO_FLOOR else ""
    out = [
        f"{name} intercepts {_rate(table, cd, n)} of settled illicit voyages, against "
        f"{_rate(table, base, n)} in {base}{almost}: {_points(d)}{_ratio(table, cd, base)} "
        f"({clause})."
    ]
    b0, b1 = (_mean(table, g, "barrels_delivered_per_year") for g in (base, cd))
    if math.isfinite(b0) and math.isfinite(b1):
        verb = "falls" if b1 < b0 else "rises" if b1 > b0 else "stays"
        out.append(
            f"Refined petroleum reaching the DPRK {verb} from {b0:,.0f} to {b1:,.0f} bbl/yr "
            + _against_cap(b1)
            + "."
        )
    return out


def _against_cap(bbl: float) -> str:
    cap = UN_CAP_BBL_PER_YEAR
    return (
        f"(above the UN cap of {cap:,.0f} bbl/yr)"
        if bbl > cap
        else f"(within the UN cap of {cap:,.0f} bbl/yr)"
    )


def _part_options(table: pd.DataFrame, reps: pd.DataFrame, roles: Roles, n: int) -> list[str]:
    """(2) The best option short of a blockade, and whether its lead is settled."""
    opts = [g for g in roles.options if math.isfinite(_mean(table, g, "interception_rate"))]
    if len(opts) < 2:
        return []
    ranked = sorted(opts, key=lambda g: -_mean(table, g, "interception_rate"))
    best, second = ranked[0], ranked[1]
    lead = _mean(table, best, "interception_rate") - _mean(table, second, "interception_rate")
    if abs(lead) <= _TIE:
        top = _mean(table, best, "interception_rate")
        tied = [g for g in ranked if abs(_mean(table, g, "interception_rate") - top) <= _TIE]
        return [
            f"Short of a blockade, {' and '.join(tied)} intercept the same share, "
            f"{_pct(top)}: no option leads."
        ]
    clause, settled = _paired_clause(reps, best, second)
    tail = {
        True: "",
        False: "The lead is not settled: these two could swap with more replications.",
        None: "Whether the lead holds cannot be said from these replications.",
    }[settled]
    hours = _mean(table, best, "patrol_hours_per_interception")
    cost = f", at {hours:,.0f} patrol hours per interception" if math.isfinite(hours) else ""
    return [
        f"Short of a blockade, {best} intercepts the most of {len(opts)} options: "
        f"{_rate(table, best, n)}{cost}. Its lead over the next, {second} "
        f"({_pct(_mean(table, second, 'interception_rate'))}), is {_points(lead)} ({clause})."
        + (f" {tail}" if tail else "")
    ]


def _part_blockade(
    table: pd.DataFrame, reps: pd.DataFrame, roles: Roles, n: int, best_short: str | None
) -> list[str]:
    """(3) What the blockade would add over the best option short of it, and its cost."""
    bl = roles.blockade
    if bl is None or not math.isfinite(_mean(table, bl, "interception_rate")):
        return []
    ref = best_short or roles.baseline
    add = _mean(table, bl, "interception_rate") - _mean(table, ref, "interception_rate")
    clause, _ = _paired_clause(reps, bl, ref)
    esc = _row(table, bl, "escalation_incidents")
    fpb = _mean(table, bl, "false_positive_boardings")
    if not math.isfinite(float(esc["mean"])):
        risk = "its escalation incidents were not recorded"
    elif float(esc["mean"]) <= 0:
        risk = f"with no escalation incident in any of its {n} replications"
    else:
        risk = (
            f"at a cost of {_per_run(float(esc['mean']))} escalation incidents per run "
            f"({_interval(esc, n, fmt='num')})"
        )
        if math.isfinite(fpb) and fpb > 0:
            risk += f" and {_per_run(fpb)} false-positive boardings per run"
    bbl = _mean(table, bl, "barrels_delivered_per_year")
    oil = (
        f" and let {bbl:,.0f} bbl/yr of petroleum through {_against_cap(bbl)}"
        if math.isfinite(bbl)
        else ""
    )
    return [
        f"The {bl} counterfactual would intercept {_rate(table, bl, n)}, {_points(add)} over "
        f"{ref} ({clause}){oil}, {risk}."
    ]


def _part_risk(table: pd.DataFrame, labels: Sequence[str], roles: Roles) -> list[str]:
    """Escalation elsewhere than the blockade, named only when it is not zero (rule 3)."""
    esc = {g: _mean(table, g, "escalation_incidents") for g in labels if g != roles.blockade}
    nonzero = {g: v for g, v in esc.items() if math.isfinite(v) and v > 0}
    if not nonzero:
        if roles.blockade is None and all(math.isfinite(v) for v in esc.values()):
            return ["No scenario has an escalation incident in any replication."]
        return []
    listed = ", ".join(
        f"{g} ({_per_run(v)} per run)" for g, v in sorted(nonzero.items(), key=lambda kv: -kv[1])
    )
    return [f"Escalation incidents short of a blockade: {listed}."]


def summary_sentences(table: pd.DataFrame, reps: pd.DataFrame, labels: Sequence[str]) -> list[str]:
    """Plain-language findings in the article's order (first label is the baseline).

    Args:
        table: ``comparison_table`` output (``label, metric, mean, ci_low, ci_high``).
        reps: one row per (label, replication), for paired differences.
        labels: scenarios in report order.

    Returns:
        Sentences: the crackdown against the baseline, the best option short of a blockade and
        whether its lead is settled, the blockade's addition and its escalation cost, then any
        escalation elsewhere.
    """
    labels = list(labels)
    if not labels:
        return []
    n = int(reps.groupby("label")["replication"].nunique().min()) if len(reps) else 0
    rates = {g: _mean(table, g, "interception_rate") for g in labels}
    if not any(math.isfinite(v) for v in rates.values()):
        return [
            f"No illicit voyage was settled in any scenario ({n} replication(s) each): no "
            "interception rate can be computed; run longer or with more replications."
        ]
    roles = find_roles(labels)
    opts = [g for g in roles.options if math.isfinite(rates[g])]
    best_short = max(opts, key=lambda g: rates[g]) if opts else None
    return [
        *_part_crackdown(table, reps, roles, n),
        *_part_options(table, reps, roles, n),
        *_part_blockade(table, reps, roles, n, best_short),
        *_part_risk(table, labels, roles),
    ]


def _first_sentence(text: str) -> str:
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch in "([") - (ch in ")]")
        if ch == "." and depth <= 0 and re.match(r"\s+[A-Z]", text[i + 1 :]):
            return text[: i + 1]
    return text


def scenario_lines(descriptions: Mapping[str, str], labels: Sequence[str]) -> list[str]:
    """One line per scenario: its name and the first sentence of its ``description``.

    A sentence ends at a full stop followed by a capital, outside brackets (a colon or a
    semicolon inside a sentence, as in "(rules.states: CHN and RUS all 0)", does not end it).
    """
    out = []
    for g in labels:
        text = " ".join(str(descriptions.get(g) or "").split())
        first = _first_sentence(text)
        out.append(f"{g}: {first}" if first else f"{g}: (no description)")
    return out
