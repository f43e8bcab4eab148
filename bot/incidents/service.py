"""Reporting and triage (procedure §4–§6 steps 1–2): validate a report, store it with its audit event and all of
its pending work in one transaction, and route it to the tier its level needs."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.delivery import copies
from bot.delivery.kinds import WorkKind
from bot.handling import service as handling
from bot.incidents import flags
from bot.incidents.state import (
    LevelChange,
    Report,
    Reported,
    judge,
    may_mark_handled,
    may_set_level,
    proposal_page,
)
from bot.paging import service as paging
from bot.procedure.config import Level, OrgConfig, Role
from bot.procedure.errors import Closed, NotAllowed, NotFound
from bot.procedure.status import IncidentStatus
from bot.procedure.who import Who
from bot.warroom.service import invite, refresh_card
from storage import audit, claims, incidents, roster
from storage import work as queue
from storage.models import Incident


def can_set_level(who: Who, unit_id: str | None) -> bool:
    """§5: the handling group judges; the executive secretary and the commander may too."""
    return (unit_id is not None and who.heads(unit_id)) or who.holds(Role.EXECUTIVE_SECRETARY) \
        or who.holds(Role.COMMANDER)


def report(session: Session, config: OrgConfig, who: Who, data: Report, *, submission_key: str,
           now: datetime) -> Reported:
    """Store the incident, its audit event and its pending work in the caller's transaction.

    A second submission with the same key (Slack retried, or a double tap) returns the first incident.
    """
    if not claims.claim(session, f"report:{submission_key}", "report", who.user, now):
        # Delivered twice (a retry, a double tap, both at once): the first delivery's incident, committed by now.
        existing = incidents.by_submission_key(session, submission_key)
        if existing is None:
            raise NotFound("incident.not_found")
        return Reported(existing.id, existing.number, existing.title, False)
    existing = incidents.by_submission_key(session, submission_key)  # reported before claims existed
    if existing is not None:
        return Reported(existing.id, existing.number, existing.title, False)
    year = now.astimezone(config.organisation.tz).year
    seq, number = incidents.allocate_incident_number(session, year)
    triaged = who.heads(data.unit_id)
    incident = Incident(
        number=number, year=year, seq=seq, category=data.category, subtype=data.subtype,
        level=data.proposed_level.value if triaged else None, proposed_level=data.proposed_level.value,
        status=IncidentStatus.OPEN, step="identify", unit_id=data.unit_id, reporter=who.user, title=data.title,
        description=data.description, occurred_at=data.occurred_at, location=data.location or None,
        impact=data.impact or None, flags=data.flags, submission_key=submission_key,
        triaged_at=now if triaged else None, triaged_by=who.user if triaged else None, created_at=now,
        updated_at=now,
    )
    session.add(incident)
    session.flush()
    audit.record(session, who.user, "incident.reported", "incident", incident.id, incident_id=incident.id, at=now,
                 data={"number": number, "category": data.category, "subtype": data.subtype,
                       "proposed_level": data.proposed_level.value, "unit": data.unit_id, "flags": data.flags})
    key = f"incident:{incident.id}"
    queue.enqueue(session, WorkKind.WARROOM_OPEN, f"{key}:warroom", now, {"incident": incident.id}, incident.id)
    queue.enqueue(session, WorkKind.WARROOM_CARD, f"{key}:card", now, {"incident": incident.id}, incident.id)
    queue.enqueue(session, WorkKind.REPORTER_NOTIFY, f"{key}:reporter", now, {"incident": incident.id}, incident.id)
    posts = roster.unit_posts(session, data.unit_id)
    first = [who.user, posts.head, posts.deputy]
    if triaged:
        audit.record(session, who.user, "incident.triaged", "incident", incident.id, incident_id=incident.id,
                     at=now, data={"level": data.proposed_level.value, "by": "reporter is the unit's head"})
        # One invite for everyone, and no card refresh: the card is posted later with all of this on it.
        change = judge(data.proposed_level, previous=None, proposed=data.proposed_level, status=incident.status)
        route(session, config, incident, change, now, actor=who.user, also_invite=first, refresh=False)
    else:
        # §5 "迅速通報本小組總指揮": a proposed high reaches its tier now, marked as proposed, while the head judges.
        tier = proposal_page(config.routing, data.proposed_level)
        page = paging.page_role(session, config, incident, tier, data.proposed_level, now,
                                paged_for=data.proposed_level, invite_target=False) if tier else None
        invite(session, incident, [*first, page.target_user if page else None], now)
        queue.enqueue(session, WorkKind.TRIAGE_REQUEST, f"{key}:triage-request", now, {"incident": incident.id},
                      incident.id)
        queue.enqueue(session, WorkKind.TRIAGE_TIMEOUT, f"{key}:triage-timeout",
                      now + timedelta(seconds=config.routing.untriaged_timeout_seconds), {"incident": incident.id},
                      incident.id)
    flags.bring_in(session, config, incident, now)  # media, legislator, casualties: whatever the level
    return Reported(incident.id, number, incident.title, True)


def route(session: Session, config: OrgConfig, incident: Incident, change: LevelChange, now: datetime, *,
          actor: str, also_invite: list[str | None] | None = None, refresh: bool = True) -> None:
    """Bring in the team the level (and category) needs, and page the tier when the level asks for one.

    A level below what waiting pages were sent for stands those down (`routing.stand_down_when_lowered`) and then
    pages its own tier, so the tier the level needs is always asked. Everyone paged is in the room: the page's
    target joins the one invite of the level's team."""
    level = change.level
    route_spec = config.routing.levels[level]
    roles: list[Role] = list(route_spec.invite)
    category_route = config.routing.categories.get(incident.category)
    if category_route:
        roles += category_route.invite
    stood = paging.stand_down(session, incident, route_spec.page, actor, level, now,
                              keep=config.routing.flag_pages(incident.flags)) \
        if config.routing.stand_down_when_lowered else []
    handling.arm_update_reminder(session, config, incident, now)
    page = None
    if route_spec.page is not None and (change.pages or stood):
        page = paging.page_role(session, config, incident, route_spec.page, level, now, paged_for=level,
                                invite_target=False)
    invite(session, incident, [*(also_invite or []), *(roster.holders(session, r).primary for r in roles),
                               page.target_user if page else None], now)
    if not refresh:
        return
    refresh_card(session, incident.id, now, f"level-{level.value}")


def set_level(session: Session, config: OrgConfig, who: Who, incident: Incident, level: Level,
              subtype: str | None, now: datetime, *, note: str | None = None) -> None:
    """Triage (§5): confirm or change the level and category; a raised level pages the new tier, a lowered one
    stands the higher tier's waiting pages down, and a handled incident under observation that is raised reopens.
    With `note` (the submission's key, so a repeat is one note), the war room is told who set the level."""
    if not can_set_level(who, incident.unit_id):
        raise NotAllowed("action.set_level", "allowed.set_level")
    if not may_set_level(incident.status):
        raise NotAllowed("action.set_level", "allowed.active_incident")
    previous = Level(incident.level) if incident.level else None
    change = judge(level, previous=previous, proposed=Level(incident.proposed_level or level), status=incident.status)
    changes: dict[str, Any] = {"level": level.value, "previous": previous.value if previous else None}
    if subtype and subtype != incident.subtype:
        category = next((c.id for c in config.categories for s in c.subtypes if s.id == subtype), None)
        if category:
            changes.update(subtype=subtype, category=category, previous_subtype=incident.subtype)
            incident.subtype, incident.category = subtype, category
    incident.level = level.value
    incident.updated_at = now
    if incident.triaged_at is None:
        incident.triaged_at, incident.triaged_by = now, who.user
        queue.cancel(session, now, key_prefix=f"incident:{incident.id}:triage-timeout")
        # The head's and the deputy's request loses its button and says who judged (one redraw per incident).
        copies.refresh_later(session, WorkKind.TRIAGE_REFRESH, f"incident:{incident.id}:triage-request", now,
                             {"incident": incident.id}, incident.id, "triaged")
    audit.record(session, who.user, "incident.level_set", "incident", incident.id, incident_id=incident.id, at=now,
                 data=changes)
    if change.reopens:
        reopen(session, who, incident, change, now)
    route(session, config, incident, change, now, actor=who.user)
    # Every page DM shows the level as it stands: none keeps saying "proposed" or the old level.
    paging.redraw(session, incident, now, f"level-{level.value}")
    if note is not None:
        queue.enqueue(session, WorkKind.WARROOM_NOTE, f"incident:{incident.id}:note:triage:{note}", now,
                      {"incident": incident.id, "key": "triage.note", "user": who.user}, incident.id)


def reopen(session: Session, who: Who, incident: Incident, change: LevelChange, now: datetime) -> None:
    """A handled low-level incident under observation was raised: it is handled again (open), its observation
    reminders stop; the caller routes the new level, which arms the status-update reminders."""
    incident.status = IncidentStatus.OPEN
    queue.cancel(session, now, key_prefix=f"incident:{incident.id}:observe:")
    audit.record(session, who.user, "incident.reopened", "incident", incident.id, incident_id=incident.id, at=now,
                 data={"level": change.level.value, "previous": change.previous.value if change.previous else None,
                       "status": IncidentStatus.OBSERVING.value})
    queue.enqueue(session, WorkKind.WARROOM_NOTE, f"incident:{incident.id}:note:reopened:{now.timestamp()}", now,
                  {"incident": incident.id, "key": "reopened.note", "user": who.user}, incident.id)


def mark_handled(session: Session, config: OrgConfig, who: Who, incident: Incident, now: datetime) -> None:
    """§5 low level: the unit handled it. Report to the executive secretary, then remind the unit to observe."""
    if incident.level != Level.LOW.value or not who.heads(incident.unit_id):
        raise NotAllowed("action.handled", "allowed.handled")
    if not may_mark_handled(incident.level, incident.status):
        done = audit.latest(session, "incident", incident.id, "incident.handled")
        if done is not None:  # a double tap, or the head and the deputy at once: say who
            raise Closed("handled.already_by", user=done.actor, at=done.at)
        raise NotAllowed("action.handled", "allowed.handled")
    incident.status, incident.updated_at = IncidentStatus.OBSERVING, now
    audit.record(session, who.user, "incident.handled", "incident", incident.id, incident_id=incident.id, at=now)
    # Handled, raised (reopened), lowered and handled again is a new round: its report and reminders go out anew.
    n = handling_round(session, incident.id)
    key = f"incident:{incident.id}"
    round_key = "" if n == 1 else f":r{n}"
    payload = {"incident": incident.id, "user": who.user, "round": n}
    queue.enqueue(session, WorkKind.LOWLEVEL_REPORT, handled_report(incident.id, n), now, payload, incident.id)
    # The report links the room: the executive secretary and the deputy are let in to read it (§3 either seat).
    invite(session, incident, copies.addressed(session, [Role.EXECUTIVE_SECRETARY]), now)
    queue.enqueue(session, WorkKind.WARROOM_NOTE, f"{key}:note:handled{round_key}", now,
                  {**payload, "key": "handled.note"}, incident.id)
    observation = config.routing.observation
    for i in range(1, observation.count + 1):
        queue.enqueue(session, WorkKind.OBSERVE_REMIND, f"{key}:observe:{i}{round_key}",
                      now + timedelta(hours=observation.interval_hours * i),
                      {"incident": incident.id, "n": i, "total": observation.count}, incident.id)
    refresh_card(session, incident.id, now, "handled")


def handling_round(session: Session, incident_id: int) -> int:
    """How many times the unit has marked the incident handled (a reopened incident is handled again)."""
    return len(audit.of_kinds(session, incident_id, ["incident.handled"]))


def handled_report(incident_id: int, n: int = 1) -> str:
    """The key of the low-level report to the executive secretary (the hand-off `mark_handled` enqueues), per
    round of handling (the first keeps its original key)."""
    return f"incident:{incident_id}:handled-report" + ("" if n <= 1 else f":r{n}")


def read_report(session: Session, who: Who, incident: Incident, now: datetime) -> copies.Read:
    """收悉: the executive secretary or the deputy has read the low-level report (§5 "報告執行秘書", §3 either seat).
    The caller has locked the incident. The first reader counts; a later click is told who read it (Closed)."""
    n = max(handling_round(session, incident.id), 1)  # the latest round's report is the one to acknowledge
    return copies.read(session, who, handled_report(incident.id, n), [Role.EXECUTIVE_SECRETARY], now,
                       subject=("incident", incident.id), refresh=WorkKind.LOWLEVEL_REFRESH,
                       payload={"incident": incident.id}, incident_id=incident.id)
