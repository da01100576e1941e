"""AIS monitoring of stored replications: simulated feed, ground truth, detectors, scores.

Runs after the simulation, on each replication's stored ``tracks`` table: the received AIS
feed is simulated with its own random stream (``SeedSequence(seed, spawn_key=(i, AIS_STREAM))``,
so monitoring never changes the model's common random numbers), the detectors of
``sim.analysis.detectors`` run on it as they would on real data, and their events are
scored against the truth the simulation knows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.detectors import detect_all
from sim.analysis.scoring import score_detections
from sim.experiments import store
from sim.monitoring import FeedConfig, ground_truth, simulate_feed
from sim.monitoring.formats import identity_table, to_marinecadastre

__all__ = ["monitor_replication", "AIS_STREAM"]

AIS_STREAM = 0xA15
"""Spawn-key tag of the AIS feed's random stream (distinct from the model's streams)."""


def monitor_replication(
    run_dir: Path,
    theater: Any,
    seed: int,
    index: int,
    config: FeedConfig | None = None,
    *,
    nmea: bool = False,
) -> pd.DataFrame:
    """Simulate the received AIS feed of one stored replication, detect, and score.

    Writes the tables ``ais`` (the received feed in the MarineCadastre layout, no ground
    truth), ``truth_identities`` (which vessel sent each MMSI), ``truth_<table>`` (transfers,
    loitering, dark periods, gaps, spoofing), ``detected_<detector>`` and ``ais_scores`` into
    the run directory's ``<table>/replication=<index>/`` partitions
    (``sim.experiments.store``); with ``nmea`` also ``nmea/replication=<index>/ais.nmea``
    (AIVDM sentences). Returns the scores (one row per detector).
    """
    meta = store.finished_replications(run_dir)[int(index)]
    tracks = pd.read_parquet(store.partition_dir(run_dir, "tracks", index) / store.PART_FILE)
    rng = np.random.default_rng(
        np.random.SeedSequence(int(seed), spawn_key=(int(index), AIS_STREAM))
    )
    feed = simulate_feed(tracks, theater, rng, config)
    truth = ground_truth(tracks, theater)
    ports = theater.ports[theater.ports["kind"].isin(["port", "naval_base"])][["lon", "lat"]]
    detections = detect_all(
        feed.drop(columns=["vessel"]),
        distance_to_shore_nm=theater.distance_to_coast_nm,
        anchorages=ports,
    )
    scores = score_detections(detections, truth, feed)
    start = meta.get("start_date") or "2018-01-01"
    received = to_marinecadastre(feed, start)
    tables = {
        "ais": received,
        "truth_identities": identity_table(feed),
        **{f"truth_{k}": v for k, v in truth.items()},
        **{f"detected_{k}": v for k, v in detections.items()},
        "ais_scores": scores,
    }
    for name, table in tables.items():
        store.write_table(
            run_dir,
            name,
            index,
            table,
            scenario=meta["scenario"],
            seed=int(meta["seed"]),
            start_date=meta.get("start_date"),
        )
    if nmea:
        from sim.analysis.nmea import write_nmea

        write_nmea(received, store.partition_dir(run_dir, "nmea", index) / "ais.nmea")
    scores.insert(0, "replication", index)
    return scores
