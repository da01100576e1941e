"""Legitimate traffic: long legs cut into pieces describe the same motion."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.engine import _split_long_legs
from sim.model.motion import Track


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(0.01, 80.0), st.floats(-30.0, 30.0), st.floats(-30.0, 30.0)),
                min_size=1, max_size=6), st.floats(0.5, 20.0))
def test_split_long_legs_keeps_the_motion(parts, max_h):
    t, x, y, rows = 0.0, 0.0, 0.0, []
    for dur, vx, vy in parts:
        rows.append([t, t + dur, x, y, vx, vy])
        t, x, y = t + dur, x + vx * dur, y + vy * dur
    legs = np.array(rows)
    out, ids = _split_long_legs(legs, np.zeros(len(legs), dtype=np.int64), max_h)
    assert np.all(out[:, 1] - out[:, 0] <= max_h + 1e-9)
    assert np.allclose(out[1:, 0], out[:-1, 1]) and out[0, 0] == 0.0 and out[-1, 1] == legs[-1, 1]
    a, b = Track(legs), Track(out)
    for s in np.linspace(0.0, t, 50):
        assert np.allclose(a.position(s), b.position(s), atol=1e-6)
