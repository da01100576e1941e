"""Read one scenario file into plain data and the line/column of every key, within declared limits.

YAML is a rich language and a scenario file is user input: it may be huge, nested
thousands deep, an alias bomb ("billion laughs"), repeat a key (YAML keeps the last
value silently), or hold bytes that are not text. This module is the one place where
the raw file is read, and it refuses each of those with a located problem before
anything downstream (merging, validation, the model) can choke on it.

Every limit below is an assumption chosen so that the shipped scenarios (3-7 kB,
nesting depth 5, no aliases) sit far inside it and a hostile file is refused in well
under a second and a few megabytes of memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from sim.errors import clip

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_NESTING_DEPTH",
    "MAX_ALIASES",
    "MAX_EXPANDED_NODES",
    "Marks",
    "read_scenario_text",
    "parse_yaml",
    "parse_value",
]

MAX_FILE_BYTES = 1_000_000
"""Largest scenario file read, bytes (assumption: shipped files are under 10 kB; PyYAML's pure
Python parser needs about a second per megabyte, so this bounds the time to refuse a file)."""

MAX_NESTING_DEPTH = 40
"""Deepest nesting of mappings and lists (assumption: the schema nests 5 deep; the recursive YAML
composer would hit Python's recursion limit near 300)."""

MAX_ALIASES = 1_000
"""Most ``*alias`` references in one file (assumption: scenarios need few, if any)."""

MAX_EXPANDED_NODES = 200_000
"""Most YAML nodes after every alias is expanded (assumption: a 1 MB file of plain values has
about that many; an alias bomb of a few hundred bytes expands to billions)."""

Marks = dict[tuple[Any, ...], tuple[str, int, int]]
"""Key path -> (file, line, column) where that key (for list items: the item) starts, 1-based."""

# Characters YAML forbids (PyYAML's Reader.NON_PRINTABLE): found ourselves so that we can report
# line:column instead of PyYAML's character offset.
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)

Report = Callable[[int | None, int | None, str], Exception]
"""Builds the exception to raise for a problem at (line, column) with a message."""


class _Limit(yaml.YAMLError):
    """A declared limit was exceeded at a mark."""

    def __init__(self, message: str, mark: yaml.Mark | None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that bounds nesting and aliases and refuses duplicate or non-text keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _Limit(
                    f"more than {MAX_ALIASES} aliases (*name); refused as a possible alias bomb",
                    self.peek_event().start_mark,
                )
        self._depth += 1
        try:
            if self._depth > MAX_NESTING_DEPTH:
                raise _Limit(
                    f"nested more than {MAX_NESTING_DEPTH} levels deep",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, yaml.Node] = {}
            for key, _ in node.value:
                if key.tag == "tag:yaml.org,2002:merge":
                    continue
                if not (isinstance(key, yaml.ScalarNode) and key.tag == "tag:yaml.org,2002:str"):
                    shown = key.value if isinstance(key, yaml.ScalarNode) else "a " + key.id
                    raise _Limit(
                        f"a key must be text; found {clip(str(shown), 40)!r} "
                        "(quote it if it is meant as a name)",
                        key.start_mark,
                    )
                if key.value in seen:
                    first = seen[key.value].start_mark.line + 1
                    raise _Limit(
                        f"duplicate key {clip(key.value, 60)!r} (first given on line {first}); "
                        "YAML would silently keep only the last value",
                        key.start_mark,
                    )
                seen[key.value] = key
        return super().construct_mapping(node, deep=deep)  # type: ignore[arg-type]

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            raise _Limit(
                f"integer {clip(node.value, 30)} is too long to be a number", node.start_mark
            ) from None


_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _BoundedLoader.construct_yaml_int)


def read_scenario_text(path: Path, report: Report) -> str:
    """The text of a scenario file, refused if it is not a regular file, too large or not UTF-8.

    Never blocks: a FIFO or device (``/dev/zero``) is refused before it is opened, and at most
    ``MAX_FILE_BYTES + 1`` bytes are read whatever ``stat`` says.
    """
    try:
        if path.is_dir():
            raise report(None, None, "is a folder; expected a scenario file (.yaml)")
        if not path.exists():
            raise report(None, None, "file not found")
        if not path.is_file():
            raise report(None, None, "is not a regular file; expected a scenario file (.yaml)")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise report(None, None, _too_large(size))
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise report(None, None, f"cannot read file: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise report(None, None, _too_large(len(raw)))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise report(
            line, col, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        ) from None


def _too_large(size: int) -> str:
    return (
        f"file is {size:,} bytes, more than the limit of {MAX_FILE_BYTES:,} bytes "
        "for a scenario file (MAX_FILE_BYTES)"
    )


def parse_yaml(text: str, file: str, report: Report) -> tuple[Any, Marks]:
    """Parse YAML text within the limits; return the data and the marks of every key path.

    Raises:
        whatever ``report(line, column, message)`` builds, for the first problem found.
    """
    bad = _NON_PRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        code = ord(bad.group())
        name = " (NUL)" if code == 0 else ""
        raise report(
            line, col, f"character U+{code:04X}{name} is not allowed in a YAML file"
        ) from None
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        _check_expanded_size(node)
        data = loader.construct_document(node)
    except _Limit as exc:
        mark = exc.mark
        raise report(
            mark.line + 1 if mark else None, mark.column + 1 if mark else None, exc.message
        ) from None
    except yaml.YAMLError as exc:
        raise _yaml_problem(exc, text, report) from None
    finally:
        loader.dispose()
    marks: Marks = {}
    _marks(node, file, (), marks)
    return data, marks


def _yaml_problem(exc: yaml.YAMLError, text: str, report: Report) -> Exception:
    """A located problem for a YAML syntax error, at the place the user has to fix.

    An unclosed quote or bracket is found only further on (often at the end of the file);
    PyYAML keeps the place where the construct opened as ``context_mark``, which is where
    the user must look, so quoted scalars, flow collections and keys are reported there,
    with the place the parser gave up in the message.
    """
    problem = str(getattr(exc, "problem", None) or exc)
    context = str(getattr(exc, "context", None) or "")
    pmark = getattr(exc, "problem_mark", None)
    cmark = getattr(exc, "context_mark", None)
    opened = any(w in context for w in ("quoted scalar", "flow", "simple key"))
    if cmark is not None and opened:
        what = context.removeprefix("while scanning ").removeprefix("while parsing ")
        where = f"line {pmark.line + 1}, column {pmark.column + 1}" if pmark else "the end"
        if "simple key" in context:
            msg = (
                f"not valid YAML: no ':' after the key that starts here ({problem} at {where}; "
                "a key must fit on one line, within 1024 characters)"
            )
        elif "end of stream" in problem:
            msg = f"not valid YAML: {what} opened here is never closed ({problem} at {where})"
        else:
            msg = (
                f"not valid YAML: {what} opened here is not closed properly ({problem} at {where})"
            )
        return report(cmark.line + 1, cmark.column + 1, clip(msg, 300))
    msg = f"not valid YAML: {problem}" + (f" ({context})" if context else "")
    if pmark is None:
        return report(None, None, clip(msg, 300))
    return report(pmark.line + 1, pmark.column + 1, clip(msg, 300))


def _check_expanded_size(root: yaml.Node) -> None:
    """Refuse a document whose alias-expanded size exceeds ``MAX_EXPANDED_NODES``.

    An alias shares its node, so the composed graph stays small; everything after the loader
    (merging, marks, validation) walks it as a tree and would expand it. The expanded size is
    counted here without expanding: each distinct node's size is computed once (bottom-up,
    iteratively, so depth costs no recursion).
    """
    size: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        if id(node) in size:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [n for kv in node.value for n in kv]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        if not ready:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in size)
            continue
        total = 1 + sum(size.get(id(c), 1) for c in children)
        size[id(node)] = total
        if total > MAX_EXPANDED_NODES:
            raise _Limit(
                f"the document expands to more than {MAX_EXPANDED_NODES:,} values once its "
                "aliases are expanded; refused as a possible alias bomb",
                node.start_mark,
            )


def _marks(node: yaml.Node, file: str, path: tuple[Any, ...], out: Marks) -> None:
    """Map every key path to the (file, line, column) where its key starts (1-based)."""
    out.setdefault(path, (file, node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value
            _marks(v, file, path + (key,), out)
            out[path + (key,)] = (file, k.start_mark.line + 1, k.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _marks(v, file, path + (i,), out)


def parse_value(raw: str) -> Any:
    """Parse a command-line value (``--set k=VALUE``) as YAML within the same limits.

    Text that is not valid YAML is taken as a plain string, as before.

    Raises:
        ValueError: with a message, when the value breaks a limit or has a duplicate key.
    """

    def report(line: int | None, col: int | None, msg: str) -> Exception:
        return ValueError(msg)

    if len(raw) > MAX_FILE_BYTES:
        raise ValueError(f"value is longer than {MAX_FILE_BYTES:,} characters")
    try:
        data, _ = parse_yaml(raw, "<value>", report)
    except ValueError as exc:
        if str(exc).startswith("not valid YAML"):
            return raw
        raise
    return data
