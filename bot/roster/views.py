"""`/crisis roster` and the handover answers (the preview with Confirm / Cancel, the result, the refusals): pure
Block Kit from the roster's state."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from bot.blockkit import ids
from bot.blockkit.blocks import plain
from bot.blockkit.names import room_link, short_time
from bot.procedure.config import OrgConfig
from bot.procedure.i18n import Lang, t
from bot.procedure.text import clip, escape
from bot.roster.state import Handed, OpenWork, Preview, RosterData, Target
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


ITEMS_SHOWN = 15  # per kind of open work in the preview; the rest is counted


def _room_link(number: str, title: str, channel_id: str | None, lang: Lang, name: str | None = None) -> str:
    room = room_link(channel_id, name) if channel_id else t("page.room_pending", lang)
    return f"• *{escape(number)}* {escape(clip(title, 60))} {room}"


def moved_lines(pages: int, rooms: list[tuple[str, str, str | None, str | None]], tasks: int,
                lang: Lang) -> list[str]:
    """The new holder's DM: what came with the seat (nothing: no lines)."""
    lines: list[str] = []
    if pages:
        lines.append(t("handover.dm.pages", lang, n=pages))
    if rooms:
        lines.append(t("handover.dm.rooms", lang, n=len(rooms)))
        lines += [_room_link(number, title, channel, lang, name)
                  for number, title, channel, name in rooms[:ITEMS_SHOWN]]
        if len(rooms) > ITEMS_SHOWN:
            lines.append(t("roster.more", lang, n=len(rooms) - ITEMS_SHOWN))
    if tasks:
        lines.append(t("handover.dm.tasks", lang, n=tasks))
    return lines


def _more(items: list[str], lang: Lang) -> list[str]:
    shown = items[:ITEMS_SHOWN]
    if len(items) > ITEMS_SHOWN:
        shown.append(t("roster.more", lang, n=len(items) - ITEMS_SHOWN))
    return shown


def work_text(work: OpenWork, lang: Lang) -> str:
    """The open work a handover moves, in lines: pages, war rooms, tasks."""
    if work.empty:
        return t("handover.preview.nothing", lang)
    lines: list[str] = []
    if work.pages:
        lines.append(t("handover.preview.pages", lang, n=len(work.pages)))
        lines += _more([f"• *{escape(p.number)}* {escape(clip(p.title, 60))}（{t('attempt.' + p.attempt, lang)}）"
                        if lang == "zh-TW" else
                        f"• *{escape(p.number)}* {escape(clip(p.title, 60))} ({t('attempt.' + p.attempt, lang)})"
                        for p in work.pages], lang)
    if work.rooms:
        lines.append(t("handover.preview.rooms", lang, n=len(work.rooms)))
        lines += _more([_room_link(r.number, r.title, r.channel_id, lang, r.channel_name) for r in work.rooms], lang)
    if work.tasks:
        lines.append(t("handover.preview.tasks", lang, n=len(work.tasks)))
        lines += _more(["• " + t(f"handover.task.{task.kind}", lang,
                                 number=escape(task.incident.number) if task.incident else "")
                        for task in work.tasks], lang)
    return "\n".join(lines)


def confirm_value(preview: Preview) -> str:
    """What the Confirm button carries: the seat, the new holder, and the holder the person saw."""
    target = preview.target
    return "|".join([target.role, target.unit_id or "", target.seat, preview.new, preview.previous or ""])


def parse_confirm(value: str) -> tuple[Target, str, str | None] | None:
    """The Confirm button's value back: (seat, new holder, expected holder), or None when it is not one."""
    parts = str(value or "").split("|")
    if len(parts) != 5 or not all(parts[i] for i in (0, 2, 3)) or parts[2] not in (Seat.PRIMARY, Seat.DEPUTY):
        return None
    role, unit_id, seat, to_user, expected = parts
    return Target(role, unit_id or None, seat), to_user, expected or None


def preview_message(preview: Preview, config: OrgConfig, lang: Lang) -> dict[str, Any]:
    """Before a handover is made: the seat, from whom to whom, the open work that will move, Confirm / Cancel."""
    seat = seat_name(preview.target, config, lang)
    head = t("handover.preview", lang, seat=seat, to=preview.new,
             previous=f"<@{preview.previous}>" if preview.previous else "—")
    work = work_text(preview.work, lang)
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": clip(head, SECTION_MAX)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": clip(work, SECTION_MAX)}},
        {"type": "actions", "block_id": ids.HANDOVER_PREVIEW, "elements": [
            {"type": "button", "action_id": ids.HANDOVER_CONFIRM, "style": "primary",
             "text": plain(t("handover.button.confirm", lang)), "value": confirm_value(preview)},
            {"type": "button", "action_id": ids.HANDOVER_CANCEL, "text": plain(t("handover.button.cancel", lang)),
             "value": confirm_value(preview)}]},
    ]
    return {"text": clip(f"{head}\n{work}", 3000), "blocks": blocks}
