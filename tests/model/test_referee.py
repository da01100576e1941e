"""The referee turns a detection into a contact: what the operators make of it, and who it is.

A hand-built world: one aircraft holding at the origin, illicit vessels holding at chosen
ranges, a clock whose local night is 18:00-06:00 of simulation time. The referee is asked to
settle the same detection again and again, by day and by night, close and far; the events
it logs say how often the hull's name was read and what the contact was taken for, and that
is compared with the classifier's own model (``sim.model.classifier``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely

from sim.model import referee, run
from sim.model.assets import Asset
from sim.model.classifier import Assessment, classify_probability, identify_probability
from sim.model.context import RunContext
from sim.model.engine import RouteCache
from sim.model.ground_truth import GroundTruth
from sim.model.kinds import TargetRef
from sim.model.legit_stops import StopsAtSea
from sim.model.motion import Track, hold_leg
from sim.model.records import EventKind as K
from sim.model.referee import Referee
from sim.model.reference import ReferenceTargets
from sim.model.smugglers import IllicitVessel, Voyage
from sim.model.streams import Streams
from sim.scenarios import Scenario, load_scenario
from sim.units import NM_M
from tests.model.test_golden import table_fingerprint
from tests.model.test_voyage import program

DAYS = 1500
"""Detections per condition: one by day (12:00) and one by night (00:00) each day."""


class Meridian:
    """A theater centred on longitude 0: local solar time is simulation time."""

    bbox = (0.0, 0.0, 0.0, 0.0)


class NoTraffic:
    """The referee's ``Traffic``: no legitimate ships."""

    legit_legs = np.zeros((0, 6))
    legit_ids = np.zeros(0, dtype=np.int64)
    legit_dark = np.zeros(0, dtype=bool)
    legit_max_dur_h = 0.0
    legit_stops = StopsAtSea(
        np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0), np.zeros(0, dtype=bool)
    )

    def legit_track(self, i: int) -> Track:
        """Never asked: there are none."""
        raise AssertionError("no legitimate traffic here")

    def legit_position(self, i: int, t_h: float) -> tuple[float, float]:
        """Never asked: there are none."""
        raise AssertionError("no legitimate traffic here")


class Register:
    """The referee's ``Vessels``."""

    def __init__(self) -> None:
        self.illicit: dict[str, IllicitVessel] = {}
        self.active_illicit: dict[str, IllicitVessel] = {}
        self.sightings: list[tuple[float, str]] = []


class Inbox:
    """The referee's ``Reports``: suspect reports are only kept."""

    def __init__(self) -> None:
        self.reports: list[Assessment | None] = []
        self.positions: list[tuple[float, float, float]] = []
        """(x_m, y_m, err_m) of each report: where the cell is told the suspect is."""

    def report(
        self,
        a: Asset,
        ref: TargetRef,
        xy: Any,
        reason: str,
        *,
        delay_h: float = 0.0,
        assessment: Assessment | None = None,
        err_m: float = 0.0,
    ) -> None:
        """Keep the report's assessment and position."""
        self.reports.append(assessment)
        self.positions.append((float(xy[0]), float(xy[1]), err_m))


def scenario(classification: dict[str, float] | None = None, **sensor: Any) -> Scenario:
    group = {
        "name": "p8",
        "kind": "aircraft",
        "base": "Kadena",
        "sensor": {"law": "cookie_cutter", "range_nm": 40, **sensor},
        "strategy": {"kind": "station", "areas": ["ecs_patrol"]},
    }
    return load_scenario(
        {
            "name": "referee",
            "description": "hand-built contacts",
            "traffic": {"vessels": 0},
            "assets": [group],
            "coordination": {"watchlist": False},
            "classification": classification or {},
        }
    )


class World:
    """One aircraft at the origin and a referee over the vessels added with :meth:`vessel`."""

    def __init__(
        self, sc: Scenario, seed: int = 1, transfer_areas: shapely.Geometry | None = None
    ) -> None:
        self.ctx = RunContext(sc, Meridian(), Streams(seed))
        self.register = Register()
        self.inbox = Inbox()
        end_h = 24.0 * (DAYS + 1)
        self.aircraft = Asset(
            aid="p8#0",
            group=sc.assets[0],
            index=0,
            base_xy=np.zeros(2),
            strategy=None,
            classify_rng=np.random.default_rng(seed),
        )
        self.aircraft.track.set(hold_leg(0.0, 0.0, 0.0, end_h))
        self.referee = Referee(
            self.ctx,
            lambda name: shapely.box(-1.0, -1.0, 1.0, 1.0),
            NoTraffic(),
            self.register,
            GroundTruth(self.ctx, NoTraffic(), self.register),
            self.inbox,
            [self.aircraft],
            ReferenceTargets(self.ctx, [], Meridian()),
            transfer_areas=transfer_areas,
        )
        self.end_h = end_h
        self._n = 0

    def vessel(self, range_nm: float, *, alongside: bool = False) -> IllicitVessel:
        """A dark foreign hull holding ``range_nm`` east of the aircraft (in a transfer or not)."""
        self._n += 1
        voyage = Voyage(self._n, program(), "sts", 0.0, 1000.0, True)
        v = IllicitVessel(
            vid=f"F{self._n}",
            role="giver",
            dprk=False,
            voyage=voyage,
            flag="PAN",
            watchlisted=False,
            spoofed=False,
            dark=True,
            dprk_bound=False,
            speed_kn=10.0,
            home_xy=np.zeros(2),
        )
        if alongside:
            v.sts_window = (0.0, math.inf)
        v.track.set(hold_leg(range_nm * NM_M, 0.0, 0.0, self.end_h))
        self.register.illicit[v.vid] = self.register.active_illicit[v.vid] = v
        return v

    def detect_daily(self, v: IllicitVessel) -> None:
        """The aircraft detects ``v`` at noon and at midnight of every day."""
        xy = v.track.position(0.0)
        for day in range(DAYS):
            for hour in (0.0, 12.0):
                self.ctx.at(24.0 * day + hour, self.referee.observe, self.aircraft, v, xy)

    def contacts(self, v: IllicitVessel, *, night: bool) -> list[tuple[str, str, str]]:
        """(classification, identity, identity_source) of the detections of ``v``."""
        return [
            (e.classification, e.identity, e.identity_source)
            for e in self.ctx.events
            if e.kind == K.DETECTION and e.vessel == v.vid and self.ctx.is_night(e.t_h) == night
        ]


def binomial_ok(hits: int, n: int, p: float) -> bool:
    """Within four standard deviations of the expected count (or exactly it when p is 0 or 1)."""
    return abs(hits - n * p) <= 4.0 * math.sqrt(n * p * (1.0 - p)) + 1e-9


def test_a_contact_at_night_or_long_range_is_identified_less_often_as_the_classifier_says() -> None:
    """The share of contacts whose hull name was read follows ``identify_probability``.

    By day at 0 nm the sensor reads 0.8 of names; each 10 nm of range halves that, night
    quarters it. Contacts whose name was not read carry no identity (the hulls are dark).
    The aircraft never closes in here (``investigate_range_nm`` beyond its radar range).
    """
    sc = scenario(
        identify_probability=0.8,
        identify_half_range_nm=10.0,
        identify_night_factor=0.25,
        investigate_range_nm=600.0,
    )
    w = World(sc)
    close, far = w.vessel(0.0), w.vessel(25.0)
    w.detect_daily(close)
    w.detect_daily(far)
    w.ctx.env.run()
    sensor = sc.assets[0].sensor
    shares = {}
    for v, r in ((close, 0.0), (far, 25.0)):
        for night in (False, True):
            got = w.contacts(v, night=night)
            assert len(got) == DAYS
            read = [c for c in got if c[2] == "visual"]
            assert all(identity == v.vid for _, identity, _ in read)
            assert all(identity == "" and src == "" for _, identity, src in got if src != "visual")
            p = identify_probability(sensor, night=night, range_nm=r)
            assert binomial_ok(len(read), len(got), p), (v.vid, night, len(read), p)
            shares[(r, night)] = len(read) / len(got)
    assert shares[(0.0, False)] > shares[(0.0, True)] > shares[(25.0, True)]
    assert shares[(0.0, False)] > shares[(25.0, False)] > shares[(25.0, True)]


def test_a_suspect_report_carries_the_contacts_classification_and_identity() -> None:
    """The report the cell receives is the contact the referee logged, not a fresh look."""
    sc = scenario({"sts_suspect_probability": 1.0}, identify_probability=1.0)
    w = World(sc)
    v = w.vessel(0.0, alongside=True)
    w.ctx.at(12.0, w.referee.observe, w.aircraft, v, v.track.position(0.0))
    w.ctx.env.run()
    (det,) = [e for e in w.ctx.events if e.kind == K.DETECTION]
    assert (det.classification, det.identity, det.identity_source) == ("alongside", v.vid, "visual")
    assert det.reason == "alongside"
    (got,) = w.inbox.reports
    assert got is not None and got.reason == det.reason
    assert (got.classification.value, got.identity, got.identity_source) == (
        "alongside",
        v.vid,
        "visual",
    )


def test_a_night_or_long_range_pass_recognises_fewer_transfers() -> None:
    """Two hulls alongside are logged as alongside with ``classify_probability``.

    By day at 0 nm the sensor tells 0.9 of pairs from one vessel; each 10 nm halves that and
    night takes it to 0.3 of the day's value. The other contacts of the pair are unresolved,
    and only the recognised ones are reported as transfers and mark the voyage as seen in its
    transfer. Each row also carries the chance it was made with.
    """
    sc = scenario(
        {"sts_suspect_probability": 1.0, "dark_suspect_probability": 0.0},
        identify_probability=0.0,
        classify_probability=0.9,
        classify_half_range_nm=10.0,
        classify_night_factor=0.3,
    )
    w = World(sc)
    close, far = w.vessel(0.0, alongside=True), w.vessel(20.0, alongside=True)
    w.detect_daily(close)
    w.detect_daily(far)
    w.ctx.env.run()
    sensor = sc.assets[0].sensor
    recognised = {}
    for v, r in ((close, 0.0), (far, 20.0)):
        for night in (False, True):
            got = [c for c, _, _ in w.contacts(v, night=night)]
            q = classify_probability(sensor, night=night, range_nm=r)
            assert set(got) <= {"alongside", "unresolved"}
            assert binomial_ok(got.count("alongside"), len(got), q), (v.vid, night, q)
            recognised[(r, night)] = got.count("alongside") / len(got)
    assert recognised[(0.0, False)] > recognised[(20.0, False)] > recognised[(20.0, True)]
    assert recognised[(0.0, False)] > recognised[(0.0, True)] > recognised[(20.0, True)]
    rows = [e for e in w.ctx.events if e.kind == K.DETECTION]
    for e in rows:
        r = 0.0 if e.vessel == close.vid else 20.0
        assert e.classification_p == classify_probability(
            sensor, night=w.ctx.is_night(e.t_h), range_nm=r
        )
    reported = [e for e in rows if e.reason == "alongside"]
    assert len(w.inbox.reports) == len(reported)
    assert all(e.classification == "alongside" for e in reported)


def test_an_aircraft_closes_in_on_a_suspect_pair_it_could_not_resolve_and_looks_again() -> None:
    """A dark pair left unresolved at 20 nm is investigated from ``investigate_range_nm``.

    Every dark contact is suspect here, so each unresolved look at the pair is followed by a
    second one from 1 nm, in the same light: the pair is logged alongside with the chance of
    the first look, plus the rest times the chance of the close one. An aircraft that never
    closes (600 nm) recognises only what its first look did.
    """
    rates = {"sts_suspect_probability": 1.0, "dark_suspect_probability": 1.0}
    optics = {
        "identify_probability": 0.0,
        "classify_probability": 0.9,
        "classify_half_range_nm": 10.0,
        "classify_night_factor": 0.3,
    }
    shares = {}
    for close_nm in (1.0, 600.0):
        sc = scenario(rates, investigate_range_nm=close_nm, **optics)
        w = World(sc)
        pair = w.vessel(20.0, alongside=True)
        w.detect_daily(pair)
        w.ctx.env.run()
        sensor = sc.assets[0].sensor
        for night in (False, True):
            got = [c for c, _, _ in w.contacts(pair, night=night)]
            far = classify_probability(sensor, night=night, range_nm=20.0)
            near = classify_probability(sensor, night=night, range_nm=min(close_nm, 20.0))
            p = far + (1.0 - far) * near if close_nm < 20.0 else far
            assert set(got) <= {"alongside", "unresolved"}
            assert binomial_ok(got.count("alongside"), len(got), p), (close_nm, night, p)
            shares[(close_nm, night)] = got.count("alongside") / len(got)
        assert len(w.inbox.reports) == 2 * DAYS  # every contact stays suspect
    assert shares[(1.0, False)] > shares[(600.0, False)]
    assert shares[(1.0, True)] > shares[(600.0, True)]
    assert shares[(1.0, False)] > shares[(1.0, True)]  # night still matters up close


def approaches_seen(w: World) -> list[str]:
    """Vessels that saw the aircraft approach, in order (this world has no voyage processes)."""
    seen: list[str] = []

    def observed(ref: TargetRef, a: Asset) -> None:
        seen.append(ref.vid)

    setattr(w.referee, "observed", observed)  # noqa: B010  (replaces the bound method)
    return seen


def test_a_pair_stopped_in_a_hotspot_is_looked_at_again_though_nothing_marks_it_suspect() -> None:
    """The loitering rule: a stopped, unresolved contact inside a public hotspot is investigated.

    Dark contacts are never suspect here, so a pair unresolved at 20 nm raises nothing by
    itself. Inside a hotspot area the aircraft closes to 1 nm anyway, and recognises the pair
    with the chance of the first look plus the rest times the chance of the close one, and
    the smugglers see it close in at every contact. Outside any hotspot, or with
    ``investigate_loitering_probability`` 0, only the first look counts and the aircraft is
    seen only when it recognised the transfer.
    """
    rates = {"sts_suspect_probability": 1.0, "dark_suspect_probability": 0.0}
    optics = {
        "identify_probability": 0.0,
        "classify_probability": 0.9,
        "classify_half_range_nm": 10.0,
        "classify_night_factor": 0.3,
        "investigate_range_nm": 1.0,
    }
    hotspot = shapely.box(15 * NM_M, -5 * NM_M, 25 * NM_M, 5 * NM_M)  # around the pair
    elsewhere = shapely.box(-25 * NM_M, -5 * NM_M, -15 * NM_M, 5 * NM_M)
    cases = {
        "hotspot": (hotspot, 1.0),
        "elsewhere": (elsewhere, 1.0),
        "never": (hotspot, 0.0),
    }
    for name, (areas, p_look) in cases.items():
        sc = scenario(rates, investigate_loitering_probability=p_look, **optics)
        w = World(sc, transfer_areas=areas)
        pair = w.vessel(20.0, alongside=True)
        approaches = approaches_seen(w)
        w.detect_daily(pair)
        w.ctx.env.run()
        sensor = sc.assets[0].sensor
        looked = name == "hotspot"
        recognised = 0
        for night in (False, True):
            got = [c for c, _, _ in w.contacts(pair, night=night)]
            far = classify_probability(sensor, night=night, range_nm=20.0)
            near = classify_probability(sensor, night=night, range_nm=1.0)
            p = far + (1.0 - far) * near if looked else far
            assert binomial_ok(got.count("alongside"), len(got), p), (name, night, p)
            recognised += got.count("alongside")
        assert len(w.inbox.reports) == recognised  # only recognised transfers are reported
        assert len(approaches) == (2 * DAYS if looked else recognised), name


def test_a_transfer_nobody_recognised_is_not_counted_as_seen_in_progress() -> None:
    """A sensor that never tells two hulls apart reports no transfer (``sts_detected``)."""
    sc = scenario(
        {"sts_suspect_probability": 1.0, "dark_suspect_probability": 0.0},
        classify_probability=0.0,
    )
    w = World(sc)
    pair = w.vessel(0.0, alongside=True)
    w.detect_daily(pair)
    w.ctx.env.run()
    got = {c for c, _, _ in w.contacts(pair, night=False) + w.contacts(pair, night=True)}
    assert got == {"unresolved"}
    assert w.inbox.reports == [] and not pair.voyage.sts_detected


def test_a_lone_vessel_is_never_taken_for_a_pair() -> None:
    sc = scenario(classify_probability=1.0, classify_half_range_nm=10.0)
    w = World(sc)
    lone = w.vessel(5.0)
    w.detect_daily(lone)
    w.ctx.env.run()
    got = [c for c, _, _ in w.contacts(lone, night=False) + w.contacts(lone, night=True)]
    assert set(got) == {"vessel", "unresolved"}
    assert not lone.voyage.sts_detected


def _reported_offsets(error_nm: float) -> tuple[World, np.ndarray]:
    """Every contact of a hull under the aircraft reported (seen alongside, always suspect)."""
    w = World(
        scenario(
            {"sts_suspect_probability": 1.0},
            position_error_nm=error_nm,
            classify_probability=1.0,
            classify_night_factor=1.0,
        )
    )
    v = w.vessel(0.0, alongside=True)
    w.detect_daily(v)
    w.ctx.env.run()
    tx, ty = v.track.position(0.0)
    pos = np.array(w.inbox.positions)
    assert len(pos) == 2 * DAYS
    return w, np.column_stack([pos[:, 0] - tx, pos[:, 1] - ty, pos[:, 2]])


def test_a_suspect_report_is_off_the_truth_by_the_sensors_position_error() -> None:
    """The cell is told the sensor's estimate: truth plus a normal error of sigma per axis.

    So the miss distance is Rayleigh: its mean is sigma * sqrt(pi / 2), its standard deviation
    sigma * sqrt(2 - pi / 2); 3,000 reports put the sample mean within four standard errors.
    Each axis is unbiased, and the error travels with the report. The referee's own log (the
    detection row) keeps the true position.
    """
    sigma_nm = 2.0
    w, off = _reported_offsets(sigma_nm)
    sigma_m = sigma_nm * NM_M
    n = len(off)
    miss = np.hypot(off[:, 0], off[:, 1])
    se = sigma_m * math.sqrt(2.0 - math.pi / 2.0) / math.sqrt(n)
    assert abs(miss.mean() - sigma_m * math.sqrt(math.pi / 2.0)) <= 4.0 * se
    for axis in (0, 1):
        assert abs(off[:, axis].mean()) <= 4.0 * sigma_m / math.sqrt(n)
        assert abs(off[:, axis].std() / sigma_m - 1.0) < 0.06
    np.testing.assert_array_equal(off[:, 2], sigma_m)
    truth = (0.0, 0.0)
    assert all((e.x_m, e.y_m) == truth for e in w.ctx.events if e.kind == K.DETECTION)


def test_a_sensor_without_position_error_reports_the_truth_and_draws_nothing() -> None:
    """Zero error: the report is the true position exactly, with err_m 0 and no report stream."""
    w, off = _reported_offsets(0.0)
    assert np.all(off == 0.0)
    assert not [name for name in w.ctx.streams.names if name.endswith("/report")]


def test_reporting_with_position_error_leaves_the_classification_draws_unchanged() -> None:
    """The error has its own stream: the operators' assessments are the same with or without it."""
    quiet, _ = _reported_offsets(0.0)
    noisy, _ = _reported_offsets(3.0)
    assert quiet.inbox.reports == noisy.inbox.reports


# A satellite pass over a busy area sees thousands of legitimate ships; the referee counts,
# looks up and classifies them at once (``Referee._legit_seen_by_pass``). That is only a faster
# way to do what visiting each ship did, so a run must not change when the pass visits the
# ships one by one instead.

ROOT = Path(__file__).resolve().parents[2]
SETS = [
    "duration_days=12",
    "warmup_days=0",
    "traffic.vessels=400",
    # legitimate ships are reported often enough that the report path is exercised
    "classification.false_alarm_probability=0.05",
]


def _one_ship_at_a_time(self: Referee, a: Asset, ids: np.ndarray, delay_h: float) -> None:
    for i in ids.tolist():
        self._legit_seen(a, i, delay_h=delay_h)


def _run(korea: Any) -> Any:
    sc = load_scenario(ROOT / "scenarios" / "crackdown_2018.yaml", overrides=SETS)
    return run(sc, seed=16, theater=korea, route_cache=RouteCache())


def test_a_satellite_pass_handles_its_legitimate_contacts_at_once_without_changing_the_run(
    korea: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _run(korea)
    monkeypatch.setattr(referee.Referee, "_legit_seen_by_pass", _one_ship_at_a_time)
    slow = _run(korea)
    sat = fast.assets[fast.assets["kind"] == "satellite"]
    assert (sat["detections"] > 0).all()  # the passes saw ships
    legit_reports = fast.events[
        (fast.events["kind"] == "suspect_report") & fast.events["vessel"].str.startswith("L")
    ]
    assert len(legit_reports) > 0
    assert table_fingerprint(fast.events, fast.voyages, fast.assets) == table_fingerprint(
        slow.events, slow.voyages, slow.assets
    )
    assert fast.provenance["legit_contacts"] == slow.provenance["legit_contacts"]
