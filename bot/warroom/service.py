"""The pinned incident card is redrawn by due work; every state change asks for that here, in one way."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.delivery.kinds import WorkKind
from storage import work as queue


def refresh_card(session: Session, incident_id: int, now: datetime, why: str) -> None:
    """Redraw the card after this change (in the caller's transaction); one redraw per change and moment."""
    queue.enqueue(session, WorkKind.WARROOM_CARD_REFRESH, f"incident:{incident_id}:card:{why}:{now.timestamp()}", now,
                  {"incident": incident_id}, incident_id)
