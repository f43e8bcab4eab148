"""Logging set-up. Tokens and secrets never reach a log line, whatever library printed them, and the scheduler's
per-tick chatter stays at DEBUG so that INFO says what the bot did, not that a timer fired."""

from __future__ import annotations

import logging
import re

_SECRET = re.compile(r"\b(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)")

# APScheduler's executor logs "Running job …" and "Job … executed successfully" at INFO for every run: with the tick
# every 15 s that is 11,520 lines a day saying nothing. Its warnings (a missed run) and errors stay as they are.
SCHEDULER_EXECUTOR_LOGGER = "apscheduler.executors.default"


class RedactTokens(logging.Filter):
    """Masks anything shaped like a Slack token in the formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _SECRET.sub(lambda m: m.group(1)[:5] + "…[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class DemoteToDebug(logging.Filter):
    """Turns a logger's INFO records into DEBUG ones: kept when DEBUG is on, dropped otherwise.

    A logger's level is checked before its filters run, so lowering the record's level here is not enough: the
    filter itself must drop the record when DEBUG is not wanted (handlers at NOTSET would print it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO:
            return True
        record.levelno, record.levelname = logging.DEBUG, logging.getLevelName(logging.DEBUG)
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


def quiet_scheduler() -> None:
    """Put APScheduler's per-run INFO lines at DEBUG (once, however often logging is set up)."""
    executor = logging.getLogger(SCHEDULER_EXECUTOR_LOGGER)
    if not any(isinstance(f, DemoteToDebug) for f in executor.filters):
        executor.addFilter(DemoteToDebug())


def setup_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # The SDK logs request headers at DEBUG; keep it quiet even when the bot runs at DEBUG.
    logging.getLogger("slack_sdk").setLevel(max(level, logging.INFO))
    logging.getLogger("alembic").setLevel(max(level, logging.WARNING))  # its plugin chatter says nothing useful
    quiet_scheduler()
