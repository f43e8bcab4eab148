"""Deputies are in the loop (procedure §3 職務代理人, issue 12 bullet 6), end to end through the sandbox on both
databases: a hand-off addressed to a role reaches its holder and a copy reaches the deputy; either may act; the first
to act is recorded and every other copy then says who did and when, with no buttons; a late click on a copy the
screen still showed is told who already did it."""

from __future__ import annotations

import sqlalchemy as sa
import yaml

from bot.blockkit import ids
from bot.procedure.config import EXAMPLE_CONFIG, parse_config
from sandbox.interactions import find_element
from storage.models import AuditEvent, RoleAssignment
from storage.types import utcnow
from tests.flows.test_drills import draw, file_form, member_of
from tests.flows.test_report import incident, report
from tests.stack import Stack

COMMANDER, COMMANDER_DEPUTY = "U0000CMDR", "U0000CMDD"
EXEC, EXEC_DEPUTY = "U0000EXEC", "U0000EXED"
PLAN = "U0000PLAN"
HEAD = "U0000INSH"

LOW_REPORT = "低度危機處理陳報"


def dms(stack, user: str, predicate) -> list:
    """Every DM the bot sent this person that `predicate` picks, oldest first."""
    return [m for m in stack.person(user).dm().messages() if m.from_bot and predicate(m)]


def click_as_shown(stack, user: str, message, action_id: str):
    """A click on the message as the person's screen still showed it when it was read (before the bot redrew it:
    a slow client, or a click already on its way)."""
    block, element = find_element(message.blocks, action_id)
    return stack.sandbox.interactions.block_action(stack.person(user).user, block=block, element=element,
                                                   channel=stack.sandbox.workspace.channels[message.channel],
                                                   message=message.raw)


def events(stack, kind: str) -> list[AuditEvent]:
    with stack.bot.services.sessions() as s:
        return list(s.scalars(sa.select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id)))


def handled_low_incident(stack) -> None:
    """A low-level incident the unit's head has marked handled: the report to the executive secretary is due."""
    report(stack, "U0000INSD", "low")
    stack.drain()
    card = stack.sandbox.channel(incident(stack).channel_id).pins[0]
    stack.person(HEAD).click(card, ids.MARK_HANDLED)
    stack.drain()


def test_the_low_level_report_reaches_the_secretary_and_her_deputy_and_the_first_reader_is_recorded(stack):
    handled_low_incident(stack)
    secretary = stack.person(EXEC).dm().wait_for_message(lambda m: LOW_REPORT in m.text)
    deputy_copy = stack.person(EXEC_DEPUTY).dm().wait_for_message(lambda m: LOW_REPORT in m.text)
    for copy in (secretary, deputy_copy):
        assert "2026-0001" in copy.text and ids.HANDOFF_READ in str(copy.blocks)
    assert {EXEC, EXEC_DEPUTY} <= set(stack.sandbox.channel(incident(stack).channel_id).members)  # the link opens

    # the deputy, standing in, reads it first
    deputy = stack.person(EXEC_DEPUTY)
    assert deputy.click(deputy_copy, ids.HANDOFF_READ).ok
    assert "已記錄" in deputy.wait_ephemeral(lambda m: "收悉" in m.text).text
    stack.drain()
    [read] = events(stack, "handoff.read")
    assert read.actor == EXEC_DEPUTY and read.incident_id == incident(stack).id
    for copy in (secretary, deputy_copy):
        now = copy.refresh()
        assert ids.HANDOFF_READ not in str(now.blocks)
        assert f"<@{EXEC_DEPUTY}> 已於" in now.all_text() and "收悉" in now.all_text()

    # the secretary's screen still showed the button: her click is answered, and nothing more is recorded
    click_as_shown(stack, EXEC, secretary, ids.HANDOFF_READ)
    late = stack.person(EXEC).wait_ephemeral(lambda m: "無須再確認" in m.text)
    assert f"<@{EXEC_DEPUTY}>" in late.text
    # a member of the unit cannot acknowledge the report for the executive secretary
    click_as_shown(stack, "U0000INS1", secretary, ids.HANDOFF_READ)
    assert "執行秘書或其職務代理人" in stack.person("U0000INS1").wait_ephemeral(lambda m: "抱歉" in m.text).text
    stack.drain()
    assert len(events(stack, "handoff.read")) == 1
    assert len(dms(stack, EXEC, lambda m: LOW_REPORT in m.text)) == 1  # redrawn in place, never sent again


def test_the_drill_report_form_reaches_the_commander_the_secretary_and_their_deputies(stack):
    drill = draw(stack)
    # the executive secretary's DM is the drill's thread; her deputy is told of the draw with the plan button
    stack.person(EXEC_DEPUTY).dm().wait_for_message(lambda m: ids.DRILL_PLAN_OPEN in str(m.blocks))
    assert not file_form(stack, drill, member_of(stack, drill.unit_id)).errors
    stack.drain()
    for user in (COMMANDER, COMMANDER_DEPUTY, EXEC, EXEC_DEPUTY):
        sent = dms(stack, user, lambda m: "加強夜間聯繫名冊" in m.all_text())
        assert len(sent) == 1, user


def evaluated(stack):
    """A drill whose evaluation (version 1) awaits the executive secretary's approval."""
    drill = draw(stack)
    assert not file_form(stack, drill, member_of(stack, drill.unit_id)).errors
    stack.drain()
    planner = stack.person(PLAN)
    planner.click(planner.dm().wait_for_message(lambda m: ids.DRILL_EVAL_OPEN in str(m.blocks)), ids.DRILL_EVAL_OPEN)
    modal = planner.wait_modal(ids.DRILL_EVAL_VIEW)
    assert not modal.fill({ids.E_ASSESSMENT: "通報流程順暢", ids.E_RECOMMENDATIONS: "每季更新名冊"}).submit().errors
    stack.drain()
    return drill


def test_the_deputy_approves_the_evaluation_and_the_secretarys_copy_says_so(stack):
    evaluated(stack)
    asked = stack.person(EXEC).dm().wait_for_message(lambda m: ids.DRILL_APPROVE in str(m.blocks))
    copy = stack.person(EXEC_DEPUTY).dm().wait_for_message(lambda m: ids.DRILL_APPROVE in str(m.blocks))
    assert "每季更新名冊" in asked.all_text() and "每季更新名冊" in copy.all_text()

    assert stack.person(EXEC_DEPUTY).click(copy, ids.DRILL_APPROVE).ok
    stack.drain()
    [approved] = events(stack, "drill.evaluation_approved")
    assert approved.actor == EXEC_DEPUTY
    for shown in (asked, copy):
        now = shown.refresh()
        assert ids.DRILL_APPROVE not in str(now.blocks) and ids.DRILL_RETURN_OPEN not in str(now.blocks)
        assert f"已由 <@{EXEC_DEPUTY}> 於" in now.all_text() and "核定" in now.all_text()

    # the secretary approves from the request her screen still showed: told who already did, nothing decided twice
    click_as_shown(stack, EXEC, asked, ids.DRILL_APPROVE)
    late = stack.person(EXEC).wait_ephemeral(lambda m: "無須再處理" in m.text)
    assert f"<@{EXEC_DEPUTY}>" in late.text
    click_as_shown(stack, EXEC, asked, ids.DRILL_RETURN_OPEN)
    stack.person(EXEC).wait_ephemeral(lambda m: "無須再處理" in m.text and m.ts != late.ts)
    stack.drain()
    assert len(events(stack, "drill.evaluation_approved")) == 1
    assert len(events(stack, "drill.evaluation_circulated")) == 1


def test_the_secretary_returns_the_evaluation_and_the_deputys_copy_loses_its_buttons(stack):
    evaluated(stack)
    asked = stack.person(EXEC).dm().wait_for_message(lambda m: ids.DRILL_RETURN_OPEN in str(m.blocks))
    copy = stack.person(EXEC_DEPUTY).dm().wait_for_message(lambda m: ids.DRILL_RETURN_OPEN in str(m.blocks))
    secretary = stack.person(EXEC)
    secretary.click(asked, ids.DRILL_RETURN_OPEN)
    modal = secretary.wait_modal(ids.DRILL_RETURN_VIEW)
    assert not modal.fill({ids.E_RETURN_COMMENT: "請補充改進時程"}).submit().errors
    stack.drain()
    for shown in (asked, copy):
        now = shown.refresh()
        assert ids.DRILL_APPROVE not in str(now.blocks)
        assert f"已由 <@{EXEC}> 於" in now.all_text() and "退回" in now.all_text()
    click_as_shown(stack, EXEC_DEPUTY, copy, ids.DRILL_APPROVE)
    assert f"<@{EXEC}>" in stack.person(EXEC_DEPUTY).wait_ephemeral(lambda m: "無須再處理" in m.text).text
    assert events(stack, "drill.evaluation_approved") == []


def test_a_seat_with_no_deputy_gets_one_dm(stack):
    with stack.bot.services.sessions() as s, s.begin():  # the deputy has left and nobody is designated yet
        s.execute(sa.update(RoleAssignment).where(RoleAssignment.role == "executive_secretary",
                                                  RoleAssignment.seat == "deputy",
                                                  RoleAssignment.ended_at.is_(None)).values(ended_at=utcnow()))
    handled_low_incident(stack)
    stack.person(EXEC).dm().wait_for_message(lambda m: LOW_REPORT in m.text)
    assert len(dms(stack, EXEC, lambda m: LOW_REPORT in m.text)) == 1
    assert dms(stack, EXEC_DEPUTY, lambda m: LOW_REPORT in m.text) == []


def one_person_in_two_seats(database_url: str) -> Stack:
    """The bot where the executive secretary's deputy is also the commander's deputy."""
    data = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    data["roles"]["commander"]["deputy"] = EXEC_DEPUTY
    return Stack(database_url, config=parse_config(data)).start()


def test_one_person_in_two_seats_gets_one_copy(database_url):
    stack = one_person_in_two_seats(database_url)
    try:
        drill = draw(stack)
        assert not file_form(stack, drill, member_of(stack, drill.unit_id)).errors
        stack.drain()
        assert len(dms(stack, EXEC_DEPUTY, lambda m: "加強夜間聯繫名冊" in m.all_text())) == 1
        for user in (COMMANDER, EXEC):
            assert len(dms(stack, user, lambda m: "加強夜間聯繫名冊" in m.all_text())) == 1
        assert dms(stack, COMMANDER_DEPUTY, lambda m: "加強夜間聯繫名冊" in m.all_text()) == []
    finally:
        stack.stop()


def test_the_statement_approval_dms_say_who_released_it(stack):
    report(stack, HEAD, "high")
    stack.drain()
    room = stack.sandbox.channel(incident(stack).channel_id)
    pr = stack.person("U0000PRPR")
    pr.click(room.pins[0].refresh(), ids.HANDLING_MENU_MORE, value=f"draft:{incident(stack).id}")
    assert not pr.wait_modal(ids.MEDIA_VIEW).fill({ids.H_TEXT: "本關已啟動應變"}).submit().errors
    stack.drain()
    asked = stack.person(COMMANDER).dm().wait_for_message(lambda m: "對外說明" in m.text)
    copy = stack.person(COMMANDER_DEPUTY).dm().wait_for_message(lambda m: "drafted a statement" in m.text)
    assert COMMANDER_DEPUTY in room.members  # the copy links the room, and the deputy may open it
    # the deputy releases it from the war room; both requests now say so
    [draft] = [m for m in room.messages() if ids.MEDIA_APPROVE in str(m.blocks)]
    stack.person(COMMANDER_DEPUTY).click(draft, ids.MEDIA_APPROVE)
    stack.drain()
    assert f"已由 <@{COMMANDER_DEPUTY}> 於" in asked.refresh().all_text()
    assert f"Released by <@{COMMANDER_DEPUTY}> at" in copy.refresh().all_text()
    assert len(dms(stack, COMMANDER, lambda m: "對外說明" in m.text)) == 1


def test_once_the_drill_is_closed_its_dms_keep_no_buttons(stack):
    drill = evaluated(stack)
    head = stack.bot.services.config.unit(drill.unit_id).head
    shown = {
        PLAN: stack.person(PLAN).dm().wait_for_message(lambda m: ids.DRILL_PLAN_OPEN in str(m.blocks)),
        EXEC_DEPUTY: stack.person(EXEC_DEPUTY).dm().wait_for_message(lambda m: ids.DRILL_PLAN_OPEN in str(m.blocks)),
        head: stack.person(head).dm().wait_for_message(lambda m: ids.DRILL_REPORT_OPEN in str(m.blocks)),
        "U0000PLDP": stack.person("U0000PLDP").dm().wait_for_message(lambda m: ids.DRILL_EVAL_OPEN in str(m.blocks)),
        EXEC: stack.person(EXEC).dm().wait_for_message(lambda m: ids.DRILL_PLAN_OPEN in str(m.blocks)),  # the card
    }
    asked = stack.person(EXEC).dm().wait_for_message(lambda m: ids.DRILL_APPROVE in str(m.blocks))
    stack.person(EXEC).click(asked, ids.DRILL_APPROVE)
    stack.drain()
    for user, message in shown.items():
        now = message.refresh()
        assert not [b for b in now.blocks if b["type"] == "actions"], user
        assert f"<@{EXEC}>" in now.all_text() and ("已結案" in now.all_text() or "is closed" in now.all_text()), user
