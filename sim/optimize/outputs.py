"""Tables, runnable scenario files and a terminal summary from an `OptimizeResult`.

Files written by `write_outputs` (all in the output folder):

- ``candidates.csv``: one row per allocation: its objective against the declared smugglers
  (mean, 95% interval, replications spent, its paired gain over the declared allocation with
  a 95% interval, when selection eliminated it), its value when the
  smugglers best-respond to it, and its weight in the equilibrium mix.
- ``equilibrium.csv``: the patrol mix (``side = patrol``), the smugglers' response
  (``side = smugglers``) and the value of the game with its bootstrap interval
  (``side = value``).
- ``payoff_matrix.csv``: mean of every (allocation, response) cell over its replications.
- ``selection.csv``: the selection's history (survivors and means per stage).
- ``optimum.yaml``: the chosen allocation as a runnable scenario (the scenario's own duration).
- ``areas.csv``: equilibrium shares by area (patrol effort, smugglers' rendezvous), for the map.
- ``summary.json``: the headline numbers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from sim.optimize.problem import OBJECTIVE_LABELS, cell_data

__all__ = ["tables", "write_outputs", "summary_lines", "chosen_index", "effort_areas", "headline"]


def chosen_index(result: Any) -> int:
    """The allocation written to optimum.yaml: the equilibrium's main allocation.

    Against smugglers who respond, the patrol side's best commitment is the equilibrium mix; a
    scenario file holds one allocation, so it gets the mix's heaviest allocation (the mix
    itself is in equilibrium.csv). When the smugglers are not allowed to respond (one
    response), the equilibrium is the naive optimum chosen by selection.
    """
    if len(result.responses) == 1:
        return int(result.naive)
    return int(np.argmax(result.equilibrium["leader_mixed"]))


def _interval(values: np.ndarray) -> tuple[float, float, float]:
    v = np.asarray(values, dtype=float)
    m = float(v.mean())
    if len(v) < 2:
        return m, float("nan"), float("nan")
    half = float(stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v)))
    return m, m - half, m + half


def _paired_gain(result: Any, i: int) -> tuple[float, float, float]:
    """Allocation i minus the declared one against the declared smugglers, on common seeds."""
    d = result.declared
    if d is None:
        return float("nan"), float("nan"), float("nan")
    col = result.cells[result.cells["response"] == result.reference_response]
    a = col[col["allocation"] == i].set_index("replication")["objective"]
    b = col[col["allocation"] == d].set_index("replication")["objective"]
    common = sorted(set(a.index) & set(b.index))
    if i == d:
        return 0.0, float("nan"), float("nan")
    return _interval(a.loc[common].to_numpy() - b.loc[common].to_numpy())


def tables(result: Any) -> dict[str, pd.DataFrame]:
    """The CSV tables as DataFrames (also what the report plots)."""
    return {
        "candidates": _candidates(result),
        "equilibrium": _equilibrium_rows(result),
        "payoff_matrix": _payoff_matrix(result),
        "selection": _selection_history(result),
    }


def _candidates(result: Any) -> pd.DataFrame:
    """One row per allocation: objective against the declared smugglers, gain, equilibrium."""
    eq = result.equilibrium
    ref = result.reference_response
    sel = result.selection
    rows = []
    for i, a in enumerate(result.allocations):
        cells = result.cells
        mask = (cells["allocation"] == i) & (cells["response"] == ref)
        vals = cells.loc[mask, "objective"].to_numpy()
        m, lo, hi = _interval(vals)
        g, glo, ghi = _paired_gain(result, i)
        rows.append(
            {
                "allocation": i,
                "label": a.label,
                "strategy": a.kind or "as declared",
                "main_area": a.main_area or "",
                "share": a.share if a.share is not None else np.nan,
                "objective_mean": m,
                "ci_low": lo,
                "ci_high": hi,
                "replications": len(vals),
                "gain_vs_declared": g,
                "gain_ci_low": glo,
                "gain_ci_high": ghi,
                "eliminated_at": (sel.eliminated_at[i] if sel is not None else 0),
                "naive_choice": i == result.naive,
                "value_if_smugglers_respond": float(eq["pure_commitment_values"][i]),
                "equilibrium_weight": float(eq["leader_mixed"][i]),
                "bootstrap_main_allocation_share": float(eq["modal_frequency"][i]),
                "chosen": i == chosen_index(result),
            }
        )
    return pd.DataFrame(rows)


def _equilibrium_rows(result: Any) -> pd.DataFrame:
    """Each side's mixed strategy, then the patrol's value (interval) and the smugglers'."""
    eq = result.equilibrium
    eq_rows = [
        {
            "side": "patrol",
            "index": i,
            "label": a.label,
            "probability": float(p),
            "value": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
        }
        for i, (a, p) in enumerate(zip(result.allocations, eq["leader_mixed"], strict=True))
    ]
    eq_rows += [
        {
            "side": "smugglers",
            "index": j,
            "label": r.label,
            "probability": float(p),
            "value": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
        }
        for j, (r, p) in enumerate(zip(result.responses, eq["follower_mixed"], strict=True))
    ]
    lo, hi = eq["value_interval"]
    eq_rows.append(
        {
            "side": "value",
            "index": -1,
            "label": f"patrol {result.spec.objective}",
            "probability": np.nan,
            "value": eq["leader_value"],
            "ci_low": lo,
            "ci_high": hi,
        }
    )
    eq_rows.append(
        {
            "side": "value",
            "index": -1,
            "label": "smugglers' payoff",
            "probability": np.nan,
            "value": eq["follower_value"],
            "ci_low": np.nan,
            "ci_high": np.nan,
        }
    )
    return pd.DataFrame(eq_rows)


def _payoff_matrix(result: Any) -> pd.DataFrame:
    """Both payoffs of every (allocation, response) cell, long form."""
    return pd.DataFrame(
        [
            {
                "allocation": i,
                "allocation_label": a.label,
                "response": j,
                "response_label": r.label,
                "patrol_objective": float(result.leader_matrix[i, j]),
                "smugglers_payoff": float(result.follower_matrix[i, j]),
            }
            for i, a in enumerate(result.allocations)
            for j, r in enumerate(result.responses)
        ]
    )


def _selection_history(result: Any) -> pd.DataFrame:
    """Each allocation's running mean at every Kim-Nelson stage, and whether it is still in."""
    sel = result.selection
    hist = []
    if sel is not None:
        for r, alive, means in sel.history:
            for i, mu in enumerate(means):
                hist.append(
                    {
                        "replications": r,
                        "allocation": i,
                        "label": result.allocations[i].label,
                        "mean": mu,
                        "in_contention": i in alive,
                    }
                )
    return pd.DataFrame(hist)


def headline(result: Any) -> dict[str, Any]:
    """The numbers a reader wants first (also summary.json)."""
    sel = result.selection
    g = result.gains
    c = chosen_index(result)
    out: dict[str, Any] = {
        "scenario": result.scenario_name,
        "objective": result.spec.objective,
        "objective_label": OBJECTIVE_LABELS[result.spec.objective],
        "chosen": result.allocations[c].label,
        "naive_choice": result.allocations[result.naive].label,
        "equilibrium_mix": {
            a.label: float(p)
            for a, p in zip(result.allocations, result.equilibrium["leader_mixed"], strict=True)
            if p > 1e-6
        },
        "smugglers_response": {
            r.label: float(p)
            for r, p in zip(result.responses, result.equilibrium["follower_mixed"], strict=True)
            if p > 1e-6
        },
        "game_value": result.equilibrium["leader_value"],
        "game_value_interval": list(result.equilibrium["value_interval"]),
        "approximate_pcs": g.get("approximate_pcs"),
        "selection_settled": bool(sel.settled) if sel is not None else None,
        "selection_statement": (
            sel.statement([a.label for a in result.allocations])
            if sel is not None
            else "one allocation"
        ),
        "replications_total": int(len(result.cells)),
        "replications_run": result.replications_run,
        "wall_s": result.wall_s,
    }
    if "naive_gain" in g:
        out["naive_gain_over_declared"] = list(g["naive_gain"])
        out["naive_gain_replications"] = g["naive_gain_n"]
        out["naive_is_declared"] = result.naive == g["declared"]
        others = [i for i in range(len(result.allocations)) if i != g["declared"]]
        if others:
            best = max(
                others, key=lambda i: float(result.leader_matrix[i, result.reference_response])
            )
            out["best_alternative"] = result.allocations[best].label
            out["best_alternative_gain"] = list(_paired_gain(result, best))
        out["equilibrium_gain_over_declared"] = list(g["equilibrium_gain"])
    return out


def _norm(weights: dict[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    return {k: v / total for k, v in weights.items()} if total > 0 else weights


def _declared_patrol_areas(scenario: Any) -> dict[str, float]:
    from sim.optimize.problem import allocated_groups

    names = set(allocated_groups(scenario))
    out: dict[str, float] = {}
    for g in scenario.assets:
        if g.name not in names or not g.strategy.areas:
            continue
        w = g.strategy.weights or [1.0] * len(g.strategy.areas)
        for a, v in _norm(dict(zip(g.strategy.areas, w, strict=False))).items():
            out[a] = out.get(a, 0.0) + v * max(1, g.count)
    return _norm(out)


def _declared_rendezvous(scenario: Any) -> dict[str, float]:
    chosen = set(scenario.optimize.smugglers.programs) or {p.name for p in scenario.programs}
    out: dict[str, float] = {}
    for p in scenario.programs:
        if p.name not in chosen:
            continue
        w = p.rendezvous_weights or [1.0] * len(p.rendezvous_areas)
        for a, v in _norm(dict(zip(p.rendezvous_areas, w, strict=False))).items():
            out[a] = out.get(a, 0.0) + v * p.voyages_per_year
    return _norm(out)


def effort_areas(result: Any, scenario: Any) -> pd.DataFrame:
    """Equilibrium shares by area: patrol effort (the mix) and smugglers' rendezvous (response)."""
    areas_all = list(scenario.optimize.candidates.areas)
    patrol: dict[str, float] = {}
    for a, p in zip(result.allocations, result.equilibrium["leader_mixed"], strict=True):
        if p <= 0:
            continue
        if a.declared:
            w = _declared_patrol_areas(scenario)
        else:
            rest = [x for x in areas_all if x != a.main_area]
            share = 1.0 if a.share is None or not rest else a.share
            w = {a.main_area: share, **{x: (1 - share) / len(rest) for x in rest if share < 1}}
        for k, v in w.items():
            patrol[k] = patrol.get(k, 0.0) + p * v
    smug: dict[str, float] = {}
    for r, q in zip(result.responses, result.equilibrium["follower_mixed"], strict=True):
        if q <= 0:
            continue
        w = _declared_rendezvous(scenario) if r.rendezvous is None else dict(r.rendezvous)
        for k, v in w.items():
            smug[k] = smug.get(k, 0.0) + q * v
    rows = [{"side": "patrol", "area": k, "weight": v} for k, v in patrol.items()]
    rows += [{"side": "smugglers", "area": k, "weight": v} for k, v in smug.items()]
    return pd.DataFrame(rows, columns=["side", "area", "weight"])


def write_outputs(result: Any, scenario: Any, out_dir: str | Path) -> dict[str, pd.DataFrame]:
    """Write every table, ``optimum.yaml`` and ``summary.json``; return the tables."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tabs = tables(result)
    tabs["areas"] = effort_areas(result, scenario)
    for name, df in tabs.items():
        df.to_csv(out / f"{name}.csv", index=False)
    c = chosen_index(result)
    ref = result.responses[result.reference_response]
    data = cell_data(scenario, result.allocations[c], ref, evaluation=False)
    data["name"] = f"{scenario.name}_optimum"
    data["description"] = (
        f"{scenario.name} with the patrol allocation chosen by sanctions-sim optimize: "
        f"{result.allocations[c].label} (objective {result.spec.objective}). "
        + str(scenario.description).strip()
    )
    header = (
        f"# Written by sanctions-sim optimize from {scenario.name}: allocation "
        f"'{result.allocations[c].label}'.\n# The equilibrium mix is in equilibrium.csv; "
        "run with: sanctions-sim run optimum.yaml\n"
    )
    (out / "optimum.yaml").write_text(
        header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    )
    (out / "summary.json").write_text(json.dumps(headline(result), indent=1, default=float))
    return tabs


def _pct(v: float, objective: str) -> str:
    if objective == "barrels_vs_cap":
        return f"{v:+.2f} x cap"
    return f"{100 * v:+.2f} pts"


def summary_lines(result: Any) -> list[str]:
    """What the terminal prints: choice, gain with interval, response, certainty."""
    h = headline(result)
    obj = result.spec.objective
    lines = [f"objective: {h['objective_label']}"]
    lines.append(f"chosen allocation: {h['chosen']}")
    mix = ", ".join(f"{k} (p={v:.2f})" for k, v in h["equilibrium_mix"].items())
    lines.append(f"equilibrium patrol mix: {mix}")
    resp = ", ".join(f"{k} (p={v:.2f})" for k, v in h["smugglers_response"].items())
    lines.append(f"smugglers' response: {resp}")
    lo, hi = h["game_value_interval"]
    lines.append(f"value of the game: {h['game_value']:.4f} (bootstrap 95% [{lo:.4f}, {hi:.4f}])")
    if "naive_gain_over_declared" in h:
        m, lo, hi = h["naive_gain_over_declared"]
        if h["naive_is_declared"]:
            lines.append(
                f"naive choice against non-adaptive smugglers: {h['naive_choice']}, the "
                "scenario's own allocation (no gain to report)"
            )
            if "best_alternative" in h:
                m, lo, hi = h["best_alternative_gain"]
                lines.append(
                    f"best alternative: {h['best_alternative']}, {_pct(m, obj)} "
                    f"[{_pct(lo, obj)}, {_pct(hi, obj)}] against the declared allocation (paired)"
                )
        else:
            lines.append(
                f"naive choice against non-adaptive smugglers: {h['naive_choice']}; gain over the "
                f"declared allocation {_pct(m, obj)} [{_pct(lo, obj)}, {_pct(hi, obj)}] "
                f"(paired, {h['naive_gain_replications']} replications)"
            )
        m, lo, hi = h["equilibrium_gain_over_declared"]
        lines.append(
            f"equilibrium gain over the declared allocation when smugglers respond: "
            f"{_pct(m, obj)} [{_pct(lo, obj)}, {_pct(hi, obj)}] (bootstrap; optimistic: the "
            "equilibrium is chosen on the same data)"
        )
    lines.append(f"selection: {h['selection_statement']}")
    if h["approximate_pcs"] is not None:
        lines.append(
            f"estimated probability of correct selection (Bonferroni, from the sample means): "
            f"{h['approximate_pcs']:.2f}"
        )
    lines.append(
        f"{h['replications_total']} replications in {len(result.allocations)} x "
        f"{len(result.responses)} cells; {h['replications_run']} simulated by this run in "
        f"{h['wall_s'] / 60:.1f} min (the rest read back)"
    )
    return lines
