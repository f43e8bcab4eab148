"""Handling the crisis in the war room (procedure §6, steps 1–6): the step tracker, the assessment and the
handling plan, status updates and their reminders, media statements, legal advice, coordination, and the
aftermath: resolve → case file (案例檔案) → close → archive.

The audit trail is the record: every action here writes one audit event (who, when, what), and the state the
card shows is read back from those events. Slack side effects are due work in the same transaction. These
functions never commit and never call Slack; the handlers own the transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.delivery import copies
from bot.delivery.kinds import WorkKind
from bot.handling.state import CASE_FIELDS, plans, statements, step_lines, step_of, timeline_of
from bot.paging import service as paging
from bot.procedure.config import Level, OrgConfig, Role, Step
from bot.procedure.errors import Closed, InvalidInput, NotAllowed
from bot.procedure.status import ACTIVE, FINISHED, IncidentStatus, PageStatus
from bot.procedure.who import Who
from bot.warroom.service import invite, refresh_card
from storage import audit, claims, incidents, pages, roster
from storage import work as queue
from storage.models import AuditEvent, CaseFile, Incident

REMINDER_KINDS = (WorkKind.UPDATE_REMIND, WorkKind.CASEFILE_REMIND, WorkKind.OBSERVE_REMIND, WorkKind.TRIAGE_TIMEOUT,
                  WorkKind.PAGE_ESCALATE)


STATEMENT_KINDS = ("statement", "clarification")
# A request for legal advice this soon after the last, while its page waits, joins that page (one page).
LEGAL_REPEAT = timedelta(minutes=5)
# The same words from the same person this soon after their last update are the same `/crisis update` sent twice.
UPDATE_REPEAT = timedelta(minutes=1)
# A second snooze this soon after the last is the same tap delivered twice (or two people at once), not a new one.
SNOOZE_REPEAT = timedelta(minutes=1)


def _standing(who: Who, *roles: Role) -> bool:
    return any(who.holds(r) for r in roles)


def on_incident_team(who: Who, incident: Incident) -> bool:
    """The team for an incident: anyone holding a standing role, or the unit's head or deputy."""
    return bool(who.roles) or who.heads(incident.unit_id)


def may_do_step(who: Who, step: Step, incident: Incident) -> bool:
    """The step's responsible roles (config `steps`): handling = the unit's head or deputy; team = the incident's
    team; a standing role = its holder or deputy."""
    for responsible in step.responsible:
        if responsible == "handling" and who.heads(incident.unit_id):
            return True
        if responsible == "team" and on_incident_team(who, incident):
            return True
        if responsible not in ("handling", "team") and who.holds(Role(responsible)):
            return True
    return False


def plan_confirmer(level: str | None) -> Role | None:
    """§5/§6: the commander confirms a high-level plan, the executive secretary a medium one; low: the unit head."""
    return {Level.HIGH.value: Role.COMMANDER, Level.MEDIUM.value: Role.EXECUTIVE_SECRETARY}.get(level or "")


def may(who: Who, action: str, incident: Incident, config: OrgConfig) -> bool:
    """Who may do what (the service decides; the card only offers)."""
    if action in ("convene", "notes", "plan"):
        step = step_of(config, "assess")
        return may_do_step(who, step, incident) if step else on_incident_team(who, incident)
    if action == "confirm_plan":
        role = plan_confirmer(incident.level)
        return who.holds(role) if role else who.heads(incident.unit_id)
    if action == "update":
        return on_incident_team(who, incident) or who.member_of(incident.unit_id)
    if action == "draft":  # §6 step 4: the written material is prepared by the spokesperson or the PR group
        return _standing(who, Role.COMMANDER, Role.PUBLIC_RELATIONS)
    if action == "opinion":  # §3: the PR group gathers public opinion
        return who.holds(Role.PUBLIC_RELATIONS)
    if action == "decide":
        return who.holds(Role.COMMANDER)
    if action == "legal_answer":
        return who.holds(Role.LEGAL)
    if action == "coordinate":
        return who.holds(Role.EXECUTIVE_SECRETARY)
    if action == "resolve":
        return _standing(who, Role.COMMANDER, Role.EXECUTIVE_SECRETARY) or (
            incident.level == Level.LOW.value and who.heads(incident.unit_id))
    if action == "case_file":
        return who.heads(incident.unit_id)
    if action == "legal":  # §3: the team asks the legal group; a bystander cannot page it
        return on_incident_team(who, incident)
    raise ValueError(f"unknown action {action!r}")


ALLOWED = {
    "convene": "allowed.assess", "notes": "allowed.assess", "plan": "allowed.assess",
    "update": "allowed.update", "draft": "allowed.media", "opinion": "allowed.pr", "decide": "allowed.spokesperson",
    "legal_answer": "allowed.legal_answer", "coordinate": "allowed.coordinate", "resolve": "allowed.resolve",
    "case_file": "allowed.case_file", "legal": "allowed.legal_request",
}


def require(who: Who, action: str, incident: Incident, config: OrgConfig) -> None:
    if not may(who, action, incident, config):
        allowed = ALLOWED.get(action, "allowed.step")
        if action == "confirm_plan":
            role = plan_confirmer(incident.level)
            allowed = f"allowed.confirm_plan.{role.value if role else 'unit'}"
        raise NotAllowed(f"action.{action}", allowed)


def _active(incident: Incident) -> None:
    if incident.status not in ACTIVE:
        raise Closed("handling.closed")


def _refresh(session: Session, incident: Incident, now: datetime, why: str) -> None:
    refresh_card(session, incident.id, now, why)


def _post(session: Session, incident: Incident, now: datetime, key: str, facts: dict[str, Any], tag: str,
          buttons: list[list[str]] | None = None) -> None:
    """A war-room post in the organisation's language: the text `key` with `facts` as they are (typed words, ids,
    times); the executor renders them for the chat (`bot.handling.work.render_facts`)."""
    queue.enqueue(session, WorkKind.HANDLING_POST, f"incident:{incident.id}:post:{tag}:{now.timestamp()}", now,
                  {"incident": incident.id, "key": key, "facts": facts, "buttons": buttons or []}, incident.id)


def _dm(session: Session, incident: Incident, now: datetime, user: str, key: str, facts: dict[str, Any], tag: str,
        buttons: list[list[str]] | None = None) -> None:
    """A DM in the reader's language, with `facts` as for `_post`."""
    queue.enqueue(session, WorkKind.HANDLING_DM, f"incident:{incident.id}:dm:{tag}:{user}:{now.timestamp()}", now,
                  {"incident": incident.id, "user": user, "key": key, "facts": facts, "buttons": buttons or []},
                  incident.id)


def _record(session: Session, who: Who, incident: Incident, kind: str, now: datetime,
            data: dict[str, Any] | None = None) -> AuditEvent:
    incident.updated_at = now
    return audit.record(session, who.user, kind, "incident", incident.id, incident_id=incident.id, at=now,
                        data=data or {})


def complete_step(session: Session, config: OrgConfig, who: Who, incident: Incident, step_id: str, now: datetime,
                  *, skip_reason: str | None = None) -> str | None:
    """Complete (or, with a reason, skip) the current step. Returns the next current step id."""
    _active(incident)
    step = step_of(config, step_id)
    if step is None:
        raise Closed("step.unknown")
    if not may_do_step(who, step, incident):
        raise NotAllowed("action.skip_step" if skip_reason is not None else "action.complete_step",
                         f"allowed.step.{step.id}")
    lines, current = step_lines(config, timeline_of(session, incident.id))
    if current != step_id:
        done = next((line for line in lines if line.id == step_id and line.by), None)
        if done is not None:  # a double tap, or two people at once: say who recorded it
            raise Closed("step.already_by", user=done.by, at=done.at)
        raise Closed("step.not_current")
    skipped = skip_reason is not None
    _record(session, who, incident, "step.skipped" if skipped else "step.completed", now,
            {"step": step_id, **({"reason": skip_reason} if skipped else {})})
    _, after = step_lines(config, timeline_of(session, incident.id))
    incident.step = after or "done"
    _post(session, incident, now, "step.skipped_note" if skipped else "step.done_note",
          {"user": who.user, "step": step_id, "reason": skip_reason or ""}, f"step:{step_id}")
    _refresh(session, incident, now, f"step:{step_id}")
    return after


def team_for_level(session: Session, config: OrgConfig, incident: Incident) -> list[str]:
    """The people a meeting call goes to: the unit's head and deputy and the roles the level brings in."""
    people: list[str | None] = []
    if incident.unit_id:
        posts = roster.unit_posts(session, incident.unit_id)
        people += [posts.head, posts.deputy]
    level = Level(incident.level or incident.proposed_level or Level.MEDIUM)
    roles: list[Role] = list(config.routing.levels[level].invite)
    route = config.routing.levels[level].page
    if route:
        roles.append(route)
    category = config.routing.categories.get(incident.category)
    if category:
        roles += category.invite
    if level == Level.HIGH:
        roles += [Role.LEGAL]
    for role in dict.fromkeys(roles):
        holders = roster.holders(session, role)
        people += [holders.primary, holders.deputy]
    return list(dict.fromkeys(u for u in people if u))


def convene(session: Session, config: OrgConfig, who: Who, incident: Incident, at: datetime, place: str,
            now: datetime) -> list[str]:
    """Call the crisis team to a meeting (§6 step 2): a DM to each member the level needs, and a war-room post."""
    _active(incident)
    require(who, "convene", incident, config)
    members = team_for_level(session, config, incident)
    _record(session, who, incident, "team.convened", now, {"at": at.isoformat(), "place": place, "members": members})
    invite(session, incident, members, now)  # the call names the war room: everyone called can open it
    values = {"user": who.user, "when": at.isoformat(), "place": place, "number": incident.number,
              "title": incident.title, "room": incident.channel_id,
              "room_name": incident.channel_name}
    for member in members:
        _dm(session, incident, now, member, "convene.dm", values, "convene")
    _post(session, incident, now, "convene.room", {**values, "people": members}, "convene")
    _refresh(session, incident, now, "convene")
    return members


def record_notes(session: Session, config: OrgConfig, who: Who, incident: Incident, information: str,
                 diagnosis: str, now: datetime) -> None:
    _active(incident)
    require(who, "notes", incident, config)
    _record(session, who, incident, "assess.notes", now, {"information": information, "diagnosis": diagnosis})
    _post(session, incident, now, "notes.room", {"user": who.user, "information": information,
                                                 "diagnosis": diagnosis}, "notes")


def propose_plan(session: Session, config: OrgConfig, who: Who, incident: Incident, plan: str,
                 now: datetime) -> int:
    _active(incident)
    require(who, "plan", incident, config)
    waiting = [p["id"] for p in plans(timeline_of(session, incident.id)).values()
               if not p.get("confirmed_by") and not p.get("superseded_by")]
    event = _record(session, who, incident, "plan.proposed", now, {"plan": plan})
    queue.enqueue(session, WorkKind.PLAN_POST, f"incident:{incident.id}:plan:{event.id}", now,
                  {"incident": incident.id, "plan": event.id}, incident.id)
    for older in waiting:  # the new plan supersedes them: their posts lose the Confirm button
        queue.enqueue(session, WorkKind.PLAN_REFRESH, f"incident:{incident.id}:plan:{older}:superseded", now,
                      {"incident": incident.id, "plan": older}, incident.id)
    _refresh(session, incident, now, f"plan:{event.id}")
    return event.id


def confirm_plan(session: Session, config: OrgConfig, who: Who, incident: Incident, plan_id: int | None,
                 now: datetime) -> int:
    """The commander (high) or the executive secretary (medium) confirms the handling plan."""
    _active(incident)
    require(who, "confirm_plan", incident, config)
    found = plans(timeline_of(session, incident.id))
    if not found:
        raise Closed("plan.none")
    plan = found.get(plan_id or 0) or found[max(found)]
    if plan.get("confirmed_by"):
        raise Closed("plan.already_by", user=plan["confirmed_by"], at=plan["confirmed_at"])
    if plan.get("superseded_by"):
        newer = found[plan["superseded_by"]]
        raise Closed("plan.superseded", user=newer["by"], at=newer["at"])
    _record(session, who, incident, "plan.confirmed", now, {"plan": plan["id"], "proposed_by": plan["by"],
                                                            "proposed_at": plan["at"].isoformat()})
    queue.enqueue(session, WorkKind.PLAN_REFRESH, f"incident:{incident.id}:plan:{plan['id']}:confirmed", now,
                  {"incident": incident.id, "plan": plan["id"]}, incident.id)
    _post(session, incident, now, "plan.confirmed_room_named",
          {"user": who.user, "by": plan["by"], "when": plan["at"].isoformat()}, f"plan-confirmed:{plan['id']}")
    _refresh(session, incident, now, f"plan-confirmed:{plan['id']}")
    return int(plan["id"])


def update_interval(config: OrgConfig, incident: Incident) -> timedelta:
    return timedelta(minutes=config.routing.update_interval(incident.level or incident.proposed_level))


def arm_update_reminder(session: Session, config: OrgConfig, incident: Incident, now: datetime,
                        delay: timedelta | None = None) -> None:
    """(Re)start the status-update timer: the unit head is reminded if no update comes in for an interval."""
    queue.cancel(session, now, key_prefix=f"incident:{incident.id}:update-remind:")
    if incident.status != IncidentStatus.OPEN:
        return
    due = now + (delay or update_interval(config, incident))
    # A fresh key each time: the cancelled timer's key must not swallow the new one (enqueue ignores a known key).
    queue.enqueue(session, WorkKind.UPDATE_REMIND,
                  f"incident:{incident.id}:update-remind:{int(due.timestamp())}:{uuid.uuid4().hex[:8]}", due,
                  {"incident": incident.id}, incident.id)


def post_update(session: Session, config: OrgConfig, who: Who, incident: Incident, text: str,
                now: datetime) -> None:
    _active(incident)
    require(who, "update", incident, config)
    event = _record(session, who, incident, "update.posted", now, {"text": text})
    _post(session, incident, now, "update.room", {"user": who.user, "text": text}, f"update:{event.id}")
    arm_update_reminder(session, config, incident, now)
    _refresh(session, incident, now, f"update:{event.id}")


def post_typed_update(session: Session, config: OrgConfig, who: Who, incident: Incident, text: str, now: datetime,
                      *, delivery: str | None) -> None:
    """`/crisis update <text>`: the typed text is the status update, posted as the modal posts it (the same
    authorization, audit event, room post and reminder). A command has no view id to deduplicate on: Slack's retry
    carries the same trigger id (`delivery`, claimed as a unique row), and the same words from the same person
    within `UPDATE_REPEAT` are one command sent twice (a double Enter, two clients); the second is told who posted
    them and when."""
    _active(incident)
    require(who, "update", incident, config)
    first = delivery is None or claims.claim(session, f"slash:{delivery}", "update", who.user, now, incident.id)
    last = audit.latest(session, "incident", incident.id, "update.posted")
    repeated = last is not None and last.actor == who.user and last.data.get("text") == text \
        and now - last.at < UPDATE_REPEAT
    if not first or repeated:
        raise Closed("update.already_posted", user=last.actor if last else who.user, at=last.at if last else now)
    post_update(session, config, who, incident, text, now)


def snooze(session: Session, config: OrgConfig, who: Who, incident: Incident, now: datetime) -> datetime:
    """Put the next reminder off by one interval (the incident's lead or anyone who may post updates)."""
    _active(incident)
    require(who, "update", incident, config)
    interval = update_interval(config, incident)
    last = audit.latest(session, "incident", incident.id, "update.snoozed")
    if last is not None and now - last.at < SNOOZE_REPEAT:  # a double tap, or two people at once: one snooze
        raise Closed("update.snoozed_by", user=last.actor, until=datetime.fromisoformat(last.data["until"]))
    _record(session, who, incident, "update.snoozed", now, {"until": (now + interval).isoformat()})
    arm_update_reminder(session, config, incident, now, interval)
    return now + interval


def draft_statement(session: Session, config: OrgConfig, who: Who, incident: Incident, kind: str, text: str,
                    now: datetime) -> int:
    _active(incident)
    require(who, "draft", incident, config)
    if kind not in STATEMENT_KINDS:
        raise InvalidInput({"kind": "error.unknown_choice"})
    event = _record(session, who, incident, "media.drafted", now, {"kind": kind, "text": text})
    queue.enqueue(session, WorkKind.MEDIA_POST, f"incident:{incident.id}:media:{event.id}", now,
                  {"incident": incident.id, "statement": event.id}, incident.id)
    # §6 step 4: the spokesperson decides; §3: the commander and a copy to the deputy (bot.delivery.copies)
    queue.enqueue(session, WorkKind.HANDLING_DM, statement_handoff(incident.id, event.id), now,
                  {"incident": incident.id, "to": [Role.COMMANDER.value], "key": "media.approval_dm",
                   "statement": event.id, "facts": {"user": who.user, "number": incident.number,
                                                    "title": incident.title, "room": incident.channel_id,
                                                    "room_name": incident.channel_name}},
                  incident.id)
    invite(session, incident, copies.addressed(session, [Role.COMMANDER]), now)  # both may open the room it links
    _refresh(session, incident, now, f"media:{event.id}")
    return event.id


def statement_handoff(incident_id: int, statement_id: int) -> str:
    """The key of a draft's approval request by DM to the spokesperson and the deputy."""
    return f"incident:{incident_id}:media:{statement_id}:approval"


def decide_statement(session: Session, config: OrgConfig, who: Who, incident: Incident, statement_id: int,
                     decision: str, now: datetime, *, text: str | None = None, reason: str = "") -> dict[str, Any]:
    """The spokesperson releases (as drafted or edited) or rejects a draft. Released words are logged with time."""
    require(who, "decide", incident, config)
    found = statements(timeline_of(session, incident.id)).get(statement_id)
    if found is None:
        raise Closed("media.not_found")
    if found["status"] != "pending":
        raise Closed("media.already_by", user=found["decided_by"], at=found["decided_at"])
    if decision == "reject":
        _record(session, who, incident, "media.rejected", now, {"statement": statement_id, "reason": reason})
        _post(session, incident, now, "media.rejected_room", {"user": who.user, "reason": reason},
              f"media-rejected:{statement_id}")
    else:
        released = text if text is not None else found["text"]
        _record(session, who, incident, "media.released", now,
                {"statement": statement_id, "kind": found["kind"], "text": released,
                 "edited": released != found["text"], "released_at": now.isoformat()})
        _post(session, incident, now, "media.released_room",
              {"user": who.user, "when": now.isoformat(), "text": released}, f"media-released:{statement_id}")
    queue.enqueue(session, WorkKind.MEDIA_REFRESH, f"incident:{incident.id}:media:{statement_id}:decided", now,
                  {"incident": incident.id, "statement": statement_id}, incident.id)
    copies.refresh_later(session, WorkKind.MEDIA_APPROVAL_REFRESH, statement_handoff(incident.id, statement_id), now,
                         {"incident": incident.id, "statement": statement_id}, incident.id, "decided")
    _refresh(session, incident, now, f"media-decided:{statement_id}")
    return found


def note_opinion(session: Session, config: OrgConfig, who: Who, incident: Incident, text: str,
                 now: datetime) -> None:
    _active(incident)
    require(who, "opinion", incident, config)
    event = _record(session, who, incident, "opinion.noted", now, {"text": text})
    _post(session, incident, now, "opinion.room", {"user": who.user, "text": text}, f"opinion:{event.id}")


def request_legal(session: Session, config: OrgConfig, who: Who, incident: Incident, question: str,
                  now: datetime) -> bool:
    """Invite and page the legal group (primary, then deputy) with the question as the page's context. A second
    request while the group's last page is still unanswered and recent joins that page (one page, the question
    posted in the room) instead of paging again. Returns whether a page went out."""
    require(who, "legal", incident, config)
    if incident.status == IncidentStatus.CLOSED:
        raise Closed("handling.closed")
    waiting = pages.of_role(session, incident.id, Role.LEGAL, (PageStatus.PAGING,))
    joined = waiting if waiting is not None and now - waiting.paged_at < LEGAL_REPEAT else None
    _record(session, who, incident, "legal.requested", now,
            {"question": question, **({"joined_page": joined.id} if joined else {})})
    _post(session, incident, now, "legal.question_room", {"question": question}, "legal-question")
    if joined is not None:
        return False
    invite(session, incident, [roster.holders(session, Role.LEGAL).primary], now)
    paging.page_role(session, config, incident, Role.LEGAL, incident.level or incident.proposed_level, now,
                     again=True)  # each question deserves its own page, even after an earlier one was answered
    queue.enqueue(session, WorkKind.WARROOM_NOTE, f"incident:{incident.id}:note:legal:{now.timestamp()}", now,
                  {"incident": incident.id, "key": "legal.requested", "user": who.user}, incident.id)
    _refresh(session, incident, now, "legal-request")
    return True


def answer_legal(session: Session, config: OrgConfig, who: Who, incident: Incident, text: str,
                 now: datetime) -> None:
    require(who, "legal_answer", incident, config)
    if incident.status == IncidentStatus.CLOSED:
        raise Closed("handling.closed")
    event = _record(session, who, incident, "legal.answered", now, {"text": text})
    _post(session, incident, now, "legal.answer_room", {"user": who.user, "text": text}, f"legal:{event.id}")
    # the legal group's pages lose their answer button
    paging.redraw(session, incident, now, f"legal-answered:{event.id}", role=Role.LEGAL)
    _refresh(session, incident, now, f"legal:{event.id}")


def log_coordination(session: Session, config: OrgConfig, who: Who, incident: Incident, action: str, outcome: str,
                     now: datetime) -> None:
    _active(incident)
    require(who, "coordinate", incident, config)
    event = _record(session, who, incident, "coordination.logged", now, {"action": action, "outcome": outcome})
    _post(session, incident, now, "coordination.room",
          {"user": who.user, "action": action, "outcome": outcome}, f"coord:{event.id}")
    _refresh(session, incident, now, f"coord:{event.id}")


def cancel_reminders(session: Session, incident: Incident, now: datetime,
                     kinds: Sequence[str] = REMINDER_KINDS) -> int:
    return sum(queue.cancel(session, now, subject_id=incident.id, kind=kind) for kind in kinds)


def _ask_for_case_file(session: Session, incident: Incident, now: datetime, tag: str, key: str) -> None:
    if not incident.unit_id:
        return
    posts = roster.unit_posts(session, incident.unit_id)
    for user in dict.fromkeys(u for u in (posts.head, posts.deputy) if u):
        _dm(session, incident, now, user, key, {"number": incident.number, "title": incident.title}, tag,
            [["case_file", str(incident.id)]])


def resolve(session: Session, config: OrgConfig, who: Who, incident: Incident, now: datetime) -> None:
    """The crisis is over: stop the update reminders and ask the unit for the case file, daily until it is in."""
    require(who, "resolve", incident, config)
    if incident.status in FINISHED:
        done = audit.latest(session, "incident", incident.id, "incident.resolved")
        if done is not None:  # a double tap, or two people at once: say who resolved it
            raise Closed("resolve.already_by", user=done.actor, at=done.at)
    _active(incident)
    previous = incident.status
    incident.status = IncidentStatus.RESOLVED
    _record(session, who, incident, "incident.resolved", now, {"previous": previous})
    cancel_reminders(session, incident, now, (WorkKind.UPDATE_REMIND, WorkKind.OBSERVE_REMIND, WorkKind.TRIAGE_TIMEOUT,
                                            WorkKind.PAGE_ESCALATE))
    paging.close_pages(session, incident, who.user, now)
    # Its reminders and requests sent so far lose their buttons (one still on its way keeps them; a click on it is
    # told the incident is over).
    queue.enqueue(session, WorkKind.FINISHED_DMS, f"incident:{incident.id}:finished-dms", now,
                  {"incident": incident.id}, incident.id)
    _ask_for_case_file(session, incident, now, "casefile-request", "casefile.request")
    due = now + timedelta(hours=config.routing.case_file_reminder_hours)
    queue.enqueue(session, WorkKind.CASEFILE_REMIND, f"incident:{incident.id}:casefile-remind:1", due,
                  {"incident": incident.id, "n": 1}, incident.id)
    _post(session, incident, now, "resolved.room", {"user": who.user}, "resolved")
    _refresh(session, incident, now, "resolved")


def parse_case_file(values: dict[str, str]) -> dict[str, str]:
    return {k: values.get(k, "") for k in CASE_FIELDS}


def submit_case_file(session: Session, config: OrgConfig, who: Who, incident: Incident, data: dict[str, str],
                     now: datetime) -> CaseFile:
    """A new version of the case file. The first one closes the incident: every reminder stops, the compiled file
    is posted to the war room, and the room is archived after `routing.archive_after_hours`."""
    require(who, "case_file", incident, config)
    if incident.status not in FINISHED:
        raise Closed("casefile.not_resolved")
    version = (incidents.latest_case_version(session, incident.id) or 0) + 1
    row = CaseFile(incident_id=incident.id, version=version, data=parse_case_file(data), submitted_by=who.user,
                   submitted_at=now)
    session.add(row)
    session.flush()
    _record(session, who, incident, "casefile.submitted", now, {"version": version})
    if incident.status == IncidentStatus.RESOLVED:
        incident.status, incident.closed_at, incident.step = IncidentStatus.CLOSED, now, "done"
        audit.record(session, "crisisbot", "incident.closed", "incident", incident.id, incident_id=incident.id,
                     at=now, data={"case_file_version": version})
        cancel_reminders(session, incident, now)
        queue.enqueue(session, WorkKind.INCIDENT_ARCHIVE, f"incident:{incident.id}:archive",
                      now + timedelta(hours=config.routing.archive_after_hours), {"incident": incident.id},
                      incident.id)
    for fmt in ("md", "docx"):
        queue.enqueue(session, WorkKind.CASEFILE_UPLOAD, f"incident:{incident.id}:casefile:{version}:{fmt}", now,
                      {"incident": incident.id, "version": version, "format": fmt}, incident.id)
    _post(session, incident, now, "casefile.room", {"user": who.user, "version": version}, f"casefile:{version}")
    _refresh(session, incident, now, f"casefile:{version}")
    return row
