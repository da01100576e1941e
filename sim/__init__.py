"""sanctions-sim: how many illicit DPRK voyages and ship-to-ship transfers do patrols stop?

The public API is deliberately small and imported lazily, so ``import sim`` is
cheap and has no side effects (no seeding, no matplotlib, no logging set-up).

Example:
    >>> import sim
    >>> theater = sim.load_theater("korea")          # doctest: +SKIP
    >>> scenario = sim.load_scenario("scenarios/crackdown_2018.yaml")  # doctest: +SKIP
    >>> result = sim.run(scenario, seed=1)            # doctest: +SKIP
    >>> result.summary                                 # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# name -> module that defines it; resolved on first access (PEP 562).
_LAZY = {
    "load_theater": "sim.geo",
    "Theater": "sim.geo",
    "load_scenario": "sim.scenarios",
    "Scenario": "sim.scenarios",
    "run": "sim.model",
    "RunResult": "sim.model",
    "run_replications": "sim.experiments",
    "to_trajectories": "sim.analysis.geo",
}

__all__ = sorted([*_LAZY, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
