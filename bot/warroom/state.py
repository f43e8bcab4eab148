"""What the pinned card shows, read back from the database: the incident, who holds each role, its pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.delivery.job import Job, NotReady, subject
from bot.handling import state as handling
from bot.incidents.state import Account
from bot.overview.cases import past_cases
from bot.overview.state import CaseHit
from bot.procedure.config import OrgConfig, Role
from storage import pages, roster
from storage.models import Incident

if TYPE_CHECKING:
    from bot.platform.services import Services


@dataclass(frozen=True)
class PageLine:
    role: str
    target: str
    attempt: str
    status: str
    paged_at: datetime
    acked_at: datetime | None
    acked_by: str | None
    escalated_at: datetime | None


@dataclass(frozen=True)
class CardState:
    """Everything the card shows, read from the database by the war-room service."""

    id: int
    number: str
    title: str
    category: str
    subtype: str | None
    level: str | None
    proposed_level: str | None
    status: str
    step: str | None
    unit_id: str | None
    reporter: str
    channel_id: str | None
    holders: dict[str, tuple[str | None, str | None]]  # role → (primary, deputy); "unit" for the unit head
    pages: tuple[PageLine, ...]
    handling: Any = None  # bot.handling.HandlingState: the six steps and what has been done (§6)
    account: Account = Account()  # what the reporter wrote: what, when, where, impact, flags
    channel_name: str | None = None  # the war room's name, for links that name it
    past_cases: tuple[CaseHit, ...] = ()  # closed cases of the sub-type (not restricted)


ROLE_ORDER = (Role.COMMANDER.value, Role.EXECUTIVE_SECRETARY.value, Role.PUBLIC_RELATIONS.value, Role.LEGAL.value)


def card_state(session: Session, incident: Incident, config: OrgConfig | None = None) -> CardState:
    """What the card shows; with the config, the handling steps too (§6)."""
    holders: dict[str, tuple[str | None, str | None]] = {}
    if incident.unit_id:
        posts = roster.unit_posts(session, incident.unit_id)
        holders["unit"] = (posts.head, posts.deputy)
    for role in ROLE_ORDER:
        h = roster.holders(session, role)
        holders[role] = (h.primary, h.deputy)
    sent = pages.of_incident(session, incident.id)
    return CardState(
        incident.id, incident.number, incident.title, incident.category, incident.subtype, incident.level,
        incident.proposed_level, incident.status, incident.step, incident.unit_id, incident.reporter,
        incident.channel_id, holders,
        tuple(PageLine(p.role, p.target_user, p.attempt, p.status, p.paged_at, p.acked_at, p.acked_by,
                       p.escalated_at) for p in sent),
        handling.state(session, config, incident) if config is not None else None,
        account=Account.of(incident), channel_name=incident.channel_name,
        past_cases=shared_past_cases(session, config, incident) if config is not None else (),
    )


def shared_past_cases(session: Session, config: OrgConfig, incident: Incident) -> tuple[CaseHit, ...]:
    """The closed cases of the incident's sub-type a shared place may show (restricted ones left out: the room
    and the unit's copies are read by people the restriction may not admit)."""
    return past_cases(session, config, incident.subtype, exclude=incident.id)


def incident_of(session: Session, job: Job, *, lock: bool = False) -> Incident:
    """The incident a job is about (its id in ``job.payload["incident"]``); GiveUp if it is gone. With `lock`, for
    a job that decides on the incident's state: locked and read afresh (`storage.incidents.lock`)."""
    return subject(session, Incident, job, "incident", lock=lock)


def room_of(services: Services, job: Job) -> str:
    """The war room's channel of a job's incident; NotReady until the room is open (the job retries shortly)."""
    with services.sessions() as session:
        incident = incident_of(session, job)
        if not incident.channel_id:
            raise NotReady("the war room is not open yet")
        return incident.channel_id
