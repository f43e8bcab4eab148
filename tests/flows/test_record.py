"""A closed incident's record (issue 13, parts 2 and 7), end to end through the sandbox on both databases:
`/crisis status <n>` of a closed incident shows its case file, its versions and the timeline's key moments with
people's names and times in the organisation's zone; the case file uploaded to the war room names people (with an
ID column) and says its details in words; a long case file fits Slack's limits; an incident closed without a case
file says so."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from docx import Document

from bot.blockkit import ids
from bot.blockkit.fit import SECTION_MAX, slack_len
from storage.models import Incident, Page
from storage.types import as_utc
from tests.flows.test_handling import card, open_high, room_of, settle
from tests.flows.test_report import incident

COMMANDER, EXEC, HEAD, DEPUTY_CMD = "U0000CMDR", "U0000EXEC", "U0000INSH", "U0000CMDD"
CASE = {"summary": "3 號倉火警", "cause": "電線走火", "handling": "疏散、通報消防", "lessons": "定期檢查電線",
        "followups": "更換配電盤"}


def taipei(at) -> str:
    """A stored moment as the status shows it: in Asia/Taipei, whatever zone the database returned it in."""
    return as_utc(at).astimezone(ZoneInfo("Asia/Taipei")).strftime("%m/%d %H:%M")


def close_with_case_file(stack, case: dict[str, str] = CASE) -> Incident:
    """A high incident: the commander acknowledges the page and resolves it; the unit head files the case file."""
    open_high(stack)
    commander = stack.person(COMMANDER)
    page_dm = commander.dm().wait_for_message(lambda m: ids.PAGE_ACK in str(m.blocks))
    commander.click(page_dm, ids.PAGE_ACK)
    settle(stack, lambda: all(p.status != "paging" for p in pages(stack)))
    commander.click(card(stack), ids.RESOLVE)
    settle(stack, lambda: incident(stack).status == "resolved")
    head = stack.person(HEAD)
    head.click(card(stack), ids.CASEFILE_OPEN)
    head.wait_modal(ids.CASEFILE_VIEW).fill({f"{ids.CF_PREFIX}{k}": v for k, v in case.items()}).submit()
    stack.drain()
    closed = incident(stack)
    assert closed.status == "closed"
    return closed


def pages(stack) -> list[Page]:
    with stack.bot.services.sessions() as s:
        return list(s.scalars(sa.select(Page).order_by(Page.id)))


def test_status_of_a_closed_incident_shows_the_case_file_and_key_moments_with_names(stack):
    closed = close_with_case_file(stack)
    [page] = pages(stack)
    executive = stack.person(EXEC)
    assert executive.slash("/crisis", "status 1").ok
    status = executive.wait_ephemeral(lambda m: "案例檔案" in m.text and "2026-0001" in m.text)
    text = status.all_text()
    for expected in ("📁 *案例檔案*（第 1 版）", "電線走火", "定期檢查電線", "更換配電盤", "疏散、通報消防",
                     "*案例檔案版本*", "• 第 1 版：楊文彬", "時間軸重點*（時間均為 Asia/Taipei）",
                     f"{taipei(closed.created_at)} 通報：楊文彬",  # the unit head reported it
                     "研判：楊文彬，高度危機",  # and judged it at once (the reporter heads the unit)
                     "通知總指揮兼發言人：林志明（主要 primary）", "總指揮兼發言人確認收到：林志明",
                     f"{taipei(page.acked_at)} 總指揮兼發言人確認收到",
                     "危機解除：林志明", "繳交案例檔案第 1 版：楊文彬", f"{taipei(closed.closed_at)} 結案",
                     "crisisbot export 2026-0001"):
        assert expected in text, expected
    assert "U0000CMDR" not in text and "U0000INSH>" not in text.replace(f"<@{HEAD}>", "")  # names, not ids
    assert ids.PAGE_ACK not in str(status.blocks)
    assert len(status.blocks) <= 50 and all(slack_len(b["text"]["text"]) <= SECTION_MAX
                                            for b in status.blocks if b["type"] == "section")
    english = stack.person(DEPUTY_CMD)
    assert english.slash("/crisis", "status 2026-0001").ok
    en = english.wait_ephemeral(lambda m: "Case file" in m.text).all_text()
    for expected in ("📁 *Case file* (version 1)", "*Key moments* (times in Asia/Taipei)", "reported by 楊文彬",
                     "paged the commander-in-chief and spokesperson: 林志明 (primary)",
                     "acknowledged for the commander-in-chief and spokesperson by 林志明", "resolved by 林志明",
                     "case file version 1 submitted by 楊文彬", "closed"):
        assert expected in en, expected


def test_the_uploaded_case_file_names_people_with_an_id_column_and_readable_details(stack):
    close_with_case_file(stack)
    files = [f for m in room_of(stack).messages() for f in m.files]
    md = next(f for f in files if f["name"].endswith(".md"))
    markdown = stack.sandbox.workspace.files[md["id"]].content.decode()
    assert "| 時間 Time | 人員 Name | 帳號 ID | 事項 Event | 內容 Details |" in markdown
    assert "| 林志明 | U0000CMDR | 確認收到 Acknowledged |" in markdown
    assert "角色 Role：總指揮兼發言人 Commander-in-chief and spokesperson" in markdown
    assert "等級 Level：高度危機" in markdown
    assert "role: commander" not in markdown and "level: high" not in markdown
    assert [line for line in markdown.splitlines() if "Asia/Taipei" in line] == [
        "時間均為 Asia/Taipei 時間 All times are in Asia/Taipei"]  # the zone, said once in the header
    docx = next(f for f in files if f["name"].endswith(".docx"))
    doc = Document(io.BytesIO(stack.sandbox.workspace.files[docx["id"]].content))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "林志明" in cells and "U0000CMDR" in cells and "帳號 ID" in cells
    assert any("楊文彬 (U0000INSH)" in c for c in cells)  # the reporter, in the facts


def test_a_long_case_file_fits_slacks_limits_as_an_excerpt(stack):
    long = {**CASE, "handling": "疏散人員並通報消防。" * 400, "lessons": "check the wiring every month " * 150}
    close_with_case_file(stack, long)
    executive = stack.person(EXEC)
    assert executive.slash("/crisis", "status 2026-0001").ok
    status = executive.wait_ephemeral(lambda m: "案例檔案" in m.text and "2026-0001" in m.text)
    assert len(status.blocks) <= 50
    assert all(slack_len(b["text"]["text"]) <= SECTION_MAX for b in status.blocks if b["type"] == "section")
    blocks_text = "\n".join(b["text"]["text"] for b in status.blocks if b["type"] == "section")
    assert blocks_text.count("（節錄，全文見完整案例檔案）") == 2 and "crisisbot export 2026-0001" in status.all_text()
    lessons = next(line for line in blocks_text.split("\n") if line.startswith("*檢討與經驗傳承*"))
    assert lessons.split("…")[0].split()[-1] in {"check", "the", "wiring", "every", "month"}  # whole words
    assert "結案" in status.all_text()  # the key moments are all still there


def test_an_incident_closed_without_a_case_file_says_so(stack):
    open_high(stack)
    with stack.bot.services.sessions() as s, s.begin():
        s.execute(sa.update(Incident).values(status="closed"))  # closed some other way (by an operator)
    executive = stack.person(EXEC)
    assert executive.slash("/crisis", "status 2026-0001").ok
    text = executive.wait_ephemeral(lambda m: "2026-0001" in m.text).all_text()
    assert "此事件結案時沒有案例檔案" in text and "通報：楊文彬" in text and "通知總指揮兼發言人：林志明" in text
