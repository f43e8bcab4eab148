"""The `/crisis help` answer: what the bot is and the commands this person may use."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.authz import Who
from bot.commands import Command
from bot.config import OrgConfig
from bot.i18n import Lang, t
from bot.text import escape


def help_message(who: Who, commands: list[Command], config: OrgConfig, lang: Lang) -> dict[str, Any]:
    """An ephemeral message listing the person's commands, with a plain-text fallback."""
    roles = who.describe(config, lang) or t("roles.none", lang)
    intro = t("help.intro", lang, name=escape(config.organisation.name(lang)), roles=escape(roles))
    lines = []
    for cmd in commands:
        alias = f"（`{cmd.alias_usage()}`）" if lang == "zh-TW" and cmd.alias_usage() else ""
        lines.append(f"• `{cmd.usage()}`{alias} — {t('cmd.' + cmd.key, lang)}")
    body = "\n".join(lines) or t("help.none_yet", lang)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "block_id": ids.HELP_HEADER, "text": {"type": "plain_text", "text": t("help.title", lang)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": intro}},
        {"type": "section", "block_id": ids.HELP_COMMANDS, "text": {"type": "mrkdwn", "text": body}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": t("help.footer", lang)}]},
    ]
    return {"response_type": "ephemeral", "text": f"{t('help.title', lang)}\n{intro}\n{body}", "blocks": blocks}

