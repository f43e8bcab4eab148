"""Engines, sessions, migrations and the health check, for SQLite (embedded default) and PostgreSQL.

SQLite is tuned for a bot with a few threads: WAL so readers never wait for the writer, foreign keys on, a busy
timeout, and ``BEGIN IMMEDIATE`` so a transaction takes the write lock when it starts. Without the latter, a
transaction that reads and then writes fails at once with SQLITE_BUSY when another thread committed in between;
with it, writers queue behind each other for up to the busy timeout. PostgreSQL goes through psycopg 3.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 30_000
# Any fixed 64-bit number; every replica takes the same PostgreSQL advisory lock around migrations.
MIGRATION_LOCK = 0x63_72_69_73_69_73_62  # "crisisb"


def normalize_url(url: str | sa.URL) -> sa.URL:
    """Parse a database URL; ``postgres://`` and ``postgresql://`` become ``postgresql+psycopg://``."""
    if isinstance(url, str) and url.startswith("postgres://"):
        # Heroku-style URLs; SQLAlchemy dropped the ``postgres`` alias.
        url = "postgresql://" + url.removeprefix("postgres://")
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _is_memory(url: sa.URL) -> bool:
    return url.database in (None, "", ":memory:") or "mode=memory" in str(url)


def create_engine(url: str | sa.URL, *, foreign_keys: bool = True, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the settings this bot relies on (see the module docstring)."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, foreign_keys=foreign_keys, **kwargs)
    if parsed.get_backend_name() == "postgresql":
        connect_args = {"connect_timeout": 10, **kwargs.pop("connect_args", {})}
        return sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args, **kwargs)
    return sa.create_engine(parsed, **kwargs)


def _sqlite_engine(url: sa.URL, *, foreign_keys: bool, **kwargs: Any) -> Engine:
    memory = _is_memory(url)
    if not memory and url.database:
        # "An empty database just works", including a data folder that does not exist yet.
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    connect_args = {
        "check_same_thread": False,
        "timeout": BUSY_TIMEOUT_MS / 1000,
        **kwargs.pop("connect_args", {}),
    }
    if memory:
        # One shared connection, or every thread would see its own empty database.
        kwargs.setdefault("poolclass", StaticPool)
    engine = sa.create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the sqlite3 module so "begin" below decides how a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; fsync at checkpoints only
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # Readers (read_only, below) take a deferred transaction: under WAL they never wait for a writer.
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("read_only") else "BEGIN IMMEDIATE")

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit, so services can return rows they committed."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for reading only (who holds what, a cached locale): on SQLite they never queue behind a writer,
    so the answers on the ack path and /healthz stay fast while reports are being written."""
    return sessionmaker(bind=engine.execution_options(read_only=True), expire_on_commit=False)


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic config without alembic.ini: the migrations ship inside this package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _run_locked(target: str | sa.URL | Engine, action: Any) -> None:
    owned = not isinstance(target, Engine)
    # SQLite batch migrations copy tables; with foreign keys on, dropping the old copy could cascade or fail.
    engine = create_engine(target, foreign_keys=False) if owned else target
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Replicas starting together queue here; the later ones find the schema at head.
                # A transaction-level lock ends with the transaction, even if the process dies.
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            action(alembic_config(connection))
    finally:
        if owned:
            engine.dispose()


def upgrade(target: str | sa.URL | Engine, revision: str = "head") -> None:
    """Bring the database at ``target`` (a URL or an engine) up to ``revision``; safe to run concurrently."""
    _run_locked(target, lambda cfg: command.upgrade(cfg, revision))


def downgrade(target: str | sa.URL | Engine, revision: str) -> None:
    """Take the database at ``target`` down to ``revision`` (``base`` removes every table)."""
    _run_locked(target, lambda cfg: command.downgrade(cfg, revision))


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision shipped with this package."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


# /healthz must answer in well under a second even when the database is stuck: each probe step gets this long.
PROBE_TIMEOUT_SECONDS = 0.5
PROBE_CONNECT_TIMEOUT_SECONDS = 2  # libpq's smallest useful connect_timeout


def probe_write(engine: Engine, timeout: float = PROBE_TIMEOUT_SECONDS) -> str:
    """``"ok"`` when the database takes a write within ``timeout``, else why not: ``"unreachable"``, ``"busy"``
    (a write lock or row lock held longer than the probe waits) or ``"not writable"``. Never raises.

    The probe rewrites ``alembic_version``'s one row to itself and commits: every migrated database has that row,
    so no table is added for health, and a committed write is the only proof that reports and pages can be
    stored (a read succeeds on a read-only standby or while another connection holds SQLite's write lock). It
    opens its own connection, with short timeouts, instead of borrowing one from the pool: a pool full of
    connections queued behind a writer is exactly the trouble it must report, not wait 30 s in.
    """
    name = engine.dialect.name
    if name == "sqlite" and _is_memory(engine.url):
        # One shared in-memory connection (StaticPool): no other connection can hold its lock, and a probe
        # transaction on it would collide with the bot's own.
        return _probe_read(engine)
    if name not in ("sqlite", "postgresql"):
        return _probe_read(engine)
    cargs, cparams = engine.dialect.create_connect_args(engine.url)
    if name == "sqlite":
        cparams.update(timeout=timeout, isolation_level=None, check_same_thread=False)
    else:
        cparams["connect_timeout"] = max(PROBE_CONNECT_TIMEOUT_SECONDS, int(timeout + 0.999))
    try:
        connection = engine.dialect.connect(*cargs, **cparams)
    except Exception:  # any failure to connect means "not healthy"; the reason goes to the log
        log.warning("database health check: cannot connect", exc_info=True)
        return "unreachable"
    try:
        cursor = connection.cursor()
        if name == "sqlite":
            # sqlite3's timeout is the busy timeout: BEGIN IMMEDIATE waits that long for another writer's lock.
            cursor.execute("BEGIN IMMEDIATE")
        else:
            millis = int(timeout * 1000)
            cursor.execute(f"SET lock_timeout = {millis}")
            cursor.execute(f"SET statement_timeout = {millis * 2}")
        cursor.execute("UPDATE alembic_version SET version_num = version_num")
        if name == "sqlite":
            cursor.execute("COMMIT")
        else:
            connection.commit()
        return "ok"
    except Exception as exc:
        busy = _is_busy(exc)
        log.warning("database health check: %s", "a write lock is held" if busy else "the write failed",
                    exc_info=not busy)
        return "busy" if busy else "not writable"
    finally:
        try:
            connection.close()  # an open transaction is rolled back with it
        except Exception:
            log.debug("closing the health check's connection failed", exc_info=True)


def _is_busy(exc: BaseException) -> bool:
    """SQLite's "database is locked" / "busy", PostgreSQL's lock_not_available or query_canceled (timeouts)."""
    if getattr(exc, "sqlstate", None) in ("55P03", "57014"):
        return True
    message = str(exc).lower()
    return "locked" in message or "busy" in message


def _probe_read(engine: Engine) -> str:
    try:
        with engine.connect().execution_options(read_only=True) as connection:
            connection.execute(sa.text("SELECT 1"))
        return "ok"
    except Exception:  # any failure means "not healthy"; the reason goes to the log
        log.warning("database health check failed", exc_info=True)
        return "unreachable"


def check(engine: Engine, timeout: float = PROBE_TIMEOUT_SECONDS) -> bool:
    """True when the database takes a write within ``timeout`` (see ``probe_write``); never raises."""
    return probe_write(engine, timeout) == "ok"
