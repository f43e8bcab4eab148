"""The documents' shared DOCX style (annex 2's): a centred bilingual heading, a two-column table of labelled
rows (zh-TW label over the English one), and the file's bytes. The drill forms and the case file use it alike."""

from __future__ import annotations

import io
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from bot.procedure.config import OrgConfig


def heading(doc: Any, config: OrgConfig, title: tuple[str, str]) -> None:
    """The organisation and the title in zh-TW, then both in English, centred."""
    org = doc.add_paragraph()
    org.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = org.add_run(f"{config.organisation.name('zh-TW')}{title[0]}")
    run.bold, run.font.size = True, Pt(16)
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.add_run(f"{config.organisation.name('en')} — {title[1]}").italic = True


def table(doc: Any, rows: list[tuple[tuple[str, str], str]]) -> None:
    """A row per field: the bilingual label, and the value with its line breaks kept."""
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for (zh, en), value in rows:
        cells = table.add_row().cells
        label = cells[0].paragraphs[0]
        label.add_run(zh).bold = True
        label.add_run(f"\n{en}")
        lines = (value or "").split("\n")
        cells[1].paragraphs[0].add_run(lines[0])
        for line in lines[1:]:
            cells[1].add_paragraph(line)


def to_bytes(doc: Any) -> bytes:
    """The document as the bytes of a .docx file."""
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
