"""Shared figure style: Okabe-Ito colours, report-size fonts, unit-bearing axis formatters.

Nothing here changes matplotlib's global state on import. Plot functions draw inside
``style()``, which sets only the keys of ``RC`` and puts exactly those back afterwards, so
callers' own settings are left alone.

Why not ``matplotlib.rc_context``: on exit it restores *every* rcParam it saved. Under
Jupyter's inline backend the first figure resolves the backend and switches interactive mode
on; if that happens inside ``rc_context``, the exit switches it off again, and from then on no
figure is shown automatically, not even the user's own ``plt.plot`` (matplotlib#25041,
#26716; skrub dropped ``rc_context`` for the same reason).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType  # the rcParams names (matplotlib >= 3.9 stubs)

__all__ = [
    "OKABE_ITO",
    "KIND_COLOURS",
    "RC",
    "style",
    "scenario_colours",
    "percent_axis",
    "thousands_axis",
    "note",
    "empty_message",
]

OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermilion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow (last: weak on white)
    "#000000",  # black
)
"""Okabe & Ito (2008) colour-blind-safe palette, in the order scenarios get them."""

KIND_COLOURS: dict[str, str] = {
    "detected": "#0072B2",
    "undetected": "#E69F00",
    "seizure": "#D55E00",
    "diversion": "#CC79A7",
    "delivery": "#000000",
    "cap": "#D55E00",
}
"""Fixed colours for event kinds, the same in every figure."""

RC: dict[RcKeyType, Any] = {
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 8.5,
    "legend.framealpha": 0.9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "axes.prop_cycle": cycler(color=list(OKABE_ITO)),
}
"""rcParams used by every figure (readable at report size, about 16 cm wide)."""


@contextmanager
def style() -> Iterator[None]:
    """Draw inside the report style; afterwards restore the caller's values of these keys only.

    Keys outside ``RC`` (``interactive``, ``backend``) are never saved or restored, so a
    backend that resolves itself while a figure is being made (the inline backend does) keeps
    its state. See the module docstring.
    """
    saved = {k: mpl.rcParams[k] for k in RC}
    mpl.rcParams.update(RC)
    try:
        yield
    finally:
        mpl.rcParams.update(saved)


def scenario_colours(names: Sequence[str]) -> dict[str, str]:
    """One Okabe-Ito colour per scenario, in order (cycles after eight)."""
    return {n: OKABE_ITO[i % len(OKABE_ITO)] for i, n in enumerate(names)}


def percent_axis(ax: Axes, axis: str = "y") -> None:
    """Format an axis holding fractions (0-1) as percentages."""
    fmt = FuncFormatter(lambda v, _: f"{100 * v:.0f}%")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def thousands_axis(ax: Axes, axis: str = "y") -> None:
    """Format a large-count axis with thousands separators (1,500,000)."""
    fmt = FuncFormatter(
        lambda v, _: f"{v:,.0f}" if abs(v) >= 10 or float(v).is_integer() else f"{v:.2g}"
    )
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def note(ax: Axes, text: str) -> None:
    """A small grey footnote under the axes (method notes: what the bars mean)."""
    ax.annotate(
        text,
        (0, 0),
        xycoords="axes fraction",
        xytext=(0, -32),
        textcoords="offset points",
        fontsize=7.5,
        color="#555555",
        va="top",
        ha="left",
    )


def empty_message(ax: Axes, text: str) -> None:
    """Say in the panel why it is empty, instead of leaving blank axes."""
    ax.text(
        0.5,
        0.5,
        text,
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=9.5,
        color="#444444",
        wrap=True,
        bbox=dict(boxstyle="round,pad=0.5", fc="#f7f7f7", ec="#cccccc"),
    )
