"""Block Kit builders every view uses: plain text, options, input blocks, the level and sub-type menus, buttons,
short messages, and the loading and error views."""

from __future__ import annotations

from typing import Any

from bot.blockkit import ids
from bot.blockkit.fit import fallback, sections
from bot.procedure.config import Level, OrgConfig
from bot.procedure.i18n import Lang, t
from bot.procedure.text import clip


def text_message(text: str) -> dict[str, Any]:
    """A mrkdwn message of the text (escaped already), in as many sections as it needs; its notification
    fallback is the text's start. A message past Slack's limits is continued by the adapter in its thread."""
    return {"text": fallback(text), "blocks": sections(text) or sections("—")}


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


# Slack's limits for a confirmation dialog's parts (the composition object `confirm`).
CONFIRM_TITLE_MAX, CONFIRM_TEXT_MAX, CONFIRM_BUTTON_MAX = 100, 300, 30


def confirm_dialog(kind: str, lang: Lang, style: str | None = None) -> dict[str, Any]:
    """Slack's "are you sure?" dialog for a button that cannot be undone (`confirm.<kind>.*` texts, in the reader's
    language): the client shows it on the click and sends the action only on its confirm button."""
    dialog: dict[str, Any] = {
        "title": plain(t(f"confirm.{kind}.title", lang), CONFIRM_TITLE_MAX),
        "text": plain(t(f"confirm.{kind}.text", lang), CONFIRM_TEXT_MAX),
        "confirm": plain(t(f"confirm.{kind}.confirm", lang), CONFIRM_BUTTON_MAX),
        "deny": plain(t("confirm.deny", lang), CONFIRM_BUTTON_MAX),
    }
    if style:
        dialog["style"] = style
    return dialog


def button(action_id: str, label: str, value: str, style: str | None = None,
           confirm: dict[str, Any] | None = None) -> dict[str, Any]:
    """A button; with `confirm` (a `confirm_dialog`), one that asks before it acts."""
    element: dict[str, Any] = {"type": "button", "action_id": action_id, "value": value, "text": plain(label)}
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    return element


# Buttons a service may ask for by name (due work carries the name, not a Slack action id): action, label, style.
NAMED_BUTTONS = {"case_file": (ids.CASEFILE_OPEN, "button.case_file", "primary")}


def simple_message(text: str, buttons: list[list[str]], lang: Lang) -> dict[str, Any]:
    """A section with the text and, optionally, buttons given as [name, value] (a `NAMED_BUTTONS` name) or as
    [action id, label key, value, style?]."""
    blocks: list[dict[str, Any]] = sections(text) or sections("—")
    specs = [[*NAMED_BUTTONS[b[0]][:2], b[1], NAMED_BUTTONS[b[0]][2]] if len(b) == 2 else b for b in buttons]
    if specs:
        blocks.append({"type": "actions", "elements": [
            button(b[0], t(b[1], lang), b[2], b[3] if len(b) > 3 else None) for b in specs]})
    return {"text": fallback(text), "blocks": blocks}
