from datetime import timedelta

import pytest

from bot.platform.chat import ChatError, RateLimited, Unavailable
from bot.platform.services import Services
from bot.platform.settings import Settings
from bot.procedure.config import load_config
from scheduler import tick as work_tick
from storage import audit, db
from storage import work as queue
from tests.fakes import RecordingChat


@pytest.fixture
def services(engine, now):
    return Services(Settings(), load_config(), db.session_factory(engine), RecordingChat(), clock=lambda: now)


def enqueue(services, key, kind="post", due_at=None, **payload):
    with services.sessions() as s, s.begin():
        queue.enqueue(s, kind, key, due_at or services.clock(), payload)


def row(services, key):
    with services.sessions() as s:
        return queue.get(s, key)


def test_due_work_runs_once_and_keeps_its_result(services, now):
    enqueue(services, "a", text="hi")
    ran = []

    def post(svc, job, at):
        ran.append(job.payload["text"])
        return {"ts": "1.0"}

    assert work_tick.tick(services, now, {"post": post}) == 1
    assert work_tick.tick(services, now, {"post": post}) == 0
    assert ran == ["hi"]
    done = row(services, "a")
    assert done.done_at is not None and done.result == {"ts": "1.0"}


def test_future_work_waits(services, now):
    enqueue(services, "later", due_at=now + timedelta(minutes=5))
    assert work_tick.tick(services, now, {"post": lambda *a: None}) == 0
    assert work_tick.tick(services, now + timedelta(minutes=5), {"post": lambda *a: None}) == 1


@pytest.mark.parametrize(
    ("error", "retry_in"),
    [(RateLimited(7), timedelta(seconds=7)), (Unavailable("http_500"), timedelta(seconds=1)),
     (RuntimeError("db blip"), timedelta(seconds=1))],
)
def test_transient_failures_retry_later(services, now, error, retry_in):
    enqueue(services, "k")

    def fail(*args):
        raise error

    work_tick.tick(services, now, {"post": fail})
    pending = row(services, "k")
    assert pending.done_at is None and pending.cancelled_at is None
    assert pending.due_at == now + retry_in
    assert work_tick.tick(services, now + retry_in, {"post": lambda *a: {"ok": 1}}) == 1
    assert row(services, "k").done_at is not None


def test_backoff_grows_and_is_capped():
    assert [work_tick.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert work_tick.backoff(40).total_seconds() == work_tick.MAX_BACKOFF_SECONDS


@pytest.mark.parametrize("executors", [{"post": lambda *a: (_ for _ in ()).throw(ChatError("channel_not_found"))},
                                       {}], ids=["slack-said-no", "unknown-kind"])
def test_permanent_failures_give_up_with_an_audit_entry(services, now, executors):
    enqueue(services, "dead")
    work_tick.tick(services, now, executors)
    gone = row(services, "dead")
    assert gone.cancelled_at is not None and gone.last_error
    with services.sessions() as s:
        entries = audit.events(s, kind_prefix="work.gave_up")
        assert [e.subject_id for e in entries] == ["dead"]


def test_a_job_whose_lease_ran_out_is_left_to_its_new_holder(services, now):
    from storage import work as q

    enqueue(services, "slow-batch-1")
    enqueue(services, "slow-batch-2")
    ran = []
    later = [now]
    services.clock = lambda: later[0]

    def slow(svc, job, at):
        ran.append(job.key)
        later[0] = now + timedelta(seconds=work_tick.LEASE_SECONDS + 5)  # this job took longer than the lease
        with svc.sessions() as s, s.begin():  # meanwhile another replica claimed what had expired
            q.claim_due(s, later[0], "other-replica", 60, 10)
        return {}

    work_tick.tick(services, now, {"post": slow})
    assert ran == ["slow-batch-1"]
    assert row(services, "slow-batch-2").claimed_by == "other-replica"
