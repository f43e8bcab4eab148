"""A handover moves the seat's open work (procedure §3 移交): the service and the paging rules, on both databases.

Waiting pages are superseded and re-sent to the new holder with their own timer; answered and escalated pages stay;
the former holder no longer acknowledges; the war rooms the seat belongs to; the preview refuses what the handover
would refuse and writes nothing; the seat's tasks are the new holder's."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from bot.delivery.kinds import WorkKind
from bot.handling import service as handling
from bot.overview import service as overview
from bot.paging import handover as paging_handover
from bot.paging import service as paging
from bot.procedure.config import Level, Role
from bot.procedure.errors import NotAllowed
from bot.procedure.status import PageStatus
from bot.procedure.who import Who, who_from_assignments
from bot.roster import service
from bot.roster.state import Target
from storage import audit
from storage import roster as storage_roster
from storage import work as queue
from storage.models import AuditEvent, Page
from tests.bot.procedure_kit import (
    COMMANDER,
    COMMANDER_DEPUTY,
    CONFIG,
    INSPECTION_HEAD,
    SECRETARY,
    ack,
    due,
    due_for_page,
    escalate,
    file_report,
    pages,
    summary,
    who,
)

NEW = "U0000SECH"
COMMANDER_SEAT = Target(Role.COMMANDER.value, None, "primary")


def now_who(session, user: str) -> Who:
    """The person as the roster holds them now (what `services.who` reads for a click)."""
    posts = storage_roster.roles_of(session, user)
    return who_from_assignments(user, ((p.role, p.unit_id, p.name if p.unit_id else p.seat) for p in posts))


def hand(session, by: str, target: Target, to: str, at):
    handed = service.hand_over(session, who(by), target, to, at, config=CONFIG)
    session.flush()
    return handed


def test_a_waiting_page_is_superseded_and_re_sent_with_its_own_timer(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    [old] = pages(session, incident)
    at = clock.advance(minutes=3)
    handed = hand(session, COMMANDER, COMMANDER_SEAT, NEW, at)

    old_page, new_page = pages(session, incident)
    assert [p.page_id for p in handed.work.pages] == [old.id]
    assert summary(old_page) == ("commander", COMMANDER, "primary", PageStatus.SUPERSEDED, 0)
    assert summary(new_page) == ("commander", NEW, "primary", PageStatus.PAGING, 0)
    assert WorkKind.PAGE_ESCALATE not in due_for_page(session, old_page)  # its timer stopped
    assert WorkKind.PAGE_SETTLED in due_for_page(session, old_page)  # its DM is told
    timers = due_for_page(session, new_page)
    assert timers[WorkKind.PAGE_ESCALATE] == at + timedelta(seconds=300)  # counted from the handover
    assert {WorkKind.PAGE_SEND, WorkKind.PAGE_MENTION} <= set(timers)
    assert paging_handover.handed_to(session, old_page) == NEW
    assert paging_handover.handed_to(session, new_page) is None
    [event] = [e for e in audit.timeline(session, incident.id) if e.kind == paging_handover.HANDED_OVER]
    assert (event.actor, event.data["target"], event.data["to"], event.data["new_page"]) == (
        COMMANDER, COMMANDER, NEW, new_page.id)


def test_the_former_holder_no_longer_acknowledges(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    [old] = pages(session, incident)
    hand(session, COMMANDER, COMMANDER_SEAT, NEW, clock.advance(minutes=1))
    new_page = pages(session, incident)[1]
    former = now_who(session, COMMANDER)
    assert not paging.may_acknowledge(former, old) and not paging.may_acknowledge(former, new_page)
    assert paging.may_acknowledge(now_who(session, NEW), new_page)
    assert paging.may_acknowledge(now_who(session, COMMANDER_DEPUTY), new_page)  # the deputy still may
    # the new holder answers; the old page stays superseded and says to whom it went
    assert paging.acknowledge(session, now_who(session, NEW), new_page, clock.advance(seconds=5)).fresh
    assert old.status == PageStatus.SUPERSEDED and paging_handover.handed_to(session, old) == NEW


def test_an_unanswered_new_page_escalates_to_the_deputy(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    hand(session, COMMANDER, COMMANDER_SEAT, NEW, clock.advance(minutes=1))
    new_page = pages(session, incident)[1]
    deputy = escalate(session, new_page, clock.advance(seconds=301))
    assert deputy is not None and summary(deputy) == ("commander", COMMANDER_DEPUTY, "deputy", "paging", 0)


def test_answered_and_escalated_pages_stay(session, clock):
    acked_incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now, key="acked")
    [acked] = pages(session, acked_incident)
    assert ack(session, COMMANDER, acked, clock.advance(seconds=10))
    escalated_incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now, key="escalated")
    [unanswered] = pages(session, escalated_incident)
    deputy = escalate(session, unanswered, clock.advance(seconds=301))
    assert deputy is not None

    handed = hand(session, COMMANDER, COMMANDER_SEAT, NEW, clock.advance(seconds=1))
    assert handed.work.pages == ()
    assert [summary(p)[1:4] for p in pages(session, acked_incident)] == [(COMMANDER, "primary", "acked")]
    assert [summary(p)[1:4] for p in pages(session, escalated_incident)] == [
        (COMMANDER, "primary", "escalated"), (COMMANDER_DEPUTY, "deputy", "paging")]
    # both rooms are the commander's: the new holder is invited to each
    assert {r.incident_id for r in handed.work.rooms} == {acked_incident.id, escalated_incident.id}
    for incident in (acked_incident, escalated_incident):
        assert any(NEW in w.payload["users"] for w in due(session, incident, WorkKind.WARROOM_INVITE))


def test_the_deputy_seat_hands_over_the_deputys_page(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    [primary] = pages(session, incident)
    deputy_page = escalate(session, primary, clock.advance(seconds=301))
    assert deputy_page is not None
    handed = hand(session, COMMANDER_DEPUTY, Target("commander", None, "deputy"), NEW, clock.advance(seconds=30))
    assert [p.page_id for p in handed.work.pages] == [deputy_page.id]
    assert [summary(p)[1:4] for p in pages(session, incident)] == [
        (COMMANDER, "primary", "escalated"), (COMMANDER_DEPUTY, "deputy", "superseded"), (NEW, "deputy", "paging")]


def test_the_rooms_a_seat_belongs_to(session, clock):
    high = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now, key="high")
    medium = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now, key="medium")
    other_unit = file_report(session, "U0000CL2H", Level.LOW, clock.now, key="low", unit="clearance2")
    # public relations is brought in by the high route only
    pr_rooms = paging_handover.rooms_for(session, CONFIG, "public_relations", None, "primary", "U0000PRPR")
    assert [i.id for i in pr_rooms] == [high.id]
    # the executive secretary: high invites them, medium pages them
    exec_rooms = paging_handover.rooms_for(session, CONFIG, "executive_secretary", None, "primary", SECRETARY)
    assert [i.id for i in exec_rooms] == [high.id, medium.id]
    # a deputy seat: only where its holder was paged (nobody yet)
    assert paging_handover.rooms_for(session, CONFIG, "commander", None, "deputy", COMMANDER_DEPUTY) == []
    # a unit's head post: the unit's own incidents
    unit_rooms = paging_handover.rooms_for(session, CONFIG, "head", "clearance2", "primary", "U0000CL2H")
    assert [i.id for i in unit_rooms] == [other_unit.id]


def test_the_preview_refuses_as_the_handover_would_and_writes_nothing(session, clock):
    file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    session.flush()
    before = session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    shown = service.preview(session, CONFIG, who(COMMANDER), COMMANDER_SEAT, NEW)
    assert (shown.previous, shown.new, len(shown.work.pages), len(shown.work.rooms)) == (COMMANDER, NEW, 1, 1)
    with pytest.raises(service.NotHolder):
        service.preview(session, CONFIG, who(INSPECTION_HEAD), COMMANDER_SEAT, NEW)
    with pytest.raises(service.InvalidTarget, match="other_seat"):
        service.preview(session, CONFIG, who(COMMANDER), COMMANDER_SEAT, COMMANDER_DEPUTY)
    with pytest.raises(service.UnknownSeat):
        service.preview(session, CONFIG, who(SECRETARY), Target("head", "nowhere", "primary"), NEW)
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before
    assert storage_roster.holders(session, Role.COMMANDER).primary == COMMANDER
    assert session.scalar(sa.select(sa.func.count()).select_from(Page)) == 1


def test_a_plan_waiting_for_confirmation_follows_the_commanders_seat(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    handling.propose_plan(session, CONFIG, who(INSPECTION_HEAD), incident, "疏散 3 號倉", clock.advance(minutes=5))
    session.flush()
    [task] = [t for t in overview.tasks_for(session, CONFIG, who(COMMANDER)) if t.kind == "plan_confirm"]
    assert (task.ref, task.by) == (incident.id, INSPECTION_HEAD)

    handed = hand(session, COMMANDER, COMMANDER_SEAT, NEW, clock.advance(minutes=1))
    assert [t.kind for t in handed.work.tasks] == ["plan_confirm"]
    assert [t.kind for t in overview.tasks_for(session, CONFIG, now_who(session, COMMANDER))] == []
    [moved] = overview.tasks_for(session, CONFIG, now_who(session, NEW))
    assert (moved.kind, moved.sub) == ("plan_confirm", task.sub)
    # authorized at action time against the roster: the former holder is refused, the new holder confirms
    former = now_who(session, COMMANDER)
    with pytest.raises(NotAllowed):
        handling.confirm_plan(session, CONFIG, former, incident, task.sub, clock.advance(seconds=1))
    handling.confirm_plan(session, CONFIG, now_who(session, NEW), incident, task.sub, clock.advance(seconds=1))
    session.flush()
    assert overview.tasks_for(session, CONFIG, now_who(session, NEW)) == []  # done: no task, no button


def test_the_moved_work_is_in_the_handover_record_and_the_new_holders_dm(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    [old] = pages(session, incident)
    hand(session, COMMANDER, COMMANDER_SEAT, NEW, clock.advance(minutes=1))
    [event] = audit.events(session, kind_prefix=service.HANDOVER)
    assert (event.data["pages"], event.data["rooms"]) == ([old.id], [incident.id])
    to_new = queue.get(session, f"handover:{event.id}:to")
    assert to_new is not None and to_new.kind == WorkKind.ROSTER_HANDOVER_NOTIFY
    assert (to_new.payload["user"], to_new.payload["pages"], to_new.payload["rooms"], to_new.payload["tasks"]) == (
        NEW, 1, [incident.id], [])
    to_previous = queue.get(session, f"handover:{event.id}:from")
    assert to_previous is not None and "rooms" not in to_previous.payload  # the former holder is told only
