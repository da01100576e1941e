"""Tests of ``sim.analysis``."""
