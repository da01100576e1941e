"""What a pursuer knows of its suspect: the last contact of its own sensor, dead-reckoned.

The referee (``Model.contact``) is the only part of the model that reads a vessel's true
position; it hands a pursuer a ``Contact`` when the pursuer's own sensor holds the vessel,
with the sensor's position error. Between contacts the pursuer steers on dead reckoning
from the last one, and the uncertainty of that estimate grows with time (Koopman's datum
picture), which is what its datum search covers when contact is lost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Contact"]


@dataclass(frozen=True)
class Contact:
    """One report of a vessel by one sensor.

    Attributes:
        t_h: time of the contact, hours.
        asset: the reporting asset.
        x_m, y_m: estimated position (truth plus the sensor's error), metres.
        vx_m_h, vy_m_h: estimated velocity from the sensor's track, metres per hour.
        error_m: standard deviation of the position error per axis, metres.
    """

    t_h: float
    asset: str
    x_m: float
    y_m: float
    vx_m_h: float
    vy_m_h: float
    error_m: float

    def predict(self, t_h: float) -> tuple[float, float]:
        """Dead-reckoned position at ``t_h`` (course and speed held since the contact)."""
        dt = t_h - self.t_h
        return self.x_m + self.vx_m_h * dt, self.y_m + self.vy_m_h * dt

    def radius_m(self, t_h: float, growth_m_h: float) -> float:
        """Radius within which the vessel should be at ``t_h``.

        Two standard deviations of the sensor's error plus the growth of the unobserved track
        since the contact.
        """
        return 2.0 * math.sqrt(2.0) * self.error_m + growth_m_h * max(0.0, t_h - self.t_h)
