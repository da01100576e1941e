"""``sanctions-sim detect``: run the AIS detectors on a real receiver's AIVDM/AIVDO log."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["NAME", "HELP", "EXAMPLES", "add_arguments", "main"]

NAME = "detect"
HELP = (
    "Read a raw AIVDM/AIVDO log (NMEA 0183, optionally tag-blocked) with pyais, write it as "
    "a MarineCadastre-layout table and run the AIS detectors on it."
)
EXAMPLES = """example:
  sanctions-sim detect receiver.nmea --out detections/ --theater korea
  (writes detections/ais.parquet, detections/detected_<detector>.csv and prints what was
  skipped and why; times come from tag-block c: fields, so a log without them has none and
  only the identity detector can run)"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register options."""
    parser.add_argument("log", type=Path, metavar="LOG", help="AIVDM/AIVDO log file")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument(
        "--theater",
        default=None,
        help="theater whose coastline and ports give distance to shore and anchorages "
        "(korea); without it the gap and loitering detectors have no shore criterion",
    )


def main(args: argparse.Namespace) -> int:
    """Read, report, detect, write."""
    from sim.analysis.detectors import detect_all
    from sim.analysis.nmea import read_nmea
    from sim.errors import UserError

    if not args.log.is_file():
        raise UserError(f"{args.log}: no such file")
    ais = read_nmea(args.log)
    info = ais.attrs["nmea"]
    print(
        f"{args.log}: {info['lines']} lines, {info['messages']} messages, "
        f"{info['positions']} position reports from {ais['MMSI'].nunique()} MMSIs"
    )
    for reason, n in sorted(info["skipped"].items(), key=lambda kv: -kv[1]):
        print(f"  skipped {n:>7,}  {reason}")
    if info["other_types"]:
        kinds = ", ".join(f"type {k}: {v}" for k, v in info["other_types"].items())
        print(f"  not positions: {kinds}")
    args.out.mkdir(parents=True, exist_ok=True)
    ais.to_parquet(args.out / "ais.parquet", index=False)
    timed = ais[ais["BaseDateTime"].notna()]
    if timed.empty:
        print("no receive times in the log (no tag-block c: fields): detectors not run")
        return 0
    shore, ports = None, None
    if args.theater:
        from sim.geo import load_theater

        theater = load_theater(args.theater)
        shore = theater.distance_to_coast_nm
        ports = theater.ports[theater.ports["kind"].isin(["port", "naval_base"])][["lon", "lat"]]
    else:
        print("no --theater: gaps and loitering are found without the distance-to-shore test")
    found = detect_all(timed, layout="marinecadastre", distance_to_shore_nm=shore, anchorages=ports)
    for name, table in found.items():
        table.to_csv(args.out / f"detected_{name}.csv", index=False)
        print(f"  {name:<11} {len(table):>6,} events")
    print(f"results in {args.out}/")
    return 0
