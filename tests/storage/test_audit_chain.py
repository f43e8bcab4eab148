"""The audit trail's hash chain (storage.chain, storage.audit): sealed at commit, unbroken, the same on both
databases, safe under concurrent writers, and backfilled by migration 0006 for events written before it."""

from __future__ import annotations

import hashlib
import threading
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from storage import audit, chain
from storage.db import create_engine, downgrade, session_factory, upgrade
from storage.incidents import lock
from storage.models import AuditEvent
from tests.concurrency import at_once
from tests.conftest import Rows

DATA = {"z": "颱風 🌀", "a": 1.0, "big": 1e20, "small": 1.5e-7, "n": [1, 2.5, {"b": None, "a": True}], "7": "x"}


def _rows(session) -> list[dict]:
    return [dict(r) for r in session.execute(sa.select(audit.EVENTS).order_by(audit.EVENTS.c.seq)).mappings()]


def _assert_unbroken(session, count: int) -> None:
    rows = _rows(session)
    assert [r["seq"] for r in rows] == list(range(1, count + 1))
    assert [r["prev_hash"] for r in rows] == [chain.GENESIS] + [r["hash"] for r in rows[:-1]]
    assert all(r["hash"] == chain.link_hash(r) for r in rows)
    assert audit.head(session) == (count, rows[-1]["hash"])
    result = audit.verify(session)
    assert result.ok and result.checked == count


def test_the_canonical_form_is_what_the_docstring_says():
    event = {"seq": 1, "id": 7, "at": datetime(2026, 11, 3, 9, 30, tzinfo=timezone(timedelta(hours=8))),
             "actor": "U0000CMDR", "kind": "incident.triaged", "subject_type": "incident", "subject_id": 7,
             "incident_id": 7, "data": {"level": "高", "n": 2.0}, "prev_hash": chain.GENESIS}
    text = ('{"actor":"U0000CMDR","at":"2026-11-03T01:30:00.000000Z","data":{"level":"高","n":2},"id":7,'
            '"incident_id":7,"kind":"incident.triaged","prev_hash":"' + "0" * 64 + '","seq":1,'
            '"subject_id":"7","subject_type":"incident","v":"crisisbot-audit-v1"}')
    assert chain.canonical(event) == text
    assert chain.link_hash(event) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_events_are_sealed_at_commit_once_per_transaction(session, make, now):
    incident = make.incident()  # one event, its own transaction
    first = audit.record(session, "U0000CMDR", "incident.triaged", "incident", incident.id, at=now,
                         incident_id=incident.id, data={"level": "high"})
    audit.record(session, "U0000CMDR", "page.sent", "incident", incident.id, at=now, incident_id=incident.id)
    assert first.seq is None and first.id is not None  # written (and readable) at once, sealed later
    session.commit()
    assert (first.seq, first.prev_hash) == (2, _rows(session)[0]["hash"])  # the ORM object knows its seal
    _assert_unbroken(session, 3)


def test_rolled_back_events_and_savepoints_leave_no_gap(session, now):
    audit.record(session, "config", "roster.loaded", "roster", at=now)
    session.rollback()
    audit.record(session, "config", "roster.loaded", "roster", at=now)
    with pytest.raises(RuntimeError), session.begin_nested():
        audit.record(session, "config", "roster.changed", "roster", at=now)
        raise RuntimeError("the savepoint fails")
    with session.begin_nested():
        kept = audit.record(session, "config", "roster.changed", "roster", at=now + timedelta(seconds=1))
    assert kept.seq is None  # a savepoint's release seals nothing: the head is taken at the outermost commit
    audit.record(session, "config", "roster.loaded", "roster", at=now + timedelta(seconds=2))
    session.commit()
    assert [r["kind"] for r in _rows(session)] == ["roster.loaded", "roster.changed", "roster.loaded"]
    _assert_unbroken(session, 3)


def test_data_hashes_the_same_after_the_round_trip_through_the_database(session, now):
    taipei = now.astimezone(timezone(timedelta(hours=8))).replace(microsecond=123456)
    entry = audit.record(session, "U0000CMDR", "x.y", "incident", 5, at=taipei, data=DATA)
    session.commit()
    stored = _rows(session)[0]
    if session.get_bind().dialect.name == "postgresql":  # JSONB keeps numbers as decimals: 1e20 comes back whole
        assert type(stored["data"]["big"]) is int and list(stored["data"]) != list(DATA)
    # Hashed from the values as the service gave them, before any database touched them: the same hash.
    given = {"seq": 1, "id": entry.id, "at": taipei, "actor": "U0000CMDR", "kind": "x.y", "subject_type": "incident",
             "subject_id": 5, "incident_id": None, "data": DATA, "prev_hash": chain.GENESIS}
    assert stored["hash"] == chain.link_hash(given)
    assert stored["at"] == taipei  # microseconds kept, returned in UTC


def test_nan_is_refused_when_recorded(session, now):
    with pytest.raises(ValueError, match="nan"):
        audit.record(session, "U0000CMDR", "x.y", "incident", 5, at=now, data={"v": float("nan")})


def test_a_sealed_event_still_cannot_be_changed_or_deleted(session, now):
    audit.record(session, "config", "roster.loaded", "roster", at=now)
    session.commit()
    for statement in ("UPDATE audit_events SET seq = 9", "UPDATE audit_events SET hash = NULL, seq = NULL",
                      "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(sa.text(statement))
        session.rollback()
    _assert_unbroken(session, 1)


def test_a_missing_head_row_is_rebuilt_not_fatal(session, now):
    audit.record(session, "config", "roster.loaded", "roster", at=now)
    session.commit()
    session.execute(sa.delete(audit.HEAD))
    session.commit()
    assert not audit.verify(session).ok  # the missing head is reported ...
    audit.record(session, "config", "roster.loaded", "roster", at=now)
    session.commit()  # ... but the next transaction still commits, chained after the last event
    _assert_unbroken(session, 2)


# ---------------------------------------------------------------------------------------------- concurrency


@pytest.mark.postgres
def test_concurrent_writers_never_fork_or_fail(pg_database_url, now):
    engine = create_engine(pg_database_url, pool_size=8)
    factory = session_factory(engine)
    try:
        def write(n: int) -> None:
            with factory() as s, s.begin():
                for i in range(3):
                    audit.record(s, f"U{n:08d}", "test.written", "thread", n, at=now, data={"i": i})

        at_once(*[lambda n=n: write(n) for n in range(8)])
        with factory() as s:
            _assert_unbroken(s, 24)
            by_thread = [r["subject_id"] for r in _rows(s)]
            # One transaction's events are one run of the chain: the head is held from the first seal to commit.
            assert all(len(set(by_thread[i:i + 3])) == 1 for i in range(0, 24, 3))
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_an_aggregate_locked_after_an_event_does_not_deadlock(pg_database_url, now):
    """A locks incident 1, writes an event, then waits for incident 2; B holds incident 2, writes an event and
    commits. Had A taken the chain head at its event, B would wait for A and A for B: a deadlock."""
    engine = create_engine(pg_database_url)
    factory = session_factory(engine)
    a_wrote, b_locked = threading.Event(), threading.Event()
    try:
        with factory() as s:
            rows = Rows(s, now)  # each row commits its own transaction
            ids = [rows.incident().id, rows.incident().id]

        def a() -> None:
            with factory() as s, s.begin():
                lock(s, ids[0])
                audit.record(s, "U0000AAAA", "test.a", "incident", ids[0], at=now, incident_id=ids[0])
                a_wrote.set()
                assert b_locked.wait(10)
                lock(s, ids[1])  # waits for B's commit

        def b() -> None:
            assert a_wrote.wait(10)
            with factory() as s, s.begin():
                lock(s, ids[1])
                b_locked.set()
                audit.record(s, "U0000BBBB", "test.b", "incident", ids[1], at=now, incident_id=ids[1])

        at_once(a, b)
        with factory() as s:
            assert [r["kind"] for r in _rows(s)][-2:] == ["test.b", "test.a"]  # in commit order
            _assert_unbroken(s, 4)
    finally:
        engine.dispose()


# ---------------------------------------------------------------------------------------------- migration 0006


def test_migration_backfills_events_written_before_it(database_url, now):
    downgrade(database_url, "0005")
    engine = create_engine(database_url)
    old = [{"at": now + timedelta(seconds=i), "actor": "U0000CMDR", "kind": f"old.{i}", "subject_type": "incident",
            "subject_id": str(i), "incident_id": None, "data": DATA if i == 1 else {"i": i}} for i in range(4)]
    try:
        table = sa.table("audit_events", *(sa.column(k) for k in ("at", "actor", "kind", "subject_type",
                                                                   "subject_id", "incident_id")),
                         sa.column("data", sa.JSON()))
        with engine.begin() as conn:
            conn.execute(table.insert(), [{**e, "at": e["at"].replace(tzinfo=None) if
                                          conn.dialect.name == "sqlite" else e["at"]} for e in old])
        upgrade(database_url)
        with session_factory(engine)() as s:
            rows = _rows(s)
            assert [r["kind"] for r in rows] == [e["kind"] for e in old]
            assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)  # chained in id order
            _assert_unbroken(s, 4)
            audit.record(s, "config", "roster.loaded", "roster", at=now + timedelta(minutes=1))
            s.commit()
            _assert_unbroken(s, 5)  # the bot chains on after the backfill
            with pytest.raises(DBAPIError, match="append-only"):
                s.execute(sa.text("UPDATE audit_events SET actor = 'x' WHERE seq = 1"))
            s.rollback()
        engine.dispose()
        downgrade(database_url, "0005")  # and back: the columns go, the original triggers stay
        with engine.begin() as conn:
            assert "seq" not in {c["name"] for c in sa.inspect(conn).get_columns("audit_events")}
        with engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
            conn.execute(sa.text("DELETE FROM audit_events"))
        upgrade(database_url)
        with session_factory(engine)() as s:
            _assert_unbroken(s, 5)
    finally:
        engine.dispose()


def test_an_event_added_through_the_orm_is_sealed_too(session, now):
    """session.add(AuditEvent(...)), not only storage.audit.record, is chained at commit."""
    session.add(AuditEvent(at=now, actor="U0000CMDR", kind="direct", subject_type="incident", data={}))
    session.commit()
    _assert_unbroken(session, 1)
