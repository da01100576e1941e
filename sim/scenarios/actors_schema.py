"""States as actors, dated designations and dated changes of posture.

Part of the scenario schema (``sim.scenarios.schema``; the rules side). China and Russia
are not scenery: what each state does with a designated vessel in its port, with an allied
report about a ship in its territorial sea, and with a request to board a ship under its
flag is declared here per state, so that a scenario of opposition differs from one of
cooperation in exactly these numbers (domain.md §2, §4, §8).
"""

from __future__ import annotations

import datetime

from pydantic import Field

from sim.scenarios.base import Frozen, param

__all__ = ["StateCooperation", "Designation", "Designations"]


class StateCooperation(Frozen):
    """What one state does for sanctions enforcement (UNSCR 2375 and 2397)."""

    port_inspection_probability: float = param(
        0.0,
        unit="probability",
        ge=0,
        le=1,
        description="A designated (watchlisted) vessel calling at one of the state's ports is "
        "inspected and detained (seized if laden).",
        source="domain.md §2: UNSCR 2397 obliges states to seize, inspect and freeze such "
        "vessels in their ports (rate is an assumption)",
    )
    reported_port_inspection_probability: float = param(
        0.0,
        unit="probability",
        ge=0,
        le=1,
        description="A vessel that allied assets reported as suspect during its voyage (but not "
        "designated) is inspected and detained when it calls at one of the state's ports.",
        source="domain.md §4: ROK detentions of Lighthouse Winmore, Koti, Talent Ace and "
        "P-Pioneer followed reports of their transfers (rate is an assumption)",
    )
    territorial_action_probability: float = param(
        0.0,
        unit="probability",
        ge=0,
        le=1,
        description="The state acts (boards, holds) on an allied report of an illicit vessel "
        "inside its territorial sea, where allied warships have no jurisdiction.",
        source="domain.md §2: UNSCR 2397 covers territorial waters (rate is an assumption)",
    )
    flag_consent_probability: float = param(
        0.0,
        unit="probability",
        ge=0,
        le=1,
        description="The state consents to a high-seas boarding of a ship under its flag "
        "(replaces rules.consent_probability for this flag).",
        source="domain.md §8: UNSCR 2375 paras 7-8 call for consent (rate is an assumption)",
    )


class Designation(Frozen):
    """One tranche of vessel designations (a date and how many ships it listed)."""

    date: datetime.date = Field(description="Date the tranche took effect.")
    vessels: int = param(
        ...,
        unit="vessels",
        ge=1,
        le=1000,
        description="Vessels the tranche designated: the tranches' shares of the vessels that "
        "end up designated (a program's *_watchlisted_probability).",
    )
    source: str = Field("assumption", description="Where the tranche is documented.")


class Designations(Frozen):
    """The watchlist as dated events, and the smugglers' response to it.

    A vessel that is eventually designated (chance ``*_watchlisted_probability`` of its
    program) belongs to one tranche, drawn in proportion to the tranches' sizes; it is on the
    watchlist from that tranche's date. Without tranches every designated vessel is listed from
    the start (the behaviour before dated designations).
    """

    tranches: tuple[Designation, ...] = Field((), description="Designation tranches, in any order.")
    laundering_probability: float = param(
        0.0,
        unit="probability",
        ge=0,
        le=1,
        description="A listed vessel that sails more than laundering_delay_days after its "
        "designation has been renamed or reflagged: its new identity is not on the list.",
        source="domain.md §1.1: PoE S/2019/171 found 'ship identity laundering' (rate is an "
        "assumption)",
    )
    laundering_delay_days: float = param(
        60.0,
        unit="days",
        ge=0,
        le=3650,
        description="Time from a designation until a renamed or reflagged identity can be in use.",
    )
    takeover_probability: float = param(
        0.0,
        unit="probability",
        ge=0,
        le=1,
        description="A voyage that would use a listed vessel uses a vessel not on the list "
        "instead (non-designated ships take over the trade).",
        source="domain.md §1.1: of 57 vessels identified in a later PoE report only 14 were "
        "designated (rate is an assumption)",
    )
    port_awareness_probability: float = param(
        0.0,
        unit="probability",
        ge=0,
        le=1,
        description="The owners of a listed foreign vessel know it is listed and which states "
        "detain listed ships in port (their public detentions): with this chance times the "
        "port state's port_inspection_probability, a vessel not on the list takes over a voyage "
        "that would have sailed the listed one from (and back to) that state's port.",
        source="domain.md §4: the ROK's seizures and port bans of 2017-2018 were public; §1.1: "
        "owners who launder identities know their ships are listed (rate is an assumption)",
    )

    def listed_since_h(self, start: datetime.date) -> tuple[tuple[float, int], ...]:
        """Each tranche as (hours from ``start`` to its date, vessels), in date order."""
        return tuple(
            ((t.date - start).days * 24.0, t.vessels)
            for t in sorted(self.tranches, key=lambda t: t.date)
        )
