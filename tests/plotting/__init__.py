"""Tests of ``sim.plotting``."""
