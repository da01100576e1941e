"""Precision, recall and F1 of the AIS detectors against ground truth.

Detections name broadcast identities; truth names true vessels. A detection is attributed
to the true vessels that broadcast its identity during its time window (read from the
feed's ``vessel`` column, which only scoring may use). Matching rules (a detection and a
truth event match when their time intervals overlap, widened by ``tolerance_h``):

* encounters: the detection's two identities map to the two vessels of a true transfer
  (either order);
* loitering: one of the identity's vessels has a true loitering period, or a 'wait' or
  'sts' period (waiting at a rendezvous counts as loitering), at the same time;
  recall counts true loitering periods (``truth["loitering"]``) found;
* gaps: one of the identity's vessels has a true dark period at the same time; recall
  counts the true gaps (``truth["gaps"]``: dark periods that meet the detector's own
  ``GapRule``, so both sides use one definition; without that table, dark periods at least
  ``gap_min_truth_h`` long);
* identity: the detection's identity is broadcast by a spoofing vessel at the same time
  (``truth["spoofing"]``).

Precision = matched detections / detections; recall = matched truth events / truth
events; F1 = 2PR / (P + R). Undefined values (no detections, no truth) are NaN. Over several
replications, :func:`pool_scores` adds the counts first and computes P, R and F1 from the
sums (so they are consistent with each other), with the spread of the per-replication F1
beside them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from sim.analysis.detectors import DETECTORS, detect_all

__all__ = [
    "pool_scores",
    "attribute_vessels",
    "match_events",
    "score_detections",
    "score_scenarios",
    "score_table",
    "SCORE_COLUMNS",
]

SCORE_COLUMNS: dict[str, str] = {
    "label": "Scenario or variant label.",
    "detector": "encounters, loitering, gaps or identity.",
    "n_detected": "Events the detector reported.",
    "n_truth": "Ground-truth events it should find.",
    "tp_detected": "Detections that match a truth event.",
    "tp_truth": "Truth events matched by a detection.",
    "precision": "tp_detected / n_detected (NaN without detections).",
    "recall": "tp_truth / n_truth (NaN without truth events).",
    "f1": "Harmonic mean of precision and recall.",
}


ScoreRow = dict[str, str | int | float]
"""One row of a score table: the detector's name, its counts and P, R, F1."""


def _hours(v: ArrayLike) -> np.ndarray:
    s = pd.Series(v)
    if pd.api.types.is_datetime64_any_dtype(s):
        return ((s - s.min()) / pd.Timedelta(hours=1)).to_numpy(float)
    return s.to_numpy(float)


def attribute_vessels(
    detections: pd.DataFrame,
    feed: pd.DataFrame,
    identity_col: str = "identity",
    *,
    time_col: str = "time",
    slack_h: float = 1.0,
) -> list[frozenset[str]]:
    """True vessels behind ``identity_col`` of each detection.

    Looked up during [start - slack, end + slack].
    """
    if len(detections) == 0:
        return []
    f = feed[[time_col, "identity", "vessel"]]
    f = f.sort_values(["identity", time_col], kind="stable")
    ident = f["identity"].to_numpy(object)
    tt = f[time_col].to_numpy(float)
    vess = f["vessel"].to_numpy(object)
    bounds = {k: (int(a), int(b)) for k, a, b in _group_bounds(ident)}
    out = []
    for who, s, e in zip(
        detections[identity_col],
        detections["start"].to_numpy(float),
        detections["end"].to_numpy(float),
        strict=True,
    ):
        a, b = bounds.get(who, (0, 0))
        lo = a + np.searchsorted(tt[a:b], s - slack_h, side="left")
        hi = a + np.searchsorted(tt[a:b], e + slack_h, side="right")
        out.append(frozenset(vess[lo:hi]))
    return out


def _group_bounds(sorted_keys: np.ndarray) -> list[tuple[Any, int, int]]:
    if sorted_keys.size == 0:
        return []
    change = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [sorted_keys.size]])
    return [(sorted_keys[a], a, b) for a, b in zip(starts, ends, strict=True)]


def match_events(
    det_start: np.ndarray,
    det_end: np.ndarray,
    truth_start: np.ndarray,
    truth_end: np.ndarray,
    same: Callable[[int, int], bool],
    tolerance_h: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Boolean 'matched' flags for detections and truth events.

    A detection and a truth event match when they overlap in time and ``same(i, j)``.
    """
    dm = np.zeros(len(det_start), dtype=bool)
    tm = np.zeros(len(truth_start), dtype=bool)
    if len(det_start) == 0 or len(truth_start) == 0:
        return dm, tm
    order = np.argsort(truth_start, kind="stable")
    ts, te = np.asarray(truth_start, float)[order], np.asarray(truth_end, float)[order]
    max_len = float(np.max(te - ts))
    for i, (s, e) in enumerate(zip(det_start, det_end, strict=True)):
        lo = np.searchsorted(ts, s - tolerance_h - max_len, side="left")
        hi = np.searchsorted(ts, e + tolerance_h, side="right")
        for k in range(lo, hi):
            if te[k] + tolerance_h >= s and same(i, int(order[k])):
                dm[i] = True
                tm[order[k]] = True
    return dm, tm


def _row(detector: str, dm: np.ndarray, tm: np.ndarray) -> ScoreRow:
    nd, nt = len(dm), len(tm)
    p = dm.sum() / nd if nd else np.nan
    r = tm.sum() / nt if nt else np.nan
    f1 = 2 * p * r / (p + r) if nd and nt and (p + r) > 0 else (0.0 if nd and nt else np.nan)
    return {
        "detector": detector,
        "n_detected": nd,
        "n_truth": nt,
        "tp_detected": int(dm.sum()),
        "tp_truth": int(tm.sum()),
        "precision": p,
        "recall": r,
        "f1": f1,
    }


def _interval_match(
    det: pd.DataFrame,
    truth: pd.DataFrame,
    same: Callable[[int, int], bool],
    tolerance_h: float,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`match_events` of detections (``start``/``end``) and truth (``start_h``/``end_h``)."""
    return match_events(
        _hours(det["start"]),
        _hours(det["end"]),
        truth["start_h"].to_numpy(float),
        truth["end_h"].to_numpy(float),
        same,
        tolerance_h,
    )


def _score_encounters(
    det: pd.DataFrame, truth: Mapping[str, pd.DataFrame], feed: pd.DataFrame, tolerance_h: float
) -> ScoreRow:
    """An encounter matches a transfer when its two identities map to the pair, either order."""
    tr = truth["transfers"]
    va = attribute_vessels(det, feed, "identity_a")
    vb = attribute_vessels(det, feed, "identity_b")
    pa, pb = tr["vessel_a"].to_numpy(object), tr["vessel_b"].to_numpy(object)

    def same_pair(i: int, j: int) -> bool:
        return bool((pa[j] in va[i] and pb[j] in vb[i]) or (pb[j] in va[i] and pa[j] in vb[i]))

    dm, tm = _interval_match(det, tr, same_pair, tolerance_h)
    return _row("encounters", dm, tm)


def _score_loitering(
    det: pd.DataFrame, truth: Mapping[str, pd.DataFrame], feed: pd.DataFrame, tolerance_h: float
) -> ScoreRow:
    """Loitering matches true loitering, or waiting/STS at a rendezvous; recall over loitering."""
    lo_t = truth["loitering"]
    vs = attribute_vessels(det, feed)
    tv = lo_t["vessel"].to_numpy(object)
    dm, tm = _interval_match(det, lo_t, lambda i, j: tv[j] in vs[i], tolerance_h)
    sv = truth["sts_periods"]["vessel"].to_numpy(object)
    dm2, _ = _interval_match(det, truth["sts_periods"], lambda i, j: sv[j] in vs[i], tolerance_h)
    return _row("loitering", dm | dm2, tm)


def _score_gaps(
    det: pd.DataFrame,
    truth: Mapping[str, pd.DataFrame],
    feed: pd.DataFrame,
    tolerance_h: float,
    gap_min_truth_h: float,
) -> ScoreRow:
    """A gap matches a true dark period; recall over the truth side of the shared GapRule."""
    dk = truth["dark"]
    vs = attribute_vessels(det, feed)
    dv = dk["vessel"].to_numpy(object)
    dm, tm_all = _interval_match(det, dk, lambda i, j: dv[j] in vs[i], tolerance_h)
    if "gaps" in truth:  # the truth side of the shared GapRule
        gv = truth["gaps"]["vessel"].to_numpy(object)
        _, tm = _interval_match(det, truth["gaps"], lambda i, j: gv[j] in vs[i], tolerance_h)
    else:
        tm = tm_all[dk["duration_h"].to_numpy(float) >= gap_min_truth_h]
    return _row("gaps", dm, tm)


def _score_identity(
    det: pd.DataFrame, truth: Mapping[str, pd.DataFrame], tolerance_h: float
) -> ScoreRow:
    """An identity anomaly matches an identity a spoofing vessel broadcast at the time."""
    sp = truth["spoofing"]
    si = sp["identity"].to_numpy(object)
    di = det["identity"].to_numpy(object)
    dm, tm = _interval_match(det, sp, lambda i, j: si[j] == di[i], tolerance_h)
    return _row("identity", dm, tm)


def score_detections(
    detections: Mapping[str, pd.DataFrame],
    truth: Mapping[str, pd.DataFrame],
    feed: pd.DataFrame,
    *,
    tolerance_h: float = 1.0,
    gap_min_truth_h: float = 12.0,
) -> pd.DataFrame:
    """Score detector outputs (``detect_all``) against ``ground_truth`` tables (float-hour times).

    Returns:
        One row per detector (``SCORE_COLUMNS`` without label).
    """
    rows = []
    if (det := detections.get("encounters")) is not None:
        rows.append(_score_encounters(det, truth, feed, tolerance_h))
    if (det := detections.get("loitering")) is not None:
        rows.append(_score_loitering(det, truth, feed, tolerance_h))
    if (det := detections.get("gaps")) is not None:
        rows.append(_score_gaps(det, truth, feed, tolerance_h, gap_min_truth_h))
    if (det := detections.get("identity")) is not None:
        rows.append(_score_identity(det, truth, tolerance_h))
    return pd.DataFrame(rows, columns=[c for c in SCORE_COLUMNS if c != "label"])


def score_scenarios(
    sets: Sequence[tuple[str, pd.DataFrame, Mapping[str, pd.DataFrame]]],
    *,
    distance_to_shore_nm: Callable[[np.ndarray, np.ndarray], Any] | None = None,
    anchorages: pd.DataFrame | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    tolerance_h: float = 1.0,
    gap_min_truth_h: float = 12.0,
) -> pd.DataFrame:
    """Run every detector on each (label, feed, truth) set and score it.

    The feed's ``vessel`` column is dropped before detection (detectors never see truth).

    Returns:
        Long table (``SCORE_COLUMNS``): one row per label and detector, labels in input order.
    """
    out = []
    for label, feed, truth in sets:
        det = detect_all(
            feed.drop(columns=["vessel"], errors="ignore"),
            distance_to_shore_nm=distance_to_shore_nm,
            anchorages=anchorages,
            params=params,
        )
        s = score_detections(
            det, truth, feed, tolerance_h=tolerance_h, gap_min_truth_h=gap_min_truth_h
        )
        s.insert(0, "label", label)
        out.append(s)
    if not out:
        return pd.DataFrame(columns=list(SCORE_COLUMNS))
    return pd.concat(out, ignore_index=True)


def score_table(
    scores: pd.DataFrame, metrics: Sequence[str] = ("precision", "recall", "f1")
) -> pd.DataFrame:
    """Wide table: one row per label (input order), columns (detector, metric).

    Detectors in order.
    """
    labels = list(dict.fromkeys(scores["label"]))
    dets = [d for d in DETECTORS if d in set(scores["detector"])]
    wide = scores.pivot(index="label", columns="detector", values=list(metrics))
    wide = wide.swaplevel(0, 1, axis=1)
    wide = wide.reindex(index=labels, columns=pd.MultiIndex.from_product([dets, list(metrics)]))
    return wide


def pool_scores(scores: pd.DataFrame, by: Sequence[str] = ("detector",)) -> pd.DataFrame:
    """Pooled precision, recall and F1 over replications, with the per-replication spread.

    Counts are summed first (precision = sum tp_detected / sum n_detected, ...), so the
    three numbers agree with each other; averaging per-replication F1 instead gives figures
    such as "P 100 %, R 2.4 %, F1 9.3 %" that no single count supports. ``f1_min``,
    ``f1_max`` and ``f1_sd`` describe the per-replication F1 (NaN ones left out).
    """
    keys = list(by)
    g = scores.groupby(keys, sort=False)
    out = g[["n_detected", "n_truth", "tp_detected", "tp_truth"]].sum()
    nd, nt = out["n_detected"].astype(float), out["n_truth"].astype(float)
    p = (out["tp_detected"] / nd).where(nd > 0)
    r = (out["tp_truth"] / nt).where(nt > 0)
    out["precision"], out["recall"] = p, r
    out["f1"] = (2 * p * r / (p + r)).where(
        (p + r) > 0, np.where(p.notna() & r.notna(), 0.0, np.nan)
    )
    out["replications"] = g.size()
    out["f1_min"] = g["f1"].min()
    out["f1_max"] = g["f1"].max()
    out["f1_sd"] = g["f1"].std()
    return out.reset_index()
