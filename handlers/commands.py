"""The `/crisis` slash command: parse the text, route to the sub-command, answer in the user's language."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import commands
from bot.i18n import t
from bot.services import Services
from bot.text import clip, escape
from bot.views.help import help_message


def register(app: App, services: Services) -> None:
    """Wire the slash command to the app."""

    @app.command(commands.SLASH)
    def on_crisis(ack: Ack, command: dict[str, Any]) -> None:
        user = str(command.get("user_id", ""))
        lang = services.lang_of(user)
        parsed = commands.parse(str(command.get("text", "")))
        who = services.who(user)
        if parsed.command is None:
            ack(response_type="ephemeral", text=t("unknown.command", lang, text=escape(clip(parsed.text, 80))))
            return
        if parsed.command.key == "help":
            ack(**help_message(who, commands.available(who), services.config, lang))
            return
        raise LookupError(f"no handler for sub-command {parsed.command.key}")  # pragma: no cover - registry bug
