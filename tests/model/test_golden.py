"""The golden run: a short seeded scenario whose tables must not change by accident.

Any change to the model that moves results changes this fingerprint. That is allowed, but it
must be deliberate: update ``GOLDEN`` in the same commit and say in the commit message what
moved and why.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from sim.geo import Theater
from sim.model import run
from sim.model.engine import RouteCache
from sim.scenarios import load_scenario
from tests.model.test_run import small

GOLDEN = "57c72cc028db72bb"
"""Fingerprint of the golden run's tables (see the module docstring before changing it)."""


def table_fingerprint(*frames: pd.DataFrame) -> str:
    """SHA-256 (first 16 hex digits) of the tables as CSV, floats rounded to 1e-6.

    Rounding keeps the fingerprint about the model's answers, not the last bits of floating
    point that a different BLAS or CPU could change.
    """
    h = hashlib.sha256()
    for df in frames:
        out = df.copy()
        floats = out.select_dtypes("float").columns
        out[floats] = out[floats].round(6)
        h.update(out.to_csv(index=False).encode())
    return h.hexdigest()[:16]


def test_golden_run_tables_are_unchanged(korea: Theater) -> None:
    """Ten days of the small test scenario, seed 2026: events, voyages and assets fingerprinted."""
    r = run(
        load_scenario(small(duration_days=10)), seed=2026, theater=korea, route_cache=RouteCache()
    )
    got = table_fingerprint(r.events, r.voyages, r.assets)
    summary = {k: round(v, 4) for k, v in r.summary.items() if k in ("voyages_started", "seizures")}
    assert got == GOLDEN, (
        f"golden run changed: fingerprint {got} ({len(r.events)} events, {summary})"
    )
