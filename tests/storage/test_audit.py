"""The audit trail is append-only and records times in UTC."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from storage import audit
from storage.models import AuditEvent


def test_record_and_read_timeline(session, make, now):
    incident = make.incident()
    taipei = now.astimezone(timezone(timedelta(hours=8)))
    audit.record(
        session, "U0000CMDR", "incident.triaged", "incident", incident.id, data={"level": "high"},
        at=taipei + timedelta(minutes=5), incident_id=incident.id,
    )  # fmt: skip
    session.commit()
    kinds = [(e.kind, e.at, e.at.tzinfo) for e in audit.timeline(session, incident.id)]
    assert kinds == [
        ("incident.reported", now, UTC),
        ("incident.triaged", now + timedelta(minutes=5), UTC),
    ]
    assert audit.events(session, kind_prefix="incident.tri")[0].data == {"level": "high"}


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"])
def test_audit_trail_cannot_be_rewritten(session, now, statement):
    audit.record(session, "config", "roster.loaded", "roster", None, at=now)
    session.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(sa.text(statement))
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 1
