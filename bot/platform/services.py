"""The collaborators every service and handler shares: settings, config, database, chat port, clock and rng."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.platform.chat import ChatPort
from bot.platform.people import People
from bot.platform.settings import Settings
from bot.procedure.config import OrgConfig, Role
from bot.procedure.i18n import Lang
from bot.procedure.who import Who, who_from_assignments
from storage import roster


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """One per running bot. Time and randomness are parameters so tests can drive them."""

    settings: Settings
    config: OrgConfig
    sessions: sessionmaker[Session]
    chat: ChatPort
    clock: Callable[[], datetime] = utcnow
    rng: random.Random = field(default_factory=random.SystemRandom)
    people: People = field(init=False)
    # Asks for a tick right away (set by the runtime to the scheduler's kick); work is safe in the database anyway.
    kick: Callable[[], None] = lambda: None
    # Read-only sessions (never queue behind a writer on SQLite); the runtime sets them, else `sessions` serve.
    reads: sessionmaker[Session] | None = None

    def __post_init__(self) -> None:
        self.reads = self.reads or self.sessions
        self.people = People(self.chat, self.config.organisation.language, self.clock, sessions=self.sessions,
                             reads=self.reads)

    def lang_of(self, user: str) -> Lang:
        return self.people.lang_of(user)

    def who(self, user: str) -> Who:
        """The person's posts as the roster in the database holds them now (handovers included)."""
        assert self.reads is not None
        with self.reads() as session:
            posts = roster.roles_of(session, user, tuple(Role))
        return who_from_assignments(user, ((p.role, p.unit_id, p.name if p.unit_id else p.seat) for p in posts))
