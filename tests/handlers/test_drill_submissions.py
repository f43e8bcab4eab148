"""The drill listeners under concurrency, on SQLite and PostgreSQL: one evaluation modal delivered twice at once
(a double tap, Slack's retry) has one effect and both deliveries show its receipt; two people's evaluations
written on the same version, submitted at once, save one and tell the other who saved what; two clicks of
Approve at once approve once and tell the second who did. The listeners run as Bolt calls them, with recording
`ack` and `respond` fakes and the real services on a real database."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
import sqlalchemy as sa

from bot.blockkit import ids
from bot.drills import service as drills
from bot.platform.services import Services
from bot.platform.settings import Settings
from bot.platform.slack import SlackChat
from bot.procedure.config import load_config
from bot.procedure.who import who_from_config
from bot.roster.sync import sync_roster
from handlers import drills as listeners
from storage.db import session_factory
from storage.models import AuditEvent, DrillEvaluation, DueWork
from tests.fakes import RecordingWebApi

CONFIG = load_config()
NOV = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)
EXEC, EXEC_DEPUTY, PLAN, PLAN_DEPUTY = "U0000EXEC", "U0000EXED", "U0000PLAN", "U0000PLDP"
ENGLISH = {user: "en-US" for user in (EXEC, EXEC_DEPUTY, PLAN, PLAN_DEPUTY)}


class Recorder:
    """Bolt's `ack` or `respond`: records each call's keyword arguments."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)


class Clock:
    """A moving clock: each reading a millisecond later than the last, as production's is."""

    def __init__(self, now: datetime) -> None:
        self.now, self.lock = now, threading.Lock()

    def __call__(self) -> datetime:
        with self.lock:
            self.now += timedelta(milliseconds=1)
            return self.now


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
    svc = Services(Settings(), CONFIG, sessions, SlackChat(RecordingWebApi(ENGLISH)),  # type: ignore[call-arg]
                   Clock(NOV + timedelta(days=2)))
    svc.drill_id = drawn.drill_id  # type: ignore[attr-defined]
    return svc


def evaluation_view(drill_id: int, view_id: str, assessment: str, base: int = 0) -> dict[str, Any]:
    """An evaluation modal as Slack submits it (view id and hash, metadata, typed values)."""
    def typed(text: str) -> dict[str, Any]:
        return {"type": "plain_text_input", "value": text}

    return {"id": view_id, "hash": f"{view_id}-h1", "callback_id": ids.DRILL_EVAL_VIEW,
            "private_metadata": json.dumps({"drill": drill_id, "lang": "en", "base": base}),
            "blocks": [{"type": "input", "block_id": ids.E_ASSESSMENT}],
            "state": {"values": {ids.E_ASSESSMENT: {ids.E_ASSESSMENT: typed(assessment)},
                                 ids.E_STRENGTHS: {ids.E_STRENGTHS: typed("")},
                                 ids.E_RECOMMENDATIONS: {ids.E_RECOMMENDATIONS: typed("續辦")}}}}


def submit(services: Services, user: str, view: dict[str, Any]) -> Recorder:
    ack = Recorder()
    listeners.on_evaluation(ack, {"user": {"id": user}, "view": view}, view, services)
    return ack


def approve(services: Services, user: str, evaluation_id: int) -> Recorder:
    respond = Recorder()
    body = {"user": {"id": user}, "actions": [{"value": str(evaluation_id)}]}
    listeners.on_approve(Recorder(), body, respond, services)
    return respond


def at_once(*attempts: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(attempts))
    results: list[Any] = [None] * len(attempts)

    def run(i: int, attempt: Callable[[], Any]) -> None:
        barrier.wait()
        results[i] = attempt()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a listener never finished"
    return results


def count(services: Services, model: Any, *where: Any) -> int:
    with services.sessions() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def test_one_submission_delivered_twice_at_once_has_one_effect(services):
    view = evaluation_view(services.drill_id, "V1", "好")
    acks = at_once(partial(submit, services, PLAN, view), partial(submit, services, PLAN, view))
    for ack in acks:  # both show the receipt of the one evaluation
        [call] = ack.calls
        assert call["response_action"] == "update" and "version 1" in json.dumps(call["view"])
    assert count(services, DrillEvaluation) == 1
    assert count(services, AuditEvent, AuditEvent.kind == "drill.evaluation_submitted") == 1
    assert count(services, AuditEvent, AuditEvent.kind == "view.submitted") == 1
    assert count(services, DueWork, DueWork.kind == "drill.approval") == 1


def test_two_evaluations_on_the_same_version_at_once_save_one_and_tell_the_other(services):
    acks = at_once(partial(submit, services, PLAN, evaluation_view(services.drill_id, "V1", "策劃組版")),
                   partial(submit, services, PLAN_DEPUTY, evaluation_view(services.drill_id, "V2", "代理人版")))
    texts = [json.dumps(ack.calls[0]["view"], ensure_ascii=False) for ack in acks]
    [saved] = [i for i, text in enumerate(texts) if "not saved" not in text]
    lost = texts[1 - saved]
    assert "not saved" in lost and f"<@{(PLAN, PLAN_DEPUTY)[saved]}>" in lost and "version 1" in lost
    with services.sessions() as s:
        [evaluation] = s.scalars(sa.select(DrillEvaluation)).all()
    assert evaluation.drafted_by == (PLAN, PLAN_DEPUTY)[saved]
    assert count(services, AuditEvent, AuditEvent.kind == "drill.evaluation_submitted") == 1


def test_two_approvals_at_once_approve_once_and_tell_the_second_who_did(services):
    submit(services, PLAN, evaluation_view(services.drill_id, "V1", "好"))
    with services.sessions() as s:
        evaluation_id = s.scalar(sa.select(DrillEvaluation.id))
    responds = at_once(partial(approve, services, EXEC, evaluation_id),
                       partial(approve, services, EXEC_DEPUTY, evaluation_id))
    [decided] = [r.calls[0] for r in responds if r.calls[0].get("replace_original")]
    [told] = [r.calls[0] for r in responds if not r.calls[0].get("replace_original")]
    approver = EXEC if f"<@{EXEC}>" in decided["text"] else EXEC_DEPUTY
    assert told["response_type"] == "ephemeral" and f"already approved by <@{approver}>" in told["text"]
    assert count(services, AuditEvent, AuditEvent.kind == "drill.evaluation_approved") == 1
    assert count(services, DueWork, DueWork.kind == "drill.circulate") == 1
