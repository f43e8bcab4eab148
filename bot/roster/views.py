"""`/crisis roster` and the handover answers: pure Block Kit from the roster's state."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from bot.blockkit import ids
from bot.blockkit.names import short_time
from bot.procedure.config import OrgConfig
from bot.procedure.i18n import Lang, t
from bot.procedure.text import clip, escape
from bot.roster.state import Handed, RosterData, Target
from storage.models import Seat

MAX_BLOCKS = 50  # a message's limit


MEMBERS_SHOWN = 120  # a section holds 3000 characters; a mention takes about 12


SECTION_MAX = 3000


def _who(user: str | None) -> str:
    return f"<@{user}>" if user else "—"


def _sep(lang: Lang) -> str:
    return "：" if lang == "zh-TW" else ": "


def _unit_text(row: Any, config: OrgConfig, lang: Lang) -> str:
    unit = config.unit(row.unit_id)
    name = escape(unit.name(lang)) if unit else escape(row.unit_id)
    posts = row.posts
    members = " ".join(f"<@{m}>" for m in posts.members[:MEMBERS_SHOWN]) or "—"
    if len(posts.members) > MEMBERS_SHOWN:
        members += " " + t("roster.more", lang, n=len(posts.members) - MEMBERS_SHOWN)
    return "\n".join([
        f"*{name}* (`{escape(row.unit_id)}`)",
        t("roster.unit_line", lang, head=_who(posts.head), deputy=_who(posts.deputy)),
        t("roster.members", lang, members=members),
    ])


def roster_message(data: RosterData, config: OrgConfig, lang: Lang) -> dict[str, Any]:
    """The standing roles with holder and deputy, then every unit's head, deputy and members (≤ 50 blocks)."""
    sep = _sep(lang)
    standing = [t("roster.standing", lang)]
    for role, holders in data.standing:
        standing.append(f"• {t('role.' + role, lang)}{sep}{_who(holders.primary)}　"
                        + t("roster.deputy_of", lang, deputy=_who(holders.deputy)))
    unit_texts = [_unit_text(row, config, lang) for row in data.units]
    # Room for the header, the roles, a divider, the units' title and the footer: pack units when there are many.
    room = MAX_BLOCKS - 5
    per_block = max(1, math.ceil(len(unit_texts) / room)) if unit_texts else 1
    sections: list[str] = []
    for i in range(0, len(unit_texts), per_block):
        sections.append(clip("\n\n".join(unit_texts[i:i + per_block]), SECTION_MAX))
    blocks: list[dict[str, Any]] = [
        {"type": "header", "block_id": ids.ROSTER_HEADER,
         "text": {"type": "plain_text", "text": clip(t("roster.title", lang), 150)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(standing)}},
        {"type": "divider"},
        {"type": "section", "text": {"type": "mrkdwn", "text": t("roster.units", lang)}},
        *({"type": "section", "text": {"type": "mrkdwn", "text": s}} for s in sections[:room]),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": t("roster.footer", lang)}]},
    ]
    text = "\n".join([t("roster.title", lang), *standing, t("roster.units", lang), *unit_texts])
    return {"response_type": "ephemeral", "text": clip(text, 3000), "blocks": blocks}


def handed_text(handed: Handed, config: OrgConfig, lang: Lang) -> str:
    """The caller's confirmation."""
    return t("handover.done", lang, seat=seat_name(handed.target, config, lang), to=handed.new,
             previous=f"<@{handed.previous}>" if handed.previous else "—")


def just_handed_text(target: Target, to: str | None, by: str | None, at: datetime | None, config: OrgConfig,
                     lang: Lang) -> str:
    """To the person whose handover lost a race: the seat was just handed to someone, by whom and when."""
    seat = seat_name(target, config, lang)
    if by is None:
        return t("handover.just_changed", lang, seat=seat, to=to or "—")
    return t("handover.just_handed", lang, seat=seat, to=to or "—", by=by, at=short_time(at, config))


def seat_name(target: Target, config: OrgConfig, lang: Lang) -> str:
    """The seat in words: 執行秘書職務代理人, Head of Inspection Section…"""
    if target.unit_id is None:
        name = t(f"role.{target.role}", lang)
        key = "post.primary" if target.seat == Seat.PRIMARY else "post.deputy"
        return t(key, lang, role=name, role_lower=name[0].lower() + name[1:])
    unit = config.unit(target.unit_id)
    unit_name = unit.name(lang) if unit else target.unit_id
    return t("post.head" if target.seat == Seat.PRIMARY else "post.unit_deputy", lang, unit=unit_name)
