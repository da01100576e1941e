"""``sanctions-sim map``: draw a theater map (zones, places, areas, sample routes) to PNG."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from sim.errors import clip

if TYPE_CHECKING:
    from sim.geo.theater import Theater

__all__ = ["NAME", "HELP", "EXAMPLES", "add_arguments", "main", "bbox", "theater_of"]

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

EXAMPLES = """examples:
  sanctions-sim map --out maps/
  sanctions-sim map --theater open_water --no-routes --out maps/
  sanctions-sim map --bbox 9,53,31,66 --name baltic --no-routes --out maps/   (any region)"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register options."""
    parser.add_argument(
        "--theater",
        default=None,
        metavar="NAME",
        help="a named theater: " + ", ".join(THEATER_NAMES) + " (default: korea)",
    )
    parser.add_argument(
        "--bbox",
        type=bbox,
        default=None,
        metavar="LON0,LAT0,LON1,LAT1",
        help="any other region, in degrees (west, south, east, north; at most 60 degrees wide), "
        "e.g. the Baltic: --bbox 9,53,31,66. The first map of a region builds its land, zones "
        "and sea routes from the GSHHS coastline and caches them (minutes)",
    )
    parser.add_argument(
        "--name", default=None, help="with --bbox: the region's name, used in the file name"
    )
    parser.add_argument("--out", required=True, type=Path, help="output directory")
    parser.add_argument("--no-routes", action="store_true", help="skip the sample routes")


THEATER_NAMES = ("korea", "open_water")
"""The named theaters (``sim.geo.THEATER_PRESETS``; not imported here so --help stays fast)."""


def bbox(text: str) -> tuple[float, float, float, float]:
    """``--bbox``: four numbers separated by commas (the geography checks their order)."""
    parts = [t.strip() for t in text.split(",")]
    try:
        lon0, lat0, lon1, lat1 = (float(t) for t in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected four numbers LON0,LAT0,LON1,LAT1 in degrees, found {clip(text, 60)!r}"
        ) from None
    return lon0, lat0, lon1, lat1


def theater_of(
    name: str | None, box: tuple[float, float, float, float] | None, label: str | None = None
) -> Theater:
    """The theater to draw: a named one, or a bounding box (called ``label`` if given).

    Raises:
        UserError: an unknown name (the valid ones and the --bbox form are listed), or both a
            name and a box.
    """
    from sim.errors import UserError
    from sim.geo import THEATER_PRESETS, load_theater

    if box is not None:
        if name is not None:
            raise UserError("give either --theater NAME or --bbox, not both")
        from sim.experiments.run_dirs import child_dir

        return load_theater(child_dir(Path("."), label).name if label else None, bbox=box)
    name = name or "korea"
    if name not in THEATER_PRESETS:
        raise UserError(
            f"--theater {name!r}: unknown theater; the named ones are "
            f"{', '.join(sorted(THEATER_PRESETS))}. For any other region give its bounding box "
            "in degrees, west,south,east,north, e.g. --bbox 9,53,31,66 --name baltic"
        )
    return load_theater(name)


def main(args: argparse.Namespace) -> int:
    """Write OUT/map_<theater>.png."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.cli.common import Progress
    from sim.errors import UserError
    from sim.experiments.run_dirs import ensure_dir
    from sim.plotting.maps import plot_theater

    if args.name and args.bbox is None:
        raise UserError("--name names a --bbox region; a named theater keeps its name")
    bar = Progress("map")
    region = args.theater or ("the --bbox region" if args.bbox else "korea")
    with bar.stage(f"loading {region} (the first time, its geography cache is built)"):
        theater = theater_of(args.theater, args.bbox, args.name)
    routes = []
    if not args.no_routes and len(theater.ports):
        with bar.stage("routing the sample voyages"):
            for label, a, b, avoid in SAMPLE_ROUTES:
                if all((theater.ports["name"] == p).any() for p in (a, b)):
                    routes.append((label, theater.route(a, b, avoid=avoid)))
    with bar.stage("drawing"):
        fig, ax = plt.subplots(figsize=(11, 11), dpi=110)
        plot_theater(theater, ax=ax, routes=routes)
        ensure_dir(args.out)
        path = args.out / f"map_{theater.name}.png"
        fig.savefig(path, bbox_inches="tight")
        plt.close(fig)
    print(path)
    return 0
