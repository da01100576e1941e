"""Routing answers the stored 1,000-query table exactly (see ``tests/geo/route_table.py``).

A refactor of ``sim.geo.routing`` must not move any route: every recomputed length matches
the stored one to 1 mm and every vertex array matches to the centimetre (by hash). CI checks
every fifth row (200 queries, ~10 s); ``SIM_ROUTE_TABLE=full`` checks all 1,000 (~50 s).
"""

from __future__ import annotations

import os

from tests.geo.route_table import NO_ROUTE, answer, read_table

_EVERY = 1 if os.environ.get("SIM_ROUTE_TABLE") == "full" else 5


def test_table_covers_both_variants_and_every_kind_of_query():
    rows = read_table()
    assert len(rows) == 1000
    assert {r.variant for r in rows} == {"base", "avoid"}
    assert {r.kind for r in rows} == {"water", "area_port", "port_port", "water_port"}
    routed = [r for r in rows if r.xy_sha1_cm != NO_ROUTE]
    assert len(routed) > 950 and all(r.length_m > 0 and r.n_vertices >= 2 for r in routed)


def test_routes_match_the_stored_table(korea):
    rows = read_table()[::_EVERY]
    diffs = []
    for q in rows:
        r = answer(korea, q)
        if abs(r.length_m - q.length_m) > 1e-3 or r.xy_sha1_cm != q.xy_sha1_cm:
            diffs.append(f"row {q.id} ({q.kind}, {q.variant}): {q.length_m!r} -> {r.length_m!r} m")
    assert not diffs, f"{len(diffs)} of {len(rows)} routes changed:\n" + "\n".join(diffs[:20])
