"""What Slack told us about people (their locale), kept so replicas and restarts need not ask again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import UserCache
from storage.types import as_utc


def cached_locale(session: Session, user_id: str, fresh_since: datetime) -> tuple[str | None] | None:
    """`(locale,)` when a look-up newer than `fresh_since` is stored (the locale itself may be None)."""
    row = session.get(UserCache, user_id)
    if row is None or row.fetched_at < as_utc(fresh_since):
        return None
    return (row.locale,)


def save_locale(session: Session, user_id: str, locale: str | None, tz: str | None, now: datetime) -> None:
    """Store a look-up, replacing an older one; an upsert, so two replicas saving at once do not collide."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    values = {"locale": locale, "tz": tz, "fetched_at": as_utc(now)}
    session.execute(insert(UserCache).values(user_id=user_id, **values)
                    .on_conflict_do_update(index_elements=["user_id"], set_=values))
