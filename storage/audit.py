"""The timeline / audit trail: one append-only table that every state change writes to, sealed into a hash chain.

``record`` inserts an event in the caller's transaction at once (it is read back, and its id used, before the
transaction ends). When that transaction commits, a ``before_commit`` hook seals the transaction's events into
the chain (``storage.chain``, ``crisisbot-audit-v1``): it locks the one-row ``audit_chain_head`` (``SELECT … FOR
UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises writers), gives each event, in id order,
the next ``seq``, the previous link's hash and its own hash, and moves the head. Why at commit and not in
``record``: services lock their aggregate first and may lock another after writing an event (a handover moves
pages of other incidents); a head taken at the first event and held to commit would make them wait on each other
in a circle. Taken at commit, it is every transaction's last lock, held only for the seal, and once per
transaction however many events it wrote. ``seq`` is unique, so even a bug in this order could not fork the chain:
it would fail loudly instead. The seal reads the events back from the database and hashes what is stored, so
``verify`` recomputes exactly that.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, event, func, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.attributes import set_committed_value

from storage import chain
from storage.models import AuditChainHead, AuditEvent
from storage.types import as_utc

EVENTS = AuditEvent.__table__
HEAD = AuditChainHead.__table__
HEAD_ID = 1
_PENDING = "crisisbot.audit.unsealed"  # session.info: the events this transaction inserted
_CHUNK = 500  # ids per IN (…): far below SQLite's variable limit


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
    because services take their clock as an argument; it must be timezone-aware. The event is inserted now and
    sealed into the hash chain when the caller's transaction commits (see the module docstring).
    """
    values = dict(data or {})
    chain.canonical_data(values)  # refuse NaN or infinity here, with the kind in the traceback, not at commit
    entry = AuditEvent(
        at=as_utc(at),
        actor=actor,
        kind=kind,
        subject_type=subject_type,
        subject_id=None if subject_id is None else str(subject_id),
        incident_id=incident_id,
        data=values,
    )
    session.add(entry)
    session.flush()
    return entry


# ---------------------------------------------------------------------------------------------- the seal


@event.listens_for(Session, "before_flush")
def _track_new_events(session: Session, _context: Any, _instances: Any) -> None:
    new = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if new:
        session.info.setdefault(_PENDING, []).extend(new)


@event.listens_for(Session, "before_commit")
def _seal_on_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint's release; the outermost commit seals
    if not session.info.get(_PENDING) and not any(isinstance(obj, AuditEvent) for obj in session.new):
        return  # no event written: no head lock, no query
    session.flush()  # every other change first, so the head is the last lock this transaction takes
    unsealed = [e for e in session.info.get(_PENDING, ()) if sa_inspect(e).persistent and e.seq is None]
    if unsealed:
        seal(session, unsealed)
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)  # rolled back or committed: nothing of it is pending any more


def seal(session: Session, events: Sequence[AuditEvent]) -> None:
    """Chain ``events`` (inserted, unsealed, in this transaction) after the head, in id order, and move the head.
    Called by the commit hook; public for the migration's spirit and for tests, not for services."""
    by_id = {e.id: e for e in events}
    seq, last = lock_head(session)
    changes: list[dict[str, Any]] = []
    ids = sorted(by_id)
    for start in range(0, len(ids), _CHUNK):
        rows = session.execute(select(EVENTS).where(EVENTS.c.id.in_(ids[start:start + _CHUNK]))
                               .order_by(EVENTS.c.id)).mappings()
        for row in rows:
            seq += 1
            link = {"seq": seq, "prev_hash": last}
            last = chain.link_hash({**row, **link})
            changes.append({"event_id": row["id"], **link, "hash": last})
    session.execute(update(EVENTS).where(EVENTS.c.id == bindparam("event_id"))
                    .values(seq=bindparam("seq"), prev_hash=bindparam("prev_hash"), hash=bindparam("hash")), changes)
    session.execute(update(HEAD).where(HEAD.c.id == HEAD_ID).values(seq=seq, hash=last))
    for change in changes:
        for key in ("seq", "prev_hash", "hash"):
            set_committed_value(by_id[change["event_id"]], key, change[key])


def lock_head(session: Session) -> tuple[int, str]:
    """The chain's last link ``(seq, hash)``, locked until the transaction ends. A missing head row (a database
    restored without it) is rebuilt from the last sealed event rather than failing the caller's transaction."""
    query = select(HEAD.c.seq, HEAD.c.hash).where(HEAD.c.id == HEAD_ID).with_for_update()
    row = session.execute(query).first()
    if row is None:
        last = session.execute(select(EVENTS.c.seq, EVENTS.c.hash).where(EVENTS.c.seq.is_not(None))
                               .order_by(EVENTS.c.seq.desc()).limit(1)).first()
        seq, hash_ = (last.seq, last.hash) if last is not None else (0, chain.GENESIS)
        session.execute(_insert(session)(HEAD).values(id=HEAD_ID, seq=seq, hash=hash_).on_conflict_do_nothing())
        row = session.execute(query).one()
    return int(row.seq), str(row.hash)


def _insert(session: Session) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


# ---------------------------------------------------------------------------------------------- verify, export


@dataclass(frozen=True)
class Verification:
    """``crisisbot audit verify``'s answer: the walk over every event, the stored head, and the first break."""

    checked: int
    last_seq: int | None
    head_seq: int | None
    head_hash: str | None
    broken: chain.Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def head(session: Session) -> tuple[int, str] | None:
    """The stored head ``(seq, hash)``, unlocked, or None when the row is missing."""
    row = session.execute(select(HEAD.c.seq, HEAD.c.hash).where(HEAD.c.id == HEAD_ID)).first()
    return (int(row.seq), str(row.hash)) if row is not None else None


def _stream(session: Session, *where: Any) -> Iterator[dict[str, Any]]:
    # Sealed events in seq order, the unsealed (written behind the bot's back) last; streamed, not all loaded.
    query = (select(EVENTS).where(*where).order_by(EVENTS.c.seq.is_(None), EVENTS.c.seq, EVENTS.c.id)
             .execution_options(yield_per=1000))
    for row in session.execute(query).mappings():
        yield dict(row)


def verify(session: Session) -> Verification:
    """Recompute the whole chain from the database: every link, no gap, and the head at the last event (a
    deleted last event leaves no gap, but the head still remembers it)."""
    # The head first, then the events up to it: on PostgreSQL each statement sees its own snapshot, and events
    # sealed after the head was read must not look like a head left behind.
    stored = head(session)
    upto = () if stored is None else (EVENTS.c.seq.is_(None) | (EVENTS.c.seq <= stored[0]),)
    walked = chain.walk(_stream(session, *upto))
    head_seq, head_hash = stored if stored is not None else (None, None)
    broken = walked.broken
    if broken is None:
        last_seq, last_hash = walked.last_seq or 0, walked.last_hash
        if stored is None:
            if walked.checked:
                broken = chain.Break(None, None, "head", "the chain head row (audit_chain_head) is missing")
        elif (head_seq, head_hash) != (last_seq, last_hash):
            broken = chain.Break(head_seq, None, "head",
                                 f"the chain head records seq {head_seq} (hash {head_hash}), but the last event is "
                                 f"seq {last_seq} (hash {last_hash})"
                                 + (": the events after it were deleted" if head_seq > last_seq else ""))
        else:
            broken = _beyond_head(session, head_seq)
    return Verification(walked.checked, walked.last_seq, head_seq, head_hash, broken)


def _beyond_head(session: Session, head_seq: int | None) -> chain.Break | None:
    """An event with a seq past the head is either sealed since the walk began (the head has moved on to it) or
    forged behind the bot's back (the head never reached it)."""
    past = session.execute(select(EVENTS.c.id, EVENTS.c.seq).where(EVENTS.c.seq > (head_seq or 0))
                           .order_by(EVENTS.c.seq.desc()).limit(1)).first()
    if past is None:
        return None
    now_head = head(session)
    if now_head is not None and now_head[0] >= past.seq:
        return None
    return chain.Break(past.seq, past.id, "head", f"event id {past.id} has seq {past.seq}, past the chain head "
                                                  f"(seq {head_seq}): it was written behind the bot's back")


@dataclass(frozen=True)
class Excerpt:
    """The sealed events of a time range as one unbroken run of the chain, and the link into it.

    ``seq`` follows commit order and ``at`` the services' clocks, so near the range's ends an event of the range
    may have committed just after one outside it: the excerpt is the run from the first to the last seq of the
    range, and ``outside`` names the few seqs in it whose time is outside (an excerpt with holes could not be
    verified on its own)."""

    events: list[dict[str, Any]]
    prev_hash: str | None
    outside: list[int]
    unsealed: list[int]  # ids of events in the range that are not in the chain at all

    @property
    def first_seq(self) -> int | None:
        return self.events[0]["seq"] if self.events else None

    @property
    def last_seq(self) -> int | None:
        return self.events[-1]["seq"] if self.events else None


def excerpt(session: Session, start: datetime, end: datetime) -> Excerpt:
    """Events with ``start <= at < end`` (UTC instants) as an unbroken run of the chain (see Excerpt)."""
    in_range = (EVENTS.c.at >= as_utc(start), EVENTS.c.at < as_utc(end))
    low, high = session.execute(select(func.min(EVENTS.c.seq), func.max(EVENTS.c.seq)).where(*in_range)).one()
    unsealed = list(session.scalars(select(EVENTS.c.id).where(*in_range, EVENTS.c.seq.is_(None))
                                    .order_by(EVENTS.c.id)))
    if low is None:
        return Excerpt([], None, [], unsealed)
    rows = list(_stream(session, EVENTS.c.seq.between(low, high)))
    previous = chain.GENESIS if low == 1 else session.scalar(select(EVENTS.c.hash).where(EVENTS.c.seq == low - 1))
    outside = [r["seq"] for r in rows if not (as_utc(start) <= r["at"] < as_utc(end))]
    return Excerpt(rows, previous, outside, unsealed)


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
