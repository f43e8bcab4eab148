"""Hand-offs to a role's holder and deputy (§3 職務代理人): the acknowledge (收悉) button on an informational one,
today the low-level report to the executive secretary. The first reader is recorded and every copy redrawn to say
so; a later click (the other copy, a double tap) is told who read it first."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.blockkit import ids
from bot.incidents import service
from bot.platform.services import Services
from bot.procedure import errors
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
            service.read_report(session, who, incident, now)
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
