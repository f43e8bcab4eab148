"""This replica's scheduled jobs: the tick on its interval (and on demand), and the monthly drill draw and the monthly
review (last month's figures to the executive secretary) as cron jobs, each caught up once at start if missed.

APScheduler's in-memory store, one per replica (design.md §1): the database rows coordinate replicas, so a draw
that two replicas fire at once is one draw (a unique key on the period), a monthly review one due-work row (keyed by
its period), and a tick never runs a job twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.drills.work import scheduled_draw
from bot.platform.services import Services
from bot.review.work import scheduled_review
from scheduler.ticker import Ticker

log = logging.getLogger(__name__)

DRILL_DRAW_JOB = "drill-draw"
REVIEW_JOB = "monthly-review"


def start(services: Services, sweep: Callable[[], int]) -> Ticker:
    """Start the ticker with the drill draw and the monthly review on the config's schedules, each caught up once
    at start."""
    ticker = Ticker(sweep, services.settings.crisisbot_tick_seconds)
    config = services.config
    def monthly_drill_draw() -> None:  # named: APScheduler logs the job by its function's name
        draw(services)

    ticker.add_cron(DRILL_DRAW_JOB, config.drills.schedule, config.organisation.timezone, monthly_drill_draw)
    # A draw that fell due while no replica ran: once, at start, on the scheduler's thread.
    ticker.scheduler.add_job(draw, args=(services,), kwargs={"catch_up": True}, id=f"{DRILL_DRAW_JOB}-catch-up")

    def monthly_review() -> None:
        review(services)

    ticker.add_cron(REVIEW_JOB, config.review.schedule, config.organisation.timezone, monthly_review)
    ticker.scheduler.add_job(review, args=(services,), kwargs={"catch_up": True}, id=f"{REVIEW_JOB}-catch-up")
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


def review(services: Services, now: datetime | None = None, *, catch_up: bool = False) -> None:
    """The cron job's monthly review; a failure is logged, and the next start catches up."""
    try:
        period = scheduled_review(services, now, catch_up=catch_up)
    except Exception:  # the database may be down
        log.exception("the monthly review failed")
        return
    if period is not None:
        log.info("the review of %s is on its way to the executive secretary", period)
