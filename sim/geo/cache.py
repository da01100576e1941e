"""On-disk cache for expensive geography products (zone rasters, routing graphs).

Files live under ``$SANCTIONS_SIM_CACHE`` or ``~/.cache/sanctions-sim`` and are keyed by a
hash of the input data fingerprint, the build parameters and :data:`CODE_VERSION`, so a
change to any of them silently builds a fresh file instead of reading a stale one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np

__all__ = ["CODE_VERSION", "cache_dir", "cache_key", "load_arrays", "locked", "save_arrays"]

# geo-7: land densified before projection (no false water at the edges); geo-6: narrows nodes,
# taut routes
CODE_VERSION = "geo-7"
"""Bump when a change to sim.geo alters cached rasters or graphs."""


def cache_dir() -> Path:
    """Return (and create) the cache directory."""
    root = os.environ.get("SANCTIONS_SIM_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "sanctions-sim"
    )
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_key(kind: str, params: Mapping[str, object]) -> str:
    """Return a file stem ``<kind>-<hash>`` for the given build parameters."""
    blob = json.dumps({"v": CODE_VERSION, **params}, sort_keys=True, default=str)
    return f"{kind}-{hashlib.sha1(blob.encode()).hexdigest()[:16]}"


def load_arrays(key: str) -> dict[str, np.ndarray] | None:
    """Load a cached ``.npz`` by key, or return None when missing or unreadable."""
    path = cache_dir() / f"{key}.npz"
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except (OSError, ValueError, EOFError):  # corrupt/partial file: rebuild rather than fail
        return None


@contextlib.contextmanager
def locked(key: str) -> Iterator[None]:
    """Hold an exclusive lock on ``key`` (a ``.lock`` file beside it) for a read-merge-write."""
    d = cache_dir()
    with open(d / f"{key}.lock", "a") as fh:
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock, the write itself stays atomic
            yield
            return
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def save_arrays(key: str, arrays: dict[str, np.ndarray]) -> None:
    """Atomically write arrays to the cache (write to a temp file, then rename)."""
    d = cache_dir()
    fd, tmp = tempfile.mkstemp(dir=d, suffix=".tmp.npz")
    os.close(fd)
    try:
        # numpy's stubs match **arrays against savez's allow_pickle (numpy >= 2.1 only)
        np.savez(tmp, **arrays)  # type: ignore[arg-type]
        os.replace(tmp, d / f"{key}.npz")
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
