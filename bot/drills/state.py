"""A drill's statuses and read models: the drill as views show it, the status overview, and services' results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.drills import lottery

SCENARIO_MAX = 3000


@dataclass(frozen=True)
class Drawn:
    drill_id: int
    period: str
    unit_id: str
    category: str
    due_at: datetime
    created: bool


@dataclass(frozen=True)
class Verification:
    drill_id: int
    period: str
    unit_id: str
    checks: list[lottery.Check]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


@dataclass(frozen=True)
class Plan:
    category: str
    scenario: str
    window_start: datetime | None
    window_end: datetime | None
    due_day: date | None


REPORT_FIELDS = ("unit", "drill_time", "items", "case", "summary", "findings", "improvements")


@dataclass(frozen=True)
class Filed:
    report_id: int
    version: int
    created: bool


TEXT_MAX = 3000


@dataclass(frozen=True)
class DrillState:
    """What the drill's messages show, read from a Drill row."""

    id: int
    period: str
    unit_id: str
    category: str
    scenario: str | None
    window_start: datetime | None
    window_end: datetime | None
    due_at: datetime
    status: str
    drawn_by: str
    drawn_at: datetime
    record_hash: str

    @classmethod
    def of(cls, drill: Any) -> DrillState:
        return cls(drill.id, drill.period, drill.unit_id, drill.category, drill.scenario, drill.window_start,
                   drill.window_end, drill.due_at, drill.status, drill.drawn_by, drill.drawn_at,
                   str((drill.draw or {}).get("record_hash", "")))


@dataclass(frozen=True)
class StatusData:
    current: DrillState | None
    report_version: int | None
    evaluation_status: str | None
    history: list[DrillState]
    unit_last: dict[str, str | None]
    category_last: dict[str, str | None]


@dataclass(frozen=True)
class Decision:
    """The outcome of approving or returning an evaluation: this decision counted (``fresh``), or what had
    become of the evaluation: decided already (``status``, ``by``, ``at``), or superseded by version ``newer``
    (then ``by`` and ``at`` say who drafted the newer version and when)."""

    fresh: bool
    evaluation_id: int
    version: int
    status: str
    by: str | None
    at: datetime | None
    newer: int | None = None
