"""The drill documents as DOCX, laid out like annex 2 (危機管理演練報告表): bilingual headings, zh-TW first.

Pure functions of the stored data and the names known (user id -> name): the same bytes go to Slack (upload v2)
and to `crisisbot drill export` when they know the same names. People are named with their Slack id beside the
name (an auditor's key); every time is in the organisation's time zone, which the header names once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from docx import Document

from bot.procedure.config import OrgConfig
from bot.procedure.documents import heading, paragraph, safe, table, to_bytes, when, zone_line

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


def _who(user: str | None, names: Mapping[str, str]) -> str:
    """`林志明 (U0000CMDR)`: the name when known, and the id an auditor matches against Slack; the id alone else."""
    if not user:
        return ""
    name = names.get(user)
    return f"{name} ({user})" if name and name != user else user


def _zone(doc: Any, config: OrgConfig) -> None:
    paragraph(doc, zone_line(config))


def _items(config: OrgConfig, chosen: list[str]) -> str:
    return "  ".join(("☑ " if c.id in chosen else "☐ ") + f"{c.drill_item('zh-TW')} {c.drill_item('en')}"
                     for c in config.categories)


def _unit(config: OrgConfig, unit_id: str) -> str:
    unit = config.unit(unit_id)
    return f"{unit.name('zh-TW')} {unit.name('en')}" if unit else unit_id


def report_docx(config: OrgConfig, drill: dict[str, Any], report: dict[str, Any], version: int,
                submitted_by: str, submitted_at: datetime, names: Mapping[str, str] | None = None) -> bytes:
    """Annex 2, filled in: the five rows of the form, then findings and improvements."""
    drill, report, submitted_by, names = safe(drill), safe(report), safe(submitted_by), safe(dict(names or {}))
    doc = Document()
    heading(doc, config, ANNEX_TITLE)
    _zone(doc, config)
    paragraph(doc, f"演練期別 Drill period：{drill['period']}　版本 Version：{version}")
    table(doc, [
        (ROWS["unit"], _unit(config, report.get("unit", drill["unit_id"]))),
        (ROWS["drill_time"], when(report.get("drill_time"), config)),
        (ROWS["items"], _items(config, report.get("items") or [])),
        (ROWS["case"], report.get("case", "")),
        (ROWS["summary"], report.get("summary", "")),
        (ROWS["findings"], report.get("findings", "")),
        (ROWS["improvements"], report.get("improvements", "")),
    ])
    paragraph(doc, f"填表 Submitted by：{_who(submitted_by, names)}　{when(submitted_at, config)}")
    paragraph(doc, "陳核 To：總指揮 Commander-in-chief、執行秘書 Executive secretary")
    return to_bytes(doc)


def evaluation_docx(config: OrgConfig, drill: dict[str, Any], evaluation: dict[str, Any],
                    report_version: int | None, names: Mapping[str, str] | None = None) -> bytes:
    """The planning group's evaluation report, approved by the executive secretary (§7.3)."""
    drill, evaluation, names = safe(drill), safe(evaluation), safe(dict(names or {}))
    data = evaluation["data"]
    doc = Document()
    heading(doc, config, EVALUATION_TITLE)
    _zone(doc, config)
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
        (EVAL_ROWS["drafted"], f"{_who(evaluation['drafted_by'], names)} {when(evaluation.get('drafted_at'), config)}"),
        (EVAL_ROWS["approved"], f"{_who(approved, names)} {when(evaluation.get('approved_at'), config)}"
         if approved else ""),
    ])
    paragraph(doc, "影送各單位參考 Circulated to every unit for reference.")
    return to_bytes(doc)


def report_filename(period: str, version: int) -> str:
    return f"drill-{period}-report-v{version}.docx"


def evaluation_filename(period: str, version: int) -> str:
    return f"drill-{period}-evaluation-v{version}.docx"
