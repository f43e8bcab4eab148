"""The overview end to end through the sandbox, on both databases: the App Home tab (pages waiting on me with an
Acknowledge button, my tasks, open incidents, the drill and deadlines), `/crisis list` and `/crisis status`."""

from __future__ import annotations

import sqlalchemy as sa

from bot.blockkit import ids
from storage.models import Page
from tests.flows.test_report import incident, report

COMMANDER, EXEC, HEAD = "U0000CMDR", "U0000EXEC", "U0000INSH"


def pages(stack) -> list[Page]:
    with stack.bot.services.sessions() as s:
        return list(s.scalars(sa.select(Page).order_by(Page.id)))


def test_home_of_the_commander_with_a_page_acknowledged_from_home(stack):
    report(stack, HEAD, "high")
    stack.drain()
    [page] = pages(stack)
    room = incident(stack).channel_id
    commander = stack.person(COMMANDER)
    home = commander.open_home()
    text = home.all_text()
    assert "危機管理總覽" in text and "等待您確認的通知（1）" in text
    assert "2026-0001" in text and "高度危機" in text
    assert f"<#{room}|inc-2026-0001-" in str(home.blocks)  # the war-room link, by name
    assert "總指揮兼發言人" in text  # who I am, and the help below
    assert len(home.blocks) <= 100
    button_block = f"{ids.HOME_PAGE_PREFIX}{page.id}"
    assert any(b.get("block_id") == button_block for b in home.blocks)

    before = home.hash
    assert commander.click(home, ids.PAGE_ACK, block_id=button_block).ok
    stack.sandbox.workspace.wait_for(lambda: commander.home().hash != before)
    [page] = pages(stack)
    assert (page.status, page.acked_by) == ("acked", COMMANDER)
    refreshed = commander.home()
    assert "等待您確認的通知（0）" in refreshed.all_text() and ids.PAGE_ACK not in str(refreshed.blocks)
    stack.drain()
    dm = commander.dm().wait_for_message(lambda m: "2026-0001" in m.text and "已由" in m.all_text())
    assert ids.PAGE_ACK not in str(dm.blocks)  # the page DM shows the acknowledgement too


def test_home_of_a_unit_head_with_a_triage_task(stack):
    report(stack, "U0000INS1", "medium")  # a member reports: the head must triage
    stack.drain()
    head = stack.person(HEAD)
    home = head.open_home()
    text = home.all_text()
    assert "待辦事項（1）" in text and "研判 *2026-0001*" in text
    assert "未研判即依建議等級通知" in text  # the triage timeout is an upcoming deadline
    assert "前未研判將通知執行秘書" in text  # a proposed medium goes to the executive secretary's tier
    head.click(home, ids.TRIAGE_OPEN)
    modal = head.wait_modal(ids.TRIAGE_VIEW)
    modal.fill({ids.T_LEVEL: "low"})
    assert modal.submit().ok
    assert "待辦事項（0）" in head.open_home().all_text()
    # someone outside the unit has no such task, and a guest sees no incidents
    other = stack.person("U0000PERH").open_home().all_text()
    assert "待辦事項（0）" in other and "2026-0001" in other
    assert "2026-0001" not in stack.person("U0000GUST").open_home().all_text()


def test_home_shows_the_drill_and_the_drilled_units_report_task(stack):
    executive = stack.person(EXEC)
    executive.slash("/crisis", "drill draw")
    executive.wait_ephemeral(lambda m: "drill verify" in m.text)
    stack.drain()
    from tests.flows.test_drills import drills

    [drill] = drills(stack)
    unit = stack.bot.services.config.unit(drill.unit_id)
    home = stack.person(unit.head).open_home()
    text = home.all_text()
    assert "本期演練" in text and drill.period in text and "演練報告表到期" in text
    assert ids.DRILL_REPORT_OPEN in str(home.blocks)
    planner = stack.person("U0000PLAN").open_home()
    assert ids.DRILL_PLAN_OPEN in str(planner.blocks)
    assert ids.DRILL_REPORT_OPEN not in str(executive.open_home().blocks)


def test_list_and_status(stack):
    report(stack, HEAD, "medium", **{ids.F_TITLE: "<!channel> 貨櫃場火警"})
    report(stack, "U0000INS1", "low")
    stack.drain()
    executive = stack.person(EXEC)
    assert executive.slash("/crisis", "list").ok
    listed = executive.wait_ephemeral(lambda m: "處理中的危機事件（2）" in m.text)
    assert "2026-0001" in listed.text and "2026-0002" in listed.text and "待研判" in listed.text
    assert "<!channel>" not in listed.text and "&lt;!channel&gt;" in listed.text
    assert f"<#{incident(stack).channel_id}|inc-2026-0001-" in listed.text
    assert "等待您確認的通知（1）" in listed.text  # the medium incident pages the executive secretary

    assert executive.slash("/crisis", "狀態 2026-0001").ok
    status = executive.wait_ephemeral(lambda m: "危機事件 2026-0001" in m.text)
    for expected in ("中度危機", "突發案件", "狀態", "目前步驟", "已通知 paged <@U0000EXEC>", "<@U0000INSH>"):
        assert expected in status.text, expected
    deputy = stack.person("U0000CMDD")  # English
    assert deputy.slash("/crisis", "status 2").ok
    english = deputy.wait_ephemeral(lambda m: "Incident 2026-0002" in m.text).text
    assert "awaiting triage" in english and "No pages yet" in english
    executive.slash("/crisis", "status 2026-0099")
    executive.wait_ephemeral(lambda m: "找不到這個危機事件" in m.text)
    executive.slash("/crisis", "status")
    executive.wait_ephemeral(lambda m: "用法" in m.text)
    guest = stack.person("U0000GUST")
    guest.slash("/crisis", "list")
    assert "viewing incidents" in guest.wait_ephemeral(lambda m: "Sorry" in m.text).text


def test_home_of_a_unit_head_says_a_proposed_high_goes_to_the_commander(stack):
    report(stack, "U0000INS1", "high")
    stack.drain()
    text = stack.person(HEAD).open_home().all_text()
    assert "前未研判將通知總指揮" in text and "前未研判將通知執行秘書" not in text
