"""A tiny real slack_bolt App served over HTTP, used to prove the sandbox speaks Slack to Bolt.

It does what crisisbot does in miniature: ``/crisis`` opens a modal, the submission is validated with inline
errors or answered by posting a card with a button, the button click replies in the thread and replaces the
card through ``response_url``, and App Home is published on ``app_home_opened``.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import uvicorn
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import SlackRequestHandler
from slack_sdk import WebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

REPORT_VIEW: dict[str, Any] = {
    "type": "modal",
    "callback_id": "report",
    "title": {"type": "plain_text", "text": "通報事件 Report"},
    "submit": {"type": "plain_text", "text": "Submit"},
    "close": {"type": "plain_text", "text": "Cancel"},
    "notify_on_close": True,
    "private_metadata": "from-slash",
    "blocks": [
        {
            "type": "input",
            "block_id": "title",
            "label": {"type": "plain_text", "text": "Title"},
            "element": {"type": "plain_text_input", "action_id": "title"},
        },
        {
            "type": "input",
            "block_id": "level",
            "label": {"type": "plain_text", "text": "Level"},
            "element": {
                "type": "static_select",
                "action_id": "level",
                "options": [
                    {"text": {"type": "plain_text", "text": "High"}, "value": "high"},
                    {"text": {"type": "plain_text", "text": "Low"}, "value": "low"},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "when",
            "optional": True,
            "label": {"type": "plain_text", "text": "Date"},
            "element": {"type": "datepicker", "action_id": "when"},
        },
        {
            "type": "input",
            "block_id": "who",
            "optional": True,
            "label": {"type": "plain_text", "text": "People"},
            "element": {"type": "multi_users_select", "action_id": "who"},
        },
        {
            "type": "input",
            "block_id": "flags",
            "optional": True,
            "label": {"type": "plain_text", "text": "Flags"},
            "element": {
                "type": "checkboxes",
                "action_id": "flags",
                "options": [
                    {"text": {"type": "plain_text", "text": "Injuries"}, "value": "injuries"},
                    {"text": {"type": "plain_text", "text": "Press"}, "value": "press"},
                ],
            },
        },
    ],
}


def build_app(api_url: str, token: str, signing_secret: str) -> tuple[App, list[dict[str, Any]]]:
    """The Bolt app plus a list where it records what it received (for assertions)."""
    seen: list[dict[str, Any]] = []
    app = App(
        token=token,
        signing_secret=signing_secret,
        token_verification_enabled=False,
        client=WebClient(token=token, base_url=api_url),
    )

    @app.command("/crisis")
    def crisis(ack: Any, command: dict[str, Any], client: WebClient) -> None:
        seen.append({"command": command})
        if command["text"] == "help":
            ack("Usage: /crisis report")
            return
        if command["text"] == "public":
            ack(response_type="in_channel", text="A drill starts now")
            return
        ack()
        client.views_open(trigger_id=command["trigger_id"], view=REPORT_VIEW)

    @app.view("report")
    def report(ack: Any, view: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        seen.append({"view_submission": body})
        values = view["state"]["values"]
        title = values["title"]["title"]["value"] or ""
        if len(title) < 5:
            ack(response_action="errors", errors={"title": "Title must be at least 5 characters"})
            return
        ack()
        level = values["level"]["level"]["selected_option"]["value"]
        client.chat_postMessage(
            channel="C0GENERAL",
            text=f"Incident: {title} ({level})",
            blocks=[
                {"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}* ({level})"}},
                {
                    "type": "actions",
                    "block_id": "card",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": "acknowledge",
                            "text": {"type": "plain_text", "text": "Acknowledge"},
                            "value": "inc-1",
                        }
                    ],
                },
            ],
        )

    @app.view_closed("report")
    def closed(ack: Any, body: dict[str, Any]) -> None:
        seen.append({"view_closed": body})
        ack()

    @app.action("acknowledge")
    def acknowledge(ack: Any, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        seen.append({"block_actions": body})
        who = body["user"]["id"]
        client.chat_postMessage(
            channel=body["channel"]["id"], thread_ts=body["message"]["ts"], text=f"<@{who}> acknowledged"
        )
        respond(replace_original=True, text=f"Acknowledged by <@{who}>")

    @app.event("app_home_opened")
    def home(event: dict[str, Any], client: WebClient) -> None:
        seen.append({"app_home_opened": event})
        client.views_publish(
            user_id=event["user"],
            view={"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Home"}}]},
        )

    @app.event("message")
    def direct_message(event: dict[str, Any], say: Any) -> None:
        seen.append({"message": event})
        say(f"echo: {event['text']}")

    @app.event("member_joined_channel")
    def joined(event: dict[str, Any]) -> None:
        seen.append({"member_joined_channel": event})

    return app, seen


class BoltBot:
    """The Bolt app behind Starlette + uvicorn on a free loopback port, in a thread."""

    def __init__(self, api_url: str, token: str, signing_secret: str) -> None:
        self.app, self.seen = build_app(api_url, token, signing_secret)
        handler = SlackRequestHandler(self.app)

        async def events(request: Request) -> Response:
            return await handler.handle(request)

        config = uvicorn.Config(
            Starlette(routes=[Route("/slack/events", events, methods=["POST"])]),
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="off",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self.events_url = ""

    def start(self) -> BoltBot:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:  # uvicorn has no started event; poll only during start-up
            if time.monotonic() > deadline:
                raise RuntimeError("bolt test bot did not start")
            time.sleep(0.005)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        self.events_url = f"http://127.0.0.1:{port}/slack/events"
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
