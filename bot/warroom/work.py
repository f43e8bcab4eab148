"""The war room's Slack side effects, run by the tick as due work: open the channel, invite, pin the card, send
pages and their mentions, ask for triage. Each executor is idempotent: it looks at what is already recorded
before it calls Slack, and records the Slack ids it got."""

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
from bot.procedure.text import escape
from bot.warroom.state import card_state, incident_of, room_of
from bot.warroom.views import incident_card
from storage import audit

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
        lang = services.config.organisation.language
        level = level_name(services.config, incident.level or incident.proposed_level, lang)
    name = channel_slug(number, title)
    channel = None
    for attempt in range(1, 12):
        candidate = name if attempt == 1 else f"{name[:76]}-{attempt}"
        try:
            channel = services.chat.create_room(candidate)
            break
        except InvalidName:
            name = channel_slug(number, title, ascii_only=True)
        except NameTaken:
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
    services.chat.describe_room(channel.id, purpose=f"{number} {escape(title)}"[:250],
                                topic=f"{number}｜{level}｜{t('card.status.open', lang)}"[:250])
    services.kick()
    return {"channel": channel.id, "name": channel.name}


def _adopt(services: Services, name: str, number: str) -> Room | None:
    """A retry after a crash may find the room it created: adopt it if its purpose names this incident (or it has
    none yet: the crash came before describe_room)."""
    room = services.chat.find_room(name)
    if room is None:
        return None
    return room if room.purpose.startswith(number) or not room.purpose else None


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
}
