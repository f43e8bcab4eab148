"""The review's files: the DOCX embeds the one chart as a PNG drawn in a CJK font (no "Glyph … missing" warning
when fonts-noto-cjk is installed), its sections are bilingual tables, the CSV is UTF-8 with a BOM and one row a
figure; without a CJK font the chart falls back to English labels and says so in the log."""

from __future__ import annotations

import csv
import io
import logging
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from docx import Document

from bot.procedure.config import load_config
from bot.review import docs, service
from bot.review.views import review_message
from sandbox.rules import block_messages
from tests.bot.review.fixture import build

CONFIG = load_config()
NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n"


@contextmanager
def glyph_complaints(caplog: pytest.LogCaptureFixture) -> Iterator[Callable[[], list[str]]]:
    """Every "Glyph … missing from font" matplotlib reports while drawing, as a warning or a log record."""
    caplog.set_level(logging.WARNING)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield lambda: [str(w.message) for w in caught if "Glyph" in str(w.message)] + [
            r.getMessage() for r in caplog.records if "Glyph" in r.getMessage()]


def review_of(session, make):
    build(session, make)
    return service.figures(session, CONFIG, service.parse_period("2026-11", CONFIG.organisation.tz), NOW)


def test_the_docx_embeds_the_chart_and_tables_in_both_languages(session, make, caplog):
    if docs.cjk_family() is None:
        pytest.skip("fonts-noto-cjk is not installed (scripts/ensure-fonts.sh)")
    found = review_of(session, make)
    with glyph_complaints(caplog) as complaints:
        content = docs.to_docx(found, CONFIG)
    assert complaints() == []
    doc = Document(io.BytesIO(content))
    [shape] = doc.inline_shapes  # the one chart
    images = [p for p in doc.part.package.parts if p.content_type == "image/png"]
    assert len(images) == 1 and images[0].blob.startswith(PNG)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["危機事件 Incidents", "反應時間 Response times",
                        "職務代理人及上一層級回應 Answered by a deputy or the next tier",
                        "待追蹤事項 Open follow-ups", "模擬演練 Drills"]
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "通關案件 Customs clearance\t2" in "\n".join("\t".join(c.text for c in r.cells) for r in doc.tables[0].rows)
    assert "更換配電盤；加裝抽水機" in cells and "驗貨課" in cells
    assert "通知至確認：執行秘書層級" in cells and "19 m 00 s" in cells  # the secretary tier's median, 1140 s
    assert "財政部關務署基隆關" in "\n".join(p.text for p in doc.paragraphs)


def test_the_detector_hears_a_missing_glyph(caplog):
    """The check above is not blind: Chinese drawn in a Latin-only font is reported, and caught here."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    with glyph_complaints(caplog) as complaints:
        figure = Figure()
        FigureCanvasAgg(figure)
        figure.add_subplot().set_title("危機", fontproperties=FontProperties(family="DejaVu Sans"))
        figure.savefig(io.BytesIO(), format="png")
    assert complaints()


def test_without_a_cjk_font_the_chart_is_in_english_and_logged(session, make, caplog, monkeypatch):
    found = review_of(session, make)
    monkeypatch.setattr(docs, "cjk_family", lambda: None)
    with glyph_complaints(caplog) as complaints:
        png = docs.chart_png(found, CONFIG)
    assert png.startswith(PNG) and complaints() == []
    assert any("no CJK font" in r.getMessage() for r in caplog.records)


def test_the_csv_has_a_bom_and_a_row_per_figure(session, make):
    found = review_of(session, make)
    content = docs.to_csv(found)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["section", "key", "value", "detail"]
    assert ["incidents", "total", "5", ""] in rows
    assert ["by_category", "clearance", "2", ""] in rows
    assert ["to_triage", "median_seconds", "1200", ""] in rows
    assert ["to_ack.commander", "max_seconds", "420", ""] in rows
    assert ["escalations", "by_next_tier", "1", ""] in rows
    assert ["drill", "2026-11", "evaluating",
            "unit=inspection; category=clearance; late=no; evaluation=submitted v1"] in rows
    assert docs.filename("2026-11", "csv") == "review-2026-11.csv"


def test_the_message_fits_slack_in_both_languages(session, make):
    found = review_of(session, make)
    for lang, words in (("zh-TW", ("危機管理定期檢討 2026-11", "依類別", "19 m 00 s", "更換配電盤")),
                        ("en", ("Crisis management review 2026-11", "By category", "1 unanswered", "Drills"))):
        message = review_message(found, CONFIG, lang, note="n")
        text = str(message["blocks"])
        assert block_messages(message["blocks"]) == [] and all(w in text for w in words), (lang, text)
        for block in message["blocks"]:
            assert len(block.get("text", {}).get("text", "")) <= 3000


def test_the_bot_starts_without_importing_matplotlib():
    """matplotlib is imported only when a chart is drawn: building the bot and its scheduler does not load it."""
    import subprocess
    import sys

    code = ("import sys, bot.runtime.compose, scheduler.executors, scheduler.jobs, handlers.app; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
