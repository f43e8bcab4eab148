"""The roster's due work: the DM to both sides of a handover; the new holder's lists the open work that moved to
them (the re-sent pages, the war rooms they are invited to, the tasks waiting on App Home)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.blockkit.blocks import text_message
from bot.delivery.job import GiveUp, Job
from bot.delivery.kinds import WorkKind
from bot.procedure.i18n import t
from bot.roster.state import Target
from bot.roster.views import moved_lines, seat_name
from storage.models import Incident

if TYPE_CHECKING:
    from bot.platform.services import Services


def notify(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """DM the new (or the previous) holder of a seat about the handover, in their language."""
    p = job.payload
    user = str(p.get("user") or "")
    if not user:
        raise GiveUp("no user to tell")
    lang = services.lang_of(user)
    target = Target(str(p["role"]), p.get("unit"), str(p["seat"]))
    seat = seat_name(target, services.config, lang)
    key = "handover.dm.new" if user == p.get("to") else "handover.dm.previous"
    text = t(key, lang, seat=seat, by=p["by"], to=p["to"], previous=p.get("from") or "—")
    if key == "handover.dm.new" and p.get("from"):
        text += "\n" + t("handover.dm.from", lang, previous=p["from"])
    if key == "handover.dm.new":
        with services.sessions() as session:  # the rooms as they are now: a room opened since has its channel
            rooms = [i for i in (session.get(Incident, int(n)) for n in p.get("rooms") or []) if i is not None]
            rooms = [(i.number, i.title, i.channel_id, i.channel_name) for i in rooms]
        lines = moved_lines(int(p.get("pages") or 0), rooms, len(p.get("tasks") or []), lang)
        text += "".join("\n" + line for line in lines)
    return services.chat.direct_message_once(job.key, user, text_message(text), retry=job.retried).record()


EXECUTORS = {WorkKind.ROSTER_HANDOVER_NOTIFY: notify}
