"""The report's and triage's due work: the reporter's receipt, the triage request to the unit's head and deputy,
the untriaged timeout, the low-level report to the executive secretary, the observation reminders, and the
notices a report's flags send."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.blockkit import ids
from bot.blockkit.blocks import simple_message, text_message
from bot.blockkit.fit import sections
from bot.blockkit.names import category_name, role_name, room_link, short_time
from bot.delivery import copies
from bot.delivery.job import GiveUp, Job
from bot.delivery.kinds import WorkKind
from bot.incidents import service as incidents
from bot.incidents.account import account_short_block
from bot.incidents.state import Account, untriaged_page
from bot.incidents.views import triage_request
from bot.paging import service as paging
from bot.procedure.config import Level, Role
from bot.procedure.i18n import Lang, t
from bot.procedure.status import IncidentStatus
from bot.procedure.text import escape
from bot.warroom.service import refresh_card
from bot.warroom.state import card_state, incident_of, room_of, shared_past_cases
from storage import audit, roster
from storage.models import Incident
from storage.types import as_utc

if TYPE_CHECKING:
    from bot.platform.services import Services


def notify_reporter(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    channel = room_of(services, job)
    with services.sessions() as session:
        incident = incident_of(session, job)
        reporter, number, title, name = incident.reporter, incident.number, incident.title, incident.channel_name
    lang = services.lang_of(reporter)
    text = t("report.done_dm", lang, number=number, title=escape(title), room=room_link(channel, name))
    return services.chat.direct_message_once(job.key, reporter, text_message(text), retry=job.retried).record()


def _triage_copy(services: Services, incident_id: int) -> copies.Render:
    """The triage request as it stands: asking, or saying who judged the level (read once, drawn per reader)."""
    with services.sessions() as session:
        incident = session.get(Incident, incident_id)
        if incident is None:
            raise GiveUp(f"incident {incident_id} does not exist")
        state = replace(card_state(session, incident),
                        past_cases=shared_past_cases(session, services.config, incident))
        by, at = incident.triaged_by, as_utc(incident.triaged_at) if incident.triaged_at else None

    def render(user: str, lang: Lang) -> dict[str, Any]:
        return triage_request(state, services.config, lang, triaged_by=by, triaged_at=at)

    return render


def request_triage(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """Ask the unit's head and deputy to judge the level (§5); the copies are redrawn once someone has."""
    with services.sessions() as session:
        incident = incident_of(session, job)
        if incident.triaged_at:
            return {"skipped": "already triaged"}
        posts = roster.unit_posts(session, incident.unit_id) if incident.unit_id else None
        people = list(dict.fromkeys(u for u in (posts.head, posts.deputy) if u)) if posts else []
        incident_id = incident.id
    if not people:
        return {"skipped": "no head or deputy"}  # the untriaged timeout still pages: nothing sits unseen
    return copies.send(services, job, people, _triage_copy(services, incident_id))


def triage_refresh(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """The level was judged: every copy of the triage request says by whom, with no button."""
    sent = copies.copies_of(services, job)
    if not sent.where:
        return {"updated": []}
    return copies.redraw(services, sent, _triage_copy(services, int(job.payload["incident"])))


def triage_timeout(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """Nothing may sit unseen: an untriaged incident pages its proposed level's tier (high: the commander, who
    may already have its page; medium: the executive secretary; low pages nobody, so the executive secretary)."""
    with services.sessions() as session, session.begin():
        incident = incident_of(session, job, lock=True)
        if incident.triaged_at:
            return {"skipped": "triaged"}
        config = services.config
        proposed = Level(incident.proposed_level) if incident.proposed_level else None
        tier = untriaged_page(config.routing, proposed)
        audit.record(session, "crisisbot", "incident.untriaged", "incident", incident.id, incident_id=incident.id,
                     at=now, data={"after_seconds": config.routing.untriaged_timeout_seconds, "paged": tier.value})
        page = paging.page_role(session, config, incident, tier, proposed or Level.MEDIUM, now,
                                paged_for=proposed or Level.MEDIUM)
        refresh_card(session, incident.id, now, "untriaged")
    services.kick()
    return {"page": page.id if page else None}


def _lowlevel_copy(services: Services, payload: dict[str, Any]) -> copies.Render:
    """The low-level report as it stands: with the acknowledge (收悉) button until someone has read it, then saying
    who read it and when."""
    with services.sessions() as session:
        incident = session.get(Incident, int(payload["incident"]))
        if incident is None:
            raise GiveUp(f"incident {payload['incident']} does not exist")
        unit = services.config.unit(incident.unit_id or "")
        number, title, category, subtype = incident.number, incident.title, incident.category, incident.subtype
        room = room_link(incident.channel_id, incident.channel_name) if incident.channel_id else "—"
        incident_id = incident.id
        first = copies.first_reader(session, incidents.handled_report(incident_id, int(payload.get("round") or 1)))

    def render(user: str, lang: Lang) -> dict[str, Any]:
        text = t("handled.report", lang, unit=escape(unit.name(lang)) if unit else "—", number=number,
                 title=escape(title), category=category_name(services.config, category, subtype, lang),
                 user=payload["user"], room=room)
        if first is not None:
            text += "\n" + t("handoff.read_line", lang, user=first.by, at=short_time(first.at, services.config))
            return simple_message(text, [], lang)
        return simple_message(text, [[ids.HANDOFF_READ, "button.handoff_read", str(incident_id), "primary"]], lang)

    return render


def report_handled(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """The low-level report to the executive secretary and the deputy (§5: handle it, then notify the executive
    secretary; §3: the deputy stands in), each with the acknowledge button."""
    with services.sessions() as session:
        people = copies.addressed(session, [Role.EXECUTIVE_SECRETARY])
    return copies.send(services, job, people, _lowlevel_copy(services, job.payload))


def lowlevel_refresh(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """Someone acknowledged the low-level report: every copy now says who and when, with no button."""
    sent = copies.copies_of(services, job)
    if not sent.where:
        return {"updated": []}
    return copies.redraw(services, sent, _lowlevel_copy(services, sent.payload))


def observation_reminder(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """Remind the unit to post how a handled low-level incident develops; none once it has moved on."""
    with services.sessions() as session:
        incident = incident_of(session, job)
        if incident.status != IncidentStatus.OBSERVING:
            return {"skipped": incident.status}
        posts = roster.unit_posts(session, incident.unit_id) if incident.unit_id else None
        number = incident.number
    channel = room_of(services, job)
    people = " ".join(f"<@{u}>" for u in (posts.head, posts.deputy) if u) if posts else "—"
    lang = services.config.organisation.language
    text = t("observe.remind", lang, n=job.payload["n"], total=job.payload["total"], people=people, number=number)
    return services.chat.post_once(job.key, channel, text_message(text), retry=job.retried).record()


def notify_flagged(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """A report's flag tells a role (`bot.incidents.flags`), its holder and a copy to the deputy: why, the short
    account and the war room."""
    channel = room_of(services, job)
    with services.sessions() as session:
        incident = incident_of(session, job)
        account, number, title = Account.of(incident), incident.number, incident.title
        link = room_link(channel, incident.channel_name)
        people = copies.recipients(session, job.payload)
    role = str(job.payload["role"])

    def render(user: str, lang: Lang) -> dict[str, Any]:
        sep = "、" if lang == "zh-TW" else ", "
        flags = sep.join(t(f"flag.{f}", lang) for f in job.payload.get("flags") or [])
        room = t("flag.notify.invited" if job.payload.get("invited") else "flag.notify.room", lang,
                 room=link)
        text = t("flag.notify", lang, number=number, title=escape(title), flags=flags, role=role_name(role, lang))
        return {"text": text, "blocks": [*sections(text), account_short_block(account, services.config, lang,
                                                                              block_id=ids.ACCOUNT_SHORT),
                                         *sections(room)]}

    return copies.send(services, job, people, render)


EXECUTORS = {
    WorkKind.REPORTER_NOTIFY: notify_reporter,
    WorkKind.TRIAGE_REQUEST: request_triage,
    WorkKind.TRIAGE_REFRESH: triage_refresh,
    WorkKind.TRIAGE_TIMEOUT: triage_timeout,
    WorkKind.LOWLEVEL_REPORT: report_handled,
    WorkKind.LOWLEVEL_REFRESH: lowlevel_refresh,
    WorkKind.OBSERVE_REMIND: observation_reminder,
    WorkKind.FLAG_NOTIFY: notify_flagged,
}
