"""Paging's due work: the page DM, the war-room mention, the escalation timer, the acknowledged DM and the
'nobody answered' alarm. Each executor is idempotent: it looks at what is recorded before it calls the chat."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.blockkit.blocks import text_message
from bot.blockkit.names import role_name
from bot.delivery.job import GiveUp, Job, subject
from bot.delivery.kinds import WorkKind
from bot.handling import state as handling
from bot.paging import handover
from bot.paging import service as paging
from bot.paging.views import page_message
from bot.procedure.config import Role
from bot.procedure.i18n import t
from bot.procedure.status import PageStatus
from bot.warroom.service import refresh_card
from bot.warroom.state import card_state, incident_of, room_of
from storage import audit, pages
from storage.models import Page

if TYPE_CHECKING:
    from bot.platform.services import Services


def _page(session: Session, job: Job) -> Page:
    return subject(session, Page, job, "page")


def send_page(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    with services.sessions() as session:
        page = _page(session, job)
        if page.message_ts:
            return {"ts": page.message_ts, "already": True}
        if page.status in (PageStatus.SUPERSEDED, PageStatus.CLOSED):  # answered or over before the DM went out
            return {"skipped": page.status}
        state = card_state(session, incident_of(session, job))
        target, role, page_id = page.target_user, page.role, page.id
        question = handling.legal_question(session, state.id) if role == Role.LEGAL.value else None
    message = page_message(state, role, services.config, services.lang_of(target), page_id=page_id,
                           question=question)
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
        state = card_state(session, incident_of(session, job))
        target, role, dm, ts, by, at = (page.target_user, page.role, page.dm_channel, page.message_ts, page.acked_by,
                                        page.acked_at)
        question = handling.legal_question(session, state.id) if role == Role.LEGAL.value else None
    if dm and ts:
        message = page_message(state, role, services.config, services.lang_of(target), page_id=page.id,
                               acked_by=by, acked_at=at, question=question)
        services.chat.update(dm, ts, message)
    if state.channel_id:
        lang = services.config.organisation.language
        text = t("page.acked_room", lang, user=by, role=role_name(role, lang))
        services.chat.post_once(job.key, state.channel_id, text_message(text), retry=job.retried)
    _refresh_later(services, state.id, now, f"ack:{page.id}")
    return {"acked_by": by}


def page_settled(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """A page answered by another on its chain, or closed with its incident: its DM loses the button and says
    why. A page whose DM was never sent has nothing to update."""
    with services.sessions() as session:
        page = _page(session, job)
        if not (page.dm_channel and page.message_ts):
            return {"updated": False}
        state = card_state(session, incident_of(session, job))
        answer = paging.answered(session, page)
        handed_to = handover.handed_to(session, page)
        target, role, dm, ts = page.target_user, page.role, page.dm_channel, page.message_ts
        question = handling.legal_question(session, state.id) if role == Role.LEGAL.value else None
    message = page_message(state, role, services.config, services.lang_of(target), page_id=page.id,
                           question=question, answered_by=answer.by, answered_at=answer.at, closed=answer.closed,
                           handed_to=handed_to)
    services.chat.update(dm, ts, message)
    return {"updated": True, "answered_by": answer.by}


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
    WorkKind.PAGE_SETTLED: page_settled,
    WorkKind.WARROOM_ALERT: alert,
}
