"""The war room's Slack side effects, run by the tick as due work: open the channel, invite, pin the card, send
pages and their mentions, ask for triage. Each executor is idempotent: it looks at what is already recorded
before it calls Slack, and records the Slack ids it got.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot import handling, paging, roster
from bot.cards import refresh_card
from bot.config import Level, OrgConfig, Role
from bot.i18n import t
from bot.messaging import dm, post_once, text_message
from bot.ports import ChatError
from bot.text import escape
from bot.views.card import (
    ROLE_ORDER,
    CardState,
    PageLine,
    category_name,
    incident_card,
    level_name,
    page_message,
    role_name,
    triage_request,
)
from bot.work import GiveUp, Job, NotReady, subject
from storage import audit
from storage.models import Incident, Page

if TYPE_CHECKING:
    from bot.services import Services


# ---------------------------------------------------------------------------------------------- state


def card_state(session: Session, incident: Incident, config: OrgConfig | None = None) -> CardState:
    """What the card shows; with the config, the handling steps too (§6)."""
    holders: dict[str, tuple[str | None, str | None]] = {}
    if incident.unit_id:
        posts = roster.unit_posts(session, incident.unit_id)
        holders["unit"] = (posts.head, posts.deputy)
    for role in ROLE_ORDER:
        h = roster.holders(session, role)
        holders[role] = (h.primary, h.deputy)
    pages = session.scalars(sa.select(Page).where(Page.incident_id == incident.id).order_by(Page.id)).all()
    return CardState(
        incident.id, incident.number, incident.title, incident.category, incident.subtype, incident.level,
        incident.proposed_level, incident.status, incident.step, incident.unit_id, incident.reporter,
        incident.channel_id, holders,
        tuple(PageLine(p.role, p.target_user, p.attempt, p.status, p.paged_at, p.acked_at, p.acked_by,
                       p.escalated_at) for p in pages),
        handling.state(session, config, incident) if config is not None else None,
    )


def _load(session: Session, job: Job) -> Incident:
    return subject(session, Incident, job, "incident")


# ---------------------------------------------------------------------------------------------- channel names


def channel_slug(number: str, title: str, ascii_only: bool = False) -> str:
    """`inc-2026-0007-貨櫃場火警`: Slack's rules (lowercase, ≤ 80, no spaces or periods); Chinese allowed."""
    text = unicodedata.normalize("NFKC", title).lower()
    if ascii_only:
        text = text.encode("ascii", "ignore").decode()
    slug = re.sub(r"[^\w-]+", "-", text, flags=re.UNICODE).strip("-_")
    slug = re.sub(r"-{2,}", "-", slug)[:40].strip("-_")
    base = f"inc-{number}"
    return f"{base}-{slug}" if slug else base


# ---------------------------------------------------------------------------------------------- executors


def open_warroom(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    with services.sessions() as session:
        incident = _load(session, job)
        if incident.channel_id:
            return {"channel": incident.channel_id, "already": True}
        number, title = incident.number, incident.title
        lang = services.config.organisation.language
        level = level_name(services.config, incident.level or incident.proposed_level, lang)
    name = channel_slug(number, title)
    channel = None
    for attempt in range(1, 12):
        candidate = name if attempt == 1 else f"{name[:76]}-{attempt}"
        try:
            channel = services.chat.call("conversations.create", name=candidate, is_private=False)["channel"]
            break
        except ChatError as exc:
            if exc.code.startswith("invalid_name"):
                name = channel_slug(number, title, ascii_only=True)
                continue
            if exc.code != "name_taken":
                raise
            adopted = _adopt(services, candidate, number)
            if adopted:
                channel = adopted
                break
    if channel is None:
        raise GiveUp(f"no free channel name for {number}")
    with services.sessions() as session, session.begin():
        incident = _load(session, job)
        if incident.channel_id is None:
            incident.channel_id, incident.channel_name = channel["id"], channel["name"]
            audit.record(session, "crisisbot", "warroom.opened", "incident", incident.id, incident_id=incident.id,
                         at=now, data={"channel": channel["id"], "name": channel["name"]})
    purpose = f"{number} {escape(title)}"[:250]
    services.chat.call("conversations.setPurpose", channel=channel["id"], purpose=purpose)
    services.chat.call("conversations.setTopic", channel=channel["id"],
                       topic=f"{number}｜{level}｜{t('card.status.open', lang)}"[:250])
    services.kick()
    return {"channel": channel["id"], "name": channel["name"]}


def _adopt(services: Services, name: str, number: str) -> dict[str, Any] | None:
    """A retry after a crash may find the channel it created: adopt it if its purpose names this incident."""
    cursor = None
    while True:
        page = services.chat.call("conversations.list", exclude_archived=True, limit=200, types="public_channel",
                                  **({"cursor": cursor} if cursor else {}))
        for channel in page.get("channels", []):
            if channel.get("name") == name:
                purpose = (channel.get("purpose") or {}).get("value", "")
                return channel if purpose.startswith(number) or not purpose else None
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None


def _channel(services: Services, job: Job) -> str:
    with services.sessions() as session:
        incident = _load(session, job)
        if not incident.channel_id:
            raise NotReady("the war room is not open yet")
        return incident.channel_id


def invite(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    channel = _channel(services, job)
    users = job.payload.get("users") or [job.payload["user"]]
    # force: invite everyone who can be invited even if some are already in (a retry, or an earlier group).
    answer = services.chat.call("conversations.invite", channel=channel, users=",".join(users), force=True)
    return {"channel": channel, "errors": answer.get("errors", [])}


def post_card(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    channel = _channel(services, job)
    with services.sessions() as session:
        incident = _load(session, job)
        if incident.card_ts:
            return {"ts": incident.card_ts, "already": True}
        message = incident_card(card_state(session, incident, services.config), services.config,
                                services.config.organisation.language)
    posted = post_once(services, job, channel, message)
    try:
        services.chat.call("pins.add", channel=channel, timestamp=posted["ts"])
    except ChatError as exc:
        if exc.code != "already_pinned":
            raise
    with services.sessions() as session, session.begin():
        incident = _load(session, job)
        incident.card_ts = posted["ts"]
    return {"ts": posted["ts"]}


def redraw_card(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    with services.sessions() as session:
        incident = _load(session, job)
        if not incident.card_ts or not incident.channel_id:
            raise NotReady("the card is not posted yet")
        message = incident_card(card_state(session, incident, services.config), services.config,
                                services.config.organisation.language)
        channel, ts = incident.channel_id, incident.card_ts
    services.chat.call("chat.update", channel=channel, ts=ts, text=message["text"], blocks=message["blocks"])
    return {"ts": ts}


def notify_reporter(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    channel = _channel(services, job)
    with services.sessions() as session:
        incident = _load(session, job)
        reporter, number, title = incident.reporter, incident.number, incident.title
    lang = services.lang_of(reporter)
    text = t("report.done_dm", lang, number=number, title=escape(title), channel=channel)
    return dm(services, job, reporter, text_message(text))


def _page(session: Session, job: Job) -> Page:
    return subject(session, Page, job, "page")


def send_page(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    with services.sessions() as session:
        page = _page(session, job)
        if page.message_ts:
            return {"ts": page.message_ts, "already": True}
        state = card_state(session, _load(session, job))
        target, role, page_id = page.target_user, page.role, page.id
        question = handling.legal_question(session, state.id) if role == Role.LEGAL.value else None
    message = page_message(state, role, services.config, services.lang_of(target), page_id=page_id,
                           question=question)
    posted = dm(services, job, target, message)
    with services.sessions() as session, session.begin():
        page = _page(session, job)
        page.dm_channel, page.message_ts = posted["channel"], posted["ts"]
        audit.record(session, "crisisbot", "page.delivered", "page", page.id, incident_id=page.incident_id, at=now,
                     data={"target": target, "channel": posted["channel"]})
    services.kick()
    return {"channel": posted["channel"], "ts": posted["ts"]}


def mention_page(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    channel = _channel(services, job)
    with services.sessions() as session:
        page = _page(session, job)
        lang = services.config.organisation.language
        text = t("page.mention", lang, user=page.target_user, role=role_name(page.role, lang),
                 attempt=t(f"attempt.{page.attempt}", lang))
    return post_once(services, job, channel, text_message(text))


def _refresh_later(services: Services, incident_id: int, now: datetime, why: str) -> None:
    with services.sessions() as session, session.begin():
        refresh_card(session, incident_id, now, why)


def escalate_page(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    with services.sessions() as session, session.begin():
        page = _page(session, job)
        nxt = paging.escalate(session, services.config, page, now)
        result = {"next_page": nxt.id if nxt else None, "status": page.status}
        refresh_card(session, page.incident_id, now, f"escalate:{page.id}")
    services.kick()
    return result


def page_acked(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """After an acknowledgement: replace the DM's button with who acknowledged, tell the room, refresh the card."""
    with services.sessions() as session:
        page = _page(session, job)
        state = card_state(session, _load(session, job))
        target, role, dm, ts, by, at = (page.target_user, page.role, page.dm_channel, page.message_ts, page.acked_by,
                                        page.acked_at)
        question = handling.legal_question(session, state.id) if role == Role.LEGAL.value else None
    if dm and ts:
        message = page_message(state, role, services.config, services.lang_of(target), page_id=page.id,
                               acked_by=by, acked_at=at, question=question)
        services.chat.call("chat.update", channel=dm, ts=ts, text=message["text"], blocks=message["blocks"])
    if state.channel_id:
        lang = services.config.organisation.language
        text = t("page.acked_room", lang, user=by, role=role_name(role, lang))
        post_once(services, job, state.channel_id, text_message(text))
    _refresh_later(services, state.id, now, f"ack:{page.id}")
    return {"acked_by": by}


def alert(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    channel = _channel(services, job)
    with services.sessions() as session:
        page = _page(session, job)
        lang = services.config.organisation.language
        text = t("page.exhausted", lang, role=role_name(page.role, lang))
    return post_once(services, job, channel, text_message(text))


def request_triage(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    with services.sessions() as session:
        incident = _load(session, job)
        if incident.triaged_at:
            return {"skipped": "already triaged"}
        state = card_state(session, incident)
        head, deputy = state.holders.get("unit", (None, None))
    sent = {}
    for user in dict.fromkeys(u for u in (head, deputy) if u):
        sub = job.per(user)
        sent[user] = dm(services, sub, user, triage_request(state, services.config, services.lang_of(user)))["ts"]
    return {"sent": sent}


def triage_timeout(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """Nothing may sit unseen: an untriaged incident pages the executive secretary."""
    with services.sessions() as session, session.begin():
        incident = _load(session, job)
        if incident.triaged_at:
            return {"skipped": "triaged"}
        audit.record(session, "crisisbot", "incident.untriaged", "incident", incident.id, incident_id=incident.id,
                     at=now, data={"after_seconds": services.config.routing.untriaged_timeout_seconds})
        page = paging.page_role(session, services.config, incident, Role.EXECUTIVE_SECRETARY,
                                incident.proposed_level or Level.MEDIUM, now)
        refresh_card(session, incident.id, now, "untriaged")
    services.kick()
    return {"page": page.id if page else None}


def note(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """A line in the war room about something a person did (triage, a legal request), in the room's language."""
    channel = _channel(services, job)
    lang = services.config.organisation.language
    with services.sessions() as session:
        incident = _load(session, job)
        values = {"user": job.payload.get("user", ""),
                  "level": level_name(services.config, incident.level, lang),
                  "category": category_name(services.config, incident.category, incident.subtype, lang)}
    text = t(job.payload["key"], lang, **values)
    return post_once(services, job, channel, text_message(text))


def report_handled(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """The low-level report to the executive secretary (§5: handle it, then notify the executive secretary)."""
    with services.sessions() as session:
        incident = _load(session, job)
        target = roster.holders(session, Role.EXECUTIVE_SECRETARY).primary
        unit = services.config.unit(incident.unit_id or "")
        number, title, category, subtype, room = (incident.number, incident.title, incident.category,
                                                   incident.subtype, incident.channel_id)
    if target is None:
        raise GiveUp("no executive secretary on the roster")
    lang = services.lang_of(target)
    text = t("handled.report", lang, unit=escape(unit.name(lang)) if unit else "—", number=number,
             title=escape(title), category=category_name(services.config, category, subtype, lang),
             user=job.payload["user"], room=f"<#{room}>" if room else "—")
    return dm(services, job, target, text_message(text))


def observation_reminder(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """Remind the unit to post how a handled low-level incident develops; none once it has moved on."""
    with services.sessions() as session:
        incident = _load(session, job)
        if incident.status != "observing":
            return {"skipped": incident.status}
        posts = roster.unit_posts(session, incident.unit_id) if incident.unit_id else None
        number = incident.number
    channel = _channel(services, job)
    people = " ".join(f"<@{u}>" for u in (posts.head, posts.deputy) if u) if posts else "—"
    lang = services.config.organisation.language
    text = t("observe.remind", lang, n=job.payload["n"], total=job.payload["total"], people=people, number=number)
    return post_once(services, job, channel, text_message(text))


EXECUTORS = {
    "lowlevel.report": report_handled,
    "observe.remind": observation_reminder,
    "warroom.note": note,
    "warroom.open": open_warroom,
    "warroom.invite": invite,
    "warroom.card": post_card,
    "warroom.card.refresh": redraw_card,
    "warroom.alert": alert,
    "reporter.notify": notify_reporter,
    "page.send": send_page,
    "page.mention": mention_page,
    "page.escalate": escalate_page,
    "page.acked": page_acked,
    "triage.request": request_triage,
    "triage.timeout": triage_timeout,
}
