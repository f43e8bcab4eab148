"""People as the chat platform knows them: each reader's language, from the port's `person` (Slack's `users.info`
with `include_locale`), cached in memory and in the database (so another replica, or the bot after a restart,
does not ask the platform again).

A look-up is often made on the ack path (the language of a help text, of a modal), so the database copy is written
by a background thread after the answer, never by the request's thread: on SQLite a write waits for the write lock
(up to the 30 s busy timeout) and Slack gives an ack 3 s."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.platform.chat import ChatError, ChatPort, Person
from bot.procedure.i18n import Lang, language_of
from bot.procedure.text import is_user_id
from storage import users

log = logging.getLogger(__name__)


class CacheWriter:
    """Stores look-ups on one short-lived daemon thread, newest per user, after the caller has moved on.

    The thread starts when there is something to write and ends when there is nothing left, so idle bots (and the
    many stacks of a test run) keep no thread. It is a daemon: a write stuck behind a lock at shutdown is lost,
    which costs one `users.info` call later, nothing more.
    """

    def __init__(self, write: Callable[[str, Person, datetime], None]) -> None:
        self._write = write
        self._pending: dict[str, tuple[Person, datetime]] = {}
        self._writing = False
        self._thread: threading.Thread | None = None
        self._changed = threading.Condition()

    def submit(self, user: str, person: Person, now: datetime) -> None:
        with self._changed:
            self._pending[user] = (person, now)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="crisisbot-user-cache", daemon=True)
                self._thread.start()

    def flush(self, timeout: float = 30) -> bool:
        """Wait until every submitted look-up is written (True) or `timeout` passes (False)."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._pending and not self._writing, timeout)

    def _run(self) -> None:
        while True:
            with self._changed:
                if not self._pending:
                    self._thread = None
                    self._changed.notify_all()
                    return
                user, (person, now) = self._pending.popitem()
                self._writing = True
            try:
                self._write(user, person, now)
            except Exception:  # a cache: never let one bad write end the thread with others queued
                log.warning("could not store the locale of %s", user, exc_info=True)
            finally:
                with self._changed:
                    self._writing = False
                    self._changed.notify_all()


class People:
    """Language per user. A lookup that fails falls back to the organisation's language and is not cached."""

    def __init__(self, chat: ChatPort, default: Lang, clock: Callable[[], datetime], *,
                 sessions: sessionmaker[Session] | None = None, reads: sessionmaker[Session] | None = None,
                 ttl: timedelta = timedelta(hours=6),
                 lookup_timeout: float = 1.5) -> None:
        self._chat = chat
        self._sessions = sessions
        self._reads = reads or sessions
        self._default = default
        self._clock = clock
        self._ttl = ttl
        self._timeout = lookup_timeout
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[Lang, datetime]] = {}
        self._writer = CacheWriter(self._save)

    def cached(self, user: str) -> Lang | None:
        """The language if it is known without asking Slack (so a modal can open at once)."""
        with self._lock:
            hit = self._cache.get(user)
        return hit[0] if hit and self._clock() - hit[1] < self._ttl else None

    def lang_of(self, user: str) -> Lang:
        now = self._clock()
        with self._lock:
            hit = self._cache.get(user)
        if hit and now - hit[1] < self._ttl:
            return hit[0]
        stored = self._stored(user, now)
        if stored is not None:
            lang = language_of(stored[0], self._default)
        else:
            try:
                person = self._chat.person(user, timeout=self._timeout)
            except ChatError as exc:
                log.warning("looking up %s failed (%s); using the default language", user, exc.code)
                return self._default
            lang = language_of(person.locale, self._default)
            self._store(user, person, now)
        with self._lock:
            self._cache[user] = (lang, now)
        return lang

    def _stored(self, user: str, now: datetime) -> tuple[str | None] | None:
        if self._reads is None:
            return None
        try:
            with self._reads() as session:
                return users.cached_locale(session, user, now - self._ttl)
        except SQLAlchemyError:
            log.warning("the user cache is unreadable; asking Slack", exc_info=True)
            return None

    def _store(self, user: str, person: Person, now: datetime) -> None:
        if self._sessions is not None:
            self._writer.submit(user, person, now)  # after the ack: see the module docstring

    def flush(self, timeout: float = 30) -> bool:
        """Wait for the database copies of the look-ups made so far (tests, shutdown)."""
        return self._writer.flush(timeout)

    def _save(self, user: str, person: Person, now: datetime) -> None:
        assert self._sessions is not None
        try:
            with self._sessions() as session, session.begin():
                users.save_locale(session, user, person.locale, person.tz, now, person.name)
        except SQLAlchemyError:  # a cache: losing one write costs a users.info call later, nothing more
            log.warning("could not store the locale of %s", user, exc_info=True)

    def forget(self, user: str | None = None) -> None:
        with self._lock:
            if user is None:
                self._cache.clear()
            else:
                self._cache.pop(user, None)


def learn_names(chat: ChatPort, sessions: sessionmaker[Session], user_ids: Iterable[str], now: datetime, *,
                timeout: float = 3) -> dict[str, str]:
    """The names of these people for a document: the stored ones, and those not stored yet asked of the platform
    (and stored for next time). A failed look-up never stops the document: that person shows by id."""
    wanted = {u for u in user_ids if is_user_id(u)}
    with sessions() as session:
        known = users.names(session, wanted)
    for user in sorted(wanted - set(known)):
        try:
            person = chat.person(user, timeout=timeout)
        except ChatError as exc:
            log.info("no name for %s (%s); the document shows the id", user, exc.code)
            continue
        if not person.name:
            continue
        known[user] = person.name
        try:
            with sessions() as session, session.begin():
                users.save_locale(session, user, person.locale, person.tz, now, person.name)
        except SQLAlchemyError:  # a cache: the name is used now all the same
            log.warning("could not store the name of %s", user, exc_info=True)
    return known

