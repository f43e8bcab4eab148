"""Claims: deduplication by a unique row (design §3), never by a lookup.

`claim` inserts the interaction's key and says whether this transaction was the first to do so. Two identical
deliveries in flight at once both try; PostgreSQL makes the second insert wait for the first transaction and, once
it commits, skip (ON CONFLICT DO NOTHING); SQLite's write lock queues them. The loser has no effect, and by then
can read what the winner did."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import Claim
from storage.types import as_utc


def claim(session: Session, key: str, kind: str, user: str, at: datetime, incident_id: int | None = None) -> bool:
    """Take ``key`` in the caller's transaction; False when an earlier (committed) transaction took it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (insert(Claim).values(key=key[:200], kind=kind[:40], user_id=user, incident_id=incident_id,
                                      at=as_utc(at))
                 .on_conflict_do_nothing(index_elements=["key"]).returning(Claim.key))
    # RETURNING, not rowcount: the ORM session's rowcount for this statement is not the rows inserted on psycopg.
    return session.execute(statement).scalar() is not None


def claimed(session: Session, key: str) -> Claim | None:
    """The claim on ``key``, if it was taken."""
    return session.get(Claim, key[:200])
