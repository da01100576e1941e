"""Option parsing that refuses bad values before anything runs (sim.cli.options and friends)."""

from __future__ import annotations

import argparse

import pytest

from sim.cli import build_parser, main, options
from sim.cli.compare_cmd import precision_target
from sim.cli.map_cmd import THEATER_NAMES, bbox, theater_of
from sim.cli.optimize_cmd import _budget_sets
from sim.errors import UserError


@pytest.mark.parametrize(
    ("parse", "text", "value"),
    [
        (options.replications, " 8 ", 8),
        (options.workers, "1", 1),
        (options.seed, "0", 0),
        (options.seed, str(options.MAX_SEED), options.MAX_SEED),
        (options.positive_seconds, "2", 2.0),
    ],
)
def test_good_option_values_parse(parse, text, value):
    assert parse(text) == value


@pytest.mark.parametrize(
    ("parse", "text", "words"),
    [
        (options.replications, "0", "from 1 to 100,000"),
        (options.replications, "2.5", "whole number"),
        (options.workers, "1000", "from 1 to 256"),
        (options.seed, "-1", "at least 0"),
        (options.positive_seconds, "nan", "from 2 to 86400"),
        (options.positive_seconds, "1", "from 2 to 86400"),
        (options.positive_seconds, "ten", "number of seconds"),
    ],
)
def test_bad_option_values_say_what_was_expected(parse, text, words):
    with pytest.raises(argparse.ArgumentTypeError, match=words):
        parse(text)


def _compare_args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["compare", "a.yaml", "--out", "o", *argv])


def test_precision_is_off_unless_asked_and_time_limit_needs_it():
    assert precision_target(_compare_args()) is None
    with pytest.raises(UserError, match="--time-limit applies with --precision"):
        precision_target(_compare_args("--time-limit", "5"))


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--precision", "0"], "positive half-width"),
        (["--precision", "0.1", "--time-limit", "-1"], "positive number of minutes"),
    ],
)
def test_a_precision_target_that_cannot_be_met_is_refused(argv, words):
    with pytest.raises(UserError, match=words):
        precision_target(_compare_args(*argv))


def test_a_precision_target_carries_its_metric_and_limit():
    target = precision_target(
        _compare_args(
            "--precision", "0.05", "--precision-metric", "denial_rate", "--time-limit", "30"
        )
    )
    assert target is not None
    assert (target.half_width, target.metric, target.time_limit_min) == (0.05, "denial_rate", 30.0)


def test_budgets_become_scenario_overrides():
    assert _budget_sets(["ship_days=300", "flight-hours=1200"]) == [
        "optimize.budget.ship_days=300.0",
        "optimize.budget.flight_hours=1200.0",
    ]
    for bad, words in (
        ("ships=3", "expected ship_days"),
        ("ship_days=x", "not a number"),
        ("ship_days=0", "positive"),
    ):
        with pytest.raises(UserError, match=words):
            _budget_sets([bad])


def test_a_bounding_box_is_four_numbers():
    assert bbox("9, 53,31,66") == (9.0, 53.0, 31.0, 66.0)
    for bad in ("9,53,31", "9,53,31,x", ""):
        with pytest.raises(argparse.ArgumentTypeError, match="four numbers"):
            bbox(bad)


def test_an_unknown_theater_lists_the_named_ones_and_the_bbox_form():
    with pytest.raises(UserError) as info:
        theater_of("baltic", None)
    message = str(info.value)
    assert all(name in message for name in THEATER_NAMES) and "--bbox 9,53,31,66" in message
    with pytest.raises(UserError, match="not both"):
        theater_of("korea", (9.0, 53.0, 31.0, 66.0))


def test_the_map_help_lists_the_same_theaters_the_geography_knows():
    from sim.geo import THEATER_PRESETS

    assert set(THEATER_NAMES) == set(THEATER_PRESETS)


def test_map_refuses_a_name_without_a_box(tmp_path, capsys):
    assert main(["map", "--name", "x", "--out", str(tmp_path)]) == 2
    assert "--name names a --bbox region" in capsys.readouterr().err


def test_compare_reads_every_file_with_the_overrides_and_loads_the_theater_first(korea):
    from pathlib import Path

    from sim.cli.compare_cmd import load_scenarios
    from sim.experiments import replications

    root = Path(__file__).resolve().parents[2]
    files = [root / "scenarios" / "baseline_2017.yaml", root / "scenarios" / "blockade.yaml"]
    sets = ["duration_days=5", "warmup_days=0"]
    scenarios = load_scenarios(files, sets)
    assert [s.name for s in scenarios] == ["baseline_2017", "blockade"]
    assert {s.duration_days for s in scenarios} == {5}
    assert "korea" in replications._ROUTES  # forked workers inherit it, none rebuilds it


def test_the_routing_variants_are_one_per_distinct_program_setting(korea):
    from pathlib import Path

    from sim.experiments.replications import route_variants
    from sim.scenarios import load_scenario

    root = Path(__file__).resolve().parents[2]
    s = load_scenario(root / "scenarios" / "crackdown_2018.yaml")
    expected = {(tuple(p.avoid_territorial_of), tuple(p.prefer_waters_of)) for p in s.programs}
    assert route_variants(s) == expected and len(expected) <= len(s.programs)
