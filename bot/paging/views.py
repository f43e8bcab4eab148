"""The page DM (pure Block Kit): what the incident is, what happened in short (read on a phone, without opening the
room), why this person is paged, and the Acknowledge button."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.blockkit import ids
from bot.blockkit.blocks import plain
from bot.blockkit.names import category_name, level_name, role_name, room_link, short_time
from bot.handling.views import legal_page_blocks
from bot.incidents.account import account_short_block
from bot.procedure.config import OrgConfig, Role
from bot.procedure.i18n import Lang, t
from bot.procedure.text import escape
from bot.warroom.state import CardState


def page_message(state: CardState, role: str, config: OrgConfig, lang: Lang, *, page_id: int,
                 acked_by: str | None = None, acked_at: datetime | None = None,
                 question: str | None = None, answered_by: str | None = None, answered_at: datetime | None = None,
                 closed: bool = False, room_name: str | None = None, triage: bool = False,
                 stood_down_by: str | None = None, stood_down_level: str | None = None,
                 handed_to: str | None = None, legal_open: bool = True) -> dict[str, Any]:
    """The page DM, with an Acknowledge button until someone acknowledges: this person (`acked_by`), another on
    the chain (`answered_by`), or nobody needs to because the incident is over (`closed`) or was judged a level
    that does not need this tier (`stood_down_by`, `stood_down_level`), or the seat was handed over (`handed_to`,
    the new holder, who has a page of their own). The level is shown as it stands: an
    untriaged incident's is the reporter's proposal, awaiting the unit head; with `triage` (the person paged may
    set the level, and nobody has yet) the DM carries the triage button."""
    unit = config.unit(state.unit_id or "")
    level = level_as_it_stands(state, config, lang)
    text = t("page.text", lang, level=level, number=state.number, title=escape(state.title),
             role=role_name(role, lang))
    room = room_link(state.channel_id, room_name) if state.channel_id else t("page.room_pending", lang)
    details = t("page.details", lang, unit=escape(unit.name(lang)) if unit else "—",
                category=escape(category_name(config, state.category, state.subtype, lang)),
                reporter=state.reporter, room=room)
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{text}*"}},
        account_short_block(state.account, config, lang, block_id=ids.ACCOUNT_SHORT),
        {"type": "section", "text": {"type": "mrkdwn", "text": details}},
        *(legal_page_blocks(state.id, question, lang, answer=legal_open) if role == Role.LEGAL.value else []),
    ]
    if state.level is None and not (closed or stood_down_by or handed_to):
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t(
            "page.proposed_note_triage" if triage else "page.proposed_note", lang)}]})
    buttons: list[dict[str, Any]] = []
    if handed_to:  # superseded by a handover (§3 移交): the new holder has their own page
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t(
            "page.handed_over_note", lang, user=handed_to)}]})
    elif acked_by:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t(
            "page.acked", lang, user=acked_by, at=short_time(acked_at, config))}]})
    elif stood_down_by:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t(
            "page.stood_down", lang, user=stood_down_by, level=level_name(config, stood_down_level, lang))}]})
    elif answered_by:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t(
            "page.settled_by", lang, user=answered_by, at=short_time(answered_at, config))}]})
    elif closed:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t("page.closed_note", lang)}]})
    else:
        buttons.append({"type": "button", "action_id": ids.PAGE_ACK, "style": "primary", "value": str(page_id),
                        "text": plain(t("button.ack", lang))})
    if triage and state.level is None and not (closed or stood_down_by or handed_to):
        buttons.append({"type": "button", "action_id": ids.TRIAGE_OPEN, "value": str(state.id),
                        "text": plain(t("button.triage", lang))})
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    return {"text": text, "blocks": blocks}


def level_as_it_stands(state: CardState, config: OrgConfig, lang: Lang) -> str:
    """The judged level, or while untriaged the reporter's proposal marked as awaiting judgement."""
    if state.level:
        return level_name(config, state.level, lang)
    return t("page.level_proposed", lang, level=level_name(config, state.proposed_level, lang))
