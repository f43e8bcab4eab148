"""A handover hands over the open work (procedure §3 移交; issue 12, bullet 5), end to end through the sandbox on
both databases: the preview lists what will move; the waiting page is withdrawn from the former holder (its DM
says so, its button answers politely) and re-sent to the new holder with its own timer and escalation; the new
holder is invited to the open war rooms and told which; the seat's pending tasks work from App Home for whoever
holds it now."""

from __future__ import annotations

import sqlalchemy as sa

from bot.blockkit import ids
from sandbox.interactions import find_element
from storage import audit
from storage import roster as storage_roster
from storage.models import DrillEvaluation, Page
from tests.flows.test_drills import dm_with as drill_dm
from tests.flows.test_drills import draw, file_form, member_of, plan
from tests.flows.test_report import dm_with, incident, report

COMMANDER, COMMANDER_DEPUTY, EXEC, PLAN = "U0000CMDR", "U0000CMDD", "U0000EXEC", "U0000PLAN"
NEW = "U0000SECH"  # the secretariat's head, who takes the seat (reads zh-TW)


def pages(stack) -> list[Page]:
    with stack.bot.services.sessions() as s:
        return list(s.scalars(sa.select(Page).order_by(Page.id)))


def preview(stack, user: str, text: str):
    person = stack.person(user)
    assert person.slash("/crisis", text).ok
    return person.wait_ephemeral(lambda m: ids.HANDOVER_CONFIRM in str(m.blocks))


def click_as_it_was(stack, user: str, message, action_id: str):
    """Click a button on a message as the person's screen still shows it (before the bot updated it)."""
    sandbox = stack.sandbox
    block, element = find_element(message.blocks, action_id)
    return sandbox.interactions.block_action(sandbox.workspace.users[user], block=block, element=element,
                                             channel=sandbox.workspace.channels[message.channel],
                                             message=message.raw)


def test_a_commander_handed_over_before_acknowledging_hands_the_page_over(stack):
    report(stack, "U0000INSH", "high")  # a head's high stands: the commander is paged at once
    stack.drain()
    inc = incident(stack)
    room = stack.sandbox.channel(inc.channel_id)
    old_dm = dm_with(stack, COMMANDER, ids.PAGE_ACK)
    stack.later(seconds=200)  # the commander has not answered yet

    # the preview says what will move; Cancel leaves the seat as it is
    shown = preview(stack, COMMANDER, f"handover commander <@{NEW}>")
    text = shown.all_text()
    assert "確認移交" in text and f"<@{NEW}>" in text
    assert "待確認的通知（1）" in text and inc.number in text  # the page waiting on the commander
    assert "處理中的戰情室（1）" in text and f"<#{inc.channel_id}|inc-2026-0001-" in text  # the war room, by name
    commander = stack.person(COMMANDER)
    assert commander.click(shown, ids.HANDOVER_CANCEL).ok
    commander.wait_ephemeral(lambda m: "已取消" in m.text and ids.HANDOVER_CONFIRM not in str(m.blocks))
    with stack.bot.services.sessions() as s:
        assert storage_roster.holders(s, "commander").primary == COMMANDER

    # confirmed: the seat and its page move
    shown = preview(stack, COMMANDER, f"handover commander <@{NEW}>")
    assert commander.click(shown, ids.HANDOVER_CONFIRM).ok
    done = commander.wait_ephemeral(lambda m: "已將" in m.text)
    assert ids.HANDOVER_CONFIRM not in str(done.blocks)
    stack.drain()
    handed_at = stack.clock.now
    first, second = pages(stack)
    assert (first.target_user, first.status) == (COMMANDER, "superseded")
    assert (second.target_user, second.status, second.role, second.tier, second.attempt) == (
        NEW, "paging", "commander", 0, "primary")
    with stack.bot.services.sessions() as s:
        [event] = audit.events(s, kind_prefix="page.handed_over")
    assert (event.subject_id, event.data["to"], event.data["new_page"]) == (str(first.id), NEW, second.id)

    # the former holder's DM says it was handed over, with no button; its old button is answered politely
    updated = commander.dm().wait_for_message(lambda m: m.ts == old_dm.ts and "已移交給" in m.all_text())
    assert ids.PAGE_ACK not in str(updated.blocks) and f"<@{NEW}>" in updated.all_text()
    assert click_as_it_was(stack, COMMANDER, old_dm, ids.PAGE_ACK).ok
    polite = commander.wait_ephemeral(lambda m: "隨職務移交" in m.text)
    assert f"<@{NEW}>" in polite.text and "抱歉" not in polite.text
    stack.drain()
    assert pages(stack)[1].status == "paging"  # the old button stopped nothing

    # the new holder: a page with an Acknowledge button, the war room, and a DM that names it
    dm_with(stack, NEW, ids.PAGE_ACK)
    assert NEW in room.members
    told = stack.person(NEW).dm().wait_for_message(lambda m: "職務移交" in m.text)
    assert "已邀請您加入 1 個處理中的戰情室" in told.text and f"<#{inc.channel_id}|inc-2026-0001-" in told.text
    assert inc.number in told.text and "1 則待確認的通知已改送給您" in told.text

    # the new page has its own timer: the old one's (300 s after the first page) passes quietly
    stack.later(seconds=150)
    assert len(pages(stack)) == 2
    # unanswered for 300 s since the handover: the deputy is paged, not the former holder
    stack.clock.set(handed_at)
    stack.later(seconds=301)
    rows = pages(stack)
    assert [(p.target_user, p.attempt, p.status) for p in rows] == [
        (COMMANDER, "primary", "superseded"), (NEW, "primary", "escalated"),
        (COMMANDER_DEPUTY, "deputy", "paging")]
    dm_with(stack, COMMANDER_DEPUTY, ids.PAGE_ACK)


def test_an_acknowledged_page_stays_with_who_answered(stack):
    report(stack, "U0000INSH", "high")
    stack.drain()
    commander = stack.person(COMMANDER)
    assert commander.click(dm_with(stack, COMMANDER, ids.PAGE_ACK), ids.PAGE_ACK).ok
    stack.drain()
    shown = preview(stack, COMMANDER, f"handover commander <@{NEW}>")
    assert "待確認的通知" not in shown.all_text()  # nothing waits: the page was answered
    assert commander.click(shown, ids.HANDOVER_CONFIRM).ok
    commander.wait_ephemeral(lambda m: "已將" in m.text)
    stack.drain()
    [page] = pages(stack)
    assert (page.target_user, page.status, page.acked_by) == (COMMANDER, "acked", COMMANDER)
    assert NEW in stack.sandbox.channel(incident(stack).channel_id).members  # still in the room, to take over


def an_evaluation_waiting_for_approval(stack):
    drill = draw(stack)
    assert not plan(stack, drill).errors
    stack.drain()
    stack.clock.advance(days=3)
    assert not file_form(stack, drill, member_of(stack, drill.unit_id)).errors
    stack.drain()
    planner = stack.person(PLAN)
    planner.click(drill_dm(stack, PLAN, ids.DRILL_EVAL_OPEN), ids.DRILL_EVAL_OPEN)
    modal = planner.wait_modal(ids.DRILL_EVAL_VIEW)
    modal.fill({ids.E_ASSESSMENT: "通報流程順暢", ids.E_RECOMMENDATIONS: "建議每季更新名冊"})
    assert not modal.submit().errors
    stack.drain()
    return drill


def test_a_pending_evaluation_approval_follows_the_executive_secretarys_seat(stack):
    an_evaluation_waiting_for_approval(stack)
    stranded = drill_dm(stack, EXEC, ids.DRILL_APPROVE)  # the approval request in the former holder's DM

    shown = preview(stack, EXEC, f"handover executive_secretary <@{NEW}>")
    assert "待辦工作（1）" in shown.all_text() and "核定演練評估報告" in shown.all_text()
    executive = stack.person(EXEC)
    assert executive.click(shown, ids.HANDOVER_CONFIRM).ok
    executive.wait_ephemeral(lambda m: "已將" in m.text)
    stack.drain()
    assert "1 項待辦工作隨職務移交" in stack.person(NEW).dm().wait_for_message(lambda m: "職務移交" in m.text).text

    # the former holder's button no longer decides
    assert executive.click(stranded, ids.DRILL_APPROVE).ok
    executive.wait_ephemeral(lambda m: "抱歉" in m.text)
    # the former holder's App Home no longer lists it; the new holder's does, with a working button
    assert ids.HOME_TASK not in str(executive.open_home().blocks)
    new = stack.person(NEW)
    home = new.open_home()
    assert "核定" in home.all_text() and ids.HOME_TASK in str(home.blocks)
    clicked = new.click(home, ids.HOME_TASK)
    assert clicked.ok and clicked.dialog is not None  # Approve asks first, on App Home as in the DM
    stack.drain()
    with stack.bot.services.sessions() as s:
        [evaluation] = s.scalars(sa.select(DrillEvaluation)).all()
    assert (evaluation.status, evaluation.approved_by) == ("approved", NEW)
    after = new.home()
    assert ids.HOME_TASK not in str(after.blocks)  # finished: no button any more


def test_a_statement_waiting_for_the_spokesperson_is_approved_by_the_new_commander_from_app_home(stack):
    report(stack, "U0000INSH", "high")
    stack.drain()
    inc = incident(stack)
    pr = stack.person("U0000PRPR")
    card = stack.sandbox.channel(inc.channel_id).pins[0].refresh()
    assert pr.click(card, ids.HANDLING_MENU_MORE, value=f"draft:{inc.id}").ok
    modal = pr.wait_modal(ids.MEDIA_VIEW)
    modal.fill({ids.H_TEXT: "本關已啟動應變"})
    assert not modal.submit().errors
    stack.drain()

    shown = preview(stack, COMMANDER, f"handover commander <@{NEW}>")
    assert "核定 *" + inc.number + "* 的新聞稿" in shown.all_text()
    commander = stack.person(COMMANDER)
    assert commander.click(shown, ids.HANDOVER_CONFIRM).ok
    commander.wait_ephemeral(lambda m: "已將" in m.text)
    stack.drain()
    new = stack.person(NEW)
    home = new.open_home()
    assert "本關已啟動應變" not in home.all_text() and "新聞稿" in home.all_text()
    clicked = new.click(home, ids.HOME_TASK)  # Approve and release, after the dialog
    assert clicked.ok and clicked.dialog is not None
    stack.drain()
    with stack.bot.services.sessions() as s:
        [released] = audit.events(s, kind_prefix="media.released")
    assert released.actor == NEW
    assert ids.HOME_TASK not in str(new.home().blocks)


def test_a_stale_app_home_button_of_the_former_holder_is_refused_in_a_dm(stack):
    an_evaluation_waiting_for_approval(stack)
    executive = stack.person(EXEC)
    home = executive.open_home()  # the tab as she saw it while she held the seat
    assert ids.DRILL_RETURN_OPEN in str(home.blocks)

    shown = preview(stack, EXEC, f"handover executive_secretary <@{NEW}>")
    assert executive.click(shown, ids.HANDOVER_CONFIRM).ok
    stack.drain()

    # App Home has no message to answer below: the polite refusal comes by DM, never as an error
    assert executive.click(home, ids.DRILL_RETURN_OPEN).ok
    refusal = executive.dm().wait_for_message(lambda m: "抱歉" in m.text)
    assert "執行秘書" in refusal.text


def test_a_room_a_report_flag_brought_the_role_into_moves_with_the_seat(stack):
    report(stack, "U0000INS1", "low", **{ids.F_FLAGS: ["media"]})  # media attention: PR is brought in
    stack.drain()
    inc = incident(stack)
    pr = stack.person("U0000PRPR")
    shown = preview(stack, "U0000PRPR", f"handover public_relations <@{NEW}>")
    assert "處理中的戰情室（1）" in shown.all_text() and inc.channel_id in shown.all_text()
    assert pr.click(shown, ids.HANDOVER_CONFIRM).ok
    stack.drain()
    assert NEW in stack.sandbox.channel(inc.channel_id).members
