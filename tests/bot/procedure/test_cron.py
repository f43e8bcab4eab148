from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.procedure.cron import cron_trigger

TAIPEI = ZoneInfo("Asia/Taipei")


@pytest.mark.parametrize(("expr", "weekday"), [("0 9 * * 1", 0), ("0 9 * * 0", 6), ("0 9 * * 7", 6),
                                                ("0 9 * * 5", 4), ("0 9 * * 1-5", 0), ("0 9 * * mon", 0)])
def test_day_of_week_numbers_mean_what_crontab_means(expr, weekday):
    start = datetime(2026, 11, 28, 12, 0, tzinfo=TAIPEI)  # a Saturday
    fire = cron_trigger(expr, "Asia/Taipei").get_next_fire_time(None, start)
    assert fire.weekday() == weekday and fire.hour == 9


def test_the_monthly_default_is_the_first_at_nine_taipei_time():
    fire = cron_trigger("0 9 1 * *", "Asia/Taipei").get_next_fire_time(None, datetime(2026, 11, 28, tzinfo=TAIPEI))
    assert fire == datetime(2026, 12, 1, 9, 0, tzinfo=TAIPEI)
