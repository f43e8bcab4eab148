"""Sent messages (`SentMessage`): where each message posted once per key landed, or that an attempt began.

None of these functions commits: the chat port's record (`bot.delivery.sent`) runs each in a short transaction of
its own, before and after the platform call, never around it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import SentMessage
from storage.types import as_utc

KEY = 400


def find(session: Session, key: str) -> SentMessage | None:
    """The record of the message with ``key``, if an attempt ever began."""
    return session.get(SentMessage, key[:KEY])


def begin(session: Session, key: str, room: str, at: datetime) -> None:
    """Record that an attempt to post ``key`` in ``room`` starts ``at`` (a later attempt moves the start on)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(SentMessage).values(key=key[:KEY], room=room, started_at=as_utc(at), ts=None)
    session.execute(statement.on_conflict_do_update(
        index_elements=["key"], set_={"room": statement.excluded.room, "started_at": statement.excluded.started_at}))


def done(session: Session, key: str, room: str, ts: str, at: datetime) -> None:
    """Record where the message with ``key`` landed."""
    row = session.get(SentMessage, key[:KEY])
    if row is None:  # begin() always came first; this only keeps done() safe on its own
        session.add(SentMessage(key=key[:KEY], room=room, started_at=as_utc(at), ts=ts, sent_at=as_utc(at)))
        return
    row.room, row.ts, row.sent_at = room, ts, as_utc(at)


def abandon(session: Session, key: str) -> None:
    """Forget an attempt that posted nothing (a record with a ts is kept: that message exists)."""
    session.execute(delete(SentMessage).where(SentMessage.key == key[:KEY], SentMessage.ts.is_(None)))
