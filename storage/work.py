"""Due work (design.md §1): rows with a ``due_at`` that the scheduler's tick claims, does, and marks done.

Delivery is at least once: a claim is a lease (``claimed_until``), and work whose lease ran out is claimed again.
The idempotency ``key`` makes the effect exactly once. None of these functions commits; commit right after
``claim_due`` so other workers see the lease, and again after ``complete``/``fail``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import DueWork
from storage.types import as_utc, utcnow

MAX_ERROR = 4000  # keep tracebacks from bloating the row


def enqueue(
    session: Session,
    kind: str,
    key: str,
    due_at: datetime,
    payload: dict[str, Any] | None = None,
    subject_id: str | int | None = None,
) -> bool:
    """Add work due at ``due_at`` unless work with ``key`` exists already; True when this call added it.

    ``INSERT … ON CONFLICT (key) DO NOTHING``, so two replicas or a retried request enqueueing the same key
    race safely: one row, no error, on both databases.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(DueWork)
        .values(
            kind=kind,
            key=key,
            due_at=as_utc(due_at),
            payload=dict(payload or {}),
            subject_id=None if subject_id is None else str(subject_id),
            attempts=0,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["key"])
        # A returned id says "inserted"; rowcount is not reliable for ORM-level inserts on every driver.
        .returning(DueWork.id)
    )
    return session.execute(statement).first() is not None


def get(session: Session, key: str) -> DueWork | None:
    """The work with idempotency key ``key``."""
    return session.scalar(select(DueWork).where(DueWork.key == key))


def last_result(session: Session, kind: str, subject_id: str | int) -> dict[str, Any] | None:
    """The result of the newest finished work of ``kind`` about ``subject_id`` (what it last did), if any."""
    return session.scalar(
        select(DueWork.result)
        .where(DueWork.kind == kind, DueWork.subject_id == str(subject_id), DueWork.done_at.is_not(None),
               DueWork.result.is_not(None))
        .order_by(DueWork.done_at.desc(), DueWork.id.desc())
        .limit(1)
    )


def _claimable(now: datetime) -> ColumnElement[bool]:
    return (
        DueWork.done_at.is_(None)
        & DueWork.cancelled_at.is_(None)
        & (DueWork.due_at <= now)
        & or_(DueWork.claimed_until.is_(None), DueWork.claimed_until < now)
    )


def claim_due(
    session: Session, now: datetime, worker: str, lease_seconds: float = 60, limit: int = 20
) -> list[DueWork]:
    """Claim up to ``limit`` rows that are due and not held by a live lease; return the ones this worker got.

    Each row is taken with a conditional ``UPDATE … WHERE claimed_until IS NULL OR claimed_until < now``: a
    rowcount of 1 means it is ours, 0 that another worker was faster. On PostgreSQL the candidates are picked
    ``FOR UPDATE SKIP LOCKED`` so concurrent ticks spread over different rows instead of queueing.
    """
    now = as_utc(now)
    until = now + timedelta(seconds=lease_seconds)
    candidates = select(DueWork.id).where(_claimable(now)).order_by(DueWork.due_at, DueWork.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    claimed: list[int] = []
    for work_id in session.scalars(candidates).all():
        result = session.execute(
            update(DueWork)
            .where(DueWork.id == work_id, _claimable(now))
            .values(claimed_by=worker, claimed_until=until, attempts=DueWork.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(work_id)
    if not claimed:
        return []
    rows = session.scalars(
        select(DueWork)
        .where(DueWork.id.in_(claimed))
        .order_by(DueWork.due_at, DueWork.id)
        .execution_options(populate_existing=True)
    ).all()
    return list(rows)


def renew(session: Session, work: DueWork | int, worker: str, now: datetime, lease_seconds: float) -> bool:
    """Extend this worker's live lease just before doing the work; False if the lease ran out (another worker may
    hold the row now, so this one must not do it)."""
    now = as_utc(now)
    result = session.execute(
        update(DueWork)
        .where(DueWork.id == _work_id(work), DueWork.claimed_by == worker, DueWork.claimed_until >= now,
               DueWork.done_at.is_(None), DueWork.cancelled_at.is_(None))
        .values(claimed_until=now + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _work_id(work: DueWork | int) -> int:
    return work if isinstance(work, int) else work.id


def _refresh(session: Session, work: DueWork | int) -> None:
    if isinstance(work, DueWork) and work in session:
        session.refresh(work)


def _settle(session: Session, work: DueWork | int, worker: str | None, values: dict[str, Any]) -> bool:
    """Write the outcome of work still pending (and, with `worker`, still claimed by it); True if it was."""
    statement = (
        update(DueWork)
        .where(DueWork.id == _work_id(work), DueWork.done_at.is_(None), DueWork.cancelled_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if worker is not None:
        statement = statement.where(DueWork.claimed_by == worker)
    changed = session.execute(statement).rowcount == 1
    _refresh(session, work)
    return changed


def complete(
    session: Session,
    work: DueWork | int,
    now: datetime,
    result: dict[str, Any] | None = None,
    worker: str | None = None,
) -> bool:
    """Mark work done with its ``result`` (e.g. the Slack ids it produced); False if it was done or cancelled.

    When a lease ran out and two workers did the same work, the first to complete wins; the second gets False.
    """
    return _settle(session, work, worker,
                   {"done_at": as_utc(now), "result": result, "claimed_until": None, "last_error": None})


def fail(
    session: Session,
    work: DueWork | int,
    now: datetime,
    error: str,
    retry_at: datetime | None,
    worker: str | None = None,
) -> bool:
    """Record a failed attempt and release the claim so it runs again at ``retry_at``.

    ``retry_at=None`` gives up: the work is cancelled with the error kept. With ``worker`` set, only that
    worker's live claim is released, so a worker whose lease ran out cannot undo the new holder's claim.
    Returns False when nothing was changed.
    """
    values: dict[str, Any] = {"last_error": error[-MAX_ERROR:], "claimed_until": None, "claimed_by": None}
    if retry_at is None:
        values["cancelled_at"] = as_utc(now)
    else:
        values["due_at"] = as_utc(retry_at)
    return _settle(session, work, worker, values)


def cancel(
    session: Session,
    now: datetime,
    *,
    key_prefix: str | None = None,
    subject_id: str | int | None = None,
    kind: str | None = None,
) -> int:
    """Cancel pending work by key prefix and/or subject (and kind); return how many rows were cancelled.

    Used when a timer no longer applies: a page acknowledged, an incident closed. Done work is left alone.
    """
    if key_prefix is None and subject_id is None:
        raise ValueError("cancel needs a key_prefix or a subject_id; refusing to cancel all work")
    statement = (
        update(DueWork)
        .where(DueWork.done_at.is_(None), DueWork.cancelled_at.is_(None))
        .values(cancelled_at=as_utc(now), claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    if key_prefix is not None:
        statement = statement.where(DueWork.key.startswith(key_prefix, autoescape=True))
    if subject_id is not None:
        statement = statement.where(DueWork.subject_id == str(subject_id))
    if kind is not None:
        statement = statement.where(DueWork.kind == kind)
    return session.execute(statement).rowcount


def pending(session: Session, *, subject_id: str | int | None = None) -> Sequence[DueWork]:
    """Work not yet done or cancelled, soonest first (optionally for one subject)."""
    query = select(DueWork).where(DueWork.done_at.is_(None), DueWork.cancelled_at.is_(None))
    if subject_id is not None:
        query = query.where(DueWork.subject_id == str(subject_id))
    return session.scalars(query.order_by(DueWork.due_at, DueWork.id)).all()


def next_due_at(session: Session) -> datetime | None:
    """When the earliest pending work falls due (lets a tick sleep until then)."""
    return session.scalar(
        select(DueWork.due_at)
        .where(DueWork.done_at.is_(None), DueWork.cancelled_at.is_(None))
        .order_by(DueWork.due_at)
        .limit(1)
    )


def finished(session: Session, subject_id: str | int, kinds: Sequence[str]) -> Sequence[DueWork]:
    """Work of these kinds about ``subject_id`` that was done and kept a result (where its message landed),
    oldest first: what a later redraw of those messages updates."""
    return session.scalars(
        select(DueWork)
        .where(DueWork.subject_id == str(subject_id), DueWork.kind.in_([str(k) for k in kinds]),
               DueWork.done_at.is_not(None), DueWork.result.is_not(None))
        .order_by(DueWork.done_at, DueWork.id)
    ).all()
