"""How the sandbox applies a bot's answers, with a scripted transport standing in for the bot."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from sandbox.driver import Person, Sandbox, ViewHandle
from sandbox.transport import BotReply, Delivery, encode, sign


class ScriptedBot:
    """A Transport whose answers come from a function; it records every delivery."""

    def __init__(self, answer: Callable[[Delivery], BotReply] | None = None) -> None:
        self.deliveries: list[Delivery] = []
        self.answer = answer or (lambda d: BotReply(200))

    def send(self, delivery: Delivery) -> BotReply:
        self.deliveries.append(delivery)
        return self.answer(delivery)

    def close(self) -> None:
        pass


def ack(body: dict[str, Any] | str | None = None, status: int = 200) -> BotReply:
    if body is None:
        return BotReply(status)
    if isinstance(body, str):
        return BotReply(status, body.encode(), "text/plain")
    return BotReply(status, json.dumps(body).encode(), "application/json")


def text_input(block_id: str) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": block_id},
        "element": {"type": "plain_text_input", "action_id": block_id},
    }


def form(title: str = "Form", **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": title.lower(),
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "OK"},
        "blocks": [text_input("name")],
        **extra,
    }


@pytest.fixture
def scripted(sandbox: Sandbox) -> ScriptedBot:
    bot = ScriptedBot()
    sandbox.interactions.configure_bot(transport=bot)
    return bot


def open_modal(sandbox: Sandbox, person: Person, view: dict[str, Any] | None = None) -> ViewHandle:
    sandbox.client().views_open(trigger_id=sandbox.workspace.new_trigger(person.id).id, view=view or form())
    return person.wait_modal()


def test_signature_is_slacks_v0(sandbox: Sandbox) -> None:
    delivery = Delivery("events_api", {"type": "event_callback"})
    body, content_type = encode(delivery)

    signature = sign("secret", 1700000000, body)

    assert content_type == "application/json"
    verifier = SignatureVerifier("secret", clock=type("C", (), {"now": staticmethod(lambda: 1700000000)})())
    assert verifier.is_valid(body, "1700000000", signature)


def test_slash_plain_text_and_failures(sandbox: Sandbox, scripted: ScriptedBot) -> None:
    person = sandbox.as_user("U0000INS1")
    scripted.answer = lambda d: ack("working on it")
    seen = person.slash("/crisis", "status")
    scripted.answer = lambda d: ack(status=500)
    failed = person.slash("/crisis", "status")

    assert seen.text == "working on it" and seen.ephemeral is not None
    assert failed.failure == "dispatch_failed"
    assert [m.text for m in person.ephemerals("general")][-1] == '/crisis failed with the error "dispatch_failed"'
    sent = scripted.deliveries[0].payload
    assert sent["command"] == "/crisis" and sent["text"] == "status" and sent["channel_id"] == "C0GENERAL"


@pytest.mark.parametrize(
    ("answer", "expect_open", "expect_title"),
    [
        (None, ["Form"], None),
        ({"response_action": "clear"}, [], None),
        ({"response_action": "update", "view": form("Updated")}, ["Form", "Updated"], "Updated"),
        ({"response_action": "push", "view": form("Pushed")}, ["Form", "Second", "Pushed"], "Pushed"),
    ],
    ids=["close-top", "clear", "update", "push"],
)
def test_response_actions_on_a_stack(
    sandbox: Sandbox,
    scripted: ScriptedBot,
    answer: dict[str, Any] | None,
    expect_open: list[str],
    expect_title: str | None,
) -> None:
    person = sandbox.as_user("U0000INS1")
    open_modal(sandbox, person)
    sandbox.client().views_push(trigger_id=sandbox.workspace.new_trigger(person.id).id, view=form("Second"))
    top = person.wait_modal(callback_id="second")
    scripted.answer = lambda d: ack(answer)

    outcome = top.fill({"name": "陳"}).submit()

    stack = [sandbox.workspace.views[v].view["title"]["text"] for v in sandbox.workspace.modal_stacks[person.id]]
    assert outcome.ok and stack == expect_open
    if expect_title:
        assert outcome.view is not None and outcome.view["title"]["text"] == expect_title
    submitted = scripted.deliveries[-1].payload
    assert submitted["type"] == "view_submission"
    assert submitted["view"]["state"]["values"]["name"]["name"] == {"type": "plain_text_input", "value": "陳"}


def test_errors_for_unknown_blocks_are_flagged(sandbox: Sandbox, scripted: ScriptedBot) -> None:
    person = sandbox.as_user("U0000INS1")
    modal = open_modal(sandbox, person)
    scripted.answer = lambda d: ack({"response_action": "errors", "errors": {"nope": "bad"}})

    outcome = modal.submit()

    assert outcome.errors == {"nope": "bad"} and outcome.failure and "nope" in outcome.failure


def test_resubmitting_the_same_view(sandbox: Sandbox, scripted: ScriptedBot) -> None:
    person = sandbox.as_user("U0000INS1")
    first = open_modal(sandbox, person).submit()

    again = sandbox.resend(first)

    assert again.status == 200
    payloads = [d.payload for d in scripted.deliveries]
    assert payloads[0]["view"]["hash"] == payloads[1]["view"]["hash"]


def test_fill_refuses_unknown_ids_and_options(sandbox: Sandbox, scripted: ScriptedBot) -> None:
    person = sandbox.as_user("U0000INS1")
    select = {
        "type": "input",
        "block_id": "level",
        "label": {"type": "plain_text", "text": "Level"},
        "element": {
            "type": "static_select",
            "action_id": "level",
            "options": [{"text": {"type": "plain_text", "text": "High"}, "value": "high"}],
        },
    }
    modal = open_modal(sandbox, person, form(blocks=[select]))

    with pytest.raises(KeyError):
        modal.fill({"missing": "x"})
    with pytest.raises(ValueError, match="no option"):
        modal.fill({"level": "medium"})


def test_select_in_a_view_sends_block_actions_and_keeps_state(sandbox: Sandbox, scripted: ScriptedBot) -> None:
    person = sandbox.as_user("U0000INS1")
    picker = {
        "type": "actions",
        "block_id": "pick",
        "elements": [{"type": "users_select", "action_id": "assignee"}],
    }
    modal = open_modal(sandbox, person, form(blocks=[text_input("name"), picker]))

    modal.click("assignee", "U0000INS2")

    payload = scripted.deliveries[-1].payload
    assert payload["type"] == "block_actions" and payload["container"] == {"type": "view", "view_id": modal.id}
    assert payload["actions"][0]["selected_user"] == "U0000INS2"
    assert payload["view"]["state"]["values"]["pick"]["assignee"]["selected_user"] == "U0000INS2"
    assert modal.state["pick"]["assignee"] == {"type": "users_select", "selected_user": "U0000INS2"}


def test_response_url_ephemeral_in_channel_replace_delete(sandbox: Sandbox, scripted: ScriptedBot) -> None:
    person = sandbox.as_user("U0000INS1")
    client: WebClient = sandbox.client()
    button = {"type": "button", "action_id": "go", "text": {"type": "plain_text", "text": "Go"}, "value": "1"}
    ts = client.chat_postMessage(channel="C0GENERAL", text="card", blocks=[{"type": "actions", "elements": [button]}])[
        "ts"
    ]
    card = sandbox.channel("general").wait_for_message(lambda m: m.ts == ts)

    clicked = person.click(card, "go")
    url = clicked.extra["response_url"]
    posts = [
        httpx.post(url, json={"text": "just for you"}),
        httpx.post(url, json={"text": "for everyone", "response_type": "in_channel"}),
        httpx.post(url, json={"text": "replaced", "replace_original": True}),
    ]

    assert [p.status_code for p in posts] == [200, 200, 200]
    assert scripted.deliveries[-1].payload["message"]["ts"] == ts
    assert [m.text for m in person.ephemerals()] == ["just for you"]
    assert [m.text for m in sandbox.channel("general").messages()] == ["replaced", "for everyone"]
    httpx.post(url, json={"delete_original": True})
    assert [m.text for m in sandbox.channel("general").messages()] == ["for everyone"]
    assert httpx.post(url, json={"text": "fifth"}).status_code == 200
    assert httpx.post(url, json={"text": "sixth"}).status_code == 404  # five uses, like Slack


def test_event_subscriptions_filter_deliveries(sandbox: Sandbox, scripted: ScriptedBot) -> None:
    person = sandbox.as_user("U0000INS1")
    sandbox.interactions.subscribe({"app_mention"})

    person.say("general", "no mention here")
    person.say("general", "hi <@U0000BOT0>")

    assert [d.payload["event"]["type"] for d in scripted.deliveries] == ["app_mention"]
    envelope = scripted.deliveries[0].payload
    assert envelope["type"] == "event_callback" and envelope["event_id"].startswith("Ev")
    assert envelope["authorizations"][0]["user_id"] == "U0000BOT0"


def test_a_late_ack_is_ignored_like_slack_does(sandbox: Sandbox, scripted: ScriptedBot) -> None:
    person = sandbox.as_user("U0000INS1")
    modal = open_modal(sandbox, person)
    scripted.answer = lambda d: BotReply(200, duration=3.5)

    outcome = modal.submit()

    assert not outcome.ok and modal.is_open


def test_relaxed_deadlines_accept_a_slow_ack(sandbox: Sandbox, scripted: ScriptedBot) -> None:
    person = sandbox.as_user("U0000INS1")
    modal = open_modal(sandbox, person)
    sandbox.relax_deadlines()
    scripted.answer = lambda d: BotReply(200, duration=3.5)

    assert modal.submit().ok and not modal.is_open
