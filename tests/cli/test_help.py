"""Every command's --help: an example that really parses, no argparse escapes left showing."""

from __future__ import annotations

import re
import shlex

import pytest

from sim.cli import _COMMANDS, build_parser, main

NAMES = [m.rsplit(".", 1)[1].removesuffix("_cmd") for m in _COMMANDS]


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main([*argv, "--help"]) == 0
    return capsys.readouterr().out


def _examples(text: str) -> list[list[str]]:
    """The example command lines of a help text, without comments and redirections."""
    text = text.replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.startswith("  sanctions-sim ")]
    commands = [re.sub(r"\s{2,}\(.*\)$", "", line).split(" > ")[0] for line in lines]
    return [shlex.split(command)[1:] for command in commands]


@pytest.mark.parametrize("name", NAMES)
def test_each_command_help_has_an_example_and_no_doubled_percent(capsys, name):
    text = _help(capsys, name)
    assert "%%" not in text
    assert re.search(r"^examples?:", text, re.M), text
    assert _examples(text), "no example command line"


@pytest.mark.parametrize("name", NAMES)
def test_each_example_in_the_help_parses_as_real_arguments(capsys, name):
    parser = build_parser()
    for argv in _examples(_help(capsys, name)):
        assert argv[0] == name
        args = parser.parse_args(argv)  # a usage error would exit here
        assert args.command == name


def test_the_main_help_lists_a_first_session_of_examples_that_parse(capsys):
    text = _help(capsys)
    commands = [argv[0] for argv in _examples(text)]
    assert {"validate", "run", "compare", "results"} <= set(commands)
    for argv in _examples(text):
        build_parser().parse_args(argv)


def test_long_descriptions_wrap_but_example_lines_are_kept_whole(capsys):
    text = _help(capsys, "sweep")
    assert (
        "  sanctions-sim sweep scenarios/crackdown_2018.yaml --vary assets.us_p8.count=0,1,2,4"
        in text
    )
    assert all(len(line) <= 100 for line in text.splitlines() if not line.startswith("  sanctions"))
