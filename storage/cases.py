"""The case-file library's query: closed incidents with their latest case file, newest first.

The structured filters (category, sub-type, unit, level, year) are SQL; the words are matched in Python by the
caller (bot/overview/cases.py). Why not LIKE in SQL: the case file is a JSON column (JSON text on SQLite, JSON on
PostgreSQL), and a portable substring match over its values, escaped, in both dialects would still need ranking by
where a word matched, which is Python's job anyway. The corpus is modest — a customs office closes tens of crisis
cases a year — so one query loading at most ``limit`` candidates (the newest) is cheap and exact."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import CaseFile, Incident

CANDIDATES = 1000  # closed cases read per search: decades of this office's cases


@dataclass(frozen=True)
class Filters:
    """Each filter is a set of allowed values; an empty set does not filter."""

    categories: frozenset[str] = frozenset()
    subtypes: frozenset[str] = frozenset()
    units: frozenset[str] = frozenset()
    levels: frozenset[str] = frozenset()
    years: frozenset[int] = frozenset()


def closed_cases(session: Session, filters: Filters = Filters(), *, limit: int = CANDIDATES,
                 incident_ids: Collection[int] | None = None) -> Sequence[tuple[Incident, CaseFile | None]]:
    """Closed incidents matching ``filters`` (a case of a category or of one of the sub-types passes when both are
    given), each with its newest case-file version, newest closure first, at most ``limit``."""
    latest = (sa.select(CaseFile.incident_id, sa.func.max(CaseFile.version).label("version"))
              .group_by(CaseFile.incident_id).subquery())
    query = (sa.select(Incident, CaseFile)
             .outerjoin(latest, latest.c.incident_id == Incident.id)
             .outerjoin(CaseFile, sa.and_(CaseFile.incident_id == Incident.id, CaseFile.version == latest.c.version))
             .where(Incident.closed_at.is_not(None)))
    kinds = []
    if filters.categories:
        kinds.append(Incident.category.in_(sorted(filters.categories)))
    if filters.subtypes:
        kinds.append(Incident.subtype.in_(sorted(filters.subtypes)))
    if kinds:
        query = query.where(sa.or_(*kinds))
    if filters.units:
        query = query.where(Incident.unit_id.in_(sorted(filters.units)))
    if filters.levels:
        query = query.where(sa.func.coalesce(Incident.level, Incident.proposed_level).in_(sorted(filters.levels)))
    if filters.years:
        query = query.where(Incident.year.in_(sorted(filters.years)))
    if incident_ids is not None:
        query = query.where(Incident.id.in_(list(incident_ids)))
    query = query.order_by(Incident.closed_at.desc(), Incident.id.desc()).limit(limit)
    return [(incident, case_file) for incident, case_file in session.execute(query).all()]


def versions(session: Session, incident_id: int) -> Sequence[CaseFile]:
    """Every version of an incident's case file, oldest first."""
    return session.scalars(sa.select(CaseFile).where(CaseFile.incident_id == incident_id)
                           .order_by(CaseFile.version)).all()
