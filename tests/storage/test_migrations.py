"""Migrations: up from empty, down to base and up again, and models and migrations agree."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from storage.db import check, create_engine, current_revision, downgrade, head_revision, upgrade
from storage.models import Base

TABLES = {
    "sent_messages",
    "units",
    "role_assignments",
    "incident_counters",
    "incidents",
    "case_files",
    "audit_events",
    "audit_chain_head",
    "claims",
    "pages",
    "drills",
    "drill_reports",
    "drill_evaluations",
    "due_work",
    "user_cache",
}


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_template_is_at_head(engine):
    assert current_revision(engine) == head_revision()
    assert set(sa.inspect(engine).get_table_names()) >= TABLES


def test_downgrade_base_then_upgrade_from_empty(database_url):
    downgrade(database_url, "base")
    assert _tables(database_url) == set()
    upgrade(database_url)
    assert _tables(database_url) == TABLES
    upgrade(database_url)  # a second run on an up-to-date database changes nothing
    assert _tables(database_url) == TABLES


def test_models_match_migrations(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_empty_sqlite_file_in_missing_folder_just_works(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/data/nested/crisisbot.db"
    upgrade(url)
    engine = create_engine(url)
    try:
        assert current_revision(engine) == head_revision()
        assert check(engine)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    finally:
        engine.dispose()


def test_concurrent_upgrades_from_empty(database_url):
    """Replicas starting together: every upgrade returns, the schema is migrated once."""
    downgrade(database_url, "base")
    errors: list[BaseException] = []

    def run() -> None:
        try:
            upgrade(database_url)
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert _tables(database_url) == TABLES


def test_check_reports_unreachable_database():
    engine = create_engine("postgresql://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1})
    try:
        assert check(engine) is False
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///data/x.db", "sqlite:///data/x.db"),
    ],
)
def test_url_normalisation(given, expected):
    from storage.db import normalize_url

    assert normalize_url(given).render_as_string(hide_password=False) == expected
