"""The timeline / audit trail: one append-only table that every state change writes to."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import AuditEvent
from storage.types import as_utc


def record(
    session: Session,
    actor: str,
    kind: str,
    subject_type: str,
    subject_id: str | int | None = None,
    *,
    data: dict[str, Any] | None = None,
    at: datetime,
    incident_id: int | None = None,
) -> AuditEvent:
    """Append one entry to the audit trail (in the caller's transaction) and return it.

    ``actor`` is who did it (a user id, or ``system``/``config``/``scheduler``), ``kind`` what happened
    (``incident.reported``, ``roster.deputy_changed``, …), the subject what it happened to. ``at`` is required
    because services take their clock as an argument; it must be timezone-aware.
    """
    event = AuditEvent(
        at=as_utc(at),
        actor=actor,
        kind=kind,
        subject_type=subject_type,
        subject_id=None if subject_id is None else str(subject_id),
        incident_id=incident_id,
        data=dict(data or {}),
    )
    session.add(event)
    session.flush()
    return event


def timeline(session: Session, incident_id: int) -> Sequence[AuditEvent]:
    """An incident's audit trail, oldest first."""
    return session.scalars(
        select(AuditEvent).where(AuditEvent.incident_id == incident_id).order_by(AuditEvent.at, AuditEvent.id)
    ).all()


def of_kinds(session: Session, incident_id: int, kinds: Sequence[str]) -> Sequence[AuditEvent]:
    """An incident's entries of these kinds only, oldest first: a reader that needs a few kinds of a long trail
    (the card: steps, plans, statements) need not load the thousands of others."""
    return session.scalars(
        select(AuditEvent).where(AuditEvent.incident_id == incident_id, AuditEvent.kind.in_(list(kinds)))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()


def last_at(session: Session, incident_id: int, kind: str) -> datetime | None:
    """When an incident's newest entry of ``kind`` was written, if there is one."""
    at = session.scalar(select(func.max(AuditEvent.at)).where(AuditEvent.incident_id == incident_id,
                                                                AuditEvent.kind == kind))
    return as_utc(at) if at is not None else None


def events(
    session: Session,
    *,
    kind_prefix: str | None = None,
    subject_type: str | None = None,
    subject_id: str | int | None = None,
) -> Sequence[AuditEvent]:
    """Audit entries filtered by kind prefix and subject, oldest first."""
    query = select(AuditEvent)
    if kind_prefix is not None:
        query = query.where(AuditEvent.kind.startswith(kind_prefix, autoescape=True))
    if subject_type is not None:
        query = query.where(AuditEvent.subject_type == subject_type)
    if subject_id is not None:
        query = query.where(AuditEvent.subject_id == str(subject_id))
    return session.scalars(query.order_by(AuditEvent.at, AuditEvent.id)).all()


def latest(session: Session, subject_type: str, subject_id: str | int, kind: str) -> AuditEvent | None:
    """The newest entry of ``kind`` about one subject, if any."""
    return session.scalar(select(AuditEvent).where(AuditEvent.subject_type == subject_type,
                                                   AuditEvent.subject_id == str(subject_id), AuditEvent.kind == kind)
                          .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1))
