"""The handling steps' Slack side effects and timers, run by the tick as due work: war-room posts and DMs, the plan
and media-statement messages and their updates, the status-update and case-file reminders, the case file's
upload and the war room's archiving. Each is idempotent (the chat's `_once` verbs, or it looks first)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.blockkit import ids
from bot.blockkit.blocks import simple_message, text_message
from bot.blockkit.names import role_name, room_link, short_time
from bot.delivery import copies
from bot.delivery.job import GiveUp, Job, NotReady
from bot.delivery.kinds import WorkKind
from bot.handling import service as handling
from bot.handling import state as handling_state
from bot.handling import timeline
from bot.handling.casefile import render
from bot.handling.views import plan_message, statement_message
from bot.platform.people import learn_names
from bot.procedure.config import Role
from bot.procedure.i18n import Lang, t
from bot.procedure.status import IncidentStatus
from bot.procedure.text import escape
from bot.warroom.state import incident_of, room_of
from storage import audit, roster
from storage import work as queue
from storage.models import Incident

if TYPE_CHECKING:
    from bot.platform.services import Services


# Facts that are ids or numbers, shown as they are; any other string is what a person typed.
PLAIN_FACTS = frozenset({"user", "by", "number", "version"})


def render_facts(services: Services, facts: dict[str, Any], lang: Lang) -> dict[str, Any]:
    """A handling post's facts as the chat shows them: typed words escaped for mrkdwn ("—" when empty), the war
    room as a channel link, people as mentions, times in the organisation's time zone, a step by its name."""
    config = services.config
    shown: dict[str, Any] = {}
    for name, value in facts.items():
        if name == "step":
            step = next((s for s in config.steps if s.id == value), None)
            shown[name] = step.name(lang) if step else value
        elif name == "room":
            shown[name] = room_link(value, facts.get("room_name")) if value else "—"
        elif name == "people":
            shown[name] = " ".join(f"<@{u}>" for u in value)
        elif name == "when":
            shown[name] = datetime.fromisoformat(value).astimezone(config.organisation.tz).strftime("%Y-%m-%d %H:%M")
        elif name in PLAIN_FACTS or not isinstance(value, str):
            shown[name] = value
        else:
            shown[name] = escape(value) or "—"
    return shown


def values_of(services: Services, payload: dict[str, Any], lang: Lang) -> dict[str, Any]:
    """The values of a handling post's text, from its work payload."""
    if "facts" in payload:
        return render_facts(services, dict(payload["facts"]), lang)
    # Work queued before the facts were raw carries values rendered already (but for the step's name).
    values = dict(payload.get("values") or {})
    if "step" in values:
        step = next((s for s in services.config.steps if s.id == values["step"]), None)
        values["step"] = step.name(lang) if step else values["step"]  # type: ignore[arg-type]
    return values


def post(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    channel = room_of(services, job)
    lang = services.config.organisation.language
    text = t(job.payload["key"], lang, **values_of(services, job.payload, lang))
    message = simple_message(text, job.payload.get("buttons") or [], lang)
    return services.chat.post_once(job.key, channel, message, retry=job.retried).record()


def _direct_copy(services: Services, payload: dict[str, Any]) -> copies.Render:
    """A handling DM in its reader's language; a draft's approval request also says, once the spokesperson has
    decided, who released or rejected it and when."""
    decided: dict[str, Any] | None = None
    if payload.get("statement") is not None:
        found, _ = _statement(services, payload)
        decided = found if found["status"] != "pending" else None

    def render(user: str, lang: Lang) -> dict[str, Any]:
        text = t(payload["key"], lang, **values_of(services, payload, lang))
        if decided is not None:
            key = "media.released_by" if decided["status"] == "released" else "media.rejected_by"
            text += "\n" + t(key, lang, user=decided["decided_by"],
                              at=short_time(decided["decided_at"], services.config))
        return simple_message(text, payload.get("buttons") or [], lang)

    return render


def direct(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """A DM to one person, or a hand-off to a role (`to`): to its holder and a copy to the deputy."""
    render = _direct_copy(services, job.payload)
    if copies.TO in job.payload:
        with services.sessions() as session:
            people = copies.recipients(session, job.payload)
        return copies.send(services, job, people, render)
    user = str(job.payload["user"])
    return services.chat.direct_message_once(job.key, user, render(user, services.lang_of(user)),
                                             retry=job.retried).record()


def approval_refresh(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """The spokesperson decided on a draft: every copy of its approval request says who did and when."""
    sent = copies.copies_of(services, job)
    if not sent.where:
        return {"updated": []}
    return copies.redraw(services, sent, _direct_copy(services, sent.payload))


def _confirmer_name(level: str | None, lang: Any) -> str:
    role = handling.plan_confirmer(level)
    return role_name(role.value, lang) if role else t("plan.confirmer_unit", lang)


def _plan(services: Services, job: Job) -> tuple[dict[str, Any], str | None, int]:
    with services.sessions() as session:
        incident = incident_of(session, job)
        found = handling_state.plans(audit.timeline(session, incident.id)).get(int(job.payload["plan"]))
        if found is None:
            raise NotReady("plan not recorded")
        return found, incident.level, incident.id


def plan_post(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    channel = room_of(services, job)
    plan, level, incident_id = _plan(services, job)
    lang = services.config.organisation.language
    message = plan_message(plan, incident_id, _confirmer_name(level, lang), services.config, lang)
    return services.chat.post_once(job.key, channel, message, retry=job.retried).record()


def _posted(services: Services, key: str) -> dict[str, Any]:
    with services.sessions() as session:
        row = queue.get(session, key)
        if row is None or row.done_at is None or not row.result:
            raise NotReady(f"{key} is not posted yet")
        return dict(row.result)


def plan_refresh(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    plan, level, incident_id = _plan(services, job)
    posted = _posted(services, f"incident:{incident_id}:plan:{plan['id']}")
    lang = services.config.organisation.language
    message = plan_message(plan, incident_id, _confirmer_name(level, lang), services.config, lang)
    services.chat.update(posted["channel"], posted["ts"], message)
    return {"ts": posted["ts"]}


def _statement(services: Services, payload: dict[str, Any]) -> tuple[dict[str, Any], int]:
    with services.sessions() as session:
        incident = session.get(Incident, int(payload["incident"]))
        if incident is None:
            raise GiveUp(f"incident {payload['incident']} does not exist")
        found = handling_state.statements(audit.timeline(session, incident.id)).get(int(payload["statement"]))
        if found is None:
            raise NotReady("statement not recorded")
        return found, incident.id


def media_post(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    channel = room_of(services, job)
    statement, incident_id = _statement(services, job.payload)
    lang = services.config.organisation.language
    message = statement_message(statement, incident_id, services.config, lang)
    return services.chat.post_once(job.key, channel, message, retry=job.retried).record()


def media_refresh(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    statement, incident_id = _statement(services, job.payload)
    posted = _posted(services, f"incident:{incident_id}:media:{statement['id']}")
    message = statement_message(statement, incident_id, services.config, services.config.organisation.language)
    services.chat.update(posted["channel"], posted["ts"], message)
    return {"ts": posted["ts"]}


def update_reminder(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """No status update for an interval: remind the incident's lead (the unit head), then arm the next one."""
    with services.sessions() as session:
        incident = incident_of(session, job)
        if incident.status != IncidentStatus.OPEN:
            return {"skipped": incident.status}
        posts = roster.unit_posts(session, incident.unit_id) if incident.unit_id else None
        lead = (posts.head or posts.deputy) if posts else roster.holders(session, Role.EXECUTIVE_SECRETARY).primary
        number, title, room, name = incident.number, incident.title, incident.channel_id, incident.channel_name
        minutes = int(handling.update_interval(services.config, incident).total_seconds() // 60)
    if lead is None:
        return {"skipped": "no lead"}
    lang = services.lang_of(lead)
    text = t("update.reminder", lang, number=number, title=escape(title), minutes=minutes,
             room=room_link(room, name) if room else "—")
    posted = services.chat.direct_message_once(job.key, lead, simple_message(text, [
        [ids.UPDATE_OPEN, "button.update", str(job.payload["incident"]), "primary"],
        [ids.UPDATE_SNOOZE, "button.snooze", str(job.payload["incident"])]], lang), retry=job.retried)
    with services.sessions() as session, session.begin():
        incident = incident_of(session, job, lock=True)
        audit.record(session, "crisisbot", "update.reminded", "incident", incident.id, incident_id=incident.id,
                     at=now, data={"target": lead})
        this = queue.get(session, job.key)
        # An update or a snooze while this DM was in flight cancelled this timer and armed its own: do not double.
        if incident.status == IncidentStatus.OPEN and this is not None and this.cancelled_at is None:
            interval = handling.update_interval(services.config, incident)
            # after downtime, one reminder now and the next a full interval later, not a burst to catch up
            due = max(job.due_at, now) + interval
            queue.enqueue(session, WorkKind.UPDATE_REMIND,
                          f"incident:{incident.id}:update-remind:{int(due.timestamp())}",
                          due, {"incident": incident.id}, incident.id)
    return {"target": lead, "ts": posted.ts, "channel": posted.room}


# What an ended incident's DMs offered: status-update reminders (Update, Snooze) and triage requests (Set level).
ENDED_WITH = (WorkKind.UPDATE_REMIND, WorkKind.TRIAGE_REQUEST)


def finished_dms(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """The incident is resolved: the reminders and requests sent about it so far say so, with no buttons (a click
    on one would only be told the incident is over). The case-file requests keep theirs: that is what is left."""
    with services.sessions() as session:
        incident = incident_of(session, job)
        number, title, status = incident.number, incident.title, incident.status
        copies_at: list[tuple[str, str, str]] = []
        for row in queue.finished(session, incident.id, ENDED_WITH):
            result = dict(row.result or {})
            if result.get("copies"):
                copies_at += [(u, str(c["channel"]), str(c["ts"])) for u, c in result["copies"].items()]
            elif result.get("target") and result.get("channel") and result.get("ts"):
                copies_at.append((str(result["target"]), str(result["channel"]), str(result["ts"])))
    for user, room, ts in copies_at:
        lang = services.lang_of(user)
        text = t("finished.dm", lang, number=number, title=escape(title), status=t(f"card.status.{status}", lang))
        services.chat.update(room, ts, text_message(text))
    return {"updated": len(copies_at)}


def case_file_reminder(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """Daily until the case file is in: DM the unit's head and deputy with the button."""
    with services.sessions() as session:
        incident = incident_of(session, job)
        if incident.status != IncidentStatus.RESOLVED:
            return {"skipped": incident.status}
        posts = roster.unit_posts(session, incident.unit_id) if incident.unit_id else None
        number, title, incident_id = incident.number, incident.title, incident.id
    sent = {}
    for user in dict.fromkeys(u for u in ((posts.head, posts.deputy) if posts else ()) if u):
        lang = services.lang_of(user)
        text = t("casefile.reminder", lang, number=number, title=escape(title), n=job.payload.get("n", 1))
        message = simple_message(text, [[ids.CASEFILE_OPEN, "button.case_file", str(incident_id), "primary"]], lang)
        sent[user] = services.chat.direct_message_once(job.per(user).key, user, message, retry=job.retried).ts
    n = int(job.payload.get("n", 1)) + 1
    with services.sessions() as session, session.begin():
        incident = incident_of(session, job, lock=True)
        if incident.status == IncidentStatus.RESOLVED:
            queue.enqueue(session, WorkKind.CASEFILE_REMIND, f"incident:{incident.id}:casefile-remind:{n}",
                          max(job.due_at, now) + timedelta(hours=services.config.routing.case_file_reminder_hours),
                          {"incident": incident.id, "n": n}, incident.id)
    return {"sent": sent}


def upload(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """The case file into the war room; a retry first looks for the file in the room."""
    channel = room_of(services, job)
    fmt, version = str(job.payload["format"]), int(job.payload["version"])
    with services.sessions() as session:
        incident = incident_of(session, job)
        people = timeline.people_in(audit.timeline(session, incident.id)) | {incident.reporter}
    # outside any session: the people the bot has not looked up yet are asked of the chat (a failure shows the id)
    names = learn_names(services.chat, services.sessions, people, now)
    with services.sessions() as session:
        incident = incident_of(session, job)
        name, content = render(session, services.config, incident, version, fmt, names)
        number = incident.number
    comment = None
    if fmt == "md":
        comment = t("casefile.upload", services.config.organisation.language, number=number, version=version)
    return services.chat.upload_once(job.key, channel, name, name, content, comment=comment,
                                     retry=job.retried).record()


def archive(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """Archive the war room after the configured delay; nothing to do if it is already archived."""
    channel = room_of(services, job)
    services.chat.archive_room(channel)
    with services.sessions() as session, session.begin():
        incident = incident_of(session, job, lock=True)
        audit.record(session, "crisisbot", "incident.archived", "incident", incident.id, incident_id=incident.id,
                     at=now, data={"channel": channel})
    return {"channel": channel}


EXECUTORS = {
    WorkKind.FINISHED_DMS: finished_dms,
    WorkKind.HANDLING_POST: post,
    WorkKind.HANDLING_DM: direct,
    WorkKind.PLAN_POST: plan_post,
    WorkKind.PLAN_REFRESH: plan_refresh,
    WorkKind.MEDIA_POST: media_post,
    WorkKind.MEDIA_REFRESH: media_refresh,
    WorkKind.MEDIA_APPROVAL_REFRESH: approval_refresh,
    WorkKind.UPDATE_REMIND: update_reminder,
    WorkKind.CASEFILE_REMIND: case_file_reminder,
    WorkKind.CASEFILE_UPLOAD: upload,
    WorkKind.INCIDENT_ARCHIVE: archive,
}
