"""Tests of ``sim.model``: entities, processes, records and whole runs."""
