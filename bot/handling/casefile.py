"""The compiled case file (案例檔案): the incident's facts with the reporter's account (what happened, when, where,
the impact, the flags), the unit's account (summary, cause, handling, lessons, follow-ups), and the whole timeline
from the audit trail in the organisation's time zone — as Markdown and as DOCX (the drill documents' style). People
are named (`bot.handling.timeline`), with their Slack ids in a column of their own for auditors. Pure functions of
the stored rows and the names known: Slack and `crisisbot export` get the same bytes when they know the same names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docx import Document
from sqlalchemy.orm import Session

from bot.blockkit.names import category_name, level_name
from bot.handling.state import CASE_FIELDS
from bot.handling.timeline import FLAG_NAMES, details, name_of, people_in, plan_numbers
from bot.incidents.state import Account
from bot.procedure.config import OrgConfig
from bot.procedure.documents import heading, paragraph, safe, table, to_bytes, when, zone_line
from storage import audit, users
from storage.incidents import latest_case_file
from storage.models import CaseFile, Incident


def render(session: Any, config: Any, incident: Any, version: int, fmt: str,
           names: Mapping[str, str] | None = None) -> tuple[str, bytes]:
    row = session.query(CaseFile).filter_by(incident_id=incident.id, version=version).one()
    compiled = compile_case(session, config, incident, row, names)
    content = (to_markdown(compiled, config).encode() if fmt == "md"
               else to_docx(compiled, config))
    return filename(incident.number, version, fmt), content


TITLE = ("危機事件案例檔案", "Crisis Case File")


FIELD_NAMES = {
    "summary": ("事件摘要", "Summary"),
    "cause": ("發生原因", "Cause"),
    "handling": ("處理經過", "Handling"),
    "lessons": ("檢討與經驗傳承", "Lessons learned"),
    "followups": ("後續追蹤事項", "Follow-ups"),
}


FACTS = {
    "number": ("案號", "Number"), "title": ("事件名稱", "Title"), "unit": ("權責單位", "Unit"),
    "category": ("類別", "Category"), "level": ("等級", "Level"), "occurred": ("發生時間", "Occurred"),
    "reported": ("通報時間", "Reported"), "closed": ("結案時間", "Closed"), "version": ("版本", "Version"),
    "location": ("發生地點", "Where"), "flags": ("其他情形", "Flags"), "reporter": ("通報人", "Reported by"),
    "submitted": ("案例檔案繳交", "Case file submitted by"),
}


# The reporter's own words, before the unit's case file: what happened and the impact, as reported.
REPORTED = {
    "description": ("事件經過（通報）", "What happened (as reported)"),
    "impact": ("目前影響（通報）", "Impact (as reported)"),
}


# What the timeline calls each kind of event (both languages); anything else shows its kind.
KINDS = {
    "incident.reported": "通報 Reported", "incident.triaged": "研判 Triaged",
    "incident.level_set": "研判等級 Level set", "warroom.opened": "戰情室開設 War room opened",
    "page.sent": "通知 Paged", "page.delivered": "通知送達 Page delivered",
    "page.acked": "確認收到 Acknowledged", "page.escalated": "轉代理人或上一層 Escalated",
    "step.completed": "完成步驟 Step completed", "step.skipped": "略過步驟 Step skipped",
    "team.convened": "召集小組 Team convened", "assess.notes": "評估紀錄 Assessment notes",
    "plan.proposed": "處理方案 Plan proposed", "plan.confirmed": "方案核定 Plan confirmed",
    "update.posted": "處理情形 Status update", "update.snoozed": "延後提醒 Reminder snoozed",
    "media.drafted": "新聞稿擬稿 Statement drafted", "media.released": "對外發布 Released",
    "media.rejected": "新聞稿退回 Statement rejected", "opinion.noted": "輿情蒐集 Public opinion",
    "legal.requested": "請求法律諮詢 Legal advice requested", "legal.answered": "法律意見 Legal advice",
    "coordination.logged": "協調談判 Coordination", "incident.handled": "單位已處理 Handled",
    "incident.resolved": "危機解除 Resolved", "casefile.submitted": "案例檔案 Case file submitted",
    "incident.closed": "結案 Closed", "incident.archived": "戰情室封存 War room archived",
    "incident.flag_routed": "依通報情形通知 Brought in by a flag",
}


@dataclass(frozen=True)
class Compiled:
    number: str
    facts: list[tuple[tuple[str, str], str]]
    fields: list[tuple[tuple[str, str], str]]
    timeline: list[tuple[str, str, str, str]]  # (time, actor's name, what, details), times in the org's zone
    version: int | None
    actor_ids: tuple[str, ...] = ()  # the Slack id (or the bot's name) of each timeline row's actor, for auditors


TIMELINE_LABELS = ("時間 Time", "人員 Name", "帳號 ID", "事項 Event", "內容 Details")


def timeline_rows(doc: Compiled) -> list[tuple[str, str, str, str, str]]:
    """The timeline as the documents and the CSV show it: time, name, Slack id, event, details."""
    ids = doc.actor_ids or tuple(actor for _, actor, _, _ in doc.timeline)
    return [(at, actor, actor_id, what, details)
            for (at, actor, what, details), actor_id in zip(doc.timeline, ids, strict=True)]


def compile_case(session: Session, config: OrgConfig, incident: Incident,
                 case_file: CaseFile | None = None, names: Mapping[str, str] | None = None) -> Compiled:
    """The case file as compiled now. `names` (user id -> name) are the names the caller could find; without them
    the stored ones are used, and anyone still unknown shows by id."""
    case_file = case_file or latest_case_file(session, incident.id)
    events = audit.timeline(session, incident.id)
    if names is None:
        names = users.names(session, people_in(events))
    unit = config.unit(incident.unit_id or "")
    account = Account.of(incident)
    facts = [
        (FACTS["number"], incident.number), (FACTS["title"], incident.title),
        (FACTS["unit"], f"{unit.name('zh-TW')} {unit.name('en')}" if unit else "—"),
        (FACTS["category"], category_name(config, incident.category, incident.subtype, "zh-TW")),
        (FACTS["level"], level_name(config, incident.level or incident.proposed_level, "zh-TW")),
        (FACTS["occurred"], when(incident.occurred_at, config)),
        (FACTS["location"], incident.location or ""),
        (FACTS["flags"], "; ".join(FLAG_NAMES.get(f, f) for f in account.flags)),
        (FACTS["reporter"], f"{name_of(names, incident.reporter)} ({incident.reporter})"),
        (FACTS["reported"], when(incident.created_at, config)),
        (FACTS["closed"], when(incident.closed_at, config)),
        (FACTS["version"], str(case_file.version) if case_file else ""),
        (FACTS["submitted"], f"{name_of(names, case_file.submitted_by)} ({case_file.submitted_by}) "
                             f"{when(case_file.submitted_at, config)}" if case_file else ""),
    ]
    data = dict(case_file.data) if case_file else {}
    fields = [(REPORTED["description"], account.description), (REPORTED["impact"], account.impact),
              *((FIELD_NAMES[f], str(data.get(f, ""))) for f in CASE_FIELDS)]
    plans = plan_numbers((e.kind, e.id) for e in events)
    drafts = plan_numbers(((e.kind, e.id) for e in events), "media.drafted")
    timeline = [(when(e.at, config), name_of(names, e.actor), KINDS.get(e.kind, e.kind),
                 details(dict(e.data or {}), config, names, plans, drafts)) for e in events]
    # stored rows may predate the forms' cleaning: what XML forbids (or UTF-8 cannot encode) is dropped here
    return Compiled(incident.number, safe(facts), safe(fields), safe(timeline),
                    case_file.version if case_file else None, tuple(e.actor for e in events))


def to_markdown(doc: Compiled, config: OrgConfig) -> str:
    out = [f"# {config.organisation.name('zh-TW')}{TITLE[0]} {doc.number}",
           f"_{config.organisation.name('en')} — {TITLE[1]}_", "", zone_line(config), ""]
    out += [f"- **{zh} {en}**: {value}" for (zh, en), value in doc.facts]
    for (zh, en), value in doc.fields:
        out += ["", f"## {zh} {en}", "", value or "—"]
    out += ["", "## 時間軸 Timeline", "", "| " + " | ".join(TIMELINE_LABELS) + " |", "|---|---|---|---|---|"]
    for row in timeline_rows(doc):
        cells = (cell.replace("|", "\\|").replace("\n", " ") for cell in row)
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def to_docx(doc: Compiled, config: OrgConfig) -> bytes:
    document = Document()
    heading(document, config, TITLE)
    paragraph(document, zone_line(config))
    table(document, [*doc.facts, *doc.fields])
    document.add_paragraph()
    document.add_paragraph("時間軸 Timeline").runs[0].bold = True
    timeline = document.add_table(rows=1, cols=len(TIMELINE_LABELS))
    timeline.style = "Table Grid"
    for cell, label in zip(timeline.rows[0].cells, TIMELINE_LABELS, strict=True):
        cell.paragraphs[0].add_run(label).bold = True
    for row in safe(timeline_rows(doc)):
        cells = timeline.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.paragraphs[0].add_run(value)
    return to_bytes(document)


def filename(number: str, version: int | None, fmt: str) -> str:
    return f"case-{number}-v{version or 0}.{fmt}"
