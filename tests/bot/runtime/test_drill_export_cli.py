"""`crisisbot drill verify|export` (the command line) and the DOCX documents, straight from the database."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from docx import Document

from bot.drills import service as drills
from bot.procedure.config import load_config
from bot.procedure.who import who_from_config
from bot.roster.sync import sync_roster
from bot.runtime.cli import main
from storage.db import create_engine, session_factory

CONFIG = load_config()
NOV = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)
FORM = {"case": "颱風淹水", "summary": "09:05 通報執行秘書", "findings": "名冊過時", "improvements": "每季更新"}


@pytest.fixture
def drilled(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    engine = create_engine(database_url)
    try:
        with session_factory(engine)() as s, s.begin():
            sync_roster(s, CONFIG, actor="config", now=NOV)
            drawn = drills.draw(s, CONFIG, "scheduler", NOV, random.Random(3))
            drill = drills.get(s, drawn.drill_id)
            head = who_from_config(CONFIG, CONFIG.unit(drill.unit_id).head)
            data = {"unit": drill.unit_id, "drill_time": (NOV + timedelta(days=2)).isoformat(),
                    "items": [drill.category], **FORM}
            drills.file_report(s, CONFIG, head, drill, data, NOV + timedelta(days=3))
            evaluation = drills.submit_evaluation(s, who_from_config(CONFIG, "U0000PLAN"), drill,
                                                  {"assessment": "順暢", "strengths": "", "recommendations": "演練"},
                                                  NOV + timedelta(days=4))
            drills.decide(s, who_from_config(CONFIG, "U0000EXEC"), evaluation, True, "", NOV + timedelta(days=5))
        yield drawn
    finally:
        engine.dispose()


def test_cli_verify_prints_the_recomputation(drilled, capsys):
    assert main(["drill", "verify", str(drilled.drill_id)]) == 0
    out = capsys.readouterr().out
    assert "Verified" in out and "seed" in out and drilled.unit_id in out and '"algorithm":"crisisbot-draw-v1"' in out
    assert main(["drill", "verify", "999"]) == 1


def test_cli_export_writes_documents_that_open(drilled, tmp_path, capsys):
    out = tmp_path / "docs"
    assert main(["drill", "export", str(drilled.drill_id), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["drill-2026-11-evaluation-v1.docx", "drill-2026-11-report-v1.docx"]
    report = Document(str(out / "drill-2026-11-report-v1.docx"))
    cells = [c.text for t in report.tables for row in t.rows for c in row.cells]
    for value in FORM.values():
        assert value in cells
    assert any(c.startswith("測試單位") and "Unit tested" in c for c in cells)
    assert any("☑ " + CONFIG.category(drilled.category).drill_item("zh-TW") in c for c in cells)
    assert "2026-11-03 09:00" in cells  # the drill time in Taipei
    evaluation = Document(str(out / "drill-2026-11-evaluation-v1.docx"))
    text = " ".join(c.text for t in evaluation.tables for row in t.rows for c in row.cells)
    assert "順暢" in text and "U0000EXEC" in text and "評估意見" in text
