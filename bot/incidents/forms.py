"""The report and triage modals' values → domain values (a `Report`; a level and sub-type), with every problem
at once as inline errors."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.blockkit import forms, ids
from bot.incidents.state import DESCRIPTION_MAX, FLAGS, IMPACT_MAX, LOCATION_MAX, TITLE_MAX, Report
from bot.procedure.config import Level, OrgConfig
from bot.procedure.errors import InvalidInput
from bot.procedure.i18n import Lang, t


def parse_triage(values: dict[str, Any], lang: Lang) -> tuple[Level, str | None]:
    """The triage modal's level (required) and sub-type (optional: unchanged when not chosen)."""
    level = forms.choice(values, ids.T_LEVEL)
    if level not in {lv.value for lv in Level}:
        raise InvalidInput({ids.T_LEVEL: t("error.required", lang)})
    return Level(level), forms.choice(values, ids.T_SUBTYPE) or None


def parse_report(config: OrgConfig, values: dict[str, Any], now: datetime, lang: Lang) -> Report:
    """Turn the modal's state.values into a Report, or raise InvalidInput with every problem at once."""
    errors: dict[str, str] = {}

    def text(block: str, limit: int, required: bool) -> str:
        return forms.text(values, block, limit, required, errors, lang)

    def choice(block: str) -> str:
        return forms.choice(values, block)

    unit_id = choice(ids.F_UNIT)
    if config.unit(unit_id) is None:
        errors[ids.F_UNIT] = t("error.unknown_choice" if unit_id else "error.required", lang)
    subtype = choice(ids.F_SUBTYPE)
    category = next((c.id for c in config.categories for s in c.subtypes if s.id == subtype), "")
    if not category:
        errors[ids.F_SUBTYPE] = t("error.unknown_choice" if subtype else "error.required", lang)
    level = choice(ids.F_LEVEL)
    if level not in {lv.value for lv in Level}:
        errors[ids.F_LEVEL] = t("error.unknown_choice" if level else "error.required", lang)
    title = text(ids.F_TITLE, TITLE_MAX, True)
    description = text(ids.F_DESCRIPTION, DESCRIPTION_MAX, True)
    location = text(ids.F_LOCATION, LOCATION_MAX, False)
    impact = text(ids.F_IMPACT, IMPACT_MAX, False)
    occurred_at = forms.stamp(values, ids.F_OCCURRED, errors, lang)
    if occurred_at is not None and occurred_at > now + timedelta(minutes=5):
        errors[ids.F_OCCURRED] = t("error.future", lang)
    chosen = set(forms.choices(values, ids.F_FLAGS))
    if errors:
        raise InvalidInput(errors)
    return Report(unit_id, category, subtype, title, description, occurred_at, location, impact, Level(level),
                  {f: f in chosen for f in FLAGS})
