"""Shared fixtures: a fresh, migrated database per test on SQLite and on PostgreSQL, sessions, and row factories.

Every test that asks for ``database_url`` (or ``engine``/``session``) runs twice, ids ``sqlite`` and ``pg``.
Each run gets its own database copied from a template migrated once per session, because end-to-end tests run
the bot in other threads with their own sessions, which a rolled-back outer transaction could not isolate.

PostgreSQL comes from ``tests/pg.py`` (a throw-away server) or ``CRISISBOT_TEST_DATABASE_URL``. When it cannot
be had, the ``pg`` tests error with the reason; ``CRISISBOT_SKIP_POSTGRES=1`` skips them instead.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from storage import audit, incidents, work
from storage.db import create_engine, normalize_url, session_factory, upgrade
from storage.models import DueWork, Incident, Page, RoleAssignment, Unit
from tests.pg import PostgresUnavailable, TestServer
from tests.stack import Stack

SKIP_POSTGRES = os.environ.get("CRISISBOT_SKIP_POSTGRES") == "1"
EXTERNAL_PG = os.environ.get("CRISISBOT_TEST_DATABASE_URL")


# ---------------------------------------------------------------------------------------------- servers


@pytest.fixture(autouse=True)
def _root_logging() -> Iterator[None]:
    """Put the root logger back after each test: ``crisisbot``'s main() installs a handler on the stderr of the
    moment, which pytest closes after the test, and later log lines would fail to print."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """An admin URL of the test PostgreSQL server, started on first use and stopped at the end."""
    if SKIP_POSTGRES:
        pytest.skip("PostgreSQL tests skipped: CRISISBOT_SKIP_POSTGRES=1")
    if EXTERNAL_PG:
        url = normalize_url(EXTERNAL_PG).render_as_string(hide_password=False)
        _probe(url, "CRISISBOT_TEST_DATABASE_URL")
        yield url
        return
    server = TestServer()
    try:
        url = server.start()
        _probe(url, "the test PostgreSQL server")
    except (PostgresUnavailable, OSError, TimeoutError, subprocess.SubprocessError) as exc:
        server.stop()
        _unavailable(f"could not start the test PostgreSQL server: {exc}")
    try:
        yield url
    finally:
        server.stop()


def _unavailable(reason: str) -> NoReturn:
    pytest.fail(
        f"PostgreSQL is needed for the [pg] tests and is unavailable.\n{reason}\n"
        "Set CRISISBOT_TEST_DATABASE_URL to use an existing server, or CRISISBOT_SKIP_POSTGRES=1 to skip them.",
        pytrace=False,
    )


def _probe(url: str, what: str) -> None:
    engine = create_engine(url, poolclass=sa.pool.NullPool, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError as exc:
        _unavailable(f"cannot connect to {what} ({engine.url!r}): {exc.orig}")
    finally:
        engine.dispose()


def _admin(url: str) -> Engine:
    # CREATE/DROP DATABASE cannot run inside a transaction.
    return create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def _with_database(url: str, name: str) -> str:
    return normalize_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template(pg_admin_url: str) -> Iterator[str]:
    """The name of a PostgreSQL database migrated to head, to copy per test."""
    name = f"crisisbot_tpl_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = _admin(pg_admin_url)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        upgrade(_with_database(pg_admin_url, name))
        yield name
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head, to copy per test."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(f"sqlite:///{path}")  # the engine is disposed, so the WAL is checkpointed into the file
    return path


# ---------------------------------------------------------------------------------------------- databases


@pytest.fixture
def sqlite_database_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh migrated SQLite database for this test only (for tests that need no PostgreSQL run)."""
    path = tmp_path / "crisisbot.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def pg_database_url(request: pytest.FixtureRequest, pg_admin_url: str) -> Iterator[str]:
    """A fresh migrated PostgreSQL database for this test only, dropped afterwards."""
    template = request.getfixturevalue("pg_template")
    name = f"crisisbot_t_{uuid.uuid4().hex[:12]}"
    admin = _admin(pg_admin_url)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield _with_database(pg_admin_url, name)
    finally:
        with admin.connect() as conn:
            # FORCE: a test that forgot to dispose an engine must not leave the database behind.
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="pg", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest) -> str:
    """A URL of a fresh, migrated database of its own, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_database_url")
    return request.getfixturevalue("pg_database_url")


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on this test's database, configured as the bot configures it."""
    eng = create_engine(database_url)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on this test's database; whatever the test leaves uncommitted is rolled back."""
    with session_factory(engine)() as s:
        try:
            yield s
        finally:
            s.rollback()


@pytest.fixture
def now() -> datetime:
    """A fixed, timezone-aware 'now' for tests that take a clock."""
    return datetime(2026, 11, 3, 1, 30, tzinfo=UTC)


# ---------------------------------------------------------------------------------------------- rows


class Rows:
    """Small row factories: sensible defaults, keyword overrides; each call commits its rows.

    Committing matters on SQLite: a transaction left open holds the write lock (the engine begins
    transactions IMMEDIATE), and a bot thread writing during the test would wait for it.
    """

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now

    def _add(self, row: Any) -> Any:
        self.session.add(row)
        self.session.commit()
        return row

    def unit(self, id: str = "inspection", **kw: Any) -> Unit:
        fields = {"name_zh": "驗貨課", "name_en": "Inspection Section", **kw}
        existing = self.session.get(Unit, id)
        if existing is not None:
            self.session.commit()  # end the read's transaction too (see the class docstring)
            return existing
        return self._add(Unit(id=id, **fields))

    def assignment(self, role: str, user_id: str, seat: str = "primary", unit_id: str | None = None) -> RoleAssignment:
        if unit_id is not None:
            self.unit(unit_id)
        return self._add(RoleAssignment(role=role, unit_id=unit_id, seat=seat, user_id=user_id, assigned_at=self.now))

    def incident(self, **kw: Any) -> Incident:
        year = kw.pop("year", self.now.year)
        seq, number = incidents.allocate_incident_number(self.session, year)
        if kw.get("unit_id"):
            self.unit(kw["unit_id"])
        fields: dict[str, Any] = {
            "category": "sudden_event",
            "subtype": "force_majeure",
            "status": "reported",
            "step": "identify",
            "reporter": "U0000INS1",
            "title": "Typhoon floods the inspection yard",
            "description": "",
            "flags": {},
            "created_at": self.now,
            "updated_at": self.now,
            **kw,
        }
        row = Incident(number=number, year=year, seq=seq, **fields)
        self.session.add(row)
        self.session.flush()
        audit.record(
            self.session, fields["reporter"], "incident.reported", "incident", row.id, at=self.now,
            incident_id=row.id,
        )  # fmt: skip
        self.session.commit()
        return row

    def page(self, incident: Incident, **kw: Any) -> Page:
        fields = {
            "role": "commander",
            "tier": 0,
            "target_user": "U0000CMDR",
            "attempt": "primary",
            "status": "paging",
            "paged_at": self.now,
            **kw,
        }
        return self._add(Page(incident_id=incident.id, **fields))

    def work(self, key: str | None = None, *, due_in: float = 0, **kw: Any) -> DueWork:
        key = key or f"test:{uuid.uuid4().hex}"
        work.enqueue(
            self.session,
            kw.pop("kind", "test"),
            key,
            self.now + timedelta(seconds=due_in),
            kw.pop("payload", {}),
            kw.pop("subject_id", None),
        )
        row = work.get(self.session, key)
        assert row is not None
        self.session.commit()
        return row


@pytest.fixture
def make(session: Session, now: datetime) -> Rows:
    """Row factories bound to the test's ``session`` and ``now``: ``make.incident(level="high")``."""
    return Rows(session, now)


@pytest.fixture
def stack(database_url: str) -> Iterator[Stack]:
    """The whole bot end to end on this database: the sandbox, the bot over HTTP, an injected clock."""
    running = Stack(database_url).start()
    try:
        yield running
    finally:
        running.stop()
