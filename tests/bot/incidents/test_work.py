"""The report's and triage's due work over the recording chat (procedure §5): the unit's head and deputy are asked
to triage, once each; an incident nobody triages pages its proposed level's tier; the reporter gets the room's link."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.delivery.job import NotReady
from bot.delivery.kinds import WorkKind
from bot.incidents import service as incidents
from bot.incidents import work as incidents_work
from bot.paging import service as paging
from bot.procedure.config import Level
from bot.procedure.status import PageStatus
from bot.warroom import work as warroom
from storage.models import Incident
from tests.bot.procedure_kit import (
    COMMANDER,
    COMMANDER_DEPUTY,
    CONFIG,
    INSPECTION_DEPUTY,
    INSPECTION_HEAD,
    INSPECTION_MEMBER,
    SECRETARY,
    due_for_page,
    event_data,
    job_for,
    pages,
    reported,
    summary,
    who,
)


def member_reports(session, clock, level=Level.MEDIUM):
    """A member of the inspection section reports: the incident waits for the unit's triage."""
    return reported(session, INSPECTION_MEMBER, level, clock.now)


def triaged(services, incident, user, level, now):
    with services.sessions() as s, s.begin():
        incidents.set_level(s, CONFIG, who(user), s.get(Incident, incident.id), level, None, now)


# ---------------------------------------------------------------------------------------------- the triage request


def test_the_unit_head_and_deputy_are_each_asked_to_triage_once(session, clock, services, chat):
    incident = member_reports(session, clock)
    job = job_for(services, incident, WorkKind.TRIAGE_REQUEST)

    result = incidents_work.request_triage(services, job, clock.now)

    dms = chat.asked("direct_message_once")
    assert [(d["key"], d["user"], d["retry"]) for d in dms] == [
        (f"{job.key}:{INSPECTION_HEAD}", INSPECTION_HEAD, False),
        (f"{job.key}:{INSPECTION_DEPUTY}", INSPECTION_DEPUTY, False)]
    assert all(incident.number in d["message"]["text"] for d in dms)
    assert result == {"copies": {INSPECTION_HEAD: {"channel": f"D{INSPECTION_HEAD}", "ts": "1.000000"},
                                 INSPECTION_DEPUTY: {"channel": f"D{INSPECTION_DEPUTY}", "ts": "2.000000"}}}


def test_a_retried_triage_request_looks_for_each_recipients_dm_under_its_own_key(session, clock, services, chat):
    incident = member_reports(session, clock)
    job = job_for(services, incident, WorkKind.TRIAGE_REQUEST)
    incidents_work.request_triage(services, job, clock.now)

    incidents_work.request_triage(services, replace(job, attempts=2), clock.advance(seconds=2))

    first, retry = (chat.asked("direct_message_once")[:2], chat.asked("direct_message_once")[2:])
    assert [d["key"] for d in retry] == [d["key"] for d in first]
    assert [d["retry"] for d in retry] == [True, True]


def test_an_incident_triaged_meanwhile_asks_nobody(session, clock, services, chat):
    incident = member_reports(session, clock)
    job = job_for(services, incident, WorkKind.TRIAGE_REQUEST)  # claimed before the head triaged
    triaged(services, incident, INSPECTION_HEAD, Level.LOW, clock.advance(seconds=30))

    assert incidents_work.request_triage(services, job, clock.now) == {"skipped": "already triaged"}
    assert chat.asked("direct_message_once") == []


# ---------------------------------------------------------------------------------------------- the triage timeout


def test_an_incident_nobody_triaged_pages_the_executive_secretary(session, clock, services, chat):
    incident = member_reports(session, clock)
    job = job_for(services, incident, WorkKind.TRIAGE_TIMEOUT)

    result = incidents_work.triage_timeout(services, job, clock.advance(minutes=15))

    with services.sessions() as s:
        [page] = pages(s, incident)
        assert summary(page) == ("executive_secretary", SECRETARY, "primary", PageStatus.PAGING, 0)
        assert WorkKind.PAGE_SEND in due_for_page(s, page)
        assert event_data(s, incident, "incident.untriaged") == [{"after_seconds": 900,
                                                                  "paged": "executive_secretary"}]
    assert result == {"page": page.id}
    assert chat.calls == []  # the page's DM is work of its own


def test_an_untriaged_proposed_high_times_out_to_the_commander_already_paged_and_nobody_else(session, clock,
                                                                                            services, chat):
    incident = member_reports(session, clock, Level.HIGH)  # the commander was paged at once
    job = job_for(services, incident, WorkKind.TRIAGE_TIMEOUT)

    result = incidents_work.triage_timeout(services, job, clock.advance(minutes=15))

    with services.sessions() as s:
        assert [summary(p) for p in pages(s, incident)] == [
            ("commander", COMMANDER, "primary", PageStatus.PAGING, 0)]  # one page per role
        assert event_data(s, incident, "incident.untriaged") == [{"after_seconds": 900, "paged": "commander"}]
    assert result == {"page": None}


def test_an_untriaged_proposed_high_whose_commander_chain_ran_out_pages_the_commander_again(session, clock,
                                                                                            services, chat):
    incident = member_reports(session, clock, Level.HIGH)
    with services.sessions() as s, s.begin():
        [proposal] = pages(s, incident)
        deputy = paging.escalate(s, CONFIG, proposal, clock.advance(minutes=5))
        assert deputy is not None
        paging.escalate(s, CONFIG, deputy, clock.advance(minutes=5))  # exhausted: the room's alarm

    incidents_work.triage_timeout(services, job_for(services, incident, WorkKind.TRIAGE_TIMEOUT),
                                  clock.advance(minutes=5))

    with services.sessions() as s:
        assert [summary(p)[1:4] for p in pages(s, incident)] == [
            (COMMANDER, "primary", PageStatus.ESCALATED), (COMMANDER_DEPUTY, "deputy", PageStatus.ESCALATED),
            (COMMANDER, "primary", PageStatus.PAGING)]  # nothing may sit unseen


def test_an_untriaged_proposed_low_times_out_to_the_executive_secretary(session, clock, services, chat):
    incident = member_reports(session, clock, Level.LOW)

    incidents_work.triage_timeout(services, job_for(services, incident, WorkKind.TRIAGE_TIMEOUT),
                                  clock.advance(minutes=15))

    with services.sessions() as s:
        [page] = pages(s, incident)
        assert summary(page) == ("executive_secretary", SECRETARY, "primary", PageStatus.PAGING, 0)
        assert page.paged_for == "low"  # judged low, it stands down: the head has seen it


def test_a_triaged_incident_pages_nobody_when_the_timeout_fires(session, clock, services, chat):
    incident = member_reports(session, clock)
    job = job_for(services, incident, WorkKind.TRIAGE_TIMEOUT)  # claimed before the deputy triaged
    triaged(services, incident, INSPECTION_DEPUTY, Level.LOW, clock.advance(minutes=14))

    assert incidents_work.triage_timeout(services, job, clock.advance(minutes=1)) == {"skipped": "triaged"}
    with services.sessions() as s:
        assert pages(s, incident) == []
        assert event_data(s, incident, "incident.untriaged") == []


# ---------------------------------------------------------------------------------------------- the reporter


def test_the_reporter_gets_the_war_rooms_link_by_dm_in_their_language(session, clock, services, chat):
    chat.people[INSPECTION_MEMBER] = "en-US"
    incident = member_reports(session, clock)
    room = warroom.open_warroom(services, job_for(services, incident, WorkKind.WARROOM_OPEN), clock.now)["channel"]
    job = job_for(services, incident, WorkKind.REPORTER_NOTIFY)

    result = incidents_work.notify_reporter(services, job, clock.now)

    [dm] = chat.asked("direct_message_once")
    assert (dm["key"], dm["user"], dm["retry"]) == (job.key, INSPECTION_MEMBER, False)
    assert dm["message"]["text"] == (f"Your report *{incident.number}* \u201cTyphoon floods the inspection yard\u201d "
                                     f"has a war room: <#{room}|inc-2026-0001-typhoon-floods-the-inspection-yard>")
    assert result == {"channel": f"D{INSPECTION_MEMBER}", "ts": "1.000000"}


def test_the_reporter_hears_nothing_until_the_room_is_open(session, clock, services, chat):
    incident = member_reports(session, clock)

    with pytest.raises(NotReady):
        incidents_work.notify_reporter(services, job_for(services, incident, WorkKind.REPORTER_NOTIFY), clock.now)
    assert chat.calls == []
