"""The operators' classification of a contact: it is harder at night and at range.

Reading a hull's name and telling two hulls alongside from one vessel both fall off with the
contact's range and at night, each with its own sensor parameters.

The classifier sees only what a sensor could perceive (``Perceived``); these tests hand it
contacts and count what it makes of them over many draws.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.classifier import (
    DesignatedIds,
    Perceived,
    classify,
    classify_probability,
    identify_probability,
    investigates,
    legit_reason,
    legit_suspect_probability,
)
from sim.model.records import ContactClass
from sim.model.records import Reason as R
from sim.scenarios.cell_schema import Classification
from sim.scenarios.patrols_schema import Sensor

RATES = Classification()
EYES = Sensor(identify_probability=0.8, identify_half_range_nm=10.0, identify_night_factor=0.25)


class Hull:
    """A vessel as the watchlist knows it."""

    def __init__(self, watchlisted: bool) -> None:
        self.watchlisted = watchlisted


WATCHLIST = DesignatedIds({"F1": Hull(True), "F2": Hull(False)})


def contact(
    *, night: bool = False, range_nm: float = 0.0, ais: str = "", alongside: bool = False
) -> Perceived:
    return Perceived(
        alongside=alongside,
        ais_on=bool(ais),
        broadcast_identity=ais,
        hull_identity="F1",
        night=night,
        range_nm=range_nm,
    )


def share_watchlisted(seen: Perceived, n: int = 4000) -> float:
    rng = np.random.default_rng(11)
    got = [classify(seen, EYES, RATES, WATCHLIST, rng).reason for _ in range(n)]
    return got.count(R.WATCHLISTED) / n


def test_identification_probability_halves_with_each_half_range_and_falls_at_night() -> None:
    assert identify_probability(EYES, night=False, range_nm=0.0) == pytest.approx(0.8)
    assert identify_probability(EYES, night=False, range_nm=10.0) == pytest.approx(0.4)
    assert identify_probability(EYES, night=False, range_nm=20.0) == pytest.approx(0.2)
    assert identify_probability(EYES, night=True, range_nm=0.0) == pytest.approx(0.2)


def test_a_dark_designated_vessel_is_identified_less_often_at_night_and_at_long_range() -> None:
    day_close = share_watchlisted(contact())
    night_close = share_watchlisted(contact(night=True))
    day_far = share_watchlisted(contact(range_nm=25.0))
    assert day_close == pytest.approx(0.8, abs=0.03)
    assert night_close == pytest.approx(0.2, abs=0.03)
    assert day_far == pytest.approx(0.8 * 0.5**2.5, abs=0.03)


def test_a_spoofed_identity_does_not_match_the_watchlist_unless_the_hull_is_read() -> None:
    blind = Sensor(identify_probability=0.0)
    rng = np.random.default_rng(1)
    spoofed = classify(contact(ais="SF1"), blind, RATES, WATCHLIST, rng)
    honest = classify(contact(ais="F1"), blind, RATES, WATCHLIST, rng)
    assert spoofed.reason == "" and spoofed.identity == "SF1" and not spoofed.identified
    assert honest.reason == R.WATCHLISTED and honest.identity == "F1"
    # reading the stern name defeats the spoof
    assert share_watchlisted(contact(ais="SF1")) == pytest.approx(0.8, abs=0.03)


def test_identity_is_only_what_was_read() -> None:
    rng = np.random.default_rng(2)
    dark = [classify(contact(range_nm=200.0), EYES, RATES, WATCHLIST, rng) for _ in range(200)]
    assert {a.identity for a in dark if not a.identified} == {""}
    assert all(a.identity == "F1" for a in dark if a.identified)


def test_without_a_watchlist_a_designated_vessel_is_not_suspect_for_its_name() -> None:
    rng = np.random.default_rng(3)
    got = classify(contact(ais="F1"), EYES, RATES, None, rng)
    assert got.reason == ""


PAIR_EYES = Sensor(
    identify_probability=0.0,
    classify_probability=0.9,
    classify_half_range_nm=10.0,
    classify_night_factor=0.3,
)


def test_classification_probability_halves_with_each_half_range_and_falls_at_night() -> None:
    assert classify_probability(PAIR_EYES, night=False, range_nm=0.0) == pytest.approx(0.9)
    assert classify_probability(PAIR_EYES, night=False, range_nm=10.0) == pytest.approx(0.45)
    assert classify_probability(PAIR_EYES, night=True, range_nm=20.0) == pytest.approx(0.0675)


@pytest.mark.parametrize(("night", "range_nm"), [(False, 0.0), (True, 0.0), (False, 25.0)])
def test_a_pair_alongside_is_seen_as_one_less_often_at_night_and_at_range(
    night: bool, range_nm: float
) -> None:
    """The pair is classified alongside with classify_probability, else left unresolved.

    An unresolved pair is not reported as a transfer (here every classified one is:
    sts_suspect_probability 1); a lone vessel is never taken for a pair.
    """
    rates = Classification(sts_suspect_probability=1.0, dark_suspect_probability=0.0)
    rng = np.random.default_rng(5)
    n = 4000
    pair = [
        classify(
            contact(night=night, range_nm=range_nm, alongside=True), PAIR_EYES, rates, None, rng
        )
        for _ in range(n)
    ]
    q = classify_probability(PAIR_EYES, night=night, range_nm=range_nm)
    seen = [a for a in pair if a.classification is ContactClass.ALONGSIDE]
    assert len(seen) / n == pytest.approx(q, abs=4 * (q * (1 - q) / n) ** 0.5 + 1e-9)
    assert all(a.reason == R.ALONGSIDE for a in seen)
    rest = [a for a in pair if a.classification is not ContactClass.ALONGSIDE]
    assert all(a.classification is ContactClass.UNRESOLVED and a.reason == "" for a in rest)
    assert all(a.classification_p == pytest.approx(q) for a in pair)
    lone = [
        classify(contact(night=night, range_nm=range_nm), PAIR_EYES, rates, None, rng)
        for _ in range(500)
    ]
    assert {a.classification for a in lone} <= {ContactClass.VESSEL, ContactClass.UNRESOLVED}


def test_an_unresolved_dark_pair_can_still_be_reported_as_a_dark_contact() -> None:
    never = Sensor(classify_probability=0.0, identify_probability=0.0)
    rates = Classification(sts_suspect_probability=1.0, dark_suspect_probability=1.0)
    got = classify(contact(alongside=True), never, rates, None, np.random.default_rng(0))
    assert got.classification is ContactClass.UNRESOLVED and got.reason == R.DARK_CONTACT


def test_two_hulls_alongside_look_like_a_transfer_whoever_they_are() -> None:
    dark = np.array([False, False, True])
    alongside = np.array([True, False, False])
    p = legit_suspect_probability(RATES, dark, alongside)
    assert p.tolist() == [
        RATES.sts_suspect_probability,
        RATES.false_alarm_probability,
        RATES.dark_suspect_probability,
    ]
    assert legit_reason(dark=False, alongside=True) == R.ALONGSIDE
    assert legit_reason(dark=True, alongside=False) == R.DARK_CONTACT
    assert legit_reason(dark=False, alongside=False) == R.FALSE_ALARM


def test_only_aircraft_and_ships_close_in_and_only_on_suspect_contacts_left_unresolved() -> None:
    """The investigation rule: suspect, unresolved, farther than the investigation range."""
    sensor = Sensor(investigate_range_nm=2.0)
    unresolved, alongside = ContactClass.UNRESOLVED, ContactClass.ALONGSIDE
    assert investigates(sensor, "aircraft", "dark_contact", unresolved, 25.0)
    assert investigates(sensor, "warship", "watchlisted", unresolved, 2.5)
    assert not investigates(sensor, "aircraft", "", unresolved, 25.0)  # not suspect
    assert not investigates(sensor, "aircraft", "alongside", alongside, 25.0)  # resolved
    assert not investigates(sensor, "satellite", "dark_contact", unresolved, 25.0)
    assert not investigates(sensor, "aircraft", "dark_contact", unresolved, 2.0)  # close already


def test_a_contact_stopped_in_a_hotspot_is_investigated_with_the_sensors_probability() -> None:
    """Loitering in a hotspot is a reason to close in; it draws only when 0 < p < 1."""
    unresolved, vessel = ContactClass.UNRESOLVED, ContactClass.VESSEL
    always = Sensor(investigate_range_nm=2.0)  # investigate_loitering_probability 1 by default
    assert investigates(always, "aircraft", "", unresolved, 25.0, loitering=True)
    assert not investigates(always, "aircraft", "", vessel, 25.0, loitering=True)  # resolved
    assert not investigates(always, "satellite", "", unresolved, 25.0, loitering=True)
    assert not investigates(always, "warship", "", unresolved, 1.5, loitering=True)  # close
    never = Sensor(investigate_range_nm=2.0, investigate_loitering_probability=0.0)
    assert not investigates(never, "aircraft", "", unresolved, 25.0, loitering=True)
    assert investigates(never, "aircraft", "dark_contact", unresolved, 25.0)  # suspect still is
    rng = np.random.default_rng(3)
    state = rng.bit_generator.state
    investigates(always, "aircraft", "", unresolved, 25.0, loitering=True, rng=rng)
    assert rng.bit_generator.state == state  # p = 1 draws nothing
    half = Sensor(investigate_range_nm=2.0, investigate_loitering_probability=0.3)
    n = 4000
    hits = sum(
        investigates(half, "aircraft", "", unresolved, 25.0, loitering=True, rng=rng)
        for _ in range(n)
    )
    assert abs(hits - 0.3 * n) <= 4 * (n * 0.3 * 0.7) ** 0.5
