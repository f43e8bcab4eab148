"""Putting the bot together: settings → config → database → roster → chat port → Bolt app → server and tick."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import uvicorn
from slack_bolt import App
from sqlalchemy.engine import Engine
from starlette.applications import Starlette

from bot.delivery.sent import SentLedger
from bot.drills.work import scheduled_draw
from bot.platform.directory import resolve_people
from bot.platform.services import Services, utcnow
from bot.platform.settings import Settings
from bot.platform.slack import SlackChat, make_client
from bot.procedure.config import OrgConfig, load_config
from bot.roster.sync import RosterChange, describe_change, sync_roster
from handlers.app import create_app
from handlers.http import build_asgi
from handlers.listeners import ListenerPool
from scheduler import jobs, tick
from scheduler.ticker import Ticker
from storage import db

log = logging.getLogger(__name__)



@dataclass
class Bot:
    """A running bot's parts. `tick(now)` sweeps due work; tests call it with an injected clock."""

    services: Services
    app: App
    engine: Engine
    signing_secret: str
    listeners: ListenerPool = field(default_factory=ListenerPool)

    def health(self) -> dict[str, Any]:
        """For `GET /healthz`: healthy only when the database takes a write now (storage/db.py `probe_write`)."""
        state = db.probe_write(self.engine)
        return {"ok": state == "ok", "database": state}

    def asgi(self) -> Starlette:
        return build_asgi(self.app, self.signing_secret, self.health)

    def tick(self, now: datetime | None = None) -> int:
        """Sweep the work due at `now` (the services' clock when not given)."""
        return tick.tick(self.services, now or self.services.clock())

    def draw(self, now: datetime | None = None, *, catch_up: bool = False) -> Any:
        """The monthly drill draw (procedure §7.1); a no-op when this period is drawn already."""
        return scheduled_draw(self.services, now, catch_up=catch_up)

    def start_scheduler(self) -> Ticker:
        """The ticker and the cron jobs of this replica, started; new work kicks a sweep at once."""
        return jobs.start(self.services, self.tick)


def prepare_database(url: str, config: OrgConfig, now: datetime) -> Engine:
    """Migrate (an empty database just works) and load the roster, recording each change."""
    engine = db.create_engine(url)
    db.upgrade(engine)
    load_roster(engine, config, now)
    return engine


def load_roster(engine: Engine, config: OrgConfig, now: datetime) -> list[RosterChange]:
    """Load the roster from the config as actor ``config`` (at start and on ``crisisbot config reload``).

    Only seats whose config value changed since the last load are touched, so a handover made in Slack stays
    until the config itself changes that seat (bot/roster/sync.py). Every change is in the audit trail and the log.
    """
    with db.session_factory(engine)() as session, session.begin():
        changes = sync_roster(session, config, actor="config", now=now)
    for change in changes:
        log.info("roster: %s", describe_change(change))
    if changes:
        log.info("roster loaded from the config: %d change(s) recorded in the audit trail", len(changes))
    return changes





def build_bot(settings: Settings, *, clock: Callable[[], datetime] = utcnow, rng: random.Random | None = None,
              token_verification: bool = True, config: OrgConfig | None = None) -> Bot:
    """Build everything from settings. Raises ConfigError / SettingsError with a clear message on bad input."""
    if settings.slack_bot_token is None:
        raise ValueError("build_bot needs SLACK_BOT_TOKEN; with no token run the sandbox (crisisbot)")
    client = make_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
    config = resolve_people(config or load_config(settings.crisisbot_config), SlackChat(client))
    engine = prepare_database(settings.resolved_database_url(), config, clock())
    sessions = db.session_factory(engine)
    # The bot's chat keeps each post-once message's ts in the database, so a retry finds it by key (bot.delivery.sent)
    chat = SlackChat(client, sent=SentLedger(sessions))
    services = Services(settings, config, sessions, chat, clock, rng or random.SystemRandom(),
                        reads=db.read_session_factory(engine))
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    listeners = ListenerPool()
    app = create_app(services, client, secret, token_verification=token_verification, listeners=listeners)
    return Bot(services, app, engine, secret, listeners)


class HttpServer:
    """uvicorn in a background thread, for the sandbox run and the end-to-end tests."""

    def __init__(self, asgi: Starlette, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = uvicorn.Server(uvicorn.Config(asgi, host=host, port=port, log_level="warning",
                                                     lifespan="off", access_log=False))
        self._thread = threading.Thread(target=self._server.run, name="crisisbot-http", daemon=True)

    def start(self, timeout: float = 10) -> HttpServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        # uvicorn offers only a flag for "listening"; a short poll at start-up is the simplest reliable wait.
        while not self._server.started and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.005)
        if not self._server.started:
            raise RuntimeError("the bot's HTTP server did not start")
        return self

    @property
    def port(self) -> int:
        return int(self._server.servers[0].sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)
