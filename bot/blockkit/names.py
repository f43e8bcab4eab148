"""Display names in the reader's language: roles, levels, categories and sub-types."""

from __future__ import annotations

from datetime import datetime

from bot.procedure.config import OrgConfig
from bot.procedure.i18n import MESSAGES, Lang, t
from bot.procedure.text import escape


def level_name(config: OrgConfig, level: str | None, lang: Lang) -> str:
    return config.levels.of(level).name(lang) if level else "—"


def category_name(config: OrgConfig, category: str, subtype: str | None, lang: Lang) -> str:
    cat = config.category(category)
    if cat is None:
        return category
    sub = next((s for s in cat.subtypes if s.id == subtype), None)
    return f"{cat.name(lang)} / {sub.name(lang)}" if sub else cat.name(lang)


def role_name(role: str, lang: Lang) -> str:
    return t(f"role.{role}", lang) if f"role.{role}" in MESSAGES else role


def short_time(at: datetime | None, config: OrgConfig) -> str:
    """A moment as the card shows it, in the organisation's time zone: ``12/02 09:15``; empty when there is none."""
    return at.astimezone(config.organisation.tz).strftime("%m/%d %H:%M") if at else ""


def responsible_names(config: OrgConfig, step_id: str, lang: Lang) -> str:
    """Who answers for a step, in words: 總指揮兼發言人、執行秘書 / the commander, the executive secretary."""
    step = next((s for s in config.steps if s.id == step_id), None)
    if step is None:
        return ""
    sep = "、" if lang == "zh-TW" else ", "
    return sep.join(t(f"role.{r}", lang) if f"role.{r}" in MESSAGES else r for r in step.responsible)


def room_link(channel_id: str, name: str | None) -> str:
    """Slack's channel mention with the room's name as its label (`<#C123|inc-2026-0007-…>`): a client shows the
    name even where it cannot resolve the id yet, and the link opens the room itself."""
    return f"<#{channel_id}|{escape(name)}>" if name else f"<#{channel_id}>"
