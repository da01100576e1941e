"""``sanctions-sim schema``: the JSON Schema of scenario files, or the Markdown reference."""

from __future__ import annotations

import argparse
import json

__all__ = ["NAME", "HELP", "EXAMPLES", "add_arguments", "main"]

NAME = "schema"
HELP = (
    "Print the JSON Schema of scenario files, for editors and validators (or --markdown for the "
    "reference page, docs/scenarios.md)."
)

EXAMPLES = """examples:
  sanctions-sim schema > scenario.schema.json
  sanctions-sim schema --markdown > docs/scenarios.md
To have an editor check and complete scenario files, put this first line in a scenario file:
  # yaml-language-server: $schema=scenario.schema.json
(see "Editor support" in the README)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register options."""
    parser.add_argument("--markdown", action="store_true", help="print docs/scenarios.md instead")


def main(args: argparse.Namespace) -> int:
    """Print to standard output."""
    from sim.scenarios.docs import json_schema, render_reference

    if args.markdown:
        print(render_reference(), end="")
    else:
        print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return 0
