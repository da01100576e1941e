"""Plotting layer: the only place matplotlib is imported."""

from __future__ import annotations

__all__ = ["plot_theater"]


def __getattr__(name: str):  # lazy, so importing sim.plotting does not import matplotlib
    if name == "plot_theater":
        from sim.plotting.maps import plot_theater

        return plot_theater
    raise AttributeError(name)
