"""AIS monitoring of stored replications: simulated feed, ground truth, detectors, scores.

Runs after the simulation, on each replication's ``tracks.parquet``: the received AIS
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
from sim.monitoring import FeedConfig, ground_truth, simulate_feed, write_feed

__all__ = ["monitor_replication", "AIS_STREAM"]

AIS_STREAM = 0xA15
"""Spawn-key tag of the AIS feed's random stream (distinct from the model's streams)."""


def monitor_replication(
    rep_dir: Path, theater: Any, seed: int, index: int, config: FeedConfig | None = None
) -> pd.DataFrame:
    """Simulate the received AIS feed of one stored replication, detect, and score.

    Writes ``ais.parquet`` (the received feed), ``truth_<table>.parquet`` (transfers,
    loitering, dark periods, spoofing), ``detected_<detector>.parquet`` and ``ais_scores.csv``
    into ``rep_dir``; returns the scores (one row per detector).
    """
    tracks = pd.read_parquet(rep_dir / "tracks.parquet")
    rng = np.random.default_rng(
        np.random.SeedSequence(int(seed), spawn_key=(int(index), AIS_STREAM))
    )
    feed = simulate_feed(tracks, theater, rng, config)
    write_feed(feed, rep_dir / "ais.parquet")
    truth = ground_truth(tracks, theater)
    for name, table in truth.items():
        table.to_parquet(rep_dir / f"truth_{name}.parquet", index=False)
    ports = theater.ports[theater.ports["kind"].isin(["port", "naval_base"])][["lon", "lat"]]
    detections = detect_all(
        feed.drop(columns=["vessel"]),
        distance_to_shore_nm=theater.distance_to_coast_nm,
        anchorages=ports,
    )
    for name, table in detections.items():
        table.to_parquet(rep_dir / f"detected_{name}.parquet", index=False)
    scores = score_detections(detections, truth, feed)
    scores.insert(0, "replication", index)
    scores.to_csv(rep_dir / "ais_scores.csv", index=False)
    return scores
