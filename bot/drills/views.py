"""Drill messages and modals (procedure §7, annex 2): pure functions of a DrillState and the reader's language."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.blockkit import ids
from bot.blockkit.blocks import confirm_dialog, input_block, option, plain
from bot.blockkit.fit import modal_blocks, sections
from bot.drills.state import TEXT_MAX, Decision, DrillState, StatusData, Verification
from bot.procedure.config import OrgConfig
from bot.procedure.i18n import Lang, t
from bot.procedure.status import EvaluationStatus
from bot.procedure.text import escape


def verification_text(result: Verification, config: OrgConfig, lang: Lang) -> str:
    unit = config.unit(result.unit_id)
    lines = [t("drill.verify.title", lang, id=result.drill_id, period=result.period,
               unit=unit.name(lang) if unit else result.unit_id)]
    for check in result.checks:
        lines.append(f"{'✅' if check.ok else '❌'} {check.name}: {check.detail}")
    lines.append(t("drill.verify.ok" if result.ok else "drill.verify.bad", lang))
    return "\n".join(lines)


def when(at: datetime | None, config: OrgConfig, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return at.astimezone(config.organisation.tz).strftime(fmt) if at else "—"


def day(at: datetime | None, config: OrgConfig) -> str:
    return when(at, config, "%Y-%m-%d")


def unit_name(config: OrgConfig, unit_id: str, lang: Lang) -> str:
    unit = config.unit(unit_id)
    return unit.name(lang) if unit else unit_id


def category_name(config: OrgConfig, category: str, lang: Lang) -> str:
    cat = config.category(category)
    return cat.name(lang) if cat else category


def drill_item(config: OrgConfig, category: str, lang: Lang) -> str:
    cat = config.category(category)
    return cat.drill_item(lang) if cat else category


def who_drew(user: str, lang: Lang) -> str:
    return t("drill.by_scheduler", lang) if user == "scheduler" else f"<@{user}>"


def status_name(status: str, lang: Lang) -> str:
    return t(f"drill.status.{status}", lang)


def _sections(text: str) -> list[dict[str, Any]]:
    """Escaped mrkdwn as the section blocks it needs (`bot.blockkit.fit`): a long form arrives whole."""
    return sections(text) or sections("—")


def _button(action_id: str, label: str, value: int | str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {"type": "button", "action_id": action_id, "text": plain(label), "value": str(value)}
    if style:
        button["style"] = style
    return button


def _facts(state: DrillState, config: OrgConfig, lang: Lang) -> str:
    window = (f"{when(state.window_start, config)} – {when(state.window_end, config)}"
              if state.window_start or state.window_end else t("drill.window_tbd", lang))
    return t("drill.facts", lang, period=state.period, unit=escape(unit_name(config, state.unit_id, lang)),
             category=escape(drill_item(config, state.category, lang)), due=day(state.due_at, config),
             window=window, status=status_name(state.status, lang))


def drill_card(state: DrillState, config: OrgConfig, lang: Lang) -> dict[str, Any]:
    """The drill's thread message: the draw's result, how to verify it, and the plan button."""
    title = t("drill.card.title", lang, period=state.period, unit=unit_name(config, state.unit_id, lang))
    drawn = t("drill.card.drawn", lang, by=who_drew(state.drawn_by, lang), at=when(state.drawn_at, config),
              hash=state.record_hash[:16], id=state.id)
    return {"text": title, "blocks": [
        {"type": "header", "text": plain(title, 150)},
        *_sections(_facts(state, config, lang)),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": drawn}]},
        {"type": "actions", "elements": [_button(ids.DRILL_PLAN_OPEN, t("drill.button.plan", lang), state.id)]},
    ]}


def team_notice(state: DrillState, config: OrgConfig, lang: Lang) -> dict[str, Any]:
    """To the executive secretary and the planning group: the unit drawn, the proposed category, plan it."""
    text = t("drill.team_notice", lang, period=state.period, unit=escape(unit_name(config, state.unit_id, lang)),
             category=escape(drill_item(config, state.category, lang)), due=day(state.due_at, config))
    return {"text": text, "blocks": [
        *_sections(text),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": t(
            "drill.card.drawn", lang, by=who_drew(state.drawn_by, lang), at=when(state.drawn_at, config),
            hash=state.record_hash[:16], id=state.id)}]},
        {"type": "actions", "elements": [_button(ids.DRILL_PLAN_OPEN, t("drill.button.plan", lang), state.id,
                                                 "primary")]},
    ]}


def unit_notice(state: DrillState, config: OrgConfig, lang: Lang, *, update: bool = False) -> dict[str, Any]:
    """To the drilled unit's head and deputy: the instruction, the deadline and the report button."""
    key = "drill.unit_update" if update else "drill.unit_notice"
    text = t(key, lang, period=state.period, unit=escape(unit_name(config, state.unit_id, lang)),
             due=day(state.due_at, config))
    return {"text": text, "blocks": [
        *_sections(text),
        *_sections(_facts(state, config, lang)),
        {"type": "actions", "elements": [_button(ids.DRILL_REPORT_OPEN, t("drill.button.report", lang), state.id,
                                                 "primary")]},
    ]}


def reminder(state: DrillState, config: OrgConfig, lang: Lang, days: int) -> dict[str, Any]:
    unit = escape(unit_name(config, state.unit_id, lang))
    text = (t("drill.remind.today", lang, unit=unit, due=day(state.due_at, config)) if days == 0 else
            t("drill.remind.days", lang, unit=unit, days=days, due=day(state.due_at, config)))
    return {"text": text, "blocks": [
        *_sections(text),
        {"type": "actions", "elements": [_button(ids.DRILL_REPORT_OPEN, t("drill.button.report", lang), state.id,
                                                 "primary")]},
    ]}


def overdue(state: DrillState, config: OrgConfig, lang: Lang, *, to_unit: bool) -> dict[str, Any]:
    unit = escape(unit_name(config, state.unit_id, lang))
    text = t("drill.overdue.unit" if to_unit else "drill.overdue.es", lang, unit=unit, period=state.period,
             due=day(state.due_at, config))
    blocks: list[dict[str, Any]] = [*_sections(text)]
    if to_unit:
        blocks.append({"type": "actions", "elements": [
            _button(ids.DRILL_REPORT_OPEN, t("drill.button.report", lang), state.id, "primary")]})
    return {"text": text, "blocks": blocks}


def note(text: str) -> dict[str, Any]:
    return {"text": text, "blocks": [*_sections(text)]}


def _category_options(config: OrgConfig, lang: Lang) -> list[dict[str, Any]]:
    return [option(c.id, c.drill_item(lang)) for c in config.categories]


def _metadata(state: DrillState, lang: Lang, base: int | None) -> str:
    """A drill modal's private_metadata: the drill, the language, and the version (or plan stamp) the form was
    opened on, so a submission made on an older one is told what was saved since."""
    meta: dict[str, Any] = {"drill": state.id, "lang": lang}
    if base is not None:
        meta["base"] = base
    return json.dumps(meta)


def plan_modal(state: DrillState, config: OrgConfig, lang: Lang, *, may_move_due: bool,
               previous_category: str | None, last_use: dict[str, str | None],
               base: int | None = None) -> dict[str, Any]:
    """The planning group's modal: confirm or change the category, the simulated case, the window (and, for the
    executive secretary, the deadline). ``base`` is the plan's stamp as the modal shows it."""
    options = _category_options(config, lang)
    category: dict[str, Any] = {"type": "radio_buttons", "options": options}
    chosen = next((o for o in options if o["value"] == state.category), None)
    if chosen:
        category["initial_option"] = chosen
    uses = "；".join(f"{drill_item(config, c, lang)}：{p or t('drill.never', lang)}" for c, p in last_use.items())
    hint = t("drill.plan.category_hint", lang, uses=uses)
    if previous_category:
        hint += " " + t("drill.plan.not_again", lang, category=drill_item(config, previous_category, lang))
    scenario: dict[str, Any] = {"type": "plain_text_input", "multiline": True, "max_length": TEXT_MAX}
    if state.scenario:
        scenario["initial_value"] = state.scenario
    start: dict[str, Any] = {"type": "datetimepicker"}
    end: dict[str, Any] = {"type": "datetimepicker"}
    if state.window_start:
        start["initial_date_time"] = int(state.window_start.timestamp())
    if state.window_end:
        end["initial_date_time"] = int(state.window_end.timestamp())
    blocks = [
        *_sections(_facts(state, config, lang)),
        input_block(ids.D_CATEGORY, t("drill.plan.category", lang), category, hint=hint),
        input_block(ids.D_SCENARIO, t("drill.plan.scenario", lang), scenario),
        input_block(ids.D_WINDOW_START, t("drill.plan.window_start", lang), start, optional=True),
        input_block(ids.D_WINDOW_END, t("drill.plan.window_end", lang), end, optional=True),
    ]
    if may_move_due:
        blocks.append(input_block(ids.D_DUE, t("drill.plan.due", lang),
                                  {"type": "datepicker", "initial_date": day(state.due_at, config)}, optional=True))
    return {"type": "modal", "callback_id": ids.DRILL_PLAN_VIEW, "title": plain(t("drill.plan.title", lang), 24),
            "submit": plain(t("drill.plan.submit", lang), 24), "close": plain(t("report.close", lang), 24),
            "private_metadata": _metadata(state, lang, base), "blocks": blocks}


def report_modal(state: DrillState, config: OrgConfig, lang: Lang, latest: dict[str, Any] | None,
                 now: datetime, base: int | None = None) -> dict[str, Any]:
    """The drill report form (危機管理演練報告表, annex 2), prefilled from the latest version (number ``base``) or
    the plan."""
    data = latest or {}
    units = [option(u.id, u.name(lang)) for u in config.units]
    unit_el: dict[str, Any] = {"type": "static_select", "options": units}
    initial_unit = next((o for o in units if o["value"] == (data.get("unit") or state.unit_id)), None)
    if initial_unit:
        unit_el["initial_option"] = initial_unit
    time_el: dict[str, Any] = {"type": "datetimepicker"}
    stamp = data.get("drill_time")
    initial = datetime.fromisoformat(stamp) if stamp else (state.window_start or now)
    time_el["initial_date_time"] = int(min(initial, now).timestamp())
    items = _category_options(config, lang)
    items_el: dict[str, Any] = {"type": "checkboxes", "options": items}
    checked = [o for o in items if o["value"] in (data.get("items") or [state.category])]
    if checked:
        items_el["initial_options"] = checked

    def text_el(key: str, initial: str | None = None) -> dict[str, Any]:
        el: dict[str, Any] = {"type": "plain_text_input", "multiline": True, "max_length": TEXT_MAX}
        value = data.get(key) or initial
        if value:
            el["initial_value"] = value
        return el

    version = t("drill.report.revising", lang) if latest else t("drill.report.intro", lang)
    blocks = [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": version}]},
        input_block(ids.R_UNIT, t("annex.unit", lang), unit_el),
        input_block(ids.R_TIME, t("annex.time", lang), time_el),
        input_block(ids.R_ITEMS, t("annex.items", lang), items_el),
        input_block(ids.R_CASE, t("annex.case", lang), text_el("case", state.scenario)),
        input_block(ids.R_SUMMARY, t("annex.summary", lang), text_el("summary")),
        input_block(ids.R_FINDINGS, t("annex.findings", lang), text_el("findings"), optional=True),
        input_block(ids.R_IMPROVEMENTS, t("annex.improvements", lang), text_el("improvements"), optional=True),
    ]
    return {"type": "modal", "callback_id": ids.DRILL_REPORT_VIEW, "title": plain(t("drill.report.title", lang), 24),
            "submit": plain(t("drill.report.submit", lang), 24), "close": plain(t("report.close", lang), 24),
            "private_metadata": _metadata(state, lang, base), "blocks": blocks}


def report_done_view(version: int, lang: Lang) -> dict[str, Any]:
    return {"type": "modal", "callback_id": ids.DRILL_REPORT_DONE_VIEW,
            "title": plain(t("drill.report.done_title", lang), 24), "close": plain(t("common.close", lang), 24),
            "blocks": [*_sections(t("drill.report.done", lang, version=version))]}


def report_text(data: dict[str, Any], config: OrgConfig, lang: Lang) -> str:
    """The form's values as mrkdwn, every user text escaped."""
    checked = set(data.get("items") or [])
    items = "　".join(("☑ " if c.id in checked else "☐ ") + c.drill_item(lang) for c in config.categories)
    stamp = data.get("drill_time")
    rows = [
        (t("annex.unit", lang), escape(unit_name(config, data.get("unit", ""), lang))),
        (t("annex.time", lang), when(datetime.fromisoformat(stamp), config) if stamp else "—"),
        (t("annex.items", lang), items),
        (t("annex.case", lang), escape(data.get("case") or "—")),
        (t("annex.summary", lang), escape(data.get("summary") or "—")),
        (t("annex.findings", lang), escape(data.get("findings") or "—")),
        (t("annex.improvements", lang), escape(data.get("improvements") or "—")),
    ]
    return "\n".join(f"*{k}*\n{v}" for k, v in rows)


def report_sent(state: DrillState, data: dict[str, Any], version: int, by: str, config: OrgConfig, lang: Lang, *,
                evaluate: bool) -> dict[str, Any]:
    """The filed form, by DM to the commander and the executive secretary (and the planning group, to evaluate)."""
    key = "drill.report.sent" if version == 1 else "drill.report.revised"
    text = t(key, lang, unit=escape(unit_name(config, state.unit_id, lang)), period=state.period, version=version,
             user=by)
    blocks: list[dict[str, Any]] = [*_sections(text), *_sections(report_text(data, config, lang))]
    if evaluate:
        blocks.append({"type": "actions", "elements": [
            _button(ids.DRILL_EVAL_OPEN, t("drill.button.evaluate", lang), state.id, "primary")]})
    return {"text": text, "blocks": blocks}


def evaluation_modal(state: DrillState, config: OrgConfig, lang: Lang, latest: dict[str, Any] | None,
                     report: dict[str, Any] | None, base: int | None = None) -> dict[str, Any]:
    """The planning group's evaluation, prefilled from the latest version (number ``base``)."""
    data = latest or {}

    def text_el(key: str) -> dict[str, Any]:
        el: dict[str, Any] = {"type": "plain_text_input", "multiline": True, "max_length": TEXT_MAX}
        if data.get(key):
            el["initial_value"] = data[key]
        return el

    blocks: list[dict[str, Any]] = [*_sections(_facts(state, config, lang))]
    if data.get("return_comment"):
        blocks += _sections(t("drill.eval.returned_comment", lang, comment=escape(data["return_comment"])))
    if report:
        blocks += _sections(report_text(report, config, lang))
    blocks += [
        input_block(ids.E_ASSESSMENT, t("eval.assessment", lang), text_el("assessment")),
        input_block(ids.E_STRENGTHS, t("eval.strengths", lang), text_el("strengths"), optional=True),
        input_block(ids.E_RECOMMENDATIONS, t("eval.recommendations", lang), text_el("recommendations")),
    ]
    return {"type": "modal", "callback_id": ids.DRILL_EVAL_VIEW, "title": plain(t("drill.eval.title", lang), 24),
            "submit": plain(t("drill.eval.submit", lang), 24), "close": plain(t("report.close", lang), 24),
            "private_metadata": _metadata(state, lang, base),
            "blocks": modal_blocks(blocks, t("fit.modal_more", lang))}


def evaluation_text(data: dict[str, Any], lang: Lang) -> str:
    rows = [(t("eval.assessment", lang), data.get("assessment")), (t("eval.strengths", lang), data.get("strengths")),
            (t("eval.recommendations", lang), data.get("recommendations"))]
    return "\n".join(f"*{k}*\n{escape(v or '—')}" for k, v in rows)


def approval_request(state: DrillState, evaluation_id: int, version: int, data: dict[str, Any], by: str,
                     config: OrgConfig, lang: Lang, *, settled: str | None = None) -> dict[str, Any]:
    """The evaluation for the executive secretary (and, as a copy, the deputy) to approve or return; once
    `settled` (what became of it: approved, returned or superseded, by whom, when), that line instead of the
    buttons."""
    text = t("drill.eval.approval", lang, unit=escape(unit_name(config, state.unit_id, lang)), period=state.period,
             version=version, user=by)
    if settled is not None:
        last: dict[str, Any] = {"type": "context", "elements": [{"type": "mrkdwn", "text": settled}]}
    else:
        last = {"type": "actions", "elements": [
            {**_button(ids.DRILL_APPROVE, t("drill.button.approve", lang), evaluation_id, "primary"),
             "confirm": confirm_dialog("approve_evaluation", lang, "primary")},
            _button(ids.DRILL_RETURN_OPEN, t("drill.button.return", lang), evaluation_id)]}
    return {"text": text, "blocks": [*_sections(text), *_sections(evaluation_text(data, lang)), last]}


def closed_copy(message: dict[str, Any], by: str | None, at: datetime | None, config: OrgConfig,
                lang: Lang) -> dict[str, Any]:
    """A drill message as it stands once the drill is closed: its buttons (plan, report, evaluate, revise) have
    nothing left to do, so they give way to a line saying who closed it and when."""
    line = t("drill.closed.line", lang, user=by or "—", at=when(at, config))
    blocks = [b for b in message["blocks"] if b.get("type") != "actions"]
    return {**message, "blocks": [*blocks, {"type": "context", "elements": [{"type": "mrkdwn", "text": line}]}]}


def return_modal(evaluation_id: int, lang: Lang) -> dict[str, Any]:
    return {"type": "modal", "callback_id": ids.DRILL_RETURN_VIEW, "title": plain(t("drill.return.title", lang), 24),
            "submit": plain(t("drill.return.submit", lang), 24), "close": plain(t("report.close", lang), 24),
            "private_metadata": json.dumps({"evaluation": evaluation_id, "lang": lang}),
            "blocks": [input_block(ids.E_RETURN_COMMENT, t("drill.return.comment", lang),
                                   {"type": "plain_text_input", "multiline": True, "max_length": TEXT_MAX})]}


def decided(state: DrillState, version: int, data: dict[str, Any], approved: bool, by: str, config: OrgConfig,
            lang: Lang) -> dict[str, Any]:
    """To the planning group: the evaluation was approved, or returned with the comment and a revise button."""
    unit = escape(unit_name(config, state.unit_id, lang))
    if approved:
        text = t("drill.eval.approved", lang, user=by, version=version, unit=unit, period=state.period)
        return {"text": text, "blocks": [*_sections(text)]}
    text = t("drill.eval.returned", lang, user=by, version=version, unit=unit, period=state.period)
    return {"text": text, "blocks": [
        *_sections(text),
        *_sections(t("drill.eval.returned_comment", lang, comment=escape(data.get("return_comment") or "—"))),
        {"type": "actions", "elements": [
            _button(ids.DRILL_EVAL_OPEN, t("drill.button.revise", lang), state.id, "primary")]},
    ]}


def circulation(state: DrillState, data: dict[str, Any], report: dict[str, Any] | None, approved_by: str,
                config: OrgConfig, lang: Lang) -> dict[str, Any]:
    """The approved evaluation, circulated to every unit for reference (§7.3)."""
    text = t("drill.circulate", lang, period=state.period, unit=escape(unit_name(config, state.unit_id, lang)),
             category=escape(drill_item(config, state.category, lang)), user=approved_by)
    blocks: list[dict[str, Any]] = [*_sections(text), *_sections(evaluation_text(data, lang))]
    if report and report.get("summary"):
        blocks += _sections(f"{t('annex.summary', lang)}：{escape(report['summary'])}")
    return {"text": text, "blocks": blocks}


def status_message(data: StatusData, config: OrgConfig, lang: Lang) -> dict[str, Any]:
    """`/crisis drill status`: the current drill and its state, the history, each unit's and category's last."""
    title = t("drill.status.title", lang)
    if data.current is None:
        current = t("drill.status.none", lang)
    else:
        current = _facts(data.current, config, lang)
        current += "\n" + t("drill.status.report", lang, version=data.report_version or "—",
                            evaluation=t(f"drill.eval.status.{data.evaluation_status}", lang)
                            if data.evaluation_status else "—")
        if data.current.scenario:
            current += "\n" + t("drill.status.scenario", lang, scenario=escape(data.current.scenario))
        current += "\n" + t("drill.status.verify", lang, id=data.current.id)
    past = "\n".join(
        f"• {d.period}｜{escape(unit_name(config, d.unit_id, lang))}｜{escape(drill_item(config, d.category, lang))}"
        f"｜{status_name(d.status, lang)}（#{d.id}）" for d in data.history[:12]) or t("drill.never", lang)
    units = "\n".join(f"• {escape(unit_name(config, u, lang))}：{p or t('drill.never', lang)}"
                      for u, p in data.unit_last.items())
    cats = "\n".join(f"• {escape(drill_item(config, c, lang))}：{p or t('drill.never', lang)}"
                     for c, p in data.category_last.items())
    blocks = [
        {"type": "header", "block_id": ids.DRILL_STATUS_HEADER, "text": plain(title, 150)},
        *_sections(f"*{t('drill.status.current', lang)}*\n{current}"),
        *_sections(f"*{t('drill.status.history', lang)}*\n{past}"),
        *_sections(f"*{t('drill.status.units', lang)}*\n{units}"),
        *_sections(f"*{t('drill.status.categories', lang)}*\n{cats}"),
    ]
    return {"response_type": "ephemeral", "text": f"{title}\n{current}", "blocks": blocks}


def done_view(title: str, text: str, lang: Lang) -> dict[str, Any]:
    """What a drill modal turns into on submit."""
    return {"type": "modal", "callback_id": ids.DRILL_REPORT_DONE_VIEW, "title": plain(title, 24),
            "close": plain(t("common.close", lang), 24), "blocks": [*_sections(text)]}


def decision_text(decision: Decision, config: OrgConfig, lang: Lang) -> str:
    """What an approver is told when their approve or return did not count: a newer version supersedes this one,
    or it was approved or returned already (by whom, when)."""
    at = when(decision.at, config)
    if decision.newer is not None:
        return t("drill.eval.superseded", lang, version=decision.version, newer=decision.newer,
                 user=decision.by or "—", at=at)
    if decision.by is None:
        return t("drill.eval.already", lang)
    approved = decision.status == EvaluationStatus.APPROVED
    key = "drill.eval.already_approved" if approved else "drill.eval.already_returned"
    return t(key, lang, version=decision.version, user=decision.by, at=at)


def closed_text(action: str, by: str | None, at: datetime | None, config: OrgConfig, lang: Lang) -> str:
    """A closed drill refuses to be re-planned, re-reported or re-evaluated, saying who closed it and when."""
    text = t(f"drill.closed.{action}", lang)
    if by:
        text += t("drill.closed.by", lang, user=by, at=when(at, config))
    return text


def stale_text(what: str, version: int | None, by: str, at: datetime, config: OrgConfig, lang: Lang) -> str:
    """Someone saved a newer version while this person had the form open: what was saved, by whom, when."""
    return t(f"drill.stale.{what}", lang, version=version or "", user=by, at=when(at, config))
