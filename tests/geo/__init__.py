"""Tests of ``sim.geo``."""
