"""Read-only sessions on SQLite never queue behind a writer (WAL + a deferred BEGIN)."""

import threading

import sqlalchemy as sa

from storage import db


def test_a_reader_is_not_blocked_by_an_open_write_transaction(sqlite_database_url):
    engine = db.create_engine(sqlite_database_url)
    writes, reads = db.session_factory(engine), db.read_session_factory(engine)
    holding, release = threading.Event(), threading.Event()

    def writer():
        with writes() as session, session.begin():
            session.execute(sa.text("SELECT 1"))  # BEGIN IMMEDIATE: the write lock is held from here
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(10)
        with reads() as session:
            assert session.execute(sa.text("SELECT 1")).scalar() == 1
        # ... but the health check, which proves a write, reports the held lock at once instead of queueing
        assert db.probe_write(engine, timeout=0.2) == "busy"
        # the reader went through while the writer still held the lock (a blocked one would fail as "locked")
        assert not release.is_set()
    finally:
        release.set()
        thread.join()
