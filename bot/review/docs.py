"""The review as files: the DOCX for the commander's meeting (headings in zh-TW with English, a table for each
section and one chart) and the CSV for analysis (UTF-8 with a BOM, so Excel reads the Chinese; one row a figure).

The chart is drawn by matplotlib, imported only when a chart is drawn so the bot starts as fast as before, on the
Agg canvas (no display, no pyplot state shared between threads), with a CJK font found by its family name so the
Chinese labels are no tofu. Without one (fonts-noto-cjk missing) it logs that and labels the chart in English."""

from __future__ import annotations

import csv
import io
import logging
from typing import Any

from docx import Document
from docx.shared import Cm

from bot.blockkit.names import category_name
from bot.procedure.config import OrgConfig
from bot.procedure.documents import heading, paragraph, safe, to_bytes
from bot.review.state import NO_UNIT, TIERS, UNTRIAGED, Durations, Review, span_text

log = logging.getLogger(__name__)

TITLE = ("危機管理定期檢討", "Periodic Crisis Management Review")
CJK_FAMILIES = ("Noto Sans CJK TC", "Noto Sans CJK HK", "Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans CJK KR")
TIER_NAMES = {"commander": ("總指揮層級", "Commander tier"),
              "executive_secretary": ("執行秘書層級", "Executive secretary tier")}
STATUS_NAMES = {
    "drawn": ("已抽選", "drawn"), "planned": ("已規劃", "planned"), "reported": ("已提報", "reported"),
    "evaluating": ("評估中", "evaluating"), "closed": ("已結案", "closed"),
    "submitted": ("陳核中", "submitted"), "returned": ("退回修正", "returned"), "approved": ("已核定", "approved"),
    "superseded": ("已被新版取代", "superseded"),
}


def filename(period: str, ext: str) -> str:
    return f"review-{period}.{ext}"


def _both(pair: tuple[str, str]) -> str:
    return f"{pair[0]} {pair[1]}"


def category_label(config: OrgConfig, key: str, lang: str) -> str:
    return category_name(config, key, None, lang)  # type: ignore[arg-type]


def level_label(config: OrgConfig, key: str, lang: str) -> str:
    if key == UNTRIAGED:
        return "未研判" if lang == "zh-TW" else "not triaged"
    return config.levels.of(key).name(lang)  # type: ignore[arg-type]


def unit_label(config: OrgConfig, key: str | None, lang: str) -> str:
    if not key or key == NO_UNIT:
        return "未指定" if lang == "zh-TW" else "none"
    unit = config.unit(key)
    return unit.name(lang) if unit else key  # type: ignore[arg-type]


def _grid(doc: Any, header: list[tuple[str, str]], rows: list[list[str]]) -> None:
    """A table with a bilingual header row and a row per item ("—" when there is none)."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, (zh, en) in zip(table.rows[0].cells, header, strict=True):
        run = cell.paragraphs[0].add_run(zh)
        run.bold = True
        cell.paragraphs[0].add_run(f"\n{en}")
    for row in safe(rows) or [["—"] * len(header)]:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.paragraphs[0].add_run(str(value))


def _section(doc: Any, title: tuple[str, str]) -> None:
    doc.add_heading(_both(title), level=2)


def _durations(name: tuple[str, str], spans: Durations) -> list[str]:
    return [_both(name), str(spans.count), span_text(spans.median), span_text(spans.max), str(spans.missing)]


def _when(at: Any, config: OrgConfig) -> str:
    return at.astimezone(config.organisation.tz).strftime("%Y-%m-%d %H:%M") if at else "—"


def to_docx(review: Review, config: OrgConfig) -> bytes:
    """The review for the commander's meeting."""
    doc = Document()
    heading(doc, config, (f"{TITLE[0]}（{review.period.key}）", f"{TITLE[1]} ({review.period.key})"))
    paragraph(doc, f"製表時間 Generated: {_when(review.generated_at, config)} ({config.organisation.timezone})")
    _section(doc, ("危機事件", "Incidents"))
    paragraph(doc, f"期間內通報 Reported in the period: {review.incidents}")
    doc.add_picture(io.BytesIO(chart_png(review, config)), width=Cm(15))
    count = ("件數", "Count")
    _grid(doc, [("類別", "Category"), count],
          [[f"{category_label(config, k, 'zh-TW')} {category_label(config, k, 'en')}", str(n)]
           for k, n in review.by_category.items()])
    doc.add_paragraph()
    _grid(doc, [("等級", "Level"), count],
          [[f"{level_label(config, k, 'zh-TW')} {level_label(config, k, 'en')}", str(n)]
           for k, n in review.by_level.items()])
    doc.add_paragraph()
    _grid(doc, [("權責單位", "Unit"), count],
          [[f"{unit_label(config, k, 'zh-TW')} {unit_label(config, k, 'en')}", str(n)]
           for k, n in review.by_unit.items()])

    _section(doc, ("反應時間", "Response times"))
    _grid(doc, [("項目", "Measure"), ("件數", "Count"), ("中位數", "Median"), ("最長", "Longest"),
                ("未確認", "Unanswered")],
          [_durations(("通報至研判", "Report to triage"), review.to_triage),
           _durations(("通報至首次通知", "Report to first page"), review.to_first_page),
           *(_durations((f"通知至確認：{TIER_NAMES[t][0]}", f"Page to acknowledgement: {TIER_NAMES[t][1]}"),
                        review.to_ack[t]) for t in TIERS)])

    _section(doc, ("職務代理人及上一層級回應", "Answered by a deputy or the next tier"))
    e = review.escalations
    _grid(doc, [("項目", "Measure"), count], [
        [_both(("通知次數", "Pages sent")), str(e.pages)],
        [_both(("逾時轉代理人或上一層級", "Timed out and escalated")), str(e.escalated)],
        [_both(("已確認", "Acknowledged")), str(e.acked)],
        [_both(("由職務代理人確認", "Acknowledged by a deputy")), str(e.by_deputy)],
        [_both(("由上一層級確認", "Acknowledged by the next tier")), str(e.by_next_tier)],
        [_both(("無人確認（戰情室警示）", "Nobody answered (war-room alarm)")), str(e.exhausted)],
    ])

    _section(doc, ("待追蹤事項", "Open follow-ups"))
    _grid(doc, [("案號", "Number"), ("事件名稱", "Title"), ("權責單位", "Unit"), ("後續追蹤事項", "Follow-ups")],
          [[f.number, f.title, unit_label(config, f.unit_id, "zh-TW"), f.text] for f in review.followups])

    _section(doc, ("模擬演練", "Drills"))
    paragraph(doc, f"演練 Drills: {len(review.drills)}　已提報 Reported: {review.drills_done}　"
                   f"逾期 Late: {review.drills_late}")
    _grid(doc, [("期別", "Period"), ("受測單位", "Unit"), ("狀態", "Status"), ("報告期限", "Due"),
                ("提報時間", "Reported"), ("逾期", "Late"), ("評估", "Evaluation")],
          [[d.period, unit_label(config, d.unit_id, "zh-TW"), _both(STATUS_NAMES.get(d.status, (d.status, ""))),
            _when(d.due_at, config), _when(d.reported_at, config), "是 yes" if d.late else "否 no",
            (_both(STATUS_NAMES.get(d.evaluation_status, (d.evaluation_status, ""))) + f" v{d.evaluation_version}"
             + ("，已分送 circulated" if d.circulated else "")) if d.evaluation_status else "—"]
           for d in review.drills])
    return to_bytes(doc)


def to_csv(review: Review) -> bytes:
    """One row per figure (section, key, value, detail), UTF-8 with a BOM."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "key", "value", "detail"])
    writer.writerows(review.rows())
    return out.getvalue().encode("utf-8-sig")


def cjk_family() -> str | None:
    """The family name of an installed CJK font matplotlib can draw Chinese with, or None."""
    from matplotlib import font_manager

    def known() -> set[str]:
        return {f.name for f in font_manager.fontManager.ttflist}

    names = known()
    if not any(f in names for f in CJK_FAMILIES):
        # Installed after matplotlib cached its font list: add Noto CJK's files by path, once per process.
        for path in font_manager.findSystemFonts():
            if "NotoSansCJK" in path.replace("-", "").replace("_", ""):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        names = known()
    return next((f for f in CJK_FAMILIES if f in names), None)


def chart_png(review: Review, config: OrgConfig) -> bytes:
    """The one chart: incidents by category, as a bar chart (PNG)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    family = cjk_family()
    if family is None:
        log.warning("no CJK font (Debian's fonts-noto-cjk) for the review's chart: its labels are in English")
    lang = "zh-TW" if family else "en"
    font = FontProperties(family=[family] if family else ["DejaVu Sans"])
    labels = [category_label(config, k, lang) for k in review.by_category] or ["—"]
    counts = list(review.by_category.values()) or [0]
    figure = Figure(figsize=(7, 0.6 * len(labels) + 1.6), dpi=120)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    ax.barh(labels[::-1], counts[::-1], color="#2f6f9f")
    title = (f"危機事件類別（{review.period.key}）" if family else f"Incidents by category ({review.period.key})")
    ax.set_title(title, fontproperties=font)
    ax.set_xlabel("件數" if family else "incidents", fontproperties=font)
    ax.xaxis.get_major_locator().set_params(integer=True)
    for label in ax.get_yticklabels():
        label.set_fontproperties(font)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
