"""Paging (procedure §3, §5) straight through the service, on the real database: a page reaches the role's holder,
then the deputy (職務代理人), then the next tier; an acknowledgement stops what it answers and nothing else."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from bot.delivery.kinds import WorkKind
from bot.paging import service as paging
from bot.procedure.config import Level, Role
from bot.procedure.status import PageStatus
from storage.models import RoleAssignment
from storage.types import as_utc
from tests.bot.procedure_kit import (
    COMMANDER,
    COMMANDER_DEPUTY,
    CONFIG,
    INSPECTION_HEAD,
    LEGAL,
    SECRETARY,
    SECRETARY_DEPUTY,
    ack,
    due,
    due_for_page,
    escalate,
    event_data,
    events,
    file_report,
    invited,
    pages,
    pending_pages,
    summary,
)

HIGH_ACK = timedelta(seconds=300)  # paging.ack_timeout_seconds.high
MEDIUM_ACK = timedelta(seconds=900)  # paging.ack_timeout_seconds.medium


# ---------------------------------------------------------------------------------------------- escalation


def test_an_unanswered_page_escalates_to_the_deputy_then_the_next_tier(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    [primary] = pages(session, incident)

    deputy = escalate(session, primary, clock.advance(seconds=900))
    assert (primary.status, as_utc(primary.escalated_at)) == (PageStatus.ESCALATED, clock.now)
    assert summary(deputy) == ("executive_secretary", SECRETARY_DEPUTY, "deputy", PageStatus.PAGING, 0)
    assert due_for_page(session, deputy) == {WorkKind.PAGE_SEND: clock.now, WorkKind.PAGE_MENTION: clock.now,
                                             WorkKind.PAGE_ESCALATE: clock.now + MEDIUM_ACK}

    commander = escalate(session, deputy, clock.advance(seconds=900))
    assert deputy.status == PageStatus.ESCALATED
    assert summary(commander) == ("commander", COMMANDER, "next_tier", PageStatus.PAGING, 1)
    assert due_for_page(session, commander)[WorkKind.PAGE_ESCALATE] == clock.now + MEDIUM_ACK

    commander_deputy = escalate(session, commander, clock.advance(seconds=900))
    assert summary(commander_deputy) == ("commander", COMMANDER_DEPUTY, "deputy", PageStatus.PAGING, 1)

    assert event_data(session, incident, "page.escalated") == [
        {"role": "executive_secretary", "from": SECRETARY, "attempt": "primary"},
        {"role": "executive_secretary", "from": SECRETARY_DEPUTY, "attempt": "deputy"},
        {"role": "commander", "from": COMMANDER, "attempt": "next_tier"},
    ]
    assert [p.id for p in pending_pages(session, incident)] == [commander_deputy.id]


def test_escalating_the_same_page_twice_pages_the_deputy_once(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    [primary] = pages(session, incident)
    escalate(session, primary, clock.advance(seconds=300))

    assert escalate(session, primary, clock.advance(seconds=1)) is None  # a retried timer finds it escalated
    assert [summary(p) for p in pages(session, incident)] == [
        ("commander", COMMANDER, "primary", PageStatus.ESCALATED, 0),
        ("commander", COMMANDER_DEPUTY, "deputy", PageStatus.PAGING, 0),
    ]
    assert events(session, incident, "page.escalated") == ["page.escalated"]


def test_the_commander_unanswered_by_deputy_raises_the_alarm(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    [primary] = pages(session, incident)
    deputy = escalate(session, primary, clock.advance(seconds=300))
    assert due_for_page(session, deputy)[WorkKind.PAGE_ESCALATE] == clock.now + HIGH_ACK

    assert escalate(session, deputy, clock.advance(seconds=300)) is None
    assert deputy.status == PageStatus.ESCALATED
    [alarm] = due(session, incident, WorkKind.WARROOM_ALERT)
    assert (as_utc(alarm.due_at), alarm.payload) == (clock.now, {"incident": incident.id, "page": deputy.id})
    assert events(session, incident, "page.") == [
        "page.sent", "page.escalated", "page.sent", "page.escalated", "page.exhausted"]
    assert event_data(session, incident, "page.exhausted") == [{"role": "commander"}]
    assert pending_pages(session, incident) == []


def test_the_secretarys_escalation_does_not_page_a_commander_already_paged(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    [secretary] = pages(session, incident)
    paging.page_role(session, CONFIG, incident, Role.COMMANDER, Level.HIGH, clock.now)
    deputy = escalate(session, secretary, clock.advance(seconds=900))

    assert escalate(session, deputy, clock.advance(seconds=900)) is None
    assert [p.attempt for p in pages(session, incident) if p.role == "commander"] == ["primary"]


def test_escalating_an_acknowledged_page_does_nothing(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    [page] = pages(session, incident)
    ack(session, SECRETARY, page, clock.advance(minutes=2))

    assert escalate(session, page, clock.advance(seconds=900)) is None
    assert page.status == PageStatus.ACKED
    assert len(pages(session, incident)) == 1
    assert "page.escalated" not in events(session, incident)


def _vacate(session, role: Role, seat: str, now) -> None:
    """Empty a seat on the roster (as a handover that leaves it vacant would)."""
    session.execute(sa.update(RoleAssignment).where(RoleAssignment.role == role.value, RoleAssignment.seat == seat,
                                                    RoleAssignment.unit_id.is_(None),
                                                    RoleAssignment.ended_at.is_(None)).values(ended_at=now))


def test_with_the_deputy_seat_empty_an_unanswered_page_goes_straight_to_the_next_tier(session, clock):
    _vacate(session, Role.EXECUTIVE_SECRETARY, "deputy", clock.now)
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    [primary] = pages(session, incident)

    commander = escalate(session, primary, clock.advance(seconds=900))
    assert summary(commander) == ("commander", COMMANDER, "next_tier", PageStatus.PAGING, 1)


def test_with_the_primary_seat_empty_the_deputy_is_paged_first_and_not_twice(session, clock):
    _vacate(session, Role.EXECUTIVE_SECRETARY, "primary", clock.now)
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    [first] = pages(session, incident)
    assert summary(first) == ("executive_secretary", SECRETARY_DEPUTY, "primary", PageStatus.PAGING, 0)

    commander = escalate(session, first, clock.advance(seconds=900))
    assert summary(commander) == ("commander", COMMANDER, "next_tier", PageStatus.PAGING, 1)


def test_a_role_nobody_holds_is_recorded_and_paged_nobody(session, clock):
    _vacate(session, Role.LEGAL, "primary", clock.now)
    _vacate(session, Role.LEGAL, "deputy", clock.now)
    incident = file_report(session, INSPECTION_HEAD, Level.LOW, clock.now)

    assert paging.page_role(session, CONFIG, incident, Role.LEGAL, Level.LOW, clock.now) is None
    assert pages(session, incident) == []
    assert event_data(session, incident, "page.no_holder") == [{"role": "legal", "attempt": "primary"}]


# ---------------------------------------------------------------------------------------------- paging a role


def test_a_role_already_being_paged_is_not_paged_twice_unless_asked_again(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)

    assert paging.page_role(session, CONFIG, incident, Role.EXECUTIVE_SECRETARY, Level.MEDIUM, clock.now) is None
    again = paging.page_role(session, CONFIG, incident, Role.LEGAL, Level.MEDIUM, clock.now)
    assert paging.page_role(session, CONFIG, incident, Role.LEGAL, Level.MEDIUM, clock.now) is None
    another = paging.page_role(session, CONFIG, incident, Role.LEGAL, Level.MEDIUM, clock.now, again=True)
    assert again is not None and another is not None
    assert [summary(p) for p in pages(session, incident)] == [
        ("executive_secretary", SECRETARY, "primary", PageStatus.PAGING, 0),
        ("legal", LEGAL, "primary", PageStatus.PAGING, 0),
        ("legal", LEGAL, "primary", PageStatus.PAGING, 0),
    ]


def test_an_acknowledged_role_is_not_paged_again_when_the_level_asks_for_it(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    [page] = pages(session, incident)
    ack(session, SECRETARY, page, clock.advance(minutes=1))

    assert paging.page_role(session, CONFIG, incident, Role.EXECUTIVE_SECRETARY, Level.MEDIUM, clock.now) is None


def test_the_ack_timeout_follows_the_level():
    assert paging.ack_timeout(CONFIG, Level.HIGH) == HIGH_ACK
    assert paging.ack_timeout(CONFIG, "medium") == MEDIUM_ACK
    assert paging.ack_timeout(CONFIG, Level.LOW) == MEDIUM_ACK  # no low timeout: a low page waits as medium
    assert paging.ack_timeout(CONFIG, None) == MEDIUM_ACK  # untriaged


def test_the_next_tier_of_the_secretary_is_the_commander_and_the_commander_is_the_top():
    assert paging.NEXT_TIER == {Role.EXECUTIVE_SECRETARY: Role.COMMANDER, Role.COMMANDER: None}


# ---------------------------------------------------------------------------------------------- in the war room


def test_everyone_paged_is_invited_with_the_page_deputy_and_next_tier_too(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    [primary] = pages(session, incident)
    assert SECRETARY in invited(session, incident)

    deputy = escalate(session, primary, clock.advance(seconds=900))
    assert deputy is not None and SECRETARY_DEPUTY in invited(session, incident)
    commander = escalate(session, deputy, clock.advance(seconds=900))
    assert commander is not None and COMMANDER in invited(session, incident)
    escalate(session, commander, clock.advance(seconds=900))
    assert COMMANDER_DEPUTY in invited(session, incident)


def test_a_legal_page_invites_the_legal_group(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.LOW, clock.now)
    paging.page_role(session, CONFIG, incident, Role.LEGAL, incident.level, clock.now, again=True)

    assert LEGAL in invited(session, incident)


def test_escalations_keep_the_level_the_page_was_sent_for(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    [primary] = pages(session, incident)
    deputy = escalate(session, primary, clock.advance(seconds=900))
    commander = escalate(session, deputy, clock.advance(seconds=900))

    assert [p.paged_for for p in (primary, deputy, commander)] == ["medium", "medium", "medium"]
