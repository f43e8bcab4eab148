"""Paging's due work: the page DM, the war-room mention, the escalation timer, the acknowledged DM and the
'nobody answered' alarm. Each executor is idempotent: it looks at what is recorded before it calls the chat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.blockkit.blocks import text_message
from bot.blockkit.names import level_name, role_name
from bot.delivery.job import GiveUp, Job, subject
from bot.delivery.kinds import WorkKind
from bot.handling import state as handling
from bot.incidents.service import can_set_level
from bot.paging import handover
from bot.paging import service as paging
from bot.paging.views import page_message
from bot.procedure.config import Role
from bot.procedure.i18n import t
from bot.procedure.status import ACTIVE, PageStatus
from bot.warroom.service import refresh_card
from bot.warroom.state import CardState, card_state, incident_of, room_of
from storage import audit, pages
from storage.models import Incident, Page

if TYPE_CHECKING:
    from bot.platform.services import Services


def _page(session: Session, job: Job) -> Page:
    return subject(session, Page, job, "page")


@dataclass(frozen=True)
class _Drawing:
    """What a page's DM shows, read in the executor's session; drawn after it closes (asking who the person is and
    their language reads and may write rows of its own, which must not wait on this session)."""

    page_id: int
    role: str
    target: str
    state: CardState
    room_name: str | None
    question: str | None
    legal_open: bool
    untriaged: bool  # untriaged and still being handled: the DM may offer the triage button
    answer: dict[str, Any]


def _drawing(session: Session, page: Page, incident: Incident) -> _Drawing:
    """The page as it stands now: live, acknowledged, answered by another, stood down or closed."""
    answer = paging.answered(session, page) if page.status != PageStatus.PAGING else None
    if answer is not None and page.status == PageStatus.ESCALATED and answer.closed \
            and incident.status in ACTIVE:
        answer = None  # escalated, and nobody after it answered yet: its button still counts
    shown: dict[str, Any] = {}
    handed_to = handover.handed_to(session, page)
    if handed_to is not None:
        shown.update(handed_to=handed_to)
    elif answer is not None and page.status == PageStatus.ACKED:
        shown.update(acked_by=answer.by, acked_at=answer.at)
    elif answer is not None and answer.stood_down:
        shown.update(stood_down_by=answer.by or "crisisbot", stood_down_level=answer.level)
    elif answer is not None:
        shown.update(answered_by=answer.by, answered_at=answer.at, closed=answer.closed)
    question = handling.legal_question(session, incident.id) if page.role == Role.LEGAL.value else None
    # The legal group's answer button stays while there is a question to answer on a live incident and page.
    legal_open = page.role == Role.LEGAL.value and incident.status in ACTIVE and handed_to is None \
        and page.status not in (PageStatus.CLOSED, PageStatus.STOOD_DOWN) \
        and not handling.legal_answered(session, incident.id)
    return _Drawing(page.id, page.role, page.target_user, card_state(session, incident), incident.channel_name,
                    question, legal_open, incident.level is None and incident.status in ACTIVE, shown)


def _drawn(services: Services, drawing: _Drawing) -> dict[str, Any]:
    """The DM: the level as it stands, the room by name, and while untriaged the triage button for a person
    paged who may set the level (§5: the head, the deputy, the executive secretary, the commander)."""
    triage = drawing.untriaged and can_set_level(services.who(drawing.target), drawing.state.unit_id)
    return page_message(drawing.state, drawing.role, services.config, services.lang_of(drawing.target),
                        page_id=drawing.page_id, question=drawing.question, room_name=drawing.room_name,
                        legal_open=drawing.legal_open,
                        triage=triage, **drawing.answer)


def send_page(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    with services.sessions() as session:
        page = _page(session, job)
        if page.message_ts:
            return {"ts": page.message_ts, "already": True}
        if page.status in (PageStatus.SUPERSEDED, PageStatus.CLOSED, PageStatus.STOOD_DOWN):
            return {"skipped": page.status}  # answered, over or stood down before the DM went out
        target = page.target_user
        drawing = _drawing(session, page, incident_of(session, job))
    message = _drawn(services, drawing)
    posted = services.chat.direct_message_once(job.key, target, message, retry=job.retried)
    with services.sessions() as session, session.begin():
        page = _page(session, job)
        page.dm_channel, page.message_ts = posted.room, posted.ts
        audit.record(session, "crisisbot", "page.delivered", "page", page.id, incident_id=page.incident_id, at=now,
                     data={"target": target, "channel": posted.room})
    services.kick()
    return posted.record()


def mention_page(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    channel = room_of(services, job)
    with services.sessions() as session:
        page = _page(session, job)
        lang = services.config.organisation.language
        text = t("page.mention", lang, user=page.target_user, role=role_name(page.role, lang),
                 attempt=t(f"attempt.{page.attempt}", lang))
        sent = audit.latest(session, "page", page.id, "page.sent")
        if sent is not None and sent.data.get("proposed"):  # sent on the reporter's proposal, before a judgement
            text += t("page.mention_proposed", lang, level=level_name(services.config, sent.data.get("level"), lang))
    return services.chat.post_once(job.key, channel, text_message(text), retry=job.retried).record()


def _refresh_later(services: Services, incident_id: int, now: datetime, why: str) -> None:
    with services.sessions() as session, session.begin():
        refresh_card(session, incident_id, now, why)


def escalate_page(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    with services.sessions() as session, session.begin():
        page = pages.lock(session, int(job.payload["page"]))
        if page is None:
            raise GiveUp(f"Page {job.payload['page']} does not exist")
        nxt = paging.escalate(session, services.config, page, now)
        result = {"next_page": nxt.id if nxt else None, "status": page.status}
        refresh_card(session, page.incident_id, now, f"escalate:{page.id}")
    services.kick()
    return result


def page_acked(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """After an acknowledgement: replace the DM's button with who acknowledged, tell the room, refresh the card."""
    with services.sessions() as session:
        page = _page(session, job)
        incident = incident_of(session, job)
        role, dm, ts, by, channel = page.role, page.dm_channel, page.message_ts, page.acked_by, incident.channel_id
        drawing = _drawing(session, page, incident)
    if dm and ts:
        services.chat.update(dm, ts, _drawn(services, drawing))
    if channel:
        lang = services.config.organisation.language
        text = t("page.acked_room", lang, user=by, role=role_name(role, lang))
        services.chat.post_once(job.key, channel, text_message(text), retry=job.retried)
    _refresh_later(services, incident.id, now, f"ack:{page.id}")
    return {"acked_by": by}


def redraw_page(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """A page's DM redrawn as the page and its incident stand now: answered by another on its chain, closed with
    its incident, stood down, or the incident's level changed. A page whose DM was never sent has nothing to
    update (it is drawn as it stands when it goes)."""
    with services.sessions() as session:
        page = _page(session, job)
        if not (page.dm_channel and page.message_ts):
            return {"updated": False}
        dm, ts, status = page.dm_channel, page.message_ts, page.status
        drawing = _drawing(session, page, incident_of(session, job))
    services.chat.update(dm, ts, _drawn(services, drawing))
    return {"updated": True, "status": status}


def alert(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    channel = room_of(services, job)
    with services.sessions() as session:
        page = _page(session, job)
        lang = services.config.organisation.language
        text = t("page.exhausted", lang, role=role_name(page.role, lang))
    return services.chat.post_once(job.key, channel, text_message(text), retry=job.retried).record()


EXECUTORS = {
    WorkKind.PAGE_SEND: send_page,
    WorkKind.PAGE_MENTION: mention_page,
    WorkKind.PAGE_ESCALATE: escalate_page,
    WorkKind.PAGE_ACKED: page_acked,
    WorkKind.PAGE_SETTLED: redraw_page,
    WorkKind.PAGE_REDRAW: redraw_page,
    WorkKind.WARROOM_ALERT: alert,
}
