"""Shared fixtures: theaters are built once per session (then loaded from the disk cache)."""

from __future__ import annotations

import pytest

from sim.geo import Theater, load_theater


@pytest.fixture(scope="session")
def korea() -> Theater:
    return load_theater("korea")


@pytest.fixture(scope="session")
def open_water() -> Theater:
    return load_theater("open_water")
