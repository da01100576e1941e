"""A greedy placer for map labels, so that place names do not print over each other.

Why not adjustText: it is not a dependency, and a deterministic greedy placer is enough for
a few dozen labels. Each label tries a fixed list of positions around its point (the usual
cartographic order: upper right first), measured in display pixels with the figure's
renderer, and takes the first that overlaps no label placed before it, no fixed obstacle
(area names, the markers themselves) and stays inside the axes. When every position
collides, it takes the least-overlapping one further out, joined to its point by a thin line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

__all__ = ["PLACE_LABEL", "LEADER", "place_labels"]

PLACE_LABEL = "place_label"
"""``gid`` of the annotations `place_labels` moves."""

_NEAR: tuple[tuple[float, float, str, str], ...] = (
    (4, 3, "left", "bottom"),
    (4, -3, "left", "top"),
    (-4, 3, "right", "bottom"),
    (-4, -3, "right", "top"),
    (6, 0, "left", "center"),
    (-6, 0, "right", "center"),
    (0, 6, "center", "bottom"),
    (0, -6, "center", "top"),
)
"""Offsets (points) and alignments next to the point, in order of preference."""

_FAR = (2.6, 4.2, 6.0)
"""Multipliers of `_NEAR` tried (with a leader line) when every near position collides."""

_GAP_PX = 1.5
"""Clear space (pixels) kept round every placed label."""

_MARKER_PX = 4.0
"""Half-size (pixels) of the box kept clear around every labelled point (marker s=22)."""


def _overlap(b: Bbox, others: Sequence[Bbox]) -> float:
    """Total area (px²) of ``b`` covered by ``others``."""
    total = 0.0
    for o in others:
        w = min(b.x1, o.x1) - max(b.x0, o.x0)
        h = min(b.y1, o.y1) - max(b.y0, o.y0)
        if w > 0 and h > 0:
            total += w * h
    return total


def _outside(b: Bbox, frame: Bbox) -> float:
    """Area (px²) of ``b`` outside the axes."""
    inside_w = max(0.0, min(b.x1, frame.x1) - max(b.x0, frame.x0))
    inside_h = max(0.0, min(b.y1, frame.y1) - max(b.y0, frame.y0))
    return b.width * b.height - inside_w * inside_h


LEADER = {"arrowstyle": "-", "color": "#777777", "lw": 0.5, "shrinkA": 0, "shrinkB": 2}
"""``arrowprops`` to give place labels: the leader line shown when a label is displaced."""


def place_labels(ax: Axes, obstacles_gid: Sequence[str] = ("area_label",)) -> int:
    """Move the axes' place labels (gid `PLACE_LABEL`) so that none overlaps another.

    Call it last, after everything that changes the axes' size (colour bars, legends), since
    positions are measured in pixels.

    Args:
        ax: axes holding annotations with ``gid == PLACE_LABEL``.
        obstacles_gid: gids of other texts to keep clear of (they are not moved).

    Returns:
        How many labels could not be placed without any overlap (0 when all are clear).
    """
    fig: Any = ax.figure
    while fig is not None and not isinstance(fig, Figure):  # a SubFigure: its root figure
        fig = fig.figure if fig.figure is not fig else None
    if fig is None:
        return 0
    labels = [t for t in ax.texts if isinstance(t, Annotation) and t.get_gid() == PLACE_LABEL]
    for t in labels:  # moving a label must not move the axes (constrained layout)
        t.set_in_layout(False)
    fig.draw_without_rendering()  # runs the layout engine, so pixel positions are final
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    fixed = [
        t.get_window_extent(renderer).expanded(1.05, 1.1)
        for t in ax.texts
        if t.get_gid() in obstacles_gid and t.get_visible()
    ]
    for t in labels:
        x, y = ax.transData.transform(t.xy)
        fixed.append(
            Bbox.from_extents(x - _MARKER_PX, y - _MARKER_PX, x + _MARKER_PX, y + _MARKER_PX)
        )
    frame = ax.get_window_extent(renderer)
    placed: list[Bbox] = []
    crowded = 0
    # labels in crowded places first: they have the fewest free positions
    for t in sorted(labels, key=lambda t: -_neighbours(ax, t, labels)):
        best: tuple[float, tuple[float, float, str, str], float] | None = None
        for scale in (1.0, *_FAR):
            for dx, dy, ha, va in _NEAR:
                cand = (dx * scale, dy * scale, ha, va)
                b = _extent(t, cand, renderer)
                cost = _overlap(b, placed) + _overlap(b, fixed) + 4 * _outside(b, frame)
                if best is None or cost < best[0]:
                    best = (cost, cand, scale)
                if cost == 0:
                    break
            if best is not None and best[0] == 0:
                break
        assert best is not None
        cost, cand, scale = best
        _extent(t, cand, renderer)
        if t.arrow_patch is not None:  # the leader line, drawn only for a displaced label
            t.arrow_patch.set_visible(scale > 1.0)
        crowded += cost > 0
        b = _text_box(t, renderer)
        placed.append(
            Bbox.from_extents(b.x0 - _GAP_PX, b.y0 - _GAP_PX, b.x1 + _GAP_PX, b.y1 + _GAP_PX)
        )
    return crowded


def _extent(t: Annotation, cand: tuple[float, float, str, str], renderer: Any) -> Bbox:
    """Put ``t`` at a candidate position and return its pixel box."""
    dx, dy, ha, va = cand
    t.xyann = (dx, dy)
    t.set_horizontalalignment(ha)  # type: ignore[arg-type]
    t.set_verticalalignment(va)  # type: ignore[arg-type]
    return _text_box(t, renderer)


def _text_box(t: Annotation, renderer: Any) -> Bbox:
    """The text's own pixel box (an Annotation's extent also covers its leader line)."""
    t.update_positions(renderer)
    return Text.get_window_extent(t, renderer)


def _neighbours(ax: Axes, t: Annotation, labels: Sequence[Annotation], px: float = 40.0) -> int:
    """How many other labelled points lie within ``px`` pixels of this one."""
    x, y = ax.transData.transform(t.xy)
    count = 0
    for o in labels:
        if o is t:
            continue
        ox, oy = ax.transData.transform(o.xy)
        count += (ox - x) ** 2 + (oy - y) ** 2 < px**2
    return count
