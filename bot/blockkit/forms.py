"""Reading a modal's `state.values`: one place for how text, choices and times are cleaned and checked, so
every form gives the same inline errors (block id → message in the reader's language)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.procedure.errors import InvalidInput
from bot.procedure.i18n import MESSAGES, Lang, t
from bot.procedure.text import clean


def value(values: dict[str, Any], block: str) -> dict[str, Any]:
    """The element state of a block whose action id equals its block id (how the bot builds its inputs)."""
    return (values.get(block) or {}).get(block) or {}


def text(values: dict[str, Any], block: str, limit: int, required: bool, errors: dict[str, str], lang: Lang) -> str:
    """Typed text without control characters, trimmed; an error when required and empty, or too long."""
    raw = clean(str(value(values, block).get("value") or "")).strip()
    if required and not raw:
        errors[block] = t("error.required", lang)
    elif len(raw) > limit:
        errors[block] = t("error.too_long", lang, limit=limit)
    return raw


def choice(values: dict[str, Any], block: str) -> str:
    """The value of the selected option of a select or radio group ("" when none)."""
    return str((value(values, block).get("selected_option") or {}).get("value") or "")


def choices(values: dict[str, Any], block: str) -> list[str]:
    """The values of the selected options of checkboxes or a multi-select."""
    return [str(o.get("value")) for o in value(values, block).get("selected_options") or []]


def stamp(values: dict[str, Any], block: str, errors: dict[str, str], lang: Lang) -> datetime | None:
    """A datetimepicker's time, in UTC; None when empty, an error when unreadable."""
    raw = value(values, block).get("selected_date_time")
    if raw is None:
        return None
    try:
        return datetime.fromtimestamp(int(raw), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        errors[block] = t("error.unknown_choice", lang)
        return None


def inline_errors(error: InvalidInput, blocks: Mapping[str, str], lang: Lang) -> dict[str, str]:
    """A refusal as Slack's inline modal errors: each field named by the service goes to its block (`blocks`),
    and a message that is a text key is said in the reader's language. Form readers' errors pass unchanged."""
    return {blocks.get(field, field): t(message, lang) if message in MESSAGES else message
            for field, message in error.errors.items()}
