r"""AIS as NMEA 0183 AIVDM sentences, both ways, with pyais (optional extra ``ais``).

:func:`write_nmea` encodes a MarineCadastre-layout table (``sim.monitoring.formats``) as
type 1 position reports and type 5 static reports, each line prefixed by an NMEA 4.0 tag
block with the receive time (``\c:<unix seconds>*hh\``), as shore networks log them, so
pyais, gpsd and OpenCPN read them and the times survive.

:func:`read_nmea` reads a raw AIVDM/AIVDO log from a real receiver into the same
MarineCadastre table, so the detectors run on real data (``layout="marinecadastre"``).
It reassembles multi-part messages, and skips, counting why: lines that are not AIS
sentences, bad checksums, empty payloads, fragments whose other parts never arrive,
undecodable payloads, and positions that are 'not available' (lat 91, lon 181). Speed
102.3, course 360 and heading 511 ('not available') become NaN. Times come from the tag
block's ``c:`` field when there is one, else are missing (NaT). Position types 1/2/3
(Class A) and 18/19 (Class B) become rows; types 5 and 24 give each MMSI its ship type;
other types are counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["read_nmea", "write_nmea", "POSITION_TYPES", "STATIC_TYPES"]

POSITION_TYPES = (1, 2, 3, 18, 19)
STATIC_TYPES = (5, 24)
_MC = ["MMSI", "BaseDateTime", "LAT", "LON", "SOG", "COG", "Heading", "VesselType", "Status"]


def _pyais() -> Any:
    try:
        import pyais
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        from sim.errors import UserError

        raise UserError(
            "NMEA needs the optional dependency: pip install 'sanctions-sim[ais]'"
        ) from exc
    return pyais


def _checksum(text: str) -> str:
    c = 0
    for ch in text:
        c ^= ord(ch)
    return f"{c:02X}"


def _tag(unix_s: int) -> str:
    body = f"c:{unix_s}"
    return f"\\{body}*{_checksum(body)}\\"


def _na(v: float, na: float, lo: float, hi: float) -> float:
    return na if not np.isfinite(v) or v < lo or v > hi else float(v)


def write_nmea(ais: pd.DataFrame, path: str | Path, *, static_every_h: float = 6.0) -> int:
    """Write a MarineCadastre-layout table as tag-blocked AIVDM sentences; returns lines written.

    A type 5 static report precedes each MMSI's first position and repeats every
    ``static_every_h`` hours (ITU: every 6 min; thinned like the positions, assumption).
    """
    pyais = _pyais()
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    t = ais.sort_values(["BaseDateTime", "MMSI"], kind="stable")
    unix = (pd.to_datetime(t["BaseDateTime"]) - pd.Timestamp("1970-01-01")) // pd.Timedelta(
        seconds=1
    )
    last_static: dict[int, int] = {}
    n = 0
    seq = 0
    with p.open("w", encoding="ascii") as f:
        for row, ts in zip(t.itertuples(index=False), unix.to_numpy(), strict=True):
            mmsi, ts = int(row.MMSI), int(ts)
            if ts - last_static.get(mmsi, -(10**12)) >= static_every_h * 3600:
                last_static[mmsi] = ts
                seq = seq % 9 + 1
                static = {
                    "type": 5,
                    "mmsi": mmsi,
                    "ais_version": 0,
                    "shipname": f"SIM {mmsi % 1_000_000}",
                    "callsign": "",
                    "ship_type": int(row.VesselType),
                }
                for s in pyais.encode_dict(static, talker_id="AI", sentence_type="VDM", seq_id=seq):
                    f.write(f"{_tag(ts)}{s}\n")
                    n += 1
            msg = {
                "type": 1,
                "mmsi": mmsi,
                "status": int(row.Status),
                # rounded to the message's resolution (pyais truncates)
                "lon": round(_na(row.LON, 181.0, -180.0, 180.0) * 600_000) / 600_000,
                "lat": round(_na(row.LAT, 91.0, -90.0, 90.0) * 600_000) / 600_000,
                "speed": round(_na(row.SOG, 102.3, 0.0, 102.2), 1),
                "course": round(_na(row.COG, 360.0, 0.0, 359.9), 1),
                "heading": int(_na(row.Heading, 511, 0, 359)),
                "second": ts % 60,
            }
            for s in pyais.encode_dict(msg, talker_id="AI", sentence_type="VDM"):
                f.write(f"{_tag(ts)}{s}\n")
                n += 1
    return n


def _lines(path: str | Path) -> Iterator[bytes]:
    with Path(path).open("rb") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith(b"#"):
                yield line


def _receive_time(sentence: Any) -> float | None:
    tb = sentence.tag_block
    if tb is None:
        return None
    try:
        tb.init()
        c = tb.receiver_timestamp
        return None if c in (None, "") else float(c)
    except Exception:  # a malformed tag block leaves the sentence without a time
        return None


def _messages(lines: Iterable[bytes], skipped: Counter[str]) -> Iterator[tuple[Any, float | None]]:
    """Whole AIS messages (multi-part reassembled) with their receive time (unix seconds)."""
    from pyais.messages import AISSentence, NMEASentenceFactory

    pending: dict[tuple[Any, ...], list[Any]] = {}
    for raw in lines:
        try:
            s = NMEASentenceFactory.produce(raw)
        except Exception:
            skipped["not an AIVDM/AIVDO sentence"] += 1
            continue
        if not isinstance(s, AISSentence):  # e.g. a Gatehouse wrapper or another talker
            skipped["not an AIVDM/AIVDO sentence"] += 1
            continue
        if not s.is_valid:
            skipped["bad checksum"] += 1
            continue
        if not s.payload:
            skipped["empty payload"] += 1
            continue
        if s.frag_cnt == 1:
            yield s, _receive_time(s)
            continue
        key = (s.seq_id, s.channel, s.frag_cnt)
        parts = pending.setdefault(key, [])
        if s.frag_num == 1 and parts:  # a new message with the same sequence id
            skipped["incomplete multi-part message"] += len(parts)
            parts.clear()
        parts.append(s)
        if len(parts) == s.frag_cnt:
            del pending[key]
            if [x.frag_num for x in parts] != list(range(1, s.frag_cnt + 1)):
                skipped["incomplete multi-part message"] += len(parts)
                continue
            try:
                whole = type(parts[0]).assemble_from_iterable(parts)
            except Exception:
                skipped["incomplete multi-part message"] += len(parts)
                continue
            yield whole, _receive_time(parts[0])
    left = sum(len(v) for v in pending.values())
    if left:
        skipped["incomplete multi-part message"] += left


def read_nmea(path: str | Path) -> pd.DataFrame:
    """Read a raw AIVDM/AIVDO log into a MarineCadastre-layout table.

    Args:
        path: a text log, one sentence per line (optionally tag-blocked; ``#`` comments).

    Returns:
        ``MMSI, BaseDateTime, LAT, LON, SOG, COG, Heading, VesselType, Status, msg_type``;
        ``df.attrs["nmea"]`` says what was read: ``lines``, ``messages``, ``positions``,
        ``skipped`` (reason -> sentences or messages) and ``other_types`` (type -> count).
    """
    _pyais()
    skipped: Counter[str] = Counter()
    other: Counter[int] = Counter()
    rows: list[tuple[Any, ...]] = []
    ship_type: dict[int, int] = {}
    n_lines = 0
    n_messages = 0

    def counted() -> Iterator[bytes]:
        nonlocal n_lines
        for line in _lines(path):
            n_lines += 1
            yield line

    for msg, t in _messages(counted(), skipped):
        try:
            d = msg.decode()
        except Exception:
            skipped["undecodable payload"] += 1
            continue
        n_messages += 1
        kind = int(d.msg_type)
        if kind in STATIC_TYPES:
            st = getattr(d, "ship_type", None)
            if st is not None and int(st) != 0:
                ship_type[int(d.mmsi)] = int(st)
            continue
        if kind not in POSITION_TYPES:
            other[kind] += 1
            continue
        lat, lon = float(d.lat), float(d.lon)
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            skipped["position not available (lat 91 / lon 181)"] += 1
            continue
        sog = float(d.speed)
        cog = float(d.course)
        head = float(d.heading)
        status = getattr(d, "status", None)
        rows.append(
            (
                int(d.mmsi),
                np.nan if t is None else t,
                lat,
                lon,
                np.nan if sog >= 102.25 else sog,
                np.nan if cog >= 360.0 else cog,
                np.nan if head >= 360.0 else head,
                -1 if status is None else int(status),
                kind,
            )
        )
    df = pd.DataFrame(
        rows, columns=["MMSI", "unix", "LAT", "LON", "SOG", "COG", "Heading", "Status", "msg_type"]
    )
    df.insert(1, "BaseDateTime", pd.to_datetime(df.pop("unix"), unit="s"))
    df.insert(7, "VesselType", df["MMSI"].map(ship_type).astype("Int16"))
    df["Status"] = df["Status"].astype(np.int16)
    df["MMSI"] = df["MMSI"].astype(np.int64)
    df.attrs["nmea"] = {
        "lines": n_lines,
        "messages": n_messages,
        "positions": len(df),
        "skipped": dict(skipped),
        "other_types": dict(sorted(other.items())),
    }
    return df[[*_MC, "msg_type"]]
