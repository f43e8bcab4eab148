"""The war room's buttons and the triage modal: acknowledge a page, set the level, ask for legal advice."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blockkit import ids
from bot.handling.views import legal_request_modal
from bot.incidents import service
from bot.incidents.views import triage_modal
from bot.paging import service as paging
from bot.platform.services import Services
from bot.procedure import errors as service_errors
from bot.procedure.config import Level
from bot.procedure.i18n import t
from bot.procedure.status import ACTIVE
from bot.warroom.state import card_state
from handlers.overview import publish_home
from handlers.replies import ephemeral, refusal
from storage import audit
from storage import work as queue
from storage.models import Incident, Page


def _refuse(respond: Respond, services: Services, user: str, action: str, allowed: str) -> None:
    ephemeral(respond, refusal(service_errors.NotAllowed(action, allowed), services.lang_of(user)))


def _dm_reply(client: WebClient, user: str) -> Any:
    def reply(**message: Any) -> None:
        client.chat_postMessage(channel=user, text=message["text"])
    return reply


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def register(app: App, services: Services) -> None:
    """Wire the page, triage and legal actions."""

    @app.action(ids.PAGE_ACK)
    def on_ack(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
               respond: Respond) -> None:
        ack()
        user, now = body["user"]["id"], services.clock()
        who = services.who(user)
        home = (body.get("view") or {}).get("type") == "home"
        if home:  # the App Home tab has no response_url: answer by DM, and refresh the tab below
            respond = _dm_reply(client, user)
        found = allowed = fresh = False
        with services.sessions() as session, session.begin():
            page = session.get(Page, _int(action.get("value")) or -1)
            if page is not None:
                found = True
                allowed = paging.may_acknowledge(who, page)
                fresh = allowed and paging.acknowledge(session, who, page, now)
        if not found:
            return respond(text=t("incident.not_found", services.lang_of(user)), response_type="ephemeral",
                           replace_original=False)
        if not allowed:
            return _refuse(respond, services, user, "action.ack", "allowed.ack")
        services.kick()
        if home:
            return publish_home(services, client, user)
        respond(text=t("ack.done" if fresh else "ack.already", services.lang_of(user)), response_type="ephemeral",
                replace_original=False)

    @app.action(ids.TRIAGE_OPEN)
    def on_triage_open(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                       respond: Respond) -> None:
        ack()
        user = body["user"]["id"]
        who = services.who(user)
        with services.sessions() as session:
            incident = session.get(Incident, _int(action.get("value")) or -1)
            state = card_state(session, incident) if incident else None
        if state is None:
            return respond(text=t("incident.not_found", services.lang_of(user)), response_type="ephemeral",
                           replace_original=False)
        if not service.can_set_level(who, state.unit_id):
            return _refuse(respond, services, user, "action.set_level", "allowed.set_level")
        if state.status not in ACTIVE:
            return _refuse(respond, services, user, "action.set_level", "allowed.active_incident")
        client.views_open(trigger_id=body["trigger_id"], view=triage_modal(state, services.config,
                                                                            services.lang_of(user)))

    @app.view(ids.TRIAGE_VIEW)
    def on_triage(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user, now = body["user"]["id"], services.clock()
        meta = json.loads(view.get("private_metadata") or "{}")
        lang = meta.get("lang") or services.lang_of(user)
        values = view["state"]["values"]
        level = ((values.get(ids.T_LEVEL) or {}).get(ids.T_LEVEL) or {}).get("selected_option") or {}
        subtype = ((values.get(ids.T_SUBTYPE) or {}).get(ids.T_SUBTYPE) or {}).get("selected_option") or {}
        if level.get("value") not in {lv.value for lv in Level}:
            return ack(response_action="errors", errors={ids.T_LEVEL: t("error.required", lang)})
        who = services.who(user)
        try:
            with services.sessions() as session, session.begin():
                incident = session.get(Incident, _int(meta.get("incident")) or -1)
                if incident is None:
                    return ack(response_action="errors", errors={ids.T_LEVEL: t("incident.not_found", lang)})
                # A repeated view_submission (Slack's retry, a double tap) has no second effect.
                submission = f"{view.get('id')}:{view.get('hash')}"[:64]
                if audit.events(session, subject_type="view", subject_id=submission):
                    return ack()
                service.set_level(session, services.config, who, incident, Level(level["value"]),
                                  subtype.get("value"), now)
                queue.enqueue(session, "warroom.note", f"incident:{incident.id}:note:triage:{submission}",
                              now, {"incident": incident.id, "key": "triage.note", "user": user}, incident.id)
                audit.record(session, user, "view.submitted", "view", submission, at=now,
                             data={"callback": ids.TRIAGE_VIEW, "incident": incident.id})
        except service_errors.NotAllowed as exc:
            return ack(response_action="errors", errors={
                ids.T_LEVEL: t("refusal", lang, action=t(exc.action, lang), allowed=t(exc.allowed, lang))})
        ack()
        services.kick()

    @app.action(ids.REQUEST_LEGAL)
    def on_legal(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                 respond: Respond) -> None:
        """Ask what the legal group should advise on; the submission pages them with it (handlers/handling)."""
        ack()
        user = body["user"]["id"]
        who = services.who(user)
        if not who.known:
            return _refuse(respond, services, user, "action.legal", "allowed.legal")
        lang = services.lang_of(user)
        with services.sessions() as session:
            incident = session.get(Incident, _int(action.get("value")) or -1)
            view = legal_request_modal(incident.id, incident.number, incident.title, lang) if incident else None
        if view is None:
            return respond(text=t("incident.not_found", lang), response_type="ephemeral", replace_original=False)
        client.views_open(trigger_id=body["trigger_id"], view=view)
        return None

    @app.action(ids.MARK_HANDLED)
    def on_handled(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        user, now = body["user"]["id"], services.clock()
        who = services.who(user)
        try:
            with services.sessions() as session, session.begin():
                incident = session.get(Incident, _int(action.get("value")) or -1)
                if incident is None:
                    return None
                service.mark_handled(session, services.config, who, incident, now)
        except service_errors.NotAllowed as exc:
            return _refuse(respond, services, user, exc.action, exc.allowed)
        services.kick()
        return None
