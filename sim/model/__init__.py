"""The simulation model: ``run(scenario, seed) -> RunResult``.

Phases: build the world from the frozen scenario, run the SimPy environment,
collect typed records into documented DataFrames with provenance.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.model.records import ASSET_COLUMNS, EVENT_COLUMNS, VOYAGE_COLUMNS, Event
from sim.units import NM_M

__all__ = ["run", "RunResult", "check_invariants", "MAX_VESSEL_SPEED_KN"]

MAX_VESSEL_SPEED_KN = 25.0
"""No merchant ship, tanker or collier in the model is faster, kn.

The schema allows traffic speeds up to this.
"""


@dataclass
class RunResult:
    """Everything one replication produced, with its provenance.

    Attributes:
        events: one row per event (``EVENT_COLUMNS``).
        voyages: one row per illicit voyage (``VOYAGE_COLUMNS``).
        assets: one row per patrol asset (``ASSET_COLUMNS``).
        summary: headline metrics (``SUMMARY_COLUMNS``).
        provenance: scenario name and hash, seed, package version, wall time, simulated hours.
        tracks: one row per sailed leg of every vessel when the scenario sets ``record_tracks``
            (``TRACK_COLUMNS``), else None.
        reference: one row per detection of a reference target when the scenario declares
            ``reference_targets`` (``REFERENCE_COLUMNS``), else None.
    """

    events: pd.DataFrame
    voyages: pd.DataFrame
    assets: pd.DataFrame
    summary: dict[str, float]
    provenance: dict[str, Any] = field(default_factory=dict)
    tracks: pd.DataFrame | None = None
    reference: pd.DataFrame | None = None

    def _repr_html_(self) -> str:
        """Notebook view: headline metrics and the size of each table."""
        keys = ("voyages_ended", "interception_rate", "denial_rate", "sts_detected_share")
        head = "".join(
            f"<tr><td>{k}</td><td>{self.summary[k]:.3g}</td></tr>"
            for k in keys
            if k in self.summary
        )
        sizes = ", ".join(
            f"{name} {len(df):,} rows"
            for name, df in (
                ("events", self.events),
                ("voyages", self.voyages),
                ("assets", self.assets),
                ("tracks", self.tracks),
            )
            if df is not None
        )
        name = self.provenance.get("scenario", "?")
        return f"<b>RunResult</b> {name}: {sizes}<table>{head}</table>"

    def __repr__(self) -> str:
        """One line: scenario and table sizes."""
        name = self.provenance.get("scenario", "?")
        return f"RunResult({name!r}, {len(self.voyages)} voyages, {len(self.events)} events)"


def _seed_sequence(seed: Any) -> np.random.SeedSequence:
    if isinstance(seed, np.random.SeedSequence):
        return seed
    return np.random.SeedSequence(int(seed))


def run(
    scenario: Any, seed: Any = None, *, theater: Any = None, route_cache: Any = None
) -> RunResult:
    """Run one replication.

    Args:
        scenario: a ``Scenario`` (or anything ``sim.load_scenario`` accepts: path or dict).
        seed: an int or a ``numpy.random.SeedSequence`` (replication streams); defaults to
            ``scenario.seed``.
        theater: a loaded theater to reuse (loaded from ``scenario.theater`` otherwise).
        route_cache: a ``RouteCache`` to share routes between replications in one process.

    Returns:
        The run's tables and provenance. The same scenario and seed give identical tables.
    """
    from sim import __version__
    from sim.analysis.metrics import summarise_run
    from sim.geo import load_theater
    from sim.geo.additions import with_places_and_areas
    from sim.model.engine import Model
    from sim.scenarios import Scenario, load_scenario, scenario_hash

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    ss = _seed_sequence(scenario.seed if seed is None else seed)
    theater = theater if theater is not None else load_theater(scenario.theater)
    theater = with_places_and_areas(theater, scenario.places, scenario.areas)
    t0 = time.perf_counter()
    if route_cache is None:
        from sim.model.engine import RouteCache

        route_cache = RouteCache.load(theater)
    model = Model(scenario, theater, ss, route_cache)
    model.run()
    route_cache.save(theater)
    wall = time.perf_counter() - t0
    records = model.events
    voyage_rows = [v.row() for v in model.voyages]
    asset_rows = [a.row() for a in model.assets]
    sim_h, steps = float(model.env.now), int(getattr(model, "simpy_steps", -1))
    legit_contacts = model.legit_contacts
    tracks = model.tracks_frame() if scenario.record_tracks else None
    reference = model.reference.frame(theater) if scenario.reference_targets else None
    # the model goes before the tables are built: its year of legitimate legs (~800 MB at
    # 10,000 ships) would otherwise sit under the tables' own peak (SimPy's processes hold
    # it in reference cycles, hence the collection)
    del model
    gc.collect()
    events = _events_frame(records, theater)
    voyages = pd.DataFrame(voyage_rows, columns=list(VOYAGE_COLUMNS))
    assets = pd.DataFrame(asset_rows, columns=list(ASSET_COLUMNS))
    summary = summarise_run(
        voyages,
        events,
        assets,
        duration_h=scenario.duration_h,
        warmup_h=scenario.warmup_days * 24.0,
    )
    provenance = {
        "scenario": scenario.name,
        "scenario_hash": scenario_hash(scenario),
        "theater": scenario.theater,
        "start_date": str(scenario.start_date),
        "seed": int(ss.entropy) if isinstance(ss.entropy, int) else str(ss.entropy),
        "spawn_key": list(ss.spawn_key),
        "version": __version__,
        "wall_s": wall,
        "sim_h": sim_h,
        "sim_events": len(records),
        "simpy_steps": steps,
        "legit_contacts": legit_contacts,
    }
    return RunResult(events, voyages, assets, summary, provenance, tracks, reference)


def _events_frame(records: list[Event], theater: Any) -> pd.DataFrame:
    df = pd.DataFrame.from_records(records, columns=list(Event._fields))
    if len(df):
        ok = np.isfinite(df["x_m"].to_numpy())
        lon = np.full(len(df), np.nan)
        lat = np.full(len(df), np.nan)
        state = np.full(len(df), "", dtype=object)
        zone = np.full(len(df), "", dtype=object)
        if ok.any():
            lo, la = theater.to_lonlat(df["x_m"].to_numpy()[ok], df["y_m"].to_numpy()[ok])
            lon[ok], lat[ok] = lo, la
            z = theater.zone_at(np.asarray(lo), np.asarray(la))
            kinds = np.asarray(z.kind, dtype=object)
            states = np.where(kinds == "high_seas", "", np.asarray(z.state, dtype=object))
            state[ok], zone[ok] = states, kinds
        df["lon"], df["lat"], df["state"], df["zone"] = lon, lat, state, zone
    else:
        df = pd.DataFrame(columns=list(EVENT_COLUMNS))
    return df


def check_invariants(result: RunResult, theater: Any = None) -> list[str]:
    """Problems found in a run's tables (empty when the run is consistent).

    Checks: cargo conserved per voyage, and none unaccounted for (in transit) once a voyage
    is settled; event times non-decreasing; every event
    position on water (when a theater is given); and, when tracks were recorded,
    no vessel faster than ``MAX_VESSEL_SPEED_KN`` and no track leg touching land.
    """
    from sim.analysis.metrics import cargo_balance

    problems = []
    v = result.voyages
    if len(v):
        bad = np.abs(cargo_balance(v)) > 1e-6
        if bad.any():
            problems.append(f"cargo not conserved on voyages {v.loc[bad, 'voyage'].tolist()[:5]}")
        neg = (v[["delivered_t", "seized_t", "returned_t", "in_transit_t"]] < -1e-9).any(axis=1)
        if neg.any():
            problems.append("negative cargo amounts")
        # a settled voyage has nothing in transit: its cargo was delivered, taken or returned
        # (the table's in_transit_t is a residual, so cargo that vanished would hide there)
        settled = (v["outcome"] != "in_transit").to_numpy()
        stray = settled & (np.abs(v["in_transit_t"].to_numpy()) > 1e-6)
        if stray.any():
            problems.append(
                f"cargo unaccounted for on settled voyages {v.loc[stray, 'voyage'].tolist()[:5]}"
            )
    e = result.events
    if len(e):
        t = e["t_h"].to_numpy()
        if np.any(np.diff(t) < -1e-9):
            problems.append("event times run backwards")
        if theater is not None:
            pos = e.dropna(subset=["lon"])
            # air bases are on land; a suspect report and its dispatch carry the sensor's
            # estimate (truth plus its error), which near a coast may fall ashore
            kinds_on_land_ok = {"sortie_start", "sortie_end", "suspect_report", "dispatch"}
            pos = pos[~pos["kind"].isin(kinds_on_land_ok)]
            if len(pos):
                water = np.asarray(theater.is_water(pos["lon"].to_numpy(), pos["lat"].to_numpy()))
                if not water.all():
                    kinds = pos.loc[~water, "kind"].unique()[:5]
                    problems.append(f"{int((~water).sum())} events on land: {kinds}")
    tr = result.tracks
    if tr is not None and len(tr):
        dur = (tr["t1_h"] - tr["t0_h"]).to_numpy()
        dist_nm = np.hypot(tr["x1_m"] - tr["x0_m"], tr["y1_m"] - tr["y0_m"]).to_numpy() / NM_M
        speed = np.divide(dist_nm, dur, out=np.zeros_like(dist_nm), where=dur > 1e-9)
        if (speed > MAX_VESSEL_SPEED_KN).any():
            fast = tr.loc[speed > MAX_VESSEL_SPEED_KN, "vessel"].unique()[:5]
            problems.append(f"vessels faster than {MAX_VESSEL_SPEED_KN} kn: {fast}")
        if (dur < -1e-9).any():
            problems.append("track legs run backwards in time")
        if theater is not None:
            f = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
            x = (
                tr["x0_m"].to_numpy()[:, None] + f * (tr["x1_m"] - tr["x0_m"]).to_numpy()[:, None]
            ).ravel()
            y = (
                tr["y0_m"].to_numpy()[:, None] + f * (tr["y1_m"] - tr["y0_m"]).to_numpy()[:, None]
            ).ravel()
            wet = np.asarray(theater.is_water_xy(x, y), dtype=bool).reshape(-1, len(f))
            dry = ~wet.all(axis=1)
            if dry.any():
                problems.append(
                    f"{int(dry.sum())} track legs touch land: {tr.loc[dry, 'vessel'].unique()[:5]}"
                )
    return problems
