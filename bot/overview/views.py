"""The App Home tab, `/crisis list` and `/crisis status`: pure Block Kit from an Overview and the reader's language.

Home: the pages waiting on the person (each with an Acknowledge button handled by the page listener), their
tasks, the open incidents with their war rooms, the current drill and the deadlines coming up, then the help."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.blockkit import ids
from bot.blockkit.blocks import confirm_dialog
from bot.blockkit.fit import fallback, quote, sections
from bot.blockkit.names import category_name, level_name, role_name, room_link
from bot.drills.views import drill_item, status_name, unit_name, when
from bot.incidents.account import account_short, account_text
from bot.incidents.state import untriaged_page
from bot.overview.casesview import home_cases_blocks
from bot.overview.state import CaseRecord, IncidentLine, Moment, Overview, PageWaiting, Task
from bot.procedure.commands import Command
from bot.procedure.config import Level, OrgConfig
from bot.procedure.i18n import MESSAGES, Lang, t
from bot.procedure.text import clip, escape, fit, is_user_id
from bot.procedure.who import Who
from bot.warroom.state import CardState
from bot.warroom.views import page_lines

MAX_BLOCKS = 100  # a home tab's limit


SECTION_MAX = 3000


def _plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def _section(text: str, block_id: str | None = None, accessory: dict[str, Any] | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_MAX)}}
    if block_id:
        block["block_id"] = block_id
    if accessory:
        block["accessory"] = accessory
    return block


def _button(action_id: str, label: str, value: int | str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {"type": "button", "action_id": action_id, "text": _plain(label), "value": str(value)}
    if style:
        button["style"] = style
    return button


def status_label(status: str, lang: Lang) -> str:
    key = f"card.status.{status}"
    return t(key, lang) if key in MESSAGES else status


def _level(line: IncidentLine | CardState, config: OrgConfig, lang: Lang) -> str:
    if line.level:
        return level_name(config, line.level, lang)
    return t("overview.untriaged", lang, level=level_name(config, line.proposed_level, lang))


def incident_line(line: IncidentLine, config: OrgConfig, lang: Lang) -> str:
    """• *2026-0007* title｜level｜status｜#war-room, then the short account as a quote (what, where, when, flags)."""
    room = room_link(line.channel_id, line.channel_name) if line.channel_id else t("page.room_pending", lang)
    sep = "｜" if lang == "zh-TW" else " | "
    head = sep.join([f"• *{line.number}* {escape(clip(line.title, 80))}", _level(line, config, lang),
                     status_label(line.status, lang), room])
    return head + "\n" + quote(account_short(line.account, config, lang))


def _incidents_text(data: Overview, config: OrgConfig, lang: Lang) -> str:
    if not data.incidents:
        return t("overview.incidents.title", lang, n=0) + "\n" + t("overview.incidents.none", lang)
    lines = [incident_line(i, config, lang) for i in data.incidents]
    if data.more_incidents:
        lines.append(t("overview.incidents.more", lang, n=data.more_incidents))
    return t("overview.incidents.title", lang, n=len(data.incidents) + data.more_incidents) + "\n" + "\n".join(lines)


def _page_text(page: PageWaiting, config: OrgConfig, lang: Lang) -> str:
    return t("overview.page", lang, number=page.incident.number, title=escape(clip(page.incident.title, 80)),
             role=role_name(page.role, lang), level=_level(page.incident, config, lang),
             at=when(page.paged_at, config, "%m/%d %H:%M"), escalates=when(page.escalates_at, config, "%H:%M"))


def home_task_value(action_id: str, value: str) -> str:
    """A task button's value on App Home: the DM button it stands for, and that button's value."""
    return f"{action_id}|{value}"


def _task(task: Task, config: OrgConfig, lang: Lang, drill_unit: str | None) -> tuple[str, list[dict[str, Any]]]:
    """A task's line and its buttons. Buttons that act at once go through ``HOME_TASK`` (App Home has no message
    to answer below, so its listener answers by refreshing the tab); those that open a modal are the DM's own."""
    due = when(task.due_at, config, "%m/%d %H:%M") if task.due_at else "—"
    if task.kind == "triage" and task.incident:
        proposed = Level(task.incident.proposed_level) if task.incident.proposed_level else None
        tier = role_name(untriaged_page(config.routing, proposed), lang)
        text = t("overview.task.triage", lang, number=task.incident.number,
                 title=escape(clip(task.incident.title, 80)), level=level_name(config, task.incident.proposed_level,
                                                                              lang), due=due,
                 role=tier, role_lower=tier[0].lower() + tier[1:])
        return text, [_button(ids.TRIAGE_OPEN, t("button.triage", lang), task.ref, "primary")]
    if task.incident is not None and task.kind in ("plan_confirm", "media_approve", "legal_answer"):
        facts = {"number": task.incident.number, "title": escape(clip(task.incident.title, 80)),
                 "user": task.by or "—"}
        value = f"{task.ref}:{task.sub}" if task.sub is not None else str(task.ref)
        if task.kind == "plan_confirm":
            return t("overview.task.plan_confirm", lang, **facts), [
                {**_button(ids.HOME_TASK, t("button.confirm_plan", lang), home_task_value(ids.PLAN_CONFIRM, value),
                           "primary"), "confirm": confirm_dialog("confirm_plan", lang, "primary")}]
        if task.kind == "media_approve":
            return t("overview.task.media_approve", lang, **facts), [
                {**_button(ids.HOME_TASK, t("button.media_approve", lang),
                           home_task_value(ids.MEDIA_APPROVE, value), "primary"),
                 "confirm": confirm_dialog("approve_statement", lang, "primary")},
                _button(ids.MEDIA_EDIT_OPEN, t("button.media_edit", lang), value),
                _button(ids.MEDIA_REJECT_OPEN, t("button.media_reject", lang), value, "danger")]
        return t("overview.task.legal_answer", lang, **facts), [
            _button(ids.LEGAL_ANSWER_OPEN, t("button.legal_answer", lang), value, "primary")]
    unit = escape(unit_name(config, drill_unit, lang)) if drill_unit else "—"
    due_day = when(task.due_at, config, "%Y-%m-%d") if task.due_at else "—"
    if task.kind == "drill_plan":
        return (t("overview.task.drill_plan", lang, unit=unit),
                [_button(ids.DRILL_PLAN_OPEN, t("drill.button.plan", lang), task.ref)])
    if task.kind == "drill_report":
        return (t("overview.task.drill_report", lang, unit=unit, due=due_day),
                [_button(ids.DRILL_REPORT_OPEN, t("drill.button.report", lang), task.ref, "primary")])
    if task.kind == "drill_evaluate":
        return (t("overview.task.drill_evaluate", lang, unit=unit),
                [_button(ids.DRILL_EVAL_OPEN, t("drill.button.evaluate", lang), task.ref)])
    return t("overview.task.drill_approve_now", lang, unit=unit), [
        {**_button(ids.HOME_TASK, t("drill.button.approve", lang), home_task_value(ids.DRILL_APPROVE, str(task.ref)),
                   "primary"), "confirm": confirm_dialog("approve_evaluation", lang, "primary")},
        _button(ids.DRILL_RETURN_OPEN, t("drill.button.return", lang), task.ref)]


def _task_blocks(task: Task, n: int, config: OrgConfig, lang: Lang, drill_unit: str | None) -> list[dict[str, Any]]:
    """One button beside the line; several in a row below it."""
    text, buttons = _task(task, config, lang, drill_unit)
    block_id = f"{ids.HOME_TASK_PREFIX}{n}"
    if len(buttons) <= 1:
        return [_section(text, block_id, buttons[0] if buttons else None)]
    return [_section(text, block_id), {"type": "actions", "block_id": f"{block_id}_actions", "elements": buttons}]


def _deadline(kind: str, at: datetime, label: str, config: OrgConfig, lang: Lang) -> str:
    return t(f"overview.deadline.{kind}", lang, label=escape(label), at=when(at, config, "%m/%d %H:%M"))


def _drill_text(data: Overview, config: OrgConfig, lang: Lang) -> str:
    lines = [t("overview.drill.title", lang)]
    drill = data.drill
    if drill is None:
        lines.append(t("drill.status.none", lang))
    else:
        lines.append(t("overview.drill", lang, period=drill.period, unit=escape(unit_name(config, drill.unit_id, lang)),
                       item=escape(drill_item(config, drill.category, lang)), status=status_name(drill.status, lang),
                       due=when(drill.due_at, config, "%Y-%m-%d")))
    lines.append(t("overview.deadlines.title", lang))
    lines += [_deadline(d.kind, d.at, d.label, config, lang) for d in data.deadlines] or [
        t("overview.deadlines.none", lang)]
    return "\n".join(lines)


def home_view(who: Who, commands: list[Command], config: OrgConfig, lang: Lang, data: Overview | None = None,
              now: datetime | None = None) -> dict[str, Any]:
    """The published home view: the overview (when given), then the person's commands."""
    help_blocks = help_message(who, commands, config, lang)["blocks"]
    if data is None:
        return {"type": "home", "blocks": help_blocks}
    roles = who.describe(config, lang) or t("roles.none", lang)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "block_id": ids.HOME_HEADER, "text": _plain(t("overview.title", lang), 150)},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": t(
            "overview.as_of", lang, roles=escape(roles), at=when(now, config) if now else "—")}]},
        _section(t("overview.pages.title", lang, n=len(data.pages))
                 + ("" if data.pages else "\n" + t("overview.pages.none", lang)), ids.HOME_PAGES),
    ]
    for page in data.pages:
        blocks.append(_section(_page_text(page, config, lang), f"{ids.HOME_PAGE_PREFIX}{page.page_id}",
                               _button(ids.PAGE_ACK, t("button.ack", lang), page.page_id, "primary")))
    blocks.append(_section(t("overview.tasks.title", lang, n=len(data.tasks))
                           + ("" if data.tasks else "\n" + t("overview.tasks.none", lang)), ids.HOME_TASKS))
    drill_unit = data.drill.unit_id if data.drill else None
    for n, task in enumerate(data.tasks):
        blocks += _task_blocks(task, n, config, lang, drill_unit)
    blocks += [
        {"type": "divider"},
        *sections(_incidents_text(data, config, lang), block_id=ids.HOME_INCIDENTS),
        *(home_cases_blocks(data.cases, config, lang) if data.cases is not None else []),
        *sections(_drill_text(data, config, lang), block_id=ids.HOME_DRILL),
        {"type": "divider"},
    ]
    room = MAX_BLOCKS - len(help_blocks)
    return {"type": "home", "blocks": blocks[:room] + help_blocks}


def list_message(data: Overview, config: OrgConfig, lang: Lang) -> dict[str, Any]:
    """`/crisis list`: the open incidents in text, plus the pages waiting on the reader."""
    text = _incidents_text(data, config, lang)
    if data.pages:
        text += "\n\n" + t("overview.pages.title", lang, n=len(data.pages)) + "\n" + "\n".join(
            _page_text(p, config, lang) for p in data.pages)
    text += "\n" + t("overview.list.footer", lang)
    return {"response_type": "ephemeral", "text": fallback(text), "blocks": sections(text, block_id=ids.HOME_INCIDENTS)}


# A case-file field in a closed incident's status is an excerpt past this length (cut where a word ends), so five
# fields, the versions and the key moments stay well within a message's 50 blocks; the case file has it whole.
FIELD_MAX = 1200


CASE_FIELDS = ("summary", "cause", "handling", "lessons", "followups")


def _person(names: dict[str, str], user: str | None) -> str:
    """A person by the name the bot knows, else as a mention (Slack shows the name)."""
    if not user:
        return "—"
    name = names.get(user)
    return escape(name) if name else (f"<@{user}>" if is_user_id(user) else escape(user))


def _moment(moment: Moment, names: dict[str, str], config: OrgConfig, lang: Lang) -> str:
    data = moment.data
    role = role_name(str(data.get("role") or ""), lang)
    step = next((s for s in config.steps if s.id == data.get("step")), None)
    attempt = str(data.get("attempt") or "")
    values = {
        "at": when(moment.at, config, "%m/%d %H:%M"), "user": _person(names, moment.actor),
        "role": role, "role_lower": role[:1].lower() + role[1:],
        "target": _person(names, str(data.get("target") or data.get("from") or "") or None),
        "attempt": t(f"attempt.{attempt}", lang) if f"attempt.{attempt}" in MESSAGES else escape(attempt),
        "level": level_name(config, str(data["level"]), lang) if data.get("level") else "—",
        "step": escape(step.name(lang)) if step else escape(str(data.get("step") or "")),
        "version": data.get("version") or data.get("case_file_version") or "",
    }
    return "• " + t(f"record.m.{moment.kind}", lang, **values)


def record_text(number: str, record: CaseRecord, config: OrgConfig, lang: Lang) -> str:
    """A closed incident's case file (the latest version, each field whole or an excerpt cut where a word ends),
    its versions, the timeline's key moments with who and when, and where the full case file is."""
    sep = "：" if lang == "zh-TW" else ": "
    lines: list[str] = []
    if record.case_file is None:
        lines.append(t("record.none", lang))
    else:
        lines.append(t("record.title", lang, version=record.versions[-1][0] if record.versions else ""))
        for field in CASE_FIELDS:
            value = escape(str(record.case_file.get(field) or "")).strip() or "—"
            shown = fit(value, FIELD_MAX)
            lines.append(f"*{t(f'casefile.{field}', lang)}*{sep}{shown}"
                         + (f" {t('record.clipped', lang)}" if shown != value else ""))
        lines += ["", t("record.versions", lang)]
        lines += [t("record.version_line", lang, version=v, user=_person(record.names, by),
                    at=when(at, config, "%Y-%m-%d %H:%M")) for v, by, at in record.versions[-10:]]
    lines += ["", t("record.moments", lang, zone=config.organisation.timezone)]
    lines += [_moment(m, record.names, config, lang) for m in record.moments]
    if record.more_moments:
        lines.append(t("record.more", lang, n=record.more_moments))
    lines += ["", t("record.hint", lang, number=number)]
    return "\n".join(lines)


def status_message(state: CardState, config: OrgConfig, lang: Lang,
                   record: CaseRecord | None = None) -> dict[str, Any]:
    """`/crisis status <number>`: the incident card's details in text, the reporter's whole account with them; for
    a closed incident (`record`), its case file and the timeline's key moments in place of the page list."""
    unit = config.unit(state.unit_id or "")
    step = next((s for s in config.steps if s.id == state.step), None)
    sep = "：" if lang == "zh-TW" else ": "
    facts = [
        (t("overview.f.level", lang), _level(state, config, lang)),
        (t("overview.f.category", lang), escape(category_name(config, state.category, state.subtype, lang))),
        (t("overview.f.step", lang), escape(step.name(lang)) if step else "—"),
        (t("overview.f.status", lang), status_label(state.status, lang)),
        (t("overview.f.unit", lang), escape(unit.name(lang)) if unit else "—"),
        (t("overview.f.reporter", lang), f"<@{state.reporter}>"),
        (t("overview.f.room", lang), room_link(state.channel_id, state.channel_name) if state.channel_id
         else t("page.room_pending", lang)),
    ]
    lines = [f"*{t('card.number', lang, number=state.number)}｜{escape(clip(state.title, 150))}*",
             *(f"*{k}*{sep}{v}" for k, v in facts), "", account_text(state.account, config, lang), ""]
    if record is not None:
        lines.append(record_text(state.number, record, config, lang))
    else:
        pages = page_lines(state, config, lang)
        lines += [t("card.pages", lang), *(pages[-20:] or [t("card.no_pages", lang)])]
    text = "\n".join(lines)
    return {"response_type": "ephemeral", "text": fallback(text), "blocks": sections(text)}


def help_message(who: Who, commands: list[Command], config: OrgConfig, lang: Lang) -> dict[str, Any]:
    """An ephemeral message listing the person's commands, with a plain-text fallback."""
    roles = who.describe(config, lang) or t("roles.none", lang)
    intro = t("help.intro", lang, name=escape(config.organisation.name(lang)), roles=escape(roles))
    lines = []
    for cmd in commands:
        alias = f"（`{cmd.alias_usage()}`）" if lang == "zh-TW" and cmd.alias_usage() else ""
        lines.append(f"• `{cmd.usage()}`{alias} — {t('cmd.' + cmd.key, lang)}")
    body = "\n".join(lines) or t("help.none_yet", lang)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "block_id": ids.HELP_HEADER, "text": {"type": "plain_text", "text": t("help.title", lang)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": intro}},
        {"type": "section", "block_id": ids.HELP_COMMANDS, "text": {"type": "mrkdwn", "text": body}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": t("help.footer", lang)}]},
    ]
    return {"response_type": "ephemeral", "text": f"{t('help.title', lang)}\n{intro}\n{body}", "blocks": blocks}
