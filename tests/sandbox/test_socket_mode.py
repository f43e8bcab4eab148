"""Socket Mode in the sandbox: apps.connections.open, the WebSocket envelopes, and slack_bolt's built-in
SocketModeHandler (slack_sdk.socket_mode.builtin, its own WebSocket framing) connected to it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sandbox.driver import Sandbox

APP_TOKEN = "xapp-1-A0000CRIS-test"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox.start(app_token=APP_TOKEN, socket_mode=True) as running:
        yield running


def test_connections_open_takes_only_the_app_token(sandbox: Sandbox) -> None:
    client = WebClient(base_url=sandbox.api_url)
    url = client.apps_connections_open(app_token=APP_TOKEN)["url"]
    assert url.startswith("ws://127.0.0.1:") and "/socket-mode/link?ticket=" in url
    assert url != client.apps_connections_open(app_token=APP_TOKEN)["url"]
    for token, error in [(sandbox.bot_token, "not_allowed_token_type"), ("xapp-1-wrong", "invalid_auth")]:
        with pytest.raises(SlackApiError) as refused:
            client.apps_connections_open(app_token=token)
        assert refused.value.response["error"] == error


def test_raw_websocket_hello_envelope_ack_and_single_use_ticket(sandbox: Sandbox) -> None:
    from websockets.exceptions import InvalidStatus, WebSocketException
    from websockets.sync.client import connect

    url = WebClient(base_url=sandbox.api_url).apps_connections_open(app_token=APP_TOKEN)["url"]
    with connect(url) as ws:
        hello = json.loads(ws.recv(timeout=15))
        assert hello["type"] == "hello" and hello["connection_info"]["app_id"] == sandbox.workspace.app_id
        assert ws.ping().wait(15)  # the server answers pings

        import threading

        result: dict[str, Any] = {}
        person = sandbox.as_user("U0000EXEC")
        worker = threading.Thread(target=lambda: result.update(outcome=person.slash("/crisis", "help")))
        worker.start()
        envelope = json.loads(ws.recv(timeout=15))
        assert envelope["type"] == "slash_commands" and envelope["accepts_response_payload"] is True
        assert envelope["payload"]["command"] == "/crisis" and envelope["payload"]["user_id"] == "U0000EXEC"
        ws.send(json.dumps({"envelope_id": envelope["envelope_id"], "payload": {"text": "說明 help"}}))
        worker.join(15)
        assert not worker.is_alive() and result["outcome"].ok and result["outcome"].text == "說明 help"
    with pytest.raises((InvalidStatus, WebSocketException, OSError)):  # the ticket was used
        with connect(url, open_timeout=3) as again:
            again.recv(timeout=3)


def bolt_app(sandbox: Sandbox) -> App:
    app = App(client=WebClient(token=sandbox.bot_token, base_url=sandbox.api_url), signing_secret="unused")

    @app.command("/crisis")
    def command(ack: Any, command: dict[str, Any], client: WebClient) -> None:
        if command["text"] == "form":
            ack()
            client.views_open(trigger_id=command["trigger_id"], view={
                "type": "modal", "callback_id": "form", "title": {"type": "plain_text", "text": "Form"},
                "submit": {"type": "plain_text", "text": "OK"},
                "blocks": [{"type": "input", "block_id": "title", "label": {"type": "plain_text", "text": "Title"},
                            "element": {"type": "plain_text_input", "action_id": "title"}}]})
        else:
            ack(f"pong {command['text']}")

    @app.view("form")
    def submitted(ack: Any, view: dict[str, Any]) -> None:
        title = view["state"]["values"]["title"]["title"]["value"]
        if not title:
            ack(response_action="errors", errors={"title": "required"})
        else:
            ack()

    @app.event("app_mention")
    def mentioned(event: dict[str, Any], say: Any) -> None:
        say(f"heard {event['user']}")

    return app


def test_bolt_builtin_socket_mode_handler_speaks_to_the_sandbox(sandbox: Sandbox) -> None:
    handler = SocketModeHandler(bolt_app(sandbox), APP_TOKEN, ping_interval=1.0)
    handler.connect()
    try:
        sandbox.server.socket_mode.wait_connected()
        person = sandbox.as_user("U0000INS1")
        answer = person.slash("/crisis", "hello 你好")
        assert answer.ok and answer.text == "pong hello 你好"
        person.slash("/crisis", "form")
        modal = person.wait_modal("form")
        assert modal.submit().errors == {"title": "required"}
        assert modal.fill({"title": "火警"}).submit().ok and not modal.is_open
        person.say("general", f"<@{sandbox.workspace.bot_user_id}> hi")
        sandbox.channel("general").wait_for_message(lambda m: m.text == "heard U0000INS1")

        # ping/pong: past 4 ping intervals a client without pongs would call itself stale and reconnect
        time.sleep(4.5)
        session = handler.client.current_session
        assert session is not None and session.last_ping_pong_time is not None
        since = time.time() - 1  # pongs keep coming: the next one arrives within a ping interval or so
        deadline = time.monotonic() + 10
        while (session.last_ping_pong_time or 0) <= since and time.monotonic() < deadline:
            time.sleep(0.05)
        assert session.last_ping_pong_time > since, "no pong within 10 s"
        assert sandbox.server.socket_mode.opened == 1
        assert person.slash("/crisis", "still").text == "pong still"

        # Slack's disconnect message: the client opens a new connection and deliveries go on
        sandbox.server.socket_mode.disconnect_all()
        sandbox.server.socket_mode.wait_connected(opened=2)
        assert person.slash("/crisis", "again").text == "pong again"
    finally:
        handler.close()


def test_without_a_connection_the_person_sees_a_failure(sandbox: Sandbox, monkeypatch) -> None:
    monkeypatch.setattr("sandbox.socket_mode.CONNECT_WAIT_SECONDS", 0.1)
    outcome = sandbox.as_user("U0000INS1").slash("/crisis", "help")
    assert outcome.failure == "dispatch_failed" and outcome.reply.error == "no_socket_mode_connection"
