"""Times are UTC and timezone-aware on both databases; naive input is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import StatementError

from storage.db import session_factory
from storage.models import Incident, UserCache
from storage.types import NaiveDatetimeError

TAIPEI = timezone(timedelta(hours=8))


def test_aware_time_round_trips_as_utc(engine, make, session):
    local = datetime(2026, 11, 3, 9, 30, 15, 123456, tzinfo=TAIPEI)
    incident = make.incident(occurred_at=local)
    session.commit()
    with session_factory(engine)() as other:
        loaded = other.get(Incident, incident.id)
        assert loaded is not None
        assert loaded.occurred_at == local
        assert loaded.occurred_at.tzinfo == UTC
        assert loaded.occurred_at.hour == 1


def test_naive_time_is_rejected(session):
    session.add(UserCache(user_id="U0000INS1", locale="zh-TW", fetched_at=datetime(2026, 1, 1)))
    with pytest.raises(StatementError) as info:
        session.flush()
    assert isinstance(info.value.orig, NaiveDatetimeError)


def test_comparisons_across_zones(session, now):
    # Stored UTC compares correctly against a bound value given in another zone.
    session.add(UserCache(user_id="U1", fetched_at=now))
    session.flush()
    later_in_taipei = (now + timedelta(minutes=1)).astimezone(TAIPEI)
    found = session.scalars(sa.select(UserCache.user_id).where(UserCache.fetched_at < later_in_taipei)).all()
    assert found == ["U1"]
