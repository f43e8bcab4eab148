"""The periodic review's queries: the incidents reported in a span, their pages, their latest case files and the
escalations nobody answered, and the drills of some periods with their first report and latest evaluation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import AuditEvent, CaseFile, Drill, DrillEvaluation, DrillReport, Incident, Page
from storage.types import as_utc


def incidents_reported(session: Session, start: datetime, end: datetime) -> Sequence[Incident]:
    """The incidents reported in ``[start, end)``, in the order of their numbers."""
    return session.scalars(sa.select(Incident).where(Incident.created_at >= as_utc(start),
                                                     Incident.created_at < as_utc(end))
                           .order_by(Incident.year, Incident.seq)).all()


def pages_of(session: Session, incident_ids: Iterable[int]) -> Sequence[Page]:
    """Every page of these incidents, in the order they were sent."""
    ids = list(incident_ids)
    if not ids:
        return []
    return session.scalars(sa.select(Page).where(Page.incident_id.in_(ids)).order_by(Page.id)).all()


def events_of(session: Session, incident_ids: Iterable[int], kind: str) -> Sequence[AuditEvent]:
    """These incidents' audit events of one kind."""
    ids = list(incident_ids)
    if not ids:
        return []
    return session.scalars(sa.select(AuditEvent).where(AuditEvent.incident_id.in_(ids), AuditEvent.kind == kind)
                           .order_by(AuditEvent.id)).all()


def latest_case_files(session: Session, incident_ids: Iterable[int]) -> dict[int, CaseFile]:
    """Each incident's newest case file version (incidents with none are absent)."""
    ids = list(incident_ids)
    if not ids:
        return {}
    newest = (sa.select(CaseFile.incident_id, sa.func.max(CaseFile.version).label("version"))
              .where(CaseFile.incident_id.in_(ids)).group_by(CaseFile.incident_id).subquery())
    rows = session.scalars(sa.select(CaseFile).join(newest, sa.and_(CaseFile.incident_id == newest.c.incident_id,
                                                                    CaseFile.version == newest.c.version)))
    return {row.incident_id: row for row in rows}


def drills_in(session: Session, first: str, last: str) -> Sequence[Drill]:
    """The drills of the periods ``first`` to ``last`` (``YYYY-MM``, both included), oldest first."""
    return session.scalars(sa.select(Drill).where(Drill.period >= first, Drill.period <= last)
                           .order_by(Drill.period)).all()


def first_reports(session: Session, drill_ids: Iterable[int]) -> dict[int, DrillReport]:
    """Each drill's first filed report form (its filing time decides whether it was late)."""
    ids = list(drill_ids)
    if not ids:
        return {}
    rows = session.scalars(sa.select(DrillReport).where(DrillReport.drill_id.in_(ids), DrillReport.version == 1))
    return {row.drill_id: row for row in rows}


def latest_evaluations(session: Session, drill_ids: Iterable[int]) -> dict[int, DrillEvaluation]:
    """Each drill's newest evaluation version."""
    found: dict[int, DrillEvaluation] = {}
    ids = list(drill_ids)
    if not ids:
        return found
    for row in session.scalars(sa.select(DrillEvaluation).where(DrillEvaluation.drill_id.in_(ids))
                               .order_by(DrillEvaluation.version)):
        found[row.drill_id] = row
    return found
