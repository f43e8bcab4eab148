"""Page queries: an incident's pages, a role's open page, the pages still waiting on a person.

Statuses are the procedure's (`bot.procedure.status.PageStatus`); callers pass the ones they mean, so this module
stays below the procedure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import Incident, Page


def lock(session: Session, page_id: int) -> Page | None:
    """The page, with its incident locked first (always incident, then page: one order, no deadlock) and the page
    read afresh after the lock, so an acknowledgement and the escalation timer never both decide on a stale row."""
    page = session.get(Page, page_id)
    if page is None:
        return None
    session.get(Incident, page.incident_id, with_for_update=True, populate_existing=True)
    return session.get(Page, page_id, with_for_update=True, populate_existing=True)


def of_incident(session: Session, incident_id: int) -> Sequence[Page]:
    """Every page of an incident, in the order they were sent."""
    return session.scalars(sa.select(Page).where(Page.incident_id == incident_id).order_by(Page.id)).all()


def of_role(session: Session, incident_id: int, role: str, statuses: Iterable[str]) -> Page | None:
    """An incident's page of ``role`` in one of ``statuses``, if any."""
    return session.scalar(sa.select(Page).where(Page.incident_id == incident_id, Page.role == str(role),
                                                Page.status.in_([str(s) for s in statuses])).limit(1))


def others(session: Session, page: Page, status: str) -> Sequence[Page]:
    """The incident's other pages in ``status``."""
    return session.scalars(sa.select(Page).where(Page.incident_id == page.incident_id, Page.status == str(status),
                                                 Page.id != page.id)).all()


def waiting_on(session: Session, user: str, status: str, limit: int) -> list[tuple[Page, Incident]]:
    """The pages in ``status`` sent to ``user``, oldest first, with their incidents."""
    rows = session.execute(sa.select(Page, Incident).join(Incident, Incident.id == Page.incident_id)
                           .where(Page.target_user == user, Page.status == str(status))
                           .order_by(Page.paged_at, Page.id).limit(limit)).all()
    return [(p, i) for p, i in rows]
