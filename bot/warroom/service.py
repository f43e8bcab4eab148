"""War-room changes made inside a state change's transaction: invite people (one work row per group), ask for the
pinned card to be redrawn and the room's topic to be brought up to date. All are due work, so they run after the
commit and never twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.delivery.kinds import WorkKind
from storage import work as queue
from storage.models import Incident


def refresh_card(session: Session, incident_id: int, now: datetime, why: str) -> None:
    """Redraw the card after this change (in the caller's transaction); one redraw per change and moment.

    Every change of an incident's level or status redraws its card, so this is also where the topic is asked to
    follow: the topic work compares what the room shows with the incident and calls Slack only on a difference."""
    queue.enqueue(session, WorkKind.WARROOM_CARD_REFRESH, f"incident:{incident_id}:card:{why}:{now.timestamp()}", now,
                  {"incident": incident_id}, incident_id)
    retitle(session, incident_id, now, why)


def retitle(session: Session, incident_id: int, now: datetime, why: str) -> None:
    """Bring the war room's topic up to date with the incident's level and status after this change (one piece of
    work per change and moment; the executor reads the incident when it runs, so a late one shows the latest)."""
    queue.enqueue(session, WorkKind.WARROOM_TOPIC, f"incident:{incident_id}:topic:{why}:{now.timestamp()}", now,
                  {"incident": incident_id}, incident_id)


def invite(session: Session, incident: Incident, users: list[str | None], now: datetime) -> None:
    """Invite people to the war room in one call (the work key names the group, so it is sent once)."""
    people = sorted(dict.fromkeys(u for u in users if u))
    if people:
        queue.enqueue(session, WorkKind.WARROOM_INVITE, f"incident:{incident.id}:invite:{'+'.join(people)}"[:300], now,
                      {"incident": incident.id, "users": people}, incident.id)
