"""The figures stay readable: labels apart, no hidden bars, no clipped points, no flat lines."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.text import Annotation, Text

from sim.plotting.figures import plot_cost_effectiveness, plot_cumulative, plot_tornado
from sim.plotting.labels import LEADER, PLACE_LABEL, place_labels


def _boxes(ax):
    fig = ax.figure
    fig.draw_without_rendering()
    r = fig.canvas.get_renderer()
    out = []
    for t in ax.texts:
        if t.get_gid() == PLACE_LABEL:
            t.update_positions(r)
            out.append(Text.get_window_extent(t, r))
    return out


def _overlapping_pairs(boxes):
    return [(a, b) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]


def _labelled_points(points, names):
    fig, ax = plt.subplots(figsize=(6, 6))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    for (x, y), name in zip(points, names, strict=True):
        ax.scatter([x], [y], s=22)
        ax.annotate(
            name,
            (x, y),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=7,
            arrowprops=LEADER,
            gid=PLACE_LABEL,
        )
    return ax


def test_the_reported_collisions_come_apart():
    """Pairs that printed over each other on the report maps (Nakhodka/Vostochny, ...)."""
    pairs = [
        ((5.0, 5.0), "Nakhodka"),
        ((5.15, 5.05), "Vostochny"),
        ((2.0, 8.0), "korea_bay_nampo"),
        ((2.1, 7.95), "Nampo"),
        ((2.2, 8.0), "Songnim"),
        ((7.0, 2.0), "Jinhae"),
        ((7.2, 2.02), "Busan"),
        ((8.0, 7.0), "Atsugi"),
        ((8.1, 6.95), "Yokosuka"),
    ]
    ax = _labelled_points([p for p, _ in pairs], [n for _, n in pairs])
    assert _overlapping_pairs(_boxes(ax)), "the unplaced labels should collide (test is live)"
    assert place_labels(ax) == 0
    assert _overlapping_pairs(_boxes(ax)) == []


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.floats(1, 9), st.floats(1, 9)), min_size=2, max_size=12))
def test_sparse_labels_never_overlap_after_placing(points):
    """Property: whenever the placer reports success, no two labels overlap."""
    ax = _labelled_points(points, [f"Port {i}" for i in range(len(points))])
    crowded = place_labels(ax)
    if crowded == 0:
        assert _overlapping_pairs(_boxes(ax)) == []
    plt.close(ax.figure)


def test_displaced_labels_get_a_leader_line_and_near_ones_do_not():
    crowd = [f"Harbour {i}" for i in range(10)]  # more names than places beside one point
    ax = _labelled_points([(5.0 + 0.01 * i, 5.0) for i in range(10)] + [(1, 1)], [*crowd, "Alone"])
    place_labels(ax)
    labels = {t.get_text(): t for t in ax.texts if isinstance(t, Annotation)}
    assert not labels["Alone"].arrow_patch.get_visible()  # next to its point
    assert any(labels[k].arrow_patch.get_visible() for k in crowd)  # someone had to move out


def _oat(rows):
    return pd.DataFrame(
        [{"parameter": "base", "level": "base", "value": "", "denial_rate": 0.2}]
        + [
            {"parameter": p, "level": lv, "value": v, "denial_rate": m}
            for p, (lo, hi) in rows.items()
            for lv, (v, m) in (("low", lo), ("high", hi))
        ]
    )


def test_tornado_shows_the_low_bar_when_both_move_the_same_way():
    """Low 22% and high 26% against a base of 20%: both bars visible, neither covers the other."""
    ax = plot_tornado(_oat({"sensor range": ((10, 0.22), (30, 0.26))}))
    bars = [p for p in ax.patches if p.get_width() != 0]
    assert len(bars) == 2
    lo, hi = sorted(bars, key=lambda b: b.get_width())
    assert lo.get_width() == 2.0 and hi.get_width() == 6.0  # points of denial rate
    assert lo.get_y() >= hi.get_y() + hi.get_height() - 1e-9 or (
        hi.get_y() >= lo.get_y() + lo.get_height() - 1e-9
    )  # side by side, not stacked on one row


def _rate_table(rows):
    out = []
    for g, (rate, cost) in rows.items():
        for metric, m in (
            ("interception_rate", rate),
            ("patrol_hours_per_interception", cost),
            ("ship_days", 1000.0),
            ("flight_hours", 3000.0),
        ):
            out.append(
                {"label": g, "metric": metric, "mean": m, "ci_low": m * 0.8, "ci_high": m * 1.2}
            )
    return pd.DataFrame(out)


def test_cost_chart_draws_a_point_at_zero_percent_whole():
    """The 2017 baseline intercepts about 0.1%: its marker must not sit on the axis edge."""
    fig = plot_cost_effectiveness(
        _rate_table({"baseline": (0.001, 28000.0), "blockade": (0.29, 800.0)})
    )
    ax = fig.axes[0]
    left, right = ax.get_xlim()
    assert left < 0 < 0.001 < 0.29 < right


def _timeline(finals):
    rows = []
    for g, final in finals.items():
        for day in range(0, 101, 10):
            rows.append(
                {
                    "label": g,
                    "series": "seizures + diversions",
                    "day": day,
                    "mean": final * day / 100,
                }
            )
            rows.append(
                {"label": g, "series": "petroleum deliveries", "day": day, "mean": 5.0 * day / 100}
            )
    return pd.DataFrame(rows)


def test_timeline_gives_the_dwarfed_scenarios_their_own_scale():
    """A blockade with 120 interdictions against 4-13: the others get an inset, not a flat line."""
    fig = plot_cumulative(
        _timeline({"baseline": 1.0, "crackdown": 6.0, "surge": 13.0, "blockade": 124.0})
    )
    right = fig.axes[1]
    (inset,) = right.child_axes
    assert "without blockade" in inset.get_title(loc="left")
    assert len(inset.get_lines()) == 3 and inset.get_ylim()[1] < 20


def test_timeline_has_no_inset_when_scenarios_are_comparable():
    fig = plot_cumulative(_timeline({"a": 10.0, "b": 14.0, "c": 20.0}))
    assert fig.axes[1].child_axes == []


def test_scenario_map_has_a_zone_legend_and_no_overlapping_place_names(korea, frames):
    from sim.plotting.scenario_map import plot_scenario_map

    ev, vo = frames["events"], frames["voyages"]
    ax = plot_scenario_map(
        korea, ev[ev["label"] == "crackdown_2018"], vo[vo["label"] == "crackdown_2018"]
    )
    legends = [a for a in ax.artists if a.__class__.__name__ == "Legend"] + [ax.get_legend()]
    titles = {lg.get_title().get_text() for lg in legends}
    assert "maritime zones" in titles
    zone_texts = {t.get_text() for lg in legends for t in lg.get_texts()}
    assert {"DPRK waters", "Chinese waters", "12 nm territorial limit"} <= zone_texts
    boxes = _boxes(ax)
    assert len(boxes) > 30
    assert len(_overlapping_pairs(boxes)) == 0
    assert np.isfinite([b.x0 for b in boxes]).all()
