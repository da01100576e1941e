"""An illicit voyage walked through its phases against a hand-built world.

A voyage process (``sim.model.smugglers.VoyageRunner``) acts only through the ``VoyageWorld``
interface: here a small world of straight routes between three named points, with its own
event log. The smugglers meet at a rendezvous; an allied asset seen close by halts the
transfer and the pair relocates to the other area; seen again with no relocation left, they
go home. A dark feeder's AIS is off until the transfer is over; a DPRK tanker's never comes on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
import simpy

from sim.model.causes import Observed
from sim.model.kinds import ProcessGenerator
from sim.model.records import EventKind as K
from sim.model.records import Reason as R
from sim.model.smugglers import IllicitVessel, Voyage, VoyageRunner
from sim.model.streams import Streams
from sim.scenarios import Program, load_scenario
from sim.units import NM_M

POINTS = {  # metres: the feeder's port, the DPRK port, two rendezvous areas
    "Shanghai": (0.0, 0.0),
    "Nampo": (0.0, 400 * NM_M),
    "korea_bay_nampo": (100 * NM_M, 200 * NM_M),
    "ecs_high_seas": (100 * NM_M, 100 * NM_M),
}


class World:
    """A ``VoyageWorld``: straight routes, sites at the named points, an event list."""

    def __init__(self) -> None:
        self.env = simpy.Environment()
        self.scenario = load_scenario({"name": "w", "description": "world"})
        self.streams = Streams(1)
        self.illicit: dict[str, IllicitVessel] = {}
        self.events: list[tuple[float, str, str, str]] = []
        self.published: list[str] = []
        self._n = 0

    def log(self, kind: str, **f: Any) -> None:
        """Record (time, kind, reason, place)."""
        self.events.append((self.env.now, kind, f.get("reason", ""), f.get("place", "")))

    def start_voyage(self, program: Program, reship_of: Voyage | None = None) -> None:
        """Not used: the test starts its one voyage itself."""

    def at(self, t_h: float, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn`` at ``t_h``."""

        def later() -> ProcessGenerator:
            yield self.env.timeout(t_h - self.env.now)
            fn(*args)

        self.env.process(later())

    def call_at_port(self, v: IllicitVessel, xy: Any) -> bool:
        """No port-state control here: nobody is detained."""
        return False

    def place_xy(self, name: str) -> np.ndarray:
        """The named point."""
        return np.array(POINTS[name])

    def listed_port_risk(self, name: str) -> float:
        """No port here detains anyone."""
        return 0.0

    def site(self, area: str, rng: np.random.Generator) -> np.ndarray:
        """The area's point."""
        return np.array(POINTS[area])

    def route_xy(
        self,
        a_xy: np.ndarray,
        b_xy: np.ndarray,
        avoid: tuple[str, ...] = (),
        prefer: tuple[str, ...] = (),
    ) -> np.ndarray:
        """A straight route."""
        return np.vstack([a_xy, b_xy])

    def next_dusk_h(self, t_h: float) -> float:
        """Always night (no wait for dusk)."""
        return t_h

    def publish_target(self, v: IllicitVessel) -> None:
        """Remember who re-planned."""
        self.published.append(v.vid)

    def new_vessel_id(self, prefix: str) -> str:
        """F1, D2, ..."""
        self._n += 1
        return f"{prefix}{self._n}"

    def add_illicit(self, v: IllicitVessel) -> None:
        """Register."""
        self.illicit[v.vid] = v

    def archive(self, v: IllicitVessel, until_h: float) -> None:
        """No tracks table here."""

    def retire(self, v: IllicitVessel) -> None:
        """Off the sea."""
        v.active = False

    def retire_later(self, v: IllicitVessel) -> None:
        """Off the sea (at once: nothing watches the way home here)."""
        v.active = False

    def pos(self, v: IllicitVessel) -> tuple[float, float]:
        """Planned position now."""
        return v.track.position(self.env.now)

    def recent_sightings(self, area: str, memory_h: float) -> int:
        """No memory of sightings."""
        return 0


def program(**over: Any) -> Program:
    p = {
        "name": "oil",
        "voyages_per_year": 10,
        "sts_share": 1.0,
        "cargo_t": [1000, 1000],
        "foreign_sources": ["Shanghai"],
        "dprk_ports": ["Nampo"],
        "rendezvous_areas": ["korea_bay_nampo", "ecs_high_seas"],
        "foreign_flags": {"PAN": 1.0},
        "foreign_speed_kn": [10, 10],
        "dprk_speed_kn": [10, 10],
        "transfer_duration_h": [10, 10],
        "night_start_probability": 0.0,
        "foreign_dark_probability": 1.0,
        "dprk_dark_probability": 1.0,
        "spoof_probability": 0.0,
        "abort_when_observed_probability": 1.0,
        "relocate_probability": 1.0,
        "max_relocations": 1,
        **over,
    }
    sc = load_scenario(
        {"name": "v", "description": "voyage", "traffic": {"vessels": 0}, "programs": [p]}
    )
    return sc.programs[0]


def sail(world: World, prog: Program, sightings: Sequence[float] = ()) -> Voyage:
    """Start one voyage at hour 0; an allied asset is seen at each time in ``sightings``."""
    voyage = Voyage(0, prog, "sts", 0.0, 1000.0, True)
    voyage.runner = VoyageRunner(world, voyage, np.random.default_rng(1), np.random.default_rng(2))
    process = voyage.process = world.env.process(voyage.runner.run())

    def seen() -> ProcessGenerator:
        for t in sightings:
            yield world.env.timeout(t - world.env.now)
            giver = voyage.giver
            assert giver is not None  # made when the voyage process started
            process.interrupt(Observed("p8#0", giver.vid))

    world.env.process(seen())
    world.env.run(until=500)
    return voyage


def test_an_undisturbed_transfer_meets_transfers_and_delivers() -> None:
    w = World()
    v = sail(w, program())
    kinds = [k for _, k, _, _ in w.events]
    assert kinds[:4] == [K.VOYAGE_START, K.DEPART, K.DEPART, K.TRANSFER_START]
    assert K.TRANSFER_END in kinds and kinds[-1] == K.DELIVERY
    assert v.outcome == "delivered" and v.delivered_t == pytest.approx(1000.0)
    t_start = next(t for t, k, _, _ in w.events if k == K.TRANSFER_START)
    t_end = next(t for t, k, _, _ in w.events if k == K.TRANSFER_END)
    assert t_end - t_start == pytest.approx(10.0)


def test_a_transfer_halted_on_a_sighting_relocates_then_goes_home() -> None:
    """Seen on the way (hour 5): halt and relocate; seen again (hour 8): no relocation left."""
    w = World()
    prog = program()
    v = sail(w, prog, sightings=(5.0, 8.0))
    rows = [(t, k, r, p) for t, k, r, p in w.events if k in (K.TRANSFER_ABORTED, K.RELOCATE)]
    assert [(k, r) for _, k, r, _ in rows] == [
        (K.TRANSFER_ABORTED, R.HALTED_ON_SIGHTING),
        (K.RELOCATE, ""),
        (K.TRANSFER_ABORTED, R.HALTED_ON_SIGHTING),
    ]
    first_area = rows[0][3]
    assert rows[1][3] != first_area  # relocated to the other area
    assert v.relocations == 1 and v.outcome == "disrupted"
    assert v.returned_t == pytest.approx(1000.0) and v.delivered_t == 0.0
    assert K.TRANSFER_START not in [k for _, k, _, _ in w.events]


def test_a_dark_feeder_switches_ais_on_after_the_transfer_a_dprk_tanker_never() -> None:
    w = World()
    v = sail(w, program())
    feeder, tanker = v.giver, v.taker
    assert feeder is not None and tanker is not None
    assert not feeder.dprk and tanker.dprk
    t0, t1 = feeder.sts_window
    assert not feeder.ais_on(t0 - 1.0) and not feeder.ais_on(t1 - 1e-6)
    assert feeder.ais_on(t1) and feeder.ais_on(t1 + 100.0)
    assert not any(tanker.ais_on(t) for t in (0.0, t0, t1, t1 + 100.0))
    departures = [e for e in w.events if e[1] == K.DEPART]
    assert len(departures) == 2
