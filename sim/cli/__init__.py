"""The ``sanctions-sim`` command line. Each sub-command lives in its own module.

A command module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``main(args) -> int``; it imports heavy things only inside ``main`` so that
``sanctions-sim --help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

from sim import __version__
from sim.errors import UserError

__all__ = ["main"]

# Order here is the order in --help.
_COMMANDS = [
    "sim.cli.run_cmd",
    "sim.cli.validate_cmd",
    "sim.cli.schema_cmd",
    "sim.cli.calibrate_cmd",
    "sim.cli.results_cmd",
    "sim.cli.compare_cmd",
    "sim.cli.sweep_cmd",
    "sim.cli.map_cmd",
]


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every registered sub-command."""
    parser = argparse.ArgumentParser(
        prog="sanctions-sim",
        description="Maritime sanctions-monitoring simulation of the Korean theater.",
    )
    parser.add_argument("--version", action="version", version=f"sanctions-sim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for modname in _COMMANDS:
        mod = import_module(modname)
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_main=mod.main)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the process exit code (2 for user errors)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_main", None):
        parser.print_help()
        return 2
    try:
        return int(args._main(args) or 0)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; finished work was kept.", file=sys.stderr)
        return 130
