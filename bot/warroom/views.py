"""The incident card pinned in the war room (pure Block Kit): number, category, level, status, the step, who holds
each role, the pages and their answers, and the actions the incident's state allows; and the room's purpose and
topic lines. Under the facts, the reporter's account in full (`bot.incidents.account`)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bot.blockkit import ids
from bot.blockkit.blocks import plain
from bot.blockkit.names import category_name, level_name, role_name, short_time
from bot.handling.views import handling_blocks
from bot.incidents.account import account_blocks
from bot.overview.casesview import past_cases_blocks
from bot.procedure.config import OrgConfig
from bot.procedure.i18n import MESSAGES, Lang, t
from bot.procedure.status import ACTIVE, FINISHED, IncidentStatus, PageStatus
from bot.procedure.text import clip, escape, fit
from bot.warroom.state import CardState

if TYPE_CHECKING:
    from bot.handling.state import HandlingState


def incident_card(state: CardState, config: OrgConfig, lang: Lang) -> dict[str, Any]:
    """The pinned card: number, category, level, status, step, who holds each role, pages and acks, actions."""
    unit = config.unit(state.unit_id or "")
    # A finished incident is on the last step (§6 step 6, the aftermath: its record is the case file)
    step = config.steps[-1] if state.status in FINISHED else next((s for s in config.steps if s.id == state.step),
                                                                    None)
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
    pages = page_lines(state, config, lang)
    header = clip(f"{t('card.number', lang, number=state.number)}｜{state.title}", 150)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "block_id": ids.CARD_HEADER, "text": plain(header, 150)},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{k}*\n{escape(v) if '<@' not in v else v}"}
                                       for k, v in fields]},
        *account_blocks(state.account, config, lang, block_id=ids.ACCOUNT),
        *(past_cases_blocks(state.past_cases, config, lang) if state.status in ACTIVE else []),
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
                "value": str(state.id)}] if state.level == "low" and state.status == IncidentStatus.OPEN else []),
        ]}] if state.status in ACTIVE else []),
        *(handling_blocks(state.id, state.status, final_steps(state.handling, state.status), config, lang)
          if state.handling else []),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": t(HINTS.get(state.status, "card.actions_hint"),
                                                                      lang)}]},
    ]
    text = f"{t('card.number', lang, number=state.number)} {escape(state.title)} — {level}"
    return {"text": text, "blocks": blocks}


# What the card's last line says: the actions on an active card; on a finished one, what is left (the unit's case
# file) or that nothing is.
HINTS = {IncidentStatus.RESOLVED: "card.hint.resolved", IncidentStatus.CLOSED: "card.hint.closed"}


def final_steps(handling: HandlingState, status: str) -> HandlingState:
    """The six steps as a finished incident leaves them: what was recorded stays; the last step (§6 step 6, the
    aftermath and review, whose record is the unit's case file, §3 處理組) waits for the case file while resolved and
    is done once it is filed; a step nobody recorded is shown as not recorded, not as in progress or to do, since
    nothing can record it now (the services refuse steps once the crisis is resolved)."""
    if status not in FINISHED or not handling.steps:
        return handling
    last = handling.steps[-1].id
    lines = []
    for line in handling.steps:
        if line.state in ("done", "skipped"):
            lines.append(line)
        elif line.id == last:
            lines.append(replace(line, state="filed" if status == IncidentStatus.CLOSED else "awaiting"))
        else:
            lines.append(replace(line, state="unrecorded"))
    return replace(handling, steps=tuple(lines), current=None)


def page_lines(state: CardState, config: OrgConfig, lang: Lang) -> list[str]:
    """Every page of the incident and where it stands, as the card (and `/crisis status`) words them."""
    lines = []
    for p in state.pages:
        values = {"role": role_name(p.role, lang), "user": p.target, "attempt": t(f"attempt.{p.attempt}", lang),
                  "at": short_time(p.paged_at, config)}
        if p.status == PageStatus.ACKED:
            values.update(user=p.acked_by or p.target, at=short_time(p.acked_at, config))
            lines.append(t("card.page_acked", lang, **values))
        elif p.status == PageStatus.ESCALATED:
            values.update(at=short_time(p.escalated_at, config))
            lines.append(t("card.page_escalated", lang, **values))
        elif p.status == PageStatus.SUPERSEDED:
            lines.append(t("card.page_superseded", lang, **values))
        elif p.status == PageStatus.CLOSED:
            lines.append(t("card.page_closed", lang, **values))
        elif p.status == PageStatus.STOOD_DOWN:
            lines.append(t("card.page_stood_down", lang, **values))
        else:
            lines.append(t("card.page_open", lang, **values))
    return lines


ROOM_TEXT_MAX = 250  # Slack's limit for a channel's topic and for its purpose


def room_purpose(number: str, title: str) -> str:
    """What the room is for: the incident's number and its title (escaped), whole words within Slack's limit."""
    return fit(f"{number} {escape(title)}", ROOM_TEXT_MAX)


def room_topic(config: OrgConfig, number: str, level: str | None, proposed: str | None, status: str,
               lang: Lang) -> str:
    """The line under the room's name: number｜level｜status, as the card says them (an untriaged incident shows the
    proposed level as proposed), within Slack's limit. The number comes first and is never cut."""
    shown = level_name(config, level, lang) if level else t("card.untriaged", lang,
                                                            level=level_name(config, proposed, lang))
    key = f"card.status.{status}"
    state = t(key, lang) if key in MESSAGES else status
    return number + fit(f"｜{shown}｜{state}", ROOM_TEXT_MAX - len(number))
