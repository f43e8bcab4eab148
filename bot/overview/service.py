"""The overview a person sees on the App Home tab and with `/crisis list` and `/crisis status <number>`.

Read-only: open incidents, the pages waiting on this person, their tasks (triage for the units they head, the
plans, statements and legal questions waiting on their seat, the drill's steps that are theirs), the current drill
and the deadlines coming up. Tasks are found by the seat, never by the person a request was once sent to: after a
handover (§3 移交) they are the new holder's, and the services authorize the buttons against the roster then.
Who sees what is decided here: incidents are for the crisis team and unit staff (``who.known``); everyone sees
their own pages and tasks."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.drills import service as drills
from bot.drills.state import DrillState
from bot.handling import service as handling
from bot.handling import state as handling_state
from bot.incidents.state import Account
from bot.overview import cases as library
from bot.overview.state import CaseRecord, Deadline, IncidentLine, Moment, Overview, PageWaiting, Task
from bot.paging import service as paging
from bot.procedure.config import OrgConfig, Role
from bot.procedure.errors import NotAllowed, NotFound
from bot.procedure.status import (
    ACTIVE,
    OPEN_FOR_REPORT,
    DrillStatus,
    EvaluationStatus,
    IncidentStatus,
    PageStatus,
)
from bot.procedure.who import Who
from bot.warroom.state import CardState, card_state
from storage import audit, pages, users
from storage import drills as storage_drills
from storage import incidents as numbers
from storage.models import Incident
from storage.types import as_utc

MAX_INCIDENTS = 25


MAX_ITEMS = 15


def may_view(who: Who) -> bool:
    return who.known


def _line(incident: Incident) -> IncidentLine:
    return IncidentLine(incident.id, incident.number, incident.title, incident.level, incident.proposed_level,
                        incident.status, incident.step, incident.unit_id, incident.channel_id,
                        as_utc(incident.created_at), account=Account.of(incident), channel_name=incident.channel_name)


def open_incidents(session: Session, limit: int = MAX_INCIDENTS) -> tuple[list[IncidentLine], int]:
    """Open incidents, newest first, and how many more there are beyond ``limit``."""
    rows, total = numbers.open_incidents(session, IncidentStatus.CLOSED, limit)
    return [_line(i) for i in rows], max(0, total - limit)


def pages_waiting(session: Session, config: OrgConfig, user: str) -> list[PageWaiting]:
    rows = pages.waiting_on(session, user, PageStatus.PAGING, MAX_ITEMS)
    return [PageWaiting(p.id, p.role, p.attempt, as_utc(p.paged_at),
                        as_utc(p.paged_at) + paging.ack_timeout(config, i.level or i.proposed_level), _line(i))
            for p, i in rows]


TASK_KINDS = ("plan.proposed", "plan.confirmed", "media.drafted", "media.released", "media.rejected",
              "legal.requested", "legal.answered")


def incident_tasks(session: Session, config: OrgConfig, who: Who) -> list[Task]:
    """What the open incidents wait on this person's seats for: a plan to confirm (the commander for high, the
    executive secretary for medium, the unit head for low), a statement to approve (the spokesperson), a legal
    question to answer (the legal group). Each is decided by the same rule the service applies on the click."""
    if not (who.roles or who.heads()):
        return []
    tasks: list[Task] = []
    rows, _ = numbers.open_incidents(session, IncidentStatus.CLOSED, MAX_INCIDENTS)
    for incident in rows:
        wants = {"confirm_plan": incident.status in ACTIVE and handling.may(who, "confirm_plan", incident, config),
                 "decide": handling.may(who, "decide", incident, config),
                 "legal_answer": handling.may(who, "legal_answer", incident, config)}
        if not any(wants.values()):
            continue
        events = audit.of_kinds(session, incident.id, TASK_KINDS)
        line = _line(incident)
        if wants["confirm_plan"]:
            tasks += [Task("plan_confirm", incident.id, line, sub=p["id"], by=p["by"])
                      for p in handling_state.plans(events).values()
                      if not p.get("confirmed_by") and not p.get("superseded_by")]
        if wants["decide"]:
            tasks += [Task("media_approve", incident.id, line, sub=d["id"], by=d["by"])
                      for d in handling_state.statements(events).values() if d["status"] == "pending"]
        if wants["legal_answer"]:
            asked = [e for e in events if e.kind in ("legal.requested", "legal.answered")]
            if asked and asked[-1].kind == "legal.requested":
                tasks.append(Task("legal_answer", incident.id, line, by=asked[-1].actor))
    return tasks[:MAX_ITEMS]


def tasks_for(session: Session, config: OrgConfig, who: Who) -> list[Task]:
    """Triage for the units the person heads (or deputises), the open incidents' plans, statements and legal
    questions waiting on their seats, and the current drill's step if it is theirs."""
    tasks: list[Task] = []
    units = sorted({u for u, post in who.unit_posts if post in ("head", "deputy")})
    if units:
        untriaged = numbers.untriaged(session, IncidentStatus.CLOSED, units, MAX_ITEMS)
        timeout = timedelta(seconds=config.routing.untriaged_timeout_seconds)
        tasks += [Task("triage", i.id, _line(i), as_utc(i.created_at) + timeout) for i in untriaged]
    tasks += incident_tasks(session, config, who)
    drill = storage_drills.current(session)
    if drill is not None and drill.status != DrillStatus.CLOSED:
        if drill.status == DrillStatus.DRAWN and drills.may_plan(who):
            tasks.append(Task("drill_plan", drill.id, due_at=as_utc(drill.due_at)))
        if drill.status in OPEN_FOR_REPORT and drills.may_report(who, drill.unit_id):
            tasks.append(Task("drill_report", drill.id, due_at=as_utc(drill.due_at)))
        if drill.status == DrillStatus.REPORTED and drills.may_evaluate(who):
            tasks.append(Task("drill_evaluate", drill.id))
        evaluation = storage_drills.latest_evaluation(session, drill.id)
        if (evaluation is not None and evaluation.status == EvaluationStatus.SUBMITTED
                and who.holds(Role.EXECUTIVE_SECRETARY)):
            tasks.append(Task("drill_approve", evaluation.id))
    return tasks


def overview(session: Session, config: OrgConfig, who: Who, now: datetime) -> Overview:
    """Everything the App Home tab shows for this person."""
    lines, more = open_incidents(session) if may_view(who) else ([], 0)
    pages = pages_waiting(session, config, who.user)
    tasks = tasks_for(session, config, who)
    current = storage_drills.current(session)
    drill = DrillState.of(current) if current is not None and (may_view(who) or who.member_of()) else None
    deadlines: list[Deadline] = [Deadline("page_escalates", p.escalates_at, p.incident.number) for p in pages]
    deadlines += [Deadline("triage_timeout", task.due_at, task.incident.number) for task in tasks
                  if task.kind == "triage" and task.due_at and task.incident]
    if drill is not None and drill.status != DrillStatus.CLOSED:
        if drill.window_start is not None:
            deadlines.append(Deadline("drill_window", as_utc(drill.window_start), drill.period))
        if drill.status in OPEN_FOR_REPORT:
            deadlines.append(Deadline("drill_due", as_utc(drill.due_at), drill.period))
    upcoming = sorted((d for d in deadlines if d.at >= now), key=lambda d: d.at)[:MAX_ITEMS]
    past = library.latest(session, config, who) if library.may_search(who) else None
    return Overview(who, tuple(lines), more, tuple(pages), tuple(tasks), drill, tuple(upcoming), past)


def parse_number(text: str, now: datetime, config: OrgConfig) -> str | None:
    """``2026-0007``, or ``7`` / ``0007`` / ``#7`` for this year (in the organisation's time zone)."""
    raw = text.strip().lstrip("#")
    if raw.isdigit() and 0 < int(raw) < 100000:
        return numbers.format_number(now.astimezone(config.organisation.tz).year, int(raw))
    year, dash, seq = raw.partition("-")
    if dash and year.isdigit() and seq.isdigit() and len(year) == 4:
        return numbers.format_number(int(year), int(seq))
    return None


def incident_status(session: Session, who: Who, number: str) -> CardState:
    """One incident's card details: level, category, step, status, who holds each role, pages and acks."""
    if not may_view(who):
        raise NotAllowed("action.incident_status", "allowed.team")
    incident = numbers.by_number(session, number)
    if incident is None:
        raise NotFound(f"incident {number}")
    return card_state(session, incident)


# The timeline's key moments a closed incident's status shows; the rest (status updates, deliveries, work notes) is
# in the full case file.
MOMENT_KINDS = ("incident.reported", "incident.triaged", "incident.level_set", "page.sent", "page.acked",
                "page.escalated", "page.stood_down", "step.completed", "incident.resolved", "casefile.submitted",
                "incident.closed")


MAX_MOMENTS = 40


def case_record(session: Session, incident_id: int) -> CaseRecord:
    """A closed incident's record: the latest case file, its versions, the first key moments and the stored names
    of everyone in them (the caller may learn the names still missing: `bot.platform.people.learn_names`)."""
    files = numbers.case_files(session, incident_id)
    events = audit.of_kinds(session, incident_id, MOMENT_KINDS)
    shown = list(events[:MAX_MOMENTS - 1]) + ([events[-1]] if len(events) >= MAX_MOMENTS else [])
    moments = tuple(Moment(e.kind, as_utc(e.at), e.actor, dict(e.data or {})) for e in shown)
    record = CaseRecord(dict(files[-1].data) if files else None,
                        tuple((f.version, f.submitted_by, as_utc(f.submitted_at)) for f in files), moments,
                        more_moments=max(0, len(events) - len(shown)))
    return replace(record, names=users.names(session, record.people()))
