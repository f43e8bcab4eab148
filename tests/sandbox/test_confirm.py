"""A button's confirmation dialog (Slack's `confirm` object), as a Slack client treats it: shown on the click, the
action sent only on confirm; and Slack's checks on the object when an app posts it."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sandbox.driver import Sandbox
from tests.sandbox.test_interactions import ScriptedBot


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


DIALOG = {"title": plain("確定解除危機？"), "text": plain("解除後無法復原。"), "confirm": plain("危機解除"),
          "deny": plain("取消"), "style": "danger"}


def posted(client: WebClient, confirm: dict[str, Any] | None) -> dict[str, Any]:
    button = {"type": "button", "action_id": "resolve", "text": plain("危機解除"), "value": "7",
              **({"confirm": confirm} if confirm is not None else {})}
    return client.chat_postMessage(channel="C0GENERAL", text="card",
                                   blocks=[{"type": "actions", "elements": [button]}]).data


@pytest.fixture
def scripted(sandbox: Sandbox) -> ScriptedBot:
    bot = ScriptedBot()
    sandbox.interactions.configure_bot(transport=bot)
    return bot


def test_deny_sends_nothing_and_confirm_sends_the_action_with_the_dialog_on_the_outcome(sandbox, client, scripted):
    posted(client, DIALOG)
    person = sandbox.as_user("U0000CMDR")
    card = sandbox.channel("C0GENERAL").wait_for_message(lambda m: m.text == "card")

    declined = person.click(card, "resolve", confirm=False)
    assert declined.failure == "declined" and not declined.ok and scripted.deliveries == []
    assert declined.dialog is not None and declined.dialog.title == "確定解除危機？"

    confirmed = person.click(card, "resolve")
    assert confirmed.ok and len(scripted.deliveries) == 1
    assert scripted.deliveries[0].payload["actions"][0]["action_id"] == "resolve"
    assert "confirm" not in scripted.deliveries[0].payload["actions"][0]  # Slack does not echo the dialog
    dialog = confirmed.dialog
    assert (dialog.title, dialog.text, dialog.confirm, dialog.deny, dialog.style) == (
        "確定解除危機？", "解除後無法復原。", "危機解除", "取消", "danger")


def test_expecting_a_dialog_on_a_button_without_one_fails_the_test(sandbox, client, scripted):
    posted(client, None)
    card = sandbox.channel("C0GENERAL").wait_for_message(lambda m: m.text == "card")
    person = sandbox.as_user("U0000CMDR")
    with pytest.raises(AssertionError, match="asks for no confirmation"):
        person.click(card, "resolve", confirm=False)
    assert scripted.deliveries == []
    assert person.click(card, "resolve").dialog is None and len(scripted.deliveries) == 1


@pytest.mark.parametrize(("dialog", "pointer"), [
    ({**DIALOG, "title": plain("長" * 101)}, "confirm/title/text"),
    ({**DIALOG, "text": plain("長" * 301)}, "confirm/text/text"),
    ({**DIALOG, "confirm": plain("長" * 31)}, "confirm/confirm/text"),
    ({**DIALOG, "deny": plain("長" * 31)}, "confirm/deny/text"),
    ({k: v for k, v in DIALOG.items() if k != "deny"}, "confirm/deny"),
    ({**DIALOG, "title": {"type": "mrkdwn", "text": "*x*"}}, "confirm/title/type"),
    ({**DIALOG, "style": "warning"}, "confirm/style"),
])
def test_slack_refuses_a_dialog_past_its_limits(client, dialog, pointer):
    with pytest.raises(SlackApiError) as refused:
        posted(client, dialog)
    assert refused.value.response["error"] == "invalid_blocks"
    assert any(pointer in m for m in refused.value.response["response_metadata"]["messages"])


def test_a_dialog_text_may_be_mrkdwn(client):
    assert posted(client, {**DIALOG, "text": {"type": "mrkdwn", "text": "*解除*後無法復原"}})["ok"]
