"""The whole bot, end to end: the sandbox workspace, the real bot over HTTP, a database, an injected clock.

The scheduler is not started: tests sweep due work with `drain()` at the time they choose, so timers are exact
and nothing waits on wall-clock time.
"""

from __future__ import annotations

import random
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
    """The bot's clock; tests move it by hand."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 11, 28, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


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
