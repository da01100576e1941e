"""Ground truth from the tracks table: transfers, loitering, dark periods, spoofing.

Everything here reads the true tracks (``TRACK_COLUMNS``), never the AIS feed, so it is
what a perfect observer would report. Positions are metres in the theater CRS; the
``geography`` (a ``Theater`` or ``FlatGeography``) converts them to lon/lat and gives the
distance to shore.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.gaps import GFW_GAP, GapRule
from sim.monitoring.feed import FeedGeography, leg_speed_kn, validate_tracks

__all__ = ["ground_truth", "TRUTH_TABLES"]

TRUTH_TABLES: dict[str, str] = {
    "transfers": "vessel_a, vessel_b (sorted), start_h, end_h, duration_h, x_m, y_m, lon, lat: "
    "two vessels' 'sts' legs overlapping in time within transfer_max_m.",
    "loitering": "vessel, start_h, end_h, duration_h, lon, lat, distance_to_shore_nm, activities, "
    "ais_on_share: runs of legs slower than loiter_speed_kn, >= loiter_min_h long, "
    "averaging >= loiter_min_shore_nm from shore (AIS on or off).",
    "dark": "vessel, role, start_h, end_h, duration_h, lon_start, lat_start, lon_end, lat_end, "
    "distance_start_nm, distance_end_nm: runs of consecutive legs with AIS off, "
    "not entirely in port.",
    "gaps": "the dark periods that are AIS gaps under the rule the gap detector uses "
    "(sim.analysis.gaps.GapRule: >= 12 h, starting and ending >= 50 nm from shore); same columns.",
    "spoofing": "vessel, identity, start_h, end_h, duration_h: runs of AIS-on legs broadcasting "
    "an identity other than the vessel's own.",
    "sts_periods": "vessel, start_h, end_h: each vessel's 'wait' and 'sts' legs at sea "
    "(what a loitering detection may legitimately point at).",
}
"""The tables returned by :func:`ground_truth`."""


def _runs(
    t: pd.DataFrame, mask: np.ndarray, key_cols: tuple[str, ...] = ("vessel",), tol_h: float = 1e-6
) -> pd.DataFrame:
    """Merge consecutive legs selected by ``mask`` (same keys, touching in time) into runs.

    Returns the selected legs with a ``run`` column (int); legs must be sorted by vessel, t0_h.
    """
    s = t[mask].copy()
    if s.empty:
        s["run"] = pd.Series(dtype=int)
        return s
    new = np.ones(len(s), dtype=bool)
    same = np.ones(len(s) - 1, dtype=bool)
    for k in key_cols:
        v = s[k].to_numpy()
        same &= v[1:] == v[:-1]
    touch = s["t0_h"].to_numpy()[1:] <= s["t1_h"].to_numpy()[:-1] + tol_h
    new[1:] = ~(same & touch)
    s["run"] = np.cumsum(new) - 1
    return s


def _transfers(t: pd.DataFrame, geo: FeedGeography, max_m: float) -> pd.DataFrame:
    cols = ["vessel_a", "vessel_b", "start_h", "end_h", "duration_h", "x_m", "y_m", "lon", "lat"]
    s = t[t["activity"] == "sts"]
    if len(s) < 2:
        return pd.DataFrame(columns=cols)
    v = s["vessel"].to_numpy()
    a0, a1 = s["t0_h"].to_numpy(), s["t1_h"].to_numpy()
    mx = (s["x0_m"].to_numpy() + s["x1_m"].to_numpy()) / 2
    my = (s["y0_m"].to_numpy() + s["y1_m"].to_numpy()) / 2
    order = np.argsort(a0, kind="stable")
    rows = []
    # sweep: for each leg, the later-starting legs that start before it ends
    starts = a0[order]
    for pos, i in enumerate(order):
        hi = np.searchsorted(starts, a1[i], side="left")
        js = order[pos + 1 : hi]
        if js.size == 0:
            continue
        js = js[(v[js] != v[i]) & (np.hypot(mx[js] - mx[i], my[js] - my[i]) <= max_m)]
        for j in js:
            lo, up = max(a0[i], a0[j]), min(a1[i], a1[j])
            if up > lo:
                va, vb = sorted((v[i], v[j]))
                rows.append((va, vb, lo, up, (mx[i] + mx[j]) / 2, (my[i] + my[j]) / 2))
    if not rows:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(rows, columns=["vessel_a", "vessel_b", "start_h", "end_h", "x_m", "y_m"])
    df = df.sort_values(["vessel_a", "vessel_b", "start_h"], kind="stable").reset_index(drop=True)
    # one transfer split over several legs: merge touching pieces of the same pair
    same = (
        df["vessel_a"].eq(df["vessel_a"].shift())
        & df["vessel_b"].eq(df["vessel_b"].shift())
        & (df["start_h"] <= df["end_h"].shift().cummax() + 1e-6)
    )
    df["run"] = np.cumsum(~same.to_numpy())
    out = (
        df.groupby("run")
        .agg(
            vessel_a=("vessel_a", "first"),
            vessel_b=("vessel_b", "first"),
            start_h=("start_h", "min"),
            end_h=("end_h", "max"),
            x_m=("x_m", "mean"),
            y_m=("y_m", "mean"),
        )
        .reset_index(drop=True)
    )
    out["duration_h"] = out["end_h"] - out["start_h"]
    lon, lat = geo.to_lonlat(out["x_m"].to_numpy(), out["y_m"].to_numpy())
    out["lon"], out["lat"] = np.asarray(lon), np.asarray(lat)
    return out[cols]


def _loitering(
    t: pd.DataFrame,
    speed: np.ndarray,
    geography: FeedGeography,
    loiter_speed_kn: float,
    loiter_min_h: float,
    loiter_min_shore_nm: float,
) -> pd.DataFrame:
    """Runs of slow legs, with their time-weighted mean distance to shore and position."""
    slow = (speed < loiter_speed_kn) & (t["dur_h"].to_numpy() > 0)
    r = _runs(t, slow)
    r["w_shore"] = r["shore_nm"] * r["dur_h"]
    r["w_x"], r["w_y"] = r["mid_x"] * r["dur_h"], r["mid_y"] * r["dur_h"]
    r["w_on"] = r["ais_on"].astype(float) * r["dur_h"]
    g = r.groupby("run").agg(
        vessel=("vessel", "first"),
        start_h=("t0_h", "min"),
        end_h=("t1_h", "max"),
        dur=("dur_h", "sum"),
        w_shore=("w_shore", "sum"),
        w_x=("w_x", "sum"),
        w_y=("w_y", "sum"),
        w_on=("w_on", "sum"),
        activities=("activity", lambda a: "+".join(sorted(set(a)))),
    )
    g["duration_h"] = g["end_h"] - g["start_h"]
    d = g["dur"].where(g["dur"] > 0, 1.0)
    g["distance_to_shore_nm"] = g["w_shore"] / d
    g["ais_on_share"] = g["w_on"] / d
    lon, lat = geography.to_lonlat((g["w_x"] / d).to_numpy(), (g["w_y"] / d).to_numpy())
    g["lon"], g["lat"] = np.asarray(lon), np.asarray(lat)
    g = g[(g["duration_h"] >= loiter_min_h) & (g["distance_to_shore_nm"] >= loiter_min_shore_nm)]
    return g[
        [
            "vessel",
            "start_h",
            "end_h",
            "duration_h",
            "lon",
            "lat",
            "distance_to_shore_nm",
            "activities",
            "ais_on_share",
        ]
    ].reset_index(drop=True)


def _dark_periods(t: pd.DataFrame, geography: FeedGeography) -> pd.DataFrame:
    """AIS-off runs, dropping runs spent entirely in port, with where they start and end."""
    r = _runs(t, ~t["ais_on"].to_numpy() & (t["dur_h"].to_numpy() > 0))
    r["at_sea"] = r["activity"] != "port"
    g = r.groupby("run").agg(
        vessel=("vessel", "first"),
        role=("role", "first"),
        start_h=("t0_h", "min"),
        end_h=("t1_h", "max"),
        at_sea=("at_sea", "any"),
        x0=("x0_m", "first"),
        y0=("y0_m", "first"),
        x1=("x1_m", "last"),
        y1=("y1_m", "last"),
    )
    g = g[g["at_sea"]]
    g["duration_h"] = g["end_h"] - g["start_h"]
    for end, (xc, yc) in (("start", ("x0", "y0")), ("end", ("x1", "y1"))):
        lon, lat = geography.to_lonlat(g[xc].to_numpy(), g[yc].to_numpy())
        g[f"lon_{end}"], g[f"lat_{end}"] = np.asarray(lon), np.asarray(lat)
        g[f"distance_{end}_nm"] = np.asarray(
            geography.distance_to_coast_nm_xy(g[xc].to_numpy(), g[yc].to_numpy()), float
        )
    return g[
        [
            "vessel",
            "role",
            "start_h",
            "end_h",
            "duration_h",
            "lon_start",
            "lat_start",
            "lon_end",
            "lat_end",
            "distance_start_nm",
            "distance_end_nm",
        ]
    ].reset_index(drop=True)


def _spoofing(t: pd.DataFrame) -> pd.DataFrame:
    """Runs of AIS-on legs broadcasting someone else's identity."""
    r = _runs(
        t,
        t["ais_on"].to_numpy() & (t["identity"] != t["vessel"]).to_numpy(),
        key_cols=("vessel", "identity"),
    )
    g = r.groupby("run").agg(
        vessel=("vessel", "first"),
        identity=("identity", "first"),
        start_h=("t0_h", "min"),
        end_h=("t1_h", "max"),
    )
    g["duration_h"] = g["end_h"] - g["start_h"]
    return g.reset_index(drop=True)


def _sts_periods(t: pd.DataFrame) -> pd.DataFrame:
    """Runs of waiting at or lying alongside at a rendezvous."""
    r = _runs(t, t["activity"].isin(["wait", "sts"]).to_numpy())
    return (
        r.groupby("run")
        .agg(vessel=("vessel", "first"), start_h=("t0_h", "min"), end_h=("t1_h", "max"))
        .reset_index(drop=True)
    )


def ground_truth(
    tracks: pd.DataFrame,
    geography: FeedGeography,
    *,
    transfer_max_m: float = 1000.0,
    loiter_speed_kn: float = 2.0,
    loiter_min_h: float = 4.0,
    loiter_min_shore_nm: float = 20.0,
    gap_rule: GapRule = GFW_GAP,
) -> dict[str, pd.DataFrame]:
    """Ground-truth event tables from the tracks (see ``TRUTH_TABLES``).

    Args:
        tracks: legs, see ``sim.monitoring.feed.TRACK_COLUMNS``.
        geography: converts metres to lon/lat and gives distance to shore.
        transfer_max_m: two 'sts' legs further apart than this are not one transfer.
        loiter_speed_kn: legs slower than this are loitering candidates (GFW: 2 kn).
        loiter_min_h: shortest loitering period (GFW/Pew: 4 h; Miller et al. 2018: 8 h).
        loiter_min_shore_nm: loitering periods average at least this far from shore (GFW: 20 nm).
        gap_rule: what counts as an AIS gap (the same object the gap detector takes).

    Returns:
        dict of DataFrames: transfers, loitering, dark, gaps, spoofing, sts_periods.
    """
    t = (
        validate_tracks(tracks)
        .sort_values(["vessel", "t0_h"], kind="stable")
        .reset_index(drop=True)
    )
    speed = leg_speed_kn(t)
    mid_x = (t["x0_m"] + t["x1_m"]).to_numpy() / 2
    mid_y = (t["y0_m"] + t["y1_m"]).to_numpy() / 2
    shore = np.asarray(geography.distance_to_coast_nm_xy(mid_x, mid_y), float)
    t["dur_h"] = t["t1_h"] - t["t0_h"]
    t["shore_nm"] = shore
    t["mid_x"], t["mid_y"] = mid_x, mid_y
    out: dict[str, pd.DataFrame] = {"transfers": _transfers(t, geography, transfer_max_m)}
    out["loitering"] = _loitering(
        t, speed, geography, loiter_speed_kn, loiter_min_h, loiter_min_shore_nm
    )
    out["dark"] = _dark_periods(t, geography)
    dk = out["dark"]
    ok = gap_rule.qualifies(dk["duration_h"], dk["distance_start_nm"], dk["distance_end_nm"])
    out["gaps"] = dk[ok].reset_index(drop=True)
    out["spoofing"] = _spoofing(t)
    out["sts_periods"] = _sts_periods(t)
    return out
