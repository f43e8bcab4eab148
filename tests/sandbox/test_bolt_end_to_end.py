"""A real slack_bolt App driven through the sandbox: signed requests in, Web API calls back."""

from __future__ import annotations

import datetime as dt
import time

from sandbox.driver import Sandbox
from tests.sandbox.bolt_bot import BoltBot


def test_slash_command_opens_modal_with_slack_shapes(sandbox: Sandbox, bot: BoltBot) -> None:
    person = sandbox.as_user("U0000INS1")

    seen = person.slash("/crisis", "report")

    assert seen.ok and seen.text is None and seen.ephemeral is None
    modal = person.wait_modal(callback_id="report")
    assert modal.title == "通報事件 Report" and modal.private_metadata == "from-slash"
    command = bot.seen[0]["command"]
    assert command["user_id"] == "U0000INS1" and command["channel_name"] == "general"
    assert command["response_url"].startswith(sandbox.server.base_url)
    assert set(command) >= {"team_id", "team_domain", "api_app_id", "trigger_id", "is_enterprise_install"}


def test_ack_text_becomes_ephemeral_and_in_channel(sandbox: Sandbox, bot: BoltBot) -> None:
    person = sandbox.as_user("U0000INS1")

    help_seen = person.slash("/crisis", "help")
    public_seen = person.slash("/crisis", "public")

    assert help_seen.text == "Usage: /crisis report"
    assert [m.text for m in person.ephemerals()] == ["Usage: /crisis report"]
    assert public_seen.response_type == "in_channel"
    texts = [m.text for m in sandbox.channel("general").messages()]
    assert texts == ["/crisis public", "A drill starts now"]


def test_submission_with_inline_errors_then_success_and_click(sandbox: Sandbox, bot: BoltBot) -> None:
    person = sandbox.as_user("U0000INS1")
    person.slash("/crisis", "report")
    modal = person.wait_modal(callback_id="report")

    refused = modal.fill({"title": "Fire", "level": "high"}).submit()

    assert refused.response_action == "errors"
    assert refused.errors == {"title": "Title must be at least 5 characters"}
    assert modal.is_open and modal.errors == refused.errors

    accepted = modal.fill(
        {
            ("title", "title"): "Fire at pier 3",
            "when": dt.date(2025, 3, 1),
            "who": ["U0000INS2", "U0000INSH"],
            "flags": ["press"],
        }
    ).submit()

    assert accepted.ok and accepted.errors is None and not modal.is_open
    state = bot.seen[-1]["view_submission"]["view"]["state"]["values"]
    assert state["level"]["level"]["selected_option"]["value"] == "high"
    assert state["when"]["when"] == {"type": "datepicker", "selected_date": "2025-03-01"}
    assert state["who"]["who"]["selected_users"] == ["U0000INS2", "U0000INSH"]
    assert [o["value"] for o in state["flags"]["flags"]["selected_options"]] == ["press"]

    card = sandbox.channel("general").wait_for_message(lambda m: "Fire at pier 3" in m.all_text())
    clicked = person.click(card, "acknowledge")

    assert clicked.ok
    reply = sandbox.channel("general").wait_for_message(lambda m: m.thread_ts == card.ts and m.ts != card.ts)
    assert reply.text == "<@U0000INS1> acknowledged"
    sandbox.wait_for(lambda: card.refresh().text == "Acknowledged by <@U0000INS1>")
    action = bot.seen[-1]["block_actions"]["actions"][0]
    assert action["action_id"] == "acknowledge" and action["value"] == "inc-1" and action["type"] == "button"


def test_closing_a_modal_sends_view_closed(sandbox: Sandbox, bot: BoltBot) -> None:
    person = sandbox.as_user("U0000INS2")
    person.slash("/crisis", "report")
    modal = person.wait_modal(callback_id="report")

    outcome = modal.close()

    assert outcome is not None and outcome.ok
    assert bot.seen[-1]["view_closed"]["view"]["id"] == modal.id
    assert person.modal() is None


def test_app_home_and_direct_message(sandbox: Sandbox, bot: BoltBot) -> None:
    person = sandbox.as_user("U0000CMDR")

    home = person.open_home()
    person.say(person.dm().id, "hello bot")

    assert home is not None and "Home" in home.all_text()
    echo = person.dm().wait_for_message(lambda m: m.from_bot)
    assert echo.text == "echo: hello bot"


def test_bot_invite_delivers_member_joined_channel(sandbox: Sandbox, bot: BoltBot) -> None:
    client = sandbox.client()
    channel = client.conversations_create(name="incident-1")["channel"]["id"]

    client.conversations_invite(channel=channel, users="U0000INS1")

    # bot.seen is not workspace state (a workspace wait would not wake for it), and Bolt acks an event before its
    # listener runs: poll until the listener has run.
    deadline = time.monotonic() + 15
    while not any("member_joined_channel" in s for s in bot.seen):
        assert time.monotonic() < deadline, "member_joined_channel did not reach the bot"
        time.sleep(0.01)
    event = next(s["member_joined_channel"] for s in bot.seen if "member_joined_channel" in s)
    assert event["user"] == "U0000INS1" and event["channel"] == channel


def test_bolt_refuses_a_bad_or_stale_signature(sandbox: Sandbox, bot: BoltBot) -> None:
    person = sandbox.as_user("U0000INS1")

    forged = person.slash("/crisis", "help", signature="v0=" + "0" * 64)
    stale = person.slash("/crisis", "help", timestamp=int(time.time()) - 600)

    assert forged.reply.status == 401 and stale.reply.status == 401
    assert forged.failure == "dispatch_failed"
    assert bot.seen == []


def test_event_retry_header_reaches_the_bot(sandbox: Sandbox, bot: BoltBot) -> None:
    event = {"type": "app_home_opened", "user": "U0000INS1", "channel": "D1", "tab": "home", "event_ts": "1.0"}

    reply = sandbox.interactions.event(event, retry_num=1, retry_reason="http_timeout")

    assert reply is not None and reply.status == 200
    assert sandbox.workspace.deliveries[-1]["retry_num"] == 1
