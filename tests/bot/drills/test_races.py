"""Drills under concurrency (design §3, issue 11 items 1 and 4), through the services on SQLite and PostgreSQL.

First the state machine, one step after another: a newer evaluation version supersedes an undecided one, a
decision made once is not made again, a closed drill is not re-planned, re-reported or re-evaluated, and a form
opened on an older version is refused naming the newer one. Then the same conflicts truly at once: two
transactions on their own connections, released together by a barrier; exactly one has an effect (counted in
audit entries and due work rows) and the other is told what happened."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
import sqlalchemy as sa

from bot.drills import service as drills
from bot.drills import state as drills_state
from bot.procedure.config import load_config
from bot.procedure.status import DrillStatus, EvaluationStatus
from bot.procedure.who import who_from_config
from bot.roster.sync import sync_roster
from storage.db import session_factory
from storage.models import AuditEvent, DrillEvaluation, DrillReport, DueWork

CONFIG = load_config()
NOV = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)  # 09:00 on 1 November in Taipei
EXEC, EXEC_DEPUTY, PLAN, PLAN_DEPUTY = "U0000EXEC", "U0000EXED", "U0000PLAN", "U0000PLDP"
FORM = {"drill_time": NOV.isoformat(), "case": "案", "summary": "摘要", "findings": "", "improvements": ""}


def who(user: str):
    return who_from_config(CONFIG, user)


def at(minutes: int) -> datetime:
    """A moment after the draw: each step of a test a little later than the last, as a real clock is."""
    return NOV + timedelta(days=1, minutes=minutes)


def drawn(sessions) -> int:
    """A drill drawn on a synced roster; its id."""
    with sessions() as s, s.begin():
        sync_roster(s, CONFIG, actor="config", now=NOV)
        return drills.draw(s, CONFIG, "scheduler", NOV, random.Random(3)).drill_id


def unit_people(sessions, drill_id: int) -> tuple[str, str, str]:
    """The drilled unit's head, deputy and first member."""
    with sessions() as s:
        unit = CONFIG.unit(drills.get(s, drill_id).unit_id)
    return unit.head, unit.deputy, unit.members[0]


def form(sessions, drill_id: int, **fields: Any) -> dict[str, Any]:
    with sessions() as s:
        drill = drills.get(s, drill_id)
        return {**FORM, "unit": drill.unit_id, "items": [drill.category], **fields}


def file(sessions, drill_id: int, user: str, when: datetime, base: int | None = None, **fields: Any):
    data = form(sessions, drill_id, **fields)
    with sessions() as s, s.begin():
        return drills.file_report(s, CONFIG, who(user), drills.get(s, drill_id), data, when, base=base)


def evaluate(sessions, drill_id: int, user: str, when: datetime, text: str, base: int | None = None) -> int:
    with sessions() as s, s.begin():
        evaluation = drills.submit_evaluation(s, who(user), drills.get(s, drill_id),
                                              {"assessment": text, "strengths": "", "recommendations": "續辦"},
                                              when, base=base)
        return evaluation.id


def decide(sessions, evaluation_id: int, user: str, when: datetime, approve: bool = True):
    with sessions() as s, s.begin():
        return drills.decide(s, who(user), s.get(DrillEvaluation, evaluation_id), approve,
                             "" if approve else "請補充", when)


def plan(sessions, drill_id: int, user: str, when: datetime, scenario: str, base: int | None = None):
    with sessions() as s, s.begin():
        drill = drills.get(s, drill_id)
        return drills.set_plan(s, CONFIG, who(user), drill,
                               drills_state.Plan(drill.category, scenario, None, None, None), when, base=base)


def count(sessions, model: Any, *where: Any) -> int:
    with sessions() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def audits(sessions, kind: str) -> int:
    return count(sessions, AuditEvent, AuditEvent.kind == kind)


def work(sessions, kind: str) -> int:
    return count(sessions, DueWork, DueWork.kind == kind, DueWork.cancelled_at.is_(None))


@pytest.fixture
def sessions(engine):
    """Sessions on this test's database: every step opens its own, and each thread of a race its own
    connection, as two replicas would."""
    return session_factory(engine)


# ---------------------------------------------------------------------------------------------- state machine


def test_a_newer_evaluation_supersedes_the_older_and_only_it_is_decided_once(sessions):
    drill_id = drawn(sessions)
    head, _, _ = unit_people(sessions, drill_id)
    file(sessions, drill_id, head, at(1))
    first = evaluate(sessions, drill_id, PLAN, at(2), "初稿")
    second = evaluate(sessions, drill_id, PLAN_DEPUTY, at(3), "修正稿", base=1)
    with sessions() as s:
        assert s.get(DrillEvaluation, first).status == EvaluationStatus.SUPERSEDED
        assert s.get(DrillEvaluation, second).status == EvaluationStatus.SUBMITTED
    # the older version's approval request, not sent yet, is not sent at all
    assert work(sessions, "drill.approval") == 1

    for approve in (True, False):
        stale = decide(sessions, first, EXEC, at(4), approve)
        assert (stale.fresh, stale.version, stale.newer, stale.by, stale.at) == (False, 1, 2, PLAN_DEPUTY, at(3))

    approved = decide(sessions, second, EXEC_DEPUTY, at(5))
    assert approved.fresh and approved.by == EXEC_DEPUTY
    again = decide(sessions, second, EXEC, at(6))
    assert (again.fresh, again.status, again.by, again.at) == (False, EvaluationStatus.APPROVED, EXEC_DEPUTY, at(5))
    returned = decide(sessions, second, EXEC, at(7), approve=False)
    assert (returned.fresh, returned.status, returned.by) == (False, EvaluationStatus.APPROVED, EXEC_DEPUTY)
    assert audits(sessions, "drill.evaluation_approved") == 1 and audits(sessions, "drill.evaluation_returned") == 0
    assert work(sessions, "drill.circulate") == 1


def test_a_returned_evaluation_says_who_returned_it(sessions):
    drill_id = drawn(sessions)
    head, _, _ = unit_people(sessions, drill_id)
    file(sessions, drill_id, head, at(1))
    first = evaluate(sessions, drill_id, PLAN, at(2), "初稿")
    assert decide(sessions, first, EXEC, at(3), approve=False).fresh
    late = decide(sessions, first, EXEC_DEPUTY, at(4))
    assert (late.fresh, late.status, late.by, late.at) == (False, EvaluationStatus.RETURNED, EXEC, at(3))


def test_a_closed_drill_is_not_re_planned_re_reported_or_re_evaluated(sessions):
    drill_id = drawn(sessions)
    head, _, member = unit_people(sessions, drill_id)
    file(sessions, drill_id, head, at(1))
    assert decide(sessions, evaluate(sessions, drill_id, PLAN, at(2), "好"), EXEC, at(3)).fresh
    attempts: list[Callable[[], Any]] = [
        lambda: plan(sessions, drill_id, PLAN, at(4), "再演一次"),
        lambda: file(sessions, drill_id, member, at(5), summary="補充"),
        lambda: evaluate(sessions, drill_id, PLAN, at(6), "再評"),
    ]
    for action, attempt in zip(("plan", "report", "evaluation"), attempts, strict=True):
        with pytest.raises(drills.DrillClosed) as refused:
            attempt()
        assert (refused.value.action, refused.value.by, refused.value.at) == (action, EXEC, at(3))
    assert audits(sessions, "drill.planned") == 0 and count(sessions, DrillReport) == 1
    assert count(sessions, DrillEvaluation) == 1


def test_a_form_opened_on_an_older_version_is_refused_naming_the_newer(sessions):
    drill_id = drawn(sessions)
    head, deputy, member = unit_people(sessions, drill_id)
    assert plan(sessions, drill_id, PLAN, at(1), "颱風", base=0)
    with pytest.raises(drills.Stale) as plan_lost:
        plan(sessions, drill_id, EXEC, at(2), "地震", base=0)  # opened before the planning group saved
    assert (plan_lost.value.what, plan_lost.value.by, plan_lost.value.at) == ("plan", PLAN, at(1))

    assert file(sessions, drill_id, head, at(3), base=0).version == 1
    with pytest.raises(drills.Stale) as report_lost:
        file(sessions, drill_id, member, at(4), base=0, summary="另一份")
    assert (report_lost.value.version, report_lost.value.by, report_lost.value.at) == (1, head, at(3))
    assert file(sessions, drill_id, deputy, at(5), base=1, summary="修正").version == 2

    evaluate(sessions, drill_id, PLAN, at(6), "初稿", base=0)
    with pytest.raises(drills.Stale) as evaluation_lost:
        evaluate(sessions, drill_id, PLAN_DEPUTY, at(7), "另稿", base=0)
    assert (evaluation_lost.value.version, evaluation_lost.value.by) == (1, PLAN)
    assert count(sessions, DrillReport) == 2 and count(sessions, DrillEvaluation) == 1
    with sessions() as s:
        assert drills.get(s, drill_id).scenario == "颱風"


# ---------------------------------------------------------------------------------------------- truly at once


def at_once(*attempts: Callable[[], Any]) -> list[Any]:
    """Run the attempts in threads released together; each one's result, or the exception it raised."""
    barrier = threading.Barrier(len(attempts))
    results: list[Any] = [None] * len(attempts)

    def run(i: int, attempt: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[i] = attempt()
        except Exception as exc:  # the loser's refusal is the result under test
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a transaction never finished"
    return results


ROUNDS = 3  # each round a fresh drill: the order in which the two meet differs from round to round


def drill_in_period(sessions, n: int) -> int:
    """The n-th month's drill (each round of a race gets its own)."""
    y, m = divmod(10 + n, 12)
    when = datetime(2026 + y, m + 1, 1, 1, 0, tzinfo=UTC)
    with sessions() as s, s.begin():
        if n == 0:
            sync_roster(s, CONFIG, actor="config", now=NOV)
        return drills.draw(s, CONFIG, "scheduler", when, random.Random(n)).drill_id


def subject(drill_id: int) -> Any:
    return DueWork.subject_id == f"drill:{drill_id}"


def test_two_approvals_at_once_make_one_approval_and_one_circulation(sessions):
    for n in range(ROUNDS):
        drill_id = drill_in_period(sessions, n)
        head, _, _ = unit_people(sessions, drill_id)
        file(sessions, drill_id, head, at(1))
        evaluation = evaluate(sessions, drill_id, PLAN, at(2), "好")
        results = at_once(partial(decide, sessions, evaluation, EXEC, at(3)),
                          partial(decide, sessions, evaluation, EXEC_DEPUTY, at(3)))
        [winner] = [r for r in results if r.fresh]
        [loser] = [r for r in results if not r.fresh]
        assert (loser.status, loser.by, loser.at) == (EvaluationStatus.APPROVED, winner.by, at(3)), f"round {n}"
        approvals = count(sessions, AuditEvent, AuditEvent.kind == "drill.evaluation_approved",
                          AuditEvent.subject_id == str(drill_id))
        circulations = count(sessions, DueWork, DueWork.kind == "drill.circulate", subject(drill_id))
        assert (approvals, circulations) == (1, 1), f"round {n}"


def test_approving_the_old_version_while_a_new_one_is_submitted_does_one_of_the_two(sessions):
    outcomes = set()
    for n in range(ROUNDS):
        drill_id = drill_in_period(sessions, n)
        head, _, _ = unit_people(sessions, drill_id)
        file(sessions, drill_id, head, at(1))
        old = evaluate(sessions, drill_id, PLAN, at(2), "初稿")
        approve, revise = at_once(partial(decide, sessions, old, EXEC, at(3)),
                                  partial(evaluate, sessions, drill_id, PLAN_DEPUTY, at(3), "修正稿", base=1))
        with sessions() as s:
            statuses = [e.status for e in s.scalars(sa.select(DrillEvaluation).where(
                DrillEvaluation.drill_id == drill_id).order_by(DrillEvaluation.version))]
            closed = drills.get(s, drill_id).status == DrillStatus.CLOSED
        if approve.fresh:  # the approval came first: the revision finds the drill closed
            assert isinstance(revise, drills.DrillClosed) and revise.by == EXEC, f"round {n}"
            assert statuses == ["approved"] and closed
            outcomes.add("approved")
        else:  # the revision came first: the approval is refused, naming version 2
            assert isinstance(revise, int) and (approve.newer, approve.by) == (2, PLAN_DEPUTY), f"round {n}"
            assert statuses == ["superseded", "submitted"] and not closed
            outcomes.add("superseded")
        approvals = count(sessions, AuditEvent, AuditEvent.kind == "drill.evaluation_approved",
                          AuditEvent.subject_id == str(drill_id))
        assert approvals == (1 if approve.fresh else 0)
        assert count(sessions, DueWork, DueWork.kind == "drill.circulate", subject(drill_id)) == approvals
    assert outcomes  # which one wins is the databases' choice; each round is consistent either way


def test_two_forms_filed_at_once_on_the_same_version_save_one(sessions):
    for n in range(ROUNDS):
        drill_id = drill_in_period(sessions, n)
        head, deputy, _ = unit_people(sessions, drill_id)
        results = at_once(partial(file, sessions, drill_id, head, at(1), base=0, summary="主管版"),
                          partial(file, sessions, drill_id, deputy, at(1), base=0, summary="副主管版"))
        [filed] = [r for r in results if isinstance(r, drills_state.Filed)]
        [lost] = [r for r in results if isinstance(r, drills.Stale)]
        assert filed.version == 1 and (lost.version, lost.at) == (1, at(1)), f"round {n}"
        with sessions() as s:
            [report] = s.scalars(sa.select(DrillReport).where(DrillReport.drill_id == drill_id)).all()
        assert lost.by == report.submitted_by
        reported = count(sessions, AuditEvent, AuditEvent.kind == "drill.reported",
                         AuditEvent.subject_id == str(drill_id))
        uploads = count(sessions, DueWork, DueWork.kind == "drill.upload", subject(drill_id))
        assert (reported, uploads) == (1, 1), f"round {n}"


def test_two_plans_saved_at_once_keep_one(sessions):
    for n in range(ROUNDS):
        drill_id = drill_in_period(sessions, n)
        results = at_once(partial(plan, sessions, drill_id, PLAN, at(1), "颱風", base=0),
                          partial(plan, sessions, drill_id, EXEC, at(1), "地震", base=0))
        [saved] = [i for i, r in enumerate(results) if isinstance(r, dict)]
        [lost] = [r for r in results if isinstance(r, drills.Stale)]
        assert lost.by == (PLAN, EXEC)[saved], f"round {n}"
        with sessions() as s:
            assert drills.get(s, drill_id).scenario == ("颱風", "地震")[saved]
        planned = count(sessions, AuditEvent, AuditEvent.kind == "drill.planned",
                        AuditEvent.subject_id == str(drill_id))
        notes = count(sessions, DueWork, DueWork.kind == "drill.note", subject(drill_id))
        assert (planned, notes) == (1, 1), f"round {n}"


def test_a_plan_saved_as_the_drill_closes_is_refused(sessions):
    drill_id = drill_in_period(sessions, 0)
    head, _, _ = unit_people(sessions, drill_id)
    file(sessions, drill_id, head, at(1))
    evaluation = evaluate(sessions, drill_id, PLAN, at(2), "好")
    approve, replan = at_once(partial(decide, sessions, evaluation, EXEC, at(3)),
                              partial(plan, sessions, drill_id, PLAN, at(3), "再演一次"))
    assert approve.fresh
    if isinstance(replan, drills.DrillClosed):
        assert replan.by == EXEC
        assert audits(sessions, "drill.planned") == 0
    else:  # the plan came first; the approval then closed the drill
        assert isinstance(replan, dict) and audits(sessions, "drill.planned") == 1

