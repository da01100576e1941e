"""Patrol optimisation: which allocation works best against smugglers who respond.

- `solve_stackelberg` / `solve_quantal_stackelberg`: the patrol side commits to a mixed
  allocation, the smugglers respond (best or quantal response).
- `kim_nelson` / `ocba_allocation`: ranking and selection with a stated guarantee.
- `optimize`: the whole loop on a scenario (payoff matrix by simulation on common random
  numbers, equilibrium, selection); imported lazily because it pulls in the experiments layer.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from sim.optimize.stackelberg import (
    QuantalSolution,
    StackelbergSolution,
    follower_best_responses,
    solve_quantal_stackelberg,
    solve_stackelberg,
)

_LAZY = {
    "kim_nelson": "sim.optimize.selection",
    "SelectionResult": "sim.optimize.selection",
    "ocba_allocation": "sim.optimize.selection",
    "optimize": "sim.optimize.search",
    "OptimizeResult": "sim.optimize.search",
}

__all__ = [
    "OptimizeResult",
    "QuantalSolution",
    "SelectionResult",
    "StackelbergSolution",
    "follower_best_responses",
    "kim_nelson",
    "ocba_allocation",
    "optimize",
    "solve_quantal_stackelberg",
    "solve_stackelberg",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim.optimize' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
