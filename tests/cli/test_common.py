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
