"""`/crisis report`: open the report modal at once, store the submission, and confirm with the number."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blockkit import ids
from bot.blockkit.blocks import error_view, loading_view
from bot.incidents import forms, service
from bot.incidents.views import report_done_view, report_modal
from bot.platform.services import Services
from bot.procedure.errors import InvalidInput
from handlers import kit

log = logging.getLogger(__name__)


def open_report(services: Services, client: WebClient, user: str, trigger_id: str, channel: str | None) -> None:
    """Open the form in one call when the reader's language is cached; else a loading view first, then update."""
    lang = services.people.cached(user)
    loading = None
    if lang is None:
        # users.info may be slow: show something within the trigger's 3 s, then fill it in
        loading = client.views_open(trigger_id=trigger_id,
                                    view=loading_view(services.config.organisation.language))["view"]
    try:
        lang = lang or services.lang_of(user)
        units = sorted(services.who(user).unit_posts)
        view = report_modal(services.config, lang, unit_id=units[0][0] if units else None, channel_id=channel,
                            occurred=int(services.clock().timestamp()))
    except Exception:
        if loading is None:
            raise  # the global error handler tells the person, with an error id
        error_id = uuid.uuid4().hex[:8]
        log.exception("could not prepare the report form (error id %s, user %s)", error_id, user)
        client.views_update(view_id=loading["id"], view=error_view(error_id, services.config.organisation.language))
        return
    if loading is None:
        client.views_open(trigger_id=trigger_id, view=view)
    else:
        client.views_update(view_id=loading["id"], hash=loading["hash"], view=view)


def on_report(ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services) -> None:
    """Store the report (once per view, by its id) and show its number in place of the form."""
    person = kit.actor(services, body, view)
    try:
        data = forms.parse_report(services.config, view["state"]["values"], person.now, person.lang)
    except InvalidInput as exc:
        ack(response_action="errors", errors=exc.errors)
        return
    with services.sessions() as session, session.begin():
        done = service.report(session, services.config, person.who, data, submission_key=view["id"], now=person.now)
    ack(response_action="update", view=report_done_view(done.number, done.title, person.lang))
    services.kick()
    log.info("incident %s reported by %s (new: %s)", done.number, person.user, done.created)


LISTENERS: tuple[kit.Listener, ...] = (
    ("view", ids.REPORT_VIEW, on_report),
)


def register(app: App) -> None:
    """Wire the report modal's submission."""
    kit.register(app, LISTENERS)
