"""A fixed table of 1,000 seeded route queries over the Korea theater, and their answers.

The table (``tests/geo/data/route_table.csv``) pins what routing answers today, so that a
refactor of ``sim.geo.routing`` can prove it changed no route: each row is one query (two
endpoints, the graph variant) with the route's length in metres and a hash of its vertices
rounded to centimetres. ``tests/geo/test_route_table.py`` recomputes the rows and compares.

The queries are drawn once (seed ``SEED``) and stored with their endpoints, so the test does
not depend on how they were drawn. The mix follows what the simulation asks:

* ``water``: two points uniform over the Yellow Sea / East China Sea / Korea box, in water;
* ``area_port``: a point of a named sea area (as smugglers pick rendezvous) to a place;
* ``port_port``: place to place (named endpoints, routed with :meth:`Theater.route`);
* ``water_port``: a uniform water point to a place.

Every query is asked on the base graph or on the avoid graph (Japanese and Korean
territorial seas, the variant the tests and smugglers use), alternately.

Regenerate (only when a route change is intended, and say so in the commit)::

    PYTHONPATH=$PWD python -m tests.geo.route_table --write
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import UserError
from sim.geo import Theater, load_theater

__all__ = [
    "AVOID",
    "SEED",
    "TABLE_PATH",
    "NO_ROUTE",
    "Query",
    "answer",
    "draw_queries",
    "read_table",
]

SEED = 20181201
"""Seed of the query draw (assumption: any fixed value; this one is the table's identity)."""

AVOID = (("JPN", "territorial"), ("KOR", "territorial"))
"""The avoid variant: the one the routing tests and the smugglers' routes use."""

NO_ROUTE = "no-route"
"""``xy_sha1_cm`` of a query that has no water route (its ``length_m`` is -1)."""

TABLE_PATH = Path(__file__).parent / "data" / "route_table.csv"

_BOX = (118.5, 26.0, 131.0, 41.0)  # lon0, lat0, lon1, lat1: Yellow Sea, ECS, Korea
_MIX = {"water": 450, "area_port": 250, "port_port": 150, "water_port": 150}
_FIELDS = ["id", "kind", "variant", "a", "b", "length_m", "n_vertices", "xy_sha1_cm"]


@dataclass(frozen=True)
class Query:
    """One stored query and its answer.

    Attributes:
        id: row number.
        kind: how the endpoints were drawn (see the module docstring).
        variant: ``base`` or ``avoid``.
        a: start, a place name or ``"x_m y_m"`` metric coordinates (``repr`` floats).
        b: end, same forms.
        length_m: route length in metres (``repr`` float); -1 when there is no route.
        n_vertices: number of polyline vertices.
        xy_sha1_cm: SHA-1 of the vertices rounded to centimetres (int64, C order).
    """

    id: int
    kind: str
    variant: str
    a: str
    b: str
    length_m: float = 0.0
    n_vertices: int = 0
    xy_sha1_cm: str = ""


def _xy_text(x: float, y: float) -> str:
    return f"{float(x)!r} {float(y)!r}"


def _water_points(theater: Theater, rng: np.random.Generator, n: int) -> list[str]:
    """``n`` points uniform over ``_BOX`` (lon/lat) that lie in the theater's water."""
    out: list[str] = []
    lon0, lat0, lon1, lat1 = _BOX
    while len(out) < n:
        lon = rng.uniform(lon0, lon1, 4 * n)
        lat = rng.uniform(lat0, lat1, 4 * n)
        x, y = theater.to_xy(lon, lat)
        ok = theater.is_water_xy(x, y)
        out.extend(_xy_text(xi, yi) for xi, yi in zip(x[ok], y[ok], strict=True))
    return out[:n]


def draw_queries(theater: Theater, seed: int = SEED) -> list[Query]:
    """The table's queries (no answers yet), drawn from ``seed`` only."""
    rng = np.random.default_rng(seed)
    places = [str(p) for p in theater.places.loc[theater.places.kind != "air_base", "name"]]
    areas = [str(a) for a in theater.areas["name"]]
    pairs: list[tuple[str, str, str]] = []
    water = _water_points(theater, rng, 2 * _MIX["water"] + _MIX["water_port"])
    for i in range(_MIX["water"]):
        pairs.append(("water", water[2 * i], water[2 * i + 1]))
    for _ in range(_MIX["area_port"]):
        q = theater.sample_points_in_area(areas[rng.integers(len(areas))], 1, rng)[0]
        p = places[rng.integers(len(places))]
        ends = (_xy_text(*q), p)
        pairs.append(("area_port", *(ends if rng.random() < 0.5 else ends[::-1])))
    for _ in range(_MIX["port_port"]):
        i, j = rng.choice(len(places), size=2, replace=False)
        pairs.append(("port_port", places[i], places[j]))
    for i in range(_MIX["water_port"]):
        pairs.append(
            ("water_port", water[2 * _MIX["water"] + i], places[rng.integers(len(places))])
        )
    return [
        Query(i, kind, "base" if i % 2 == 0 else "avoid", a, b)
        for i, (kind, a, b) in enumerate(pairs)
    ]


def _endpoint(theater: Theater, text: str) -> tuple[float, float] | str:
    parts = text.split(" ")
    if len(parts) == 2:
        try:
            return float(parts[0]), float(parts[1])
        except ValueError:
            pass
    return text


def answer(theater: Theater, q: Query) -> Query:
    """``q`` with the route's length, vertex count and vertex hash as routing answers now."""
    avoid = AVOID if q.variant == "avoid" else ()
    a, b = _endpoint(theater, q.a), _endpoint(theater, q.b)
    try:
        if isinstance(a, str) and isinstance(b, str):
            r = theater.route(a, b, avoid=avoid)
        else:
            pa = a if not isinstance(a, str) else (theater.place(a).x_m, theater.place(a).y_m)
            pb = b if not isinstance(b, str) else (theater.place(b).x_m, theater.place(b).y_m)
            r = theater.route_xy(pa, pb, avoid=avoid)
    except UserError as e:
        if "no water route" not in str(e):
            raise
        # "no route" is an answer too (a point in a lake, or walled in by avoided waters)
        return Query(q.id, q.kind, q.variant, q.a, q.b, -1.0, 0, NO_ROUTE)
    cm = np.ascontiguousarray(np.round(r.xy_m * 100.0).astype(np.int64))
    return Query(
        q.id,
        q.kind,
        q.variant,
        q.a,
        q.b,
        float(np.hypot(*np.diff(r.xy_m, axis=0).T).sum()),
        len(r.xy_m),
        hashlib.sha1(cm.tobytes()).hexdigest(),
    )


def read_table(path: Path = TABLE_PATH) -> list[Query]:
    """The stored table."""
    with path.open(newline="") as f:
        return [
            Query(
                int(r["id"]),
                r["kind"],
                r["variant"],
                r["a"],
                r["b"],
                float(r["length_m"]),
                int(r["n_vertices"]),
                r["xy_sha1_cm"],
            )
            for r in csv.DictReader(f)
        ]


def _write(rows: list[Query], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(_FIELDS)
        for r in rows:
            w.writerow(
                [r.id, r.kind, r.variant, r.a, r.b, repr(r.length_m), r.n_vertices, r.xy_sha1_cm]
            )


def main(argv: list[str] | None = None) -> int:
    """Check the stored table against routing (``--write``: regenerate it). Exit 1 on a diff."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="draw the queries and store answers")
    ap.add_argument("--every", type=int, default=1, help="check every k-th row only")
    args = ap.parse_args(argv)
    theater = load_theater("korea")
    queries = draw_queries(theater) if args.write else read_table()[:: args.every]
    t0 = time.perf_counter()
    answers = [answer(theater, q) for q in queries]
    wall_s = time.perf_counter() - t0
    if args.write:
        _write(answers, TABLE_PATH)
        print(f"wrote {len(answers)} rows to {TABLE_PATH} in {wall_s:.1f} s")
        return 0
    bad = [
        (q, r)
        for q, r in zip(queries, answers, strict=True)
        if abs(q.length_m - r.length_m) > 1e-3 or q.xy_sha1_cm != r.xy_sha1_cm
    ]
    for q, r in bad[:20]:
        print(f"row {q.id}: stored {q.length_m!r} m, now {r.length_m!r} m")
    print(f"{len(queries) - len(bad)} of {len(queries)} routes identical ({wall_s:.1f} s)")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
