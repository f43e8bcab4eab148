"""The compiled case file (案例檔案): the incident's facts with the reporter's account (what happened, when, where,
the impact, the flags), the unit's account (summary, cause, handling, lessons, follow-ups), and the whole timeline
from the audit trail in the organisation's time zone — as Markdown and as DOCX (the drill documents' style). Pure
functions of the stored rows: Slack and `crisisbot export` get the same bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from docx import Document
from sqlalchemy.orm import Session

from bot.blockkit.names import category_name, level_name
from bot.handling.state import CASE_FIELDS
from bot.incidents.state import Account
from bot.procedure.config import OrgConfig
from bot.procedure.documents import heading, safe, table, to_bytes
from storage import audit
from storage.incidents import latest_case_file
from storage.models import CaseFile, Incident


def render(session: Any, config: Any, incident: Any, version: int, fmt: str) -> tuple[str, bytes]:
    from storage.models import CaseFile

    row = session.query(CaseFile).filter_by(incident_id=incident.id, version=version).one()
    compiled = compile_case(session, config, incident, row)
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
    "location": ("發生地點", "Where"), "flags": ("其他情形", "Flags"),
}


# The reporter's own words, before the unit's case file: what happened and the impact, as reported.
REPORTED = {
    "description": ("事件經過（通報）", "What happened (as reported)"),
    "impact": ("目前影響（通報）", "Impact (as reported)"),
}


# A flag in both languages, as the report form names it.
FLAG_NAMES = {"media": "媒體已關注 Media are involved", "legislator": "民意代表關切 A legislator is involved",
              "casualties": "有人員傷亡 People are hurt"}


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


DETAIL_KEYS = ("flag", "step", "reason", "level", "text", "plan", "information", "diagnosis", "action", "outcome",
               "question", "kind", "at", "place", "target", "role", "version", "until")


@dataclass(frozen=True)
class Compiled:
    number: str
    facts: list[tuple[tuple[str, str], str]]
    fields: list[tuple[tuple[str, str], str]]
    timeline: list[tuple[str, str, str, str]]  # (time, actor, what, details)
    version: int | None


def _when(at: datetime | None, config: OrgConfig) -> str:
    return at.astimezone(config.organisation.tz).strftime("%Y-%m-%d %H:%M") if at else ""


def _details(data: dict[str, Any]) -> str:
    parts = []
    for key in DETAIL_KEYS:
        value = data.get(key)
        if value not in (None, "", [], {}):
            parts.append(f"{key}: {value}")
    return "; ".join(parts)


def compile_case(session: Session, config: OrgConfig, incident: Incident,
                 case_file: CaseFile | None = None) -> Compiled:
    case_file = case_file or latest_case_file(session, incident.id)
    unit = config.unit(incident.unit_id or "")
    tz = config.organisation.timezone
    account = Account.of(incident)
    facts = [
        (FACTS["number"], incident.number), (FACTS["title"], incident.title),
        (FACTS["unit"], f"{unit.name('zh-TW')} {unit.name('en')}" if unit else "—"),
        (FACTS["category"], category_name(config, incident.category, incident.subtype, "zh-TW")),
        (FACTS["level"], level_name(config, incident.level or incident.proposed_level, "zh-TW")),
        (FACTS["occurred"], _when(incident.occurred_at, config)),
        (FACTS["location"], incident.location or ""),
        (FACTS["flags"], "; ".join(FLAG_NAMES.get(f, f) for f in account.flags)),
        (FACTS["reported"], f"{_when(incident.created_at, config)} ({tz})"),
        (FACTS["closed"], f"{_when(incident.closed_at, config)} ({tz})" if incident.closed_at else ""),
        (FACTS["version"], str(case_file.version) if case_file else ""),
    ]
    data = dict(case_file.data) if case_file else {}
    fields = [(REPORTED["description"], account.description), (REPORTED["impact"], account.impact),
              *((FIELD_NAMES[f], str(data.get(f, ""))) for f in CASE_FIELDS)]
    timeline = [(_when(e.at, config), e.actor, KINDS.get(e.kind, e.kind), _details(dict(e.data or {})))
                for e in audit.timeline(session, incident.id)]
    # stored rows may predate the forms' cleaning: what XML forbids (or UTF-8 cannot encode) is dropped here
    return Compiled(incident.number, safe(facts), safe(fields), safe(timeline),
                    case_file.version if case_file else None)


def to_markdown(doc: Compiled, config: OrgConfig) -> str:
    out = [f"# {config.organisation.name('zh-TW')}{TITLE[0]} {doc.number}",
           f"_{config.organisation.name('en')} — {TITLE[1]}_", ""]
    out += [f"- **{zh} {en}**: {value}" for (zh, en), value in doc.facts]
    for (zh, en), value in doc.fields:
        out += ["", f"## {zh} {en}", "", value or "—"]
    out += ["", f"## 時間軸 Timeline ({config.organisation.timezone})", "",
            "| 時間 Time | 人員 Actor | 事項 Event | 內容 Details |", "|---|---|---|---|"]
    for at, actor, what, details in doc.timeline:
        cell = details.replace("|", "\\|").replace("\n", " ")
        out.append(f"| {at} | {actor} | {what} | {cell} |")
    return "\n".join(out) + "\n"


def to_docx(doc: Compiled, config: OrgConfig) -> bytes:
    document = Document()
    heading(document, config, TITLE)
    table(document, [*doc.facts, *doc.fields])
    document.add_paragraph()
    document.add_paragraph(f"時間軸 Timeline（{config.organisation.timezone}）").runs[0].bold = True
    timeline = document.add_table(rows=1, cols=4)
    timeline.style = "Table Grid"
    labels = ("時間 Time", "人員 Actor", "事項 Event", "內容 Details")
    for cell, label in zip(timeline.rows[0].cells, labels, strict=True):
        cell.paragraphs[0].add_run(label).bold = True
    for row in safe(doc.timeline):
        cells = timeline.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.paragraphs[0].add_run(value)
    return to_bytes(document)


def filename(number: str, version: int | None, fmt: str) -> str:
    return f"case-{number}-v{version or 0}.{fmt}"
