"""The report modal (`/crisis report`): the fields the procedure needs to judge and route a crisis."""

from __future__ import annotations

import json
from typing import Any

from bot import ids
from bot.config import Level, OrgConfig
from bot.i18n import Lang, t
from bot.text import clip

TITLE_MAX = 150
DESCRIPTION_MAX = 3000
LOCATION_MAX = 200
IMPACT_MAX = 2000
FLAGS = ("media", "legislator", "casualties")


def plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def option(value: str, text: str, description: str | None = None) -> dict[str, Any]:
    option: dict[str, Any] = {"text": plain(text), "value": value}
    if description:
        option["description"] = plain(description)
    return option


def input_block(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False,
           hint: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "input", "block_id": block_id, "label": plain(label, 2000),
                             "element": {**element, "action_id": block_id}, "optional": optional}
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def subtype_groups(config: OrgConfig, lang: Lang) -> list[dict[str, Any]]:
    """The 4 categories as option groups of their 9 sub-types (§4)."""
    return [{"label": plain(c.name(lang)), "options": [option(s.id, s.name(lang)) for s in c.subtypes]}
            for c in config.categories]


def level_options(config: OrgConfig, lang: Lang) -> list[dict[str, Any]]:
    """High, medium, low, each with whom it notifies (§5)."""
    return [option(lv.value, config.levels.of(lv).name(lang), t(f"level.notify.{lv.value}", lang)) for lv in Level]


def level_definitions(config: OrgConfig, lang: Lang) -> str:
    """The procedure's definitions of the levels, shown as the hint under the level choice."""
    return "\n".join(f"{config.levels.of(lv).name(lang)}: {config.levels.of(lv).definition(lang)}" for lv in Level)


def loading_view(lang: Lang) -> dict[str, Any]:
    """Shown at once while slow look-ups run, then replaced by the form."""
    return {"type": "modal", "callback_id": ids.REPORT_LOADING_VIEW, "title": plain(t("report.title", lang), 24),
            "close": plain(t("report.close", lang), 24),
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": t("report.loading", lang)}}]}


def error_view(error_id: str, lang: Lang) -> dict[str, Any]:
    """What a loading view turns into when the form cannot be prepared (the database is down, say)."""
    return {"type": "modal", "callback_id": ids.REPORT_LOADING_VIEW, "title": plain(t("report.title", lang), 24),
            "close": plain(t("common.close", lang), 24),
            "blocks": [{"type": "section", "text": {"type": "mrkdwn",
                                                    "text": t("error.generic", lang, error_id=error_id)}}]}


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
            "blocks": [{"type": "section", "text": {"type": "mrkdwn",
                                                    "text": t("report.done", lang, number=number, title=title)}}]}
