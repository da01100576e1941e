"""Tests of ``sim.monitoring``."""
