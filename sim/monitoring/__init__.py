"""Monitoring: a simulated AIS feed from vessel tracks, and ground truth to score detectors against.

The detectors and scores themselves live in ``sim.analysis.detectors`` and
``sim.analysis.scoring`` (they take any AIS table, simulated or real).
"""

from sim.monitoring.feed import (
    FEED_COLUMNS,
    TRACK_COLUMNS,
    FeedConfig,
    iter_feed_batches,
    read_feed,
    simulate_feed,
    stream_feed,
    validate_tracks,
    write_feed,
)
from sim.monitoring.synthetic import FlatGeography, synthetic_ports, synthetic_tracks
from sim.monitoring.truth import TRUTH_TABLES, ground_truth

__all__ = [
    "FEED_COLUMNS",
    "TRACK_COLUMNS",
    "TRUTH_TABLES",
    "FeedConfig",
    "FlatGeography",
    "ground_truth",
    "iter_feed_batches",
    "read_feed",
    "simulate_feed",
    "stream_feed",
    "synthetic_ports",
    "synthetic_tracks",
    "validate_tracks",
    "write_feed",
]
