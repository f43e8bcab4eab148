"""`crisisbot review --period …`: the DOCX and CSV of the hand-computed dataset written to a folder, and a bad
period named with exit 2."""

from __future__ import annotations

import csv
import io

from docx import Document

from bot.runtime.cli import main
from tests.bot.review.fixture import build


def test_the_cli_writes_both_files(session, make, database_url, monkeypatch, tmp_path, capsys):
    build(session, make)
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["review", "--period", "2026-11", "--out", str(tmp_path / "out")]) == 0
    docx_path, csv_path = tmp_path / "out" / "review-2026-11.docx", tmp_path / "out" / "review-2026-11.csv"
    assert str(docx_path) in capsys.readouterr().out
    doc = Document(str(docx_path))
    assert len(doc.inline_shapes) == 1
    assert "更換配電盤；加裝抽水機" in "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    rows = list(csv.reader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig"))))
    assert ["incidents", "total", "5", ""] in rows and ["drills", "done", "1", ""] in rows
    assert main(["review", "--period", "2026", "--out", str(tmp_path)]) == 0
    year = list(csv.reader(io.StringIO((tmp_path / "review-2026.csv").read_text(encoding="utf-8-sig"))))
    assert ["incidents", "total", "6", ""] in year


def test_a_bad_period_is_named(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/none.db")
    assert main(["review", "--period", "2026-13"]) == 2
    assert "'2026-13' is not a review period" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()  # refused before the database is touched
