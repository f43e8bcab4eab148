"""The database's record of messages posted once per key (`bot.platform.chat.SentLog` over `storage.sent`).

The Slack adapter writes an attempt here before it calls `chat.postMessage` and the message's ts right after, each
in a short transaction of its own: a retry finds its message by key whatever the room's traffic, and a retry whose
record has no ts (a crash between Slack's answer and this write) knows when the lost attempt began."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.platform.chat import Sending
from storage import sent


class SentLedger:
    """A SentLog in the bot's database."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def find(self, key: str) -> Sending | None:
        with self.sessions() as session:
            row = sent.find(session, key)
            return None if row is None else Sending(row.room, row.started_at.timestamp(), row.ts)

    def begin(self, key: str, room: str, started: float) -> None:
        with self.sessions() as session, session.begin():
            sent.begin(session, key, room, datetime.fromtimestamp(started, UTC))

    def done(self, key: str, room: str, ts: str) -> None:
        with self.sessions() as session, session.begin():
            sent.done(session, key, room, ts, datetime.now(UTC))

    def abandon(self, key: str) -> None:
        with self.sessions() as session, session.begin():
            sent.abandon(session, key)
