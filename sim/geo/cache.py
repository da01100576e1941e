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
import struct
import tempfile
import zipfile
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
    """Load a cached ``.npz`` by key, or return None when missing or unreadable.

    The arrays are memory-mapped from the file (copy-on-write) where they can be: a routing
    graph's all-pairs tables are tens of MB each and a run reads a few rows of them, so only
    the pages read become resident, and the worker processes of one machine share them
    through the page cache. A file that cannot be mapped is read whole, as ``np.load`` does.
    """
    path = cache_dir() / f"{key}.npz"
    if not path.exists():
        return None
    try:
        return _mapped(path)
    except (OSError, ValueError, EOFError, struct.error, zipfile.BadZipFile):
        pass
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except (OSError, ValueError, EOFError):  # corrupt/partial file: rebuild rather than fail
        return None


_LOCAL_HEADER = 30
"""Bytes of a zip local file header before its name and extra field (PKWARE APPNOTE 4.3.7)."""


def _mapped(path: Path) -> dict[str, np.ndarray]:
    """The arrays of an uncompressed ``.npz`` (``np.savez``) as copy-on-write memory maps.

    Raises ``ValueError`` (or a zip or struct error) for anything but stored, non-object
    ``.npy`` members of format 1.0 or 2.0; the caller then reads the file whole.
    """
    out: dict[str, np.ndarray] = {}
    with zipfile.ZipFile(path) as zf, open(path, "rb") as fh:
        for info in zf.infolist():
            if info.compress_type != zipfile.ZIP_STORED or not info.filename.endswith(".npy"):
                raise ValueError(f"{info.filename}: not a stored .npy member")
            fh.seek(info.header_offset)
            local = fh.read(_LOCAL_HEADER)
            if local[:4] != b"PK\x03\x04":
                raise ValueError(f"{info.filename}: no local header")
            name_len, extra_len = struct.unpack("<HH", local[26:30])
            fh.seek(info.header_offset + _LOCAL_HEADER + name_len + extra_len)
            version = np.lib.format.read_magic(fh)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(fh)
            else:
                raise ValueError(f"{info.filename}: .npy format {version}")
            if dtype.hasobject:
                raise ValueError(f"{info.filename}: object array")
            name = info.filename[: -len(".npy")]
            if int(np.prod(shape)) == 0:
                out[name] = np.zeros(shape, dtype=dtype)
                continue
            m = np.memmap(
                path, dtype=dtype, mode="c", offset=fh.tell(), shape=shape,
                order="F" if fortran else "C",
            )  # fmt: skip
            out[name] = m.view(np.ndarray)
    return out


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
