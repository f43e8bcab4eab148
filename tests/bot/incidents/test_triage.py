"""Triage (procedure §5): the handling group judges the level, the executive secretary and the commander may too;
a raised level pages the new tier, a lowered or confirmed one pages nobody new."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.delivery.kinds import WorkKind
from bot.handling import service as handling
from bot.incidents import service as incidents
from bot.paging import service as paging
from bot.procedure.config import Level, Role
from bot.procedure.errors import NotAllowed
from bot.procedure.status import IncidentStatus, PageStatus
from storage.types import as_utc
from tests.bot.procedure_kit import (
    CLEARANCE1_HEAD,
    COMMANDER,
    COMMANDER_DEPUTY,
    CONFIG,
    INSPECTION_DEPUTY,
    INSPECTION_HEAD,
    INSPECTION_MEMBER,
    LEGAL,
    OUTSIDER,
    PR,
    SECRETARY,
    SECRETARY_DEPUTY,
    due,
    due_for_page,
    event_data,
    file_report,
    invited,
    kinds,
    pages,
    summary,
    who,
)


def triage(session, now, user, incident, level, subtype=None):
    incidents.set_level(session, CONFIG, who(user), incident, level, subtype, now)
    session.flush()


def test_triage_to_medium_pages_the_executive_secretary(session, clock):
    incident = file_report(session, INSPECTION_MEMBER, Level.LOW, clock.now)
    clock.advance(minutes=5)
    triage(session, clock.now, INSPECTION_HEAD, incident, Level.MEDIUM)

    assert incident.level == "medium"
    assert (as_utc(incident.triaged_at), incident.triaged_by) == (clock.now, INSPECTION_HEAD)
    [page] = pages(session, incident)
    assert summary(page) == ("executive_secretary", SECRETARY, "primary", PageStatus.PAGING, 0)
    assert due_for_page(session, page)[WorkKind.PAGE_ESCALATE] == clock.now + timedelta(seconds=900)
    assert event_data(session, incident, "incident.level_set") == [{"level": "medium", "previous": None}]
    assert SECRETARY in invited(session, incident)


def test_triage_stops_the_triage_timeout(session, clock):
    incident = file_report(session, INSPECTION_MEMBER, Level.MEDIUM, clock.now)
    triage(session, clock.advance(minutes=1), INSPECTION_DEPUTY, incident, Level.LOW)

    assert WorkKind.TRIAGE_TIMEOUT not in kinds(session, incident)
    assert pages(session, incident) == []


def test_triage_to_high_pages_the_commander_and_brings_in_the_team(session, clock):
    incident = file_report(session, INSPECTION_MEMBER, Level.LOW, clock.now)
    triage(session, clock.now, INSPECTION_HEAD, incident, Level.HIGH)

    [page] = pages(session, incident)
    assert summary(page) == ("commander", COMMANDER, "primary", PageStatus.PAGING, 0)
    assert {COMMANDER, SECRETARY, PR} <= invited(session, incident)
    [reminder] = due(session, incident, WorkKind.UPDATE_REMIND)
    assert as_utc(reminder.due_at) == clock.now + timedelta(minutes=30)
    assert WorkKind.WARROOM_CARD_REFRESH in kinds(session, incident)


def test_raising_medium_to_high_pages_the_commander_too(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    clock.advance(minutes=3)
    triage(session, clock.now, SECRETARY, incident, Level.HIGH)

    assert [summary(p) for p in pages(session, incident)] == [
        ("executive_secretary", SECRETARY, "primary", PageStatus.PAGING, 0),
        ("commander", COMMANDER, "primary", PageStatus.PAGING, 0),
    ]
    assert event_data(session, incident, "incident.level_set") == [{"level": "high", "previous": "medium"}]
    # The first reporter's triage stands: a later change of level is not a new triage.
    assert incident.triaged_by == INSPECTION_HEAD


def test_lowering_the_level_stands_the_higher_tier_down_and_pages_the_levels_own(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    triage(session, clock.advance(minutes=10), COMMANDER, incident, Level.MEDIUM)
    lowered_to_medium = clock.now
    triage(session, clock.advance(minutes=10), COMMANDER, incident, Level.LOW)

    assert incident.level == "low"
    assert [summary(p) for p in pages(session, incident)] == [
        ("commander", COMMANDER, "primary", PageStatus.STOOD_DOWN, 0),  # medium does not need the commander
        ("executive_secretary", SECRETARY, "primary", PageStatus.STOOD_DOWN, 0),  # low pages nobody
    ]
    assert [(d["role"], d["level"]) for d in event_data(session, incident, "page.stood_down")] == [
        ("commander", "medium"), ("executive_secretary", "low")]
    assert WorkKind.PAGE_ESCALATE not in kinds(session, incident)  # nobody is chased for a page stood down
    secretary = pages(session, incident)[1]
    assert as_utc(secretary.paged_at) == lowered_to_medium
    assert {COMMANDER, SECRETARY} <= invited(session, incident)  # nobody leaves the war room
    assert [d["previous"] for d in event_data(session, incident, "incident.level_set")] == ["high", "medium"]


def test_with_stand_down_off_a_lowered_level_leaves_the_higher_tiers_page_running(session, clock):
    config = CONFIG.model_copy(update={"routing": CONFIG.routing.model_copy(
        update={"stand_down_when_lowered": False})})
    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    incidents.set_level(session, config, who(COMMANDER), incident, Level.MEDIUM, None, clock.advance(minutes=10))

    assert [summary(p) for p in pages(session, incident)] == [
        ("commander", COMMANDER, "primary", PageStatus.PAGING, 0)]


def test_an_acknowledged_higher_page_is_not_stood_down_and_the_lower_tier_is_not_paged(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    [commander] = pages(session, incident)
    paging.acknowledge(session, who(COMMANDER), commander, clock.advance(minutes=1))
    triage(session, clock.advance(minutes=10), COMMANDER, incident, Level.MEDIUM)

    assert [summary(p) for p in pages(session, incident)] == [
        ("commander", COMMANDER, "primary", PageStatus.ACKED, 0)]  # the commander has it in hand


def test_judging_a_proposed_high_medium_stands_the_commander_down_and_pages_the_secretary(session, clock):
    incident = file_report(session, INSPECTION_MEMBER, Level.HIGH, clock.now)
    [proposal] = pages(session, incident)
    triage(session, clock.advance(minutes=3), INSPECTION_HEAD, incident, Level.MEDIUM)

    assert [summary(p) for p in pages(session, incident)] == [
        ("commander", COMMANDER, "primary", PageStatus.STOOD_DOWN, 0),
        ("executive_secretary", SECRETARY, "primary", PageStatus.PAGING, 0),
    ]
    assert [w.payload["page"] for w in due(session, incident, WorkKind.PAGE_SETTLED)] == [proposal.id]
    redrawn = {w.payload["page"] for w in due(session, incident, WorkKind.PAGE_REDRAW)}
    assert proposal.id in redrawn  # the DM stops saying "proposed"


def test_confirming_a_proposed_high_does_not_page_the_commander_twice(session, clock):
    incident = file_report(session, INSPECTION_MEMBER, Level.HIGH, clock.now)
    triage(session, clock.advance(minutes=3), INSPECTION_DEPUTY, incident, Level.HIGH)

    assert [summary(p) for p in pages(session, incident)] == [
        ("commander", COMMANDER, "primary", PageStatus.PAGING, 0)]
    assert {COMMANDER, SECRETARY, PR} <= invited(session, incident)  # now the whole high team
    assert WorkKind.TRIAGE_TIMEOUT not in kinds(session, incident)


def test_judging_a_proposed_high_low_stands_every_tier_down(session, clock):
    incident = file_report(session, INSPECTION_MEMBER, Level.HIGH, clock.now)
    [proposal] = pages(session, incident)
    deputy = paging.escalate(session, CONFIG, proposal, clock.advance(seconds=300))
    triage(session, clock.advance(minutes=1), INSPECTION_HEAD, incident, Level.LOW)

    assert [summary(p) for p in pages(session, incident)] == [
        ("commander", COMMANDER, "primary", PageStatus.STOOD_DOWN, 0),  # escalated, unanswered: its button goes
        ("commander", COMMANDER_DEPUTY, "deputy", PageStatus.STOOD_DOWN, 0),
    ]
    assert deputy is not None and COMMANDER_DEPUTY in invited(session, incident)


def test_confirming_the_same_level_pages_nobody_new(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    triage(session, clock.advance(minutes=1), SECRETARY_DEPUTY, incident, Level.MEDIUM)

    assert len(pages(session, incident)) == 1


def test_a_role_already_paged_by_the_triage_timeout_is_not_paged_again_by_triage(session, clock):
    incident = file_report(session, INSPECTION_MEMBER, Level.MEDIUM, clock.now)
    clock.advance(seconds=900)  # what the triage.timeout work does when it falls due
    paging.page_role(session, CONFIG, incident, Role.EXECUTIVE_SECRETARY, incident.proposed_level, clock.now)
    triage(session, clock.advance(minutes=2), INSPECTION_HEAD, incident, Level.MEDIUM)

    assert [summary(p) for p in pages(session, incident)] == [
        ("executive_secretary", SECRETARY, "primary", PageStatus.PAGING, 0)]


def test_triage_may_change_the_subtype_and_with_it_the_category(session, clock):
    incident = file_report(session, INSPECTION_MEMBER, Level.LOW, clock.now)
    triage(session, clock.now, INSPECTION_HEAD, incident, Level.LOW, subtype="false_media_report")

    assert (incident.category, incident.subtype) == ("public_opinion", "false_media_report")
    assert event_data(session, incident, "incident.level_set") == [
        {"level": "low", "previous": None, "subtype": "false_media_report", "category": "public_opinion",
         "previous_subtype": "force_majeure"}]
    assert PR in invited(session, incident)  # routing.categories.public_opinion


@pytest.mark.parametrize(("user", "allowed"), [
    (INSPECTION_HEAD, True), (INSPECTION_DEPUTY, True), (SECRETARY, True), (SECRETARY_DEPUTY, True),
    (COMMANDER, True), (COMMANDER_DEPUTY, True),
    (INSPECTION_MEMBER, False), (CLEARANCE1_HEAD, False), (PR, False), (LEGAL, False), (OUTSIDER, False),
])
def test_only_the_unit_head_or_the_secretary_or_commander_may_triage(user, allowed):
    assert incidents.can_set_level(who(user), "inspection") is allowed


def test_a_refused_triage_changes_nothing(session, clock):
    incident = file_report(session, INSPECTION_MEMBER, Level.HIGH, clock.now)
    with pytest.raises(NotAllowed) as refused:
        triage(session, clock.now, INSPECTION_MEMBER, incident, Level.HIGH)

    assert refused.value.allowed == "allowed.set_level"
    assert (incident.level, incident.triaged_at) == (None, None)
    assert [summary(p) for p in pages(session, incident)] == [  # only the proposal's page
        ("commander", COMMANDER, "primary", PageStatus.PAGING, 0)]
    assert WorkKind.TRIAGE_TIMEOUT in kinds(session, incident)


def test_a_resolved_incident_can_no_longer_be_triaged(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    handling.resolve(session, CONFIG, who(SECRETARY), incident, clock.advance(hours=1))
    session.flush()

    assert incident.status == IncidentStatus.RESOLVED
    assert WorkKind.PAGE_ESCALATE not in kinds(session, incident)  # resolving stops the escalation timers
    with pytest.raises(NotAllowed) as refused:
        triage(session, clock.advance(minutes=1), SECRETARY, incident, Level.HIGH)
    assert refused.value.allowed == "allowed.active_incident"
    assert incident.level == "medium"
    assert len(pages(session, incident)) == 1


def test_a_handled_low_incident_is_watched_and_reported_to_the_secretary(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.LOW, clock.now)
    incidents.mark_handled(session, CONFIG, who(INSPECTION_DEPUTY), incident, clock.advance(hours=2))
    session.flush()

    assert incident.status == IncidentStatus.OBSERVING
    [report] = due(session, incident, WorkKind.LOWLEVEL_REPORT)
    assert as_utc(report.due_at) == clock.now
    assert [as_utc(w.due_at) - clock.now for w in due(session, incident, WorkKind.OBSERVE_REMIND)] == [
        timedelta(hours=24), timedelta(hours=48), timedelta(hours=72)]
    assert pages(session, incident) == []


@pytest.mark.parametrize(("level", "tier", "every"), [(Level.MEDIUM, SECRETARY, 120), (Level.HIGH, COMMANDER, 30)])
def test_a_handled_low_incident_raised_is_reopened_with_update_reminders_for_its_new_level(session, clock, level,
                                                                                          tier, every):
    incident = file_report(session, INSPECTION_HEAD, Level.LOW, clock.now)
    incidents.mark_handled(session, CONFIG, who(INSPECTION_HEAD), incident, clock.advance(hours=2))
    triage(session, clock.advance(hours=3), SECRETARY, incident, level)

    assert (incident.status, incident.level) == (IncidentStatus.OPEN, level.value)
    assert due(session, incident, WorkKind.OBSERVE_REMIND) == []  # the observation reminders stop
    [reminder] = due(session, incident, WorkKind.UPDATE_REMIND)
    assert as_utc(reminder.due_at) == clock.now + timedelta(minutes=every)
    assert event_data(session, incident, "incident.reopened") == [
        {"level": level.value, "previous": "low", "status": "observing"}]
    assert [p.target_user for p in pages(session, incident)] == [tier]
    notes = [w.payload["key"] for w in due(session, incident, WorkKind.WARROOM_NOTE)]
    assert "reopened.note" in notes
    assert any(":card:level-" in w.key for w in due(session, incident, WorkKind.WARROOM_CARD_REFRESH))
    assert any(":topic:level-" in w.key for w in due(session, incident, WorkKind.WARROOM_TOPIC))


def test_a_handled_low_incident_confirmed_low_stays_under_observation(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.LOW, clock.now)
    incidents.mark_handled(session, CONFIG, who(INSPECTION_HEAD), incident, clock.advance(hours=2))
    triage(session, clock.advance(hours=3), SECRETARY, incident, Level.LOW)

    assert incident.status == IncidentStatus.OBSERVING
    assert len(due(session, incident, WorkKind.OBSERVE_REMIND)) == 3
    assert event_data(session, incident, "incident.reopened") == []


def test_only_the_unit_head_marks_a_low_incident_handled(session, clock):
    low = file_report(session, INSPECTION_HEAD, Level.LOW, clock.now)
    medium = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)

    with pytest.raises(NotAllowed):
        incidents.mark_handled(session, CONFIG, who(SECRETARY), low, clock.now)
    with pytest.raises(NotAllowed):
        incidents.mark_handled(session, CONFIG, who(INSPECTION_HEAD), medium, clock.now)
    assert (low.status, medium.status) == ("open", "open")
