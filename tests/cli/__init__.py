"""Tests of ``sim.cli``."""
