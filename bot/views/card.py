"""The incident card pinned in the war room, the page DM, and the triage request and modal."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot import ids
from bot.config import OrgConfig, Role
from bot.i18n import MESSAGES, Lang, t
from bot.text import clip, escape
from bot.views.handling import handling_blocks, legal_page_blocks
from bot.views.report import input_block, level_definitions, level_options, plain, subtype_groups

ACTIVE = ("open", "observing")  # statuses in which the level can change and people can be paged


@dataclass(frozen=True)
class PageLine:
    role: str
    target: str
    attempt: str
    status: str
    paged_at: datetime
    acked_at: datetime | None
    acked_by: str | None
    escalated_at: datetime | None


@dataclass(frozen=True)
class CardState:
    """Everything the card shows, read from the database by the war-room service."""

    id: int
    number: str
    title: str
    category: str
    subtype: str | None
    level: str | None
    proposed_level: str | None
    status: str
    step: str | None
    unit_id: str | None
    reporter: str
    channel_id: str | None
    holders: dict[str, tuple[str | None, str | None]]  # role → (primary, deputy); "unit" for the unit head
    pages: tuple[PageLine, ...]
    handling: Any = None  # bot.handling.HandlingState: the six steps and what has been done (§6)


def _when(at: datetime | None, config: OrgConfig) -> str:
    return at.astimezone(config.organisation.tz).strftime("%m/%d %H:%M") if at else ""


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


def incident_card(state: CardState, config: OrgConfig, lang: Lang) -> dict[str, Any]:
    """The pinned card: number, category, level, status, step, who holds each role, pages and acks, actions."""
    unit = config.unit(state.unit_id or "")
    step = next((s for s in config.steps if s.id == state.step), None)
    level = level_name(config, state.level, lang) if state.level else t(
        "card.untriaged", lang, level=level_name(config, state.proposed_level, lang))
    fields = [
        (t("card.level", lang), level),
        (t("card.category", lang), category_name(config, state.category, state.subtype, lang)),
        (t("card.status", lang), t(f"card.status.{state.status}", lang) if f"card.status.{state.status}" in MESSAGES
         else state.status),
        (t("card.step", lang), step.name(lang) if step else "—"),
        (t("card.unit", lang), unit.name(lang) if unit else "—"),
        (t("card.reporter", lang), f"<@{state.reporter}>"),
    ]
    roles = []
    for role, (primary, deputy) in state.holders.items():
        name = t("post.head", lang, unit=unit.name(lang)) if role == "unit" and unit else role_name(role, lang)
        who = " / ".join(f"<@{u}>" for u in (primary, deputy) if u) or "—"
        roles.append(f"• {name}：{who}" if lang == "zh-TW" else f"• {name}: {who}")
    pages = []
    for p in state.pages:
        values = {"role": role_name(p.role, lang), "user": p.target, "attempt": t(f"attempt.{p.attempt}", lang),
                  "at": _when(p.paged_at, config)}
        if p.status == "acked":
            values.update(user=p.acked_by or p.target, at=_when(p.acked_at, config))
            pages.append(t("card.page_acked", lang, **values))
        elif p.status == "escalated":
            values.update(at=_when(p.escalated_at, config))
            pages.append(t("card.page_escalated", lang, **values))
        elif p.status == "superseded":
            pages.append(t("card.page_superseded", lang, **values))
        else:
            pages.append(t("card.page_open", lang, **values))
    header = clip(f"{t('card.number', lang, number=state.number)}｜{state.title}", 150)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "block_id": ids.CARD_HEADER, "text": plain(header, 150)},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{k}*\n{escape(v) if '<@' not in v else v}"}
                                       for k, v in fields]},
        {"type": "section", "text": {"type": "mrkdwn", "text": t("card.roles", lang) + "\n" + "\n".join(roles)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": t("card.pages", lang) + "\n" + (
            "\n".join(pages[-15:]) or t("card.no_pages", lang))}},
        # once resolved, the level and legal buttons go: nothing pages or re-triages a finished case
        *([{"type": "actions", "block_id": ids.CARD_ACTIONS, "elements": [
            {"type": "button", "action_id": ids.TRIAGE_OPEN, "text": plain(t("button.triage", lang)),
             "value": str(state.id)},
            {"type": "button", "action_id": ids.REQUEST_LEGAL, "text": plain(t("button.legal", lang)),
             "value": str(state.id)},
            *([{"type": "button", "action_id": ids.MARK_HANDLED, "text": plain(t("button.handled", lang)),
                "value": str(state.id)}] if state.level == "low" and state.status == "open" else []),
        ]}] if state.status in ACTIVE else []),
        *(handling_blocks(state.id, state.status, state.handling, config, lang) if state.handling else []),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": t("card.actions_hint", lang)}]},
    ]
    text = f"{t('card.number', lang, number=state.number)} {escape(state.title)} — {level}"
    return {"text": text, "blocks": blocks}


def page_message(state: CardState, role: str, config: OrgConfig, lang: Lang, *, page_id: int,
                 acked_by: str | None = None, acked_at: datetime | None = None,
                 question: str | None = None) -> dict[str, Any]:
    """The page DM, with an Acknowledge button until someone acknowledges."""
    unit = config.unit(state.unit_id or "")
    level = level_name(config, state.level or state.proposed_level, lang)
    text = t("page.text", lang, level=level, number=state.number, title=escape(state.title),
             role=role_name(role, lang))
    room = f"<#{state.channel_id}>" if state.channel_id else t("page.room_pending", lang)
    details = t("page.details", lang, unit=escape(unit.name(lang)) if unit else "—",
                category=escape(category_name(config, state.category, state.subtype, lang)),
                reporter=state.reporter, room=room)
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{text}*"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": details}},
        *(legal_page_blocks(state.id, question, lang) if role == Role.LEGAL.value else []),
    ]
    if acked_by:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t(
            "page.acked", lang, user=acked_by, at=_when(acked_at, config))}]})
    else:
        blocks.append({"type": "actions", "elements": [
            {"type": "button", "action_id": ids.PAGE_ACK, "style": "primary", "value": str(page_id),
             "text": plain(t("button.ack", lang))}]})
    return {"text": text, "blocks": blocks}


def triage_request(state: CardState, config: OrgConfig, lang: Lang) -> dict[str, Any]:
    """The DM that asks the unit head to judge the level (§5)."""
    unit = config.unit(state.unit_id or "")
    text = t("triage.request", lang, unit=escape(unit.name(lang)) if unit else "—", number=state.number,
             title=escape(state.title), level=level_name(config, state.proposed_level, lang))
    return {"text": text, "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "actions", "elements": [{"type": "button", "action_id": ids.TRIAGE_OPEN, "style": "primary",
                                          "value": str(state.id), "text": plain(t("button.triage", lang))}]},
    ]}


def triage_modal(state: CardState, config: OrgConfig, lang: Lang) -> dict[str, Any]:
    """Confirm or change the level and the category."""
    levels = level_options(config, lang)
    current = state.level or state.proposed_level
    level_el: dict[str, Any] = {"type": "radio_buttons", "options": levels}
    chosen = next((o for o in levels if o["value"] == current), None)
    if chosen:
        level_el["initial_option"] = chosen
    groups = subtype_groups(config, lang)
    sub_el: dict[str, Any] = {"type": "static_select", "option_groups": groups}
    initial = next((o for g in groups for o in g["options"] if o["value"] == state.subtype), None)
    if initial:
        sub_el["initial_option"] = initial
    definitions = level_definitions(config, lang)
    return {
        "type": "modal", "callback_id": ids.TRIAGE_VIEW,
        "title": plain(t("triage.title", lang), 24), "submit": plain(t("triage.submit", lang), 24),
        "close": plain(t("report.close", lang), 24),
        "private_metadata": json.dumps({"incident": state.id, "lang": lang}),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{state.number}* {escape(state.title)}"}},
            input_block(ids.T_LEVEL, t("report.level", lang), level_el, hint=definitions),
            input_block(ids.T_SUBTYPE, t("report.subtype", lang), sub_el),
        ],
    }


ROLE_ORDER = (Role.COMMANDER.value, Role.EXECUTIVE_SECRETARY.value, Role.PUBLIC_RELATIONS.value, Role.LEGAL.value)
