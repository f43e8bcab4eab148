"""A report as the procedure has it: the validated fields, the result of storing it, the limits of each field,
the flags a reporter may set, and the order of the levels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.procedure.config import Level

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


FLAGS = ("media", "legislator", "casualties")
