"""The report modal (`/crisis report`) with its receipt, and triage: the DM asking the unit's head to judge the
level and the triage modal. Pure Block Kit of the config, the card's state and the reader's language."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.blockkit import ids
from bot.blockkit.blocks import input_block, level_definitions, level_options, option, plain, subtype_groups
from bot.blockkit.fit import sections
from bot.blockkit.names import level_name, short_time
from bot.incidents.account import account_blocks
from bot.incidents.state import DESCRIPTION_MAX, FLAGS, IMPACT_MAX, LOCATION_MAX, TITLE_MAX
from bot.overview.casesview import past_cases_blocks
from bot.procedure.config import OrgConfig
from bot.procedure.i18n import Lang, t
from bot.procedure.text import escape
from bot.warroom.state import CardState


def report_modal(config: OrgConfig, lang: Lang, *, unit_id: str | None, channel_id: str | None = None,
                 occurred: int | None = None) -> dict[str, Any]:
    """The form. `unit_id` preselects the reporter's unit; `occurred` (epoch seconds) preselects the time."""
    units = [option(u.id, u.name(lang)) for u in config.units]
    unit_element: dict[str, Any] = {"type": "static_select", "options": units}
    initial_unit = next((o for o in units if o["value"] == unit_id), None)
    if initial_unit:
        unit_element["initial_option"] = initial_unit
    groups = subtype_groups(config, lang)
    levels = level_options(config, lang)
    definitions = level_definitions(config, lang)
    occurred_element: dict[str, Any] = {"type": "datetimepicker"}
    if occurred:
        occurred_element["initial_date_time"] = occurred
    flags = [option(f, t(f"flag.{f}", lang)) for f in FLAGS]
    blocks = [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": t("report.intro", lang)}]},
        input_block(ids.F_UNIT, t("report.unit", lang), unit_element),
        input_block(ids.F_SUBTYPE, t("report.subtype", lang),
               {"type": "static_select", "option_groups": groups,
                "placeholder": plain(t("report.subtype_ph", lang), 150)}),
        input_block(ids.F_TITLE, t("report.title_field", lang),
               {"type": "plain_text_input", "max_length": TITLE_MAX,
                "placeholder": plain(t("report.title_ph", lang), 150)}),
        input_block(ids.F_DESCRIPTION, t("report.description", lang),
               {"type": "plain_text_input", "multiline": True, "max_length": DESCRIPTION_MAX}),
        input_block(ids.F_OCCURRED, t("report.occurred", lang), occurred_element, optional=True),
        input_block(ids.F_LOCATION, t("report.location", lang),
               {"type": "plain_text_input", "max_length": LOCATION_MAX}, optional=True),
        input_block(ids.F_IMPACT, t("report.impact", lang),
               {"type": "plain_text_input", "multiline": True, "max_length": IMPACT_MAX}, optional=True),
        input_block(ids.F_LEVEL, t("report.level", lang), {"type": "radio_buttons", "options": levels},
               hint=f"{t('report.level_hint', lang)}\n{definitions}"),
        input_block(ids.F_FLAGS, t("report.flags", lang), {"type": "checkboxes", "options": flags}, optional=True),
    ]
    return {
        "type": "modal",
        "callback_id": ids.REPORT_VIEW,
        "title": plain(t("report.title", lang), 24),
        "submit": plain(t("report.submit", lang), 24),
        "close": plain(t("report.close", lang), 24),
        "private_metadata": json.dumps({"lang": lang, "channel": channel_id}),
        "blocks": blocks,
    }


def report_done_view(number: str, title: str, lang: Lang) -> dict[str, Any]:
    """What the modal turns into on submit: the number, and that the war-room link follows by DM."""
    return {"type": "modal", "callback_id": ids.REPORT_DONE_VIEW, "title": plain(t("report.done_title", lang), 24),
            "close": plain(t("common.close", lang), 24),
            "blocks": sections(t("report.done", lang, number=number, title=escape(title)))}


def triage_request(state: CardState, config: OrgConfig, lang: Lang, *, triaged_by: str | None = None,
                   triaged_at: datetime | None = None) -> dict[str, Any]:
    """The DM that asks the unit head to judge the level (§5), with the reporter's whole account to judge by; once
    judged (`triaged_by`), it says who judged which level and when, and the button goes."""
    unit = config.unit(state.unit_id or "")
    text = t("triage.request", lang, unit=escape(unit.name(lang)) if unit else "—", number=state.number,
             title=escape(state.title), level=level_name(config, state.proposed_level, lang))
    if triaged_by:
        last: dict[str, Any] = {"type": "context", "elements": [{"type": "mrkdwn", "text": t(
            "triage.done_line", lang, user=triaged_by, level=level_name(config, state.level, lang),
            at=short_time(triaged_at, config))}]}
    else:
        last = {"type": "actions", "elements": [{"type": "button", "action_id": ids.TRIAGE_OPEN, "style": "primary",
                                                 "value": str(state.id), "text": plain(t("button.triage", lang))}]}
    return {"text": text, "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        *account_blocks(state.account, config, lang, block_id=ids.ACCOUNT),
        *past_cases_blocks(state.past_cases, config, lang),
        last,
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
