"""The drill modals' values → the plan, the report form (annex 2) and the evaluation, with inline errors."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from bot.blockkit import forms, ids
from bot.drills.state import SCENARIO_MAX, TEXT_MAX, Plan
from bot.procedure.config import OrgConfig
from bot.procedure.errors import InvalidInput
from bot.procedure.i18n import Lang, t
from storage.models import Drill


def parse_plan(config: OrgConfig, values: dict[str, Any], lang: Lang) -> Plan:
    errors: dict[str, str] = {}
    category = forms.choice(values, ids.D_CATEGORY)
    if config.category(category) is None:
        errors[ids.D_CATEGORY] = t("error.unknown_choice" if category else "error.required", lang)
    scenario = forms.text(values, ids.D_SCENARIO, SCENARIO_MAX, True, errors, lang)
    start = forms.stamp(values, ids.D_WINDOW_START, errors, lang)
    end = forms.stamp(values, ids.D_WINDOW_END, errors, lang)
    if start and end and end <= start:
        errors[ids.D_WINDOW_END] = t("drill.error.window", lang)
    due_raw = forms.value(values, ids.D_DUE).get("selected_date")
    due_day = None
    if due_raw:
        try:
            due_day = date.fromisoformat(str(due_raw))
        except ValueError:
            errors[ids.D_DUE] = t("error.unknown_choice", lang)
    if errors:
        raise InvalidInput(errors)
    return Plan(category, scenario, start, end, due_day)


def parse_report(config: OrgConfig, drill: Drill, values: dict[str, Any], now: datetime,
                 lang: Lang) -> dict[str, Any]:
    """The drill report form (annex 2) as a plain dict, or InvalidInput with every problem at once."""
    errors: dict[str, str] = {}
    unit = forms.choice(values, ids.R_UNIT)
    if unit != drill.unit_id:
        errors[ids.R_UNIT] = t("drill.error.unit", lang)
    drill_time = forms.stamp(values, ids.R_TIME, errors, lang)
    if drill_time is None and ids.R_TIME not in errors:
        errors[ids.R_TIME] = t("error.required", lang)
    elif drill_time is not None and drill_time > now + timedelta(minutes=5):
        errors[ids.R_TIME] = t("error.future", lang)
    known = {c.id for c in config.categories}
    items = forms.choices(values, ids.R_ITEMS)
    if not items:
        errors[ids.R_ITEMS] = t("error.required", lang)
    elif not set(items) <= known:
        errors[ids.R_ITEMS] = t("error.unknown_choice", lang)
    case = forms.text(values, ids.R_CASE, TEXT_MAX, True, errors, lang)
    summary = forms.text(values, ids.R_SUMMARY, TEXT_MAX, True, errors, lang)
    findings = forms.text(values, ids.R_FINDINGS, TEXT_MAX, False, errors, lang)
    improvements = forms.text(values, ids.R_IMPROVEMENTS, TEXT_MAX, False, errors, lang)
    if errors:
        raise InvalidInput(errors)
    order = [c.id for c in config.categories]
    return {"unit": unit, "drill_time": drill_time.isoformat() if drill_time else None,
            "items": sorted(set(items), key=order.index), "case": case, "summary": summary, "findings": findings,
            "improvements": improvements}


def parse_evaluation(values: dict[str, Any], lang: Lang) -> dict[str, Any]:
    errors: dict[str, str] = {}
    data = {"assessment": forms.text(values, ids.E_ASSESSMENT, TEXT_MAX, True, errors, lang),
            "strengths": forms.text(values, ids.E_STRENGTHS, TEXT_MAX, False, errors, lang),
            "recommendations": forms.text(values, ids.E_RECOMMENDATIONS, TEXT_MAX, True, errors, lang)}
    if errors:
        raise InvalidInput(errors)
    return data


# The service's field names → the modals' blocks, for its refusals shown inline.
BLOCKS = {"category": ids.D_CATEGORY, "due": ids.D_DUE, "summary": ids.R_SUMMARY, "assessment": ids.E_ASSESSMENT}
