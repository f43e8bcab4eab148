"""What people see stays true (issue 12, bullet 7), end to end through the sandbox on both databases: the war room's
topic follows the level and the status; a finished incident's card shows its final state and only the buttons
still allowed; Resolve, Confirm plan and Approve ask first; `/crisis update <text>` posts the text, once; and
`crisisbot export` takes every number form that `/crisis status` takes."""

from __future__ import annotations

import re

import pytest

from bot.blockkit import ids
from bot.procedure.who import who_from_config
from bot.warroom.views import room_topic
from tests.concurrency import twice
from tests.flows import test_drills as drills_flow
from tests.flows.test_handling import card, events, menu, open_high, posted, room_of, settle
from tests.flows.test_report import dm_with, incident, report

NUMBER = "2026-0001"
CASE_FILE = {f"{ids.CF_PREFIX}summary": "倉庫火警已撲滅", f"{ids.CF_PREFIX}cause": "電線老化",
             f"{ids.CF_PREFIX}handling": "疏散並通報消防隊", f"{ids.CF_PREFIX}lessons": "定期檢查電路"}


def topic_lines(stack) -> list[str]:
    """Every topic the room was given, oldest first (Slack posts a line in the room for each)."""
    return [m.raw["topic"] for m in room_of(stack).messages() if m.raw.get("subtype") == "channel_topic"]


def shown_topic(stack) -> str:
    """The topic as the incident stands now, in the organisation's language."""
    inc = incident(stack)
    config = stack.bot.services.config
    return room_topic(config, inc.number, inc.level, inc.proposed_level, inc.status, config.organisation.language)


def triage_on_card(stack, user: str, level: str) -> None:
    person = stack.person(user)
    person.click(card(stack), ids.TRIAGE_OPEN)
    modal = person.wait_modal(ids.TRIAGE_VIEW)
    assert modal.fill({ids.T_LEVEL: level}).submit().ok
    stack.drain()


def resolve(stack, user: str = "U0000CMDR") -> None:
    stack.person(user).click(card(stack), ids.RESOLVE)
    settle(stack, lambda: incident(stack).status == "resolved")


def file_case(stack, user: str = "U0000INSH") -> None:
    head = stack.person(user)
    head.click(card(stack), ids.CASEFILE_OPEN)
    assert not head.wait_modal(ids.CASEFILE_VIEW).fill(CASE_FILE).submit().errors
    stack.drain()


def actions(message) -> list[str]:
    """The action ids of every button and menu left on a message."""
    return [e.get("action_id") for b in message.blocks if b.get("type") == "actions" for e in b["elements"]]


# ---------------------------------------------------------------------------------------------- the topic


def test_the_topic_follows_triage_re_triage_handled_resolve_and_the_case_file(stack):
    report(stack, "U0000INS1", "medium")  # a member's report: untriaged, the proposed level shown as proposed
    stack.drain()
    room = room_of(stack)
    assert room.topic == f"{NUMBER}｜待主管研判 Awaiting triage（建議 proposed：中度危機）｜處理中 Open"
    assert room.purpose == f"{NUMBER} 貨櫃場火警"  # the purpose names no level: it never needs to change

    head = stack.person("U0000INSH")
    head.click(dm_with(stack, "U0000INSH", ids.TRIAGE_OPEN), ids.TRIAGE_OPEN)
    assert head.wait_modal(ids.TRIAGE_VIEW).fill({ids.T_LEVEL: "low"}).submit().ok
    stack.drain()
    assert room.topic == f"{NUMBER}｜低度危機｜處理中 Open"

    head.click(card(stack), ids.MARK_HANDLED)  # §5 low: handled, the unit keeps watching
    settle(stack, lambda: incident(stack).status == "observing")
    assert room.topic == f"{NUMBER}｜低度危機｜已處理，持續觀察中 Handled, observing"

    triage_on_card(stack, "U0000INSH", "high")  # it grows: re-triaged up
    assert "｜高度危機｜" in room.topic and room.topic == shown_topic(stack)

    triage_on_card(stack, "U0000INSH", "medium")  # and down again
    assert "｜中度危機｜" in room.topic and room.topic == shown_topic(stack)

    resolve(stack)
    assert room.topic == f"{NUMBER}｜中度危機｜危機解除，待案例檔案 Resolved"

    file_case(stack)
    assert incident(stack).status == "closed"
    assert room.topic == f"{NUMBER}｜中度危機｜已結案 Closed"
    assert room.purpose == f"{NUMBER} 貨櫃場火警"

    # one line in the room per real change, none for the card redraws between them (pages, steps, invites)
    lines = topic_lines(stack)
    assert lines[-1] == room.topic and len(lines) == len(set(lines)) == 7

    stack.later(hours=stack.bot.services.config.routing.archive_after_hours + 1)  # archived: no topic call fails
    assert stack.sandbox.workspace.channels[incident(stack).channel_id].archived
    assert topic_lines(stack) == lines


# ---------------------------------------------------------------------------------------------- the card


def test_a_resolved_card_keeps_only_the_case_file_button_and_a_closed_card_has_none(stack):
    open_high(stack)
    stack.person("U0000INSH").click(card(stack), ids.STEP_COMPLETE)  # step 1 done while it was live
    settle(stack, lambda: incident(stack).step == "assess")
    live = card(stack)
    assert {ids.TRIAGE_OPEN, ids.RESOLVE, ids.STEP_COMPLETE, ids.UPDATE_OPEN} <= set(actions(live))

    resolve(stack, "U0000EXEC")
    resolved = card(stack)
    # §3: after resolution only the unit's case file remains to do, so only its button stays
    assert actions(resolved) == [ids.CASEFILE_OPEN]
    text = resolved.all_text()
    assert "✅ 1. 危機掌握與辨識" in text and "<@U0000INSH> 完成" in text
    for n in (2, 3, 4, 5):
        assert f"➖ {n}." in text  # not recorded: nobody can record them now
    assert "⏳ 6. 妥善的善後與檢討" in text and "待處理組提交案例檔案" in text
    assert "▶️" not in text and "進行中" not in text and "▫️" not in text
    assert "危機解除，待案例檔案" in text and "填寫案例檔案" in text

    file_case(stack)
    closed = card(stack)
    assert actions(closed) == [] and not [b for b in closed.blocks if b.get("type") == "actions"]
    text = closed.all_text()
    assert "✅ 6. 妥善的善後與檢討" in text and "已完成：案例檔案已提交" in text and "📁 案例檔案第 1 版" in text
    assert "✅ 1." in text and "➖ 3." in text and "▶️" not in text and "⏳" not in text
    assert "已結案 Closed" in text and "此卡片為最終紀錄" in text

    stack.later(hours=stack.bot.services.config.routing.archive_after_hours + 1)  # archived: the card stays so
    assert actions(card(stack)) == []


def test_a_stale_resolve_click_on_a_closed_card_changes_nothing(stack):
    open_high(stack)
    before = card(stack)  # a phone still showing the live card
    resolve(stack)
    file_case(stack)
    from tests.flows.test_handling import stale_click

    assert stale_click(stack, "U0000CMDR", before, ids.RESOLVE).ok
    stack.person("U0000CMDR").wait_ephemeral(lambda m: "已由 <@U0000CMDR>" in m.text and "解除" in m.text)
    assert [e.kind for e in events(stack, "incident.")].count("incident.resolved") == 1


# ---------------------------------------------------------------------------------------------- confirmations


def test_resolve_asks_first_and_cancel_sends_nothing(stack):
    open_high(stack)
    commander = stack.person("U0000CMDR")
    sent = len(stack.calls())

    declined = commander.click(card(stack), ids.RESOLVE, confirm=False)
    assert declined.failure == "declined" and declined.dialog is not None
    stack.drain()
    assert incident(stack).status == "open" and events(stack, "incident.resolved") == []
    assert len(stack.calls()) == sent  # the bot heard nothing, so it did nothing

    confirmed = commander.click(card(stack), ids.RESOLVE, confirm=True)
    dialog = confirmed.dialog
    assert dialog is not None and confirmed.ok
    assert dialog.title == "確定解除危機？" and dialog.confirm == "危機解除" and dialog.deny == "取消"
    assert "案例檔案" in dialog.text and dialog.style == "danger"
    settle(stack, lambda: incident(stack).status == "resolved")
    assert [e.actor for e in events(stack, "incident.resolved")] == ["U0000CMDR"]


def test_confirm_plan_and_approve_statement_ask_first_in_the_rooms_language(stack):
    open_high(stack)
    head = menu(stack, "U0000INSH", "plan")
    assert not head.wait_modal(ids.PLAN_VIEW).fill({ids.H_TEXT: "疏散 3 號倉並封鎖道路"}).submit().errors
    stack.drain()
    plan = room_of(stack).wait_for_message(lambda m: ids.PLAN_CONFIRM in str(m.blocks))
    commander = stack.person("U0000CMDR")

    assert commander.click(plan, ids.PLAN_CONFIRM, confirm=False).failure == "declined"
    stack.drain()
    assert events(stack, "plan.confirmed") == []
    # the card's menu does not confirm on one pick: it shows the plan with the same button, which asks first
    menu(stack, "U0000CMDR", "confirm_plan")
    shown = commander.wait_ephemeral(lambda m: ids.PLAN_CONFIRM in str(m.blocks))
    assert "疏散 3 號倉並封鎖道路" in shown.all_text()
    stack.drain()
    assert events(stack, "plan.confirmed") == []
    assert commander.click(shown, ids.PLAN_CONFIRM, confirm=False).dialog.title == "確定核定處理方案？"
    member = menu(stack, "U0000INS1", "confirm_plan")  # and only to whoever may confirm it
    member.wait_ephemeral(lambda m: "抱歉" in m.text and "總指揮" in m.text)
    confirmed = commander.click(plan, ids.PLAN_CONFIRM)  # the dialog accepted, as a person means by clicking
    assert confirmed.dialog is not None and confirmed.dialog.title == "確定核定處理方案？"
    assert confirmed.dialog.confirm == "核定" and confirmed.dialog.deny == "取消"
    settle(stack, lambda: bool(events(stack, "plan.confirmed")))
    assert ids.PLAN_CONFIRM not in actions(plan.refresh())
    commander.click(shown, ids.PLAN_CONFIRM)  # the copy shown from the menu, pressed after: told, nothing twice
    menu(stack, "U0000CMDR", "confirm_plan")  # and the menu now says who confirmed it instead of showing it again

    def told() -> list:
        return [m for m in commander.ephemerals() if "此處理方案已由 <@U0000CMDR>" in m.text]

    stack.sandbox.wait_for(lambda: len(told()) == 2)
    assert all(ids.PLAN_CONFIRM not in str(m.blocks) for m in told())
    assert len(events(stack, "plan.confirmed")) == 1

    pr = menu(stack, "U0000PRPR", "draft", more=True)
    assert not pr.wait_modal(ids.MEDIA_VIEW).fill({ids.H_TEXT: "本關已啟動應變機制"}).submit().errors
    stack.drain()
    draft = room_of(stack).wait_for_message(lambda m: ids.MEDIA_APPROVE in str(m.blocks))
    # the commander's deputy reads English, but the room speaks the organisation's language: so does its dialog
    deputy = stack.person("U0000CMDD")
    assert deputy.click(draft, ids.MEDIA_APPROVE, confirm=False).dialog.title == "確定核准發布？"
    stack.drain()
    assert events(stack, "media.released") == []
    released = commander.click(draft, ids.MEDIA_APPROVE, confirm=True)
    assert released.dialog.confirm == "核准發布" and "無法撤回" in released.dialog.text
    settle(stack, lambda: bool(events(stack, "media.released")))
    assert posted(stack, "本關已啟動應變機制")


def test_approving_a_drill_evaluation_asks_first(stack):
    drill = drills_flow.draw(stack)
    head, _ = drills_flow.heads_of(stack, drill.unit_id)
    assert not drills_flow.file_form(stack, drill, head).errors
    stack.drain()
    services = stack.bot.services
    with services.sessions() as s, s.begin():
        from bot.drills import service as drills

        drills.submit_evaluation(s, who_from_config(services.config, drills_flow.PLAN), drills.get(s, drill.id),
                                 {"assessment": "通報順暢", "strengths": "", "recommendations": "每季更新名冊"},
                                 stack.clock())
    stack.drain()
    executive = stack.person(drills_flow.EXEC)
    approval = drills_flow.dm_with(stack, drills_flow.EXEC, ids.DRILL_APPROVE)
    assert executive.click(approval, ids.DRILL_APPROVE, confirm=False).dialog.title == "確定核定演練評估報告？"
    stack.drain()
    assert drills_flow.drills(stack)[0].status != "closed"
    assert executive.click(approval, ids.DRILL_APPROVE, confirm=True).dialog.confirm == "核定"
    settle(stack, lambda: drills_flow.drills(stack)[0].status == "closed")


def test_a_button_without_a_dialog_refuses_an_expected_confirmation(stack):
    open_high(stack)
    with pytest.raises(AssertionError, match="asks for no confirmation"):
        stack.person("U0000INSH").click(card(stack), ids.STEP_COMPLETE, confirm=True)
    assert stack.person("U0000INSH").click(card(stack), ids.STEP_COMPLETE).dialog is None


# ---------------------------------------------------------------------------------------------- /crisis update


def updates(stack) -> list[str]:
    return [e.data["text"] for e in events(stack, "update.posted")]


def test_crisis_update_with_text_in_the_war_room_posts_it_once_even_delivered_twice(stack):
    open_high(stack)
    room = incident(stack).channel_id
    member = stack.person("U0000INS1")
    sent = member.slash("/crisis", "update 火勢已控制，<!channel> 3 號倉\n持續冷卻中", channel=room)
    stack.drain()
    assert updates(stack) == ["火勢已控制，<!channel> 3 號倉\n持續冷卻中"]
    [post] = posted(stack, "火勢已控制")
    assert "&lt;!channel&gt;" in post.all_text() and "<@U0000INS1>" in post.all_text()  # escaped: pings nobody
    [event] = events(stack, "update.posted")
    assert event.actor == "U0000INS1"

    # Slack's retry of the same command (same trigger id): no second post, and the person is told
    stack.sandbox.resend(sent)
    member.wait_ephemeral(lambda m: "已由 <@U0000INS1>" in m.text and "未重複張貼" in m.text)
    # the same words sent twice at once (two clients, a double Enter): one post
    twice(lambda: member.slash("/crisis", "update 消防隊已離場", channel=room))
    stack.drain()
    assert updates(stack) == ["火勢已控制，<!channel> 3 號倉\n持續冷卻中", "消防隊已離場"]
    assert len(posted(stack, "消防隊已離場")) == 1

    # "3 trucks left" in the war room is an update, not incident 3
    member.slash("/crisis", "update 3 輛消防車離場", channel=room)
    stack.drain()
    assert updates(stack)[-1] == "3 輛消防車離場"


def test_crisis_update_names_its_incident_from_anywhere_or_opens_the_modal(stack):
    open_high(stack)
    member = stack.person("U0000INS1")
    for form in ("#1", "1", "0001", NUMBER):
        member.slash("/crisis", f"update {form} 第 {form} 則：道路已開放")
        member.wait_ephemeral(lambda m: "已將處理情形張貼於" in m.text)
        stack.drain()
    assert updates(stack) == [f"第 {f} 則：道路已開放" for f in ("#1", "1", "0001", NUMBER)]

    member.slash("/crisis", "update #1")  # named, no text: the modal for that incident
    assert NUMBER in member.wait_modal(ids.UPDATE_VIEW).all_text()
    member.slash("/crisis", "update 2026-0099 道路已開放")
    member.wait_ephemeral(lambda m: "2026-0099" in m.text)
    member.slash("/crisis", "update 道路已開放")  # neither in a war room nor naming one: how to
    assert "/crisis update 2026-0007" in member.wait_ephemeral(lambda m: "戰情室" in m.text and "編號" in m.text).text
    stack.drain()
    assert len(updates(stack)) == 4

    outsider = stack.person("U0000GUST")  # not on the team: refused, nothing posted
    outsider.slash("/crisis", f"update {NUMBER} 我來更新")
    outsider.wait_ephemeral(lambda m: "Sorry" in m.text or "抱歉" in m.text)
    resolve(stack)
    member.slash("/crisis", f"update {NUMBER} 還有一則")
    member.wait_ephemeral(lambda m: "不在處理中" in m.text)
    stack.drain()
    assert len(updates(stack)) == 4


def test_a_long_typed_update_reaches_the_room_whole(stack):
    open_high(stack)
    words = [f"第{n}段" for n in range(900)]  # ~5,000 characters: past one section's 3,000
    text = " ".join(words)
    stack.person("U0000INSH").slash("/crisis", f"update {text}", channel=incident(stack).channel_id)
    stack.drain()
    assert updates(stack) == [text]
    [post] = posted(stack, "處理情形")
    shown = "\n".join([post.all_text(), *(r.all_text() for r in post.replies())])
    for word in words:
        assert re.search(rf"(?<![0-9]){word}(?![0-9])", shown), word  # every word, none cut
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in post.blocks)


# ---------------------------------------------------------------------------------------------- export


FORMS = (NUMBER, "2026-1", "1", "0001", "#1", "#2026-0001", " 1 ")


def test_export_takes_every_number_form_status_takes(stack, tmp_path, monkeypatch, capsys):
    from bot.platform import services
    from bot.runtime import cli

    open_high(stack)
    resolve(stack)
    file_case(stack)
    monkeypatch.setenv("DATABASE_URL", stack.database_url)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.setattr(services, "utcnow", stack.clock)  # "this year" is the stack's year, as for /crisis status
    executive = stack.person("U0000EXEC")
    for n, form in enumerate(FORMS):
        assert executive.slash("/crisis", f"status {form}").ok
        executive.wait_ephemeral(lambda m, n=n: NUMBER in m.all_text() and len(executive.ephemerals()) > n)
        out = tmp_path / f"out{n}"
        assert cli.main(["export", form, "--out", str(out)]) == 0, form
        assert sorted(p.name for p in out.iterdir()) == [f"case-{NUMBER}-timeline.csv", f"case-{NUMBER}-v1.docx",
                                                         f"case-{NUMBER}-v1.md"]
    capsys.readouterr()
    assert cli.main(["export", "2026-0099", "--out", str(tmp_path)]) == 1
    assert "no incident 2026-0099" in capsys.readouterr().err
    assert cli.main(["export", "inc-one", "--out", str(tmp_path)]) == 2
    assert "not an incident number" in capsys.readouterr().err


def test_a_resolved_incidents_update_reminder_and_triage_request_lose_their_buttons(stack):
    report(stack, "U0000INS1", "medium")  # a member: the head and the deputy are asked to triage
    stack.drain()
    asked = dm_with(stack, "U0000INSD", ids.TRIAGE_OPEN)
    triage_on_card(stack, "U0000EXEC", "high")
    stack.later(minutes=31)  # no status update for the high level's interval: the head is reminded
    reminder = dm_with(stack, "U0000INSH", ids.UPDATE_SNOOZE)

    resolve(stack)

    for message in (reminder.refresh(), asked.refresh()):
        assert actions(message) == [] and "危機解除" in message.all_text()
