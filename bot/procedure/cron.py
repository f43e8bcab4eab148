"""Crontab expressions as APScheduler triggers, with crontab's meaning of the day-of-week numbers."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _crontab_days(field: str) -> str:
    # APScheduler 3 counts day-of-week from Monday = 0; crontab (and every admin) from Sunday = 0 (7 too).
    return re.sub(r"\b([0-7])\b", lambda m: _DAYS[int(m.group(1))], field)


def cron_trigger(expr: str, timezone: str | None = None) -> CronTrigger:
    """A trigger for a five-field crontab expression with crontab's meaning of the day-of-week numbers."""
    fields = expr.split()
    if len(fields) == 5:
        fields[4] = _crontab_days(fields[4])
    return CronTrigger.from_crontab(" ".join(fields), timezone=timezone)


def fired_this_month(expr: str, tz: ZoneInfo, now: datetime) -> bool:
    """Whether the schedule has fired in ``now``'s month (in ``tz``) by ``now``: a monthly job missed while no
    replica ran is caught up at start only once its time has come."""
    start = now.astimezone(tz).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    fire = cron_trigger(expr, tz).get_next_fire_time(None, start)
    return fire is not None and fire <= now
