"""Small hand-built run tables and run directories (no simulation).

For fast plotting/report tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from sim.model.records import EVENT_COLUMNS, SUMMARY_COLUMNS, VOYAGE_COLUMNS

_BUILT = [*list(EVENT_COLUMNS)[:8], "place", "lon", "lat", "state", "zone"]
"""Columns of the rows built below; the structured columns they leave out are filled with ''."""

SCENARIOS = ("baseline_2017", "crackdown_2018", "blockade")
_LEVEL = {"baseline_2017": 0.05, "crackdown_2018": 0.2, "blockade": 0.45}


def fake_replication(
    scenario: str, rep: int, *, days: float = 60.0, voyages: int = 40, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """Events, voyages and a summary row that look like one replication of ``scenario``."""
    rng = np.random.default_rng(
        [seed, rep, SCENARIOS.index(scenario) if scenario in SCENARIOS else 9]
    )
    p = _LEVEL.get(scenario, 0.1)
    hot = np.array([[123.5, 29.5], [123.5, 36.0], [124.9, 38.6]])
    ev, vo = [], []
    for v in range(voyages):
        start = rng.uniform(0, days * 24 * 0.8)
        centre = hot[rng.integers(len(hot))]
        lon, lat = centre + rng.normal(0, 0.3, 2)
        detected = bool(rng.random() < p * 1.5)
        r = rng.random()
        outcome = "seized" if r < p * 0.6 else "diverted" if r < p else "delivered"
        t_tr = start + rng.uniform(10, 60)
        ev.append(
            (
                t_tr,
                "transfer_start",
                f"F{v}",
                "",
                v,
                0.0,
                0.0,
                1500.0,
                "",
                lon,
                lat,
                "",
                "high_seas",
            )
        )
        t_end = t_tr + rng.uniform(10, 50)
        if outcome == "delivered":
            ev.append(
                (
                    t_end,
                    "delivery",
                    f"D{v}",
                    "",
                    v,
                    0.0,
                    0.0,
                    1500.0,
                    "Nampo",
                    125.3,
                    38.7,
                    "PRK",
                    "territorial",
                )
            )
        else:
            ev.append(
                (
                    t_end,
                    "seizure" if outcome == "seized" else "diversion",
                    f"D{v}",
                    "us_ddg#0",
                    v,
                    0.0,
                    0.0,
                    1500.0,
                    "",
                    lon + 0.2,
                    lat + 0.1,
                    "",
                    "high_seas",
                )
            )
        vo.append(
            {
                "voyage": v,
                "program": "ecs_petroleum",
                "commodity": "petroleum" if v % 5 else "coal",
                "method": "sts",
                "rendezvous_area": "ecs_high_seas",
                "foreign_vessel": f"F{v}",
                "dprk_vessel": f"D{v}",
                "foreign_flag": "PAN",
                "cargo_t": 1500.0,
                "delivered_t": 1500.0 if outcome == "delivered" else 0.0,
                "seized_t": 0.0 if outcome == "delivered" else 1500.0,
                "returned_t": 0.0,
                "in_transit_t": 0.0,
                "outcome": outcome,
                "start_h": start,
                "end_h": t_end,
                "detected": detected,
                "sts_detected": detected,
                "relocations": 0,
                "counted": True,
            }
        )
    for _ in range(int(200 * (1 + 3 * p))):
        c = hot[rng.integers(len(hot))] + rng.normal(0, 1.0, 2)
        ev.append(
            (
                rng.uniform(0, days * 24),
                "detection",
                "L1",
                "us_p8#0",
                -1,
                0.0,
                0.0,
                0.0,
                "",
                c[0],
                c[1],
                "",
                "high_seas",
            )
        )
    events = (
        pd.DataFrame(ev, columns=_BUILT)
        .assign(reason="", activity="", ais="")
        .reindex(columns=list(EVENT_COLUMNS))
        .sort_values("t_h", kind="stable")
        .reset_index(drop=True)
    )
    voy = pd.DataFrame(vo, columns=list(VOYAGE_COLUMNS))
    ended = len(voy)
    seized = int((voy["outcome"] == "seized").sum())
    diverted = int((voy["outcome"] == "diverted").sum())
    inter = seized + diverted
    ship_h = 24 * 30 * (1 + 4 * p) * rng.uniform(0.9, 1.1)
    air_h = 300 * (1 + 2 * p) * rng.uniform(0.9, 1.1)
    years = days / 365.0
    summary = {k: 0.0 for k in SUMMARY_COLUMNS}
    summary.update(
        {
            "voyages_ended": float(ended),
            "voyages_started": float(ended),
            "interception_rate": inter / ended,
            "cargo_denied_share": inter / ended,
            "disruption_rate": 0.0,
            "denial_rate": inter / ended,
            "sts_transfers": float(ended),
            "sts_detected_in_progress": float(voy["sts_detected"].sum()),
            "sts_detected_share": float(voy["sts_detected"].mean()),
            "barrels_delivered_per_year": float(
                voy.loc[voy["commodity"] == "petroleum", "delivered_t"].sum()
            )
            * 7.33
            / years,
            "seizures": float(seized),
            "diversions": float(diverted),
            "false_positive_boardings": float(rng.poisson(5 * p)),
            "escalation_incidents": float(rng.poisson(3 * p)),
            "patrol_hours": ship_h + air_h,
            "ship_days": ship_h / 24,
            "flight_hours": air_h,
            "patrol_hours_per_interception": (ship_h + air_h) / inter if inter else float("nan"),
            "years": years,
        }
    )
    return events, voy, summary


def fake_run_dir(path: Path, scenario: str, n: int = 3, seed: int = 7, days: float = 60.0) -> Path:
    """Write a run directory laid out like ``run_replications(out_dir=path)``."""
    from sim.experiments.store import write_replication

    for i in range(n):
        events, voyages, summary = fake_replication(scenario, i, days=days, seed=seed)
        assets = pd.DataFrame({"asset": ["us_p8#0"], "kind": ["aircraft"]})
        row = {
            "scenario": scenario,
            "replication": i,
            "seed": seed,
            "scenario_hash": "x" * 8,
            **summary,
            "error": "",
            "wall_s": 0.1,
        }
        provenance = {"scenario": scenario, "sim_h": days * 24.0, "seed": seed}
        tables = {"events": events, "voyages": voyages, "assets": assets}
        write_replication(path, i, tables, row, provenance, "2018-01-01")
    return path


def fake_experiment(out: Path, scenarios=SCENARIOS, n: int = 3, days: float = 60.0) -> Path:
    """A comparison directory with ``experiment.json`` and one fake run directory per scenario."""
    runs = []
    for s in scenarios:
        fake_run_dir(out / s, s, n=n, days=days)
        runs.append(
            {
                "label": s,
                "dir": s,
                "scenario": s,
                "description": f"A fake {s} for report tests. Not a simulation.",
                "factors": {},
                "theater": "korea",
                "duration_days": days,
                "warmup_days": 0.0,
            }
        )
    (out / "experiment.json").write_text(
        json.dumps({"kind": "compare", "seed": 7, "replications": n, "runs": runs})
    )
    return out
