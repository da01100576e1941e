"""Shared fixtures: one korea theater per test session (built once, then from disk cache)."""

from __future__ import annotations

import pytest

from sim.geo import load_theater


@pytest.fixture(scope="session")
def korea():
    return load_theater("korea")


@pytest.fixture(scope="session")
def open_water():
    return load_theater("open_water")
