"""What handling has done, read back from the audit trail: the steps, plans, statements, the legal question."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.procedure.config import OrgConfig, Step
from bot.procedure.status import FINISHED
from storage import audit, incidents
from storage.models import AuditEvent, Incident

CASE_FIELDS = ("summary", "cause", "handling", "lessons", "followups")


@dataclass(frozen=True)
class StepLine:
    id: str
    state: str  # pending | current | done | skipped
    by: str | None = None
    at: datetime | None = None
    reason: str | None = None


@dataclass(frozen=True)
class HandlingState:
    """What the card shows about handling, read back from the audit trail."""

    steps: tuple[StepLine, ...]
    current: str | None
    plan: dict[str, Any] | None = None  # {"id", "by", "confirmed_by", "confirmed_at"}
    pending_statements: int = 0
    released: int = 0
    last_update: datetime | None = None
    resolved: bool = False
    case_file_version: int | None = None


def step_of(config: OrgConfig, step_id: str) -> Step | None:
    return next((s for s in config.steps if s.id == step_id), None)


def timeline_of(session: Session, incident_id: int) -> Sequence[AuditEvent]:
    return audit.timeline(session, incident_id)


def step_lines(config: OrgConfig, events: Sequence[AuditEvent]) -> tuple[tuple[StepLine, ...], str | None]:
    recorded: dict[str, StepLine] = {}
    for e in events:
        if e.kind in ("step.completed", "step.skipped"):
            sid = str(e.data.get("step"))
            recorded[sid] = StepLine(sid, "done" if e.kind == "step.completed" else "skipped", e.actor, e.at,
                                     e.data.get("reason"))
    current = next((s.id for s in config.steps if s.id not in recorded), None)
    lines = tuple(recorded.get(s.id) or StepLine(s.id, "current" if s.id == current else "pending")
                  for s in config.steps)
    return lines, current


def statements(events: Sequence[AuditEvent]) -> dict[int, dict[str, Any]]:
    """Every drafted statement by id (its audit event id) with its decision, if any."""
    found: dict[int, dict[str, Any]] = {}
    for e in events:
        if e.kind == "media.drafted":
            found[e.id] = {"id": e.id, "kind": e.data.get("kind"), "text": e.data.get("text", ""), "by": e.actor,
                           "at": e.at, "status": "pending"}
        elif e.kind in ("media.released", "media.rejected") and int(e.data.get("statement", 0)) in found:
            found[int(e.data["statement"])].update(
                status="released" if e.kind == "media.released" else "rejected", decided_by=e.actor,
                decided_at=e.at, released_text=e.data.get("text"), reason=e.data.get("reason"))
    return found


def plans(events: Sequence[AuditEvent]) -> dict[int, dict[str, Any]]:
    """Every proposed plan by id (its audit event id), with its confirmation; a plan still unconfirmed when a newer
    one was proposed is `superseded_by` that one and can no longer be confirmed."""
    found: dict[int, dict[str, Any]] = {}
    for e in events:
        if e.kind == "plan.proposed":
            for older in found.values():
                if not older.get("confirmed_by") and not older.get("superseded_by"):
                    older["superseded_by"] = e.id
            found[e.id] = {"id": e.id, "text": e.data.get("plan", ""), "by": e.actor, "at": e.at}
        elif e.kind == "plan.confirmed" and int(e.data.get("plan", 0)) in found:
            found[int(e.data["plan"])].update(confirmed_by=e.actor, confirmed_at=e.at)
    return found


# What the card summarises: acts of people (steps, plans, statements), a handful per incident however long it runs.
# The rest of a long timeline (status updates, pages, work notes: thousands in a weeks-long incident) is not loaded;
# of the updates only the newest time is asked, so a redraw costs the same at 10 events as at 10,000.
SUMMARY_KINDS = ("step.completed", "step.skipped", "plan.proposed", "plan.confirmed", "media.drafted",
                 "media.released", "media.rejected")


def state(session: Session, config: OrgConfig, incident: Incident) -> HandlingState:
    """What the card shows about handling, in three queries whatever the timeline's length."""
    events = audit.of_kinds(session, incident.id, SUMMARY_KINDS)
    lines, current = step_lines(config, events)
    drafted = statements(events)
    all_plans = plans(events)
    latest_plan = all_plans[max(all_plans)] if all_plans else None
    version = incidents.latest_case_version(session, incident.id)
    return HandlingState(
        lines, current, latest_plan, sum(1 for s in drafted.values() if s["status"] == "pending"),
        sum(1 for s in drafted.values() if s["status"] == "released"),
        audit.last_at(session, incident.id, "update.posted"), incident.status in FINISHED, version)


def legal_answered(session: Session, incident_id: int) -> bool:
    """The latest request for legal advice has its answer recorded (there is nothing left to answer)."""
    kinds = [e.kind for e in timeline_of(session, incident_id) if e.kind in ("legal.requested", "legal.answered")]
    return bool(kinds) and kinds[-1] == "legal.answered"


def legal_question(session: Session, incident_id: int) -> str | None:
    """The context of the latest request for legal advice, for the page."""
    asked = [e for e in timeline_of(session, incident_id) if e.kind == "legal.requested"]
    return str(asked[-1].data.get("question") or "") or None if asked else None
