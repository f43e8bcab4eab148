"""The periodic review end to end through the sandbox, on both databases: the executive secretary types
`/crisis review 2026-11`, reads the figures and gets the DOCX and CSV by DM (opened and read here); the same
command again sends nothing twice; a unit head is refused; the monthly job DMs the secretary and the deputy once
even when it runs twice."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from docx import Document

from scheduler import jobs
from tests.flows.test_report import report

EXEC, EXEC_DEPUTY, HEAD = "U0000EXEC", "U0000EXED", "U0000INSH"


def files_of(stack, user: str, period: str) -> dict[str, bytes]:
    """The review files in the user's DM (in the threads of the bot's messages), by name, with their bytes."""
    ws = stack.sandbox.workspace
    found: dict[str, bytes] = {}
    for message in stack.person(user).dm().messages(include_replies=True):
        for file in message.files:
            if file["name"].startswith(f"review-{period}"):
                assert file["name"] not in found, f"{file['name']} was sent twice"
                found[file["name"]] = ws.files[file["id"]].content
    return found


def reviews_in_dm(stack, user: str, period: str) -> list:
    return [m for m in stack.person(user).dm().messages() if f"review {period}" in m.text.lower()
            or f"定期檢討 {period}" in m.text]


def test_the_executive_secretary_reviews_a_month_and_gets_the_files(stack):
    report(stack, HEAD, "high")  # the head reports: triaged at once, the commander paged
    stack.drain()
    secretary = stack.person(EXEC)
    assert secretary.slash("/crisis", "review 2026-11").ok
    shown = secretary.wait_ephemeral(lambda m: "危機管理定期檢討 2026-11" in m.all_text())
    text = shown.all_text()
    assert "期間內通報 *1* 件危機事件" in text and "高度危機" in text and "驗貨課" in text
    assert "DOCX 與 CSV 檔將以私訊傳送給您" in text
    stack.drain()
    [dm] = reviews_in_dm(stack, EXEC, "2026-11")
    assert "DOCX 與 CSV 檔附於此訊息的討論串" in dm.all_text()
    files = files_of(stack, EXEC, "2026-11")
    assert sorted(files) == ["review-2026-11.csv", "review-2026-11.docx"]
    doc = Document(io.BytesIO(files["review-2026-11.docx"]))
    assert len(doc.inline_shapes) == 1  # the chart
    cells = "\n".join("\t".join(c.text for c in r.cells) for t in doc.tables for r in t.rows)
    assert "高度危機 High\t1" in cells and "驗貨課 Inspection Section\t1" in cells
    rows = list(csv.reader(io.StringIO(files["review-2026-11.csv"].decode("utf-8-sig"))))
    assert ["incidents", "total", "1", ""] in rows and ["by_level", "high", "1", ""] in rows
    assert ["to_first_page", "count", "1", ""] in rows

    # the same command again (a retry, a double tap): the figures, and no second set of files
    uploads = len(stack.calls("files.completeUploadExternal"))
    secretary.slash("/crisis", "檢討 2026-11")
    secretary.wait_ephemeral(lambda m: "已經私訊給您了" in m.all_text())
    stack.drain()
    assert len(stack.calls("files.completeUploadExternal")) == uploads
    assert len(reviews_in_dm(stack, EXEC, "2026-11")) == 1

    # a bad period is named
    secretary.slash("/crisis", "review 2026-13")
    secretary.wait_ephemeral(lambda m: "「2026-13」不是有效的期間" in m.text)


def test_a_unit_head_is_refused(stack):
    head = stack.person(HEAD)
    head.slash("/crisis", "review")
    refusal = head.wait_ephemeral(lambda m: "查看危機管理定期檢討" in m.text)
    assert "總指揮及執行秘書" in refusal.text
    stack.drain()
    assert files_of(stack, HEAD, "2026-11") == {}


def test_the_monthly_review_reaches_the_secretary_and_the_deputy_once(stack):
    report(stack, HEAD, "medium")
    stack.drain()
    stack.clock.set(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))  # 09:00 on 1 December in Taipei
    jobs.review(stack.bot.services)
    jobs.review(stack.bot.services)  # a second replica, or a restart's catch-up
    jobs.review(stack.bot.services, catch_up=True)
    stack.drain()
    for user in (EXEC, EXEC_DEPUTY):
        [dm] = reviews_in_dm(stack, user, "2026-11")
        assert "上個月（2026-11）的危機管理定期檢討數據" in dm.all_text()
        assert "中度危機" in dm.all_text()
        assert sorted(files_of(stack, user, "2026-11")) == ["review-2026-11.csv", "review-2026-11.docx"]
