"""The App Home tab: who the person is on the crisis team and what they can do from here."""

from __future__ import annotations

from typing import Any

from bot.authz import Who
from bot.commands import Command
from bot.config import OrgConfig
from bot.i18n import Lang
from bot.views.help import help_message


def home_view(who: Who, commands: list[Command], config: OrgConfig, lang: Lang) -> dict[str, Any]:
    """The published home view; for now the help text, later open incidents and drills join it."""
    return {"type": "home", "blocks": help_message(who, commands, config, lang)["blocks"]}
