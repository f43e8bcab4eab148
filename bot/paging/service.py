"""Paging (procedure §5, §3): reach the role holder, then their deputy (職務代理人), then the next tier up.

A page is a row first; the DM and the war-room mention are due work, and the escalation is a timer row, so a
page survives restarts and is never sent twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.delivery.kinds import WorkKind
from bot.paging import transitions
from bot.paging.transitions import Event
from bot.procedure.config import Level, OrgConfig, Role
from bot.procedure.status import PageStatus
from bot.procedure.who import Who
from bot.warroom.service import invite
from storage import audit, pages, roster
from storage import work as queue
from storage.models import Incident, Page

# Who is paged when a tier does not answer: medium goes to the commander; the commander is the top.
NEXT_TIER = transitions.NEXT_TIER


def ack_timeout(config: OrgConfig, level: Level | str | None) -> timedelta:
    seconds = config.paging.ack_timeout_seconds
    key = Level(level).value if level else "medium"
    return timedelta(seconds=seconds.get(key, seconds.get("medium", 900)))  # type: ignore[call-overload]


def page_role(session: Session, config: OrgConfig, incident: Incident, role: Role, level: Level | str | None,
              now: datetime, *, tier: int = 0, attempt: str = "primary", again: bool = False,
              paged_for: Level | str | None = None, invite_target: bool = True) -> Page | None:
    """Page a role's primary (or, with attempt="deputy", its deputy) unless that role is already being paged, and
    invite the person paged to the war room with the page (a page names the room; they must be able to open it).

    `again` pages even so: a new question for the legal group deserves its own page. `paged_for` marks the page as
    a level's tier (the proposal's while untriaged), so a lower judged level can stand it down. `invite_target`
    False: the caller invites the target in its own group invite.
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
                status=PageStatus.PAGING, paged_at=now, paged_for=Level(paged_for).value if paged_for else None)
    session.add(page)
    session.flush()
    proposed = incident.level is None
    audit.record(session, "crisisbot", "page.sent", "page", page.id, incident_id=incident.id, at=now,
                 data={"role": role.value, "target": target, "attempt": attempt, "tier": tier,
                       "level": Level(level).value if level else None, **({"proposed": True} if proposed else {})})
    payload = {"incident": incident.id, "page": page.id}
    queue.enqueue(session, WorkKind.PAGE_SEND, f"page:{page.id}:dm", now, payload, incident.id)
    queue.enqueue(session, WorkKind.PAGE_MENTION, f"page:{page.id}:mention", now, payload, incident.id)
    queue.enqueue(session, WorkKind.PAGE_ESCALATE, f"page:{page.id}:escalate", now + ack_timeout(config, level),
                  payload, incident.id)
    if invite_target:
        invite(session, incident, [target], now)
    return page


def escalate(session: Session, config: OrgConfig, page: Page, now: datetime) -> Page | None:
    """The ack timeout ran out: page the deputy, else the next tier. Returns the new page, if any."""
    moved = transitions.step(page.status, Event.TIMED_OUT)
    if moved is None:
        return None
    incident = session.get(Incident, page.incident_id)
    assert incident is not None
    page.status, page.escalated_at = moved, now
    role = Role(page.role)
    audit.record(session, "crisisbot", "page.escalated", "page", page.id, incident_id=incident.id, at=now,
                 data={"role": role.value, "from": page.target_user, "attempt": page.attempt})
    level = incident.level or incident.proposed_level
    nxt = transitions.after_timeout(role, page.attempt, page.tier, target=page.target_user,
                                    deputy=roster.holders(session, role).deputy)
    if nxt.role is None:
        audit.record(session, "crisisbot", "page.exhausted", "incident", incident.id, incident_id=incident.id,
                     at=now, data={"role": role.value})
        queue.enqueue(session, WorkKind.WARROOM_ALERT, f"page:{page.id}:exhausted", now,
                      {"incident": incident.id, "page": page.id}, incident.id)
        return None
    return page_role(session, config, incident, nxt.role, level, now, tier=nxt.tier, attempt=nxt.attempt,
                     paged_for=page.paged_for)


def close_pages(session: Session, incident: Incident, actor: str, now: datetime) -> list[Page]:
    """The incident is over: every page still waiting is closed (its escalation stops, its DM loses the button,
    it leaves "waiting on you"). The caller holds the incident's lock."""
    waiting = [p for p in pages.of_incident(session, incident.id)
               if transitions.step(p.status, Event.INCIDENT_OVER) is not None]
    for page in waiting:
        page.status = PageStatus.CLOSED
        queue.cancel(session, now, key_prefix=f"page:{page.id}:escalate")
        audit.record(session, actor, "page.closed", "page", page.id, incident_id=incident.id, at=now,
                     data={"role": page.role, "target": page.target_user, "status": incident.status})
        settle(session, page, now)
    return waiting


def stand_down(session: Session, incident: Incident, needed: Role | None, actor: str, level: Level,
               now: datetime, *, keep: set[Role] | frozenset[Role] = frozenset()) -> list[Page]:
    """The level was judged lower than the one these pages were sent for (a proposal, or a level since lowered):
    the waiting pages of the tiers above the one the level needs (`needed`; None for a level that pages nobody)
    are stood down. Their escalation stops and their DMs say who judged what, so nobody acts on them; the people
    stay in the war room. An escalated page that nobody after it answered goes too (its DM still has the button).
    The pages of the roles in `keep` stand whatever the level (a reporter's casualties page the commander).
    The caller holds the incident's lock."""
    stood: list[Page] = []
    for page in pages.of_incident(session, incident.id):
        if transitions.step(page.status, Event.STOOD_DOWN) is None:
            continue
        if Role(page.role) in keep or not transitions.stands_down(Role(page.role), page.tier, page.paged_for, needed):
            continue
        if page.status == PageStatus.ESCALATED and _answered_successor(session, page) is not None:
            continue  # answered after all, by the deputy it escalated to
        page.status = PageStatus.STOOD_DOWN
        queue.cancel(session, now, key_prefix=f"page:{page.id}:escalate")
        audit.record(session, actor, "page.stood_down", "page", page.id, incident_id=incident.id, at=now,
                     data={"role": page.role, "target": page.target_user, "level": level.value,
                           "paged_for": page.paged_for})
        settle(session, page, now)
        stood.append(page)
    return stood


def redraw(session: Session, incident: Incident, now: datetime, why: str, *, role: Role | None = None) -> None:
    """The incident's level changed: every page DM (or, with `role`, that role's) is redrawn as it stands, so none
    still shows the old level or "proposed", and a page about an incident now triaged loses its triage button (due
    work, one per page and change; a page whose DM is not out yet is drawn as it stands when it goes)."""
    for page in pages.of_incident(session, incident.id):
        if role is not None and page.role != role.value:
            continue
        queue.enqueue(session, WorkKind.PAGE_REDRAW, f"page:{page.id}:redraw:{why}:{now.timestamp()}", now,
                      {"incident": incident.id, "page": page.id}, incident.id)


def settle(session: Session, page: Page, now: datetime) -> None:
    """A page answered by another, closed with its incident or stood down: its DM is updated to say so."""
    queue.enqueue(session, WorkKind.PAGE_SETTLED, f"page:{page.id}:settled", now,
                  {"incident": page.incident_id, "page": page.id}, page.incident_id)


def may_acknowledge(who: Who, page: Page) -> bool:
    """§3: the holder or deputy of the role paged, as the roster is now: a person paged who has since handed
    the seat over no longer answers for it (the page went to the new holder, see ``bot.paging.handover``)."""
    return who.holds(Role(page.role))


@dataclass(frozen=True)
class Answer:
    """The outcome of an acknowledgement: this one counted (`fresh`), or who answered first and when, or the
    incident ended and the page with it (`closed`), or the level was judged lower and the page stood down
    (`stood_down`: `by` judged it `level` at `at`)."""

    fresh: bool
    by: str | None = None
    at: datetime | None = None
    closed: bool = False
    stood_down: bool = False
    level: str | None = None


def _answered_successor(session: Session, page: Page) -> Page | None:
    """For an escalated page: the later page of the same role and tier that was acknowledged, if any."""
    if page.status != PageStatus.ESCALATED:
        return None
    return next((p for p in pages.of_incident(session, page.incident_id) if p.id > page.id and p.role == page.role
                 and p.tier == page.tier and p.status == PageStatus.ACKED), None)


def answered(session: Session, page: Page) -> Answer:
    """Who already answered a page that is no longer waiting: its own acknowledgement, or the one that superseded
    it (the page that answered for the same role or the chain below), or who stood it down."""
    if page.status == PageStatus.ACKED:
        return Answer(False, page.acked_by, page.acked_at)
    if page.status == PageStatus.STOOD_DOWN:
        event = audit.latest(session, "page", page.id, "page.stood_down")
        return Answer(False, event.actor if event else None, event.at if event else None, stood_down=True,
                      level=event.data.get("level") if event else None)
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
    if page.status in (PageStatus.ACKED, PageStatus.SUPERSEDED, PageStatus.STOOD_DOWN):
        return answered(session, page)
    if transitions.step(page.status, Event.ACKNOWLEDGED) is None:  # closed with its incident
        return Answer(False, closed=True)
    successor = _answered_successor(session, page)
    if successor is not None:  # escalated, and the deputy it escalated to has answered
        return Answer(False, successor.acked_by, successor.acked_at)
    page.status, page.acked_at, page.acked_by = PageStatus.ACKED, now, who.user
    audit.record(session, who.user, "page.acked", "page", page.id, incident_id=page.incident_id, at=now,
                 data={"role": page.role, "target": page.target_user})
    above = transitions.chain_above(Role(page.role))
    others = pages.others(session, page, PageStatus.PAGING)
    for other in others:
        if other.role != page.role and not (other.role in above and other.tier > page.tier):
            continue
        other.status = transitions.step(other.status, Event.ANSWERED_ELSEWHERE) or PageStatus.SUPERSEDED
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
