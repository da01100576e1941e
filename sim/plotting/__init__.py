"""Plotting layer: the only place matplotlib is imported.

Functions take DataFrames (and a Theater for maps), draw on an optional ``ax``/``fig`` and
return it; none runs a simulation. Importing ``sim.plotting`` does not import matplotlib.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {
    "plot_theater": "sim.plotting.maps",
    "plot_rates": "sim.plotting.figures",
    "plot_barrels": "sim.plotting.figures",
    "plot_scenario_map": "sim.plotting.scenario_map",
    "plot_cost_effectiveness": "sim.plotting.figures",
    "plot_cumulative": "sim.plotting.figures",
    "plot_sweep": "sim.plotting.figures",
    "build_report": "sim.plotting.report",
    "plot_track": "sim.plotting.tracks",
    "plot_transfer": "sim.plotting.tracks",
    "interactive_map": "sim.plotting.interactive",
    "style": "sim.plotting.style",
    "OKABE_ITO": "sim.plotting.style",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:  # lazy, so importing sim.plotting does not import matplotlib
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'sim.plotting' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
