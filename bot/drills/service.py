"""Drills (procedure §7, annex 2): the monthly draw, the plan, the drill report form and its evaluation.

Services take the session, the config, the clock's ``now`` and an ``rng`` as arguments; they check who may act
(``NotAllowed``), validate input (``InvalidInput``, block id → message), write the state, its audit events and
every Slack side effect as due work in the caller's transaction. The executors in ``bot.drills.work`` send them.

A drill's life: ``drawn`` (unit drawn, category proposed) → ``planned`` (the planning group confirmed the
category, wrote the simulated case and the window) → ``reported`` (the unit filed annex 2) → ``evaluating``
(an evaluation awaits the executive secretary) → ``closed`` (approved and circulated). A returned evaluation
puts the drill back to ``reported``.

Concurrency (design §3): every change decides on the drill row, locked and read afresh (``lock``), so two people
(or one double tap) acting at once are served one after the other, and the second decides on what the first
left. A form opened on one version and submitted after someone else saved a newer one is refused (``Stale``),
naming the newer version; only the newest evaluation version can be decided; a closed drill changes no more
(``DrillClosed``)."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.delivery import copies
from bot.delivery.kinds import WorkKind
from bot.drills import lottery
from bot.drills.state import Decision, Drawn, Filed, Plan, Verification
from bot.procedure.config import OrgConfig, Role
from bot.procedure.errors import Closed, InvalidInput, NotAllowed, NotFound
from bot.procedure.status import OPEN_FOR_REPORT, DrillStatus, EvaluationStatus
from bot.procedure.who import Who
from storage import audit, roster
from storage import drills as stored
from storage import work as queue
from storage.drills import by_period, history, history_before, latest_evaluation, latest_report, previous_of
from storage.models import Drill, DrillEvaluation, DrillReport
from storage.types import as_utc

REMINDER_HOUR = 9  # reminders go out at 09:00 in the organisation's time zone


class AlreadyDrawn(Closed):
    """This period has its draw already (one draw per period, whatever the restarts or replicas)."""

    def __init__(self, drill_id: int, period: str, unit_id: str) -> None:
        super().__init__("drill.already_drawn")
        self.args = (f"{period} was drawn already: {unit_id} (drill {drill_id})",)
        self.drill_id, self.period, self.unit_id = drill_id, period, unit_id


class DrillClosed(Closed):
    """The drill is closed (its evaluation approved and circulated): it is not re-planned, re-reported or
    re-evaluated. ``action`` is ``plan``, ``report`` or ``evaluation``; ``by`` and ``at`` say who closed it."""

    def __init__(self, drill_id: int, action: str, by: str | None, at: datetime | None) -> None:
        super().__init__(f"drill.closed.{action}")
        self.drill_id, self.action, self.by, self.at = drill_id, action, by, at


class Stale(Closed):
    """Someone saved a newer version (of the plan, the report form or the evaluation) while this person had the
    form open on an older one: nothing of theirs was saved. ``what`` is ``plan``, ``report`` or ``evaluation``;
    ``version`` (None for the plan), ``by`` and ``at`` describe what was saved."""

    def __init__(self, what: str, version: int | None, by: str, at: datetime) -> None:
        super().__init__(f"drill.stale.{what}")
        self.what, self.version, self.by, self.at = what, version, by, at


def may_draw(who: Who) -> bool:
    """§7.1: the executive secretary (or the deputy) draws the unit by lot."""
    return who.holds(Role.EXECUTIVE_SECRETARY)


def may_plan(who: Who) -> bool:
    """§7.2: the planning group picks the category on the executive secretary's instruction; both may adjust."""
    return who.holds(Role.PLANNING) or who.holds(Role.EXECUTIVE_SECRETARY)


def may_report(who: Who, unit_id: str) -> bool:
    """The drilled unit (head, deputy or members) fills in annex 2."""
    return who.member_of(unit_id)


def may_evaluate(who: Who) -> bool:
    """§7.3: the planning group drafts the evaluation."""
    return who.holds(Role.PLANNING)


def may_approve(who: Who) -> bool:
    return who.holds(Role.EXECUTIVE_SECRETARY)


def may_view(who: Who) -> bool:
    return who.known


def period_of(now: datetime, config: OrgConfig) -> str:
    """The drill period (a month, e.g. ``2026-12``) in the organisation's time zone."""
    return now.astimezone(config.organisation.tz).strftime("%Y-%m")


def local_date(at: datetime, config: OrgConfig) -> date:
    return at.astimezone(config.organisation.tz).date()


def end_of_day(day: date, config: OrgConfig) -> datetime:
    """23:59 of ``day`` in the organisation's time zone, as UTC: a deadline is the whole of its day."""
    return as_utc(datetime.combine(day, time(23, 59), tzinfo=config.organisation.tz))


def due_for(now: datetime, config: OrgConfig) -> datetime:
    return end_of_day(local_date(now, config) + timedelta(days=config.drills.report_due_days), config)


def _at_hour(day: date, config: OrgConfig) -> datetime:
    return as_utc(datetime.combine(day, time(REMINDER_HOUR), tzinfo=config.organisation.tz))


def get(session: Session, drill_id: int) -> Drill:
    drill = session.get(Drill, drill_id)
    if drill is None:
        raise NotFound(f"drill {drill_id}")
    return drill


def lock(session: Session, drill_id: int) -> Drill:
    """The drill, locked until the transaction ends and read afresh (NotFound if there is none).

    Pending changes are flushed first: the fresh read replaces the row's attributes with the database's, and a
    change not yet written would be lost."""
    session.flush()
    drill = stored.lock(session, drill_id)
    if drill is None:
        raise NotFound(f"drill {drill_id}")
    return drill


def closed_by(session: Session, drill: Drill) -> tuple[str | None, datetime | None]:
    """Who approved the evaluation that closed the drill, and when."""
    evaluation = latest_evaluation(session, drill.id)
    if evaluation is None or evaluation.status != EvaluationStatus.APPROVED:
        return None, None
    return evaluation.approved_by, evaluation.approved_at


def _refuse_if_closed(session: Session, drill: Drill, action: str) -> None:
    if drill.status == DrillStatus.CLOSED:
        raise DrillClosed(drill.id, action, *closed_by(session, drill))


def plan_stamp(session: Session, drill_id: int) -> int:
    """The plan as it stands, as a number a plan modal carries: the id of the latest ``drill.planned`` entry (0
    before any). A submission made on another stamp was made on a plan that has changed since."""
    event = audit.latest(session, "drill", drill_id, "drill.planned")
    return event.id if event is not None else 0


def report_version(session: Session, drill_id: int) -> int:
    """The latest report form version (0 before any): what a report modal is opened on."""
    latest = latest_report(session, drill_id)
    return latest.version if latest else 0


def evaluation_version(session: Session, drill_id: int) -> int:
    """The latest evaluation version (0 before any): what an evaluation modal is opened on."""
    latest = latest_evaluation(session, drill_id)
    return latest.version if latest else 0


def category_last_use(session: Session, config: OrgConfig) -> dict[str, str | None]:
    """Each category's last drill period (None: never drilled)."""
    used = stored.last_period_by_category(session)
    return {c.id: used.get(c.id) for c in config.categories}


def unit_last_drill(session: Session, config: OrgConfig) -> dict[str, str | None]:
    used = stored.last_period_by_unit(session)
    return {u.id: used.get(u.id) for u in config.units}


def propose_category(session: Session, config: OrgConfig, before: str | None = None) -> str:
    """The least recently drilled category (never drilled first, then config order); never the last one used."""
    used = stored.last_period_by_category(session, before)
    order = {c.id: i for i, c in enumerate(config.categories)}
    return min((c.id for c in config.categories), key=lambda c: (used.get(c) or "", order[c]))


def _nonce(rng: Any) -> str:
    """32 random bytes as hex: from the services' rng (SystemRandom in production, seeded in tests)."""
    if rng is None:
        return secrets.token_hex(32)
    return f"{rng.getrandbits(256):064x}"


def draw(session: Session, config: OrgConfig, actor: str, now: datetime, rng: Any, *,
         who: Who | None = None) -> Drawn:
    """Draw this period's drill unit by lot (one draw per period; a second call raises AlreadyDrawn).

    ``who`` is the person for a manual draw (checked: the executive secretary or deputy); None for the cron job.
    """
    if who is not None and not may_draw(who):
        raise NotAllowed("action.drill_draw", "allowed.drill_draw")
    period = period_of(now, config)
    previous = stored.latest_before(session, period)
    if previous is not None:
        # The draw reveals the previous draw's nonce and commits to the next: the chain decides on the previous
        # drill's row. Two draws at once queue here, and the second then finds the first's drill below.
        previous = lock(session, previous.id)
    existing = by_period(session, period)
    if existing is not None:
        raise AlreadyDrawn(existing.id, existing.period, existing.unit_id)
    nonce = previous.next_nonce if previous is not None and previous.next_nonce else _nonce(rng)
    eligible = [u.id for u in config.units if u.drill_eligible]
    record = lottery.build_record(
        period=period, eligible=eligible, history=history_before(session, period),
        exclusion_draws=config.drills.exclusion_draws, previous=dict(previous.draw) if previous else None,
        nonce=nonce, next_nonce=(next_nonce := _nonce(rng)), drawn_by=actor, drawn_at=as_utc(now).isoformat(),
    )
    category = propose_category(session, config, before=period)
    drill = Drill(period=period, unit_id=record["unit"], category=category, draw=record, due_at=due_for(now, config),
                  status=DrillStatus.DRAWN, drawn_by=actor, drawn_at=now, next_nonce=next_nonce, created_at=now,
                  updated_at=now)
    try:
        with session.begin_nested():
            session.add(drill)
            session.flush()
    except IntegrityError:
        # Another replica (or a double tap) drew this period a moment ago: its draw is the one that counts.
        winner = by_period(session, period)
        if winner is None:
            raise
        raise AlreadyDrawn(winner.id, winner.period, winner.unit_id) from None
    if previous is not None:
        previous.next_nonce = None  # revealed in this record now
    audit.record(session, actor, "drill.drawn", "drill", drill.id, at=now,
                 data={"period": period, "unit": drill.unit_id, "category": category,
                       "record_hash": record["record_hash"], "seed": record["seed"]})
    key = f"drill:{drill.id}"
    queue.enqueue(session, WorkKind.DRILL_THREAD, f"{key}:thread", now, {"drill": drill.id}, key)
    people = [roster.holders(session, Role.PLANNING).primary, roster.holders(session, Role.PLANNING).deputy]
    # §3: the executive secretary's deputy hears of the draw too (without an announcement channel the drill's
    # thread is in the executive secretary's own DM, which is notice enough for her)
    executive = roster.holders(session, Role.EXECUTIVE_SECRETARY)
    people[:0] = [executive.primary, executive.deputy] if config.drills.announcement_channel else [executive.deputy]
    for user in dict.fromkeys(u for u in people if u):
        queue.enqueue(session, WorkKind.DRILL_NOTIFY_TEAM, f"{key}:team:{user}", now, {"drill": drill.id, "user": user},
                      key)
    posts = roster.unit_posts(session, drill.unit_id)
    for user in dict.fromkeys(u for u in (posts.head, posts.deputy) if u):
        queue.enqueue(session, WorkKind.DRILL_NOTIFY_UNIT, f"{key}:unit:{user}", now, {"drill": drill.id, "user": user},
                      key)
    schedule_reminders(session, config, drill, now)
    return Drawn(drill.id, period, drill.unit_id, category, drill.due_at, True)


def schedule_reminders(session: Session, config: OrgConfig, drill: Drill, now: datetime) -> int:
    """(Re)schedule the reminders (``reminder_days`` before, and on the day) and the overdue escalation.

    Pending ones for an older deadline are cancelled; the keys carry the deadline and when it was set, so a new
    deadline gets fresh rows while a reminder already sent is never sent again for the same deadline.
    """
    key = f"drill:{drill.id}"
    queue.cancel(session, now, key_prefix=f"{key}:remind:")
    queue.cancel(session, now, key_prefix=f"{key}:overdue:")
    due_day = local_date(drill.due_at, config)
    tag = f"{due_day.isoformat()}@{int(as_utc(now).timestamp())}"
    added = 0
    for days in sorted({*config.drills.reminder_days, 0}, reverse=True):
        at = _at_hour(due_day - timedelta(days=days), config)
        if at <= now or at > as_utc(drill.due_at):
            continue
        added += queue.enqueue(session, WorkKind.DRILL_REMIND, f"{key}:remind:{tag}:{days}", at,
                               {"drill": drill.id, "days": days}, key)
    queue.enqueue(session, WorkKind.DRILL_OVERDUE, f"{key}:overdue:{tag}", as_utc(drill.due_at) + timedelta(minutes=1),
                  {"drill": drill.id}, key)
    return added


def stop_reminders(session: Session, drill: Drill, now: datetime) -> int:
    key = f"drill:{drill.id}"
    return queue.cancel(session, now, key_prefix=f"{key}:remind:") + queue.cancel(
        session, now, key_prefix=f"{key}:overdue:")


def verify(session: Session, drill_id: int) -> Verification:
    """Recompute a stored draw from its record, the previous draw's record and the drills in the database."""
    drill = get(session, drill_id)
    previous = previous_of(session, drill)
    checks = lottery.verify(dict(drill.draw), dict(previous.draw) if previous else None,
                            history_before(session, drill.period))
    checks.append(lottery.Check("stored", drill.unit_id == drill.draw.get("unit"),
                                f"the drill's unit {drill.unit_id} is the draw's result"))
    return Verification(drill.id, drill.period, drill.unit_id, checks)


def set_plan(session: Session, config: OrgConfig, who: Who, drill: Drill, plan: Plan,
             now: datetime, *, base: int | None = None) -> dict[str, Any]:
    """Confirm or change the category, write the simulated case and the window (planning or executive
    secretary); the executive secretary may also move the deadline. Returns what changed.

    ``base`` is the ``plan_stamp`` the modal was opened on: when the plan was saved by someone else since, this
    plan is refused (Stale) rather than silently overwriting theirs. A closed drill is not re-planned."""
    if not may_plan(who):
        raise NotAllowed("action.drill_plan", "allowed.drill_plan")
    drill = lock(session, drill.id)
    _refuse_if_closed(session, drill, "plan")
    if base is not None and plan_stamp(session, drill.id) != base:
        event = audit.latest(session, "drill", drill.id, "drill.planned")
        assert event is not None  # a stamp other than the base means an entry exists
        raise Stale("plan", None, event.actor, event.at)
    errors: dict[str, str] = {}
    previous = previous_of(session, drill)
    if previous is not None and plan.category == previous.category and len(config.categories) > 1:
        errors["category"] = "drill.error.same_category"
    new_due = end_of_day(plan.due_day, config) if plan.due_day else as_utc(drill.due_at)
    if new_due != as_utc(drill.due_at):
        if not may_approve(who):
            errors["due"] = "drill.error.due_es_only"
        elif new_due < now:
            errors["due"] = "error.past"
    if errors:
        raise InvalidInput(errors)
    changes: dict[str, Any] = {}
    for field, value in (("category", plan.category), ("scenario", plan.scenario),
                         ("window_start", plan.window_start), ("window_end", plan.window_end)):
        old = getattr(drill, field)
        if (as_utc(old) if isinstance(old, datetime) else old) != value:
            changes[field] = value.isoformat() if isinstance(value, datetime) else value
            setattr(drill, field, value)
    if new_due != as_utc(drill.due_at):
        changes["due_at"] = new_due.isoformat()
        drill.due_at = new_due
        if drill.status in OPEN_FOR_REPORT:
            schedule_reminders(session, config, drill, now)
    if drill.status == DrillStatus.DRAWN:
        drill.status = DrillStatus.PLANNED
        changes["status"] = DrillStatus.PLANNED
    drill.updated_at = now
    if changes:
        audit.record(session, who.user, "drill.planned", "drill", drill.id, at=now, data=changes)
        key = f"drill:{drill.id}"
        stamp = int(as_utc(now).timestamp() * 1000)
        queue.enqueue(session, WorkKind.DRILL_NOTE, f"{key}:note:plan:{stamp}", now,
                      {"drill": drill.id, "key": "drill.note.planned", "user": who.user}, key)
        if drill.status in OPEN_FOR_REPORT:
            posts = roster.unit_posts(session, drill.unit_id)
            for user in dict.fromkeys(u for u in (posts.head, posts.deputy) if u):
                queue.enqueue(session, WorkKind.DRILL_NOTIFY_UNIT, f"{key}:unit:{user}:plan:{stamp}", now,
                              {"drill": drill.id, "user": user, "update": True}, key)
    return changes


def file_report(session: Session, config: OrgConfig, who: Who, drill: Drill, data: dict[str, Any],
                now: datetime, *, base: int | None = None) -> Filed:
    """Store the form as a new version; send it to the commander and the executive secretary; stop the
    reminders. The same content submitted again (a retried submission) makes no new version.

    ``base`` is the version the modal was opened on (0: none yet): a form filed on an older version than the
    latest is refused (Stale, naming the newer version and who filed it). A closed drill takes no more forms."""
    if not may_report(who, drill.unit_id):
        raise NotAllowed("action.drill_report", "allowed.drill_report")
    drill = lock(session, drill.id)
    _refuse_if_closed(session, drill, "report")
    latest = latest_report(session, drill.id)
    if latest is not None and latest.data == data and latest.submitted_by == who.user:
        return Filed(latest.id, latest.version, False)
    if base is not None and (latest.version if latest else 0) != base:
        assert latest is not None  # a version other than the base means one exists
        raise Stale("report", latest.version, latest.submitted_by, latest.submitted_at)
    version = (latest.version if latest else 0) + 1
    report = DrillReport(drill_id=drill.id, version=version, data=data, submitted_by=who.user, submitted_at=now)
    session.add(report)
    session.flush()
    if drill.status in OPEN_FOR_REPORT:
        drill.status = DrillStatus.REPORTED
    drill.updated_at = now
    stop_reminders(session, drill, now)
    audit.record(session, who.user, "drill.reported" if version == 1 else "drill.report_revised", "drill", drill.id,
                 at=now, data={"version": version, "report": report.id})
    key = f"drill:{drill.id}"
    payload = {"drill": drill.id, "report": report.id, "version": version}
    # §3: to the commander and the executive secretary, and a copy to each one's deputy (bot.delivery.copies)
    queue.enqueue(session, WorkKind.DRILL_REPORT_SENT, f"{key}:report:{version}:to:team", now,
                  {**payload, "to": [Role.COMMANDER.value, Role.EXECUTIVE_SECRETARY.value]}, key)
    for user in dict.fromkeys(u for u in (roster.holders(session, Role.PLANNING).primary,
                                          roster.holders(session, Role.PLANNING).deputy) if u):
        queue.enqueue(session, WorkKind.DRILL_REPORT_SENT, f"{key}:report:{version}:planning:{user}", now,
                      {**payload, "user": user, "evaluate": True}, key)
    queue.enqueue(session, WorkKind.DRILL_UPLOAD, f"{key}:upload:report:{version}", now,
                  {"drill": drill.id, "doc": "report", "id": report.id, "version": version}, key)
    return Filed(report.id, version, True)


def submit_evaluation(session: Session, who: Who, drill: Drill, data: dict[str, Any],
                      now: datetime, *, base: int | None = None) -> DrillEvaluation:
    """The planning group's evaluation, sent to the executive secretary for approval (a new version each time).

    A new version supersedes a version still awaiting a decision: only the newest can be approved or returned.
    ``base`` is the version the modal was opened on (0: none yet); an evaluation written on an older version
    than the latest is refused (Stale). A closed drill takes no more evaluations."""
    if not may_evaluate(who):
        raise NotAllowed("action.drill_evaluate", "allowed.drill_evaluate")
    drill = lock(session, drill.id)
    _refuse_if_closed(session, drill, "evaluation")
    report = latest_report(session, drill.id)
    if report is None:
        raise InvalidInput({"assessment": "drill.error.no_report"})
    latest = latest_evaluation(session, drill.id)
    if latest is not None and latest.status == EvaluationStatus.APPROVED:
        raise InvalidInput({"assessment": "drill.error.approved"})
    if latest is not None and latest.status == EvaluationStatus.SUBMITTED and latest.data == data:
        return latest
    if base is not None and (latest.version if latest else 0) != base:
        assert latest is not None  # a version other than the base means one exists
        raise Stale("evaluation", latest.version, latest.drafted_by, latest.drafted_at)
    evaluation = DrillEvaluation(drill_id=drill.id, version=(latest.version if latest else 0) + 1, report_id=report.id,
                                 data=data, status=EvaluationStatus.SUBMITTED, drafted_by=who.user, drafted_at=now)
    session.add(evaluation)
    session.flush()
    key = f"drill:{drill.id}"
    superseded = None
    if latest is not None and latest.status == EvaluationStatus.SUBMITTED:
        # The older version was never decided; the executive secretary decides on this one instead, and the
        # older one's approval request, if not sent yet, is not sent at all.
        latest.status, superseded = EvaluationStatus.SUPERSEDED, latest.id
        queue.cancel(session, now, key_prefix=f"{key}:evaluation:{latest.id}:approval")
        approval_settled(session, drill, latest, now, "superseded")  # a request already sent loses its buttons
    drill.status, drill.updated_at = DrillStatus.EVALUATING, now
    audit.record(session, who.user, "drill.evaluation_submitted", "drill", drill.id, at=now,
                 data={"evaluation": evaluation.id, "version": evaluation.version, "report_version": report.version,
                       "supersedes": superseded})
    # §3: to the executive secretary and a copy to the deputy; either may decide (bot.delivery.copies)
    queue.enqueue(session, WorkKind.DRILL_APPROVAL, approval_key(drill.id, evaluation.id), now,
                  {"drill": drill.id, "evaluation": evaluation.id, "to": [Role.EXECUTIVE_SECRETARY.value]}, key)
    return evaluation


def approval_key(drill_id: int, evaluation_id: int) -> str:
    """The key of an evaluation's approval request (the hand-off whose copies are redrawn once it is settled)."""
    return f"drill:{drill_id}:evaluation:{evaluation_id}:approval"


def approval_settled(session: Session, drill: Drill, evaluation: DrillEvaluation, now: datetime, tag: str) -> None:
    """The evaluation was decided or superseded: every copy of its approval request is redrawn, with no buttons."""
    copies.refresh_later(session, WorkKind.DRILL_APPROVAL_REFRESH, approval_key(drill.id, evaluation.id), now,
                         {"drill": drill.id, "evaluation": evaluation.id}, f"drill:{drill.id}", tag)


def decide(session: Session, who: Who, evaluation: DrillEvaluation, approve: bool, comment: str,
           now: datetime) -> Decision:
    """The executive secretary approves the evaluation (circulated to every unit) or returns it with a comment.

    Decided on the drill's locked row and the evaluation read afresh: of two decisions at once, the second finds
    the first's and is not made (the Decision says who decided and when). Only the newest version is decided: an
    older one is refused, naming the newer. So a drill has one approval and one circulation."""
    if not may_approve(who):
        raise NotAllowed("action.drill_approve", "allowed.drill_approve")
    drill = lock(session, evaluation.drill_id)
    evaluation = session.get(DrillEvaluation, evaluation.id, populate_existing=True) or evaluation
    done = outcome(session, evaluation)
    if done is not None:
        return done
    key = f"drill:{drill.id}"
    if approve:
        evaluation.status, evaluation.approved_by, evaluation.approved_at = EvaluationStatus.APPROVED, who.user, now
        drill.status, drill.updated_at = DrillStatus.CLOSED, now
        audit.record(session, who.user, "drill.evaluation_approved", "drill", drill.id, at=now,
                     data={"evaluation": evaluation.id, "version": evaluation.version})
        queue.enqueue(session, WorkKind.DRILL_CIRCULATE, f"{key}:evaluation:{evaluation.id}:circulate", now,
                      {"drill": drill.id, "evaluation": evaluation.id}, key)
        queue.enqueue(session, WorkKind.DRILL_UPLOAD, f"{key}:upload:evaluation:{evaluation.id}", now,
                      {"drill": drill.id, "doc": "evaluation", "id": evaluation.id, "version": evaluation.version},
                      key)
        # the drill's buttons sent so far (plan, report, evaluate, revise) have nothing left to do
        queue.enqueue(session, WorkKind.DRILL_CLOSED_REFRESH, f"{key}:closed:refresh", now, {"drill": drill.id}, key)
    else:
        evaluation.status = EvaluationStatus.RETURNED
        evaluation.data = {**evaluation.data, "return_comment": comment, "returned_by": who.user,
                           "returned_at": as_utc(now).isoformat()}
        drill.status, drill.updated_at = DrillStatus.REPORTED, now
        audit.record(session, who.user, "drill.evaluation_returned", "drill", drill.id, at=now,
                     data={"evaluation": evaluation.id, "version": evaluation.version, "comment": comment})
    approval_settled(session, drill, evaluation, now, "decided")
    planning = roster.holders(session, Role.PLANNING)  # the drafter, and the planning group's both seats (§3)
    for user in dict.fromkeys(u for u in (evaluation.drafted_by, planning.primary, planning.deputy) if u):
        queue.enqueue(session, WorkKind.DRILL_DECIDED, f"{key}:evaluation:{evaluation.id}:decided:{user}", now,
                      {"drill": drill.id, "evaluation": evaluation.id, "user": user}, key)
    return Decision(True, evaluation.id, evaluation.version, evaluation.status, who.user, now)


def outcome(session: Session, evaluation: DrillEvaluation) -> Decision | None:
    """None while the evaluation awaits a decision (it is the newest version and still submitted); otherwise
    what became of it: superseded by a newer version, or approved or returned (by whom, when)."""
    latest = latest_evaluation(session, evaluation.drill_id)
    if latest is not None and latest.id != evaluation.id:
        return Decision(False, evaluation.id, evaluation.version, evaluation.status, latest.drafted_by,
                        latest.drafted_at, newer=latest.version)
    if evaluation.status == EvaluationStatus.SUBMITTED:
        return None
    return _decided(evaluation)


def _decided(evaluation: DrillEvaluation) -> Decision:
    """What had become of an evaluation that was no longer waiting for a decision."""
    if evaluation.status == EvaluationStatus.APPROVED:
        return Decision(False, evaluation.id, evaluation.version, evaluation.status, evaluation.approved_by,
                        evaluation.approved_at)
    returned_at = evaluation.data.get("returned_at")
    return Decision(False, evaluation.id, evaluation.version, evaluation.status, evaluation.data.get("returned_by"),
                    datetime.fromisoformat(returned_at) if returned_at else None)


def status(session: Session, config: OrgConfig, who: Who) -> Any:
    """What `/crisis drill status` shows (team members and unit staff)."""
    from bot.drills.state import DrillState, StatusData

    if not may_view(who):
        raise NotAllowed("action.drill_status", "allowed.drill_status")
    drills = history(session)
    now_drill = drills[0] if drills else None
    report = latest_report(session, now_drill.id) if now_drill else None
    evaluation = latest_evaluation(session, now_drill.id) if now_drill else None
    return StatusData(DrillState.of(now_drill) if now_drill else None, report.version if report else None,
                      evaluation.status if evaluation else None, [DrillState.of(d) for d in drills],
                      unit_last_drill(session, config), category_last_use(session, config))


def open_drill_for(session: Session, who: Who) -> Drill | None:
    """The most recent drill of a unit the person belongs to that still takes (or may revise) its form."""
    for drill in history(session)[:3]:
        if who.member_of(drill.unit_id) and drill.status != DrillStatus.CLOSED:
            return drill
    return None
