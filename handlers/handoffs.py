"""Hand-offs to a role's holder and deputy (§3 職務代理人): the acknowledge (收悉) button on an informational one,
today the low-level report to the executive secretary. The first reader is recorded and every copy redrawn to say
so; a later click (the other copy, a double tap) is told who read it first."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.blockkit import ids
from bot.delivery import copies
from bot.delivery.kinds import WorkKind
from bot.incidents.work import lowlevel_handoff
from bot.platform.services import Services
from bot.procedure import errors
from bot.procedure.config import Role
from bot.procedure.i18n import t
from handlers import kit
from storage import incidents


def on_read(ack: Ack, body: dict[str, Any], respond: Respond, services: Services) -> None:
    """收悉: the executive secretary (or the deputy) has read the low-level report."""
    ack()
    person = kit.actor(services, body)
    now, who, lang = person.now, person.who, person.lang
    try:
        with services.sessions() as session, session.begin():
            incident = incidents.lock(session, kit.subject_id(body))
            if incident is None:
                return kit.ephemeral(respond, t("incident.not_found", lang))
            copies.read(session, who, lowlevel_handoff(incident.id), [Role.EXECUTIVE_SECRETARY], now,
                        subject=("incident", incident.id), refresh=WorkKind.LOWLEVEL_REFRESH,
                        payload={"incident": incident.id}, incident_id=incident.id)
    except errors.NotAllowed as exc:
        return kit.ephemeral(respond, kit.refusal(exc, lang))
    except errors.Closed as exc:
        return kit.ephemeral(respond, kit.closed_text(exc, lang, services.config))
    services.kick()
    return kit.ephemeral(respond, t("handoff.read_ok", lang))


LISTENERS: tuple[kit.Listener, ...] = (
    ("action", ids.HANDOFF_READ, on_read),
)


def register(app: App) -> None:
    """Wire the acknowledge button."""
    kit.register(app, LISTENERS)
