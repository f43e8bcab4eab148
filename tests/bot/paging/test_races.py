"""Paging's races, truly at once on both databases (design §3): an acknowledgement and the escalation timer on one
page, two people acknowledging, and a resolution while a page waits. Each round ends in one consistent story:
one acknowledgement, no page left escalating for an answered chain, no alarm."""

from __future__ import annotations

import pytest

from bot.delivery.kinds import WorkKind
from bot.handling import service as handling
from bot.paging import service as paging
from bot.paging import work as paging_work
from bot.procedure.config import Level
from bot.procedure.status import PageStatus
from storage import audit, incidents
from storage import pages as page_rows
from storage import work as queue
from storage.models import Page
from tests.bot.procedure_kit import (
    COMMANDER,
    COMMANDER_DEPUTY,
    CONFIG,
    INSPECTION_HEAD,
    job_for,
    reported,
    who,
)
from tests.concurrency import at_once

ROUNDS = 6


def acknowledge(services, page_id: int, user: str):
    """What the Acknowledge button does: lock the page, decide, commit."""
    with services.sessions() as session, session.begin():
        page = page_rows.lock(session, page_id)
        return paging.acknowledge(session, who(user), page, services.clock())


def story(services, incident_id: int) -> tuple[list[tuple[str, str, str]], list[str]]:
    with services.sessions() as session:
        rows = [(p.target_user, p.attempt, p.status) for p in page_rows.of_incident(session, incident_id)]
        kinds = [e.kind for e in audit.timeline(session, incident_id) if e.kind.startswith("page.")]
    return rows, kinds


def escalations(services, incident_id: int) -> list[str]:
    with services.sessions() as session:
        return [w.key for w in queue.pending(session, subject_id=incident_id) if w.kind == WorkKind.PAGE_ESCALATE]


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_an_acknowledgement_as_the_escalation_fires_is_never_lost(session, clock, services, round_):
    incident = reported(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    [page] = session.query(Page).filter_by(incident_id=incident.id).all()
    session.commit()
    clock.advance(seconds=301)
    timer = job_for(services, incident, WorkKind.PAGE_ESCALATE, page=page)

    answer, _ = at_once(lambda: acknowledge(services, page.id, COMMANDER),
                        lambda: paging_work.escalate_page(services, timer, clock.now))

    rows, kinds = story(services, incident.id)
    assert answer.fresh and kinds.count("page.acked") == 1
    assert rows[0] == (COMMANDER, "primary", PageStatus.ACKED)
    # the timer either saw the acknowledgement (no deputy page) or ran first and the late answer stopped it
    assert rows[1:] in ([], [(COMMANDER_DEPUTY, "deputy", PageStatus.SUPERSEDED)])
    assert escalations(services, incident.id) == []  # nothing left to page anyone: no "nobody answered" alarm


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_the_commander_and_the_deputy_acknowledging_at_once_make_one_acknowledgement(session, clock, services,
                                                                                    round_):
    incident = reported(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    [page] = session.query(Page).filter_by(incident_id=incident.id).all()
    session.commit()
    clock.advance(seconds=30)

    first, second = at_once(lambda: acknowledge(services, page.id, COMMANDER),
                            lambda: acknowledge(services, page.id, COMMANDER_DEPUTY))

    winner, loser = (first, second) if first.fresh else (second, first)
    assert winner.fresh and not loser.fresh and loser.by == winner.by
    assert story(services, incident.id)[1].count("page.acked") == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_resolving_as_the_escalation_fires_leaves_no_live_page(session, clock, services, round_):
    incident = reported(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    [page] = session.query(Page).filter_by(incident_id=incident.id).all()
    session.commit()
    clock.advance(seconds=301)
    timer = job_for(services, incident, WorkKind.PAGE_ESCALATE, page=page)

    def resolve() -> None:
        with services.sessions() as s, s.begin():
            handling.resolve(s, CONFIG, who(COMMANDER), incidents.lock(s, incident.id), clock.now)

    at_once(resolve, lambda: paging_work.escalate_page(services, timer, clock.now))

    rows, _ = story(services, incident.id)
    assert [status for _, _, status in rows if status == PageStatus.PAGING] == []
    assert escalations(services, incident.id) == []
