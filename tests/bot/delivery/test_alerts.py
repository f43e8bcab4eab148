"""Work that gives up is never silent (issue 11 §5): every kind has a bounded attempt cap, giving up leaves a
durable alert, the alert tells the war room (incident work) or the executive secretary by DM (no room, or the
room refuses), in the reader's language; and an alert that gives up does not alert again."""

from __future__ import annotations

from sqlalchemy import update

from bot.delivery import alerts
from bot.delivery.job import Job
from bot.delivery.kinds import ATTEMPTS, WorkKind, attempt_cap
from bot.platform.chat import ChatError, Unavailable
from bot.procedure.config import Level
from bot.procedure.i18n import LANGS, MESSAGES
from scheduler import tick as work_tick
from scheduler.executors import EXECUTORS
from storage import work as queue
from storage.models import DueWork, Incident
from tests.bot.procedure_kit import INSPECTION_MEMBER, reported

FAILING = {"unavailable": Unavailable("http_503"), "refused": ChatError("msg_too_long", "chat.postMessage")}


def _enqueue(services, work_kind, key, now, attempts=0, payload=None, **more):
    with services.sessions() as s, s.begin():
        queue.enqueue(s, work_kind, key, now, {**(payload or {}), **more})
        s.execute(update(DueWork).where(DueWork.key == key).values(attempts=attempts))


def _row(services, key):
    with services.sessions() as s:
        return queue.get(s, key)


def _raising(error):
    def run(services, job, now):
        raise error
    return run


def test_every_kind_has_a_bounded_attempt_cap_and_a_name_in_both_languages():
    assert set(ATTEMPTS) == set(WorkKind)
    for kind in WorkKind:
        assert 10 <= attempt_cap(kind) <= 100, kind
        assert all(MESSAGES[f"work.{kind.value}"][lang] for lang in LANGS), kind
    assert attempt_cap("a.kind.long.gone") > 0


def test_every_kind_gives_up_at_its_cap_and_leaves_one_alert(services, clock):
    now = clock.now
    for kind in WorkKind:
        cap = attempt_cap(kind)
        _enqueue(services, kind, f"t:{kind}:early", now, attempts=cap - 2, incident=1)
        _enqueue(services, kind, f"t:{kind}:last", now, attempts=cap - 1, incident=1)
    table = {k.value: _raising(FAILING["unavailable"]) for k in WorkKind}
    work_tick.tick(services, now, table, limit=500)
    for kind in WorkKind:
        early, last = _row(services, f"t:{kind}:early"), _row(services, f"t:{kind}:last")
        assert early.cancelled_at is None and early.due_at > now, kind  # still retrying, later
        assert last.cancelled_at is not None and f"gave up after {attempt_cap(kind)} attempts" in last.last_error
        alert = _row(services, f"undelivered:t:{kind}:last")
        if kind == WorkKind.DELIVERY_FAILED:
            assert alert is None  # an alert that gives up does not alert again: no loop
        else:
            assert alert.kind == WorkKind.DELIVERY_FAILED and alert.payload["kind"] == kind
            assert alert.payload["incident"] == 1 and alert.payload["attempts"] == attempt_cap(kind)
        assert _row(services, f"undelivered:t:{kind}:early") is None


def test_a_permanent_refusal_gives_up_at_once_with_an_alert_of_every_kind(services, clock):
    now = clock.now
    for kind in WorkKind:
        _enqueue(services, kind, f"r:{kind}", now, drill=3)
    work_tick.tick(services, now, {k.value: _raising(FAILING["refused"]) for k in WorkKind}, limit=500)
    for kind in WorkKind:
        assert _row(services, f"r:{kind}").cancelled_at is not None
        alert = _row(services, f"undelivered:r:{kind}")
        assert (alert is None) == (kind == WorkKind.DELIVERY_FAILED), kind
        if alert is not None:
            assert "msg_too_long" in alert.payload["error"] and alert.payload["drill"] == 3


def test_waiting_on_other_work_retries_fast_then_backs_off():
    assert work_tick.not_ready_delay(1).total_seconds() == 1
    assert work_tick.not_ready_delay(30).total_seconds() == 1
    assert work_tick.not_ready_delay(36).total_seconds() == 32
    assert work_tick.not_ready_delay(1000).total_seconds() == work_tick.MAX_BACKOFF_SECONDS


def _alert_job(services, now, **payload):
    key = f"undelivered:{payload.get('key', 'x')}"
    _enqueue(services, WorkKind.DELIVERY_FAILED, key, now, payload=payload)
    row = _row(services, key)
    return Job(row.id, row.kind, row.key, row.subject_id, dict(row.payload), 1, row.due_at)


def test_incident_work_that_gave_up_is_told_to_the_war_room_in_the_organisations_language(session, services,
                                                                                          clock, chat):
    incident = reported(session, INSPECTION_MEMBER, Level.HIGH, clock.now)
    with services.sessions() as s, s.begin():
        s.get(Incident, incident.id).channel_id = "C0WARROOM"
    job = _alert_job(services, clock.now, kind=WorkKind.MEDIA_POST, key="incident:1:media:9", attempts=1,
                     error="invalid_blocks: chat.postMessage", incident=incident.id)
    alerts.alert(services, job, clock.now)
    [post] = chat.asked("post_once")
    assert post["room"] == "C0WARROOM"
    text = post["message"]["blocks"][0]["text"]["text"]
    assert "無法送達：新聞稿（對外說明）草稿" in text and incident.number in text and "invalid_blocks" in text


def test_work_with_no_room_is_told_to_the_executive_secretary_and_the_deputy_by_dm_each_in_their_language(
        services, clock, chat):
    chat.people = {"U0000EXEC": "en-US"}
    job = _alert_job(services, clock.now, kind=WorkKind.DRILL_UPLOAD, key="drill:2026-11:upload", attempts=60,
                     error="ValueError: All strings must be XML compatible <bad>")
    alerts.alert(services, job, clock.now)
    dm, copy = chat.asked("direct_message_once")
    assert (dm["user"], copy["user"]) == ("U0000EXEC", "U0000EXED")  # §3: the deputy stands in, so is told too
    assert "無法送達" in copy["message"]["blocks"][0]["text"]["text"]  # the deputy reads the default language
    text = dm["message"]["blocks"][0]["text"]["text"]
    assert "Could not deliver: a drill document's upload" in text and "60 times" in text
    assert "&lt;bad&gt;" in text  # the error is escaped like any other text


def test_a_room_that_refuses_the_alert_too_sends_it_to_the_executive_secretary(session, services, clock, chat):
    incident = reported(session, INSPECTION_MEMBER, Level.HIGH, clock.now)
    with services.sessions() as s, s.begin():
        s.get(Incident, incident.id).channel_id = "C0ARCHIVED"
    chat.script["post_once"] = ChatError("is_archived")
    job = _alert_job(services, clock.now, kind=WorkKind.HANDLING_POST, key="incident:1:post:update", attempts=1,
                     error="is_archived", incident=incident.id)
    alerts.alert(services, job, clock.now)
    dms = chat.asked("direct_message_once")
    assert [d["user"] for d in dms] == ["U0000EXEC", "U0000EXED"]
    assert all(incident.number in d["message"]["text"] for d in dms)


def test_the_alert_kind_has_its_executor():
    assert EXECUTORS[WorkKind.DELIVERY_FAILED] is alerts.alert
