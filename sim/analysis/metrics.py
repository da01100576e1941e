"""Headline metrics of one run, computed from its tables alone.

Analysis never imports the engine: everything here takes DataFrames, so the
same functions serve fresh runs, stored Parquet results and notebooks.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.units import BBL_PER_TONNE_PRODUCTS, HOURS_PER_YEAR

__all__ = ["summarise_run", "cargo_balance", "UN_CAP_BBL_PER_YEAR", "HEADLINE_METRICS"]

UN_CAP_BBL_PER_YEAR = 500_000.0
"""UNSCR 2397 cap on refined petroleum imports from 1 Jan 2018 (domain.md section 2)."""

HEADLINE_METRICS = (
    "interception_rate",
    "disruption_rate",
    "denial_rate",
    "cargo_denied_share",
    "sts_detected_share",
    "barrels_delivered_per_year",
    "deliveries_petroleum_per_year",
    "coal_exported_t_per_year",
    "false_positive_boardings",
    "escalation_incidents",
    "patrol_hours_per_interception",
)
"""The metrics the run table prints, in order."""


def _ratio(a: float, b: float) -> float:
    return a / b if b else math.nan


def _settled(v: pd.DataFrame) -> tuple[int, dict[str, int], float, float]:
    """Voyages whose outcome is settled: their count, outcome counts, cargo and cargo denied.

    Cargo and denial are counted per shipment (``_cargo_denied``).
    """
    ended = v[v["outcome"] != "in_transit"] if len(v) else v
    n_end = len(ended)
    if not n_end:
        return 0, {"seized": 0, "diverted": 0, "disrupted": 0}, 0.0, 0.0
    oc = ended["outcome"].value_counts()
    counts = {k: int(oc.get(k, 0)) for k in ("seized", "diverted", "disrupted")}
    cargo_end, denied = _cargo_denied(ended)
    return n_end, counts, cargo_end, denied


def _deliveries(v: pd.DataFrame) -> tuple[int, float, float]:
    """Petroleum deliveries, tonnes of petroleum delivered and tonnes of coal exported."""
    petro = v[(v["commodity"] == "petroleum")] if len(v) else v
    coal = v[(v["commodity"] == "coal")] if len(v) else v
    pet_deliv = int((petro["outcome"] == "delivered").sum()) if len(petro) else 0
    pet_t = float(petro["delivered_t"].sum()) if len(petro) else 0.0
    coal_t = float(coal["delivered_t"].sum()) if len(coal) else 0.0
    return pet_deliv, pet_t, coal_t


def _patrol_effort(assets: pd.DataFrame) -> tuple[float, float, float]:
    """Hours underway of ships (warships, coast guard) and aircraft, and aircraft sorties."""
    ships = assets[assets["kind"].isin(["warship", "coast_guard"])] if len(assets) else assets
    air = assets[assets["kind"] == "aircraft"] if len(assets) else assets
    ship_h = float(ships["underway_h"].sum()) if len(ships) else 0.0
    air_h = float(air["underway_h"].sum()) if len(air) else 0.0
    sorties = float(air["sorties"].sum()) if len(air) else 0.0
    return ship_h, air_h, sorties


def _warship_sts(det: pd.DataFrame, assets: pd.DataFrame) -> tuple[int, float]:
    """(warship, voyage) pairs of transfers seen in progress by warships, and their days at sea.

    Seen in progress as in ``_sightings``: classified alongside where the table has a
    ``classification`` column, else any detection made during the transfer.
    """
    ships = assets[assets["kind"] == "warship"] if len(assets) else assets
    if not len(ships):
        return 0, 0.0
    if "classification" in det.columns:
        in_progress = det["classification"] == "alongside"
    else:
        in_progress = det["activity"] == "sts"
    seen = det[det["asset"].isin(ships["asset"]) & in_progress]
    return len(seen.drop_duplicates(["asset", "voyage"])), float(ships["underway_h"].sum()) / 24.0


def _sightings(
    ev: pd.DataFrame, v: pd.DataFrame, assets: pd.DataFrame
) -> tuple[int, int, int, int]:
    """What the allies saw of counted voyages.

    Voyages seen by non-satellite assets, transfers imaged by satellites, (aircraft, voyage)
    pairs of transfers seen in progress from the air, and voyages whose transfer Japan's
    assets saw in progress. A transfer is seen in progress when a detection classified the
    pair alongside (``classification``): one detected during the transfer but left unresolved
    (at night or at long range) was not seen as a transfer. Tables without that column
    (written before it existed) count every detection made during a transfer.
    """
    if not (len(ev) and len(v)):
        return 0, 0, 0, 0
    sats = assets.loc[assets["kind"] == "satellite", "asset"] if len(assets) else []
    det = ev[(ev["kind"] == "detection") & ev["voyage"].isin(v["voyage"])]
    public = int(det.loc[~det["asset"].isin(sats), "voyage"].nunique())
    if "classification" in det.columns:
        in_progress = det["classification"] == "alongside"
    else:
        in_progress = det["activity"] == "sts"
    sat_sts = int(det.loc[det["asset"].isin(sats) & in_progress, "voyage"].nunique())
    air_ids = assets.loc[assets["kind"] == "aircraft", "asset"] if len(assets) else []
    air_sts = det[det["asset"].isin(air_ids) & in_progress]
    jpn_ids = assets.loc[assets["nation"] == "JPN", "asset"] if len(assets) else []
    jpn_sts = int(det.loc[det["asset"].isin(jpn_ids) & in_progress, "voyage"].nunique())
    return public, sat_sts, len(air_sts.drop_duplicates(["asset", "voyage"])), jpn_sts


def summarise_run(
    voyages: pd.DataFrame,
    events: pd.DataFrame,
    assets: pd.DataFrame,
    *,
    duration_h: float,
    warmup_h: float = 0.0,
) -> dict[str, float]:
    """Summary metrics of one run (see ``SUMMARY_COLUMNS`` in ``sim.model.records``).

    Only voyages that started after the warm-up count; rates are over voyages
    whose outcome was settled (so voyages still at sea at the end bias nothing).
    """
    years = max(duration_h - warmup_h, 1e-9) / HOURS_PER_YEAR
    v = voyages[voyages["counted"]] if len(voyages) else voyages
    n_end, oc, cargo_end, denied = _settled(v)
    seized, diverted, disrupted = oc["seized"], oc["diverted"], oc["disrupted"]
    ev = events[events["t_h"] >= warmup_h] if len(events) else events
    kinds = ev["kind"].value_counts() if len(ev) else pd.Series(dtype=int)
    pet_deliv, pet_t, coal_t = _deliveries(v)
    sts_started = int(kinds.get("transfer_start", 0))
    sts_det = int(v["sts_detected"].sum()) if len(v) else 0
    ship_h, air_h, sorties = _patrol_effort(assets)
    public, sat_sts, air_sts_sightings, jpn_sts = _sightings(ev, v, assets)
    det = ev[(ev["kind"] == "detection") & ev["voyage"].isin(v["voyage"])] if len(v) else ev
    ship_sts, ship_days = _warship_sts(det, assets) if len(det) else (0, 0.0)
    # transfers halted because the smugglers saw an allied asset (not those abandoned because the
    # partner was late, nor those called off because a partner was taken or boarded)
    # share of seizures, diversions and detentions (events, after the warm-up) made in port
    taken = ev[ev["kind"].isin(["seizure", "diversion", "vessel_detained"])] if len(ev) else ev
    in_port = int(taken["reason"].astype(str).str.startswith("port_state").sum()) if len(ev) else 0
    detained = int(kinds.get("vessel_detained", 0))
    halted = (
        float(((ev["kind"] == "transfer_aborted") & (ev["reason"] == "halted_on_sighting")).sum())
        if len(ev)
        else 0.0
    )
    return {
        "voyages_started": float(len(v)),
        "voyages_ended": float(n_end),
        "interception_rate": _ratio(seized + diverted, n_end),
        "disruption_rate": _ratio(disrupted, n_end),
        "denial_rate": _ratio(seized + diverted + disrupted, n_end),
        "cargo_denied_share": _ratio(denied, cargo_end),
        "sts_transfers": float(sts_started),
        "sts_detected_in_progress": float(sts_det),
        "sts_detected_share": _ratio(sts_det, sts_started),
        "deliveries_petroleum": float(pet_deliv),
        "deliveries_petroleum_per_year": pet_deliv / years,
        "barrels_delivered_per_year": pet_t * BBL_PER_TONNE_PRODUCTS / years,
        "coal_exported_t_per_year": coal_t / years,
        "seizures": float(seized),
        "diversions": float(diverted),
        "disruptions": float(disrupted),
        "halted_transfers": halted,
        "detections_public": float(public),
        "sts_seen_by_satellite_per_year": sat_sts / years,
        "sts_seen_by_japan_per_year": jpn_sts / years,
        "halted_transfers_per_year": halted / years,
        "seizures_per_year": (seized + diverted) / years,
        "detentions_per_year": detained / years,
        "seizures_and_detentions_per_year": (seized + diverted + detained) / years,
        "port_state_share": _ratio(in_port, len(taken)),
        "sts_sightings_per_sortie": _ratio(air_sts_sightings, sorties),
        "sts_sightings_per_90_warship_days": _ratio(90.0 * ship_sts, ship_days),
        "detections_public_per_year": public / years,
        "false_positive_boardings": float(kinds.get("false_positive_boarding", 0)),
        "escalation_incidents": float(kinds.get("escalation_incident", 0)),
        "patrol_hours": ship_h + air_h,
        "ship_days": ship_h / 24.0,
        "flight_hours": air_h,
        "patrol_hours_per_interception": _ratio(ship_h + air_h, seized + diverted),
        "years": years,
    }


def _cargo_denied(ended: pd.DataFrame) -> tuple[float, float]:
    """(cargo of ended shipments, cargo of theirs denied), tonnes.

    A shipment is its first voyage and its re-attempts (``shipment`` column); its cargo is
    denied when its last attempt so far was seized, diverted or disrupted, so a cargo that a
    re-attempt delivered is not denied. Without re-attempts this is the voyages' own sum.
    """
    if not len(ended):
        return 0.0, 0.0
    last = ended
    if "shipment" in ended and "attempt" in ended:
        last = ended.sort_values("attempt").drop_duplicates("shipment", keep="last")
    denied = float(last["seized_t"].sum()) + float(
        last.loc[last["outcome"] == "disrupted", "returned_t"].sum()
    )
    return float(last["cargo_t"].sum()), denied


def cargo_balance(voyages: pd.DataFrame) -> np.ndarray:
    """Per voyage: loaded - (delivered + seized + returned + in transit).

    All zeros when cargo is conserved.
    """
    return (
        voyages["cargo_t"]
        - voyages["delivered_t"]
        - voyages["seized_t"]
        - voyages["returned_t"]
        - voyages["in_transit_t"]
    ).to_numpy()
