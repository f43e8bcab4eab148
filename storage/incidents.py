"""Incident numbers and look-ups.

Numbers are ``YYYY-NNNN``, counted per year without duplicates or gaps. The counter row for the year is bumped
with one upsert, which holds its row lock (PostgreSQL) or the write lock (SQLite) until the transaction ends: a
concurrent report waits rather than reads a stale value, and a rolled-back report gives its number back."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import CaseFile, Incident, IncidentCounter


def format_number(year: int, seq: int) -> str:
    """The human incident number, e.g. ``2026-0007``."""
    return f"{year:04d}-{seq:04d}"


def allocate_incident_number(session: Session, year: int) -> tuple[int, str]:
    """Take the next number of ``year`` in the caller's transaction; return ``(seq, "YYYY-NNNN")``."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(IncidentCounter)
        .values(year=year, last=1)
        .on_conflict_do_update(index_elements=["year"], set_={"last": IncidentCounter.last + 1})
        .returning(IncidentCounter.last)
    )
    seq = session.execute(statement).scalar_one()
    return seq, format_number(year, seq)


def next_incident_number(session: Session, year: int) -> str:
    """The next incident number of ``year`` (e.g. ``2026-0007``), taken in the caller's transaction."""
    return allocate_incident_number(session, year)[1]


def lock(session: Session, incident_id: int) -> Incident | None:
    """The incident, locked until the caller's transaction ends and read afresh (design §3): every change to an
    incident, or to its pages, steps, updates and case file, decides on this row. PostgreSQL's ``FOR UPDATE``
    makes a concurrent change wait here, then see what the first one committed; SQLite's ``BEGIN IMMEDIATE``
    already holds the write lock."""
    return session.get(Incident, incident_id, with_for_update=True, populate_existing=True)


def by_number(session: Session, number: str) -> Incident | None:
    return session.scalar(select(Incident).where(Incident.number == number))


def by_submission_key(session: Session, key: str) -> Incident | None:
    """The incident a report modal submission already created, if any (Slack retries and double clicks)."""
    return session.scalar(select(Incident).where(Incident.submission_key == key))


def latest_case_file(session: Session, incident_id: int) -> CaseFile | None:
    """The newest version of an incident's case file, if any."""
    return session.scalar(sa.select(CaseFile).where(CaseFile.incident_id == incident_id)
                          .order_by(CaseFile.version.desc()).limit(1))


def case_files(session: Session, incident_id: int) -> Sequence[CaseFile]:
    """Every version of an incident's case file, oldest first."""
    return session.scalars(sa.select(CaseFile).where(CaseFile.incident_id == incident_id)
                           .order_by(CaseFile.version)).all()


def by_channel(session: Session, channel_id: str | None) -> Incident | None:
    """The incident whose war room is ``channel_id``."""
    if not channel_id:
        return None
    return session.scalar(sa.select(Incident).where(Incident.channel_id == channel_id))


def latest_case_version(session: Session, incident_id: int) -> int | None:
    """The newest case-file version of an incident (None: none filed yet)."""
    return session.scalar(sa.select(sa.func.max(CaseFile.version)).where(CaseFile.incident_id == incident_id))


def _open(closed: str) -> sa.Select[tuple[Incident]]:
    return sa.select(Incident).where(Incident.closed_at.is_(None), Incident.status != closed)


def open_incidents(session: Session, closed: str, limit: int) -> tuple[Sequence[Incident], int]:
    """Incidents not closed (``closed`` is the procedure's closed status), newest first, at most ``limit``; and how
    many there are in all."""
    rows = session.scalars(_open(closed).order_by(Incident.created_at.desc(), Incident.id.desc())
                           .limit(limit + 1)).all()
    total = len(rows)
    if total > limit:
        total = session.scalar(sa.select(sa.func.count()).select_from(_open(closed).subquery())) or 0
    return rows[:limit], total


def untriaged(session: Session, closed: str, units: Sequence[str], limit: int) -> Sequence[Incident]:
    """Open incidents of ``units`` that nobody has triaged yet, oldest first."""
    return session.scalars(_open(closed).where(Incident.level.is_(None), Incident.unit_id.in_(units))
                           .order_by(Incident.created_at, Incident.id).limit(limit)).all()
