"""APScheduler drives the tick every CRISISBOT_TICK_SECONDS and runs the cron jobs, one in-memory scheduler a
replica (job stores are never shared between processes; the database rows coordinate replicas).

`kick()` asks for a tick now: right after a commit that enqueued work, so a page goes out at once rather than at
the next interval."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from bot.procedure.cron import cron_trigger

log = logging.getLogger(__name__)


TICK_JOB = "tick"


class Ticker:
    """Runs `sweep()` (which returns how many jobs it ran) on a worker thread, on the interval and on demand.

    The interval job only wakes the worker; the worker sweeps until nothing more ran. Waking is an Event, so a
    kick that lands while a sweep runs is never lost: the worker sweeps once more.
    """

    def __init__(self, sweep: Callable[[], int], seconds: float) -> None:
        self._sweep = sweep
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._worker = threading.Thread(target=self._loop, name="crisisbot-tick", daemon=True)
        self.scheduler = BackgroundScheduler(timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1,
                                                                         "misfire_grace_time": None})
        self.scheduler.add_job(self.kick, "interval", seconds=seconds, id=TICK_JOB, next_run_time=datetime.now(UTC))

    def start(self) -> Ticker:
        self._worker.start()
        self.scheduler.start()
        return self

    def add_cron(self, job_id: str, crontab: str, timezone: str, func: Callable[[], Any]) -> None:
        self.scheduler.add_job(func, cron_trigger(crontab, timezone), id=job_id)

    def kick(self) -> None:
        self._wake.set()

    def _loop(self) -> None:
        while True:
            self._wake.wait()
            if self._stop.is_set():
                return
            self._wake.clear()
            try:
                ran = self._sweep()
            except Exception:  # the database may be down: the next interval tries again
                log.exception("tick failed")
                continue
            if ran:
                self._wake.set()  # more may be due: drain before sleeping

    def shutdown(self) -> None:
        self._stop.set()
        self._wake.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self._worker.is_alive() and self._worker is not threading.current_thread():
            self._worker.join(10)
