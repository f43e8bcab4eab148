"""The war room's Slack side effects, run by the tick as due work: open the channel, say what it is for, keep its
topic on the incident's level and status, invite, pin the card, post notes. Each executor is idempotent: it looks at
what is already recorded before it calls Slack, and records the Slack ids it got."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.blockkit.blocks import text_message
from bot.blockkit.names import category_name, level_name
from bot.delivery.job import GiveUp, Job, NotReady
from bot.delivery.kinds import WorkKind
from bot.platform.chat import InvalidName, NameTaken, Room
from bot.procedure.i18n import t
from bot.warroom.state import card_state, incident_of, room_of
from bot.warroom.views import incident_card, room_purpose, room_topic
from storage import audit
from storage import work as queue

if TYPE_CHECKING:
    from bot.platform.services import Services


def channel_slug(number: str, title: str, ascii_only: bool = False) -> str:
    """`inc-2026-0007-貨櫃場火警`: Slack's rules (lowercase, ≤ 80, no spaces or periods); Chinese allowed."""
    text = unicodedata.normalize("NFKC", title).lower()
    if ascii_only:
        text = text.encode("ascii", "ignore").decode()
    slug = re.sub(r"[^\w-]+", "-", text, flags=re.UNICODE).strip("-_")
    slug = re.sub(r"-{2,}", "-", slug)[:40].strip("-_")
    base = f"inc-{number}"
    return f"{base}-{slug}" if slug else base


def open_warroom(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    with services.sessions() as session:
        incident = incident_of(session, job)
        if incident.channel_id:
            return {"channel": incident.channel_id, "already": True}
        number, title = incident.number, incident.title
    name = channel_slug(number, title)
    channel = None
    suffix = 1  # counts names taken, not attempts: the ASCII fallback is first tried under its own name
    for _ in range(1, 12):
        candidate = name if suffix == 1 else f"{name[:76]}-{suffix}"
        try:
            channel = services.chat.create_room(candidate)
            break
        except InvalidName:
            ascii_name = channel_slug(number, title, ascii_only=True)
            if ascii_name == name:  # already ASCII and still refused: nothing else to try
                break
            name, suffix = ascii_name, 1
        except NameTaken:
            suffix += 1
            adopted = _adopt(services, candidate, number)
            if adopted:
                channel = adopted
                break
    if channel is None:
        raise GiveUp(f"no free channel name for {number}")
    with services.sessions() as session, session.begin():
        incident = incident_of(session, job, lock=True)
        if incident.channel_id is None:
            incident.channel_id, incident.channel_name = channel.id, channel.name
            audit.record(session, "crisisbot", "warroom.opened", "incident", incident.id, incident_id=incident.id,
                         at=now, data={"channel": channel.id, "name": channel.name})
        # The purpose and topic are work of their own, committed with the room: a failure to set them is retried
        # on its own and holds up neither the room nor the card (the keys are fixed, so a second attempt adds none).
        queue.enqueue(session, WorkKind.WARROOM_PURPOSE, f"incident:{incident.id}:purpose", now,
                      {"incident": incident.id}, incident.id)
        queue.enqueue(session, WorkKind.WARROOM_TOPIC, f"incident:{incident.id}:topic:opened", now,
                      {"incident": incident.id}, incident.id)
    services.kick()
    return {"channel": channel.id, "name": channel.name}


def _adopt(services: Services, name: str, number: str) -> Room | None:
    """A retry after a crash may find the room it created: adopt it if its purpose names this incident (or it has
    none yet: the crash came before the purpose work ran)."""
    room = services.chat.find_room(name)
    if room is None:
        return None
    return room if room.purpose.startswith(number) or not room.purpose else None


def describe(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """The room's purpose: the incident's number and title. A retry first asks Slack, since each setting shows a
    line in the room."""
    channel = room_of(services, job)
    with services.sessions() as session:
        incident = incident_of(session, job)
        purpose = room_purpose(incident.number, incident.title)
    if job.retried and services.chat.room_info(channel).purpose == purpose:
        return {"purpose": purpose, "already": True}
    services.chat.set_purpose(channel, purpose)
    return {"purpose": purpose}


def retitle(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """The room's topic: the incident's number, level and status as they are now, in the organisation's language.

    Every card redraw asks for this, so most runs find nothing to change: the topic the last run set (its result)
    is compared first, and on a retry (an earlier run may have set it and crashed before recording) the room's own
    topic, so Slack's "set the channel topic" line appears once per real change."""
    channel = room_of(services, job)
    lang = services.config.organisation.language
    with services.sessions() as session:
        incident = incident_of(session, job)
        topic = room_topic(services.config, incident.number, incident.level, incident.proposed_level,
                           incident.status, lang)
        last = queue.last_result(session, WorkKind.WARROOM_TOPIC, incident.id) or {}
    if last.get("topic") == topic or (job.retried and services.chat.room_info(channel).topic == topic):
        return {"topic": topic, "already": True}
    services.chat.set_topic(channel, topic)
    return {"topic": topic}


def invite(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    channel = room_of(services, job)
    users = job.payload.get("users") or [job.payload["user"]]
    return {"channel": channel, "errors": services.chat.invite(channel, users)}


def post_card(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    channel = room_of(services, job)
    with services.sessions() as session:
        incident = incident_of(session, job)
        if incident.card_ts:
            return {"ts": incident.card_ts, "already": True}
        message = incident_card(card_state(session, incident, services.config), services.config,
                                services.config.organisation.language)
    posted = services.chat.post_once(job.key, channel, message, retry=job.retried)
    services.chat.pin(channel, posted.ts)
    with services.sessions() as session, session.begin():
        incident = incident_of(session, job, lock=True)
        incident.card_ts = posted.ts
    return {"ts": posted.ts}


def redraw_card(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    with services.sessions() as session:
        incident = incident_of(session, job)
        if not incident.card_ts or not incident.channel_id:
            raise NotReady("the card is not posted yet")
        message = incident_card(card_state(session, incident, services.config), services.config,
                                services.config.organisation.language)
        channel, ts = incident.channel_id, incident.card_ts
    services.chat.update(channel, ts, message)
    return {"ts": ts}


def note(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """A line in the war room about something a person did (triage, a legal request), in the room's language."""
    channel = room_of(services, job)
    lang = services.config.organisation.language
    with services.sessions() as session:
        incident = incident_of(session, job)
        values = {"user": job.payload.get("user", ""),
                  "level": level_name(services.config, incident.level, lang),
                  "category": category_name(services.config, incident.category, incident.subtype, lang)}
    text = t(job.payload["key"], lang, **values)
    return services.chat.post_once(job.key, channel, text_message(text), retry=job.retried).record()


EXECUTORS = {
    WorkKind.WARROOM_OPEN: open_warroom,
    WorkKind.WARROOM_INVITE: invite,
    WorkKind.WARROOM_CARD: post_card,
    WorkKind.WARROOM_CARD_REFRESH: redraw_card,
    WorkKind.WARROOM_NOTE: note,
    WorkKind.WARROOM_PURPOSE: describe,
    WorkKind.WARROOM_TOPIC: retitle,
}
