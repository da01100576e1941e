"""Bad input never crashes the command line, never hangs it, and never costs a user a file.

A corpus of hostile and careless inputs, one row each, grouped by the class of failure
they once caused (issue #17). Every row runs the real command line in-process
(``sim.cli.main``) and asserts exit code 2, no traceback, the place named (file:line,
the option, or the folder) and the words of the message.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sim.cli import main

BASE = """\
name: tiny
description: a tiny scenario
duration_days: 2
replications: 2
traffic:
  vessels: 5
programs:
  - name: oil
    foreign_sources: [Shanghai]
    dprk_ports: [Nampo]
    rendezvous_areas: [ecs_high_seas]
assets:
  - name: p8
    kind: aircraft
    base: Kadena
    speed_kn: 440
    endurance_h: 7
    strategy: {kind: random, areas: [ecs_patrol]}
"""


def edit(old: str, new: str, text: str = BASE) -> str:
    """BASE with one exact piece replaced (fails loudly if the piece is not there)."""
    assert old in text, old
    return text.replace(old, new, 1)


BOMB = "name: x\ndescription: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{k}: &{k} [{', '.join([f'*{p}'] * 9)}]\n" for p, k in zip("abcdefgh", "bcdefghi", strict=True)
)
FLOW_BOMB = (
    "[&a [l, l, l, l, l, l, l, l, l], "
    + ", ".join(
        f"&{k} [{', '.join([f'*{p}'] * 9)}]" for p, k in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "]"
)
DEEP_FLOW = "name: x\ndescription: " + "[" * 2000 + "]" * 2000 + "\n"
DEEP_BLOCK = "name: x\ndescription: d\ntraffic:\n" + "".join(
    "  " * (i + 1) + f"k{i}:\n" for i in range(60)
)


@dataclass
class Case:
    """One bad input: files to write, the command, where the message must point, its words."""

    files: dict[str, str | bytes]
    argv: list[str]
    where: str
    words: tuple[str, ...]
    setup: Callable[[Path], None] | None = None
    max_stderr: int = 4000
    extra: dict[str, object] = field(default_factory=dict)


def _v(text: str | bytes, where: str, *words: str) -> Case:
    """``validate s.yaml`` on one file."""
    return Case({"s.yaml": text}, ["validate", "{d}/s.yaml"], where, words)


def _run(*opts: str, where: str, words: tuple[str, ...], text: str = BASE, **kw: object) -> Case:
    """``run s.yaml OPTS`` (every row fails before any replication starts)."""
    return Case({"s.yaml": text}, ["run", "{d}/s.yaml", *opts], where, words, **kw)  # type: ignore[arg-type]


def _user_files(d: Path) -> None:
    (d / "mine").mkdir()
    (d / "mine" / "metrics.csv").write_text("my own numbers\n")
    (d / "mine" / "replications.csv").write_text("mine too\n")


def _corrupt_manifest(d: Path) -> None:
    (d / "runA").mkdir()
    (d / "runA" / "manifest.json").write_text("{bad json")


def _list_manifest(d: Path) -> None:
    (d / "runA").mkdir()
    (d / "runA" / "manifest.json").write_text("[1, 2]")


def _other_run(d: Path) -> None:
    (d / "runA").mkdir()
    (d / "runA" / "manifest.json").write_text(
        '{"scenario": "other", "scenario_hash": "abc", "seed": 1}'
    )


def _list_summary(d: Path) -> None:
    rep = d / "runA" / "replications" / "replication=0"
    rep.mkdir(parents=True)
    (rep / "_summary.json").write_text("[1, 2, 3]")


def _a_file(d: Path) -> None:
    (d / "afile").write_text("not a folder")


def _fifo(d: Path) -> None:
    os.mkfifo(d / "s.yaml")


def _big(d: Path, mb: float) -> None:
    with open(d / "s.yaml", "w") as fh:
        fh.write(BASE + "# " + "x" * int(mb * 1_000_000) + "\n")


CASES: dict[str, dict[str, Case]] = {
    # ---- 1. inputs that used to print a traceback ------------------------------------------
    "traceback": {
        "negative_seed": _run("--seed", "-5", where="--seed", words=("at least 0", "-5")),
        "seed_not_a_number": _run("--seed", "x", where="--seed", words=("whole number",)),
        "deep_flow_nesting": _v(DEEP_FLOW, "s.yaml:2:", "nested more than 40 levels"),
        "deep_block_nesting": _v(DEEP_BLOCK, "s.yaml:", "nested more than 40 levels"),
        "out_is_a_file": _run(
            "--out", "{d}/afile", where="{d}/afile", words=("is a file",), setup=_a_file
        ),
        "corrupt_manifest": _run(
            "--out",
            "{d}/runA",
            where="{d}/runA/manifest.json:1:2",
            words=("not valid JSON", "delete it"),
            setup=_corrupt_manifest,
        ),
        "manifest_not_a_mapping": _run(
            "--out",
            "{d}/runA",
            where="{d}/runA/manifest.json:1:1",
            words=("JSON object", "list"),
            setup=_list_manifest,
        ),
        "summary_not_a_mapping": Case(
            {}, ["results", "{d}/runA"], "{d}/runA", ("no finished replications",), _list_summary
        ),
        "name_too_long_for_a_file": _v(
            edit("name: tiny", "name: " + "n" * 300), "s.yaml:1:", "at most 80 characters"
        ),
        "nan_weight": _v(
            edit(
                "    rendezvous_areas: [ecs_high_seas]",
                "    rendezvous_areas: [ecs_high_seas]\n    rendezvous_weights: [.nan]",
            ),
            "s.yaml:12:",
            "finite number",
        ),
        "ais_interval_zero": _run(
            "--ais", "--ais-interval-s", "0", where="--ais-interval-s", words=("seconds", "0")
        ),
        "ais_interval_nan": _run(
            "--ais", "--ais-interval-s", "nan", where="--ais-interval-s", words=("seconds",)
        ),
        "integer_too_long": _v(
            edit("vessels: 5", "vessels: " + "9" * 5000), "s.yaml:6:", "too long to be a number"
        ),
        "key_not_text": _v(
            edit("traffic:\n", "traffic:\n  1: 3\n"), "s.yaml:6:", "key must be text"
        ),
        "yaml_bool_key": _v(
            edit("traffic:\n", "traffic:\n  on: 3\n"), "s.yaml:6:", "key must be text"
        ),
        "file_is_a_folder": Case({}, ["validate", "{d}"], "{d}", ("is a folder",)),
        "fifo_never_hangs": Case(
            {}, ["validate", "{d}/s.yaml"], "{d}/s.yaml", ("not a regular file",), _fifo
        ),
        "not_utf8": _v(edit("a tiny", "a t\xefny").encode("latin-1"), "s.yaml:2:", "not UTF-8"),
        "circular_extends": Case(
            {"s.yaml": "extends: t.yaml\nname: a\n", "t.yaml": "extends: s.yaml\nname: b\n"},
            ["validate", "{d}/s.yaml"],
            "t.yaml:1:",
            ("circular",),
        ),
        "python_tag": _v(
            "name: !!python/object:os.system x\ndescription: d\n", "s.yaml:1:", "not valid YAML"
        ),
    },
    # ---- 2. resource attacks: refused fast, in bounded memory ------------------------------
    "limits": {
        "alias_bomb": _v(BOMB, "s.yaml:", "alias bomb"),
        "too_many_aliases": _v(
            "name: x\ndescription: &d d\nrules:\n  allied_states: ["
            + ", ".join(["*d"] * 1001)
            + "]\n",
            "s.yaml:4:",
            "more than 1000 aliases",
        ),
        "file_over_limit": Case(
            {},
            ["validate", "{d}/s.yaml"],
            "{d}/s.yaml",
            ("bytes", "MAX_FILE_BYTES"),
            lambda d: _big(d, 1.1),
        ),
        "file_20_mb": Case(
            {},
            ["validate", "{d}/s.yaml"],
            "{d}/s.yaml",
            ("bytes", "MAX_FILE_BYTES"),
            lambda d: _big(d, 20),
        ),
        "long_value_is_truncated": _v(
            edit("name: tiny", "name: tiny\nnme: " + "y" * 100_000),
            "s.yaml:2:",
            "unknown key 'nme'",
        ),
        "long_key_is_truncated": _v(
            edit("name: tiny", "name: tiny\n" + "k" * 1000 + ": 1"),
            "s.yaml:2:",
            "unknown key",
            "940 more characters",
        ),
        "long_place_is_truncated": _v(
            edit("[Nampo]", "[" + "N" * 100_000 + "]"),
            "s.yaml:10:",
            "unknown place",
        ),
        "many_problems_are_capped": Case(
            {"s.yaml": BASE + "".join(f"junk{i}: 1\n" for i in range(300))},
            ["validate", "{d}/s.yaml"],
            "s.yaml:19:",
            ("and 250 more problems",),
            max_stderr=20_000,  # 50 problems shown, not 300
        ),
        "too_many_workers": _run("-w", "100000", where="--workers", words=("from 1 to 256",)),
        "sweep_grid_too_large": Case(
            {"s.yaml": BASE},
            [
                "sweep",
                "{d}/s.yaml",
                "--out",
                "{d}/sw",
                "--vary",
                "traffic.vessels=" + ",".join(map(str, range(1, 101))),
                "--vary",
                "duration_days=" + ",".join(map(str, range(1, 21))),
            ],
            "--vary",
            ("2,000 variants", "MAX_SWEEP_VARIANTS"),
        ),
        "vary_value_nested_too_deep": Case(
            {"s.yaml": BASE},
            ["sweep", "{d}/s.yaml", "--out", "{d}/sw", "--vary", "traffic.vessels=" + "[" * 3000],
            "--vary traffic.vessels",
            ("nested more than 40 levels",),
        ),
        "set_value_alias_bomb": _run(
            "--set", "description=" + FLOW_BOMB, where="--set description=", words=("alias bomb",)
        ),
    },
    # ---- 3. wrong input that used to be accepted silently ----------------------------------
    "silent": {
        "duplicate_top_key": _v(
            edit("duration_days: 2", "duration_days: 2\nduration_days: 3"),
            "s.yaml:4:",
            "duplicate key 'duration_days'",
            "line 3",
        ),
        "duplicate_nested_key": _v(
            edit("  vessels: 5", "  vessels: 5\n  vessels: 6"),
            "s.yaml:7:",
            "duplicate key 'vessels'",
            "line 6",
        ),
        "duplicate_key_in_list_item": _v(
            edit("    kind: aircraft", "    kind: aircraft\n    kind: warship"),
            "s.yaml:15:",
            "duplicate key 'kind'",
        ),
        "duplicate_flow_key": _v(
            edit(
                "{kind: random, areas: [ecs_patrol]}",
                "{kind: random, kind: sweep, areas: [ecs_patrol]}",
            ),
            "s.yaml:18:",
            "duplicate key 'kind'",
        ),
        "vessels_yes": _v(edit("vessels: 5", "vessels: yes"), "s.yaml:6:", "not true/false"),
        "count_true": _v(
            edit("    speed_kn: 440", "    speed_kn: 440\n    count: true"),
            "s.yaml:17:",
            "not true/false",
        ),
        "bool_field_given_number": _v(BASE + "record_tracks: 1\n", "s.yaml:19:", "true or false"),
        "bool_field_given_text": _v(
            BASE + "coordination: {shared_picture: 'yes'}\n", "s.yaml:19:", "true or false"
        ),
        "nan_duration": _v(
            edit("duration_days: 2", "duration_days: .nan"), "s.yaml:3:", "finite number"
        ),
        "inf_speed": _v(edit("speed_kn: 440", "speed_kn: .inf"), "s.yaml:16:", "finite number"),
        "negative_weight": _v(
            edit(
                "    rendezvous_areas: [ecs_high_seas]",
                "    rendezvous_areas: [ecs_high_seas]\n    rendezvous_weights: [-1]",
            ),
            "s.yaml:12:",
            "greater than or equal to 0",
        ),
        "all_zero_weights": _v(
            edit(
                "    rendezvous_areas: [ecs_high_seas]",
                "    rendezvous_areas: [ecs_high_seas]\n    rendezvous_weights: [0]",
            ),
            "s.yaml:12:",
            "not all zero",
        ),
        "flag_weights_negative": _v(
            edit(
                "    rendezvous_areas: [ecs_high_seas]",
                "    rendezvous_areas: [ecs_high_seas]\n    foreign_flags: {CHN: -0.5, PAN: 1}",
            ),
            "s.yaml:12:",
            "greater than or equal to 0",
        ),
        "flag_weights_empty": _v(
            edit(
                "    rendezvous_areas: [ecs_high_seas]",
                "    rendezvous_areas: [ecs_high_seas]\n    foreign_flags: {}",
            ),
            "s.yaml:12:",
            "at least 1 item",
        ),
        "probability_1_5": _v(
            edit(
                "    rendezvous_areas: [ecs_high_seas]",
                "    rendezvous_areas: [ecs_high_seas]\n    sts_share: 1.5",
            ),
            "s.yaml:12:",
            "less than or equal to 1",
            "1.5",
        ),
        "consent_probability_2": _v(
            BASE + "rules: {consent_probability: {CHN: 2}}\n",
            "s.yaml:19:",
            "less than or equal to 1",
        ),
        "warmup_longer_than_run": _v(
            edit("duration_days: 2", "duration_days: 2\nwarmup_days: 3"),
            "s.yaml:4:",
            "warm-up shorter than the run",
        ),
        "warmup_equal_to_run": _v(
            edit("duration_days: 2", "duration_days: 2\nwarmup_days: 2"),
            "s.yaml:4:",
            "warm-up shorter than the run",
        ),
        "empty_dprk_ports": _v(
            edit("dprk_ports: [Nampo]", "dprk_ports: []"), "s.yaml:10:", "at least 1 item"
        ),
        "empty_foreign_sources": _v(
            edit("foreign_sources: [Shanghai]", "foreign_sources: []"),
            "s.yaml:9:",
            "at least 1 item",
        ),
        "empty_rendezvous_areas": _v(
            edit("rendezvous_areas: [ecs_high_seas]", "rendezvous_areas: []"),
            "s.yaml:11:",
            "at least 1 item",
        ),
        "empty_traffic_places": _v(
            edit("  vessels: 5", "  vessels: 5\n  places: []"), "s.yaml:7:", "at least 1 item"
        ),
        "weights_count_mismatch": _v(
            edit(
                "    rendezvous_areas: [ecs_high_seas]",
                "    rendezvous_areas: [ecs_high_seas]\n    rendezvous_weights: [1, 2]",
            ),
            "s.yaml:12:",
            "1 weights, one per rendezvous area",
        ),
        "patrol_without_areas": _v(
            edit("areas: [ecs_patrol]", "areas: []"), "s.yaml:18:", "at least one area"
        ),
        "replications_zero": _run("-n", "0", where="--replications", words=("from 1",)),
        "replications_negative": _run("-n", "-1", where="--replications", words=("from 1",)),
        "workers_zero": _run("-w", "0", where="--workers", words=("from 1 to 256", "0")),
        "workers_negative": _run("-w", "-3", where="--workers", words=("from 1 to 256", "-3")),
        "compare_replications_zero": Case(
            {"s.yaml": BASE},
            ["compare", "{d}/s.yaml", "-n", "0", "--out", "{d}/c"],
            "--replications",
            ("from 1",),
        ),
    },
    # ---- 4. damage and escape --------------------------------------------------------------
    "damage": {
        "out_holds_user_files": _run(
            "--out",
            "{d}/mine",
            where="{d}/mine",
            words=("not empty", "not a run directory"),
            setup=_user_files,
            extra={"unchanged": "mine/metrics.csv"},
        ),
        "compare_out_holds_user_files": Case(
            {"s.yaml": BASE},
            ["compare", "{d}/s.yaml", "--out", "{d}/mine"],
            "{d}/mine",
            ("not empty", "not an experiment directory"),
            _user_files,
            extra={"unchanged": "mine/metrics.csv"},
        ),
        "out_of_another_scenario": _run(
            "--out",
            "{d}/runA",
            where="{d}/runA",
            words=("different scenario", "other"),
            setup=_other_run,
        ),
        "out_read_only": _run(
            "--out",
            "{d}/ro/run",
            where="{d}/ro/run",
            words=("cannot", "Permission denied"),
            extra={"read_only": "ro"},
        ),
    },
    # ---- 5. messages that must point at the right place ------------------------------------
    "location": {
        "unclosed_double_quote": _v(
            edit("a tiny scenario", '"a tiny scenario'),
            "s.yaml:2:",
            "never closed",
            "end of stream",
        ),
        "unclosed_single_quote": _v(
            edit("a tiny scenario", "'a tiny scenario"), "s.yaml:2:", "never closed"
        ),
        "unclosed_bracket": _v(
            edit("[Shanghai]", "[Shanghai"), "s.yaml:9:", "flow sequence opened here", "line 10"
        ),
        "nul_byte": _v(edit("vessels: 5", "vessels: 5\x00"), "s.yaml:6:13:", "U+0000", "NUL"),
        "bell_character": _v(edit("a tiny", "a \x07tiny"), "s.yaml:2:16:", "U+0007"),
        "duplicate_asset_names": _v(
            BASE + "  - name: p8\n    kind: aircraft\n    base: Kadena\n"
            "    strategy: {kind: random, areas: [ecs_patrol]}\n",
            "s.yaml:19:",
            "unique asset group name",
            "'p8'",
        ),
        "duplicate_program_names": _v(
            edit("assets:", "  - name: oil\n    foreign_sources: [Shanghai]\nassets:"),
            "s.yaml:12:",
            "unique program name",
            "'oil'",
        ),
        "extends_a_folder": Case(
            {"s.yaml": "name: y\nextends: .\n"},
            ["validate", "{d}/s.yaml"],
            "s.yaml:2:",
            ("is a folder",),
        ),
        "extends_a_list": Case(
            {"s.yaml": "name: y\nextends: [a.yaml, b.yaml]\n"},
            ["validate", "{d}/s.yaml"],
            "s.yaml:2:",
            ("file name of the scenario to extend", "a.yaml"),
        ),
        "extends_empty": Case(
            {"s.yaml": "name: y\nextends:\n"},
            ["validate", "{d}/s.yaml"],
            "s.yaml:2:",
            ("empty value",),
        ),
        "extends_missing_file": Case(
            {"s.yaml": "name: y\nextends: bace.yaml\n", "base.yaml": BASE},
            ["validate", "{d}/s.yaml"],
            "s.yaml:2:",
            ("no scenario file", "Did you mean"),
        ),
        "latitude_95": _v(
            edit(
                "{kind: random, areas: [ecs_patrol]}",
                "{kind: barrier, barrier: [[125, 95], [126, 34]]}",
            ),
            "s.yaml:18:",
            "barrier.0.1",
            "less than or equal to 90",
        ),
        "longitude_200": _v(
            edit(
                "{kind: random, areas: [ecs_patrol]}",
                "{kind: barrier, barrier: [[200, 35], [126, 34]]}",
            ),
            "s.yaml:18:",
            "barrier.0.0",
            "less than or equal to 180",
        ),
        "barrier_outside_theater": _v(
            edit(
                "{kind: random, areas: [ecs_patrol]}",
                "{kind: barrier, barrier: [[125, 60], [126, 34]]}",
            ),
            "s.yaml:18:",
            "inside the theater",
        ),
        "set_typo_is_from_command_line": _run(
            "--set",
            "trafic.vessels=3",
            where="--set trafic.vessels=3",
            words=("unknown key 'trafic'", "Did you mean 'traffic'"),
        ),
        "set_unknown_item": _run(
            "--set",
            "assets.p88.count=3",
            where="--set assets.p88.count=3",
            words=("no item named 'p88'", "Did you mean 'p8'"),
        ),
        "set_bad_value": _run(
            "--set",
            "traffic.vessels=many",
            where="--set traffic.vessels=many",
            words=("valid integer", "'many'"),
        ),
        "set_without_equals": _run(
            "--set", "traffic.vessels", where="--set traffic.vessels", words=("key.path=value",)
        ),
        "set_into_a_value": _run(
            "--set",
            "duration_days.x=1",
            where="--set duration_days.x=1",
            words=("is a value, not a section",),
        ),
        "results_missing_folder": Case(
            {}, ["results", "{d}/nope"], "{d}/nope", ("no such folder",)
        ),
        "results_on_a_file": Case(
            {}, ["results", "{d}/afile"], "{d}/afile", ("is a file",), _a_file
        ),
        "unknown_key_suggests": _v(
            edit("traffic:", "trafic:"), "s.yaml:5:", "Did you mean 'traffic'"
        ),
        "missing_file": Case(
            {}, ["validate", "{d}/nope.yaml"], "{d}/nope.yaml", ("file not found",)
        ),
    },
}

ROWS = [(cls, name) for cls, rows in CASES.items() for name in rows]


def _fill(text: str, d: Path) -> str:
    return text.replace("{d}", str(d))


@pytest.mark.parametrize(("cls", "name"), ROWS, ids=[f"{c}-{n}" for c, n in ROWS])
def test_bad_input_exits_2_with_a_located_message(tmp_path, capsys, monkeypatch, korea, cls, name):
    """Bad input exits 2 with a located message."""
    # korea: the theater loaded once beforehand, so that the time limit measures the input only
    case = CASES[cls][name]
    for fname, text in case.files.items():
        p = tmp_path / fname
        p.write_bytes(text) if isinstance(text, bytes) else p.write_text(text)
    if case.setup:
        case.setup(tmp_path)
    if "read_only" in case.extra:  # tests may run as root, who ignores permissions: simulate
        ro = tmp_path / str(case.extra["read_only"])
        ro.mkdir()
        real_mkdir = Path.mkdir

        def mkdir(self, *a, **kw):  # type: ignore[no-untyped-def]
            if self.parent == ro or self == ro:
                raise PermissionError(13, "Permission denied", str(self))
            return real_mkdir(self, *a, **kw)

        monkeypatch.setattr(Path, "mkdir", mkdir)
    monkeypatch.chdir(tmp_path)
    t0 = time.perf_counter()
    code = main([_fill(a, tmp_path) for a in case.argv])
    elapsed = time.perf_counter() - t0
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert _fill(case.where, tmp_path) in err, err[:2000]
    for word in case.words:
        assert word in err, err[:2000]
    # measured without the temporary folder's path, which every located line repeats and whose
    # length depends on the machine and the test's position in the session
    size = len(err.replace(str(tmp_path), ""))
    assert size < case.max_stderr, f"{size} characters of messages"
    assert elapsed < 15, f"took {elapsed:.1f} s"
    if "unchanged" in case.extra:
        assert (tmp_path / str(case.extra["unchanged"])).read_text() == "my own numbers\n"
        assert not (tmp_path / "mine" / "manifest.json").exists()


def test_the_corpus_covers_every_class_with_sixty_cases():
    """The corpus covers every class with sixty cases."""
    assert set(CASES) == {"traceback", "limits", "silent", "damage", "location"}
    assert all(len(rows) >= 4 for rows in CASES.values())
    assert len(ROWS) >= 60


def test_a_20_mb_file_is_refused_fast_without_reading_it(tmp_path, capsys):
    """A 20 mb file is refused fast without reading it."""
    _big(tmp_path, 20)
    t0 = time.perf_counter()
    assert main(["validate", str(tmp_path / "s.yaml")]) == 2
    assert time.perf_counter() - t0 < 3.0
    assert "MAX_FILE_BYTES" in capsys.readouterr().err


def test_an_alias_bomb_is_refused_fast_in_bounded_memory(tmp_path, capsys):
    """An alias bomb is refused fast in bounded memory."""
    import tracemalloc

    (tmp_path / "s.yaml").write_text(BOMB)
    tracemalloc.start()
    t0 = time.perf_counter()
    code = main(["validate", str(tmp_path / "s.yaml")])
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert code == 2 and "alias bomb" in capsys.readouterr().err
    assert elapsed < 5.0 and peak < 50_000_000, (elapsed, peak)


# ---- the last line of defence and the paths derived from names -----------------------------
def test_an_unexpected_failure_is_one_line_with_a_debug_hint(tmp_path, capsys, monkeypatch):
    """An unexpected failure is one line with a debug hint."""
    import sim.scenarios

    def boom(*a, **kw):  # type: ignore[no-untyped-def]
        raise RuntimeError("something inside broke\nsecond line")

    monkeypatch.setattr(sim.scenarios, "load_scenario", boom)
    (tmp_path / "s.yaml").write_text(BASE)
    assert main(["validate", str(tmp_path / "s.yaml")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "unexpected RuntimeError: something inside broke" in err and "--debug" in err
    assert main(["--debug", "validate", str(tmp_path / "s.yaml")]) == 1
    assert "Traceback" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "s.yaml"), "--debug"]) == 1
    assert "Traceback" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("../../x", "x"),
        ("/etc/passwd", "etc_passwd"),
        ("..", "run"),
        (".hidden", "hidden"),
        ("a/b\\c d", "a_b_c_d"),
        ("n" * 300, "n" * 80),
    ],
)
def test_folders_derived_from_names_stay_inside_their_parent(tmp_path, name, folder):
    """Folders derived from names stay inside their parent."""
    from sim.experiments.run_dirs import child_dir

    path = child_dir(tmp_path / "runs", name)
    assert path == tmp_path / "runs" / folder
    assert path.resolve().is_relative_to((tmp_path / "runs").resolve())


def test_a_scenario_named_dot_dot_writes_inside_runs(tmp_path, capsys, monkeypatch, korea):
    """A scenario named dot dot writes inside runs."""
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    (work / "s.yaml").write_text(edit("name: tiny", "name: ../../x"))
    code = main(["run", "s.yaml", "-n", "1", "-w", "1", "--set", "duration_days=0.25"])
    assert code == 0, capsys.readouterr().err
    assert (work / "runs" / "x" / "manifest.json").is_file()
    assert not (tmp_path / "x").exists() and not (tmp_path / "a" / "x").exists()


def test_results_skips_a_damaged_summary_with_a_warning(tmp_path, capsys):
    """Results skips a damaged summary with a warning."""
    _list_summary(tmp_path)
    good = tmp_path / "runA" / "replications" / "replication=1"
    good.mkdir()
    (good / "_summary.json").write_text('{"replication": 1, "seed": 1, "error": ""}')
    assert main(["results", str(tmp_path / "runA")]) == 0
    err = capsys.readouterr().err
    assert "1 replication folder(s) with a damaged _summary.json skipped" in err
