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

import html
import logging
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.comparison import comparison_table, cumulative_by_day
from sim.analysis.metrics import UN_CAP_BBL_PER_YEAR
from sim.analysis.results import read_experiment, read_replications, read_table, run_dirs
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
from sim.plotting.page import REPORT_CSS, save_figure
from sim.plotting.summary import scenario_lines, summary_sentences

if TYPE_CHECKING:
    from sim.geo.theater import Theater

__all__ = [
    "Experiment",
    "build_report",
    "load_experiment",
    "summary_sentences",
    "incidents_table",
]

_log = logging.getLogger(__name__)

_EVENT_KINDS = ("transfer_start", "detection", "seizure", "diversion", "delivery")
_EVENT_COLS = ("t_h", "kind", "voyage", "lon", "lat")
_MAP_KINDS = ("detection", "transfer_start", "seizure", "diversion")
_MAP_EVENT_COLS = ("t_h", "kind", "vessel", "asset", "reason", "place", "lon", "lat")
"""What the interactive map shows of each event (hover: vessel, asset, reason, place)."""
_VOYAGE_COLS = ("voyage", "commodity", "sts_detected")
_EXTRA_LABELS = {
    "diversions": ("Diversions (per run)", "num"),
    "patrol_hours": ("Patrol hours, ships + aircraft (per run)", "int"),
    "ship_days": ("Ship-days at sea (per run)", "num"),
    "flight_hours": ("Aircraft flight hours (per run)", "int"),
}


class Experiment(TypedDict):
    """A comparison or sweep read back from its run directories (:func:`load_experiment`)."""

    manifest: dict[str, Any]
    runs: list[dict[str, Any]]
    reps: pd.DataFrame
    events: pd.DataFrame
    voyages: pd.DataFrame


def load_experiment(out_dir: str | Path, *, tables: bool = True) -> Experiment:
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


def _num(x: float) -> str:
    if not math.isfinite(x):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.2f}"


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
            f = _pct if kind == "pct" else _num
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


def _span(values: Any) -> str:
    v = sorted(values)
    return f"{v[0]}" if v[0] == v[-1] else f"{v[0]}–{v[-1]}"


def _slug(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", s).strip("_") or "run"


def _description(run: dict[str, Any]) -> str:
    """The scenario's ``description``: from the manifest, else its ``scenario.resolved.yaml``."""
    if run.get("description"):
        return str(run["description"])
    f = Path(run["path"]) / "scenario.resolved.yaml"
    if not f.is_file():
        return ""
    import yaml

    try:
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return ""
    return str(data.get("description") or "") if isinstance(data, dict) else ""


def _write_csv(
    table: pd.DataFrame, runs: list[dict[str, Any]], factor_keys: list[str], rd: Path
) -> pd.DataFrame:
    """``comparison.csv``: the table with a ``scenario`` column and one column per factor."""
    csv = table.copy()
    for k in factor_keys:
        csv[k] = csv["label"].map({r["label"]: (r.get("factors") or {}).get(k) for r in runs})
    csv.rename(columns={"label": "scenario"}).to_csv(rd / "comparison.csv", index=False)
    return csv


def _only(values: Any) -> Any:
    """The single value shared by all, else None."""
    distinct = {v for v in values if v}
    return distinct.pop() if len(distinct) == 1 else None


Fig = tuple[str, str, str]
"""A report figure: (heading, caption, base64 PNG)."""


class _Chart(NamedTuple):
    """A chart still to draw: file name, heading, caption, and how to draw it."""

    name: str
    heading: str
    caption: str
    draw: Callable[[], Figure]


def _chart_plan(exp: Experiment, table: pd.DataFrame, csv: pd.DataFrame) -> list[_Chart]:
    """The charts: sweep, rates, petroleum, cost and timeline (drawn when the plan is run)."""
    manifest, runs = exp["manifest"], exp["runs"]
    kind = manifest.get("kind", "compare")
    dur = {r["label"]: r.get("duration_days") for r in runs}
    run_days = _only(dur.values())
    plan: list[_Chart] = []
    if kind == "sweep" and manifest.get("vary"):
        plan.append(
            _Chart(
                "sweep",
                "Metrics against the varied parameters",
                "Mean over replications with 95% t intervals between replications.",
                lambda: plot_sweep(csv.rename(columns={"scenario": "label"}), manifest["vary"]),
            )
        )
    noun = "variant" if kind == "sweep" else "scenario"
    plan.append(
        _Chart(
            "interception",
            "Interception rate and cargo denied",
            "Interception rate: seized + diverted voyages "
            "over settled illicit voyages (after warm-up). "
            "Cargo denied: cargo seized, diverted or turned back over cargo loaded. Points: "
            "mean; bars: 95% t interval between replications.",
            lambda: _figure_of(
                plot_rates(table, title=f"Interception rate and cargo denied, by {noun}")
            ),
        )
    )
    plan.append(
        _Chart(
            "petroleum",
            "Refined petroleum delivered against the UN cap",
            "Barrels of refined petroleum delivered to DPRK "
            "ports, annualised, per scenario; dashed line: "
            f"UNSCR 2397 cap of {UN_CAP_BBL_PER_YEAR:,.0f} bbl/yr.",
            lambda: _figure_of(plot_barrels(table)),
        )
    )
    plan.append(
        _Chart(
            "cost",
            "Cost-effectiveness",
            "Left: patrol hours (ship hours at sea + aircraft hours airborne) per interception "
            "against interception rate. Right: the effort behind it, ship-days and flight hours "
            "per run.",
            lambda: plot_cost_effectiveness(table, run_days=run_days),
        )
    )
    ev, vo = exp["events"], exp["voyages"]
    if len(ev):

        def timeline() -> Figure:
            n_by = exp["reps"].groupby("label")["replication"].nunique().to_dict()
            days = {k: float(v) for k, v in dur.items() if v} if all(dur.values()) else None
            tl = cumulative_by_day(ev, vo if len(vo) else None, replications=n_by, days=days)
            return plot_cumulative(tl, warmup_days=_only(r.get("warmup_days") for r in runs))

        plan.append(
            _Chart(
                "timeline",
                "Deliveries and interdictions through the run",
                "Mean cumulative count over replications by day: "
                "petroleum deliveries to DPRK ports (left) and "
                "seizures + diversions (right; when one scenario dwarfs the others, an inset "
                "shows the rest on their own scale). Grey: warm-up, not counted in the metrics.",
                timeline,
            )
        )
    return plan


class _Steps:
    """Numbers the report's slow steps and logs each as it starts (``sim`` logger, INFO).

    The CLI shows these under its "building the report" stage (``sim.cli.common.Progress``),
    on a terminal as the stage's current step, in a log as one line each.
    """

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0

    def __call__(self, what: str) -> None:
        self.done += 1
        _log.info("%d/%d %s", self.done, self.total, what)


def _chart_figures(plan: list[_Chart], figdir: Path, step: _Steps) -> list[Fig]:
    """Draw the planned charts, each also saved as a PNG."""
    figs: list[Fig] = []
    for c in plan:
        step(f"figure: {c.heading}")
        figs.append((c.heading, c.caption, save_figure(c.draw(), figdir / f"{c.name}.png")))
    return figs


def _map_runs(exp: Experiment) -> list[dict[str, Any]]:
    """The runs that get a static map: those with a theater, when there are events at all."""
    with_theater = [r for r in exp["runs"] if r.get("theater")]
    return with_theater if len(exp["events"]) else []


def _interactive_runs(exp: Experiment) -> list[dict[str, Any]]:
    """The runs that get an interactive page: a theater, events, and Bokeh installed."""
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return []
    ev = exp["events"]
    return [
        r for r in exp["runs"] if r.get("theater") and len(ev) and (ev["label"] == r["label"]).any()
    ]


def _theater(name: str) -> Theater:
    """The run's theater (memoised; on a cold cache its build logs its steps)."""
    from sim.geo import load_theater

    return load_theater(name)


def _map_figures(
    exp: Experiment, runs: list[dict[str, Any]], figdir: Path, step: _Steps
) -> list[Fig]:
    """One static map per run in ``runs`` (see :func:`_map_runs`)."""
    ev, vo = exp["events"], exp["voyages"]
    out: list[Fig] = []
    for r in runs:
        g = r["label"]
        step(f"map: {g}")
        ax = plot_scenario_map(
            _theater(r["theater"]),
            ev[ev["label"] == g],
            vo[vo["label"] == g],
            title=f"{g}: transfers, interdictions and detections",
        )
        out.append((g, "", save_figure(_figure_of(ax), figdir / f"map_{_slug(g)}.png")))
    return out


def _interactive_maps(
    exp: Experiment, runs: list[dict[str, Any]], rd: Path, step: _Steps
) -> dict[str, str]:
    """An offline interactive map of the first replication per run; label -> relative link.

    Written only when the optional Bokeh extra is installed (``pip install '.[map]'``; see
    :func:`_interactive_runs`).
    """
    from sim.plotting.interactive import interactive_map

    links: dict[str, str] = {}
    for r in runs:
        step(f"interactive map: {r['label']}")
        ev = exp["events"]
        first = int(ev.loc[ev["label"] == r["label"], "replication"].min())
        full = read_table(r["path"], "events", columns=_MAP_EVENT_COLS, kinds=_MAP_KINDS)
        m = interactive_map(
            _theater(r["theater"]),
            full[full["replication"] == first],
            title=f"{r['label']}: replication {first}",
        )
        rel = f"interactive/{_slug(r['label'])}.html"
        m.save(rd / rel)
        links[r["label"]] = rel
    return links


def _meta(exp: Experiment, labels: Sequence[str]) -> str:
    """The line under the title: runs, replications, seed, version, precision reached."""
    manifest, runs, reps = exp["manifest"], exp["runs"], exp["reps"]
    kind = manifest.get("kind", "compare")
    n_by = reps.groupby("label")["replication"].nunique().to_dict()
    run_days = _only(r.get("duration_days") for r in runs)
    failed = int((reps["error"].fillna("") != "").sum()) if "error" in reps else 0
    precision = (manifest.get("precision") or {}).get("statement")
    return (
        f"{len(labels)} {'variants' if kind == 'sweep' else 'scenarios'}, "
        f"{_span(n_by.values())} replications each, seed {manifest.get('seed', '?')}, "
        f"common random numbers; sanctions-sim {manifest.get('version', '')}"
        + (f"; {run_days:g} simulated days per run" if run_days else "")
        + (f"; <b>{failed} failed replication(s) left out</b>" if failed else "")
        + "."
        + (f"<br>Replications: {html.escape(precision)}." if precision else "")
    )


def _figure_html(heading: str, caption: str, b64: str) -> str:
    return (
        f"<h2>{html.escape(heading)}</h2><figure><img alt='{html.escape(heading)}' "
        f"src='data:image/png;base64,{b64}'><figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _maps_html(map_figs: list[Fig], links: dict[str, str]) -> list[str]:
    """The maps section: static maps side by side, each linked to its interactive page."""
    if not map_figs and not links:
        return []
    parts = [
        "<h2>Maps</h2><p>Transfer starts (filled: detected while alongside; hollow: not "
        "detected), seizures and diversions, over a heat map of allied detection positions "
        "(where patrols saw vessels), all replications pooled. Zones shaded lightly by coastal "
        "state (legend on the map)."
        + (
            " Each map links to an interactive page of its first replication (zoom, hover, "
            "a slider over the days; opens offline)."
            if links
            else ""
        )
        + "</p><div class='maps'>"
    ]
    for g, _, b64 in map_figs:
        link = links.get(g)
        cap = html.escape(g) + (
            f" · <a href='{html.escape(link)}'>interactive map</a>" if link else ""
        )
        parts.append(
            f"<figure><img alt='map {html.escape(g)}' src='data:image/png;base64,{b64}'>"
            f"<figcaption>{cap}</figcaption></figure>"
        )
    parts.append("</div>")
    if not map_figs:
        parts.append(
            "<ul>"
            + "".join(
                f"<li><a href='{html.escape(v)}'>{html.escape(k)}</a></li>"
                for k, v in links.items()
            )
            + "</ul>"
        )
    return parts


def _page(
    title: str,
    meta: str,
    baseline: str,
    sentences: Sequence[str],
    scenarios: Sequence[str],
    body: Sequence[str],
) -> str:
    """The whole HTML page: head, title, meta line, summary, scenario lines, then ``body``."""
    head = [
        "<!DOCTYPE html><html lang='en'><head><meta "
        f"charset='utf-8'><title>{html.escape(title)}</title>",
        f"<style>{REPORT_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p class='meta'>{meta} Baseline: <b>{html.escape(baseline)}</b>.</p>",
        "<div class='summary'>" + "".join(f"<p>{html.escape(s)}</p>" for s in sentences) + "</div>",
    ]
    if scenarios:
        items = []
        for line in scenarios:
            name, _, what = line.partition(": ")
            items.append(f"<li><b>{html.escape(name)}</b>: {html.escape(what)}</li>")
        head.append("<h2>The scenarios</h2><ul class='scenarios'>" + "".join(items) + "</ul>")
    return "\n".join([*head, *body, "</body></html>"])


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
        maps: draw one map per scenario (needs the theater; the slowest part), and, when Bokeh
            is installed, an interactive page per scenario under ``interactive/``.

    Returns:
        Path of ``report.html``.
    """
    _log.info("reading the runs of %s", out_dir)
    exp = load_experiment(out_dir)
    manifest, runs, reps = exp["manifest"], exp["runs"], exp["reps"]
    labels = [r["label"] for r in runs]
    kind = manifest.get("kind", "compare")
    rd = Path(report_dir) if report_dir is not None else Path(out_dir)
    figdir = rd / "figures"
    figdir.mkdir(parents=True, exist_ok=True)
    table = comparison_table(reps, by="label", order=labels)
    csv = _write_csv(table, runs, list((manifest.get("vary") or {}).keys()), rd)
    charts = _chart_plan(exp, table, csv)
    with_maps = maps and kind != "sweep"
    map_runs = _map_runs(exp) if with_maps else []
    page_runs = _interactive_runs(exp) if with_maps else []
    step = _Steps(len(charts) + len(map_runs) + len(page_runs))
    figs = _chart_figures(charts, figdir, step)
    map_figs = _map_figures(exp, map_runs, figdir, step)
    links = _interactive_maps(exp, page_runs, rd, step)
    body = [_figure_html(*f) for f in figs]
    body += [
        "<h2>Escalation incidents and false-positive boardings</h2>",
        "<p>Per run: mean [95% t interval between replications].</p>",
        incidents_table(table, labels).to_html(index=False, border=0, escape=True),
        *_maps_html(map_figs, links),
        "<h2>All metrics</h2><p>Mean and [95% t interval between replications]; "
        "<code>comparison.csv</code> also holds the pooled Wilson intervals for rates.</p>",
        _metrics_html(table, labels).to_html(index=False, border=0, escape=False),
    ]
    descriptions = {r["label"]: _description(r) for r in runs}
    page = _page(
        title or ("Parameter sweep" if kind == "sweep" else "Scenario comparison"),
        _meta(exp, labels),
        labels[0],
        summary_sentences(table, reps, labels),
        scenario_lines(descriptions, labels) if kind != "sweep" else [],
        body,
    )
    path = rd / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
