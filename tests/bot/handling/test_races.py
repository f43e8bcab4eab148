"""Handling's stale actions and races (design §3): a second tap, or two people at once, has one effect, and the one
who lost is told what happened (who, when). Truly at once on both databases where the order matters."""

from __future__ import annotations

import pytest

from bot.handling import service as handling
from bot.handling import state as handling_state
from bot.incidents import service as incidents_service
from bot.procedure.config import Level
from bot.procedure.errors import Closed, NotAllowed
from bot.procedure.status import IncidentStatus, PageStatus
from storage import audit, incidents
from storage.models import CaseFile
from tests.bot.procedure_kit import (
    CLEARANCE1_HEAD,
    COMMANDER,
    CONFIG,
    INSPECTION_DEPUTY,
    INSPECTION_HEAD,
    INSPECTION_MEMBER,
    LEGAL,
    OUTSIDER,
    SECRETARY,
    events,
    file_report,
    pages,
    reported,
    who,
)
from tests.concurrency import at_once

CASE = {"summary": "Water pumped out", "cause": "Typhoon", "handling": "Pumps", "review": "Drains",
        "followups": ""}


def test_a_step_recorded_twice_is_one_step_and_the_second_is_told_by_whom(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    done_at = clock.advance(minutes=1)
    handling.complete_step(session, CONFIG, who(INSPECTION_HEAD), incident, "identify", done_at)

    with pytest.raises(Closed) as lost:
        handling.complete_step(session, CONFIG, who(INSPECTION_DEPUTY), incident, "identify", clock.advance(seconds=1))
    assert (lost.value.reason, lost.value.facts) == ("step.already_by", {"user": INSPECTION_HEAD, "at": done_at})
    assert events(session, incident, "step.") == ["step.completed"]


def test_a_second_resolve_names_who_resolved(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    handling.resolve(session, CONFIG, who(COMMANDER), incident, clock.advance(minutes=5))
    with pytest.raises(Closed) as lost:
        handling.resolve(session, CONFIG, who(SECRETARY), incident, clock.advance(seconds=1))
    assert lost.value.reason == "resolve.already_by" and lost.value.facts["user"] == COMMANDER
    assert events(session, incident, "incident.resolved") == ["incident.resolved"]


def test_a_newer_plan_supersedes_the_older_and_the_older_cannot_be_confirmed(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    old = handling.propose_plan(session, CONFIG, who(INSPECTION_HEAD), incident, "Pump the yard",
                                clock.advance(minutes=1))
    new = handling.propose_plan(session, CONFIG, who(INSPECTION_DEPUTY), incident, "Pump and sandbag",
                                clock.advance(minutes=1))
    found = handling_state.plans(audit.timeline(session, incident.id))
    assert found[old]["superseded_by"] == new and "superseded_by" not in found[new]

    with pytest.raises(Closed) as stale:
        handling.confirm_plan(session, CONFIG, who(COMMANDER), incident, old, clock.advance(minutes=1))
    assert stale.value.reason == "plan.superseded" and stale.value.facts["user"] == INSPECTION_DEPUTY
    assert handling.confirm_plan(session, CONFIG, who(COMMANDER), incident, new, clock.now) == new
    with pytest.raises(Closed) as again:
        handling.confirm_plan(session, CONFIG, who(COMMANDER), incident, new, clock.advance(seconds=1))
    assert again.value.reason == "plan.already_by"
    [confirmed] = [e for e in audit.timeline(session, incident.id) if e.kind == "plan.confirmed"]
    assert confirmed.data["plan"] == new and confirmed.data["proposed_by"] == INSPECTION_DEPUTY


def test_a_double_snooze_is_one_snooze(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    until = handling.snooze(session, CONFIG, who(INSPECTION_HEAD), incident, clock.advance(minutes=30))
    with pytest.raises(Closed) as lost:
        handling.snooze(session, CONFIG, who(INSPECTION_DEPUTY), incident, clock.advance(seconds=2))
    assert lost.value.facts == {"user": INSPECTION_HEAD, "until": until}
    assert events(session, incident, "update.snoozed") == ["update.snoozed"]
    handling.snooze(session, CONFIG, who(INSPECTION_HEAD), incident, clock.advance(minutes=5))  # later: a new one
    assert len(events(session, incident, "update.snoozed")) == 2


@pytest.mark.parametrize("user", [INSPECTION_MEMBER, CLEARANCE1_HEAD, OUTSIDER])
def test_only_the_incidents_team_may_ask_the_legal_group(session, clock, user):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    with pytest.raises(NotAllowed):
        handling.request_legal(session, CONFIG, who(user), incident, "May we close the gate?", clock.now)
    assert events(session, incident, "legal.") == []


def test_a_repeated_legal_question_within_minutes_joins_the_waiting_page(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    assert handling.request_legal(session, CONFIG, who(INSPECTION_HEAD), incident, "Close the gate?",
                                  clock.advance(minutes=1))
    assert not handling.request_legal(session, CONFIG, who(SECRETARY), incident, "And the press?",
                                      clock.advance(minutes=2))
    legal = [p for p in pages(session, incident) if p.role == "legal"]
    assert [(p.target_user, p.status) for p in legal] == [(LEGAL, PageStatus.PAGING)]
    assert events(session, incident, "legal.") == ["legal.requested", "legal.requested"]
    # later, a new question deserves its own page
    assert handling.request_legal(session, CONFIG, who(INSPECTION_HEAD), incident, "Overtime?",
                                  clock.advance(minutes=10))
    assert len([p for p in pages(session, incident) if p.role == "legal"]) == 2


# ---------------------------------------------------------------------------------------------- truly at once


def _in_transaction(services, incident_id, action):
    """What a click's listener does: lock the incident, decide, commit; a refusal comes back as the result."""
    try:
        with services.sessions() as session, session.begin():
            return action(session, incidents.lock(session, incident_id))
    except (Closed, NotAllowed) as refusal:
        return refusal


@pytest.mark.parametrize("round_", range(5))
def test_two_people_completing_the_step_at_once_record_it_once(session, clock, services, round_):
    incident = reported(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    results = at_once(*(lambda u=u: _in_transaction(services, incident.id, lambda s, inc: handling.complete_step(
        s, CONFIG, who(u), inc, "identify", clock.now)) for u in (INSPECTION_HEAD, INSPECTION_DEPUTY)))
    refusals = [r for r in results if isinstance(r, Closed)]
    assert len(refusals) == 1 and refusals[0].reason == "step.already_by"
    with services.sessions() as s:
        assert [e.kind for e in audit.timeline(s, incident.id)].count("step.completed") == 1


@pytest.mark.parametrize("round_", range(5))
def test_a_resolve_racing_a_triage_to_high_leaves_no_live_page(session, clock, services, round_):
    incident = reported(session, INSPECTION_MEMBER, Level.LOW, clock.now)  # untriaged: the head judges
    clock.advance(minutes=2)
    at_once(
        lambda: _in_transaction(services, incident.id, lambda s, inc: handling.resolve(
            s, CONFIG, who(SECRETARY), inc, clock.now)),
        lambda: _in_transaction(services, incident.id, lambda s, inc: incidents_service.set_level(
            s, CONFIG, who(INSPECTION_HEAD), inc, Level.HIGH, None, clock.now)),
    )
    with services.sessions() as s:
        final = incidents.lock(s, incident.id)
        assert final is not None and final.status == IncidentStatus.RESOLVED
        assert [p.status for p in pages(s, final) if p.status == PageStatus.PAGING] == []


@pytest.mark.parametrize("round_", range(5))
def test_the_head_and_the_deputy_filing_the_case_file_at_once_make_versions_1_and_2(session, clock, services,
                                                                                   round_):
    incident = reported(session, INSPECTION_HEAD, Level.MEDIUM, clock.now)
    with services.sessions() as s, s.begin():
        handling.resolve(s, CONFIG, who(SECRETARY), incidents.lock(s, incident.id), clock.advance(hours=1))
    results = at_once(*(lambda u=u: _in_transaction(services, incident.id, lambda s, inc: handling.submit_case_file(
        s, CONFIG, who(u), inc, CASE, clock.now).version) for u in (INSPECTION_HEAD, INSPECTION_DEPUTY)))
    assert sorted(results) == [1, 2]
    with services.sessions() as s:
        assert s.query(CaseFile).filter_by(incident_id=incident.id).count() == 2
        assert [e.kind for e in audit.timeline(s, incident.id)].count("incident.closed") == 1


def test_a_low_incident_marked_handled_twice_is_one_report_and_names_who(session, clock):
    incident = file_report(session, INSPECTION_HEAD, Level.LOW, clock.now)
    at = clock.advance(minutes=10)
    incidents_service.mark_handled(session, CONFIG, who(INSPECTION_HEAD), incident, at)
    with pytest.raises(Closed) as lost:
        incidents_service.mark_handled(session, CONFIG, who(INSPECTION_DEPUTY), incident, clock.advance(seconds=1))
    assert (lost.value.reason, lost.value.facts) == ("handled.already_by", {"user": INSPECTION_HEAD, "at": at})
    assert events(session, incident, "incident.handled") == ["incident.handled"]
