"""The `/crisis` slash command: parse the text, route to the sub-command, answer in the user's language."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.overview.views import help_message
from bot.platform.services import Services
from bot.procedure import commands
from bot.procedure.i18n import t
from bot.procedure.text import clip, escape
from handlers import drills, handling, overview, report, roster


def register(app: App, services: Services) -> None:
    """Wire the slash command to the app."""

    @app.command(commands.SLASH)
    def on_crisis(ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        user = str(command.get("user_id", ""))
        parsed = commands.parse(str(command.get("text", "")))
        if parsed.command is not None and parsed.command.key == "report":
            ack()  # before any look-up: the modal must open within the trigger's 3 s
            report.open_report(services, client, user, str(command["trigger_id"]), command.get("channel_id"))
            return
        if parsed.command is not None and parsed.command.key == "update":
            ack()  # the war room's incident is looked up after the ack
            handling.on_update_command(services, client, respond, user, command.get("channel_id"),
                                       str(command.get("trigger_id", "")))
            return
        if parsed.command is not None and parsed.command.key.startswith("drill_"):
            ack()  # the draw, the status and the report modal answer after the ack
            drills.on_command(services, client, respond, user, parsed.command.key, parsed.args,
                              str(command.get("trigger_id", "")))
            return
        if parsed.command is not None and parsed.command.key in ("roster", "handover"):
            ack()  # the roster and the handover answer after the ack (users.info, the database)
            roster.on_command(services, respond, user, parsed.command.key, parsed.args)
            return
        if parsed.command is not None and parsed.command.key in ("list", "status"):
            ack()
            overview.on_command(services, respond, user, parsed.command.key, parsed.args)
            return
        lang = services.lang_of(user)
        who = services.who(user)
        if parsed.command is None:
            ack(response_type="ephemeral", text=t("unknown.command", lang, text=escape(clip(parsed.text, 80))))
            return
        if parsed.command.key == "help":
            ack(**help_message(who, commands.available(who), services.config, lang))
            return
        raise LookupError(f"no handler for sub-command {parsed.command.key}")  # pragma: no cover - registry bug
