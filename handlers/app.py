"""The app factory: the one wiring point. It builds the Bolt app, hands the services to every listener through
Bolt's context (handlers/kit.py) and walks each handler module's registration table."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot.platform.services import Services
from bot.procedure.i18n import t
from handlers import cases, commands, drills, handling, handoffs, home, incident, kit, report, roster
from handlers.listeners import ListenerPool

log = logging.getLogger(__name__)


HANDLER_MODULES = (commands, home, report, incident, drills, handling, roster, handoffs, cases)


def create_app(services: Services, client: WebClient, signing_secret: str, *,
               token_verification: bool = True, listeners: ListenerPool | None = None) -> App:
    """A Bolt app with every listener registered once. Listeners run after the ack (process_before_response off)."""
    app = App(
        client=client,
        signing_secret=signing_secret,
        token_verification_enabled=token_verification,
        process_before_response=False,
        ignoring_self_events_enabled=True,
        listener_executor=listeners or ListenerPool(),
    )
    app.use(kit.provide(services))
    app.use(kit.reply_without_a_message)
    for module in HANDLER_MODULES:
        module.register(app)

    @app.error
    def on_error(error: Exception, body: dict[str, Any], respond: Any) -> BoltResponse:
        error_id = uuid.uuid4().hex[:8]
        user = (body.get("user") or {}).get("id") or body.get("user_id") or ""
        log.exception("listener failed (error id %s, user %s, type %s)", error_id, user, body.get("type"),
                      exc_info=error)
        lang = services.config.organisation.language
        if user:
            try:
                lang = services.lang_of(user)
            except Exception:  # the error reply must not fail on a second error
                log.warning("could not resolve the language of %s for error %s", user, error_id)
        message = t("error.generic", lang, error_id=error_id)
        if body.get("response_url"):
            try:
                respond(text=message, response_type="ephemeral", replace_original=False)
            except Exception:
                log.warning("could not tell %s about error %s", user, error_id)
        view = body.get("view") or {}
        if body.get("type") == "view_submission":
            # An empty answer would close the modal and lose what was typed: keep it open with the error.
            first = kit.first_input_block(view)
            if first:
                return BoltResponse(status=200, body=json.dumps({"response_action": "errors",
                                                                 "errors": {first: message}}),
                                    headers={"content-type": "application/json"})
        # 200 so Slack shows no generic failure and does not retry; the user already has our message.
        return BoltResponse(status=200, body="")

    return app
