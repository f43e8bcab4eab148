"""The documents' shared DOCX style (annex 2's): a centred bilingual heading, a two-column table of labelled
rows (zh-TW label over the English one), and the file's bytes. The drill forms and the case file use it alike.

Every string goes through `safe` on its way in: python-docx refuses characters XML forbids, and a document that
cannot be built fails every retry alike. The forms drop them at input; this is the net for rows stored before."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from bot.procedure.config import OrgConfig
from bot.procedure.text import xml_safe


def safe(value: Any) -> Any:
    """The value with every string in it (in dicts, lists and tuples too) stripped of what XML forbids."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, dict):
        return {k: safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(safe(v) for v in value)
    return value


def heading(doc: Any, config: OrgConfig, title: tuple[str, str]) -> None:
    """The organisation and the title in zh-TW, then both in English, centred."""
    org = doc.add_paragraph()
    org.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = org.add_run(xml_safe(f"{config.organisation.name('zh-TW')}{title[0]}"))
    run.bold, run.font.size = True, Pt(16)
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.add_run(xml_safe(f"{config.organisation.name('en')} — {title[1]}")).italic = True


def table(doc: Any, rows: list[tuple[tuple[str, str], str]]) -> None:
    """A row per field: the bilingual label, and the value with its line breaks kept."""
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for (zh, en), value in safe(rows):
        cells = table.add_row().cells
        label = cells[0].paragraphs[0]
        label.add_run(zh).bold = True
        label.add_run(f"\n{en}")
        lines = str(value or "").split("\n")
        cells[1].paragraphs[0].add_run(lines[0])
        for line in lines[1:]:
            cells[1].add_paragraph(line)


def paragraph(doc: Any, text: str) -> Any:
    """A paragraph of text, stripped of what XML forbids."""
    return doc.add_paragraph(xml_safe(text))


def to_bytes(doc: Any) -> bytes:
    """The document as the bytes of a .docx file."""
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def when(at: datetime | str | None, config: OrgConfig) -> str:
    """A moment in the organisation's time zone (the zone itself is said once, in the document's header)."""
    if not at:
        return ""
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    return moment.astimezone(config.organisation.tz).strftime("%Y-%m-%d %H:%M")


def zone_line(config: OrgConfig) -> str:
    """The one place a document names the time zone every time in it is in."""
    zone = config.organisation.timezone
    return f"時間均為 {zone} 時間 All times are in {zone}"
