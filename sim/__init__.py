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

from collections.abc import Mapping
from importlib import import_module
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what a type checker sees; at run time the names load on first use
    import numpy as np

    from sim.analysis.geo import to_trajectories as to_trajectories
    from sim.experiments import run_replications as run_replications
    from sim.geo import Theater as Theater
    from sim.geo import load_theater as load_theater
    from sim.model import RunResult as RunResult
    from sim.model.engine import RouteCache
    from sim.scenarios import Scenario as Scenario
    from sim.scenarios import load_scenario as load_scenario

__version__ = "0.1.0"

# name -> module that defines it; resolved on first access (PEP 562).
_LAZY = {
    "load_theater": "sim.geo",
    "Theater": "sim.geo",
    "load_scenario": "sim.scenarios",
    "Scenario": "sim.scenarios",
    "RunResult": "sim.model",
    "run_replications": "sim.experiments",
    "to_trajectories": "sim.analysis.geo",
}

__all__ = sorted([*_LAZY, "run", "__version__"])


def run(
    scenario: Scenario | str | PathLike[str] | Mapping[str, Any],
    seed: int | np.random.SeedSequence | None = None,
    *,
    theater: Theater | None = None,
    route_cache: RouteCache | None = None,
) -> RunResult:
    """Run one replication of a scenario.

    Args:
        scenario: a ``Scenario``, or a YAML path or a dict for ``sim.load_scenario``.
        seed: a root seed (an integer >= 0) or a ``numpy.random.SeedSequence`` (one
            replication's streams, as ``sim.run_replications`` draws them); default:
            ``scenario.seed``.
        theater: a loaded theater to reuse (``scenario.theater`` is loaded otherwise).
        route_cache: routes to share between the replications of one process.

    Returns:
        The run's tables (events, voyages, assets, tracks), its summary metrics and its
        provenance. The same scenario and seed give identical tables.
    """
    from sim.model import run as run_model
    from sim.scenarios import Scenario, load_scenario

    if isinstance(scenario, Mapping):
        scenario = load_scenario(dict(scenario))
    elif not isinstance(scenario, Scenario):
        scenario = load_scenario(Path(scenario))
    return run_model(scenario, seed, theater=theater, route_cache=route_cache)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
