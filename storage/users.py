"""What Slack told us about people (their locale, their name), kept so replicas and restarts need not ask again,
and so documents compiled without Slack (`crisisbot export`) can still name people."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
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


def save_locale(session: Session, user_id: str, locale: str | None, tz: str | None, now: datetime,
                name: str | None = None) -> None:
    """Store a look-up, replacing an older one; an upsert, so two replicas saving at once do not collide. A look-up
    that brought no name keeps the name stored before (a name outlives a locale's freshness)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    values: dict[str, object] = {"locale": locale, "tz": tz, "fetched_at": as_utc(now)}
    if name:
        values["name"] = name
    session.execute(insert(UserCache).values(user_id=user_id, **values)
                    .on_conflict_do_update(index_elements=["user_id"], set_=values))


def names(session: Session, user_ids: Iterable[str]) -> dict[str, str]:
    """The stored name of each of these people that has one (any age: people rarely change their names)."""
    wanted = sorted({u for u in user_ids if u})
    if not wanted:
        return {}
    rows = session.execute(select(UserCache.user_id, UserCache.name)
                           .where(UserCache.user_id.in_(wanted), UserCache.name.is_not(None)))
    return {user: name for user, name in rows if name}
