"""The drills' hand-offs to a role's holder and deputy (§3 職務代理人), with a recording chat: the filed form to the
commander, the executive secretary and their deputies; the evaluation's approval request to the executive secretary
and the deputy, redrawn without buttons once decided or superseded."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery.job import Job, NotReady
from bot.delivery.kinds import WorkKind
from bot.drills import service as drills
from bot.drills import work as drill_work
from bot.platform.services import Services
from bot.platform.settings import Settings
from bot.procedure.config import load_config
from bot.procedure.who import who_from_config
from bot.roster.sync import sync_roster
from storage import work as queue
from storage.db import session_factory
from storage.models import DrillEvaluation
from tests.fakes import RecordingChat

CONFIG = load_config()
NOV = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)
COMMANDER, COMMANDER_DEPUTY, EXEC, EXEC_DEPUTY = "U0000CMDR", "U0000CMDD", "U0000EXEC", "U0000EXED"
PLAN = "U0000PLAN"
EVALUATION = {"assessment": "通報流程順暢", "strengths": "", "recommendations": "每季更新名冊"}


@pytest.fixture
def services(engine):
    sessions = session_factory(engine)
    with sessions() as s, s.begin():
        sync_roster(s, CONFIG, actor="config", now=NOV)
        drawn = drills.draw(s, CONFIG, "scheduler", NOV, random.Random(2))
        drill = drills.get(s, drawn.drill_id)
        head = who_from_config(CONFIG, CONFIG.unit(drill.unit_id).head)
        drills.file_report(s, CONFIG, head, drill, {
            "unit": drill.unit_id, "drill_time": NOV.isoformat(), "items": [drill.category], "case": "案",
            "summary": "摘要", "findings": "", "improvements": ""}, NOV + timedelta(days=1))
    chat = RecordingChat({u: "zh-TW" for u in (COMMANDER, COMMANDER_DEPUTY, EXEC, EXEC_DEPUTY, PLAN)})
    svc = Services(Settings(), CONFIG, sessions, chat, lambda: NOV)  # type: ignore[call-arg]
    svc.drill = drawn.drill_id  # type: ignore[attr-defined]
    return svc


def job_of(services, key: str, attempts: int = 1) -> Job:
    with services.sessions() as s:
        row = queue.get(s, key)
        assert row is not None, key
        return Job(row.id, row.kind, row.key, row.subject_id, dict(row.payload), attempts, NOV)


def done(services, job: Job, result) -> None:
    with services.sessions() as s, s.begin():
        queue.complete(s, job.id, NOV, result)


def evaluate(services, at: datetime, data=EVALUATION):
    with services.sessions() as s, s.begin():
        drill = drills.get(s, services.drill)
        return drills.submit_evaluation(s, who_from_config(CONFIG, PLAN), drill, data, at).id


def decide(services, user: str, evaluation: int, approve: bool = True) -> None:
    with services.sessions() as s, s.begin():
        row = s.get(DrillEvaluation, evaluation)
        drills.decide(s, who_from_config(CONFIG, user), row, approve, "" if approve else "請補充", NOV)


def test_the_filed_form_reaches_both_seats_of_the_commander_and_the_executive_secretary(services):
    sent = job_of(services, f"drill:{services.drill}:report:1:to:team")
    result = drill_work.report_sent(services, sent, NOV)
    assert [d["user"] for d in services.chat.asked("direct_message_once")] == [COMMANDER, COMMANDER_DEPUTY, EXEC,
                                                                                 EXEC_DEPUTY]
    assert set(result["copies"]) == {COMMANDER, COMMANDER_DEPUTY, EXEC, EXEC_DEPUTY}


def test_the_approval_request_goes_to_the_secretary_and_her_deputy_with_the_buttons(services):
    evaluation = evaluate(services, NOV + timedelta(days=2))
    request = job_of(services, drills.approval_key(services.drill, evaluation))
    result = drill_work.approval(services, request, NOV)
    sent = services.chat.asked("direct_message_once")
    assert [d["user"] for d in sent] == [EXEC, EXEC_DEPUTY] and set(result["copies"]) == {EXEC, EXEC_DEPUTY}
    assert all("drill_evaluation_approve" in str(d["message"]["blocks"]) for d in sent)


def test_once_the_deputy_decides_every_copy_says_so_without_buttons(services):
    evaluation = evaluate(services, NOV + timedelta(days=2))
    request = job_of(services, drills.approval_key(services.drill, evaluation))
    refresh = f"{drills.approval_key(services.drill, evaluation)}:copies:decided"
    result = drill_work.approval(services, request, NOV)
    decide(services, EXEC_DEPUTY, evaluation)
    with pytest.raises(NotReady):  # the request has not been recorded as sent yet
        drill_work.approval_refresh(services, job_of(services, refresh), NOV)
    done(services, request, result)
    assert drill_work.approval_refresh(services, job_of(services, refresh), NOV) == {"updated": [EXEC, EXEC_DEPUTY]}
    updates = services.chat.asked("update")
    assert [u["room"] for u in updates] == [f"D{EXEC}", f"D{EXEC_DEPUTY}"]
    for update in updates:
        assert "drill_evaluation_approve" not in str(update["message"]["blocks"])
        assert f"已由 <@{EXEC_DEPUTY}>" in str(update["message"]["blocks"])


def test_a_superseded_request_is_redrawn_naming_the_newer_version(services):
    first = evaluate(services, NOV + timedelta(days=2))
    request = job_of(services, drills.approval_key(services.drill, first))
    done(services, request, drill_work.approval(services, request, NOV))
    evaluate(services, NOV + timedelta(days=3), {**EVALUATION, "recommendations": "12 月底前完成"})
    refresh = job_of(services, f"{drills.approval_key(services.drill, first)}:copies:superseded")
    drill_work.approval_refresh(services, refresh, NOV)
    [*_, update] = services.chat.asked("update")
    assert "已由第 2 版取代" in str(update["message"]["blocks"])
    assert "drill_evaluation_approve" not in str(update["message"]["blocks"])


def test_a_request_decided_before_it_went_out_is_not_sent_but_a_retry_sends_the_rest_drawn_settled(services):
    evaluation = evaluate(services, NOV + timedelta(days=2))
    decide(services, EXEC, evaluation, approve=False)
    request = job_of(services, drills.approval_key(services.drill, evaluation))
    assert drill_work.approval(services, request, NOV) == {"skipped": "decided or superseded before it was sent"}
    assert services.chat.asked("direct_message_once") == []
    retry = job_of(services, drills.approval_key(services.drill, evaluation), attempts=2)
    drill_work.approval(services, retry, NOV)
    sent = services.chat.asked("direct_message_once")
    assert [d["user"] for d in sent] == [EXEC, EXEC_DEPUTY]
    assert all("退回" in str(d["message"]["blocks"]) and "drill_evaluation_approve" not in str(d["message"]["blocks"])
               for d in sent)


def test_the_decision_reaches_the_drafter_and_both_seats_of_the_planning_group(services):
    evaluation = evaluate(services, NOV + timedelta(days=2))
    decide(services, EXEC, evaluation, approve=False)
    with services.sessions() as s:
        told = [w.payload["user"] for w in queue.pending(s) if w.kind == WorkKind.DRILL_DECIDED]
    assert told == [PLAN, "U0000PLDP"]


def test_closing_the_drill_redraws_its_buttoned_dms_without_buttons(services):
    with services.sessions() as s, s.begin():
        notices = [w for w in queue.pending(s) if w.kind == WorkKind.DRILL_NOTIFY_UNIT]
        for n, notice in enumerate(notices):
            queue.complete(s, notice, NOV, {"channel": f"D{n}", "ts": f"{n}.5"})
        team = [w for w in queue.pending(s) if w.kind == WorkKind.DRILL_NOTIFY_TEAM][0]
        queue.complete(s, team, NOV, {"channel": "DT", "ts": "9.5"})
    evaluation = evaluate(services, NOV + timedelta(days=2))
    decide(services, EXEC_DEPUTY, evaluation)
    closing = job_of(services, f"drill:{services.drill}:closed:refresh")
    assert drill_work.closed_refresh(services, closing, NOV) == {"updated": len(notices) + 1}
    updates = services.chat.asked("update")
    assert sorted(u["room"] for u in updates) == sorted([*(f"D{n}" for n in range(len(notices))), "DT"])
    for update in updates:
        blocks = update["message"]["blocks"]
        assert not [b for b in blocks if b["type"] == "actions"]
        assert f"<@{EXEC_DEPUTY}>" in str(blocks[-1]) and "已結案" in str(blocks[-1])
