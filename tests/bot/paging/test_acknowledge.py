"""Acknowledging a page (procedure §3: the holder or the deputy answers): who may, what it stops (the role's other
pages and the escalations above it), and what keeps running (a page in its own right)."""

from __future__ import annotations

import pytest

from bot.delivery.kinds import WorkKind
from bot.incidents import service as incidents
from bot.paging import service as paging
from bot.procedure.config import Level, Role
from bot.procedure.status import PageStatus
from storage.models import Page
from storage.types import as_utc
from tests.bot.procedure_kit import (
    COMMANDER,
    COMMANDER_DEPUTY,
    CONFIG,
    INSPECTION_HEAD,
    OUTSIDER,
    PR,
    SECRETARY,
    SECRETARY_DEPUTY,
    START,
    ack,
    due,
    due_for_page,
    escalate,
    event_data,
    file_report,
    pages,
    summary,
    who,
)


def test_the_holder_acknowledging_stops_the_escalation_and_tells_the_room(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    [page] = pages(session, incident)

    assert ack(session, COMMANDER, page, clock.advance(minutes=2)) is True
    assert (page.status, as_utc(page.acked_at), page.acked_by) == (PageStatus.ACKED, clock.now, COMMANDER)
    assert set(due_for_page(session, page)) == {WorkKind.PAGE_SEND, WorkKind.PAGE_MENTION, WorkKind.PAGE_ACKED}
    [acked] = due(session, incident, WorkKind.PAGE_ACKED)
    assert (as_utc(acked.due_at), acked.payload) == (clock.now, {"incident": incident.id, "page": page.id})
    assert event_data(session, incident, "page.acked") == [{"role": "commander", "target": COMMANDER}]


def test_the_deputy_acknowledging_stops_the_primary_page(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    [page] = pages(session, incident)

    assert ack(session, SECRETARY_DEPUTY, page, clock.advance(minutes=1)) is True
    assert (page.status, page.acked_by, page.target_user) == (PageStatus.ACKED, SECRETARY_DEPUTY, SECRETARY)
    assert WorkKind.PAGE_ESCALATE not in due_for_page(session, page)


def test_the_deputy_answering_their_own_page_leaves_the_escalated_primary_as_it_was(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    [primary] = pages(session, incident)
    deputy = escalate(session, primary, clock.advance(seconds=900))

    assert ack(session, SECRETARY_DEPUTY, deputy, clock.advance(minutes=1)) is True
    assert [summary(p) for p in pages(session, incident)] == [
        ("executive_secretary", SECRETARY, "primary", PageStatus.ESCALATED, 0),
        ("executive_secretary", SECRETARY_DEPUTY, "deputy", PageStatus.ACKED, 0),
    ]
    assert WorkKind.PAGE_ESCALATE not in due_for_page(session, deputy)


def test_an_acknowledgement_after_escalation_supersedes_the_deputy_page(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    [primary] = pages(session, incident)
    deputy = escalate(session, primary, clock.advance(seconds=900))

    assert ack(session, SECRETARY, primary, clock.advance(minutes=1)) is True  # late, from the escalated DM
    assert [summary(p) for p in pages(session, incident)] == [
        ("executive_secretary", SECRETARY, "primary", PageStatus.ACKED, 0),
        ("executive_secretary", SECRETARY_DEPUTY, "deputy", PageStatus.SUPERSEDED, 0),
    ]
    assert WorkKind.PAGE_ESCALATE not in due_for_page(session, deputy)
    assert event_data(session, incident, "page.superseded") == [
        {"role": "executive_secretary", "target": SECRETARY_DEPUTY, "answered_by_page": primary.id}]
    assert escalate(session, deputy, clock.advance(seconds=900)) is None  # a timer that raced the ack


def test_the_secretary_answering_stops_the_commander_paged_only_because_they_did_not(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    [primary] = pages(session, incident)
    deputy = escalate(session, primary, clock.advance(seconds=900))
    commander = escalate(session, deputy, clock.advance(seconds=900))

    assert ack(session, SECRETARY_DEPUTY, deputy, clock.advance(minutes=1)) is True
    assert commander.status == PageStatus.SUPERSEDED
    assert WorkKind.PAGE_ESCALATE not in due_for_page(session, commander)
    assert [p for p in pages(session, incident) if p.status == PageStatus.PAGING] == []


def test_the_commander_answering_the_escalation_stops_the_secretarys_chain(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    [primary] = pages(session, incident)
    commander = escalate(session, escalate(session, primary, clock.advance(seconds=900)), clock.advance(seconds=900))
    commander_deputy = escalate(session, commander, clock.advance(seconds=900))

    assert ack(session, COMMANDER, commander, clock.advance(minutes=1)) is True
    assert commander_deputy.status == PageStatus.SUPERSEDED
    assert due(session, incident, WorkKind.WARROOM_ALERT) == []


def test_a_commander_page_in_its_own_right_keeps_running_when_the_secretary_answers(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    incidents.set_level(session, CONFIG, who(SECRETARY), incident, Level.HIGH, None, clock.advance(minutes=1))
    secretary, commander = pages(session, incident)

    assert ack(session, SECRETARY, secretary, clock.advance(minutes=1)) is True
    assert commander.status == PageStatus.PAGING
    assert WorkKind.PAGE_ESCALATE in due_for_page(session, commander)


def test_another_roles_page_keeps_running(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    [commander] = pages(session, incident)
    legal = paging.page_role(session, CONFIG, incident, Role.LEGAL, Level.HIGH, clock.now)
    assert legal is not None

    ack(session, COMMANDER_DEPUTY, commander, clock.advance(minutes=1))
    assert legal.status == PageStatus.PAGING


def test_acknowledging_twice_is_one_acknowledgement(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    [page] = pages(session, incident)
    first = clock.advance(minutes=1)
    assert ack(session, COMMANDER, page, first) is True

    assert ack(session, COMMANDER_DEPUTY, page, clock.advance(seconds=5)) is False  # a double tap, or the deputy
    assert (as_utc(page.acked_at), page.acked_by) == (first, COMMANDER)
    assert len(event_data(session, incident, "page.acked")) == 1
    assert len(due(session, incident, WorkKind.PAGE_ACKED)) == 1


def _page(role: Role, target: str) -> Page:
    return Page(incident_id=1, role=role.value, tier=0, target_user=target, attempt="primary",
                status=PageStatus.PAGING, paged_at=START)


@pytest.mark.parametrize(("user", "page", "allowed"), [
    (SECRETARY, _page(Role.EXECUTIVE_SECRETARY, SECRETARY), True),  # the person paged
    (SECRETARY_DEPUTY, _page(Role.EXECUTIVE_SECRETARY, SECRETARY), True),  # the role's deputy
    (SECRETARY, _page(Role.EXECUTIVE_SECRETARY, SECRETARY_DEPUTY), True),  # the role's holder, for the deputy
    (COMMANDER, _page(Role.EXECUTIVE_SECRETARY, SECRETARY), False),  # a higher tier is not the role
    (INSPECTION_HEAD, _page(Role.COMMANDER, COMMANDER), False),
    (PR, _page(Role.COMMANDER, COMMANDER), False),
    (OUTSIDER, _page(Role.COMMANDER, COMMANDER), False),
    # paged once, the seat since handed over (§3 移交): the page is the new holder's now
    (OUTSIDER, _page(Role.COMMANDER, OUTSIDER), False),
])
def test_may_acknowledge_holder_deputy_or_target_only(user, page, allowed):
    assert paging.may_acknowledge(who(user), page) is allowed


def test_the_secretary_answering_leaves_the_commanders_own_chain_running(session, clock):
    # high: the commander is paged in their own right (tier 0) and, unanswered, their deputy; the secretary's
    # acknowledgement stops only what exists because the secretary did not answer.
    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    [commander] = pages(session, incident)
    deputy = escalate(session, commander, clock.advance(seconds=301))
    assert deputy is not None and deputy.role == Role.COMMANDER.value
    secretary = paging.page_role(session, CONFIG, incident, Role.EXECUTIVE_SECRETARY, Level.HIGH, clock.now)
    assert secretary is not None

    assert ack(session, SECRETARY, secretary, clock.advance(minutes=1)) is True
    assert deputy.status == PageStatus.PAGING
    assert WorkKind.PAGE_ESCALATE in due_for_page(session, deputy)


def test_a_second_person_on_the_chain_is_told_who_answered_first(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    [primary] = pages(session, incident)
    deputy = escalate(session, primary, clock.advance(seconds=900))
    assert deputy is not None
    answered_at = clock.advance(minutes=1)
    assert ack(session, SECRETARY_DEPUTY, deputy, answered_at) is True
    session.flush()

    late = paging.acknowledge(session, who(SECRETARY), primary, clock.advance(minutes=1))
    again = paging.acknowledge(session, who(SECRETARY_DEPUTY), deputy, clock.now)
    assert (late.fresh, late.by, late.at) == (False, SECRETARY_DEPUTY, answered_at)
    assert (again.fresh, again.by) == (False, SECRETARY_DEPUTY)
    assert event_data(session, incident, "page.acked") == [{"role": "executive_secretary",
                                                             "target": SECRETARY_DEPUTY}]


def test_a_page_answered_by_another_gets_its_dm_updated(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    [primary] = pages(session, incident)
    deputy = escalate(session, primary, clock.advance(seconds=900))
    assert deputy is not None
    ack(session, SECRETARY, primary, clock.advance(minutes=1))
    assert WorkKind.PAGE_SETTLED in due_for_page(session, deputy)
    assert WorkKind.PAGE_SETTLED not in due_for_page(session, primary)


def test_resolving_closes_the_waiting_pages_and_stops_their_escalation(session, clock):
    from bot.handling import service as handling

    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    [commander] = pages(session, incident)
    handling.resolve(session, CONFIG, who(COMMANDER), incident, clock.advance(minutes=2))

    assert commander.status == PageStatus.CLOSED
    assert set(due_for_page(session, commander)) >= {WorkKind.PAGE_SETTLED}
    assert WorkKind.PAGE_ESCALATE not in due_for_page(session, commander)
    assert escalate(session, commander, clock.advance(seconds=600)) is None  # a timer already claimed: no page
    answer = paging.acknowledge(session, who(COMMANDER), commander, clock.now)
    assert (answer.fresh, answer.closed) == (False, True)
    assert [summary(p)[3] for p in pages(session, incident)] == [PageStatus.CLOSED]
