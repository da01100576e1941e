"""Tests of sim.optimize."""
