"""APScheduler's per-run lines ("Running job …", "Job … executed successfully") are DEBUG, not INFO: over a few
real ticks of the scheduler, INFO shows none of them and DEBUG shows them all."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest

from bot.platform.logs import RedactTokens, setup_logging
from scheduler.ticker import Ticker

TICKS = 3


class RecordingHandler(logging.Handler):
    """Keeps every record that reaches the root logger's handlers, as a log file would receive them."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def scheduler_lines(self) -> list[tuple[str, str]]:
        return [(r.levelname, r.getMessage()) for r in self.records if r.name.startswith("apscheduler.executors")]


@pytest.fixture
def logged() -> Iterator[RecordingHandler]:
    handler = RecordingHandler()
    yield handler
    logging.getLogger().removeHandler(handler)


def run_ticks(n: int) -> None:
    """Let the real scheduler fire its interval job until the sweep ran `n` times (an event, not a sleep)."""
    swept, count = threading.Event(), [0]

    def sweep() -> int:
        count[0] += 1
        if count[0] >= n:
            swept.set()
        return 0

    ticker = Ticker(sweep, seconds=0.02).start()
    try:
        assert swept.wait(10), f"only {count[0]} sweeps ran"
    finally:
        ticker.shutdown()


def test_at_info_the_scheduler_says_nothing_per_tick(logged: RecordingHandler) -> None:
    setup_logging(logging.INFO)
    logging.getLogger().addHandler(logged)

    run_ticks(TICKS)
    logging.getLogger("crisisbot.test").info("the bot's own INFO line")

    assert logged.scheduler_lines() == []
    assert [r.getMessage() for r in logged.records if r.name == "crisisbot.test"] == ["the bot's own INFO line"]


def test_at_debug_the_per_tick_lines_are_there_marked_debug(logged: RecordingHandler) -> None:
    setup_logging(logging.DEBUG)
    logging.getLogger().addHandler(logged)

    run_ticks(TICKS)

    lines = logged.scheduler_lines()
    running = [m for _, m in lines if m.startswith("Running job")]
    done = [m for _, m in lines if m.endswith("executed successfully")]
    assert len(running) >= TICKS and len(done) >= TICKS - 1  # the last run may still be finishing at shutdown
    assert {level for level, _ in lines} == {"DEBUG"}


def test_the_scheduler_still_warns_at_info(logged: RecordingHandler) -> None:
    setup_logging(logging.INFO)
    logging.getLogger().addHandler(logged)

    logging.getLogger("apscheduler.executors.default").warning('Run time of job "tick" was missed by 0:00:20')

    assert logged.scheduler_lines() == [("WARNING", 'Run time of job "tick" was missed by 0:00:20')]


def test_setting_up_twice_installs_the_filters_once() -> None:
    setup_logging()
    setup_logging()
    executor = logging.getLogger("apscheduler.executors.default")
    assert len(executor.filters) == 1
    assert all(isinstance(f, RedactTokens) for h in logging.getLogger().handlers for f in h.filters)
