"""Reference targets: inert points and straight tracks whose detections are reported.

A scenario may declare targets that do not react and are not smugglers: a fixed point, or a
straight-line track at constant speed, present over a time window. Every sensor plan is
checked against them by the same closed-form referee as the vessels (``sim.model.sensing``),
and satellite passes image them. Their detections go to the ``reference`` table only: the
cell never hears of them, and their draws (inverse-cube detection, night blindness, pass
probability) come from streams of their own (``reference/<asset>``), so declaring them
leaves the rest of the run unchanged. Analysts use them to ask whether a track would have
been seen under a patrol plan; the search-theory verification uses them to measure
detection probabilities (``sim.experiments.verification``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import shapely

from sim.model import sensing
from sim.model.assets import Asset
from sim.model.context import RunContext
from sim.model.records import REFERENCE_COLUMNS
from sim.scenarios.reference_schema import ReferenceTarget
from sim.units import NM_M

__all__ = ["ReferenceTargets"]


class ReferenceTargets:
    """The reference targets of one run and their detections.

    Args:
        ctx: the run context.
        targets: the scenario's reference targets.
        theater: the theater (converts their [lon, lat] points to metres).
    """

    def __init__(self, ctx: RunContext, targets: Sequence[ReferenceTarget], theater: Any) -> None:
        self.ctx = ctx
        self.names = [t.name for t in targets]
        end_h = ctx.scenario.duration_h
        legs = np.zeros((len(targets), 6))
        for k, t in enumerate(targets):
            t0 = t.from_h
            t1 = t.until_h if t.until_h is not None else max(end_h, t0 + 1e-3)
            x0, y0 = (float(v) for v in theater.to_xy(*t.start))
            vx = vy = 0.0
            if t.end is not None:
                x1, y1 = (float(v) for v in theater.to_xy(*t.end))
                vx, vy = (x1 - x0) / (t1 - t0), (y1 - y0) / (t1 - t0)
            legs[k] = (t0, t1, x0, y0, vx, vy)
        self.legs = legs
        self.ids = np.arange(len(targets))
        self.rows: list[tuple[str, str, str, str, float, float, float]] = []
        self._last: dict[tuple[str, int], float] = {}

    def __len__(self) -> int:
        return len(self.names)

    def _rng(self, a: Asset) -> np.random.Generator:
        return self.ctx.streams.get(f"reference/{a.aid}")

    def publish(self, a: Asset) -> None:
        """An asset has a new plan: schedule its first detection of each reference target."""
        if not len(self.names) or not len(a.track.legs) or a.kind == "satellite":
            return
        s = a.group.sensor
        ids, times = sensing.first_detections(
            a.track.legs,
            self.legs,
            self.ids,
            law=s.law,
            range_m=s.range_nm * NM_M,
            sweep_width_m=(s.sweep_width_nm or s.range_nm) * NM_M,
            reference_speed_m_h=s.reference_speed_kn * NM_M,
            rng=self._rng(a),
            t_min_h=self.ctx.env.now,
        )
        version = a.track.version
        for k, t in zip(ids.tolist(), times.tolist(), strict=True):
            self.ctx.at(t, self._contact, a, version, k)

    def _contact(self, a: Asset, version: int, k: int) -> None:
        if a.track.version != version:  # the plan was replaced: its new plan was solved anew
            return
        f = a.group.sensor.night_factor
        if f < 1.0 and self.ctx.is_night(self.ctx.env.now) and self._rng(a).random() >= f:
            return
        self._record(a, k)

    def satellite_pass(self, a: Asset, poly: shapely.Geometry) -> None:
        """A pass over ``poly`` (already past its night blindness): image the targets inside."""
        if not len(self.names):
            return
        now = self.ctx.env.now
        mask, x, y = sensing.positions_at(self.legs, now)
        ids = self.ids[mask][shapely.contains_xy(poly, x, y)]
        if not len(ids):
            return
        seen = self._rng(a).random(len(ids)) < a.group.detect_probability
        for k in ids[seen].tolist():
            self._record(a, k)

    def _record(self, a: Asset, k: int) -> None:
        now = self.ctx.env.now
        if self._last.get((a.aid, k)) == now:  # the same contact again at the same instant
            return
        self._last[(a.aid, k)] = now
        leg = self.legs[k]
        x, y = leg[2] + leg[4] * (now - leg[0]), leg[3] + leg[5] * (now - leg[0])
        self.rows.append((self.names[k], a.aid, a.group.name, a.kind, now, float(x), float(y)))

    def frame(self, theater: Any) -> pd.DataFrame:
        """The ``reference`` table (``REFERENCE_COLUMNS``), in time order."""
        cols = list(REFERENCE_COLUMNS)
        df = pd.DataFrame(self.rows, columns=cols[:7])
        lon, lat = theater.to_lonlat(df["x_m"].to_numpy(), df["y_m"].to_numpy())
        df["lon"], df["lat"] = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        return df.sort_values("t_h", kind="stable").reset_index(drop=True)[cols]
