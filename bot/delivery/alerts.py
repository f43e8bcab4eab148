"""Telling people what could not be delivered: the executor of `WorkKind.DELIVERY_FAILED`.

When any work gives up (Slack refused a post for good, or it failed its attempt cap), the tick leaves this alert in
the same transaction. Incident work is told to its war room, in the organisation's language; work with no room
(a drill, a handover, the room itself) or a room that refuses the alert too is told to the executive secretary and
the deputy (§3 職務代理人) by DM, each in their language. An alert that gives up is not alerted about again (see
`scheduler.tick`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.blockkit.blocks import text_message
from bot.delivery import copies
from bot.delivery.job import GiveUp, Job
from bot.delivery.kinds import WorkKind
from bot.platform.chat import ChatError, RateLimited, Unavailable
from bot.procedure.config import Role
from bot.procedure.i18n import MESSAGES, Lang, t
from bot.procedure.text import clip, escape
from storage import roster
from storage.models import Drill, Incident

if TYPE_CHECKING:
    from bot.platform.services import Services


def what(kind: str, lang: Lang) -> str:
    """The undelivered work as a reader names it ("a media statement draft"), or its kind if it has no name."""
    key = f"work.{kind}"
    return t(key, lang) if key in MESSAGES else escape(kind)


def _values(job: Job, lang: Lang) -> dict[str, Any]:
    p = job.payload
    # the error is Slack's code and the method as a rule, but an unexpected exception may carry anything
    return {"what": what(str(p.get("kind", "")), lang), "attempts": p.get("attempts", "?"),
            "error": escape(clip(str(p.get("error") or "—"), 200))}


def alert(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """Tell the war room, or else the executive secretary and the deputy, what could not be delivered."""
    p = job.payload
    number = period = room = None
    with services.sessions() as session:
        if p.get("incident") is not None:
            incident = session.get(Incident, int(p["incident"]))
            if incident is not None:
                number, room = incident.number, incident.channel_id
        if p.get("drill") is not None:
            drill = session.get(Drill, int(p["drill"]))
            period = drill.period if drill is not None else None
        holders = roster.holders(session, Role.EXECUTIVE_SECRETARY)
    if room and p.get("kind") != WorkKind.WARROOM_OPEN:
        lang = services.config.organisation.language
        text = t("undelivered.room", lang, number=number, **_values(job, lang))
        try:
            return services.chat.post_once(job.key, room, text_message(text), retry=job.retried).record()
        except (RateLimited, Unavailable):
            raise
        except ChatError:
            pass  # the room itself refuses (archived, the bot removed): the executive secretary is told instead
    people = list(dict.fromkeys(u for u in (holders.primary, holders.deputy) if u))  # §3: the deputy too

    def render(user: str, lang: Lang) -> dict[str, Any]:
        subject = (t("undelivered.incident", lang, number=number) if number else
                   t("undelivered.drill", lang, period=period) if period else "")
        return text_message(t("undelivered.dm", lang, subject=subject, **_values(job, lang)))

    if not people:
        raise GiveUp("no executive secretary to tell")
    return copies.send(services, job, people, render)

EXECUTORS = {WorkKind.DELIVERY_FAILED: alert}
