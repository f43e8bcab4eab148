"""The drills' Slack side effects, run by the tick as due work: the drill's thread, the notices, reminders and the
overdue escalation, the filed form and the evaluation by DM, circulation, and DOCX uploads.

Each executor reads what it needs in a short session, closes it, then calls Slack, and records what Slack gave
in a new short transaction. Posts go through the chat's `_once` verbs, so a retried job never posts twice. That
transaction locks the drill first (design §3): a second runner of the same job (an expired claim, another
replica) or a person changing the drill at that moment is served after it and finds what it wrote."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.delivery import copies
from bot.delivery.job import GiveUp, Job, NotReady, subject
from bot.delivery.kinds import WorkKind
from bot.drills import docs as drill_docs
from bot.drills import service as drills
from bot.drills import state as drills_state
from bot.drills import views
from bot.drills.state import DrillState
from bot.platform.chat import NotInRoom
from bot.platform.people import learn_names
from bot.procedure.config import Role
from bot.procedure.cron import fired_this_month
from bot.procedure.errors import NotFound
from bot.procedure.i18n import Lang, t
from bot.procedure.status import OPEN_FOR_REPORT, EvaluationStatus
from storage import audit, claims, roster, users
from storage import work as queue
from storage.models import Drill, DrillEvaluation, DrillReport

if TYPE_CHECKING:
    from bot.platform.services import Services


def _drill(session: Session, job: Job) -> Drill:
    try:
        return drills.get(session, int(job.payload["drill"]))
    except NotFound:
        raise GiveUp(f"drill {job.payload['drill']} does not exist") from None


def _locked(session: Session, job: Job) -> Drill:
    """The job's drill, locked and read afresh, for a transaction that writes."""
    try:
        return drills.lock(session, int(job.payload["drill"]))
    except NotFound:
        raise GiveUp(f"drill {job.payload['drill']} does not exist") from None


def _state(services: Services, job: Job) -> DrillState:
    with services.sessions() as session:
        return DrillState.of(_drill(session, job))


def post_thread(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """The drill's thread: the card in the announcement channel, or in the executive secretary's DM."""
    with services.sessions() as session:
        drill = _drill(session, job)
        if drill.thread_ts:
            return {"channel": drill.thread_channel, "ts": drill.thread_ts, "already": True}
        state = DrillState.of(drill)
        executive = roster.holders(session, Role.EXECUTIVE_SECRETARY).primary
    channel = services.config.drills.announcement_channel
    if channel:
        message = views.drill_card(state, services.config, services.config.organisation.language)
        try:
            posted = services.chat.post_once(job.key, channel, message, retry=job.retried)
        except NotInRoom:
            services.chat.join_room(channel)
            posted = services.chat.post_once(job.key, channel, message, retry=job.retried)
    else:
        if executive is None:
            raise GiveUp("no executive secretary holds the role")
        message = views.drill_card(state, services.config, services.lang_of(executive))
        posted = services.chat.direct_message_once(job.key, executive, message, retry=job.retried)
    with services.sessions() as session, session.begin():
        drill = _locked(session, job)
        if drill.thread_ts is None:
            drill.thread_channel, drill.thread_ts = posted.room, posted.ts
    services.kick()
    return posted.record()


def notify_team(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    state, user = _state(services, job), str(job.payload["user"])
    message = views.team_notice(state, services.config, services.lang_of(user))
    return services.chat.direct_message_once(job.key, user, message, retry=job.retried).record()


def notify_unit(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    state, user = _state(services, job), str(job.payload["user"])
    message = views.unit_notice(state, services.config, services.lang_of(user), update=bool(job.payload.get("update")))
    return services.chat.direct_message_once(job.key, user, message, retry=job.retried).record()


def _unit_people(services: Services, unit_id: str) -> list[str]:
    with services.sessions() as session:
        posts = roster.unit_posts(session, unit_id)
    return list(dict.fromkeys(u for u in (posts.head, posts.deputy) if u))


def remind(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """A reminder before the deadline (or on the day) to the unit's head and deputy; none once the form is in."""
    state = _state(services, job)
    if state.status not in OPEN_FOR_REPORT:
        return {"skipped": f"drill is {state.status}"}
    sent, where = {}, {}
    for user in _unit_people(services, state.unit_id):
        message = views.reminder(state, services.config, services.lang_of(user), int(job.payload["days"]))
        posted = services.chat.direct_message_once(job.per(user).key, user, message, retry=job.retried)
        sent[user], where[user] = posted.ts, posted.record()
    return {"sent": sent, "copies": where}  # where each copy is, so a closed drill takes its button away


def escalate_overdue(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """The deadline passed with no form: tell the executive secretary (and deputy) and the unit."""
    with services.sessions() as session, session.begin():
        # Decided on the locked drill: a form filed at this very moment either came first (no escalation) or
        # comes after it; never an "overdue" about a form already in.
        drill = _locked(session, job)
        state = DrillState.of(drill)
        if state.status not in OPEN_FOR_REPORT:
            return {"skipped": f"drill is {state.status}"}
        holders = roster.holders(session, Role.EXECUTIVE_SECRETARY)
        # One entry per escalation whatever the retries: the claim on the job's key is a unique row.
        if claims.claim(session, f"work:{job.key}", "drill.overdue", "crisisbot", now):
            audit.record(session, "crisisbot", "drill.overdue", "drill", state.id, at=now,
                         data={"due_at": state.due_at.isoformat(), "unit": state.unit_id})
    sent, where = {}, {}
    for user in dict.fromkeys(u for u in holders if u):
        message = views.overdue(state, services.config, services.lang_of(user), to_unit=False)
        sent[user] = services.chat.direct_message_once(job.per(user).key, user, message, retry=job.retried).ts
    for user in _unit_people(services, state.unit_id):
        message = views.overdue(state, services.config, services.lang_of(user), to_unit=True)
        posted = services.chat.direct_message_once(job.per(user).key, user, message, retry=job.retried)
        sent[user], where[user] = posted.ts, posted.record()
    return {"sent": sent, "copies": where}  # the unit's copies carry the report button


def thread_note(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """A line in the drill's thread about something a person did (no scenario text: the thread may be public)."""
    with services.sessions() as session:
        drill = _drill(session, job)
        if not drill.thread_ts:
            raise NotReady("the drill's thread is not posted yet")
        channel, ts, state = drill.thread_channel, drill.thread_ts, DrillState.of(drill)
    lang = services.config.organisation.language
    text = t(str(job.payload["key"]), lang, user=job.payload.get("user", ""),
             category=views.drill_item(services.config, state.category, lang),
             due=views.day(state.due_at, services.config))
    return services.chat.post_once(job.key, channel or "", views.note(text), thread=ts, retry=job.retried).record()


def report_sent(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """The filed form by DM: to the commander, the executive secretary and their deputies (one job, a copy each),
    or to the planning group with the evaluate button (one job per person)."""
    with services.sessions() as session:
        state = DrillState.of(_drill(session, job))
        report = subject(session, DrillReport, job, "report")
        data, version, by = dict(report.data), report.version, report.submitted_by
        people = copies.recipients(session, job.payload)
    evaluate = bool(job.payload.get("evaluate"))

    def render(user: str, lang: Lang) -> dict[str, Any]:
        return views.report_sent(state, data, version, by, services.config, lang, evaluate=evaluate)

    if copies.TO in job.payload:
        return copies.send(services, job, people, render)
    user = str(job.payload["user"])  # one person's job (the planning group, or work queued before copies)
    return services.chat.direct_message_once(job.key, user, render(user, services.lang_of(user)),
                                             retry=job.retried).record()


def _approval_copy(services: Services, payload: dict[str, Any]) -> tuple[copies.Render, bool]:
    """The approval request as it stands, and whether it still awaits a decision: with Approve / Return while it
    does; once decided or superseded, saying what became of it (who, when), with no buttons."""
    with services.sessions() as session:
        try:
            state = DrillState.of(drills.get(session, int(payload["drill"])))
        except NotFound:
            raise GiveUp(f"drill {payload['drill']} does not exist") from None
        evaluation = session.get(DrillEvaluation, int(payload["evaluation"]))
        if evaluation is None:
            raise GiveUp(f"evaluation {payload['evaluation']} does not exist")
        done = drills.outcome(session, evaluation)
        data, version, by, eid = dict(evaluation.data), evaluation.version, evaluation.drafted_by, evaluation.id

    def render(user: str, lang: Lang) -> dict[str, Any]:
        settled = views.decision_text(done, services.config, lang) if done is not None else None
        return views.approval_request(state, eid, version, data, by, services.config, lang, settled=settled)

    return render, done is None


def approval(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """The evaluation's approval request to the executive secretary and a copy to the deputy (§3)."""
    render, waiting = _approval_copy(services, job.payload)
    # Decided before anything went out: nobody needs the request. A retry may have sent a copy already, so it
    # sends the rest (drawn settled) and records every copy, for the refresh to redraw.
    if not waiting and not job.retried:
        return {"skipped": "decided or superseded before it was sent"}
    with services.sessions() as session:
        people = copies.recipients(session, job.payload)
    if copies.TO not in job.payload:  # queued before copies: the one person, under the job's own key
        user = str(job.payload["user"])
        return services.chat.direct_message_once(job.key, user, render(user, services.lang_of(user)),
                                                 retry=job.retried).record()
    return copies.send(services, job, people, render)


def approval_refresh(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """The evaluation was decided or superseded: every copy of its request says so, with no buttons."""
    sent = copies.copies_of(services, job)
    if not sent.where:
        return {"updated": []}
    render, _ = _approval_copy(services, job.payload)
    return copies.redraw(services, sent, render)


def _evaluation(session: Session, job: Job) -> DrillEvaluation:
    return subject(session, DrillEvaluation, job, "evaluation")


def decided(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    with services.sessions() as session:
        state = DrillState.of(_drill(session, job))
        evaluation = _evaluation(session, job)
        approved = evaluation.status == EvaluationStatus.APPROVED
        data, version = dict(evaluation.data), evaluation.version
        by = evaluation.approved_by if approved else str(data.get("returned_by", ""))
    user = str(job.payload["user"])
    message = views.decided(state, version, data, approved, by or "", services.config, services.lang_of(user))
    return services.chat.direct_message_once(job.key, user, message, retry=job.retried).record()


def circulate(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """§7.3: the approved evaluation to every unit: the announcement channel, or a DM to every unit's head."""
    with services.sessions() as session:
        state = DrillState.of(_drill(session, job))
        evaluation = _evaluation(session, job)
        report = session.get(DrillReport, evaluation.report_id) if evaluation.report_id else None
        data, by = dict(evaluation.data), evaluation.approved_by or ""
        report_data = dict(report.data) if report else None
        heads = [roster.unit_posts(session, u.id).head for u in roster.active_units(session)]
    channel = services.config.drills.announcement_channel
    sent: dict[str, Any] = {}
    if channel:
        message = views.circulation(state, data, report_data, by, services.config,
                                    services.config.organisation.language)
        sent[channel] = services.chat.post_once(job.key, channel, message, retry=job.retried).ts
    else:
        for user in dict.fromkeys(u for u in heads if u):
            message = views.circulation(state, data, report_data, by, services.config, services.lang_of(user))
            sent[user] = services.chat.direct_message_once(job.per(user).key, user, message,
                                                           retry=job.retried).ts
    with services.sessions() as session, session.begin():
        _locked(session, job)  # a second runner of this job waits here, then finds circulated_at set
        evaluation = session.get(DrillEvaluation, int(job.payload["evaluation"]), populate_existing=True)
        if evaluation is not None and evaluation.circulated_at is None:
            evaluation.circulated_at = now
            audit.record(session, "crisisbot", "drill.evaluation_circulated", "drill", state.id, at=now,
                         data={"evaluation": evaluation.id, "to": sorted(sent)})
    return {"sent": sent}


def drill_dict(drill: Drill) -> dict[str, Any]:
    return {"id": drill.id, "period": drill.period, "unit_id": drill.unit_id, "category": drill.category}


def people_of(session: Session, doc: str, row_id: int) -> set[str]:
    """Who a drill document names: the report's author, or the evaluation's drafter and approver."""
    if doc == "report":
        report = session.get(DrillReport, row_id)
        return {report.submitted_by} if report else set()
    evaluation = session.get(DrillEvaluation, row_id)
    return {u for u in (evaluation.drafted_by, evaluation.approved_by) if u} if evaluation else set()


def render(session: Session, services_config: Any, doc: str, row_id: int,
           names: Mapping[str, str] | None = None) -> tuple[str, str, bytes]:
    """(filename, title, bytes) of a stored drill report version or evaluation. Without `names`, people are named
    as the user cache has them (the CLI: no Slack), by id where it has none."""
    if names is None:
        names = users.names(session, people_of(session, doc, row_id))
    if doc == "report":
        report = session.get(DrillReport, row_id)
        if report is None:
            raise NotFound(f"drill report {row_id}")
        drill = drills.get(session, report.drill_id)
        content = drill_docs.report_docx(services_config, drill_dict(drill), dict(report.data), report.version,
                                         report.submitted_by, report.submitted_at, names)
        name = drill_docs.report_filename(drill.period, report.version)
        return name, f"{drill_docs.ANNEX_TITLE[0]} {drill.period} v{report.version}", content
    evaluation = session.get(DrillEvaluation, row_id)
    if evaluation is None:
        raise NotFound(f"drill evaluation {row_id}")
    drill = drills.get(session, evaluation.drill_id)
    report = session.get(DrillReport, evaluation.report_id) if evaluation.report_id else None
    content = drill_docs.evaluation_docx(services_config, drill_dict(drill), {
        "data": dict(evaluation.data), "version": evaluation.version, "drafted_by": evaluation.drafted_by,
        "drafted_at": evaluation.drafted_at, "approved_by": evaluation.approved_by,
        "approved_at": evaluation.approved_at}, report.version if report else None, names)
    name = drill_docs.evaluation_filename(drill.period, evaluation.version)
    return name, f"{drill_docs.EVALUATION_TITLE[0]} {drill.period} v{evaluation.version}", content


def upload(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """The document into the drill's thread. A retry first looks in the thread for the file, so it is never shared
    twice."""
    with services.sessions() as session:
        drill = _drill(session, job)
        if not drill.thread_ts:
            raise NotReady("the drill's thread is not posted yet")
        channel, ts = drill.thread_channel or "", drill.thread_ts
        people = people_of(session, str(job.payload["doc"]), int(job.payload["id"]))
    # outside any session: the people not looked up yet are asked of the chat (a failure shows the id)
    names = learn_names(services.chat, services.sessions, people, now)
    with services.sessions() as session:
        name, title, content = render(session, services.config, str(job.payload["doc"]), int(job.payload["id"]),
                                      names)
    lang = services.config.organisation.language
    comment = t(f"drill.upload.{job.payload['doc']}", lang, version=job.payload.get("version", ""))
    return services.chat.upload_once(job.key, channel, name, title, content, thread=ts, comment=comment,
                                     retry=job.retried).record()


# The drill's DMs that carry its buttons, each redrawn without them once the drill is closed (`closed_refresh`).
# Reminders and overdue notices are left: their results keep no room to update.
BUTTONED = (WorkKind.DRILL_NOTIFY_TEAM, WorkKind.DRILL_NOTIFY_UNIT, WorkKind.DRILL_REPORT_SENT, WorkKind.DRILL_DECIDED,
            WorkKind.DRILL_REMIND, WorkKind.DRILL_OVERDUE)

Draw = Callable[[Lang], dict[str, Any]]


def _buttoned(session: Session, services: Services, drill: Drill) -> list[tuple[str | None, str, str, Draw]]:
    """Each message of the drill with buttons: (its reader, room, ts, how it is drawn now)."""
    state, config = DrillState.of(drill), services.config
    found: list[tuple[str | None, str, str, Draw]] = []
    for row in queue.finished(session, f"drill:{drill.id}", BUTTONED):
        p, result = dict(row.payload), dict(row.result or {})
        if row.kind in (WorkKind.DRILL_REMIND, WorkKind.DRILL_OVERDUE):  # the unit's copies, with the form button
            days = int(p.get("days") or 0)
            unit_draw: Draw = (partial(_reminder_copy, state, config, days) if row.kind == WorkKind.DRILL_REMIND
                               else partial(_overdue_copy, state, config))
            found += [(user, str(c["channel"]), str(c["ts"]), unit_draw)
                      for user, c in (result.get("copies") or {}).items()]
            continue
        if not result.get("ts") or not p.get("user"):
            continue  # a hand-off to a role (the filed form to the commander and the executive secretary): no buttons
        draw: Draw | None = None
        if row.kind == WorkKind.DRILL_NOTIFY_TEAM:
            draw = partial(views.team_notice, state, config)
        elif row.kind == WorkKind.DRILL_NOTIFY_UNIT:
            draw = partial(views.unit_notice, state, config, update=bool(p.get("update")))
        elif row.kind == WorkKind.DRILL_REPORT_SENT and p.get("evaluate"):
            report = session.get(DrillReport, int(p["report"]))
            if report is not None:
                draw = partial(_report_copy, state, dict(report.data), report.version, report.submitted_by, config)
        elif row.kind == WorkKind.DRILL_DECIDED:
            evaluation = session.get(DrillEvaluation, int(p["evaluation"]))
            if evaluation is not None and evaluation.status == EvaluationStatus.RETURNED:
                draw = partial(_decided_copy, state, evaluation.version, dict(evaluation.data), config)
        if draw is not None:
            found.append((str(p["user"]), str(result["channel"]), str(result["ts"]), draw))
    if drill.thread_channel and drill.thread_ts:
        executive = roster.holders(session, Role.EXECUTIVE_SECRETARY).primary
        reader = None if config.drills.announcement_channel else executive  # the card is in her DM then
        found.append((reader, drill.thread_channel, drill.thread_ts, partial(views.drill_card, state, config)))
    return found


def _reminder_copy(state: DrillState, config: Any, days: int, lang: Lang) -> dict[str, Any]:
    return views.reminder(state, config, lang, days)


def _overdue_copy(state: DrillState, config: Any, lang: Lang) -> dict[str, Any]:
    return views.overdue(state, config, lang, to_unit=True)


def _report_copy(state: DrillState, data: dict[str, Any], version: int, by: str, config: Any,
                 lang: Lang) -> dict[str, Any]:
    return views.report_sent(state, data, version, by, config, lang, evaluate=True)


def _decided_copy(state: DrillState, version: int, data: dict[str, Any], config: Any, lang: Lang) -> dict[str, Any]:
    return views.decided(state, version, data, False, str(data.get("returned_by") or ""), config, lang)


def closed_refresh(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """The drill is closed: its plan, report, evaluate and revise buttons sent so far give way to a line saying
    who closed it and when (a click on one would only be told the drill is closed)."""
    with services.sessions() as session:
        drill = _drill(session, job)
        by, at = drills.closed_by(session, drill)
        messages = _buttoned(session, services, drill)
    lang_of = services.lang_of
    for reader, room, ts, draw in messages:
        lang = lang_of(reader) if reader else services.config.organisation.language
        services.chat.update(room, ts, views.closed_copy(draw(lang), by, at, services.config, lang))
    return {"updated": len(messages)}


EXECUTORS = {
    WorkKind.DRILL_THREAD: post_thread,
    WorkKind.DRILL_NOTIFY_TEAM: notify_team,
    WorkKind.DRILL_NOTIFY_UNIT: notify_unit,
    WorkKind.DRILL_REMIND: remind,
    WorkKind.DRILL_OVERDUE: escalate_overdue,
    WorkKind.DRILL_NOTE: thread_note,
    WorkKind.DRILL_REPORT_SENT: report_sent,
    WorkKind.DRILL_APPROVAL: approval,
    WorkKind.DRILL_APPROVAL_REFRESH: approval_refresh,
    WorkKind.DRILL_DECIDED: decided,
    WorkKind.DRILL_CIRCULATE: circulate,
    WorkKind.DRILL_CLOSED_REFRESH: closed_refresh,
    WorkKind.DRILL_UPLOAD: upload,
}


def schedule_fired(services: Services, now: datetime) -> bool:
    """Whether the draw's cron schedule has fired in the current period by ``now`` (for catching up at start)."""
    return fired_this_month(services.config.drills.schedule, services.config.organisation.tz, now)


def scheduled_draw(services: Services, now: datetime | None = None, *,
                   catch_up: bool = False) -> drills_state.Drawn | None:
    """The monthly cron job (and, with ``catch_up``, the start-up check for a draw missed while the bot was
    down). Any number of replicas may run it: the unique period lets one draw count; the others get None."""
    now = now or services.clock()
    if catch_up and not schedule_fired(services, now):
        return None
    try:
        with services.sessions() as session, session.begin():
            drawn = drills.draw(session, services.config, "scheduler", now, services.rng)
    except drills.AlreadyDrawn:
        return None
    services.kick()
    return drawn
