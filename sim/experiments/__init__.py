"""Experiments: replications (serial or parallel), scenario comparisons and sweeps."""

from sim.experiments.compare import compare, parse_vary, sweep, sweep_variants
from sim.experiments.replications import REPLICATION_DIR, replication_seeds, run_replications

__all__ = [
    "REPLICATION_DIR",
    "compare",
    "parse_vary",
    "replication_seeds",
    "run_replications",
    "sweep",
    "sweep_variants",
]
