"""One definition of an AIS gap, shared by the ground truth and the detector.

Global Fishing Watch (domain §7) calls a silence a suspected disabling of AIS when it lasts
at least 12 h, starts and ends more than 50 nm from shore (beyond terrestrial reception, so
the silence is the transponder's, not the receivers'), and the vessel averaged at least 20
satellite positions per 12 h in the prior 48 h. The simulation's ground truth
(``sim.monitoring.ground_truth(...)["gaps"]``) keeps the true dark periods that meet the same
rule, and :func:`sim.analysis.detectors.detect_gaps` reports the received silences that
meet it, so recall means "gaps of this definition found" and not "dark periods that begin in
port found" (which no GFW-style detector finds by construction).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["GapRule", "GFW_GAP"]


@dataclass(frozen=True)
class GapRule:
    """Parameters of an AIS gap (GFW defaults, domain §7).

    Attributes:
        min_gap_h: shortest silence, hours (GFW: 12).
        min_shore_nm: both ends at least this far from shore, nm (GFW: 50).
        min_prior_positions: positions in the ``prior_window_h`` before the gap (GFW-like:
            80 in 48 h, i.e. 20 per 12 h; 0 disables; the truth side ignores it, since a true
            dark period has no received positions to count).
        prior_window_h: window for ``min_prior_positions``, hours (GFW: 48).
    """

    min_gap_h: float = 12.0
    min_shore_nm: float = 50.0
    min_prior_positions: int = 0
    prior_window_h: float = 48.0

    def with_overrides(
        self,
        *,
        min_gap_h: float | None = None,
        min_shore_nm: float | None = None,
        min_prior_positions: int | None = None,
        prior_window_h: float | None = None,
    ) -> GapRule:
        """The rule with the values given (not None) replaced."""
        return replace(
            self,
            min_gap_h=self.min_gap_h if min_gap_h is None else min_gap_h,
            min_shore_nm=self.min_shore_nm if min_shore_nm is None else min_shore_nm,
            min_prior_positions=(
                self.min_prior_positions if min_prior_positions is None else min_prior_positions
            ),
            prior_window_h=self.prior_window_h if prior_window_h is None else prior_window_h,
        )

    def qualifies(
        self, duration_h: ArrayLike, distance_start_nm: ArrayLike, distance_end_nm: ArrayLike
    ) -> np.ndarray:
        """Which silences (arrays) are gaps under this rule (duration and shore distance)."""
        return (
            (np.asarray(duration_h, float) >= self.min_gap_h)
            & (np.asarray(distance_start_nm, float) >= self.min_shore_nm)
            & (np.asarray(distance_end_nm, float) >= self.min_shore_nm)
        )


GFW_GAP = GapRule()
"""The GFW rule: >= 12 h, both ends >= 50 nm from shore."""
