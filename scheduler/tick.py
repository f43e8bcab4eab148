"""The tick: sweep due work (timers and pending Slack side effects) and run each piece once.

Work is claimed with a lease and committed before any Slack call, so no transaction is held across the network.
A 429 waits for Retry-After; a 5xx, timeout or unexpected error backs off exponentially; Slack's "no" ends the
work with the reason kept. Every kind has an attempt cap (`bot.delivery.kinds.ATTEMPTS`); work that gives up, for
whatever reason, leaves an alert that is itself due work (`WorkKind.DELIVERY_FAILED`), so the war room or the
executive secretary learns what did not arrive. Executors must be idempotent: a lease that runs out lets another
replica redo the work, and the idempotency key on the row keeps the effect single. The kind → executor table is
`scheduler.executors`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.delivery.job import NOT_READY_RETRY, Executor, GiveUp, Job, NotReady
from bot.delivery.kinds import NOT_READY_FAST, WorkKind, attempt_cap
from bot.platform.chat import ChatError, RateLimited, Unavailable
from scheduler.executors import EXECUTORS
from storage import audit
from storage import work as queue

if TYPE_CHECKING:
    from bot.platform.services import Services


log = logging.getLogger(__name__)

LEASE_SECONDS = 60
MAX_BACKOFF_SECONDS = 300
WORKER = f"{socket.gethostname()}:{os.getpid()}"


def backoff(attempts: int) -> timedelta:
    """How long to wait after a failed attempt: doubling from 1 s, capped at five minutes."""
    return timedelta(seconds=min(MAX_BACKOFF_SECONDS, 2 ** max(0, attempts - 1)))


def not_ready_delay(attempts: int) -> timedelta:
    """How long work waiting on other work waits: a second at first (the room is usually a moment away), then
    backing off like a failure, so a dependency that never comes does not spin until the cap."""
    return NOT_READY_RETRY if attempts <= NOT_READY_FAST else backoff(attempts - NOT_READY_FAST)


def alert_key(key: str) -> str:
    """The key of the alert about work `key` that gave up: one alert per piece of work, within the key column."""
    whole = f"undelivered:{key}"
    return whole if len(whole) <= 300 else f"undelivered:{hashlib.sha256(key.encode()).hexdigest()}"


def tick(services: Services, now: datetime, executors: Mapping[str, Executor] | None = None, *,
         worker: str = WORKER, limit: int = 50) -> int:
    """Claim what is due at `now`, run it, record the outcome. Returns how many jobs ran."""
    executors = EXECUTORS if executors is None else executors
    with services.sessions() as session, session.begin():
        lease = getattr(services.settings, "crisisbot_lease_seconds", LEASE_SECONDS)
        rows = queue.claim_due(session, now, worker, lease, limit)
        jobs = [Job(r.id, r.kind, r.key, r.subject_id, dict(r.payload or {}), r.attempts, r.due_at) for r in rows]
    ran = 0
    for job in jobs:
        # Slow Slack answers can outlast the lease taken for the whole batch: renew it right before each job, and
        # leave a job whose lease ran out to the worker that holds it now.
        with services.sessions() as session, session.begin():
            mine = queue.renew(session, job.id, worker, max(now, services.clock()), lease)
        if not mine:
            log.warning("work %s: lease lost before it ran; another worker has it", job.key)
            continue
        _run(services, job, now, executors, worker)
        ran += 1
    return ran


def _run(services: Services, job: Job, now: datetime, executors: Mapping[str, Executor], worker: str) -> None:
    executor = executors.get(job.kind)
    retry_at: datetime | None
    try:
        if executor is None:
            raise GiveUp(f"no executor for work kind {job.kind!r}")
        result = executor(services, job, now)
    except NotReady as exc:
        retry_at, error = now + not_ready_delay(job.attempts), f"not ready: {exc}"
    except RateLimited as exc:
        retry_at, error = now + timedelta(seconds=max(exc.retry_after, 1)), str(exc)
    except Unavailable as exc:
        retry_at, error = now + backoff(job.attempts), str(exc)
    except (GiveUp, ChatError) as exc:
        retry_at, error = None, str(exc)
    except Exception as exc:  # a bug or a database blip must not lose the work: retry with back-off
        log.exception("work %s (%s) failed; will retry", job.key, job.kind)
        retry_at, error = now + backoff(job.attempts), f"{type(exc).__name__}: {exc}"
    else:
        with services.sessions() as session, session.begin():
            queue.complete(session, job.id, now, result, worker=worker)
        return
    if retry_at is not None and job.attempts >= attempt_cap(job.kind):
        retry_at, error = None, f"gave up after {job.attempts} attempts: {error}"
    with services.sessions() as session, session.begin():
        failed = queue.fail(session, job.id, now, error, retry_at, worker=worker)
        if retry_at is None and failed:
            audit.record(session, actor="crisisbot", kind="work.gave_up", subject_type="work", subject_id=job.key,
                         data={"kind": job.kind, "error": error}, at=now)
            _alert(session, job, now, error)
    if retry_at is None:
        log.error("work %s (%s) gave up: %s", job.key, job.kind, error)
    else:
        log.warning("work %s (%s) will retry at %s: %s", job.key, job.kind, retry_at.isoformat(), error)


def _alert(session: Any, job: Job, now: datetime, error: str) -> None:
    """Leave the alert about work that gave up, in the transaction that gives up (so it is as durable as the
    failure). An alert that gives up is logged and audited only: alerting about an alert could loop."""
    if job.kind == WorkKind.DELIVERY_FAILED:
        log.error("the alert %s could not be delivered either; see the audit trail", job.key)
        return
    payload = {"kind": job.kind, "key": job.key, "attempts": job.attempts, "error": error[:300],
               **{k: job.payload[k] for k in ("incident", "drill", "user") if job.payload.get(k) is not None}}
    queue.enqueue(session, WorkKind.DELIVERY_FAILED, alert_key(job.key), now, payload, job.subject_id)
