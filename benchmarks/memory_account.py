"""Where one replication's resident memory goes, stage by stage (issue #16: peak <= 1.5 GB).

Run: ``.venv/bin/python benchmarks/memory_account.py [--vessels 10000] [--assets 50]
[--days D] [--interval-ms 5] [--top 12]``.

It loads scenario, theater and route cache as the benchmark child does
(``benchmarks/run_all.py``), then runs one replication. Along the way it prints

* at each stage (imports, scenario, theater, route cache, build, run, tables): the process's
  resident memory from ``/proc/self/status`` split into anonymous memory (``RssAnon``: the
  heap, numpy's arrays) and mapped files (``RssFile``: shared libraries, the memory-mapped
  geography cache), and glibc's own account (``mallinfo2``): bytes in use, bytes held free
  in its arenas (retained, still resident when touched) and bytes in ``mmap``-ed blocks;
* the highest samples of a background thread that reads ``VmRSS`` every few milliseconds
  with the innermost ``sim`` function the main thread is in, so the build's peaks are named.

``ru_maxrss`` (what ``run_all.py`` reports) counts file pages too: ``RssFile`` is part of the
peak. No timing here; the sampler thread costs a little wall time.
"""

from __future__ import annotations

import argparse
import ctypes
import sys
import threading
import time
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

_STATUS_KEYS = ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem")


def status_mb() -> dict[str, float]:
    """``/proc/self/status`` memory lines, MB (kB / 1024)."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in _STATUS_KEYS:
            out[key] = int(rest.split()[0]) / 1024
    return out


class _Mallinfo2(ctypes.Structure):
    """glibc's ``struct mallinfo2`` (glibc >= 2.33), all ``size_t``."""

    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def mallinfo_mb() -> dict[str, float]:
    """The glibc heap, MB: bytes in use, free but held in the arenas, in mmap-ed blocks."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        f = libc.mallinfo2
    except (OSError, AttributeError):
        return {}
    f.restype = _Mallinfo2
    m = f()
    return {
        "heap_used": m.uordblks / 2**20,
        "heap_free": m.fordblks / 2**20,
        "mmapped": m.hblkhd / 2**20,
    }


def _where(frame: FrameType | None) -> str:
    """The innermost ``sim`` frame of a stack, as ``module.function:line``."""
    while frame is not None:
        mod = frame.f_globals.get("__name__", "")
        if mod.startswith("sim.") or mod == "sim":
            return f"{mod}.{frame.f_code.co_name}:{frame.f_lineno}"
        frame = frame.f_back
    return "-"


class Sampler(threading.Thread):
    """Reads ``VmRSS`` every ``interval_s`` and where the main thread is (the max per place)."""

    def __init__(self, interval_s: float) -> None:
        super().__init__(daemon=True)
        self.interval_s = interval_s
        self.stop = threading.Event()
        self.peaks: dict[str, tuple[float, float, float]] = {}  # where -> (rss, anon, file)
        self.main_id = threading.main_thread().ident

    def run(self) -> None:
        """Sample until stopped."""
        frames = sys._current_frames
        while not self.stop.wait(self.interval_s):
            s = status_mb()
            where = _where(frames().get(self.main_id or 0))
            old = self.peaks.get(where)
            if old is None or s["VmRSS"] > old[0]:
                self.peaks[where] = (s["VmRSS"], s["RssAnon"], s["RssFile"])


def line(stage: str) -> None:
    """Print one stage's account."""
    s, m = status_mb(), mallinfo_mb()
    print(
        f"{stage:<22} rss {s['VmRSS']:7.0f}  anon {s['RssAnon']:7.0f}  file {s['RssFile']:6.0f}"
        f"  hwm {s['VmHWM']:7.0f} | malloc used {m.get('heap_used', 0):7.0f}"
        f"  free {m.get('heap_free', 0):6.0f}  mmapped {m.get('mmapped', 0):7.0f}  (MB)",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    """Print the memory account of one replication (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--vessels", type=int, default=10000)
    ap.add_argument("--assets", type=int, default=50)
    ap.add_argument("--days", type=float, default=None)
    ap.add_argument("--seed", type=int, default=2018)
    ap.add_argument("--interval-ms", type=float, default=5.0)
    ap.add_argument("--top", type=int, default=12)
    a = ap.parse_args(argv)
    line("start")
    sampler = Sampler(a.interval_ms / 1000)
    sampler.start()
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    line("numpy, pandas")
    from profile_run import SCENARIO, fingerprint, overrides

    from sim.experiments.replications import replication_seeds
    from sim.geo import load_theater
    from sim.model import run
    from sim.model.engine import RouteCache
    from sim.scenarios import load_scenario

    line("sim imported")
    sc = load_scenario(SCENARIO, overrides=overrides(a.vessels, a.assets, a.days))
    line("scenario")
    th = load_theater(sc.theater)
    line("theater")
    rc = RouteCache.load(th)
    line("route cache")
    t0 = time.perf_counter()
    res = run(sc, replication_seeds(a.seed, 1)[0], theater=th, route_cache=rc)
    wall = time.perf_counter() - t0
    line("run and tables")
    sampler.stop.set()
    sampler.join()
    print(f"fp={fingerprint(res)} wall={wall:.1f}s (sampler running)")
    print(f"\nhighest RSS samples by place (every {a.interval_ms:g} ms), MB:")
    top = sorted(sampler.peaks.items(), key=lambda kv: -kv[1][0])[: a.top]
    for where, (rss, anon, file) in top:
        print(f"  {rss:7.0f}  anon {anon:7.0f}  file {file:6.0f}  {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
