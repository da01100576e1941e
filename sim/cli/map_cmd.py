"""``sanctions-sim map``: draw a theater map (zones, places, areas, sample routes) to PNG."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["NAME", "HELP", "add_arguments", "main"]

NAME = "map"
HELP = "Draw a theater map (land, maritime zones, places, areas, sample routes) as a PNG."

SAMPLE_ROUTES: list[tuple[str, str, str, tuple[tuple[str, str], ...]]] = [
    ("Nampo→Dalian", "Nampo", "Dalian", ()),
    ("Shanghai→Vladivostok", "Shanghai", "Vladivostok", ()),
    (
        "Ningbo-Zhoushan→Nampo avoiding KOR/JPN territorial",
        "Ningbo-Zhoushan",
        "Nampo",
        (("KOR", "territorial"), ("JPN", "territorial")),
    ),
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register options."""
    parser.add_argument("--theater", default="korea", help="theater name (default: korea)")
    parser.add_argument("--out", required=True, type=Path, help="output directory")
    parser.add_argument("--no-routes", action="store_true", help="skip the sample routes")


def main(args: argparse.Namespace) -> int:
    """Write OUT/map_<theater>.png."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.experiments.run_dirs import ensure_dir
    from sim.geo import load_theater
    from sim.plotting.maps import plot_theater

    theater = load_theater(args.theater)
    routes = []
    if not args.no_routes and len(theater.ports):
        for label, a, b, avoid in SAMPLE_ROUTES:
            if all((theater.ports["name"] == p).any() for p in (a, b)):
                routes.append((label, theater.route(a, b, avoid=avoid)))
    fig, ax = plt.subplots(figsize=(11, 11), dpi=110)
    plot_theater(theater, ax=ax, routes=routes)
    ensure_dir(args.out)
    path = args.out / f"map_{theater.name}.png"
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    print(path)
    return 0
