"""The page DM (pure Block Kit): what the incident is, what happened in short (read on a phone, without opening the
room), why this person is paged, and the Acknowledge button."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.blockkit import ids
from bot.blockkit.blocks import plain
from bot.blockkit.names import category_name, level_name, role_name, short_time
from bot.handling.views import legal_page_blocks
from bot.incidents.account import account_short_block
from bot.procedure.config import OrgConfig, Role
from bot.procedure.i18n import Lang, t
from bot.procedure.text import escape
from bot.warroom.state import CardState


def page_message(state: CardState, role: str, config: OrgConfig, lang: Lang, *, page_id: int,
                 acked_by: str | None = None, acked_at: datetime | None = None,
                 question: str | None = None, answered_by: str | None = None, answered_at: datetime | None = None,
                 closed: bool = False, handed_to: str | None = None) -> dict[str, Any]:
    """The page DM, with an Acknowledge button until someone acknowledges: this person (`acked_by`), another on
    the chain (`answered_by`), or nobody needs to because the incident is over (`closed`) or the seat was handed
    over (`handed_to`, the new holder)."""
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
        account_short_block(state.account, config, lang, block_id=ids.ACCOUNT_SHORT),
        {"type": "section", "text": {"type": "mrkdwn", "text": details}},
        *(legal_page_blocks(state.id, question, lang) if role == Role.LEGAL.value else []),
    ]
    if handed_to:  # superseded by a handover (§3 移交): the new holder has their own page
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t(
            "page.handed_over_note", lang, user=handed_to)}]})
    elif acked_by:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t(
            "page.acked", lang, user=acked_by, at=short_time(acked_at, config))}]})
    elif answered_by:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t(
            "page.settled_by", lang, user=answered_by, at=short_time(answered_at, config))}]})
    elif closed:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t("page.closed_note", lang)}]})
    else:
        blocks.append({"type": "actions", "elements": [
            {"type": "button", "action_id": ids.PAGE_ACK, "style": "primary", "value": str(page_id),
             "text": plain(t("button.ack", lang))}]})
    return {"text": text, "blocks": blocks}
