"""The drill documents as DOCX, laid out like annex 2 (危機管理演練報告表): bilingual headings, zh-TW first.

Pure functions of the stored data: the same bytes go to Slack (upload v2) and to `crisisbot drill export`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from docx import Document

from bot.procedure.config import OrgConfig
from bot.procedure.documents import heading, paragraph, safe, table, to_bytes

ANNEX_TITLE = ("危機管理演練報告表", "Crisis Management Drill Report Form")


EVALUATION_TITLE = ("危機管理演練評估報告", "Crisis Management Drill Evaluation Report")


ROWS = {
    "unit": ("測試單位", "Unit tested"),
    "drill_time": ("演練時間", "Drill time"),
    "items": ("演練項目", "Drill item"),
    "case": ("模擬案由", "Simulated case"),
    "summary": ("演練過程摘要", "Summary of the drill"),
    "findings": ("檢討與發現", "Findings"),
    "improvements": ("改進措施", "Improvements"),
}


EVAL_ROWS = {
    "period": ("演練期別", "Drill period"),
    "unit": ("測試單位", "Unit tested"),
    "items": ("演練項目", "Drill item"),
    "report": ("演練報告表版本", "Drill report version"),
    "assessment": ("評估意見", "Assessment"),
    "strengths": ("優點", "Strengths"),
    "recommendations": ("改進建議", "Recommendations"),
    "drafted": ("擬稿（策劃組）", "Drafted by (planning group)"),
    "approved": ("核定（執行秘書）", "Approved by (executive secretary)"),
}


def _when(value: str | datetime | None, config: OrgConfig) -> str:
    if not value:
        return ""
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return at.astimezone(config.organisation.tz).strftime("%Y-%m-%d %H:%M")


def _items(config: OrgConfig, chosen: list[str]) -> str:
    return "  ".join(("☑ " if c.id in chosen else "☐ ") + f"{c.drill_item('zh-TW')} {c.drill_item('en')}"
                     for c in config.categories)


def _unit(config: OrgConfig, unit_id: str) -> str:
    unit = config.unit(unit_id)
    return f"{unit.name('zh-TW')} {unit.name('en')}" if unit else unit_id


def report_docx(config: OrgConfig, drill: dict[str, Any], report: dict[str, Any], version: int,
                submitted_by: str, submitted_at: datetime) -> bytes:
    """Annex 2, filled in: the five rows of the form, then findings and improvements."""
    drill, report, submitted_by = safe(drill), safe(report), safe(submitted_by)
    doc = Document()
    heading(doc, config, ANNEX_TITLE)
    paragraph(doc, f"演練期別 Drill period：{drill['period']}　版本 Version：{version}")
    table(doc, [
        (ROWS["unit"], _unit(config, report.get("unit", drill["unit_id"]))),
        (ROWS["drill_time"], _when(report.get("drill_time"), config)),
        (ROWS["items"], _items(config, report.get("items") or [])),
        (ROWS["case"], report.get("case", "")),
        (ROWS["summary"], report.get("summary", "")),
        (ROWS["findings"], report.get("findings", "")),
        (ROWS["improvements"], report.get("improvements", "")),
    ])
    paragraph(doc, f"填表 Submitted by：{submitted_by}　{_when(submitted_at, config)}")
    paragraph(doc, "陳核 To：總指揮 Commander-in-chief、執行秘書 Executive secretary")
    return to_bytes(doc)


def evaluation_docx(config: OrgConfig, drill: dict[str, Any], evaluation: dict[str, Any],
                    report_version: int | None) -> bytes:
    """The planning group's evaluation report, approved by the executive secretary (§7.3)."""
    drill, evaluation = safe(drill), safe(evaluation)
    data = evaluation["data"]
    doc = Document()
    heading(doc, config, EVALUATION_TITLE)
    paragraph(doc, f"版本 Version：{evaluation['version']}")
    approved = evaluation.get("approved_by")
    table(doc, [
        (EVAL_ROWS["period"], drill["period"]),
        (EVAL_ROWS["unit"], _unit(config, drill["unit_id"])),
        (EVAL_ROWS["items"], _items(config, [drill["category"]])),
        (EVAL_ROWS["report"], str(report_version or "")),
        (EVAL_ROWS["assessment"], data.get("assessment", "")),
        (EVAL_ROWS["strengths"], data.get("strengths", "")),
        (EVAL_ROWS["recommendations"], data.get("recommendations", "")),
        (EVAL_ROWS["drafted"], f"{evaluation['drafted_by']} {_when(evaluation.get('drafted_at'), config)}"),
        (EVAL_ROWS["approved"], f"{approved} {_when(evaluation.get('approved_at'), config)}" if approved else ""),
    ])
    paragraph(doc, "影送各單位參考 Circulated to every unit for reference.")
    return to_bytes(doc)


def report_filename(period: str, version: int) -> str:
    return f"drill-{period}-report-v{version}.docx"


def evaluation_filename(period: str, version: int) -> str:
    return f"drill-{period}-evaluation-v{version}.docx"
