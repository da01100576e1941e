"""Reading a scenario file within declared limits, with the line and column of every key.

``read_scenario_text`` and ``parse_yaml`` take a ``report`` callback that builds the
exception; here it builds a ``Located`` carrying (line, column, message), so each test can
say where the problem was reported, which is what the user sees.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.scenarios.yaml_reader import (
    MAX_ALIASES,
    MAX_EXPANDED_NODES,
    MAX_FILE_BYTES,
    MAX_NESTING_DEPTH,
    parse_value,
    parse_yaml,
    read_scenario_text,
)


class Located(Exception):
    """A problem with the place it was reported at."""

    def __init__(self, line: int | None, col: int | None, msg: str) -> None:
        super().__init__(msg)
        self.line, self.col, self.msg = line, col, msg


def report(line: int | None, col: int | None, msg: str) -> Exception:
    return Located(line, col, msg)


def parse(text: str):
    return parse_yaml(text, "f.yaml", report)


def fails(text: str) -> Located:
    with pytest.raises(Located) as exc:
        parse(text)
    return exc.value


def test_marks_give_the_line_and_column_of_every_key_and_list_item():
    data, marks = parse("name: s\ntraffic:\n  vessels: 5\nassets:\n  - name: p8\n    count: 2\n")
    assert data == {"name": "s", "traffic": {"vessels": 5}, "assets": [{"name": "p8", "count": 2}]}
    assert marks[("name",)] == ("f.yaml", 1, 1)
    assert marks[("traffic", "vessels")] == ("f.yaml", 3, 3)
    assert marks[("assets", 0)] == ("f.yaml", 5, 5)
    assert marks[("assets", 0, "count")] == ("f.yaml", 6, 5)


def test_an_empty_document_is_none_without_marks():
    assert parse("") == (None, {})
    assert parse("# only a comment\n") == (None, {})


def test_a_repeated_key_is_refused_where_it_repeats():
    e = fails("name: a\ntraffic:\n  vessels: 1\n  vessels: 2\n")
    assert "vessels" in e.msg and e.line == 4


def test_a_character_yaml_forbids_is_located():
    e = fails("name: a\ndescription: b\x00c\n")
    assert (e.line, e.col) == (2, 15) and "U+0000 (NUL)" in e.msg


def test_nesting_beyond_the_limit_is_refused():
    deep = "a: " + "[" * (MAX_NESTING_DEPTH + 5) + "]" * (MAX_NESTING_DEPTH + 5) + "\n"
    assert "nest" in fails(deep).msg.lower()
    ok = "a: " + "[" * (MAX_NESTING_DEPTH - 2) + "]" * (MAX_NESTING_DEPTH - 2) + "\n"
    assert parse(ok)[0] is not None


def test_too_many_aliases_are_refused():
    refs = ", ".join(["*x"] * (MAX_ALIASES + 1))
    assert "alias" in fails(f"a: &x 1\nb: [{refs}]\n").msg.lower()


def test_an_alias_bomb_is_refused_before_it_expands():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    e = fails("\n".join(lines) + "\n")
    assert f"{MAX_EXPANDED_NODES:,}" in e.msg and "alias bomb" in e.msg


def test_an_unclosed_quote_is_reported_where_it_opened():
    e = fails('name: a\ndescription: "never closed\nother: 1\n')
    assert e.line == 2 and "never closed" in e.msg


def test_an_integer_too_long_to_be_a_number_is_refused():
    assert "too long to be a number" in fails("vessels: " + "9" * 5000 + "\n").msg


def test_other_syntax_errors_name_the_place():
    e = fails("a: [1, 2\nb: 3\n")
    assert e.line is not None and e.msg.startswith("not valid YAML")


def test_values_from_the_command_line_are_yaml_or_plain_text():
    assert parse_value("3") == 3 and parse_value("2.5") == 2.5 and parse_value("true") is True
    assert parse_value("[1, 2]") == [1, 2] and parse_value("{a: 1}") == {"a": 1}
    assert parse_value("Nampo") == "Nampo"
    assert parse_value("[unclosed") == "[unclosed"  # not YAML: taken as text, as before
    with pytest.raises(ValueError, match="a"):
        parse_value("{a: 1, a: 2}")


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.from_regex(r"k_[a-z_]{0,8}", fullmatch=True),  # not yes/no/on/off: YAML booleans
        st.one_of(
            st.integers(-1000, 1000), st.booleans(), st.from_regex(r"[A-Za-z]{1,8}", fullmatch=True)
        ),
        min_size=1,
        max_size=8,
    )
)
def test_a_flat_mapping_reads_back_with_one_mark_per_key_on_its_own_line(d):
    text = "".join(
        f"{k}: {v!r}\n" if isinstance(v, str) else f"{k}: {str(v).lower()}\n" for k, v in d.items()
    )
    data, marks = parse(text)
    assert data == d
    for i, k in enumerate(d):
        assert marks[(k,)] == ("f.yaml", i + 1, 1)


def test_the_file_must_be_a_readable_regular_utf8_file(tmp_path: Path):
    def read_fails(p: Path) -> Located:
        with pytest.raises(Located) as exc:
            read_scenario_text(p, report)
        return exc.value

    assert "file not found" in read_fails(tmp_path / "missing.yaml").msg
    assert "is a folder" in read_fails(tmp_path).msg
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    assert "MAX_FILE_BYTES" in read_fails(big).msg
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"name: a\ndescription: caf\xe9\n")
    e = read_fails(latin)
    assert (e.line, e.col) == (2, 17) and "0xe9" in e.msg
    bom = tmp_path / "bom.yaml"
    bom.write_bytes("\ufeffname: a\n".encode())
    assert read_scenario_text(bom, report) == "name: a\n"  # a byte-order mark is not content


def test_marks_reach_into_lists_of_lists_and_flow_mappings():
    data, marks = parse(
        "strategy:\n  barrier:\n    - [124.0, 33.0]\n    - [126.0, 34.0]\nrules: {blockade: true}\n"
    )
    assert data["strategy"]["barrier"] == [[124.0, 33.0], [126.0, 34.0]]
    assert marks[("strategy", "barrier", 1)] == ("f.yaml", 4, 7)
    assert marks[("strategy", "barrier", 1, 0)] == ("f.yaml", 4, 8)
    assert marks[("rules", "blockade")] == ("f.yaml", 5, 9)


def test_values_longer_than_the_file_limit_are_refused():
    with pytest.raises(ValueError, match="longer than"):
        parse_value("x" * (MAX_FILE_BYTES + 1))
