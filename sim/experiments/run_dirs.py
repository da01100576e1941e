"""Output folders: the one place that decides where results may be written.

Results never cost a user a file. A run writes only into a folder that is new, empty,
or already a run directory of the same scenario and seed (then it resumes); a
comparison or sweep writes only into a folder that is new, empty or already an
experiment directory. Paths derived from names (a scenario's name becomes
``runs/<name>``) are made safe for a file name and checked to stay inside the folder
they belong to, so a scenario named ``../../x`` writes nowhere else.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from sim.errors import UserError, clip

__all__ = [
    "MANIFEST",
    "MAX_DIR_NAME_CHARS",
    "child_dir",
    "prepare_run_dir",
    "prepare_experiment_dir",
    "read_json_mapping",
    "ensure_dir",
    "write_text",
]

MANIFEST = "manifest.json"
"""A run directory's manifest: scenario name and hash, seed, replications, provenance."""

MAX_DIR_NAME_CHARS = 80
"""Longest folder name derived from a scenario name, characters (assumption: far inside the
255-byte limit of common file systems, and readable)."""

_UNSAFE = re.compile(r"[^A-Za-z0-9_.=-]+")


def read_json_mapping(path: Path, what: str = "file") -> dict[str, Any]:
    """The JSON object in ``path``; a located ``UserError`` if unreadable or not an object."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read this {what}: {exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        line, col = getattr(exc, "lineno", None), getattr(exc, "colno", None)
        where = f"{path}:{line}:{col}" if line else str(path)
        raise UserError(
            f"{where}: this {what} is not valid JSON ({getattr(exc, 'msg', exc)}); "
            "it may have been damaged: use another folder or delete it"
        ) from None
    if not isinstance(data, dict):
        raise UserError(
            f"{path}:1:1: this {what} should be a JSON object, found {type(data).__name__}; "
            "use another folder or delete it"
        )
    return data


def _os_error(path: Path, exc: OSError, doing: str) -> UserError:
    reason = exc.strerror or str(exc)
    return UserError(f"{path}: cannot {doing}: {reason}")


def ensure_dir(path: Path) -> None:
    """Create a folder (and its parents); a plain ``UserError`` when that is impossible."""
    if path.exists() and not path.is_dir():
        raise UserError(f"{path} is a file, not a folder; choose another --out")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UserError(
            f"{path}: a file is in the way of this folder; choose another --out"
        ) from None
    except OSError as exc:
        raise _os_error(path, exc, "create this folder") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise UserError(f"{path}: cannot write into this folder: permission denied")


def write_text(path: Path, text: str) -> None:
    """Write a small file atomically (temporary file, then rename); ``UserError`` on failure."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise _os_error(path, exc, "write this file") from None


def child_dir(parent: Path, name: str) -> Path:
    """``parent/<name>``, ``name`` made safe for a file name and proven to stay inside ``parent``.

    Characters other than letters, digits and ``_.=-`` become ``_``, leading dots are
    dropped (no ``..``, no hidden folder) and the name is cut to ``MAX_DIR_NAME_CHARS``.
    """
    safe = _UNSAFE.sub("_", name).strip("._")[:MAX_DIR_NAME_CHARS].rstrip("._") or "run"
    child = parent / safe
    base = parent.resolve()
    if not child.resolve().is_relative_to(base) or child.resolve() == base:
        raise UserError(f"the name {clip(name, 60)!r} does not give a folder inside {parent}")
    return child


def _is_empty(path: Path) -> bool:
    try:
        return not any(path.iterdir())
    except OSError as exc:
        raise _os_error(path, exc, "list this folder") from None


def prepare_run_dir(out: Path, *, scenario: str, scenario_hash: str, seed: int) -> bool:
    """Make ``out`` ready for a run; return True when it already holds this run (resume).

    Refuses a file, a folder of other things (a user's own files would be overwritten),
    a damaged manifest, and a run directory of another scenario or seed.

    Raises:
        UserError: saying what is in the way and what to do.
    """
    if out.exists() and not out.is_dir():
        raise UserError(f"{out} is a file, not a folder; choose another --out")
    manifest = out / MANIFEST
    if out.is_dir() and manifest.is_file():
        old = read_json_mapping(manifest, "run manifest")
        if old.get("scenario_hash") not in (None, scenario_hash):
            was = (
                f"{clip(str(old.get('scenario')), 60)}, hash {clip(str(old['scenario_hash']), 20)}"
            )
            raise UserError(
                f"{out} holds results of a different scenario ({was}, now {clip(scenario, 60)} "
                f"{scenario_hash}); "
                "use another --out directory or delete it"
            )
        if old.get("seed") not in (None, seed):
            raise UserError(
                f"{out} holds results for seed {clip(str(old.get('seed')), 30)}, not {seed}; "
                "use another --out directory"
            )
        ensure_dir(out)
        return True
    if out.is_dir() and not _is_empty(out):
        raise UserError(
            f"{out} is not empty and is not a run directory (no {MANIFEST}); refusing to write "
            "into it, so that none of its files is overwritten: choose a new or empty --out"
        )
    ensure_dir(out)
    return False


def prepare_experiment_dir(out: Path, manifest_name: str) -> None:
    """Make a comparison/sweep folder ready: new, empty, or already an experiment directory."""
    if out.exists() and not out.is_dir():
        raise UserError(f"{out} is a file, not a folder; choose another --out")
    f = out / manifest_name
    if out.is_dir() and f.is_file():
        read_json_mapping(f, "experiment manifest")
    elif out.is_dir() and not _is_empty(out):
        raise UserError(
            f"{out} is not empty and is not an experiment directory (no {manifest_name}); "
            "refusing to write into it, so that none of its files is overwritten: "
            "choose a new or empty --out"
        )
    ensure_dir(out)
