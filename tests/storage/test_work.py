"""Due work: idempotent enqueue, exactly-once claims across workers, leases, retries and cancellation."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from storage import work
from storage.db import session_factory
from storage.models import DueWork


def _run_threads(n: int, target, *args) -> list[BaseException]:
    errors: list[BaseException] = []

    def wrapped(i: int) -> None:
        try:
            target(i, *args)
        except BaseException as exc:  # collected for the caller's assertion
            errors.append(exc)

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    return errors


def test_enqueue_twice_is_one_row(session, now):
    assert work.enqueue(session, "page.escalate", "page:1:escalate", now, {"page": 1}, subject_id=7) is True
    assert work.enqueue(session, "page.escalate", "page:1:escalate", now + timedelta(hours=1), {}) is False
    rows = session.scalars(sa.select(DueWork)).all()
    assert len(rows) == 1
    assert rows[0].payload == {"page": 1}
    assert rows[0].subject_id == "7"
    assert rows[0].due_at == now


def test_concurrent_enqueue_of_one_key_makes_one_row(engine, now):
    factory = session_factory(engine)
    barrier = threading.Barrier(8)
    created: list[bool] = []

    def enqueue(i: int) -> None:
        barrier.wait()
        with factory() as s:
            created.append(work.enqueue(s, "slack.create_channel", "incident:1:channel", now, {"by": i}))
            s.commit()

    assert _run_threads(8, enqueue) == []
    assert created.count(True) == 1
    with factory() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(DueWork)) == 1


def test_claim_due_takes_only_due_unclaimed_work(session, make, now):
    due = make.work("a", due_in=-5)
    make.work("later", due_in=60)
    claimed = work.claim_due(session, now, "w1", lease_seconds=30, limit=10)
    assert [w.key for w in claimed] == ["a"]
    assert claimed[0] is due
    assert (due.claimed_by, due.claimed_until, due.attempts) == ("w1", now + timedelta(seconds=30), 1)
    assert work.claim_due(session, now, "w2", lease_seconds=30) == []


def test_claims_are_exactly_once_across_concurrent_workers(engine, now):
    factory = session_factory(engine)
    with factory() as s:
        for i in range(60):
            work.enqueue(s, "test", f"job:{i}", now - timedelta(seconds=i))
        s.commit()
    done: Counter[int] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(6)

    def worker(i: int) -> None:
        name = f"worker-{i}"
        barrier.wait()
        while True:
            with factory() as s:
                batch = work.claim_due(s, now, name, lease_seconds=300, limit=4)
                s.commit()  # the lease is visible to the others from here
                if not batch:
                    return
                for item in batch:
                    with lock:
                        done[item.id] += 1
                    assert work.complete(s, item, now, {"by": name}, worker=name)
                s.commit()

    assert _run_threads(6, worker) == []
    assert len(done) == 60
    assert set(done.values()) == {1}
    with factory() as s:
        assert s.scalar(sa.select(sa.func.count()).where(DueWork.done_at.is_(None))) == 0
        assert set(s.scalars(sa.select(DueWork.attempts)).all()) == {1}


def test_expired_lease_is_reclaimed(session, make, now):
    item = make.work("job", due_in=0)
    assert work.claim_due(session, now, "a", lease_seconds=30) == [item]
    assert work.claim_due(session, now + timedelta(seconds=29), "b", lease_seconds=30) == []
    # Worker a died; after its lease b takes over and the attempt is counted again.
    assert work.claim_due(session, now + timedelta(seconds=31), "b", lease_seconds=30) == [item]
    assert (item.claimed_by, item.attempts) == ("b", 2)
    # a wakes up: it cannot release b's claim, and b's completion is the one that counts.
    assert work.fail(session, item, now, "late", retry_at=now, worker="a") is False
    assert work.complete(session, item, now + timedelta(seconds=40), {"ts": "1.2"}, worker="b") is True
    assert item.done_at == now + timedelta(seconds=40) and item.result == {"ts": "1.2"}
    assert work.complete(session, item, now + timedelta(seconds=41)) is False
    assert work.claim_due(session, now + timedelta(days=1), "c") == []


def test_fail_releases_for_retry_or_gives_up(session, make, now):
    item = make.work("job", due_in=0)
    work.claim_due(session, now, "a")
    assert work.fail(session, item, now, "ratelimited", retry_at=now + timedelta(seconds=20), worker="a")
    assert (item.claimed_by, item.claimed_until, item.last_error) == (None, None, "ratelimited")
    assert work.claim_due(session, now + timedelta(seconds=19), "a") == []
    assert work.claim_due(session, now + timedelta(seconds=20), "a") == [item]
    assert work.fail(session, item, now, "channel_not_found", retry_at=None)
    assert item.cancelled_at == now
    assert work.claim_due(session, now + timedelta(days=1), "a") == []


def test_cancel_by_key_prefix_or_subject(session, make, now):
    make.work("incident:1:page:commander", subject_id=1)
    make.work("incident:1:untriaged", subject_id=1)
    make.work("incident:10:untriaged", subject_id=10)
    make.work("incident%:x")  # LIKE wildcards in a prefix are literal
    done = make.work("incident:1:channel", subject_id=1)
    work.complete(session, done, now)
    assert work.cancel(session, now, key_prefix="incident:1:page:") == 1
    assert work.cancel(session, now, subject_id=1) == 1  # the untriaged timer; done work is left alone
    assert work.cancel(session, now, key_prefix="incident%") == 1
    assert [w.key for w in work.pending(session)] == ["incident:10:untriaged"]
    assert work.next_due_at(session) == now


def test_due_index_serves_the_tick(engine):
    indexes = {ix["name"]: ix for ix in sa.inspect(engine).get_indexes("due_work")}
    assert indexes["ix_due_work_pending_due_at"]["column_names"] == ["due_at"]
