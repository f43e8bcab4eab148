"""The overview's read models: an incident in a list, a page waiting on a person, a task, a deadline, the whole, and
a closed incident's record (its case file and key moments)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.drills.state import DrillState
from bot.incidents.state import Account
from bot.procedure.who import Who


@dataclass(frozen=True)
class IncidentLine:
    id: int
    number: str
    title: str
    level: str | None
    proposed_level: str | None
    status: str
    step: str | None
    unit_id: str | None
    channel_id: str | None
    created_at: datetime
    account: Account = Account()  # what the reporter wrote, shown in short under the line
    channel_name: str | None = None  # the war room's name, for the link


@dataclass(frozen=True)
class PageWaiting:
    """An unacknowledged page to this person, and when it escalates if nobody answers."""

    page_id: int
    role: str
    attempt: str
    paged_at: datetime
    escalates_at: datetime
    incident: IncidentLine


@dataclass(frozen=True)
class Task:
    """Something the procedure waits on this person (or their seat) for. ``kind``: triage, plan_confirm,
    media_approve, legal_answer, drill_plan, drill_report, drill_evaluate, drill_approve. ``ref`` is the incident,
    drill or evaluation id the button needs; ``sub`` the plan or statement within the incident; ``by`` who
    proposed or drafted it."""

    kind: str
    ref: int
    incident: IncidentLine | None = None
    due_at: datetime | None = None
    sub: int | None = None
    by: str | None = None


@dataclass(frozen=True)
class Deadline:
    kind: str  # page_escalates, triage_timeout, drill_window, drill_due
    at: datetime
    label: str  # an incident number or a drill period


@dataclass(frozen=True)
class Overview:
    who: Who
    incidents: tuple[IncidentLine, ...]
    more_incidents: int
    pages: tuple[PageWaiting, ...]
    tasks: tuple[Task, ...]
    drill: DrillState | None
    deadlines: tuple[Deadline, ...]
    cases: tuple[CaseHit, ...] | None = None  # the latest closed cases; None: not theirs


@dataclass(frozen=True)
class Moment:
    """One key moment of a closed incident's timeline (reported, triaged, a page and its answer, a step, …)."""

    kind: str
    at: datetime
    actor: str
    data: dict[str, Any]


@dataclass(frozen=True)
class CaseRecord:
    """What `/crisis status` shows of a closed incident: the latest case file (None when it was closed some other
    way), every version (version, who submitted, when), the key moments, and the names of the people in them."""

    case_file: dict[str, Any] | None
    versions: tuple[tuple[int, str, datetime], ...]
    moments: tuple[Moment, ...]
    names: dict[str, str] = field(default_factory=dict)
    more_moments: int = 0  # key moments beyond those shown (a weeks-long incident): the case file has them all

    def people(self) -> set[str]:
        """Everyone the record names: who acted, who was paged (or escalated from), who submitted a version."""
        named = {m.actor for m in self.moments} | {v[1] for v in self.versions}
        named |= {str(m.data[k]) for m in self.moments for k in ("target", "from") if m.data.get(k)}
        return named


@dataclass(frozen=True)
class CaseHit:
    """One closed case as a list shows it."""

    incident_id: int
    number: str
    title: str
    level: str | None
    category: str
    subtype: str | None
    unit_id: str | None
    reported_at: datetime
    closed_at: datetime | None
    summary: str = ""
    lessons: str = ""
    restricted: bool = False
