"""The overview: the App Home tab (published on app_home_opened and after an acknowledgement from it), and
`/crisis list` and `/crisis status <number>`. Thin: the service reads and decides who sees what; Slack is called
only after the database session is closed."""

from __future__ import annotations

from dataclasses import replace

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.overview import service
from bot.overview.views import home_view, list_message, status_message
from bot.platform.people import learn_names
from bot.platform.services import Services
from bot.procedure import commands
from bot.procedure.errors import NotAllowed, NotFound
from bot.procedure.i18n import t
from bot.procedure.status import IncidentStatus
from bot.procedure.text import clip, escape
from handlers import kit
from handlers.kit import ephemeral


def publish_home(services: Services, client: WebClient, user: str) -> None:
    """Build this person's overview and publish it as their App Home tab."""
    lang, who, now = services.lang_of(user), services.who(user), services.clock()
    with services.sessions() as session:
        data = service.overview(session, services.config, who, now)
    client.views_publish(user_id=user, view=home_view(who, commands.available(who), services.config, lang, data, now))


def on_command(services: Services, respond: Respond, user: str, key: str, args: list[str]) -> None:
    """`/crisis list` or `/crisis status <number>`, after the ack."""
    lang, who, now, config = services.lang_of(user), services.who(user), services.clock(), services.config
    if not service.may_view(who):
        return kit.refuse(respond, lang, "action.incident_status", "allowed.team")
    if key == "list":
        with services.sessions() as session:
            data = service.overview(session, config, who, now)
        return respond(**list_message(data, config, lang), replace_original=False)
    number = service.parse_number(" ".join(args), now, config) if args else None
    if number is None:
        return ephemeral(respond, t("overview.status.usage", lang))
    try:
        with services.sessions() as session:
            state = service.incident_status(session, who, number)
            record = service.case_record(session, state.id) if state.status == IncidentStatus.CLOSED else None
    except NotFound:
        return ephemeral(respond, t("incident.not_found", lang) + f" ({escape(clip(number, 20))})")
    except NotAllowed as exc:
        return ephemeral(respond, kit.refusal(exc, lang))
    if record is not None:  # the people the bot has not looked up yet, by name (a failed look-up shows a mention)
        names = learn_names(services.chat, services.sessions, record.people(), now)
        record = replace(record, names={**record.names, **names})
    return respond(**status_message(state, config, lang, record), replace_original=False)
