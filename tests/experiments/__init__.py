"""Tests of ``sim.experiments``."""
