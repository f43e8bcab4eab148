"""Reporting and routing (procedure §5, §6 step 1) straight through the service, on the real database: who is
brought into the war room, who is paged at once, and what waits for triage."""

from __future__ import annotations

from datetime import timedelta

from bot.delivery.kinds import WorkKind
from bot.procedure.config import Level
from bot.procedure.status import PageStatus
from storage.types import as_utc
from tests.bot.procedure_kit import (
    CLEARANCE1_HEAD,
    COMMANDER,
    INSPECTION_DEPUTY,
    INSPECTION_HEAD,
    INSPECTION_MEMBER,
    PR,
    SECRETARY,
    due,
    due_for_page,
    event_data,
    events,
    file_report,
    invited,
    kinds,
    pages,
    summary,
)


def test_a_unit_head_reporting_high_pages_the_commander_at_once(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)

    assert (incident.level, incident.proposed_level, incident.status) == ("high", "high", "open")
    assert (as_utc(incident.triaged_at), incident.triaged_by) == (clock.now, INSPECTION_HEAD)
    [page] = pages(session, incident)
    assert summary(page) == ("commander", COMMANDER, "primary", PageStatus.PAGING, 0)
    assert due_for_page(session, page) == {
        WorkKind.PAGE_SEND: clock.now, WorkKind.PAGE_MENTION: clock.now,
        WorkKind.PAGE_ESCALATE: clock.now + timedelta(seconds=300),  # paging.ack_timeout_seconds.high
    }
    assert events(session, incident) == ["incident.reported", "incident.triaged", "page.sent"]
    assert WorkKind.TRIAGE_REQUEST not in kinds(session, incident)
    assert WorkKind.TRIAGE_TIMEOUT not in kinds(session, incident)


def test_a_high_report_brings_the_commander_secretary_and_pr_into_the_war_room_in_one_invite(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)

    [invite] = due(session, incident, WorkKind.WARROOM_INVITE)
    assert invite.payload["users"] == sorted({INSPECTION_HEAD, INSPECTION_DEPUTY, COMMANDER, SECRETARY, PR})
    assert {WorkKind.WARROOM_OPEN, WorkKind.WARROOM_CARD, WorkKind.REPORTER_NOTIFY} <= kinds(session, incident)
    assert WorkKind.WARROOM_CARD_REFRESH not in kinds(session, incident)  # the card is posted later with all this


def test_a_triaged_report_arms_the_status_update_reminder_for_its_level(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)

    [reminder] = due(session, incident, WorkKind.UPDATE_REMIND)
    assert as_utc(reminder.due_at) == clock.now + timedelta(minutes=30)  # routing.update_interval_minutes.high


def test_the_deputy_head_reporting_medium_pages_the_executive_secretary(session, clock):
    incident = file_report(session, INSPECTION_DEPUTY, Level.MEDIUM, clock.now)

    assert incident.level == "medium" and incident.triaged_by == INSPECTION_DEPUTY
    [page] = pages(session, incident)
    assert summary(page) == ("executive_secretary", SECRETARY, "primary", PageStatus.PAGING, 0)
    assert due_for_page(session, page)[WorkKind.PAGE_ESCALATE] == clock.now + timedelta(seconds=900)
    assert event_data(session, incident, "page.sent") == [
        {"role": "executive_secretary", "target": SECRETARY, "attempt": "primary", "tier": 0, "level": "medium"}]


def test_a_low_report_by_the_head_pages_nobody_and_invites_only_the_unit(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.LOW, clock.now)

    assert incident.level == "low"
    assert pages(session, incident) == []
    assert invited(session, incident) == {INSPECTION_HEAD, INSPECTION_DEPUTY}
    [reminder] = due(session, incident, WorkKind.UPDATE_REMIND)
    assert as_utc(reminder.due_at) == clock.now + timedelta(minutes=1440)


def test_a_public_opinion_report_brings_in_public_relations_without_paging_them(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.LOW, clock.now, category="public_opinion",
                           subtype="false_media_report")

    assert PR in invited(session, incident)
    assert pages(session, incident) == []


def test_a_member_report_waits_for_triage_and_asks_the_head_and_deputy(session, clock):
    incident = file_report(session, INSPECTION_MEMBER, Level.MEDIUM, clock.now)

    assert (incident.level, incident.proposed_level) == (None, "medium")
    assert incident.triaged_at is None and incident.triaged_by is None
    assert pages(session, incident) == []  # a proposed medium waits for triage (or the untriaged timeout)
    assert invited(session, incident) == {INSPECTION_MEMBER, INSPECTION_HEAD, INSPECTION_DEPUTY}
    [request] = due(session, incident, WorkKind.TRIAGE_REQUEST)
    assert as_utc(request.due_at) == clock.now
    assert WorkKind.UPDATE_REMIND not in kinds(session, incident)
    assert events(session, incident) == ["incident.reported"]


def test_a_members_proposed_high_pages_the_commander_at_once_while_the_head_triages(session, clock):
    incident = file_report(session, INSPECTION_MEMBER, Level.HIGH, clock.now)

    assert (incident.level, incident.proposed_level, incident.triaged_at) == (None, "high", None)
    [page] = pages(session, incident)
    assert summary(page) == ("commander", COMMANDER, "primary", PageStatus.PAGING, 0)
    assert page.paged_for == "high"
    assert event_data(session, incident, "page.sent")[0]["proposed"] is True
    assert due_for_page(session, page)[WorkKind.PAGE_ESCALATE] == clock.now + timedelta(seconds=300)
    # The commander joins the room with the page (one invite); the rest of the high team waits for the judgement.
    [invite] = due(session, incident, WorkKind.WARROOM_INVITE)
    assert invite.payload["users"] == sorted({INSPECTION_MEMBER, INSPECTION_HEAD, INSPECTION_DEPUTY, COMMANDER})
    assert {WorkKind.TRIAGE_REQUEST, WorkKind.TRIAGE_TIMEOUT} <= kinds(session, incident)
    assert WorkKind.UPDATE_REMIND not in kinds(session, incident)


def test_an_untriaged_report_arms_the_triage_timeout(session, clock):
    incident = file_report(session, INSPECTION_MEMBER, Level.MEDIUM, clock.now)

    [timeout] = due(session, incident, WorkKind.TRIAGE_TIMEOUT)
    assert as_utc(timeout.due_at) == clock.now + timedelta(seconds=900)  # routing.untriaged_timeout_seconds
    assert timeout.payload == {"incident": incident.id}


def test_another_units_head_reporting_is_not_the_handling_group_and_waits_for_triage(session, clock):
    incident = file_report(session, CLEARANCE1_HEAD, Level.HIGH, clock.now, unit="inspection")

    assert incident.level is None
    assert [summary(p) for p in pages(session, incident)] == [  # the proposal's page, not a judgement
        ("commander", COMMANDER, "primary", PageStatus.PAGING, 0)]
    assert WorkKind.TRIAGE_TIMEOUT in kinds(session, incident)


def test_the_same_submission_twice_is_one_incident_and_one_page(session, clock):
    first = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now, key="view-1")
    clock.advance(seconds=2)
    again = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now, key="view-1")

    assert again.id == first.id
    assert len(pages(session, first)) == 1
    assert events(session, first, "incident.reported") == ["incident.reported"]


def test_incidents_are_numbered_in_order_within_the_year(session, clock):
    first = file_report(session, INSPECTION_MEMBER, Level.LOW, clock.now)
    second = file_report(session, INSPECTION_MEMBER, Level.LOW, clock.advance(minutes=1))

    assert (first.year, first.seq + 1) == (second.year, second.seq)
    assert first.number != second.number
