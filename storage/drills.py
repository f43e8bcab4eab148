"""Drill queries: drills by period, the lottery's history, and each drill's report and evaluation versions."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import Drill, DrillEvaluation, DrillReport


def lock(session: Session, drill_id: int) -> Drill | None:
    """The drill, locked until the caller's transaction ends and read afresh: every change to a drill (its plan,
    test, report, evaluation and approval) decides on this row (design §3)."""
    return session.get(Drill, drill_id, with_for_update=True, populate_existing=True)


def history(session: Session) -> list[Drill]:
    """Every drill, most recent period first."""
    return list(session.scalars(sa.select(Drill).order_by(Drill.period.desc(), Drill.id.desc())))


def current(session: Session) -> Drill | None:
    return session.scalar(sa.select(Drill).order_by(Drill.period.desc(), Drill.id.desc()).limit(1))


def by_period(session: Session, period: str) -> Drill | None:
    return session.scalar(sa.select(Drill).where(Drill.period == period))


def previous_of(session: Session, drill: Drill) -> Drill | None:
    return session.scalar(sa.select(Drill).where(Drill.period < drill.period).order_by(Drill.period.desc()).limit(1))


def history_before(session: Session, period: str) -> list[str]:
    """The units drawn before ``period``, most recent first (the lottery's history)."""
    return list(session.scalars(sa.select(Drill.unit_id).where(Drill.period < period).order_by(Drill.period.desc())))


def latest_report(session: Session, drill_id: int) -> DrillReport | None:
    return session.scalar(sa.select(DrillReport).where(DrillReport.drill_id == drill_id)
                          .order_by(DrillReport.version.desc()).limit(1))


def latest_evaluation(session: Session, drill_id: int) -> DrillEvaluation | None:
    return session.scalar(sa.select(DrillEvaluation).where(DrillEvaluation.drill_id == drill_id)
                          .order_by(DrillEvaluation.version.desc()).limit(1))


def reports(session: Session, drill_id: int) -> list[DrillReport]:
    """Every version of the drill's report form, oldest first."""
    return list(session.scalars(sa.select(DrillReport).where(DrillReport.drill_id == drill_id)
                                .order_by(DrillReport.version)))


def evaluations(session: Session, drill_id: int) -> list[DrillEvaluation]:
    return list(session.scalars(sa.select(DrillEvaluation).where(DrillEvaluation.drill_id == drill_id)
                                .order_by(DrillEvaluation.version)))


def last_period_by_category(session: Session, before: str | None = None) -> dict[str, str]:
    """Each drilled category's latest period (only periods before ``before``, when given)."""
    query = sa.select(Drill.category, sa.func.max(Drill.period)).group_by(Drill.category)
    if before is not None:
        query = query.where(Drill.period < before)
    return dict(session.execute(query).all())  # type: ignore[arg-type]


def last_period_by_unit(session: Session) -> dict[str, str]:
    """Each drilled unit's latest period."""
    return dict(session.execute(sa.select(Drill.unit_id, sa.func.max(Drill.period)).group_by(Drill.unit_id)).all())  # type: ignore[arg-type]


def latest_before(session: Session, period: str) -> Drill | None:
    """The drill of the latest period before ``period`` (its ``next_nonce`` seeds this period's draw)."""
    return session.scalar(sa.select(Drill).where(Drill.period < period).order_by(Drill.period.desc()).limit(1))
