"""The whole bot, end to end: the sandbox workspace, the real bot over HTTP, a database, an injected clock.

The scheduler is not started: tests sweep due work with `drain()` at the time they choose, so timers are exact
and nothing waits on wall-clock time. The clock moves on a little with every reading, as production's does
(design §3), so two deliveries never share an instant and work keys are as distinct as they are in production.
"""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.platform.settings import Settings
from bot.procedure.config import OrgConfig
from bot.runtime.compose import Bot, HttpServer, build_bot
from sandbox.driver import Person, Sandbox

TOKEN = "xoxb-sandbox-e2e"
SECRET = "e2e-signing-secret"


class Clock:
    """The bot's clock. Every reading is `step` (1 ms) later than the one before, from any thread, as a real
    clock moves between two requests; tests jump it with `advance` (timers) or `set`.

    `now` is the latest reading, without moving the clock: what a test types into a date picker or compares
    an instant with ("at or before now")."""

    STEP = timedelta(milliseconds=1)

    def __init__(self, now: datetime | None = None, step: timedelta = STEP) -> None:
        self._now = now or datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
        self.step = step
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            self._now += self.step
            return self._now

    @property
    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, now: datetime) -> datetime:
        """Put the clock at `now` (for a test about a date, such as the first of a month)."""
        with self._lock:
            self._now = now
            return now

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self._now += timedelta(**delta)
            return self._now


class Stack:
    """Start with `Stack(database_url).start()`; stop with `.stop()`."""

    def __init__(self, database_url: str, *, config: OrgConfig | None = None, clock: Clock | None = None) -> None:
        self.database_url = database_url
        self.config = config
        self.clock = clock or Clock()
        self.sandbox: Sandbox
        self.bot: Bot
        self.http: HttpServer

    def start(self) -> Stack:
        self.sandbox = Sandbox.start(bot_token=TOKEN).relax_deadlines()
        self.sandbox.subscribe_manifest(Path(__file__).parents[1] / "manifests" / "http.yaml")
        self.boot()
        return self

    def boot(self) -> Bot:
        """(Re)start the bot process on the same database and sandbox, as after a crash."""
        settings = Settings(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET,  # type: ignore[call-arg]
                            SLACK_API_URL=self.sandbox.api_url, DATABASE_URL=self.database_url)
        self.bot = build_bot(settings, clock=self.clock, rng=random.Random(7), config=self.config)
        self.http = HttpServer(self.bot.asgi()).start()
        self.sandbox.configure_bot(self.http.url + "/slack/events", SECRET)
        return self.bot

    def crash(self) -> None:
        """Stop the bot's HTTP server and drop its objects; the database and the sandbox stay."""
        self.http.stop()
        self.bot.services.people.flush(10)  # the locale cache's writes are in flight after the acks
        self.bot.engine.dispose()

    def stop(self) -> None:
        self.crash()
        self.sandbox.stop()

    def person(self, user: str) -> Person:
        return self.sandbox.as_user(user)

    def drain(self, rounds: int = 50) -> int:
        """Sweep due work at the clock's time until nothing more runs; returns how many jobs ran."""
        total = 0
        # a click's listener acks before it commits: sweep only once every listener has finished
        assert self.bot.listeners.wait_idle(), "a listener did not finish"
        for _ in range(rounds):
            ran = self.bot.tick(self.clock())
            total += ran
            if not ran:
                return total
        raise AssertionError("due work did not settle")

    def later(self, **delta: float) -> int:
        self.clock.advance(**delta)
        return self.drain()

    def calls(self, method: str | None = None) -> list[Any]:
        return self.sandbox.calls(method)
