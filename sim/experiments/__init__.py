"""Experiments: replications (serial or parallel), scenario comparisons and sweeps."""

from sim.experiments.replications import REPLICATION_DIR, replication_seeds, run_replications

__all__ = ["REPLICATION_DIR", "replication_seeds", "run_replications"]
