"""Progress lines and the results table that long commands print (sim.cli.common)."""

from __future__ import annotations

import io
import re
import threading

import pandas as pd
import pytest

from sim.cli.common import Progress, finish_report, format_seconds


def test_off_a_terminal_each_replication_is_one_plain_log_line():
    stream = io.StringIO()
    bar = Progress("compare", stream=stream)
    bar(1, 3)
    bar(3, 3)
    bar.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2 and "\r" not in stream.getvalue()
    assert re.fullmatch(r"compare: 1/3 replications done \(\d+ s elapsed, ~\d+ s left\)", lines[0])
    assert re.fullmatch(r"compare: 3/3 replications done \(\d+ s elapsed\)", lines[1])


def test_on_a_terminal_the_bar_is_redrawn_in_place_and_ended_once():
    stream = io.StringIO()
    bar = Progress("run", stream=stream, tty=True)
    bar(1, 2)
    bar(2, 2)
    bar.close()
    bar.close()
    text = stream.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n") and text.count("\n") == 1
    assert "2/2" in text and "#" * 30 in text


def test_a_stage_is_announced_before_it_runs_and_timed_when_it_ends():
    stream = io.StringIO()
    bar = Progress("compare", stream=stream)
    with bar.stage("building the report"):
        assert stream.getvalue() == "compare: building the report...\n"  # before the work
    assert re.fullmatch(
        r"compare: building the report\.\.\.\ncompare: building the report: done in \d+ s\n",
        stream.getvalue(),
    )


def test_a_failing_stage_is_not_reported_done_and_leaves_no_ticker_thread():
    stream = io.StringIO()
    bar = Progress("run", stream=stream, tty=True)
    before = threading.active_count()
    with pytest.raises(ValueError), bar.stage("loading"):
        raise ValueError("bad file")
    assert "done in" not in stream.getvalue()
    assert threading.active_count() == before  # workers are forked after a stage: no threads


def test_update_replaces_itself_on_a_terminal_and_is_a_line_off_one():
    tty, log = io.StringIO(), io.StringIO()
    for stream, is_tty in ((tty, True), (log, False)):
        bar = Progress("optimize", stream=stream, tty=is_tty)
        bar.update("cell 0: 4 replications")
        bar.update("cell 1: 4 replications")
        bar.close()
    assert tty.getvalue().count("\n") == 1 and tty.getvalue().count("\r") == 2
    assert log.getvalue() == "optimize: cell 0: 4 replications\noptimize: cell 1: 4 replications\n"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.4, "0 s"), (59.4, "59 s"), (65, "1 min 05 s"), (3600 + 180, "1 h 03 min"), (-2, "0 s")],
)
def test_durations_read_as_people_say_them(seconds, text):
    assert format_seconds(seconds) == text


def test_finish_report_prints_every_scenario_side_by_side_in_run_order(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("COLUMNS", "200")  # one block of columns, whatever the terminal
    reps = pd.DataFrame(
        {
            "label": ["zulu", "zulu", "alpha", "alpha"],
            "cargo_denied_share": [0.1, 0.3, 0.5, 0.7],
            "error": ["", "", "", ""],
        }
    )
    assert finish_report(reps, tmp_path, tmp_path / "report.html") == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("metric"))
    assert header.split() == ["metric", "zulu", "alpha"]  # the baseline first, as given
    assert "20.0%" in out and "60.0%" in out
    assert out.rstrip().endswith(f"table:  {tmp_path / 'comparison.csv'}")


def test_on_a_terminal_a_finished_stage_leaves_one_line_with_its_time():
    stream = io.StringIO()
    bar = Progress("map", stream=stream, tty=True)
    with bar.stage("drawing"):
        pass
    lines = stream.getvalue().split("\n")
    assert len(lines) == 2 and lines[1] == ""  # one finished line, nothing left open
    assert lines[0].rsplit("\r", 1)[-1].rstrip().startswith("map: drawing: done in")


def _library_says(message: str) -> None:
    """What a library module does: log at INFO under ``sim``, with no handler of its own."""
    import logging

    logging.getLogger("sim.geo.zonemap").info(message)


def test_off_a_terminal_the_librarys_steps_are_indented_lines_inside_their_stage():
    stream = io.StringIO()
    bar = Progress("run", stream=stream)
    _library_says("before the stage: not shown")
    with bar.stage("reading the theater"):
        _library_says("zone raster: building it")
        _library_says("routing graph: nodes")
    _library_says("after the stage: not shown")
    lines = stream.getvalue().splitlines()
    assert lines[:3] == [
        "run: reading the theater...",
        "run:   zone raster: building it",
        "run:   routing graph: nodes",
    ]
    assert len(lines) == 4 and lines[3].startswith("run: reading the theater: done in ")


def test_a_stage_leaves_the_sim_logger_as_it_found_it():
    import logging

    logger = logging.getLogger("sim")
    handlers, level = list(logger.handlers), logger.level
    bar = Progress("run", stream=io.StringIO())
    with pytest.raises(RuntimeError), bar.stage("loading"):
        assert logger.getEffectiveLevel() <= logging.INFO  # INFO passes while it runs
        raise RuntimeError("failed")
    assert logger.handlers == handlers and logger.level == level


def test_on_a_terminal_the_current_step_follows_the_stage_name_on_one_line():
    stream = io.StringIO()
    bar = Progress("compare", stream=stream, tty=True)
    with bar.stage("building the report"):
        _library_says("2/9 figure: cost-effectiveness")
        last = stream.getvalue().rsplit("\r", 1)[-1].rstrip()
        assert re.fullmatch(
            r"compare: building the report: 2/9 figure: cost-effectiveness\.\.\. \d+ s", last
        )
        _library_says("4/9 map: fishing_fleets_" + "on" * 10)  # too long beside the stage
        last = stream.getvalue().rsplit("\r", 1)[-1].rstrip()
        assert re.fullmatch(r"compare: 4/9 map: fishing_fleets_(on){10}\.\.\. \d+ s", last)
        _library_says("9/9 interactive map: " + "a_very_long_scenario_name_" * 4 + "end")
        last = stream.getvalue().rsplit("\r", 1)[-1]
        assert len(last) == 79  # cut to the width, not wrapped: the head and the tail show
        assert re.fullmatch(r"compare: 9/9 interactive map: a_ver~\S*name_end\.\.\. \d+ s", last)
    text = stream.getvalue()
    assert text.count("\n") == 1 and "building the report: done in" in text.rsplit("\r", 1)[-1]


def test_records_of_another_process_are_not_shown():
    """A worker forked inside a stage inherits the handler; its lines would break the bar."""
    import logging
    import os

    stream = io.StringIO()
    bar = Progress("run", stream=stream)
    logger = logging.getLogger("sim.geo")
    with bar.stage("loading"):
        record = logger.makeRecord("sim.geo", logging.INFO, __file__, 1, "from a worker", (), None)
        record.process = os.getpid() + 1
        logger.handle(record)
        _library_says("from here")
    assert "from here" in stream.getvalue() and "from a worker" not in stream.getvalue()


def test_note_outside_a_stage_is_an_update():
    stream = io.StringIO()
    bar = Progress("map", stream=stream)
    bar.note("drawing 3 scenarios")
    assert stream.getvalue() == "map: drawing 3 scenarios\n"
