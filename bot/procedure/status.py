"""Statuses, one type for each aggregate and one home for all: incidents, pages and drills.

Each is a `StrEnum`, so the stored strings compare equal to the members and the database needs no change.
"""

from __future__ import annotations

from enum import StrEnum


class IncidentStatus(StrEnum):
    """An incident's life (procedure §5–§6): open → (low level: observing) → resolved → closed."""

    OPEN = "open"
    OBSERVING = "observing"  # a low-level incident the unit handled and keeps watching (§5)
    RESOLVED = "resolved"  # the crisis is over; the case file is awaited
    CLOSED = "closed"  # the case file is in


# The war room is still handling the crisis: the level can change, people can be paged, steps can be done.
ACTIVE = (IncidentStatus.OPEN, IncidentStatus.OBSERVING)
FINISHED = (IncidentStatus.RESOLVED, IncidentStatus.CLOSED)


class PageStatus(StrEnum):
    """A page: waiting for an answer, answered, timed out (escalated), answered by someone else on its chain,
    closed with its incident, or stood down by a lower judged level (`bot.paging.transitions` has the moves)."""

    PAGING = "paging"
    ACKED = "acked"
    ESCALATED = "escalated"
    SUPERSEDED = "superseded"
    CLOSED = "closed"  # the incident was resolved while the page waited: nobody needs to answer it
    STOOD_DOWN = "stood_down"  # the level was judged lower than the one it was sent for: its tier is not needed


class DrillStatus(StrEnum):
    """A drill (procedure §7): drawn → planned → reported → evaluating → closed."""

    DRAWN = "drawn"
    PLANNED = "planned"
    REPORTED = "reported"
    EVALUATING = "evaluating"
    CLOSED = "closed"


class EvaluationStatus(StrEnum):
    """A drill evaluation submitted for approval (陳核): submitted → approved, or returned for changes, or
    superseded by a newer version submitted before it was decided (only the newest version may be decided)."""

    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    SUPERSEDED = "superseded"


# A drill's unit may still file (or revise) its report form.
OPEN_FOR_REPORT = (DrillStatus.DRAWN, DrillStatus.PLANNED)
