"""Analysis: metrics and statistics computed from run tables (never from the engine)."""

from sim.analysis.metrics import HEADLINE_METRICS, UN_CAP_BBL_PER_YEAR, cargo_balance, summarise_run

__all__ = ["HEADLINE_METRICS", "UN_CAP_BBL_PER_YEAR", "cargo_balance", "summarise_run"]
