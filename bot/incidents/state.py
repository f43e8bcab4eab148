"""A report as the procedure has it: the validated fields, the result of storing it, the limits of each field,
the flags a reporter may set, the order of the levels, the reporter's account as every view shows it; and the
life of an incident's level as plain data (who a report pages, what a triage changes), so the services decide by
these functions and the tests walk every move.

    reported by a member ──▶ proposed (a proposed high pages its tier at once; the head is asked to triage)
    reported by the unit's head or deputy ──▶ triaged
    proposed ──set level──▶ triaged (confirmed, or lower / higher than proposed)
    triaged ──set level──▶ raised / lowered / confirmed
    low, open ──marked handled──▶ observing ──raised──▶ reopened (open, at the new level)
    open or observing ──resolved──▶ resolved
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.procedure.config import REPORT_FLAGS, Level, Role, Routing
from bot.procedure.status import ACTIVE, IncidentStatus
from storage.types import as_utc

LEVEL_ORDER = {Level.LOW: 0, Level.MEDIUM: 1, Level.HIGH: 2}


@dataclass(frozen=True)
class Report:
    """A validated report, ready to store."""

    unit_id: str
    category: str
    subtype: str
    title: str
    description: str
    occurred_at: datetime | None
    location: str
    impact: str
    proposed_level: Level
    flags: dict[str, bool]


@dataclass(frozen=True)
class Reported:
    incident_id: int
    number: str
    title: str
    created: bool


TITLE_MAX = 150


DESCRIPTION_MAX = 3000


LOCATION_MAX = 200


IMPACT_MAX = 2000


FLAGS = REPORT_FLAGS


@dataclass(frozen=True)
class Account:
    """The reporter's account as it travels with the incident: what happened, when (UTC), where, the impact so far,
    and the flags they set (in the form's order). Empty fields are empty strings, never None."""

    description: str = ""
    occurred_at: datetime | None = None
    location: str = ""
    impact: str = ""
    flags: tuple[str, ...] = ()

    @classmethod
    def of(cls, incident: Any) -> Account:
        """The account of a stored incident (`storage.models.Incident`)."""
        chosen = incident.flags or {}
        return cls(incident.description or "", as_utc(incident.occurred_at) if incident.occurred_at else None,
                   incident.location or "", incident.impact or "", tuple(f for f in FLAGS if chosen.get(f)))


@dataclass(frozen=True)
class LevelChange:
    """What setting an incident's level does (§5), decided from plain values.

    `paged_for` is the level the incident's pages so far were sent for: the level it had, else the proposal.
    `pages` says the level's tier is paged (a first judgement or a raise: the tier dedups a role already paged);
    `lowered` that the level is below what the pages were sent for (the higher tier may stand down);
    `reopens` that a handled incident under observation was raised and returns to open."""

    level: Level
    previous: Level | None
    paged_for: Level
    triaged: bool
    raised: bool
    lowered: bool
    reopens: bool

    @property
    def pages(self) -> bool:
        return self.triaged or self.raised


def judge(level: Level, *, previous: Level | None, proposed: Level, status: str) -> LevelChange:
    """The move from the incident's current level (`previous`, None while untriaged) to `level`."""
    paged_for = previous or proposed
    raised = previous is not None and LEVEL_ORDER[level] > LEVEL_ORDER[previous]
    return LevelChange(level=level, previous=previous, paged_for=paged_for, triaged=previous is None, raised=raised,
                       lowered=LEVEL_ORDER[level] < LEVEL_ORDER[paged_for],
                       reopens=raised and status == IncidentStatus.OBSERVING)


def proposal_page(routing: Routing, proposed: Level) -> Role | None:
    """The tier an untriaged proposal pages at once (a proposed high: the commander), or None to wait for triage."""
    return routing.levels[proposed].page if proposed in routing.page_proposed else None


def untriaged_page(routing: Routing, proposed: Level | None) -> Role:
    """The tier the untriaged timeout pages: the proposed level's own, or for a level that pages nobody the
    fallback (the executive secretary), since nothing may sit unseen."""
    tier = routing.levels[proposed].page if proposed else None
    return tier or routing.untriaged_page


def may_mark_handled(level: str | None, status: str) -> bool:
    """§5 low level: only an open low-level incident can be marked handled (it then stays under observation)."""
    return level == Level.LOW.value and status == IncidentStatus.OPEN


def may_set_level(status: str) -> bool:
    """The level can change while the incident is handled (open or observing), not once it is resolved."""
    return status in ACTIVE
