"""Detectors of suspicious behaviour in any AIS position table (Global Fishing Watch criteria).

Each detector takes a table of positions (default columns ``time, identity, lon, lat, speed,
course``; rename with ``columns={"time": "ts", ...}``, or name a preset layout:
``layout="marinecadastre"`` or ``"dma"``, see ``sim.analysis.ais_layouts``) and returns one
row per detected event. ``time`` is hours (float) or pandas datetimes; event ``start``/``end``
come back in the same kind. Thresholds are parameters with GFW defaults (domain §7):

* :func:`detect_encounters`: two vessels within 500 m for >= 2 h, median speed < 2 kn,
  >= 10 km from an anchorage (Miller et al. 2018);
* :func:`detect_loitering`: speed < 2 kn for >= 4 h, averaging >= 20 nm from shore;
* :func:`detect_gaps`: >= 12 h without a position, starting and ending >= 50 nm from shore
  (``sim.analysis.gaps.GapRule``, shared with the ground truth);
* :func:`detect_identity_anomalies`: one identity in two places at once, or implied speeds
  no ship makes (> 50 kn).

Work is vectorised: the table is prepared once (:func:`prepare_ais`: identities to sorted
integer codes, rows sorted by identity, time, lon, lat, so results do not depend on row
order) and every detector is numpy over the sorted arrays. Encounters resample slow tracks
onto a common time grid and self-join on (time bucket, grid cell) with neighbour cells, so
the cost grows with the number of nearby pairs, not with n². Detectors never read the
``vessel`` column (ground truth).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from sim.analysis.detectors.encounters import detect_encounters
from sim.analysis.detectors.gaps import detect_gaps
from sim.analysis.detectors.identity import detect_identity_anomalies
from sim.analysis.detectors.loitering import detect_loitering
from sim.analysis.detectors.prepared import (
    AisColumns,
    DistanceToShore,
    PreparedAis,
    apply_layout,
    haversine_m,
    prepare_ais,
    prepare_arrays,
    shore_lookup,
)

__all__ = [
    "AisColumns",
    "PreparedAis",
    "prepare_ais",
    "prepare_arrays",
    "detect_encounters",
    "detect_loitering",
    "detect_gaps",
    "detect_identity_anomalies",
    "detect_all",
    "haversine_m",
    "DETECTORS",
]

DETECTORS = ("encounters", "loitering", "gaps", "identity")
"""Detector names, as used by ``detect_all`` and ``sim.analysis.scoring``."""


def detect_all(
    ais: pd.DataFrame | PreparedAis,
    *,
    distance_to_shore_nm: DistanceToShore | None = None,
    anchorages: pd.DataFrame | None = None,
    columns: AisColumns | Mapping[str, str] | None = None,
    layout: str | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, pd.DataFrame]:
    """Run every detector on one prepared table.

    Args:
        ais: AIS table or :class:`PreparedAis` (prepared once for all detectors).
        distance_to_shore_nm: as for :func:`detect_loitering` and :func:`detect_gaps`.
        anchorages: as for :func:`detect_encounters`.
        columns: column-name overrides.
        params: per-detector keyword overrides, e.g. ``{"loitering": {"min_duration_h": 8}}``.
        layout: a preset layout instead of ``columns`` ("marinecadastre", "dma").

    Returns:
        ``{"encounters": ..., "loitering": ..., "gaps": ..., "identity": ...}``.
    """
    ais, columns = apply_layout(ais, columns, layout)
    params = params or {}
    unknown = set(params) - set(DETECTORS)
    if unknown:
        raise ValueError(f"unknown detectors {sorted(unknown)}; expected {list(DETECTORS)}")
    shore = shore_lookup(ais, columns, distance_to_shore_nm)
    p = prepare_ais(ais, columns)
    return {
        "encounters": detect_encounters(p, anchorages=anchorages, **params.get("encounters", {})),
        "loitering": detect_loitering(p, distance_to_shore_nm=shore, **params.get("loitering", {})),
        "gaps": detect_gaps(p, distance_to_shore_nm=shore, **params.get("gaps", {})),
        "identity": detect_identity_anomalies(p, **params.get("identity", {})),
    }
