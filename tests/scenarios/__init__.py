"""Tests of ``sim.scenarios``."""
