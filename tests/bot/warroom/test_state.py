"""The card's state is read with the same number of queries however long the incident's timeline is: the card is
redrawn after every change, so its cost must not grow with an incident that ran for weeks. Queries are counted with
SQLAlchemy's `before_cursor_execute` event; how long the read takes is bench/'s business (bench/card.py), as a
ratio, never a timed assertion here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.procedure.config import Level
from bot.warroom.state import CardState, card_state
from storage.models import AuditEvent, Incident
from tests.bot.procedure_kit import CONFIG, INSPECTION_HEAD, Clock, reported


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine runs inside the block."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def timeline_of_length(session: Session, incident: Incident, clock: Clock, n: int) -> None:
    """`n` audit events of every kind the card reads, and the kinds it does not: mostly status updates, page
    events and work notes, as a long incident gathers them, with a plan, a statement and steps among them."""
    start = clock.now
    kinds = [("update.posted", {"text": "水位持平"}), ("page.sent", {"page": 1}), ("work.gave_up", {"kind": "x"}),
             ("page.acked", {"page": 1}), ("update.posted", {"text": "持續觀察"})]
    rows = [{"at": start + timedelta(seconds=i), "actor": INSPECTION_HEAD, "kind": kinds[i % len(kinds)][0],
             "subject_type": "incident", "subject_id": str(incident.id), "incident_id": incident.id,
             "data": kinds[i % len(kinds)][1]} for i in range(n - 5)]
    session.execute(sa.insert(AuditEvent), rows)
    at = start + timedelta(seconds=n)
    for kind, data in (("step.completed", {"step": "identify"}), ("plan.proposed", {"plan": "疏散"}),
                       ("media.drafted", {"kind": "statement", "text": "新聞稿"}),
                       ("step.skipped", {"step": "assess", "reason": "已評估"})):
        session.add(AuditEvent(at=at, actor=INSPECTION_HEAD, kind=kind, subject_type="incident",
                               subject_id=str(incident.id), incident_id=incident.id, data=data))
    session.flush()
    plan = session.scalar(sa.select(AuditEvent.id).where(AuditEvent.incident_id == incident.id,
                                                         AuditEvent.kind == "plan.proposed"))
    session.add(AuditEvent(at=at + timedelta(seconds=1), actor="U0000CMDR", kind="plan.confirmed",
                           subject_type="incident", subject_id=str(incident.id), incident_id=incident.id,
                           data={"plan": plan}))
    session.commit()


@dataclass(frozen=True)
class Read:
    queries: int
    events_loaded: int  # audit events turned into objects: the cost that grew with the timeline
    state: CardState


def read_card(engine: Engine, session: Session, incident: Incident) -> Read:
    session.expire_all()
    row = session.get(Incident, incident.id)
    assert row is not None
    loaded: list[object] = []

    def on_load(session: Session, instance: object) -> None:
        if isinstance(instance, AuditEvent):
            loaded.append(instance)

    sa.event.listen(session, "loaded_as_persistent", on_load)
    try:
        with counted(engine) as statements:
            state = card_state(session, row, CONFIG)
    finally:
        sa.event.remove(session, "loaded_as_persistent", on_load)
    return Read(len(statements), len(loaded), state)


@pytest.mark.parametrize("n", [10, 2_000])
def test_the_card_reads_a_fixed_number_of_queries(engine, session, clock, n):
    short = reported(session, INSPECTION_HEAD, Level.HIGH, clock.now, title="短")
    long = reported(session, INSPECTION_HEAD, Level.HIGH, clock.advance(seconds=1), title="長")
    timeline_of_length(session, short, clock, 10)
    timeline_of_length(session, long, clock, n)

    few, many = read_card(engine, session, short), read_card(engine, session, long)

    assert many.queries == few.queries
    assert few.queries <= 10  # the incident's roles, its pages, the handling summary: a handful, not one per event
    assert many.events_loaded == few.events_loaded == 5  # the steps, the plan and its confirmation, the statement
    # and the summary is right however many events surround it
    for read in (few, many):
        handling = read.state.handling
        assert [(s.id, s.state) for s in handling.steps[:3]] == [("identify", "done"), ("assess", "skipped"),
                                                                  ("handle", "current")]
        assert handling.plan["text"] == "疏散" and handling.plan["confirmed_by"] == "U0000CMDR"
        assert (handling.pending_statements, handling.released) == (1, 0)
        assert handling.last_update is not None
