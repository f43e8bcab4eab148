"""War-room changes made inside a state change's transaction: invite people (one work row per group) and ask
for the pinned card to be redrawn. Both are due work, so they run after the commit and never twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.delivery.kinds import WorkKind
from storage import work as queue
from storage.models import Incident


def refresh_card(session: Session, incident_id: int, now: datetime, why: str) -> None:
    """Redraw the card after this change (in the caller's transaction); one redraw per change and moment."""
    queue.enqueue(session, WorkKind.WARROOM_CARD_REFRESH, f"incident:{incident_id}:card:{why}:{now.timestamp()}", now,
                  {"incident": incident_id}, incident_id)


def invite(session: Session, incident: Incident, users: list[str | None], now: datetime) -> None:
    """Invite people to the war room in one call (the work key names the group, so it is sent once)."""
    people = sorted(dict.fromkeys(u for u in users if u))
    if people:
        queue.enqueue(session, WorkKind.WARROOM_INVITE, f"incident:{incident.id}:invite:{'+'.join(people)}"[:300], now,
                      {"incident": incident.id, "users": people}, incident.id)
