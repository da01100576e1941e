"""Pursuers act on their own contacts, not on the truth."""

from __future__ import annotations

import math

import pytest

from sim.model.picture import Contact
from tests.model.test_parameters import _run


def test_dead_reckoning_holds_course_and_speed_and_uncertainty_grows() -> None:
    """A contact predicts along its estimated velocity; its radius grows with time unobserved."""
    c = Contact(10.0, "ddg#0", 1000.0, 2000.0, 500.0, -250.0, 100.0)
    assert c.predict(10.0) == (1000.0, 2000.0)
    assert c.predict(12.0) == pytest.approx((2000.0, 1500.0))
    r0, r1 = c.radius_m(10.0, 1852.0), c.radius_m(13.0, 1852.0)
    assert r0 == pytest.approx(2 * math.sqrt(2) * 100.0)
    assert r1 - r0 == pytest.approx(3 * 1852.0)


def test_a_pursuer_that_cannot_see_where_its_suspect_is_does_not_catch_it() -> None:
    """With contacts 40 nm off (sensor.position_error_nm), closing on them rarely ends alongside.

    A pursuer that read the suspect's true position, as before, would intercept as often
    whatever its sensor's error.
    """
    from tests.model.test_run import small

    exact = _run()

    blurred_assets = small()["assets"]
    for g in blurred_assets:
        g["sensor"]["position_error_nm"] = 40.0
    blurred = _run(assets=blurred_assets)
    n_exact = (exact.events["kind"] == "intercept").sum()
    n_blur = (blurred.events["kind"] == "intercept").sum()
    assert n_exact > 0
    assert n_blur < n_exact
    lost = blurred.events[blurred.events["kind"] == "datum_lost"]
    assert set(lost["reason"]) & {"not_regained", "resolves_exhausted"}
