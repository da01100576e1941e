"""The ``sanctions-sim`` command line. Each sub-command lives in its own module.

A command module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``main(args) -> int``; it imports heavy things only inside ``main`` so that
``sanctions-sim --help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
import traceback
from importlib import import_module

from sim import __version__
from sim.errors import UserError, clip

__all__ = ["main", "build_parser", "HelpFormatter"]

# Order here is the order in --help.
_COMMANDS = [
    "sim.cli.run_cmd",
    "sim.cli.validate_cmd",
    "sim.cli.schema_cmd",
    "sim.cli.calibrate_cmd",
    "sim.cli.results_cmd",
    "sim.cli.compare_cmd",
    "sim.cli.sweep_cmd",
    "sim.cli.optimize_cmd",
    "sim.cli.map_cmd",
    "sim.cli.detect_cmd",
]


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, except that lines indented by two spaces (examples) stay as written.

    Plain paragraphs of a description or epilog are wrapped to the terminal as usual; an
    example command line is never broken in the middle.
    """

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        lines = []
        for line in text.splitlines():
            if line.startswith("  ") or not line.strip():
                lines.append(indent + line)
            else:
                lines.append(
                    textwrap.fill(line, width, initial_indent=indent, subsequent_indent=indent)
                )
        return "\n".join(lines)


MAIN_EXAMPLES = """examples (each command's --help has more):
  sanctions-sim validate scenarios/*.yaml
  sanctions-sim run scenarios/crackdown_2018.yaml -n 4 --out runs/crackdown
  sanctions-sim compare scenarios/ -n 4 --out report       (every scenario, one HTML report)
  sanctions-sim results report/
  sanctions-sim schema --markdown                          (every scenario key, with units)"""

# calibrate_cmd.py is edited in another branch; its examples live here until it declares its own
_EXAMPLES_ELSEWHERE = {
    "calibrate": """examples:
  sanctions-sim calibrate -n 4
  sanctions-sim calibrate --scenarios scenarios/ -n 8 --out runs/calibration""",
}


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every registered sub-command."""
    parser = argparse.ArgumentParser(
        prog="sanctions-sim",
        description="Maritime sanctions-monitoring simulation of the Korean theater.",
        epilog=MAIN_EXAMPLES,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sanctions-sim {__version__}")
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for modname in _COMMANDS:
        mod = import_module(modname)
        # help= is %-formatted by argparse, the description is not: '95%%' there reads 95%%
        p = sub.add_parser(
            mod.NAME,
            help=mod.HELP,
            description=mod.HELP.replace("%%", "%"),
            epilog=getattr(mod, "EXAMPLES", None) or _EXAMPLES_ELSEWHERE.get(mod.NAME),
            formatter_class=HelpFormatter,
        )
        mod.add_arguments(p)
        # also accepted after the command; SUPPRESS keeps a --debug given before it
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
        p.set_defaults(_main=mod.main)
    return parser


DEBUG_HELP = "on an error, also print the Python traceback (for bug reports)"

EXIT_USER_ERROR = 2
"""Bad input: a scenario file, an option, an output folder (also argparse's usage errors)."""
EXIT_BUG = 1
"""An unexpected failure: a bug, reported in one line (the traceback with --debug)."""
EXIT_INTERRUPTED = 130
"""Ctrl-C: 128 + SIGINT, the shell's convention for a process stopped by that signal."""


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the process exit code.

    0 success; 1 every replication failed, or an unexpected failure (a bug: one line, and
    the traceback with ``--debug``); 2 bad input (file, option, output folder), never with
    a traceback; 130 interrupted by Ctrl-C, finished replications kept.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help, --version, or a usage error (already printed)
            return exc.code if isinstance(exc.code, int) else EXIT_USER_ERROR
        if not getattr(args, "_main", None):
            parser.print_help()
            return EXIT_USER_ERROR
        return int(args._main(args) or 0)
    except KeyboardInterrupt as exc:  # RunInterrupted says what was kept
        if debug:
            traceback.print_exc()
        kept, total = getattr(exc, "kept", None), getattr(exc, "total", None)
        if kept is None:
            print("interrupted; finished work was kept.", file=sys.stderr)
        else:
            print(
                f"interrupted: kept {len(kept)} of {total} replications; "
                "rerun the same command to resume",
                file=sys.stderr,
            )
        return EXIT_INTERRUPTED
    except UserError as exc:
        if debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except OSError as exc:  # the machine, not the program: a full disk, a vanished folder
        if debug:
            traceback.print_exc()
        where = f"{clip(str(exc.filename))}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except Exception as exc:  # the last line of defence; each one found is a bug to fix
        if debug:
            traceback.print_exc()
        first = (str(exc).splitlines() or [""])[0]
        print(
            f"error: unexpected {type(exc).__name__}: {clip(first)} (this is a bug; "
            "rerun with --debug to see the traceback, and report it)",
            file=sys.stderr,
        )
        return EXIT_BUG
