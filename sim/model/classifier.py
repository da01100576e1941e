"""The operators' classification of a contact: what kind of vessel, which identity, suspect or not.

The referee hands the classifier only what a sensor could perceive of a detection
(``Perceived``): whether two hulls lie alongside, whether AIS is on and what identity it
broadcasts, the identity painted on the hull (readable only by a close look), night or day
and the range of the contact. The classifier never sees whether the vessel is illicit; a
legitimate bunker tanker alongside its client looks like a transfer, and a spoofed identity
does not match the watchlist. It returns an ``Assessment``: the classification (two hulls
alongside, one vessel, or unresolved: ``ContactClass``), whether the contact is suspect and
why (a reason code), and the identity only if it was read (AIS, or visual identification).

Visual identification (reading the stern name) needs a close pass and light (domain §6:
French crews fly below 150 m to read names). Its probability is the sensor's
``identify_probability`` at zero range by day, halved every ``identify_half_range_nm`` of
contact range, and multiplied by ``identify_night_factor`` at night.

Classification (telling two hulls alongside from one vessel) falls off the same way, with the
sensor's ``classify_probability``, ``classify_half_range_nm`` and ``classify_night_factor``:
radar shows a pair alongside as one blip, and seeing that it is two takes eyes or imagery. An
unclassified contact is ``unresolved``, and a pair alongside that is not classified is not
reported as a transfer (it may still be reported as dark).
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from typing import NamedTuple, Protocol

import numpy as np

from sim.model.records import ContactClass
from sim.model.records import Reason as R

__all__ = [
    "Perceived",
    "Reading",
    "Assessment",
    "IdentifySensor",
    "InvestigateSensor",
    "Rates",
    "DesignatedIds",
    "identify_probability",
    "classify_probability",
    "read",
    "classify",
    "investigates",
    "STOPPED_KN",
    "legit_suspect_probability",
    "legit_reason",
]


class IdentifySensor(Protocol):
    """What the classifier needs from a sensor (``sim.scenarios.patrols_schema.Sensor``)."""

    @property
    def classify_probability(self) -> float:
        """``classify_probability`` of the object passed in."""
        ...

    @property
    def classify_night_factor(self) -> float:
        """``classify_night_factor`` of the object passed in."""
        ...

    @property
    def classify_half_range_nm(self) -> float:
        """``classify_half_range_nm`` of the object passed in."""
        ...

    @property
    def identify_probability(self) -> float:
        """``identify_probability`` of the object passed in."""
        ...

    @property
    def identify_night_factor(self) -> float:
        """``identify_night_factor`` of the object passed in."""
        ...

    @property
    def identify_half_range_nm(self) -> float:
        """``identify_half_range_nm`` of the object passed in."""
        ...


STOPPED_KN = 2.0
"""Speed on a radar track under which a contact counts as stopped, knots (the loitering speed
of Global Fishing Watch, domain §7)."""


class InvestigateSensor(Protocol):
    """When and how close an asset closes in on a contact (``Sensor``)."""

    @property
    def investigate_range_nm(self) -> float:
        """``investigate_range_nm`` of the object passed in."""
        ...

    @property
    def investigate_loitering_probability(self) -> float:
        """``investigate_loitering_probability`` of the object passed in."""
        ...


class Rates(Protocol):
    """What the classifier needs from ``sim.scenarios.cell_schema.Classification``."""

    @property
    def sts_suspect_probability(self) -> float:
        """``sts_suspect_probability`` of the object passed in."""
        ...

    @property
    def dark_suspect_probability(self) -> float:
        """``dark_suspect_probability`` of the object passed in."""
        ...

    @property
    def false_alarm_probability(self) -> float:
        """``false_alarm_probability`` of the object passed in."""
        ...


class _Designatable(Protocol):
    @property
    def watchlisted(self) -> bool:
        """``watchlisted`` of the object passed in."""
        ...


class DesignatedIds:
    """The watchlist: true identities of designated vessels (a spoofed identity is not on it).

    Args:
        vessels: vessels by true identity (the model's illicit vessels, added as they sail).
    """

    def __init__(self, vessels: Mapping[str, _Designatable]) -> None:
        self._vessels = vessels

    def __contains__(self, identity: object) -> bool:
        v = self._vessels.get(identity) if isinstance(identity, str) else None
        return v is not None and v.watchlisted


class Perceived(NamedTuple):
    """What a sensor could perceive of one detection (the referee fills it in).

    Attributes:
        alongside: another hull lies alongside (a transfer, or legitimate bunkering).
        ais_on: the transponder broadcasts.
        broadcast_identity: the identity AIS broadcasts ('' when dark; may be spoofed).
        hull_identity: the name on the hull, read only by visual identification.
        night: local night at the contact.
        range_nm: distance from sensor to vessel at the contact (0 for imagery).
    """

    alongside: bool
    ais_on: bool
    broadcast_identity: str
    hull_identity: str
    night: bool
    range_nm: float


class Reading(NamedTuple):
    """What one look at a contact gives, before it is judged suspect or not.

    Attributes:
        identity: the identity read ('' when none was read): the hull's when identified
            visually, else what AIS broadcasts.
        identified: True when the identity was read visually (not taken from AIS).
        classification: what the contact was taken for (two hulls alongside, one vessel,
            or unresolved).
        classification_p: the chance that this sensor, at this range and light, classifies a
            contact (``classify_probability``); ``1 - classification_p`` is its chance of
            leaving a pair alongside unresolved.
    """

    identity: str
    identified: bool
    classification: ContactClass
    classification_p: float


class Assessment(NamedTuple):
    """The classification of a contact: a ``Reading`` and the verdict on it.

    Attributes:
        reason: a ``Reason`` code when the contact is suspect, else ''.
        identity, identified, classification, classification_p: as ``Reading``.
    """

    reason: str
    identity: str
    identified: bool
    classification: ContactClass
    classification_p: float

    @property
    def identity_source(self) -> str:
        """Where the identity came from: 'visual', 'ais', or '' when none was read."""
        if self.identified:
            return "visual"
        return "ais" if self.identity else ""


def _falloff(p0: float, half_range_nm: float, night_factor: float, night: bool, r: float) -> float:
    """``p0`` halved every ``half_range_nm`` of range ``r``, times ``night_factor`` at night."""
    return p0 * 0.5 ** (max(r, 0.0) / half_range_nm) * (night_factor if night else 1.0)


def identify_probability(sensor: IdentifySensor, *, night: bool, range_nm: float) -> float:
    """Chance that this contact also reads the vessel's name on the hull."""
    return _falloff(
        sensor.identify_probability,
        sensor.identify_half_range_nm,
        sensor.identify_night_factor,
        night,
        range_nm,
    )


def classify_probability(sensor: IdentifySensor, *, night: bool, range_nm: float) -> float:
    """Chance that this contact is classified: two hulls alongside told from one vessel."""
    return _falloff(
        sensor.classify_probability,
        sensor.classify_half_range_nm,
        sensor.classify_night_factor,
        night,
        range_nm,
    )


def read(
    seen: Perceived,
    sensor: IdentifySensor,
    rng: np.random.Generator,
    *,
    classified: bool | None = None,
) -> Reading:
    """The draws of one look at a contact: is the hull's name read, is the contact classified.

    ``classified`` is the classification draw when it was made before (the referee draws it
    in advance for legitimate pairs alongside, whose report depends on it); None draws it now.
    """
    identified = rng.random() < identify_probability(
        sensor, night=seen.night, range_nm=seen.range_nm
    )
    q = classify_probability(sensor, night=seen.night, range_nm=seen.range_nm)
    if classified is None:
        classified = bool(rng.random() < q)
    if not classified:
        kind = ContactClass.UNRESOLVED
    else:
        kind = ContactClass.ALONGSIDE if seen.alongside else ContactClass.VESSEL
    identity = seen.hull_identity if identified else seen.broadcast_identity
    return Reading(identity, bool(identified), kind, q)


def classify(
    seen: Perceived,
    sensor: IdentifySensor,
    rates: Rates,
    watchlist: Container[str] | None,
    rng: np.random.Generator,
) -> Assessment:
    """Classify one contact of a vessel under way.

    Args:
        seen: what the sensor perceived.
        sensor: the detecting sensor (identification parameters).
        rates: classification rates of the scenario.
        watchlist: designated identities the operators look for (None: no watchlist).
        rng: the detecting asset's classification stream.

    Returns:
        The assessment. The order of tests is the operators': two hulls seen alongside first,
        then a designated identity, then a dark contact.
    """
    got = read(seen, sensor, rng)
    if (
        got.classification is ContactClass.ALONGSIDE
        and rng.random() < rates.sts_suspect_probability
    ):
        return Assessment(R.ALONGSIDE, *got)
    if watchlist is not None and got.identity and got.identity in watchlist:
        return Assessment(R.WATCHLISTED, *got)
    if not seen.ais_on and rng.random() < rates.dark_suspect_probability:
        return Assessment(R.DARK_CONTACT, *got)
    return Assessment("", *got)


def investigates(
    sensor: InvestigateSensor,
    kind: str,
    reason: str,
    classification: ContactClass,
    range_nm: float,
    *,
    loitering: bool = False,
    rng: np.random.Generator | None = None,
) -> bool:
    """Whether an asset closes in on this contact to look again (it is then drawn again there).

    An aircraft or warship (``kind``) closes in on a contact that it could not resolve from
    where it detected it (two hulls or one: radar shows both as one blip), as the 2018 patrols
    closed in to photograph (domain §8, §1.2), if the contact lies farther than
    ``investigate_range_nm`` and either it is already suspect (``reason``) or it is
    ``loitering``: stopped (under ``STOPPED_KN``) inside a public STS hotspot area, which is
    what the patrols were sent there to find. The second case is taken with the sensor's
    ``investigate_loitering_probability``, drawn from ``rng`` only when that is strictly
    between 0 and 1. A contact already resolved keeps its look; satellites image from
    overhead and do not close in.
    """
    if (
        kind == "satellite"
        or classification is not ContactClass.UNRESOLVED
        or range_nm <= sensor.investigate_range_nm
    ):
        return False
    if reason:
        return True
    if not loitering:
        return False
    p = sensor.investigate_loitering_probability
    if p >= 1.0 or p <= 0.0 or rng is None:
        return p >= 1.0
    return bool(rng.random() < p)


def legit_suspect_probability(rates: Rates, dark: np.ndarray, alongside: np.ndarray) -> np.ndarray:
    """Chance that each contact of a legitimate ship is reported (vectorised, at publish time).

    A legitimate ship seen alongside another (bunkering; ``alongside`` is what the sensor
    classified, not the truth) looks like a transfer; a dark one like a dark contact; any
    other is reported only by a classification error.
    """
    return np.where(
        alongside,
        rates.sts_suspect_probability,
        np.where(dark, rates.dark_suspect_probability, rates.false_alarm_probability),
    )


def legit_reason(*, dark: bool, alongside: bool) -> str:
    """The reason code of a reported contact of a legitimate ship (as the probability above)."""
    if alongside:
        return R.ALONGSIDE
    return R.DARK_CONTACT if dark else R.FALSE_ALARM
