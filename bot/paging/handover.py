"""Pages and war rooms in a handover (procedure §3 移交): the open work of a seat moves to its new holder.

When a standing role's seat changes hands (``bot.roster.service.hand_over``, in its transaction, under the seat's
locks), every page of that role still waiting on the former holder (status *paging*) is superseded with its own
reason (``page.handed_over``, naming the new holder), its escalation timer stops, its DM is updated to say it was
handed over, and the new holder is paged afresh: a new page of the same role, tier and attempt with its own
escalation timer. Then the new holder is invited to the seat's open war rooms (see ``rooms_for``).

Left as they are, on purpose:
- an *acknowledged* page: someone answered it; the new holder is in the war room and sees the card.
- an *escalated* page: it already moved on to the deputy (or the next tier), whose page keeps running.

Lock order: the seat (held by the caller), then each incident and its page (``storage.pages.lock``). No other
transaction locks a seat while holding an incident, so this order never waits in a circle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.delivery.kinds import WorkKind
from bot.paging import service as paging
from bot.paging import transitions
from bot.paging.transitions import Event
from bot.procedure.config import REPORT_FLAGS, OrgConfig, Role
from bot.procedure.status import ACTIVE, PageStatus
from bot.warroom.service import invite, refresh_card
from storage import audit, pages
from storage import work as queue
from storage.models import DueWork, Incident, Page, Seat

HANDED_OVER = "page.handed_over"


@dataclass(frozen=True)
class MovedPage:
    """One page handed over: the superseded page, and the new one (None when nobody could be paged)."""

    old: int
    new: int | None
    incident_id: int


def open_pages(session: Session, role: str, user: str | None) -> Sequence[Page]:
    """The pages of ``role`` still waiting on ``user`` (status paging), oldest first."""
    if not user:
        return []
    return session.scalars(sa.select(Page).where(Page.role == str(role), Page.target_user == user,
                                                 Page.status == str(PageStatus.PAGING)).order_by(Page.id)).all()


def hand_over_pages(session: Session, config: OrgConfig, role: Role | str, old: str | None, new: str,
                    now: datetime, *, actor: str) -> list[MovedPage]:
    """Move the role's pages waiting on ``old`` to ``new``. The caller has made ``new`` the seat's holder in this
    transaction and holds the seat's locks; each page is locked (with its incident) and read afresh here, so an
    acknowledgement or an escalation that got there first wins and the page is left alone."""
    moved: list[MovedPage] = []
    for found in open_pages(session, str(role), old):
        page = pages.lock(session, found.id)
        moved_to = transitions.step(page.status, Event.HANDED_OVER) if page is not None else None
        if page is None or moved_to is None or page.target_user != old:
            continue  # answered, escalated or closed meanwhile
        incident = session.get(Incident, page.incident_id)
        assert incident is not None
        page.status = moved_to
        queue.cancel(session, now, key_prefix=f"page:{page.id}:escalate")
        fresh = _page_new_holder(session, config, incident, page, now)
        audit.record(session, actor, HANDED_OVER, "page", page.id, incident_id=incident.id, at=now,
                     data={"role": page.role, "target": old, "to": new, "new_page": fresh.id if fresh else None})
        paging.settle(session, page, now)  # its DM: "handed over to @new, no action needed"
        refresh_card(session, incident.id, now, f"handover:{page.id}")
        moved.append(MovedPage(page.id, fresh.id if fresh else None, incident.id))
    return moved


def _page_new_holder(session: Session, config: OrgConfig, incident: Incident, page: Page,
                     now: datetime) -> Page | None:
    """The new holder's page: same role, tier and attempt, its own escalation timer. ``page_role`` reads the
    roster as this transaction left it, so it reaches ``new`` (the seat the old page's attempt stands for);
    ``again`` because the role's page is still open."""
    return paging.page_role(session, config, incident, Role(page.role), incident.level or incident.proposed_level,
                            now, tier=page.tier, attempt=page.attempt, again=True, paged_for=page.paged_for)


def handed_to(session: Session, page: Page) -> str | None:
    """Whom this page was handed over to, if it was superseded by a handover."""
    if page.status != PageStatus.SUPERSEDED:
        return None
    event = audit.latest(session, "page", page.id, HANDED_OVER)
    return str(event.data.get("to")) if event is not None and event.data.get("to") else None


def rooms_for(session: Session, config: OrgConfig, role: str, unit_id: str | None, seat: str,
              old: str | None) -> list[Incident]:
    """The open war rooms a seat belongs to (active incidents, oldest first):

    - a unit's head post (either seat): the unit's incidents (its head and deputy are invited at the report);
    - a standing role's primary seat: incidents the role was paged for, or whose level, category or report-flag
      route brings the role in (``routing.levels[...].invite`` / ``.page``, ``routing.categories[...].invite``,
      ``routing.flags``);
    - a standing role's deputy seat: incidents where the role's page reached the former deputy, or the former
      deputy was invited to (a copy of a hand-off brings the deputy in)."""
    active = list(session.scalars(sa.select(Incident).where(Incident.status.in_([str(s) for s in ACTIVE]))
                                  .order_by(Incident.id)))
    if unit_id is not None:
        return [i for i in active if i.unit_id == unit_id]
    paged: dict[int, set[str]] = {}
    if active:
        rows = session.execute(sa.select(Page.incident_id, Page.target_user).where(
            Page.role == role, Page.incident_id.in_([i.id for i in active])))
        for incident_id, target in rows:
            paged.setdefault(incident_id, set()).add(target)
    if seat == Seat.DEPUTY:
        invited = _invited(session, [i.id for i in active], old)
        return [i for i in active if old is not None and (old in paged.get(i.id, set()) or i.id in invited)]
    return [i for i in active if i.id in paged or _routed(config, i, role)]


def _invited(session: Session, incident_ids: list[int], user: str | None) -> set[int]:
    """The incidents whose war room `user` was invited to (a deputy brought in by a copy of a hand-off)."""
    if not user or not incident_ids:
        return set()
    rows = session.execute(sa.select(DueWork.subject_id, DueWork.payload).where(
        DueWork.kind == str(WorkKind.WARROOM_INVITE), DueWork.subject_id.in_([str(i) for i in incident_ids])))
    return {int(subject) for subject, payload in rows if user in ((payload or {}).get("users") or [])}


def _routed(config: OrgConfig, incident: Incident, role: str) -> bool:
    level = incident.level or incident.proposed_level
    route = config.routing.levels.get(level) if level else None  # type: ignore[call-overload]
    roles = list(route.invite) + ([route.page] if route and route.page else []) if route else []
    category = config.routing.categories.get(incident.category)
    if category is not None:
        roles += category.invite
    for flag in REPORT_FLAGS:  # a reporter's flag brings roles in too (media: PR; legislator: PR, the secretary)
        if (incident.flags or {}).get(flag):
            route_of = config.routing.flag_route(flag)
            roles += [*route_of.invite, *route_of.notify, *route_of.page]
    return role in {str(r) for r in roles}


def invite_to_rooms(session: Session, incidents: Sequence[Incident], user: str, now: datetime) -> None:
    """Invite the new holder to each room (one invite each; the key names the person, so it is sent once)."""
    for incident in incidents:
        invite(session, incident, [user], now)
