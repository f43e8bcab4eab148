"""Drills end to end through the sandbox (issue 4: procedure §7, annex 2), on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from docx import Document

from bot.blockkit import ids
from sandbox.interactions import find_element
from storage import work as queue
from storage.models import AuditEvent, Drill, DrillEvaluation, DrillReport

EXEC, EXEC_DEPUTY, PLAN, PLAN_DEPUTY, COMMANDER = "U0000EXEC", "U0000EXED", "U0000PLAN", "U0000PLDP", "U0000CMDR"


def drills(stack) -> list[Drill]:
    with stack.bot.services.sessions() as s:
        return list(s.scalars(sa.select(Drill).order_by(Drill.id)))


def draw(stack, user: str = EXEC) -> Drill:
    person = stack.person(user)
    assert person.slash("/crisis", "drill draw").ok
    person.wait_ephemeral(lambda m: "drill verify" in m.text)
    stack.drain()
    [drill] = drills(stack)
    return drill


def heads_of(stack, unit_id: str) -> tuple[str, str]:
    unit = stack.bot.services.config.unit(unit_id)
    return unit.head, unit.deputy


def dm_with(stack, user: str, action_id: str, predicate=lambda m: True):
    return stack.person(user).dm().wait_for_message(lambda m: action_id in str(m.blocks) and predicate(m))


def test_manual_draw_notifies_everyone(stack):
    drill = draw(stack)
    assert drill.period == "2026-11" and drill.status == "drawn" and drill.drawn_by == EXEC
    record = drill.draw
    assert record["unit"] == drill.unit_id and record["seed"] and record["eligible"]
    # the executive secretary's DM is the drill's thread; the planning group is told with a plan button
    card = stack.person(EXEC).dm().wait_for_message(lambda m: ids.DRILL_PLAN_OPEN in str(m.blocks))
    assert drill.thread_ts == card.ts
    dm_with(stack, PLAN, ids.DRILL_PLAN_OPEN)
    dm_with(stack, PLAN_DEPUTY, ids.DRILL_PLAN_OPEN)
    head, deputy = heads_of(stack, drill.unit_id)
    for user in (head, deputy):
        notice = dm_with(stack, user, ids.DRILL_REPORT_OPEN)
        assert "2026-12-12" in notice.all_text()


def plan(stack, drill: Drill, user: str = PLAN, **fields):
    planner = stack.person(user)
    planner.click(dm_with(stack, user, ids.DRILL_PLAN_OPEN), ids.DRILL_PLAN_OPEN)
    modal = planner.wait_modal(ids.DRILL_PLAN_VIEW)
    modal.fill({ids.D_CATEGORY: drill.category, ids.D_SCENARIO: "模擬：貨櫃場颱風淹水，<!channel> 測試",
                ids.D_WINDOW_START: stack.clock.now + timedelta(days=2),
                ids.D_WINDOW_END: stack.clock.now + timedelta(days=2, hours=2), **fields})
    return modal.submit()


FORM = {
    ids.R_CASE: "颱風造成六堵貨櫃場淹水",
    ids.R_SUMMARY: "09:00 接獲通報，09:05 主管研判為中度危機並通報執行秘書。",
    ids.R_FINDINGS: "通報時間符合規定",
    ids.R_IMPROVEMENTS: "加強夜間聯繫名冊",
}


def file_form(stack, drill: Drill, user: str, **fields):
    person = stack.person(user)
    person.click(dm_with(stack, heads_of(stack, drill.unit_id)[0], ids.DRILL_REPORT_OPEN), ids.DRILL_REPORT_OPEN)
    modal = person.wait_modal(ids.DRILL_REPORT_VIEW)
    modal.fill({ids.R_UNIT: drill.unit_id, ids.R_TIME: stack.clock.now - timedelta(hours=1),
                ids.R_ITEMS: [drill.category], **FORM, **fields})
    return modal.submit()


def member_of(stack, unit_id: str) -> str:
    return stack.bot.services.config.unit(unit_id).members[0]


def test_plan_report_evaluate_approve_circulate(stack):
    drill = draw(stack)
    outcome = plan(stack, drill)
    assert outcome.ok and not outcome.errors, outcome.errors
    stack.drain()
    with stack.bot.services.sessions() as s:
        planned = s.get(Drill, drill.id)
        assert planned.status == "planned" and planned.scenario.startswith("模擬")
    head, _ = heads_of(stack, drill.unit_id)
    assert len([m for m in stack.person(head).dm().messages() if ids.DRILL_REPORT_OPEN in str(m.blocks)]) == 2

    stack.clock.advance(days=3)
    member = member_of(stack, drill.unit_id)
    outcome = file_form(stack, drill, member)
    assert outcome.ok and not outcome.errors, outcome.errors
    assert "第 1 版" in str(outcome.view) or "version 1" in str(outcome.view)
    stack.drain()
    for user in (COMMANDER, EXEC):
        sent = stack.person(user).dm().wait_for_message(lambda m: "演練報告表" in m.text)
        assert "加強夜間聯繫名冊" in sent.all_text()
    # the filled form, as DOCX in the drill's thread, opens and holds the values
    card = stack.person(EXEC).dm().wait_for_message(lambda m: ids.DRILL_PLAN_OPEN in str(m.blocks))
    [upload] = [m for m in card.replies() if m.files]
    [file] = upload.files
    assert file["name"] == "drill-2026-11-report-v1.docx"
    doc = Document(io.BytesIO(stack.sandbox.workspace.files[file["id"]].content))
    cells = " ".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    text = " ".join(p.text for p in doc.paragraphs)
    assert "危機管理演練報告表" in text and "Crisis Management Drill Report Form" in text
    for value in FORM.values():
        assert value in cells
    assert "測試單位" in cells and "☑" in cells and "☐" in cells

    # a revision is a new version
    stack.clock.advance(hours=1)
    assert not file_form(stack, drill, member, **{ids.R_SUMMARY: "修正後摘要"}).errors
    stack.drain()
    with stack.bot.services.sessions() as s:
        versions = s.scalars(sa.select(DrillReport.version).where(DrillReport.drill_id == drill.id)).all()
    assert sorted(versions) == [1, 2]

    # the planning group evaluates; the executive secretary returns it, then approves the revision
    planner = stack.person(PLAN)
    planner.click(dm_with(stack, PLAN, ids.DRILL_EVAL_OPEN), ids.DRILL_EVAL_OPEN)
    modal = planner.wait_modal(ids.DRILL_EVAL_VIEW)
    modal.fill({ids.E_ASSESSMENT: "通報流程順暢", ids.E_RECOMMENDATIONS: "建議每季更新名冊"})
    assert not modal.submit().errors
    stack.drain()
    executive = stack.person(EXEC)
    executive.click(dm_with(stack, EXEC, ids.DRILL_RETURN_OPEN), ids.DRILL_RETURN_OPEN)
    back = executive.wait_modal(ids.DRILL_RETURN_VIEW)
    back.fill({ids.E_RETURN_COMMENT: "請補充改進時程"})
    assert not back.submit().errors
    stack.drain()
    returned = dm_with(stack, PLAN, ids.DRILL_EVAL_OPEN, lambda m: "請補充改進時程" in m.all_text())
    planner.click(returned, ids.DRILL_EVAL_OPEN)
    modal = planner.wait_modal(ids.DRILL_EVAL_VIEW)
    modal.fill({ids.E_ASSESSMENT: "通報流程順暢", ids.E_RECOMMENDATIONS: "建議每季更新名冊，12 月底前完成"})
    assert not modal.submit().errors
    stack.drain()
    approval = dm_with(stack, EXEC, ids.DRILL_APPROVE, lambda m: "12 月底前完成" in m.all_text())
    executive.click(approval, ids.DRILL_APPROVE)
    stack.drain()
    with stack.bot.services.sessions() as s:
        evaluations = s.scalars(sa.select(DrillEvaluation).order_by(DrillEvaluation.version)).all()
        assert [e.status for e in evaluations] == ["returned", "approved"]
        assert evaluations[1].circulated_at is not None and s.get(Drill, drill.id).status == "closed"
    # circulated to every unit head (no announcement channel configured)
    for unit in stack.bot.services.config.units:
        stack.person(unit.head).dm().wait_for_message(lambda m: "影送各單位" in m.text or "circulated" in m.text)
    names = [f["name"] for m in card.replies() for f in m.files]
    assert names == ["drill-2026-11-report-v1.docx", "drill-2026-11-report-v2.docx",
                     "drill-2026-11-evaluation-v2.docx"]
    # the documents name people, with the Slack id beside the name, and say their time zone once
    shared = {f["name"]: stack.sandbox.workspace.files[f["id"]].content for m in card.replies() for f in m.files}
    evaluation = docx_text(shared["drill-2026-11-evaluation-v2.docx"])
    assert "吳佩珊 (U0000PLAN)" in evaluation and "王建國 (U0000EXEC)" in evaluation
    assert evaluation.count("Asia/Taipei") == 2  # the one line: 時間均為 Asia/Taipei 時間 All times are in …
    report_form = docx_text(shared["drill-2026-11-report-v1.docx"])
    filer = next(p for p in stack.sandbox.workspace.users.values() if f"({p.id})" in report_form)
    assert f"填表 Submitted by：{filer.display_name} ({filer.id})" in report_form
    # the approval DM lost its buttons; approving again is a polite no-op
    assert ids.DRILL_APPROVE not in str(approval.refresh().blocks)


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def test_refusals_are_polite(stack):
    planner = stack.person(PLAN)
    planner.slash("/crisis", "演練 抽籤")
    assert "執行秘書" in planner.wait_ephemeral(lambda m: "抱歉" in m.text).text
    assert drills(stack) == []
    drill = draw(stack, EXEC_DEPUTY)
    assert drill.drawn_by == EXEC_DEPUTY
    head, _ = heads_of(stack, drill.unit_id)
    # someone outside the drilled unit may not file its form
    outsider = next(u.head for u in stack.bot.services.config.units if u.id != drill.unit_id)
    person = stack.person(outsider)
    person.click(dm_with(stack, head, ids.DRILL_REPORT_OPEN), ids.DRILL_REPORT_OPEN)
    assert "演練報告表" in person.wait_ephemeral(lambda m: "抱歉" in m.text).text
    # a unit head may not plan the drill
    person.click(dm_with(stack, PLAN, ids.DRILL_PLAN_OPEN), ids.DRILL_PLAN_OPEN)
    assert "策劃組" in person.wait_ephemeral(lambda m: "擇定" in m.text).text
    # a second draw in the period is refused, naming the first
    executive = stack.person(EXEC)
    executive.slash("/crisis", "drill draw")
    assert f"#{drill.id}" in executive.wait_ephemeral(lambda m: "已抽籤" in m.text).text
    assert len(drills(stack)) == 1


def test_form_errors_are_inline_and_escaped(stack):
    drill = draw(stack)
    member = member_of(stack, drill.unit_id)
    outcome = file_form(stack, drill, member, **{ids.R_SUMMARY: "  ", ids.R_ITEMS: []})
    assert outcome.errors and set(outcome.errors) >= {ids.R_SUMMARY, ids.R_ITEMS}
    stack.person(member).wait_modal(ids.DRILL_REPORT_VIEW).fill({ids.R_SUMMARY: "<!channel> 摘要",
                                                                 ids.R_ITEMS: [drill.category]}).submit()
    stack.drain()
    sent = stack.person(EXEC).dm().wait_for_message(lambda m: "演練報告表" in m.text)
    assert "<!channel>" not in sent.all_text() and "&lt;!channel&gt;" in sent.all_text()


def test_reminders_survive_a_restart_and_stop_when_the_form_is_in(stack):
    drill = draw(stack)  # 28 Nov, due 12 Dec 23:59 Taipei
    head, deputy = heads_of(stack, drill.unit_id)

    def reminders(user):
        return [m for m in stack.person(user).dm().messages() if "提醒" in m.text or "Reminder" in m.text]

    stack.crash()
    stack.clock.advance(days=7, hours=1)  # 5 Dec 10:00 Taipei: the 7-day reminder fell due while down
    stack.boot()
    stack.drain()
    assert len(reminders(head)) == 1 and len(reminders(deputy)) == 1
    stack.later(hours=1)
    assert len(reminders(head)) == 1  # none twice
    file_form(stack, drill, head)
    stack.drain()
    stack.later(days=30)  # past every reminder and the deadline
    assert len(reminders(head)) == 1
    assert not [m for m in stack.person(EXEC).dm().messages() if "逾期" in m.text]
    with stack.bot.services.sessions() as s:
        pending = [w for w in queue.pending(s, subject_id=f"drill:{drill.id}")]
    assert pending == []


def test_overdue_escalates_to_the_executive_secretary(stack):
    drill = draw(stack)
    stack.later(days=15)
    head, _ = heads_of(stack, drill.unit_id)
    assert any("逾期" in m.text for m in stack.person(EXEC).dm().messages())
    assert any("逾期" in m.text for m in stack.person(head).dm().messages())
    assert len([m for m in stack.person(head).dm().messages() if "提醒" in m.text]) == 4  # 7, 3, 1 days, the day
    with stack.bot.services.sessions() as s:
        overdue = sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.kind == "drill.overdue")
        assert s.scalar(overdue) == 1


def test_status_and_verify(stack):
    drill = draw(stack)
    member = stack.person(member_of(stack, drill.unit_id))
    member.slash("/crisis", "drill status")
    status = member.wait_ephemeral(lambda m: ids.DRILL_STATUS_HEADER in str(m.blocks))
    assert "2026-11" in status.all_text() and "尚無紀錄" in status.all_text()
    member.slash("/crisis", f"演練 驗算 {drill.id}")
    assert "✅ 驗算相符" in member.wait_ephemeral(lambda m: "驗算演練" in m.text).text
    guest = stack.person("U0000GUST")
    guest.slash("/crisis", "drill status")
    assert "Sorry" in guest.wait_ephemeral().text


def test_the_cron_draw_runs_once_per_period_even_twice_at_once(stack):
    results = []
    threads = [threading.Thread(target=lambda: results.append(stack.bot.draw())) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len([r for r in results if r is not None]) == 1
    assert stack.bot.draw() is None
    [drill] = drills(stack)
    assert drill.drawn_by == "scheduler"
    # the scheduler carries the cron job in the organisation's time zone
    ticker = stack.bot.start_scheduler()
    try:
        job = ticker.scheduler.get_job("drill-draw")
        assert str(job.trigger.timezone) == "Asia/Taipei" and "day='1'" in str(job.trigger)
    finally:
        ticker.shutdown()
    assert len(drills(stack)) == 1


def test_with_an_announcement_channel_the_thread_and_circulation_are_there(database_url):
    from bot.procedure.config import load_config
    from bot.procedure.who import who_from_config
    from tests.stack import Stack

    base = load_config()
    config = base.model_copy(update={"drills": base.drills.model_copy(update={"announcement_channel": "C0GENERAL"})})
    stack = Stack(database_url, config=config).start()
    try:
        drill = draw(stack)
        general = stack.sandbox.channel("C0GENERAL")
        card = general.wait_for_message(lambda m: ids.DRILL_PLAN_OPEN in str(m.blocks))
        assert drill.thread_channel == "C0GENERAL" and drill.thread_ts == card.ts
        dm_with(stack, EXEC, ids.DRILL_PLAN_OPEN)  # the executive secretary still hears of it
        head, _ = heads_of(stack, drill.unit_id)
        assert not file_form(stack, drill, head).errors
        stack.drain()
        services = stack.bot.services
        with services.sessions() as s, s.begin():
            from bot.drills import service

            row = service.get(s, drill.id)
            evaluation = service.submit_evaluation(s, who_from_config(config, PLAN), row,
                                                   {"assessment": "好", "strengths": "", "recommendations": "續辦"},
                                                   stack.clock())
        stack.drain()
        stack.person(EXEC).click(dm_with(stack, EXEC, ids.DRILL_APPROVE), ids.DRILL_APPROVE)
        stack.drain()
        assert general.wait_for_message(lambda m: "影送各單位" in m.text)
        names = [f["name"] for m in card.replies() for f in m.files]
        assert names == ["drill-2026-11-report-v1.docx", f"drill-2026-11-evaluation-v{evaluation.version}.docx"]
        other = next(u.head for u in config.units if u.id != drill.unit_id)
        assert not [m for m in stack.person(other).dm().messages() if "影送" in m.text]  # the channel, not DMs
    finally:
        stack.stop()


def test_a_draw_missed_while_down_is_made_at_start(stack):
    stack.clock.set(datetime(2026, 11, 30, 16, 30, tzinfo=UTC))  # 1 Dec 00:30 Taipei: before the 09:00 cron
    assert stack.bot.draw(catch_up=True) is None
    stack.clock.advance(hours=9)  # 09:30 Taipei: the cron time has passed, no replica drew
    drawn = stack.bot.draw(catch_up=True)
    assert drawn is not None and drawn.period == "2026-12"
    assert stack.bot.draw(catch_up=True) is None


def test_drill_report_command_opens_the_form_for_the_unit(stack):
    drill = draw(stack)
    member = stack.person(member_of(stack, drill.unit_id))
    member.slash("/crisis", "演練 報告")
    modal = member.wait_modal(ids.DRILL_REPORT_VIEW)
    assert "測試單位" in str(modal.blocks)
    outsider = stack.person("U0000GUST")
    outsider.slash("/crisis", "drill report")
    assert "no drill report" in outsider.wait_ephemeral().text


def evaluation_modal(stack, user: str):
    person = stack.person(user)
    person.click(dm_with(stack, user, ids.DRILL_EVAL_OPEN), ids.DRILL_EVAL_OPEN)
    return person.wait_modal(ids.DRILL_EVAL_VIEW)


def click_as_shown(stack, person, message, action_id: str):
    """A click on the message as the person's screen still showed it when it was read (before the bot redrew it:
    a slow client, or a click already on its way)."""
    block, element = find_element(message.blocks, action_id)
    return stack.sandbox.interactions.block_action(person.user, block=block, element=element,
                                                   channel=stack.sandbox.workspace.channels[message.channel],
                                                   message=message.raw)


def test_a_stale_evaluation_is_refused_and_only_the_newest_is_approved_once(stack):
    drill = draw(stack)
    assert not file_form(stack, drill, member_of(stack, drill.unit_id)).errors
    stack.drain()
    # the planning deputy opens the evaluation first, and is slower to write it
    late = evaluation_modal(stack, PLAN_DEPUTY)
    late.fill({ids.E_ASSESSMENT: "代理人版本", ids.E_RECOMMENDATIONS: "無"})
    first = evaluation_modal(stack, PLAN)
    first.fill({ids.E_ASSESSMENT: "通報流程順暢", ids.E_RECOMMENDATIONS: "建議每季更新名冊"})
    assert not first.submit().errors
    lost = late.submit()
    assert not lost.errors and f"<@{PLAN}>" in str(lost.view) and "第 1 版" in str(lost.view)
    assert "未儲存" in str(lost.view)
    stack.drain()
    old = dm_with(stack, EXEC, ids.DRILL_APPROVE, lambda m: "每季更新名冊" in m.all_text())

    stack.clock.advance(minutes=5)
    revised = evaluation_modal(stack, PLAN)
    revised.fill({ids.E_RECOMMENDATIONS: "建議每季更新名冊，12 月底前完成"})
    assert not revised.submit().errors
    stack.drain()
    new = dm_with(stack, EXEC, ids.DRILL_APPROVE, lambda m: "12 月底前完成" in m.all_text())

    # the older request lost its buttons and says what superseded it
    assert ids.DRILL_APPROVE not in str(old.refresh().blocks) and "已由第 2 版取代" in old.refresh().all_text()
    # the executive secretary, whose screen still showed the older DM, approves it: refused, naming version 2
    executive = stack.person(EXEC)
    click_as_shown(stack, executive, old, ids.DRILL_APPROVE)
    refusal = executive.wait_ephemeral(lambda m: "已由第 2 版取代" in m.text)
    assert f"<@{PLAN}>" in refusal.text and "第 2 版核定" in refusal.text
    click_as_shown(stack, executive, old, ids.DRILL_RETURN_OPEN)
    executive.wait_ephemeral(lambda m: "已由第 2 版取代" in m.text and m.ts != refusal.ts)
    executive.click(new, ids.DRILL_APPROVE)
    stack.drain()
    assert ids.DRILL_APPROVE not in str(new.refresh().blocks)  # the request turned into the decision
    with stack.bot.services.sessions() as s:
        statuses = s.scalars(sa.select(DrillEvaluation.status).order_by(DrillEvaluation.version)).all()
        assert statuses == ["superseded", "approved"]
        for kind in ("drill.evaluation_approved", "drill.evaluation_circulated"):
            assert s.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.kind == kind)) == 1
    head = stack.bot.services.config.units[0].head
    assert len([m for m in stack.person(head).dm().messages() if "影送各單位" in m.text]) == 1


def test_a_closed_drill_cannot_be_re_planned_re_reported_or_re_evaluated(stack):
    drill = draw(stack)
    head, _ = heads_of(stack, drill.unit_id)
    assert not file_form(stack, drill, head).errors
    stack.drain()
    planner = stack.person(PLAN)
    # a plan modal opened before the approval, saved after it
    planner.click(dm_with(stack, PLAN, ids.DRILL_PLAN_OPEN), ids.DRILL_PLAN_OPEN)
    replan = planner.wait_modal(ids.DRILL_PLAN_VIEW)
    replan.fill({ids.D_CATEGORY: drill.category, ids.D_SCENARIO: "再演一次"})
    evaluation = evaluation_modal(stack, PLAN_DEPUTY)
    evaluation.fill({ids.E_ASSESSMENT: "好", ids.E_RECOMMENDATIONS: "續辦"})
    assert not evaluation.submit().errors
    stack.drain()
    shown = (dm_with(stack, PLAN, ids.DRILL_PLAN_OPEN), dm_with(stack, PLAN, ids.DRILL_EVAL_OPEN),
             dm_with(stack, head, ids.DRILL_REPORT_OPEN))
    stack.person(EXEC).click(dm_with(stack, EXEC, ids.DRILL_APPROVE), ids.DRILL_APPROVE)
    stack.drain()

    refused = replan.submit()
    assert not refused.errors and "已結案，不能再變更規劃" in str(refused.view) and f"<@{EXEC}>" in str(refused.view)
    # the DMs lost their buttons and say the drill is closed; a click from a screen that still showed one is refused
    for message in shown:
        assert ids.DRILL_PLAN_OPEN not in str(message.refresh().blocks) and "已結案" in message.refresh().all_text()
    plan_dm, evaluate_dm, report_dm = shown
    click_as_shown(stack, planner, plan_dm, ids.DRILL_PLAN_OPEN)
    assert f"<@{EXEC}>" in planner.wait_ephemeral(lambda m: "不能再變更規劃" in m.text).text
    click_as_shown(stack, planner, evaluate_dm, ids.DRILL_EVAL_OPEN)
    planner.wait_ephemeral(lambda m: "評估報告不再修改" in m.text)
    unit_head = stack.person(head)
    click_as_shown(stack, unit_head, report_dm, ids.DRILL_REPORT_OPEN)
    unit_head.wait_ephemeral(lambda m: "報告表不再修改" in m.text)
    with stack.bot.services.sessions() as s:
        closed = s.get(Drill, drill.id)
        assert closed.status == "closed" and closed.scenario != "再演一次"
        planned = sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.kind == "drill.planned")
        assert s.scalar(planned) == 0
        assert s.scalar(sa.select(sa.func.count()).select_from(DrillReport)) == 1


def test_a_closed_drills_reminders_and_overdue_notice_lose_the_form_button(stack):
    drill = draw(stack)
    head, deputy = heads_of(stack, drill.unit_id)
    stack.later(days=15)  # every reminder and the overdue notice went out; the form is late
    late = [m for m in stack.person(head).dm().messages() if ids.DRILL_REPORT_OPEN in str(m.blocks)
            and ("提醒" in m.text or "逾期" in m.text)]
    assert len(late) == 5  # 7, 3, 1 days, the day, overdue
    assert not file_form(stack, drill, deputy).errors
    stack.drain()
    evaluation = evaluation_modal(stack, PLAN)
    evaluation.fill({ids.E_ASSESSMENT: "逾期但完整", ids.E_RECOMMENDATIONS: "提早填報"})
    assert not evaluation.submit().errors
    stack.drain()
    stack.person(EXEC).click(dm_with(stack, EXEC, ids.DRILL_APPROVE), ids.DRILL_APPROVE)
    stack.drain()

    for message in late:  # finished: no button left to press, and the reason is written where it was
        after = message.refresh()
        assert ids.DRILL_REPORT_OPEN not in str(after.blocks) and "已結案" in after.all_text()
