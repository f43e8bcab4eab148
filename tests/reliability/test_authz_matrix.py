"""Authorization matrix: every action × every role, allowed exactly where the procedure allows it.

Decided in the services (bot/incidents.py, bot/paging.py, bot/drills.py), so the matrix goes through them: the
roster is loaded from the shipped Keelung config into a real database, and each person's standing comes from it
as it does for a Slack request (`Services.who`). State-changing actions (set level, mark handled) run the service
itself on a fresh incident and must raise `NotAllowed` exactly where the table says no.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from bot import drills, incidents, paging
from bot.authz import Who, who_from_assignments
from bot.config import Level, load_config
from bot.roster import roles_of, sync_roster
from storage.incidents import allocate_incident_number
from storage.models import Incident, Page

pytestmark = pytest.mark.reliability

CONFIG = load_config()
NOW = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
UNIT = "inspection"  # the incident's unit and the drilled unit

PEOPLE = {
    "commander": "U0000CMDR",
    "commander's deputy": "U0000CMDD",
    "executive secretary": "U0000EXEC",
    "executive secretary's deputy": "U0000EXED",
    "legal": "U0000LGSH",  # also heads the Legal and Seizure Division, not the incident's unit
    "public relations": "U0000PRPR",
    "planning": "U0000PLAN",
    "unit head": "U0000INSH",
    "unit head's deputy": "U0000INSD",
    "unit member": "U0000INS1",
    "outsider": "U0999NOBODY",
}
Y, N = True, False
#                        cmdr cmdD exec exeD legl PR   plan head hdD  mbr  out
MATRIX: dict[str, tuple[bool, ...]] = {
    "set level":          (Y,   Y,   Y,   Y,   N,   N,   N,   Y,   Y,   N,   N),
    "acknowledge a page": (Y,   Y,   N,   N,   N,   N,   N,   N,   N,   N,   N),  # the commander's page
    "mark handled":       (N,   N,   N,   N,   N,   N,   N,   Y,   Y,   N,   N),  # a low-level incident
    "request legal":      (Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   N),
    "drill draw":         (N,   N,   Y,   Y,   N,   N,   N,   N,   N,   N,   N),
    "drill plan":         (N,   N,   Y,   Y,   N,   N,   Y,   N,   N,   N,   N),
    "drill report":       (N,   N,   N,   N,   N,   N,   N,   Y,   Y,   Y,   N),  # the drilled unit only
    "evaluation draft":   (N,   N,   N,   N,   N,   N,   Y,   N,   N,   N,   N),
    "evaluation approve": (N,   N,   Y,   Y,   N,   N,   N,   N,   N,   N,   N),
    "drill status":       (Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   N),
}


@pytest.fixture
def roster(session: Session) -> Session:
    sync_roster(session, CONFIG, actor="config", now=NOW)
    session.commit()
    return session


def who(session: Session, user: str) -> Who:
    posts = roles_of(session, user)
    return who_from_assignments(user, ((p.role, p.unit_id, p.name if p.unit_id else p.seat) for p in posts))


def _incident(session: Session, level: str | None, status: str = "open") -> Incident:
    seq, number = allocate_incident_number(session, 2026)
    row = Incident(number=number, year=2026, seq=seq, category="sudden_event", subtype="force_majeure", status=status,
                   step="identify", reporter="U0000INS1", title="t", description="", flags={}, unit_id=UNIT,
                   level=level, created_at=NOW, updated_at=NOW)
    session.add(row)
    session.flush()
    return row


def allowed(session: Session, action: str, person: Who) -> bool:
    if action == "set level":
        try:
            incidents.set_level(session, CONFIG, person, _incident(session, None), Level.MEDIUM, None, NOW)
        except incidents.NotAllowed:
            return False
        return True
    if action == "mark handled":
        try:
            incidents.mark_handled(session, CONFIG, person, _incident(session, "low"), NOW)
        except incidents.NotAllowed:
            return False
        return True
    if action == "acknowledge a page":
        incident = _incident(session, "high")
        page = Page(incident_id=incident.id, role="commander", tier=0, target_user="U0000CMDR", attempt="primary",
                    status="paging", paged_at=NOW)
        session.add(page)
        session.flush()
        return paging.may_acknowledge(session, person, page)
    if action == "request legal":
        return person.known  # handlers/incident.py: anyone on the crisis roster may ask for legal advice
    return {
        "drill draw": lambda: drills.may_draw(person),
        "drill plan": lambda: drills.may_plan(person),
        "drill report": lambda: drills.may_report(person, UNIT),
        "evaluation draft": lambda: drills.may_evaluate(person),
        "evaluation approve": lambda: drills.may_approve(person),
        "drill status": lambda: drills.may_view(person),
    }[action]()


@pytest.mark.parametrize("action", list(MATRIX))
def test_matrix(roster: Session, action: str) -> None:
    wrong = []
    for role, expected in zip(PEOPLE, MATRIX[action], strict=True):
        try:
            if allowed(roster, action, who(roster, PEOPLE[role])) is not expected:
                wrong.append(f"{role} may{'' if expected else ' not'} {action}")
        finally:
            roster.rollback()
    assert not wrong, wrong


def test_the_refused_draw_changes_nothing(roster: Session) -> None:
    import random

    with pytest.raises(incidents.NotAllowed):
        drills.draw(roster, CONFIG, "U0000INS1", NOW, random.Random(1), who=who(roster, "U0000INS1"))
    assert drills.by_period(roster, drills.period_of(NOW, CONFIG)) is None
