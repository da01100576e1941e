"""``sanctions-sim validate``: check scenario files without running them."""

from __future__ import annotations

import argparse
import sys

__all__ = ["NAME", "HELP", "EXAMPLES", "add_arguments", "main"]

NAME = "validate"
HELP = "Check scenario files: types, bounds, names, places and areas against the theater."

EXAMPLES = """examples:
  sanctions-sim validate scenarios/*.yaml
  sanctions-sim validate my_scenario.yaml      (every problem, with file:line:column)"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register options."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files")


def main(args: argparse.Namespace) -> int:
    """Exit 0 if every file is valid, else print every problem and exit 2."""
    from sim.errors import MAX_PROBLEMS_SHOWN
    from sim.scenarios import ScenarioError, load_scenario

    bad = 0
    for f in args.files:
        try:
            s = load_scenario(f)
        except ScenarioError as exc:
            bad += 1
            for p in exc.problems[:MAX_PROBLEMS_SHOWN]:
                print(str(p), file=sys.stderr)
            if len(exc.problems) > MAX_PROBLEMS_SHOWN:
                more = len(exc.problems) - MAX_PROBLEMS_SHOWN
                print(f"{f}: ... and {more} more problems", file=sys.stderr)
        else:
            print(
                f"{f}: ok ({s.name}: {len(s.programs)} programs, "
                f"{sum(g.count for g in s.assets)} assets)"
            )
    return 2 if bad else 0
