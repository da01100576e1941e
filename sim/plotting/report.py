"""Self-contained HTML report of a comparison or sweep, read back from its run directories.

``build_report(out_dir)`` reads ``experiment.json`` and each run directory (Parquet tables and
``_summary.json`` per replication), never a live run, and writes:

- ``report.html``: text summary, figures embedded as base64 PNG, metric and incident tables;
  no external CSS, JavaScript or fonts, so it opens offline;
- ``figures/*.png``: every figure on its own;
- ``comparison.csv``: per scenario and metric, the mean, the 95% t interval between
  replications and, for rates, the pooled Wilson interval.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.comparison import comparison_table, cumulative_by_day, intervals_overlap
from sim.analysis.metrics import UN_CAP_BBL_PER_YEAR
from sim.analysis.results import read_experiment, read_replications, read_table, run_dirs
from sim.analysis.stats import t_interval
from sim.analysis.tables import METRIC_LABELS
from sim.errors import UserError
from sim.plotting.figures import (
    plot_barrels,
    plot_cost_effectiveness,
    plot_cumulative,
    plot_rates,
    plot_scenario_map,
    plot_sweep,
)
from sim.plotting.style import style

__all__ = ["build_report", "load_experiment", "summary_sentences", "incidents_table"]

_EVENT_KINDS = ("transfer_start", "detection", "seizure", "diversion", "delivery")
_EVENT_COLS = ("t_h", "kind", "voyage", "lon", "lat")
_VOYAGE_COLS = ("voyage", "commodity", "sts_detected")
_EXTRA_LABELS = {
    "diversions": ("Diversions (per run)", "num"),
    "patrol_hours": ("Patrol hours, ships + aircraft (per run)", "int"),
    "ship_days": ("Ship-days at sea (per run)", "num"),
    "flight_hours": ("Aircraft flight hours (per run)", "int"),
}


def load_experiment(out_dir: str | Path, *, tables: bool = True) -> dict[str, Any]:
    """Read a comparison/sweep directory: manifest, replication rows, events and voyages.

    Returns:
        ``{"manifest", "runs", "reps", "events", "voyages"}``; every frame has a ``label``
        column naming its scenario/variant (and one column per sweep factor in ``reps``).

    Raises:
        UserError: when no run directory with replications is found.
    """
    out = Path(out_dir)
    runs = run_dirs(out)
    manifest = read_experiment(out) or {"kind": "compare", "runs": runs}
    reps, events, voyages = [], [], []
    for r in runs:
        rr = read_replications(r["path"])
        if rr.empty:
            continue
        rr.insert(0, "label", r["label"])
        for k, v in (r.get("factors") or {}).items():
            rr[k] = v
        reps.append(rr)
        if tables:
            e = read_table(r["path"], "events", columns=_EVENT_COLS, kinds=_EVENT_KINDS)
            e.insert(0, "label", r["label"])
            events.append(e)
            v = read_table(r["path"], "voyages", columns=_VOYAGE_COLS)
            v.insert(0, "label", r["label"])
            voyages.append(v)
    if not reps:
        raise UserError(
            f"{out}: no finished replications found (expected "
            "<run>/replications/replication=*/_summary.json)"
        )
    runs = [r for r in runs if r["label"] in {x["label"].iloc[0] for x in reps}]

    def cat(frames: list[pd.DataFrame]) -> pd.DataFrame:
        frames = [f for f in frames if len(f)]
        return (
            pd.concat(frames, ignore_index=True)
            if frames
            else pd.DataFrame(columns=["label", "replication"])
        )

    return {
        "manifest": manifest,
        "runs": runs,
        "reps": cat(reps),
        "events": cat(events),
        "voyages": cat(voyages),
    }


def _row(table: pd.DataFrame, label: str, metric: str) -> pd.Series:
    t = table[(table["label"] == label) & (table["metric"] == metric)]
    if t.empty:
        return pd.Series({"mean": math.nan, "ci_low": math.nan, "ci_high": math.nan})
    return t.iloc[0]


def _pct(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{100 * x:.1f}%"


def _ci_pct(r: pd.Series) -> str:
    if not (math.isfinite(r["ci_low"]) and math.isfinite(r["ci_high"])):
        return "no interval"
    return f"95% CI {_pct(r['ci_low'])}–{_pct(r['ci_high'])}"


def _hours(x: float) -> str:
    return (
        "n/a (no interceptions)"
        if not math.isfinite(x)
        else f"{x:,.0f} patrol hours per interception"
    )


def summary_sentences(table: pd.DataFrame, reps: pd.DataFrame, labels: Sequence[str]) -> list[str]:
    """Plain-language findings computed from the numbers (first label is the baseline).

    Covers: which scenario intercepts most and by how much versus the baseline, whether the
    95% intervals overlap, the paired difference on common random numbers, the cost in patrol
    hours per interception, and petroleum deliveries against the UN cap.
    """
    labels = list(labels)
    if not labels:
        return []
    base = labels[0]
    n = int(reps.groupby("label")["replication"].nunique().min()) if len(reps) else 0
    means = {g: float(_row(table, g, "interception_rate")["mean"]) for g in labels}
    finite = {g: m for g, m in means.items() if math.isfinite(m)}
    out: list[str] = []
    if not finite:
        return [
            "No illicit voyage was settled in any scenario "
            f"({n} replication(s) each): no interception "
            "rate can be computed; run longer or with more replications."
        ]
    best = max(finite, key=lambda g: finite[g])
    rb, r0 = _row(table, best, "interception_rate"), _row(table, base, "interception_rate")
    c_best = float(_row(table, best, "patrol_hours_per_interception")["mean"])
    c_base = float(_row(table, base, "patrol_hours_per_interception")["mean"])
    if len(labels) == 1:
        out.append(
            f"{base} intercepts {_pct(rb['mean'])} of settled illicit voyages ({_ci_pct(rb)}, "
            f"{n} replications), at {_hours(c_best)}."
        )
    elif all(abs(m - finite[best]) < 1e-12 for m in finite.values()):
        out.append(
            "No scenario intercepts more than another: all "
            f"intercept {_pct(finite[best])} of settled "
            f"illicit voyages ({n} replications each)."
        )
        dn = {g: float(_row(table, g, "denial_rate")["mean"]) for g in labels}
        dn = {g: v for g, v in dn.items() if math.isfinite(v)}
        if dn:
            top = max(dn, key=lambda g: dn[g])
            out.append(
                f"Counting transfers halted because allies were present, {top} denies the most: "
                f"{_pct(dn[top])} of settled voyages intercepted or disrupted "
                f"(baseline {base}: {_pct(dn.get(base, math.nan))})."
            )
    elif best == base:
        out.append(
            f"The baseline, {base}, intercepts the most: "
            f"{_pct(rb['mean'])} of settled illicit voyages "
            f"({_ci_pct(rb)}); no alternative does better."
        )
    else:
        diff = rb["mean"] - r0["mean"]
        ratio = f", {rb['mean'] / r0['mean']:.1f} times the baseline" if r0["mean"] > 0 else ""
        out.append(
            f"{best} intercepts the most: {_pct(rb['mean'])} "
            f"of settled illicit voyages ({_ci_pct(rb)}), "
            f"against {_pct(r0['mean'])} ({_ci_pct(r0)}) in the baseline {base}: "
            f"{100 * diff:+.1f} percentage points{ratio}."
        )
        ov = intervals_overlap((rb["ci_low"], rb["ci_high"]), (r0["ci_low"], r0["ci_high"]))
        if ov is None:
            sure = (
                "With fewer than two replications there are no "
                "intervals, so we cannot say how sure this is."
            )
        elif ov:
            sure = (
                f"The two 95% intervals overlap, so {n} replications "
                "do not settle the difference on their "
                "own"
            )
        else:
            sure = (
                "The two 95% intervals do not overlap: the "
                f"difference is clear with {n} replications"
            )
        if ov is not None:
            paired = _paired_difference(reps, best, base)
            if paired is not None:
                m, lo, hi = paired
                verdict = "excludes" if (lo > 0 or hi < 0) else "includes"
                sure += (
                    "; paired by replication (same random streams), "
                    f"the difference is {100 * m:+.1f} points "
                    f"(95% CI {100 * lo:+.1f} to {100 * hi:+.1f}), which {verdict} zero."
                )
            else:
                sure += "."
        out.append(sure)
        cost = f"The cost: {_hours(c_best)} in {best}"
        cost += (
            f", against {_hours(c_base)} in {base}."
            if math.isfinite(c_base)
            else f"; {base} intercepted nothing."
        )
        out.append(cost)
    bbl = {g: float(_row(table, g, "barrels_delivered_per_year")["mean"]) for g in labels}
    below = [g for g, v in bbl.items() if math.isfinite(v) and v <= UN_CAP_BBL_PER_YEAR]
    if all(math.isfinite(v) for v in bbl.values()):
        if not below:
            low = min(bbl, key=lambda g: bbl[g])
            out.append(
                "Refined petroleum reaching the DPRK stays "
                f"above the UN cap of {UN_CAP_BBL_PER_YEAR:,.0f} "
                f"bbl/yr in every scenario (lowest: {low}, {bbl[low]:,.0f} bbl/yr)."
            )
        else:
            out.append(
                "Petroleum deliveries fall to the UN cap of "
                f"{UN_CAP_BBL_PER_YEAR:,.0f} bbl/yr or below in: "
                f"{', '.join(below)}."
            )
    esc = {g: float(_row(table, g, "escalation_incidents")["mean"]) for g in labels}
    fpb = {g: float(_row(table, g, "false_positive_boardings")["mean"]) for g in labels}
    worst = max(labels, key=lambda g: (np.nan_to_num(esc[g]), np.nan_to_num(fpb[g])))
    if np.nan_to_num(esc[worst]) > 0 or np.nan_to_num(fpb[worst]) > 0:
        out.append(
            f"Risk: {worst} has the most escalation incidents ({esc[worst]:.1f} per run) and "
            f"{fpb[worst]:.1f} false-positive boardings per run (table below)."
        )
    return out


def _paired_difference(
    reps: pd.DataFrame, a: str, b: str, metric: str = "interception_rate"
) -> tuple[float, float, float] | None:
    ok = reps[reps["error"].fillna("") == ""] if "error" in reps else reps
    x = ok[ok["label"] == a].set_index("replication")[metric]
    y = ok[ok["label"] == b].set_index("replication")[metric]
    d = (x - y).dropna()
    if len(d) < 2:
        return None
    m, lo, hi = t_interval(d.to_numpy())
    return (m, lo, hi) if math.isfinite(lo) else None


def incidents_table(table: pd.DataFrame, labels: Sequence[str]) -> pd.DataFrame:
    """Escalation incidents and false-positive boardings per run, mean [95% interval].

    Per scenario.
    """

    def cell(g: str, m: str) -> str:
        r = _row(table, g, m)
        if not math.isfinite(r["mean"]):
            return "n/a"
        if math.isfinite(r["ci_low"]) and math.isfinite(r["ci_high"]):
            return f"{r['mean']:.1f} [{r['ci_low']:.1f}, {r['ci_high']:.1f}]"
        return f"{r['mean']:.1f}"

    return pd.DataFrame(
        {
            "Scenario": list(labels),
            "Escalation incidents per run": [cell(g, "escalation_incidents") for g in labels],
            "False-positive boardings per run": [
                cell(g, "false_positive_boardings") for g in labels
            ],
            "Seizures per run": [cell(g, "seizures") for g in labels],
            "Diversions per run": [cell(g, "diversions") for g in labels],
        }
    )


def _metrics_html(table: pd.DataFrame, labels: Sequence[str]) -> pd.DataFrame:
    metrics = list(dict.fromkeys(table["metric"]))
    rows = []
    for m in metrics:
        label, kind = {**METRIC_LABELS, **_EXTRA_LABELS}.get(m, (m.replace("_", " "), "num"))
        row = {"Metric": html.escape(label)}
        for g in labels:
            r = _row(table, g, m)
            f = (
                (lambda x: _pct(x))
                if kind == "pct"
                else (
                    lambda x: (
                        "n/a"
                        if not math.isfinite(x)
                        else f"{x:,.0f}"
                        if abs(x) >= 100
                        else f"{x:,.2f}"
                    )
                )
            )
            ci = (
                f"<br><small>[{f(r['ci_low'])}, {f(r['ci_high'])}]</small>"
                if math.isfinite(r["ci_low"]) and math.isfinite(r["ci_high"])
                else ""
            )
            row[html.escape(g)] = f"{f(r['mean'])}{ci}"
        rows.append(row)
    return pd.DataFrame(rows)


def _figure_of(ax: Axes) -> Figure:
    """The (root) figure an axes draws on."""
    fig = ax.figure
    return fig if isinstance(fig, Figure) else fig.figure


def _save(fig: Figure, path: Path) -> str:
    """Save a PNG and return it base64-encoded for embedding."""
    buf = io.BytesIO()
    with style():
        fig.savefig(buf, format="png", dpi=130, bbox_inches="tight")
    data = buf.getvalue()
    path.write_bytes(data)
    plt.close(fig)
    return base64.b64encode(data).decode("ascii")


_CSS = """
body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:1100px;
 margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:1px solid #ddd;
 padding-bottom:.2em;margin-top:1.8em}.meta{color:#555;font-size:.9em}
.summary{background:#f4f8fb;border-left:4px solid #0072B2;padding:.6em 1em}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.88em;color:#444}table{border-collapse:collapse;font-size:.88em;margin:.8em 0}
th,td{border:1px solid #ddd;padding:.3em .55em;text-align:right;vertical-align:top}
th{background:#f2f2f2}
td:first-child,th:first-child{text-align:left}small{color:#666}.maps{display:grid;
 grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:1em}
"""


def _span(values: Any) -> str:
    v = sorted(values)
    return f"{v[0]}" if v[0] == v[-1] else f"{v[0]}–{v[-1]}"


def _slug(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", s).strip("_") or "run"


def build_report(
    out_dir: str | Path,
    report_dir: str | Path | None = None,
    *,
    title: str | None = None,
    maps: bool = True,
) -> Path:
    """Write ``report.html``, ``figures/*.png`` and ``comparison.csv`` for an experiment directory.

    Args:
        out_dir: a comparison or sweep directory (``compare``/``sweep`` output) or a single run
            directory.
        report_dir: where to write (default: ``out_dir``).
        title: report title (default from the experiment kind).
        maps: draw one map per scenario (needs the theater; the slowest part).

    Returns:
        Path of ``report.html``.
    """
    exp = load_experiment(out_dir)
    manifest, runs, reps = exp["manifest"], exp["runs"], exp["reps"]
    labels = [r["label"] for r in runs]
    kind = manifest.get("kind", "compare")
    rd = Path(report_dir) if report_dir is not None else Path(out_dir)
    figdir = rd / "figures"
    figdir.mkdir(parents=True, exist_ok=True)
    table = comparison_table(reps, by="label", order=labels)
    factor_keys = list((manifest.get("vary") or {}).keys())
    csv = table.copy()
    for k in factor_keys:
        csv[k] = csv["label"].map({r["label"]: (r.get("factors") or {}).get(k) for r in runs})
    csv.rename(columns={"label": "scenario"}).to_csv(rd / "comparison.csv", index=False)

    dur = {r["label"]: r.get("duration_days") for r in runs}
    durations = {v for v in dur.values() if v}
    run_days = durations.pop() if len(durations) == 1 else None
    warm = {r.get("warmup_days") for r in runs}
    warmup = warm.pop() if len(warm) == 1 else None
    n_by = reps.groupby("label")["replication"].nunique().to_dict()

    figs: list[tuple[str, str, str]] = []  # (title, caption, base64)

    def add(name: str, fig: Figure, heading: str, caption: str) -> None:
        figs.append((heading, caption, _save(fig, figdir / f"{name}.png")))

    if kind == "sweep" and factor_keys:
        fig = plot_sweep(csv.rename(columns={"scenario": "label"}), manifest["vary"])
        add(
            "sweep",
            fig,
            "Metrics against the varied parameters",
            "Mean over replications with 95% t intervals between replications.",
        )
    noun = "variant" if kind == "sweep" else "scenario"
    add(
        "interception",
        _figure_of(plot_rates(table, title=f"Interception rate and cargo denied, by {noun}")),
        "Interception rate and cargo denied",
        "Interception rate: seized + diverted voyages "
        "over settled illicit voyages (after warm-up). "
        "Cargo denied: cargo seized, diverted or turned back over cargo loaded. Points: mean; "
        "bars: 95% t interval between replications.",
    )
    add(
        "petroleum",
        _figure_of(plot_barrels(table)),
        "Refined petroleum delivered against the UN cap",
        "Barrels of refined petroleum delivered to DPRK "
        "ports, annualised, per scenario; dashed line: "
        f"UNSCR 2397 cap of {UN_CAP_BBL_PER_YEAR:,.0f} bbl/yr.",
    )
    add(
        "cost",
        plot_cost_effectiveness(table, run_days=run_days),
        "Cost-effectiveness",
        "Left: patrol hours (ship hours at sea + aircraft hours airborne) per interception against "
        "interception rate. Right: the effort behind it, ship-days and flight hours per run.",
    )
    ev, vo = exp["events"], exp["voyages"]
    if len(ev):
        tl = cumulative_by_day(
            ev, vo if len(vo) else None, replications=n_by, days=dur if all(dur.values()) else None
        )
        add(
            "timeline",
            plot_cumulative(tl, warmup_days=warmup),
            "Deliveries and interdictions through the run",
            "Mean cumulative count over replications by day: "
            "petroleum deliveries to DPRK ports (left) and "
            "seizures + diversions (right). Grey: warm-up, not counted in the metrics.",
        )
    map_figs: list[tuple[str, str, str]] = []
    if maps and len(ev) and kind != "sweep":
        theaters = {r.get("theater") for r in runs if r.get("theater")}
        if theaters:
            from sim.geo import load_theater

            loaded = {t: load_theater(t) for t in theaters}
            for r in runs:
                th = loaded.get(r.get("theater"))
                if th is None:
                    continue
                g = r["label"]
                ax = plot_scenario_map(
                    th,
                    ev[ev["label"] == g],
                    vo[vo["label"] == g],
                    title=f"{g}: transfers, interdictions and detections",
                )
                map_figs.append((g, "", _save(_figure_of(ax), figdir / f"map_{_slug(g)}.png")))

    sentences = summary_sentences(table, reps, labels)
    failed = int((reps["error"].fillna("") != "").sum()) if "error" in reps else 0
    title = title or ("Parameter sweep" if kind == "sweep" else "Scenario comparison")
    meta = (
        f"{len(labels)} {'variants' if kind == 'sweep' else 'scenarios'}, "
        f"{_span(n_by.values())} replications each, seed {manifest.get('seed', '?')}, "
        f"common random numbers; sanctions-sim {manifest.get('version', '')}"
        + (f"; {run_days:g} simulated days per run" if run_days else "")
        + (f"; <b>{failed} failed replication(s) left out</b>" if failed else "")
    )
    parts = [
        (
            "<!DOCTYPE html><html lang='en'><head><meta "
            f"charset='utf-8'><title>{html.escape(title)}</title>"
        ),
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p class='meta'>{meta}. Baseline: <b>{html.escape(labels[0])}</b>.</p>",
        "<div class='summary'>" + "".join(f"<p>{html.escape(s)}</p>" for s in sentences) + "</div>",
    ]
    for heading, caption, b64 in figs:
        parts.append(
            f"<h2>{html.escape(heading)}</h2><figure><img alt='{html.escape(heading)}' "
            f"src='data:image/png;base64,{b64}'><figcaption>{html.escape(caption)}</figcaption></figure>"
        )
    parts.append("<h2>Escalation incidents and false-positive boardings</h2>")
    parts.append("<p>Per run: mean [95% t interval between replications].</p>")
    parts.append(incidents_table(table, labels).to_html(index=False, border=0, escape=True))
    if map_figs:
        parts.append(
            "<h2>Maps</h2><p>Transfer starts (filled: detected "
            "while alongside; hollow: not detected), "
            "seizures and diversions, over a heat map of "
            "allied detection positions (where patrols saw "
            "vessels), all replications pooled. Zones shaded "
            "lightly by coastal state.</p><div class='maps'>"
        )
        for g, _, b64 in map_figs:
            parts.append(
                f"<figure><img alt='map {html.escape(g)}' src='data:image/png;base64,{b64}'>"
                f"<figcaption>{html.escape(g)}</figcaption></figure>"
            )
        parts.append("</div>")
    parts.append(
        "<h2>All metrics</h2><p>Mean and [95% t interval between replications]; "
        "<code>comparison.csv</code> also holds the pooled Wilson intervals for rates.</p>"
    )
    parts.append(_metrics_html(table, labels).to_html(index=False, border=0, escape=False))
    parts.append("</body></html>")
    path = rd / "report.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
