"""This replica's scheduled jobs: the tick on its interval (and on demand), and the monthly drill draw as a cron job.

APScheduler's in-memory store, one per replica (design.md §1): the database rows coordinate replicas, so a draw
that two replicas fire at once is one draw (a unique key on the period), and a tick never runs a job twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.drills.work import scheduled_draw
from bot.platform.services import Services
from scheduler.ticker import Ticker

log = logging.getLogger(__name__)

DRILL_DRAW_JOB = "drill-draw"


def start(services: Services, sweep: Callable[[], int]) -> Ticker:
    """Start the ticker with the drill draw on the config's schedule, and a catch-up draw once at start."""
    ticker = Ticker(sweep, services.settings.crisisbot_tick_seconds)
    config = services.config
    def monthly_drill_draw() -> None:  # named: APScheduler logs the job by its function's name
        draw(services)

    ticker.add_cron(DRILL_DRAW_JOB, config.drills.schedule, config.organisation.timezone, monthly_drill_draw)
    # A draw that fell due while no replica ran: once, at start, on the scheduler's thread.
    ticker.scheduler.add_job(draw, args=(services,), kwargs={"catch_up": True}, id=f"{DRILL_DRAW_JOB}-catch-up")
    ticker.start()
    services.kick = ticker.kick
    return ticker


def draw(services: Services, now: datetime | None = None, *, catch_up: bool = False) -> None:
    """The cron job's draw; a failure is logged, and the next start (or a manual draw) catches up."""
    try:
        drawn = scheduled_draw(services, now, catch_up=catch_up)
    except Exception:  # the database may be down
        log.exception("the monthly drill draw failed")
        return
    if drawn is not None:
        log.info("drill %s drawn for %s: %s", drawn.drill_id, drawn.period, drawn.unit_id)
