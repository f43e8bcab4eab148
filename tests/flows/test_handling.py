"""Handling the crisis in the war room (issue 6, part A), end to end through the sandbox on both databases:
the step tracker, assessment and plan, status updates and reminders, media, legal advice, coordination, and the
aftermath (resolve → case file → close → archive), with the authorization refusals."""

from __future__ import annotations

import io
import time
from datetime import timedelta

from docx import Document

from bot.blockkit import ids
from sandbox.interactions import find_element
from storage import audit
from storage import work as queue
from tests.flows.test_report import dm_with, incident, report


def settle(stack, predicate, timeout: float = 20):
    """A button's listener runs after its ack: sweep due work until its effect is there, then once more (so the
    card refresh it asked for has run too)."""
    deadline = time.monotonic() + timeout
    while True:
        stack.drain()
        if predicate():
            stack.drain()
            return
        assert time.monotonic() < deadline, "the click had no effect in time"
        time.sleep(0.05)


def room_of(stack):
    return stack.sandbox.channel(incident(stack).channel_id)


def card(stack):
    return room_of(stack).pins[0].refresh()


def events(stack, prefix: str = ""):
    with stack.bot.services.sessions() as s:
        return [e for e in audit.timeline(s, incident(stack).id) if e.kind.startswith(prefix)]


def refused(person, *words: str) -> str:
    return person.wait_ephemeral(
        lambda m: ("抱歉" in m.text or "Sorry" in m.text) and all(w in m.text for w in words)).text


def menu(stack, user: str, what: str, more: bool = False):
    person = stack.person(user)
    inc = incident(stack)
    person.click(card(stack), ids.HANDLING_MENU_MORE if more else ids.HANDLING_MENU, value=f"{what}:{inc.id}")
    return person


def posted(stack, needle: str):
    return [m for m in room_of(stack).messages() if needle in m.text]


def open_high(stack):
    report(stack, "U0000INSH", "high")  # the unit head: the level stands, the commander is paged
    stack.drain()
    return incident(stack)


def test_card_shows_six_steps_and_only_the_responsible_may_complete_or_skip(stack):
    open_high(stack)
    text = card(stack).all_text()
    for name in ("危機掌握與辨識", "危機評估與決策", "危機處理", "適時的媒體溝通運作", "有效的協調談判",
                 "妥善的善後與檢討"):
        assert name in text
    assert "處理組" in text and "▶️ 1." in text
    assert len(card(stack).blocks) <= 50
    member = stack.person("U0000INS1")  # a unit member is not the handling group
    member.click(card(stack), ids.STEP_COMPLETE)
    refused(member, "完成此處理步驟", "處理組")
    head = stack.person("U0000INSH")
    head.click(card(stack), ids.STEP_COMPLETE)
    settle(stack, lambda: incident(stack).step == "assess")
    text = card(stack).all_text()
    assert "✅ 1." in text and "<@U0000INSH> 完成" in text and "▶️ 2." in text
    assert incident(stack).step == "assess"
    assert posted(stack, "完成處理步驟「危機掌握與辨識」")
    # skip step 2 with a reason (the handling group is among its responsible roles)
    head.click(card(stack), ids.STEP_SKIP_OPEN)
    modal = head.wait_modal(ids.STEP_SKIP_VIEW)
    assert modal.submit().errors  # the reason is required, inline
    modal.fill({ids.H_REASON: "已於電話會議 <!channel> 評估"}).submit()
    stack.drain()
    text = card(stack).all_text()
    assert "⏭️ 2." in text and "&lt;!channel&gt;" in text and "▶️ 3." in text
    [skipped] = events(stack, "step.skipped")
    assert skipped.actor == "U0000INSH" and skipped.data["step"] == "assess"
    # step 3 (the team): the PR group may; step 4 (media): the unit head may not
    stack.person("U0000PRPR").click(card(stack), ids.STEP_COMPLETE)
    settle(stack, lambda: incident(stack).step == "media")
    head.click(card(stack), ids.STEP_COMPLETE)
    refused(head, "總指揮兼發言人", "連絡暨公關組")
    assert incident(stack).step == "media"


def test_convene_notes_and_a_plan_the_commander_confirms(stack):
    open_high(stack)
    executive = menu(stack, "U0000EXEC", "convene")
    modal = executive.wait_modal(ids.CONVENE_VIEW)
    assert "U0000CMDR" in modal.all_text()
    at = stack.clock() + timedelta(hours=1)
    modal.fill({ids.H_MEETING_AT: at, ids.H_PLACE: "三樓會議室"}).submit()
    stack.drain()
    for user in ("U0000CMDR", "U0000CMDD", "U0000INSH", "U0000PRPR", "U0000LGSH"):
        assert stack.person(user).dm().wait_for_message(lambda m: "三樓會議室" in m.text)
    assert "Convenes" in stack.person("U0000CMDD").dm().wait_for_message(
        lambda m: "三樓會議室" in m.text).text.title()  # the deputy reads English
    assert posted(stack, "召集危機管理小組會議")
    # a meeting in the past is refused inline
    menu(stack, "U0000EXEC", "convene")
    past = executive.wait_modal(ids.CONVENE_VIEW).fill({ids.H_MEETING_AT: stack.clock() - timedelta(hours=2)})
    assert ids.H_MEETING_AT in past.submit().errors
    past.close()
    # notes
    menu(stack, "U0000INSH", "notes")
    stack.person("U0000INSH").wait_modal(ids.NOTES_VIEW).fill(
        {ids.H_INFORMATION: "消防隊已到場", ids.H_DIAGNOSIS: "影響通關作業"}).submit()
    stack.drain()
    assert posted(stack, "消防隊已到場")
    # the plan: proposed by the head, confirmed by the commander only (high level)
    menu(stack, "U0000INSH", "plan")
    stack.person("U0000INSH").wait_modal(ids.PLAN_VIEW).fill({ids.H_TEXT: "疏散並暫停 3 號倉通關"}).submit()
    stack.drain()
    [plan_post] = posted(stack, "疏散並暫停")
    executive.click(plan_post, ids.PLAN_CONFIRM)
    refused(executive, "核定處理方案", "高度危機")
    stack.person("U0000CMDR").click(plan_post, ids.PLAN_CONFIRM)
    settle(stack, lambda: events(stack, "plan.confirmed"))
    assert ids.PLAN_CONFIRM not in str(plan_post.refresh().blocks)
    assert "<@U0000CMDR>" in plan_post.refresh().all_text()
    assert "處理方案已由 <@U0000CMDR> 核定" in card(stack).all_text()
    assert [e.actor for e in events(stack, "plan.confirmed")] == ["U0000CMDR"]
    # a stranger is refused
    stranger = menu(stack, "U0000PER1", "notes")
    refused(stranger, "記錄評估資訊與診斷")


def test_status_updates_reminders_snooze_and_stop_on_close(stack):
    report(stack, "U0000INSH", "medium")
    stack.drain()
    inc = incident(stack)
    interval = stack.bot.services.config.routing.update_interval("medium")
    assert interval == 120
    # /crisis update outside a war room
    member = stack.person("U0000INS1")
    member.slash("/crisis", "update")
    assert "戰情室" in member.wait_ephemeral(lambda m: "/crisis update" in m.text).text
    # in the war room, a unit member posts one
    member.slash("/crisis", "update", channel=inc.channel_id)
    modal = member.wait_modal(ids.UPDATE_VIEW)
    assert ids.H_TEXT in modal.submit().errors
    outcome = modal.fill({ids.H_TEXT: "火勢已控制"}).submit()
    assert stack.sandbox.resend(outcome).status == 200  # a repeated submission has no second effect
    stack.drain()
    assert len(posted(stack, "火勢已控制")) == 1
    assert [e.data["text"] for e in events(stack, "update.posted")] == ["火勢已控制"]
    reminders = lambda: [m for m in stack.person("U0000INSH").dm().messages() if "未更新處理情形" in m.text]  # noqa: E731
    stack.later(minutes=interval - 1)
    assert reminders() == []
    stack.later(minutes=2)
    [first] = reminders()
    # snooze: the next reminder comes one interval after the snooze
    stack.person("U0000INSH").click(first, ids.UPDATE_SNOOZE)
    settle(stack, lambda: events(stack, "update.snoozed"))
    stack.later(minutes=interval - 1)
    assert len(reminders()) == 1
    stack.later(minutes=2)
    assert len(reminders()) == 2
    # the reminder's button opens the update modal
    stack.person("U0000INSH").click(reminders()[-1], ids.UPDATE_OPEN)
    stack.person("U0000INSH").wait_modal(ids.UPDATE_VIEW).fill({ids.H_TEXT: "持續監控"}).submit()
    stack.drain()
    stack.later(minutes=interval - 1)
    assert len(reminders()) == 2  # re-armed by the update
    # resolving stops the reminders
    stack.person("U0000EXEC").click(card(stack), ids.RESOLVE)
    settle(stack, lambda: incident(stack).status == "resolved")
    stack.later(minutes=interval * 5)
    ended = [m for m in stack.person("U0000INSH").dm().messages() if "此訊息已無待辦事項" in m.text]
    assert reminders() == [] and len(ended) == 2  # none after; the two sent now say it is over, with no button
    assert all(ids.UPDATE_SNOOZE not in str(m.blocks) for m in ended)
    with stack.bot.services.sessions() as s:
        assert not [w for w in queue.pending(s, subject_id=inc.id) if w.kind == "update.remind"]


def test_media_statement_released_only_when_the_spokesperson_approves(stack):
    open_high(stack)
    head = menu(stack, "U0000INSH", "draft", more=True)
    refused(head, "擬具新聞稿", "連絡暨公關組")
    pr = menu(stack, "U0000PRPR", "draft", more=True)
    pr.wait_modal(ids.MEDIA_VIEW).fill({ids.H_TEXT: "本關已啟動應變 <@U0000CMDR>"}).submit()
    stack.drain()
    [draft] = [m for m in room_of(stack).messages() if ids.MEDIA_APPROVE in str(m.blocks)]
    assert "&lt;@U0000CMDR&gt;" in draft.all_text()
    assert stack.person("U0000CMDR").dm().wait_for_message(lambda m: "對外說明" in m.text)
    head.click(draft, ids.MEDIA_APPROVE)
    refused(head, "總指揮兼發言人")
    assert not events(stack, "media.released")
    # the spokesperson's deputy edits and releases
    deputy = stack.person("U0000CMDD")
    deputy.click(draft, ids.MEDIA_EDIT_OPEN)
    deputy.wait_modal(ids.MEDIA_EDIT_VIEW).fill({ids.H_TEXT: "本關已啟動應變，詳情稍後說明。"}).submit()
    stack.drain()
    [released] = events(stack, "media.released")
    assert released.actor == "U0000CMDD" and released.data["edited"] and released.data["released_at"]
    assert posted(stack, "本關已啟動應變，詳情稍後說明")
    assert ids.MEDIA_APPROVE not in str(draft.refresh().blocks)
    # a second draft is rejected
    menu(stack, "U0000PRDP", "draft", more=True)
    stack.person("U0000PRDP").wait_modal(ids.MEDIA_VIEW).fill(
        {ids.H_KIND: "clarification", ids.H_TEXT: "網傳消息不實"}).submit()
    stack.drain()
    second = [m for m in room_of(stack).messages() if ids.MEDIA_REJECT_OPEN in str(m.blocks)][-1]
    stack.person("U0000CMDR").click(second, ids.MEDIA_REJECT_OPEN)
    stack.person("U0000CMDR").wait_modal(ids.MEDIA_REJECT_VIEW).fill({ids.H_REASON: "待查證"}).submit()
    stack.drain()
    assert [e.data["reason"] for e in events(stack, "media.rejected")] == ["待查證"]
    assert len(events(stack, "media.released")) == 1
    # public-opinion notes
    menu(stack, "U0000PRPR", "opinion", more=True)
    stack.person("U0000PRPR").wait_modal(ids.OPINION_VIEW).fill({ids.H_TEXT: "臉書社團討論增加"}).submit()
    stack.drain()
    assert posted(stack, "臉書社團討論增加") and events(stack, "opinion.noted")
    assert "已發布 1" in card(stack).all_text()


def test_legal_request_carries_the_question_and_the_answer_is_recorded(stack):
    open_high(stack)
    head = stack.person("U0000INSH")
    head.click(card(stack), ids.REQUEST_LEGAL)
    head.wait_modal(ids.LEGAL_REQUEST_VIEW).fill({ids.H_QUESTION: "可否暫停該倉通關？"}).submit()
    stack.drain()
    page = dm_with(stack, "U0000LGSH", ids.LEGAL_ANSWER_OPEN)
    assert "可否暫停該倉通關" in page.all_text() and ids.PAGE_ACK in str(page.blocks)
    head.click(page, ids.LEGAL_ANSWER_OPEN)
    refused(head, "法務組")
    legal = stack.person("U0000LGSH")
    legal.click(page, ids.LEGAL_ANSWER_OPEN)
    modal = legal.wait_modal(ids.LEGAL_ANSWER_VIEW)
    assert "可否暫停該倉通關" in modal.all_text()
    modal.fill({ids.H_TEXT: "依關稅法得暫停"}).submit()
    stack.drain()
    assert posted(stack, "依關稅法得暫停")
    [answer] = events(stack, "legal.answered")
    assert answer.actor == "U0000LGSH"
    assert events(stack, "legal.requested")[0].data["question"] == "可否暫停該倉通關？"
    answered = page.refresh()  # answered: the question stays for reference, its answer button goes
    assert "可否暫停該倉通關" in answered.all_text() and ids.LEGAL_ANSWER_OPEN not in str(answered.blocks)


def test_coordination_is_for_the_executive_secretary(stack):
    open_high(stack)
    pr = menu(stack, "U0000PRPR", "coordinate", more=True)
    refused(pr, "執行秘書")
    deputy = menu(stack, "U0000EXED", "coordinate", more=True)
    deputy.wait_modal(ids.COORD_VIEW).fill({ids.H_ACTION: "與港務公司協調替代倉位",
                                            ids.H_OUTCOME: "同意 4 號倉"}).submit()
    stack.drain()
    assert posted(stack, "與港務公司協調替代倉位")
    [logged] = events(stack, "coordination.logged")
    assert logged.actor == "U0000EXED" and logged.data["outcome"] == "同意 4 號倉"


def test_resolve_case_file_reminders_close_and_archive(stack):
    open_high(stack)
    inc = incident(stack)
    head = stack.person("U0000INSH")
    head.click(card(stack), ids.RESOLVE)
    refused(head, "宣告危機解除")
    stack.person("U0000CMDR").click(card(stack), ids.RESOLVE)
    settle(stack, lambda: incident(stack).status == "resolved")
    asked = lambda user: [m for m in stack.person(user).dm().messages()  # noqa: E731
                          if ids.CASEFILE_OPEN in str(m.blocks)]
    assert len(asked("U0000INSH")) == 1 and len(asked("U0000INSD")) == 1
    hours = stack.bot.services.config.routing.case_file_reminder_hours
    stack.later(hours=hours + 0.01)
    assert len(asked("U0000INSH")) == 2
    stack.later(hours=hours)
    assert len(asked("U0000INSH")) == 3
    # a member of the unit may not write it; the head may
    member = stack.person("U0000INS1")
    member.click(asked("U0000INSH")[0], ids.CASEFILE_OPEN)
    refused(member, "填寫案例檔案")
    head.click(asked("U0000INSH")[-1], ids.CASEFILE_OPEN)
    modal = head.wait_modal(ids.CASEFILE_VIEW)
    errors = modal.submit().errors
    assert f"{ids.CF_PREFIX}summary" in errors and f"{ids.CF_PREFIX}followups" not in errors
    modal.fill({f"{ids.CF_PREFIX}summary": "3 號倉火警", f"{ids.CF_PREFIX}cause": "電線走火",
                f"{ids.CF_PREFIX}handling": "疏散、通報消防", f"{ids.CF_PREFIX}lessons": "定期檢查電線",
                f"{ids.CF_PREFIX}followups": "更換配電盤"}).submit()
    stack.drain()
    closed = incident(stack)
    assert closed.status == "closed" and closed.closed_at is not None
    files = [f for m in room_of(stack).messages() for f in m.files]
    names = sorted(f["name"] for f in files)
    assert names == [f"case-{inc.number}-v1.docx", f"case-{inc.number}-v1.md"]
    docx_file = next(f for f in files if f["name"].endswith(".docx"))
    doc = Document(io.BytesIO(stack.sandbox.workspace.files[docx_file["id"]].content))
    text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "電線走火" in text and "定期檢查電線" in text and "危機解除 Resolved" in text
    md_file = next(f for f in files if f["name"].endswith(".md"))
    markdown = stack.sandbox.workspace.files[md_file["id"]].content.decode()
    assert "## 時間軸 Timeline" in markdown and "All times are in Asia/Taipei" in markdown
    assert "| 林志明 | U0000CMDR |" in markdown  # the commander by name, and the id beside it
    # every reminder stopped: no more case-file reminders, no page escalations
    with stack.bot.services.sessions() as s:
        left = [w.kind for w in queue.pending(s, subject_id=inc.id)]
    assert left == ["incident.archive"]
    archive_after = stack.bot.services.config.routing.archive_after_hours
    stack.later(hours=archive_after - 1)
    assert len(asked("U0000INSH")) == 3
    # archived after the configured delay
    assert not room_of(stack).channel.archived
    stack.later(hours=2)
    assert room_of(stack).channel.archived
    assert events(stack, "incident.archived")


def test_low_level_ends_in_a_case_file_too(stack):
    report(stack, "U0000INSD", "low")
    stack.drain()
    head = stack.person("U0000INSH")
    head.click(card(stack), ids.MARK_HANDLED)
    settle(stack, lambda: incident(stack).status == "observing")
    head.click(card(stack), ids.RESOLVE)  # the unit head may resolve a low-level incident
    settle(stack, lambda: incident(stack).status == "resolved")
    stack.later(hours=24 * 5)
    assert not [m for m in room_of(stack).messages() if "觀察提醒" in m.text]  # observation reminders stopped
    deputy = stack.person("U0000INSD")
    deputy.click(card(stack), ids.CASEFILE_OPEN)
    deputy.wait_modal(ids.CASEFILE_VIEW).fill({f"{ids.CF_PREFIX}summary": "s", f"{ids.CF_PREFIX}cause": "c",
                                               f"{ids.CF_PREFIX}handling": "h",
                                               f"{ids.CF_PREFIX}lessons": "l"}).submit()
    stack.drain()
    assert incident(stack).status == "closed"


def test_export_cli_writes_the_case_file_and_the_timeline(stack, tmp_path, monkeypatch, capsys):
    from bot.runtime import cli

    open_high(stack)
    stack.person("U0000CMDR").click(card(stack), ids.RESOLVE)
    settle(stack, lambda: incident(stack).status == "resolved")
    head = stack.person("U0000INSH")
    head.click(card(stack), ids.CASEFILE_OPEN)
    head.wait_modal(ids.CASEFILE_VIEW).fill({f"{ids.CF_PREFIX}summary": "摘要", f"{ids.CF_PREFIX}cause": "原因",
                                            f"{ids.CF_PREFIX}handling": "經過",
                                            f"{ids.CF_PREFIX}lessons": "教訓"}).submit()
    stack.drain()
    monkeypatch.setenv("DATABASE_URL", stack.database_url)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    tmp_path = tmp_path / "out"
    assert cli.main(["export", "2026-0001", "--out", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["case-2026-0001-timeline.csv", "case-2026-0001-v1.docx", "case-2026-0001-v1.md"]
    doc = Document(str(tmp_path / "case-2026-0001-v1.docx"))
    assert any("教訓" in c.text for t in doc.tables for r in t.rows for c in r.cells)
    timeline = (tmp_path / "case-2026-0001-timeline.csv").read_text(encoding="utf-8-sig")
    assert "incident.reported" not in timeline and "通報 Reported" in timeline and "結案 Closed" in timeline
    assert cli.main(["export", "2026-0099", "--out", str(tmp_path)]) == 1


def stale_click(stack, user: str, message, action_id: str):
    """Press a button on a copy of a message as it was when `message` was read (a phone showing it before the
    update arrived): Slack still sends the click."""
    person = stack.person(user)
    ws = stack.sandbox.workspace
    block, element = find_element(message.blocks, action_id)
    return stack.sandbox.interactions.block_action(person.user, block=block, element=element,
                                                   channel=ws.channels[message.channel], message=message.raw)


def test_resolving_closes_the_waiting_page_its_dm_and_the_home_list(stack):
    open_high(stack)
    commander = stack.person("U0000CMDR")
    page_dm = dm_with(stack, "U0000CMDR", ids.PAGE_ACK)
    assert "等待您確認的通知（1）" in commander.open_home().all_text()
    stack.person("U0000EXEC").click(card(stack), ids.RESOLVE)
    settle(stack, lambda: incident(stack).status == "resolved")

    dm = page_dm.refresh()
    assert ids.PAGE_ACK not in str(dm.blocks) and "事件已解除，此通知無須確認" in dm.all_text()
    assert "等待您確認的通知（0）" in commander.open_home().all_text()
    stack.later(seconds=600)  # the page's escalation is gone: no deputy page, no "nobody answered" alarm
    assert not [m for m in room_of(stack).messages() if "U0000CMDD" in m.text or "無人回應" in m.text]
    # the commander presses the button on the DM as it was before the update: told, and nothing recorded
    assert stale_click(stack, "U0000CMDR", page_dm, ids.PAGE_ACK).ok
    commander.wait_ephemeral(lambda m: "此事件已結束，無須再確認此通知" in m.text)
    assert [e.kind for e in events(stack, "page.")] == ["page.sent", "page.delivered", "page.closed"]


def test_a_second_resolve_from_an_old_card_tells_who_resolved_it_first(stack):
    open_high(stack)
    old_card = card(stack)  # as the secretary's phone still shows it, with its Resolve button
    stack.person("U0000CMDR").click(old_card, ids.RESOLVE)
    settle(stack, lambda: incident(stack).status == "resolved")

    assert stale_click(stack, "U0000EXEC", old_card, ids.RESOLVE).ok
    told = stack.person("U0000EXEC").wait_ephemeral(lambda m: "已由" in m.text and "解除" in m.text)
    assert "U0000CMDR" in told.text
    assert len(events(stack, "incident.resolved")) == 1
