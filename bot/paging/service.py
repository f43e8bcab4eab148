"""Paging (procedure §5, §3): reach the role holder, then their deputy (職務代理人), then the next tier up.

A page is a row first; the DM and the war-room mention are due work, and the escalation is a timer row, so a
page survives restarts and is never sent twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.delivery.kinds import WorkKind
from bot.procedure.config import Level, OrgConfig, Role
from bot.procedure.status import PageStatus
from bot.procedure.who import Who
from storage import audit, pages, roster
from storage import work as queue
from storage.models import Incident, Page

# Who is paged when a tier does not answer: medium goes to the commander; the commander is the top.
NEXT_TIER: dict[Role, Role | None] = {Role.EXECUTIVE_SECRETARY: Role.COMMANDER, Role.COMMANDER: None}


def ack_timeout(config: OrgConfig, level: Level | str | None) -> timedelta:
    seconds = config.paging.ack_timeout_seconds
    key = Level(level).value if level else "medium"
    return timedelta(seconds=seconds.get(key, seconds.get("medium", 900)))  # type: ignore[call-overload]


def page_role(session: Session, config: OrgConfig, incident: Incident, role: Role, level: Level | str | None,
              now: datetime, *, tier: int = 0, attempt: str = "primary", again: bool = False) -> Page | None:
    """Page a role's primary (or, with attempt="deputy", its deputy) unless that role is already being paged.

    `again` pages even so: a new question for the legal group deserves its own page.
    """
    open_page = pages.of_role(session, incident.id, role, (PageStatus.PAGING, PageStatus.ACKED))
    if open_page is not None and attempt != "deputy" and not again:
        return None
    holders = roster.holders(session, role)
    target = holders.deputy if attempt == "deputy" else (holders.primary or holders.deputy)
    if target is None:
        audit.record(session, "crisisbot", "page.no_holder", "incident", incident.id, incident_id=incident.id,
                     at=now, data={"role": role.value, "attempt": attempt})
        return None
    page = Page(incident_id=incident.id, role=role.value, tier=tier, target_user=target, attempt=attempt,
                status=PageStatus.PAGING, paged_at=now)
    session.add(page)
    session.flush()
    audit.record(session, "crisisbot", "page.sent", "page", page.id, incident_id=incident.id, at=now,
                 data={"role": role.value, "target": target, "attempt": attempt, "tier": tier,
                       "level": Level(level).value if level else None})
    payload = {"incident": incident.id, "page": page.id}
    queue.enqueue(session, WorkKind.PAGE_SEND, f"page:{page.id}:dm", now, payload, incident.id)
    queue.enqueue(session, WorkKind.PAGE_MENTION, f"page:{page.id}:mention", now, payload, incident.id)
    queue.enqueue(session, WorkKind.PAGE_ESCALATE, f"page:{page.id}:escalate", now + ack_timeout(config, level),
                  payload, incident.id)
    return page


def escalate(session: Session, config: OrgConfig, page: Page, now: datetime) -> Page | None:
    """The ack timeout ran out: page the deputy, else the next tier. Returns the new page, if any."""
    if page.status != PageStatus.PAGING:
        return None
    incident = session.get(Incident, page.incident_id)
    assert incident is not None
    page.status, page.escalated_at = PageStatus.ESCALATED, now
    role = Role(page.role)
    audit.record(session, "crisisbot", "page.escalated", "page", page.id, incident_id=incident.id, at=now,
                 data={"role": role.value, "from": page.target_user, "attempt": page.attempt})
    if page.attempt != "deputy":
        deputy = roster.holders(session, role).deputy
        if deputy and deputy != page.target_user:
            return page_role(session, config, incident, role, incident.level, now, tier=page.tier, attempt="deputy")
    up = NEXT_TIER.get(role)
    if up is None:
        audit.record(session, "crisisbot", "page.exhausted", "incident", incident.id, incident_id=incident.id,
                     at=now, data={"role": role.value})
        queue.enqueue(session, WorkKind.WARROOM_ALERT, f"page:{page.id}:exhausted", now,
                      {"incident": incident.id, "page": page.id}, incident.id)
        return None
    return page_role(session, config, incident, up, incident.level, now, tier=page.tier + 1, attempt="next_tier")


def close_pages(session: Session, incident: Incident, actor: str, now: datetime) -> list[Page]:
    """The incident is over: every page still waiting is closed (its escalation stops, its DM loses the button,
    it leaves "waiting on you"). The caller holds the incident's lock."""
    waiting = [p for p in pages.of_incident(session, incident.id) if p.status == PageStatus.PAGING]
    for page in waiting:
        page.status = PageStatus.CLOSED
        queue.cancel(session, now, key_prefix=f"page:{page.id}:escalate")
        audit.record(session, actor, "page.closed", "page", page.id, incident_id=incident.id, at=now,
                     data={"role": page.role, "target": page.target_user, "status": incident.status})
        settle(session, page, now)
    return waiting


def settle(session: Session, page: Page, now: datetime) -> None:
    """A page answered by another or closed with its incident: its DM is updated to say so (due work)."""
    queue.enqueue(session, WorkKind.PAGE_SETTLED, f"page:{page.id}:settled", now,
                  {"incident": page.incident_id, "page": page.id}, page.incident_id)


def may_acknowledge(who: Who, page: Page) -> bool:
    """§3: the holder or deputy of the role paged, as the roster is now: a person paged who has since handed
    the seat over no longer answers for it (the page went to the new holder, see ``bot.paging.handover``)."""
    return who.holds(Role(page.role))


def _chain_above(role: Role) -> set[str]:
    """The tiers a role's unanswered page escalates to (executive secretary → commander)."""
    above: set[str] = set()
    nxt = NEXT_TIER.get(role)
    while nxt is not None:
        above.add(nxt.value)
        nxt = NEXT_TIER.get(nxt)
    return above


@dataclass(frozen=True)
class Answer:
    """The outcome of an acknowledgement: this one counted (`fresh`), or who answered first and when, or the
    incident ended and the page with it (`closed`)."""

    fresh: bool
    by: str | None = None
    at: datetime | None = None
    closed: bool = False


def _answered_successor(session: Session, page: Page) -> Page | None:
    """For an escalated page: the later page of the same role and tier that was acknowledged, if any."""
    if page.status != PageStatus.ESCALATED:
        return None
    return next((p for p in pages.of_incident(session, page.incident_id) if p.id > page.id and p.role == page.role
                 and p.tier == page.tier and p.status == PageStatus.ACKED), None)


def answered(session: Session, page: Page) -> Answer:
    """Who already answered a page that is no longer waiting: its own acknowledgement, or the one that superseded
    it (the page that answered for the same role or the chain below)."""
    if page.status == PageStatus.ACKED:
        return Answer(False, page.acked_by, page.acked_at)
    successor = _answered_successor(session, page)
    if successor is not None:
        return Answer(False, successor.acked_by, successor.acked_at)
    event = audit.latest(session, "page", page.id, "page.superseded")
    by_page = session.get(Page, int(event.data.get("answered_by_page") or -1)) if event else None
    if by_page is not None and by_page.acked_by:
        return Answer(False, by_page.acked_by, by_page.acked_at)
    return Answer(False, closed=True)


def acknowledge(session: Session, who: Who, page: Page, now: datetime) -> Answer:
    """Record the acknowledgement and stop the escalation it answers; the caller holds the page's lock
    (`storage.pages.lock`). A page already answered, by this person or another, is not answered twice: the
    Answer says who did and when.

    Stopped: the other open pages of the same role (its primary or deputy), and pages that only exist because this
    role did not answer (next-tier escalations above it, on a later tier). A page in its own right, like the
    commander's for a high level or the legal group's, keeps running.
    """
    if page.status in (PageStatus.ACKED, PageStatus.SUPERSEDED):
        return answered(session, page)
    if page.status == PageStatus.CLOSED:
        return Answer(False, closed=True)
    successor = _answered_successor(session, page)
    if successor is not None:  # escalated, and the deputy it escalated to has answered
        return Answer(False, successor.acked_by, successor.acked_at)
    page.status, page.acked_at, page.acked_by = PageStatus.ACKED, now, who.user
    audit.record(session, who.user, "page.acked", "page", page.id, incident_id=page.incident_id, at=now,
                 data={"role": page.role, "target": page.target_user})
    above = _chain_above(Role(page.role))
    others = pages.others(session, page, PageStatus.PAGING)
    for other in others:
        if other.role != page.role and not (other.role in above and other.tier > page.tier):
            continue
        other.status = PageStatus.SUPERSEDED
        queue.cancel(session, now, key_prefix=f"page:{other.id}:escalate")
        audit.record(session, who.user, "page.superseded", "page", other.id, incident_id=page.incident_id, at=now,
                     data={"role": other.role, "target": other.target_user, "answered_by_page": page.id})
        settle(session, other, now)
    for earlier in pages.of_incident(session, page.incident_id):
        if earlier.id < page.id and earlier.role == page.role and earlier.tier == page.tier \
                and earlier.status == PageStatus.ESCALATED:
            settle(session, earlier, now)  # its DM still offers the button: say who answered instead
    queue.cancel(session, now, key_prefix=f"page:{page.id}:escalate")
    queue.enqueue(session, WorkKind.PAGE_ACKED, f"page:{page.id}:acked", now,
                  {"incident": page.incident_id, "page": page.id}, page.incident_id)
    return Answer(True, who.user, now)
