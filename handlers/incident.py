"""The war room's buttons and the triage modal: acknowledge a page, set the level, ask for legal advice."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blockkit import ids
from bot.blockkit.names import level_name, short_time
from bot.handling import service as handling
from bot.handling.views import legal_request_modal
from bot.incidents import forms, service
from bot.incidents.views import triage_modal
from bot.paging import handover
from bot.paging import service as paging
from bot.platform.services import Services
from bot.procedure import errors
from bot.procedure.config import OrgConfig
from bot.procedure.i18n import Lang, t
from bot.procedure.status import ACTIVE
from bot.warroom.state import card_state
from handlers import kit
from handlers.overview import publish_home
from storage import incidents, pages
from storage.models import Incident


def _dm_reply(client: WebClient, user: str) -> Any:
    def reply(**message: Any) -> None:
        client.chat_postMessage(channel=user, text=message["text"])
    return reply


def on_ack(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Services) -> None:
    """Acknowledge a page, from the war room or from the App Home tab."""
    ack()
    person = kit.actor(services, body)
    now, who = person.now, person.who
    home = (body.get("view") or {}).get("type") == "home"
    if home:  # the App Home tab has no response_url: answer by DM, and refresh the tab below
        respond = _dm_reply(client, person.user)
    answer: paging.Answer | None = None
    allowed = False
    handed_to: str | None = None
    with services.sessions() as session, session.begin():
        page = pages.lock(session, kit.subject_id(body))
        if page is not None:
            handed_to = handover.handed_to(session, page)  # §3 移交: the new holder has their own page
            allowed = handed_to is None and paging.may_acknowledge(who, page)
            answer = paging.acknowledge(session, who, page, now) if allowed else None
    if page is None:
        return kit.ephemeral(respond, t("incident.not_found", person.lang))
    if handed_to is not None:
        return kit.ephemeral(respond, t("page.handed_over_ack", person.lang, user=handed_to))
    if answer is None:
        return kit.refuse(respond, person.lang, "action.ack", "allowed.ack")
    services.kick()
    if home:
        return publish_home(services, client, person.user)
    kit.ephemeral(respond, ack_text(answer, services.config, person.lang))


def ack_text(answer: paging.Answer, config: OrgConfig, lang: Lang) -> str:
    """What the person who clicked Acknowledge is told: done, or who answered first and when, or that the
    incident is over or was judged a level that does not need this page, and nobody needs to answer."""
    if answer.fresh:
        return t("ack.done", lang)
    if answer.stood_down:
        return t("ack.stood_down", lang, user=answer.by or "crisisbot", level=level_name(config, answer.level, lang))
    if answer.closed:
        return t("ack.closed", lang)
    if answer.by:
        return t("ack.already_by", lang, user=answer.by, at=short_time(answer.at, config))
    return t("ack.already", lang)


def on_triage_open(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond,
                   services: Services) -> None:
    """Open the triage modal for a person who may set this incident's level."""
    ack()
    person = kit.actor(services, body)
    who = person.who
    with services.sessions() as session:
        incident = session.get(Incident, kit.subject_id(body))
        state = card_state(session, incident) if incident else None
    if state is None:
        return kit.ephemeral(respond, t("incident.not_found", person.lang))
    if not service.can_set_level(who, state.unit_id):
        return kit.refuse(respond, person.lang, "action.set_level", "allowed.set_level")
    if state.status not in ACTIVE:
        return kit.refuse(respond, person.lang, "action.set_level", "allowed.active_incident")
    kit.open_modal(client, body["trigger_id"], triage_modal(state, services.config, person.lang))


def on_triage(ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services) -> None:
    """Set the level (and subtype) once per submission, and note it in the war room."""
    person = kit.actor(services, body, view)
    now, lang = person.now, person.lang
    try:
        level, subtype = forms.parse_triage(view["state"]["values"], lang)
    except errors.InvalidInput as exc:
        return ack(response_action="errors", errors=exc.errors)
    who = person.who
    try:
        with services.sessions() as session, session.begin():
            incident = incidents.lock(session, kit.as_id(kit.metadata(view).get("incident")))
            if incident is None:
                return ack(response_action="errors", errors={ids.T_LEVEL: t("incident.not_found", lang)})
            if not kit.claim_submission(session, view, person.user, now, incident.id):
                return ack()
            service.set_level(session, services.config, who, incident, level, subtype, now,
                              note=kit.submission(view))
    except errors.NotAllowed as exc:
        return ack(response_action="errors", errors={ids.T_LEVEL: kit.refusal(exc, lang)})
    ack()
    services.kick()


def on_legal(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Services) -> None:
    """Ask what the legal group should advise on; the submission pages them with it (handlers/handling)."""
    ack()
    person = kit.actor(services, body)
    lang, who = person.lang, person.who
    with services.sessions() as session:
        incident = session.get(Incident, kit.subject_id(body))
        allowed = incident is not None and handling.may(who, "legal", incident, services.config)
        view = legal_request_modal(incident.id, incident.number, incident.title, lang) if incident else None
    if view is None:
        return kit.ephemeral(respond, t("incident.not_found", lang))
    if not allowed:
        return kit.refuse(respond, lang, "action.legal", "allowed.legal_request")
    kit.open_modal(client, body["trigger_id"], view)
    return None


def on_handled(ack: Ack, body: dict[str, Any], respond: Respond, services: Services) -> None:
    """Mark an incident handled (the service decides who may)."""
    ack()
    person = kit.actor(services, body)
    now, who = person.now, person.who
    try:
        with services.sessions() as session, session.begin():
            incident = incidents.lock(session, kit.subject_id(body))
            if incident is None:
                return None
            service.mark_handled(session, services.config, who, incident, now)
    except errors.NotAllowed as exc:
        return kit.refuse(respond, person.lang, exc.action, exc.allowed)
    except errors.Closed as exc:
        return kit.ephemeral(respond, kit.closed_text(exc, person.lang, services.config))
    services.kick()
    return None


LISTENERS: tuple[kit.Listener, ...] = (
    ("action", ids.PAGE_ACK, on_ack),
    ("action", ids.TRIAGE_OPEN, on_triage_open),
    ("view", ids.TRIAGE_VIEW, on_triage),
    ("action", ids.REQUEST_LEGAL, on_legal),
    ("action", ids.MARK_HANDLED, on_handled),
)


def register(app: App) -> None:
    """Wire the page, triage and legal actions."""
    kit.register(app, LISTENERS)
