"""A report as the procedure has it: the validated fields, the result of storing it, the limits of each field,
the flags a reporter may set, the order of the levels, and the reporter's account as every view shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.procedure.config import REPORT_FLAGS, Level
from storage.types import as_utc

LEVEL_ORDER = {Level.LOW: 0, Level.MEDIUM: 1, Level.HIGH: 2}


@dataclass(frozen=True)
class Report:
    """A validated report, ready to store."""

    unit_id: str
    category: str
    subtype: str
    title: str
    description: str
    occurred_at: datetime | None
    location: str
    impact: str
    proposed_level: Level
    flags: dict[str, bool]


@dataclass(frozen=True)
class Reported:
    incident_id: int
    number: str
    title: str
    created: bool


TITLE_MAX = 150


DESCRIPTION_MAX = 3000


LOCATION_MAX = 200


IMPACT_MAX = 2000


FLAGS = REPORT_FLAGS


@dataclass(frozen=True)
class Account:
    """The reporter's account as it travels with the incident: what happened, when (UTC), where, the impact so far,
    and the flags they set (in the form's order). Empty fields are empty strings, never None."""

    description: str = ""
    occurred_at: datetime | None = None
    location: str = ""
    impact: str = ""
    flags: tuple[str, ...] = ()

    @classmethod
    def of(cls, incident: Any) -> Account:
        """The account of a stored incident (`storage.models.Incident`)."""
        chosen = incident.flags or {}
        return cls(incident.description or "", as_utc(incident.occurred_at) if incident.occurred_at else None,
                   incident.location or "", incident.impact or "", tuple(f for f in FLAGS if chosen.get(f)))
