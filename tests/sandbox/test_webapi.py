"""The sandbox's Web API through a real slack_sdk WebClient: Slack's shapes and error codes."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sandbox.driver import Sandbox
from tests.sandbox.conftest import TOKEN, SettableClock

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}


def error_of(call: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as caught:
        call(*args, **kwargs)
    return caught.value.response.data  # type: ignore[no-any-return]


def modal(title: str = "Report", **extra: Any) -> dict[str, Any]:
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": [SECTION], **extra}


# ---- auth, team, users ---------------------------------------------------------------------------------------


def test_auth_missing_and_wrong_token(sandbox: Sandbox) -> None:
    assert error_of(WebClient(base_url=sandbox.api_url).auth_test)["error"] == "not_authed"
    assert error_of(WebClient(token="xoxb-wrong", base_url=sandbox.api_url).auth_test)["error"] == "invalid_auth"


def test_token_in_form_field_is_accepted(sandbox: Sandbox) -> None:
    answer = httpx.post(sandbox.api_url + "auth.test", data={"token": TOKEN}).json()

    assert answer["ok"] and answer["user_id"] == "U0000BOT0" and answer["bot_id"] == "B0000BOT0"


def test_unknown_method_is_404(sandbox: Sandbox) -> None:
    response = httpx.post(sandbox.api_url + "nope.nothing", headers={"Authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 404 and response.json()["error"] == "unknown_method"


def test_team_and_users(client: WebClient) -> None:
    team = client.team_info()["team"]
    user = client.users_info(user="U0000CMDR", include_locale=True)["user"]
    without_locale = client.users_info(user="U0000CMDR")["user"]
    page = client.users_list(limit=20)

    assert team["id"] == "T0KEELUNG" and team["domain"] == "keelung-customs"
    assert user["locale"] == "zh-TW" and user["tz"] == "Asia/Taipei" and "locale" not in without_locale
    assert user["profile"]["email"] == "lin.chihming@customs.example.gov.tw"
    assert len(page["members"]) == 20 and page["response_metadata"]["next_cursor"]
    rest = client.users_list(cursor=page["response_metadata"]["next_cursor"], limit=200)
    assert len(page["members"]) + len(rest["members"]) == 50  # 49 people and the bot
    assert error_of(client.users_info, user="U404")["error"] == "user_not_found"


def test_lookup_by_email(client: WebClient) -> None:
    found = client.users_lookupByEmail(email="chen.meiling@customs.example.gov.tw")["user"]

    assert found["id"] == "U0000CMDD"
    assert error_of(client.users_lookupByEmail, email="nobody@example.com")["error"] == "users_not_found"


# ---- conversations -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "invalid_name_required"),
        ("x" * 81, "invalid_name_maxlength"),
        ("has space", "invalid_name_specials"),
        ("has.period", "invalid_name_specials"),
        ("Upper", "invalid_name_specials"),
        ("a!b", "invalid_name_specials"),
        ("---", "invalid_name_punctuation"),
    ],
)
def test_channel_name_rules(client: WebClient, name: str, error: str) -> None:
    assert error_of(client.conversations_create, name=name)["error"] == error


def test_channel_names_in_chinese_and_taken(client: WebClient) -> None:
    created = client.conversations_create(name="事件-2025_001-碼頭火警")["channel"]

    assert created["name"] == "事件-2025_001-碼頭火警" and created["is_channel"] and created["is_member"]
    assert created["creator"] == "U0000BOT0" and created["id"].startswith("C")
    assert client.conversations_create(name="x" * 80)["ok"]
    assert error_of(client.conversations_create, name="事件-2025_001-碼頭火警")["error"] == "name_taken"


def test_invite_join_members_and_errors(client: WebClient) -> None:
    channel = client.conversations_create(name="incident", is_private=True)["channel"]["id"]

    invited = client.conversations_invite(channel=channel, users="U0000INS1,U0000INS2")
    again = error_of(client.conversations_invite, channel=channel, users="U0000INS1")

    assert invited["channel"]["is_private"] and not invited["channel"]["is_group"]
    assert again["error"] == "already_in_channel" and again["errors"][0]["user"] == "U0000INS1"
    assert error_of(client.conversations_invite, channel=channel, users="U404")["error"] == "user_not_found"
    assert error_of(client.conversations_invite, channel=channel, users="U0000BOT0")["error"] == "cant_invite_self"
    assert error_of(client.conversations_invite, channel="C404", users="U0000INS1")["error"] == "channel_not_found"
    forced = client.conversations_invite(channel=channel, users="U0000INS1,U0000INSH", force=True)
    assert forced["errors"] == [{"user": "U0000INS1", "ok": False, "error": "already_in_channel"}]
    members = client.conversations_members(channel=channel)["members"]
    assert members == ["U0000BOT0", "U0000INS1", "U0000INS2", "U0000INSH"]
    joined = client.conversations_join(channel="C0GENERAL")
    assert joined["channel"]["is_member"] and "warning" not in joined
    assert client.conversations_join(channel="C0GENERAL")["warning"] == "already_in_channel"


def test_info_topic_purpose_archive(client: WebClient) -> None:
    channel = client.conversations_create(name="drill")["channel"]["id"]

    client.conversations_setTopic(channel=channel, topic="演練 Drill")
    client.conversations_setPurpose(channel=channel, purpose="Monthly drill")
    info = client.conversations_info(channel=channel, include_num_members=True)["channel"]
    client.conversations_archive(channel=channel)

    assert info["topic"]["value"] == "演練 Drill" and info["purpose"]["value"] == "Monthly drill"
    assert info["num_members"] == 1
    assert error_of(client.conversations_archive, channel=channel)["error"] == "already_archived"
    assert error_of(client.conversations_invite, channel=channel, users="U0000INS1")["error"] == "is_archived"
    assert error_of(client.chat_postMessage, channel=channel, text="x")["error"] == "is_archived"
    listed = client.conversations_list(exclude_archived=True)["channels"]
    assert [c["name"] for c in listed] == ["general"]


def test_open_dm_and_post_to_user_id(client: WebClient, sandbox: Sandbox) -> None:
    opened = client.conversations_open(users="U0000INS1")["channel"]["id"]

    posted = client.chat_postMessage(channel="U0000INS1", text="您好")
    again = client.conversations_open(users="U0000INS1")

    assert opened.startswith("D") and posted["channel"] == opened and again["already_open"]
    assert [m.text for m in sandbox.as_user("U0000INS1").dm().messages()] == ["您好"]


# ---- chat ---------------------------------------------------------------------------------------------------


def test_post_history_thread_replies(client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C0GENERAL", text="card", blocks=[SECTION])
    client.chat_postMessage(channel="C0GENERAL", text="r1", thread_ts=parent["ts"])
    client.chat_postMessage(channel="C0GENERAL", text="r2", thread_ts=parent["ts"])

    history = client.conversations_history(channel="C0GENERAL")["messages"]
    replies = client.conversations_replies(channel="C0GENERAL", ts=parent["ts"])["messages"]

    assert parent["message"]["bot_id"] == "B0000BOT0" and parent["message"]["blocks"][0]["block_id"]
    assert [m["text"] for m in history] == ["card"]
    assert history[0]["reply_count"] == 2 and history[0]["reply_users"] == ["U0000BOT0"]
    assert [m["text"] for m in replies] == ["card", "r1", "r2"]


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_post_errors(client: WebClient) -> None:
    private = client.conversations_create(name="secret", is_private=True)["channel"]["id"]
    client.conversations_invite(channel=private, users="U0000INS1")
    client.conversations_archive(channel=private)

    assert error_of(client.chat_postMessage, channel="C404", text="x")["error"] == "channel_not_found"
    assert error_of(client.chat_postMessage, channel="C0GENERAL")["error"] == "no_text"
    assert error_of(client.chat_postMessage, channel="C0GENERAL", text="x" * 40_001)["error"] == "msg_too_long"
    assert error_of(client.chat_postMessage, channel=private, text="x")["error"] == "is_archived"


def test_not_in_channel_for_private_channel_without_the_bot(client: WebClient, sandbox: Sandbox) -> None:
    hidden = client.conversations_create(name="hidden", is_private=True)["channel"]["id"]
    with sandbox.workspace.changing():  # a person removed the bot (no API for a bot to leave is implemented)
        sandbox.workspace.channels[hidden].members.remove("U0000BOT0")

    assert error_of(client.chat_postMessage, channel=hidden, text="x")["error"] == "not_in_channel"


def test_invalid_blocks_have_slack_details(client: WebClient) -> None:
    too_long = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]

    answer = error_of(client.chat_postMessage, channel="C0GENERAL", text="t", blocks=too_long)
    unknown = error_of(client.chat_postMessage, channel="C0GENERAL", text="t", blocks=[{"type": "nonsense"}])
    too_many = error_of(client.chat_postMessage, channel="C0GENERAL", text="t", blocks=[SECTION] * 51)

    assert answer["error"] == "invalid_blocks"
    assert answer["response_metadata"]["messages"][0].startswith("[ERROR] ")
    assert "json-pointer:/blocks/0" in answer["response_metadata"]["messages"][0]
    assert unknown["error"] == "invalid_blocks" and too_many["error"] == "invalid_blocks"


def test_form_encoded_blocks_are_parsed(sandbox: Sandbox) -> None:
    answer = httpx.post(
        sandbox.api_url + "chat.postMessage",
        data={"token": TOKEN, "channel": "C0GENERAL", "text": "t", "blocks": json.dumps([SECTION])},
    ).json()

    assert answer["ok"] and answer["message"]["blocks"][0]["text"]["text"] == "hello"


def test_ephemeral_update_delete_permalink(client: WebClient, sandbox: Sandbox) -> None:
    channel = client.conversations_create(name="ops")["channel"]["id"]
    posted = client.chat_postMessage(channel=channel, text="v1")

    client.chat_postEphemeral(channel="C0GENERAL", user="U0000INS1", text="only you")
    updated = client.chat_update(channel=channel, ts=posted["ts"], text="v2")
    link = client.chat_getPermalink(channel=channel, message_ts=posted["ts"])["permalink"]

    assert [m.text for m in sandbox.as_user("U0000INS1").ephemerals()] == ["only you"]
    assert sandbox.channel("general").messages() == []
    assert updated["message"]["text"] == "v2" and updated["message"]["edited"]["user"] == "U0000BOT0"
    assert link == f"https://keelung-customs.slack.com/archives/{channel}/p{posted['ts'].replace('.', '')}"
    assert error_of(client.chat_postEphemeral, channel=channel, user="U0000INS1", text="x")["error"] == (
        "user_not_in_channel"
    )
    assert error_of(client.chat_update, channel=channel, ts="1.000000", text="x")["error"] == "message_not_found"
    person_message = sandbox.as_user("U0000INS1").say("general", "mine")
    refused = error_of(client.chat_update, channel="C0GENERAL", ts=person_message.ts, text="x")
    assert refused["error"] == "cant_update_message"
    client.chat_delete(channel=channel, ts=posted["ts"])
    assert client.conversations_history(channel=channel)["messages"] == []


def test_pins_and_bookmarks(client: WebClient) -> None:
    channel = client.conversations_create(name="pins")["channel"]["id"]
    ts = client.chat_postMessage(channel=channel, text="pin me")["ts"]

    client.pins_add(channel=channel, timestamp=ts)
    client.bookmarks_add(channel_id=channel, title="手冊 Manual", type="link", link="https://example.org/m")

    assert error_of(client.pins_add, channel=channel, timestamp=ts)["error"] == "already_pinned"
    assert error_of(client.pins_add, channel=channel, timestamp="1.0")["error"] == "message_not_found"
    items = client.pins_list(channel=channel)["items"]
    assert items[0]["type"] == "message" and items[0]["message"]["text"] == "pin me"
    bookmarks = client.bookmarks_list(channel_id=channel)["bookmarks"]
    assert bookmarks[0]["title"] == "手冊 Manual" and bookmarks[0]["link"] == "https://example.org/m"


# ---- views ---------------------------------------------------------------------------------------------------


def test_trigger_single_use_and_expiry(client: WebClient, sandbox: Sandbox, clock: SettableClock) -> None:
    trigger = sandbox.workspace.new_trigger("U0000INS1").id
    opened = client.views_open(trigger_id=trigger, view=modal())["view"]

    stale = sandbox.workspace.new_trigger("U0000INS1").id
    clock.advance(3.5)

    assert opened["id"].startswith("V") and opened["hash"] and opened["root_view_id"] == opened["id"]
    assert error_of(client.views_open, trigger_id=trigger, view=modal())["error"] == "exchanged_trigger_id"
    assert error_of(client.views_open, trigger_id=stale, view=modal())["error"] == "expired_trigger_id"
    assert error_of(client.views_open, trigger_id="1.2.nope", view=modal())["error"] == "invalid_trigger_id"


def test_relaxed_deadlines_keep_a_trigger_for_30_seconds(client: WebClient, sandbox: Sandbox,
                                                          clock: SettableClock) -> None:
    sandbox.relax_deadlines()
    slow = sandbox.workspace.new_trigger("U0000INS1").id
    stale = sandbox.workspace.new_trigger("U0000INS1").id
    clock.advance(29)
    assert client.views_open(trigger_id=slow, view=modal())["ok"]
    clock.advance(2)
    assert error_of(client.views_open, trigger_id=stale, view=modal())["error"] == "expired_trigger_id"


@pytest.mark.parametrize(
    "view",
    [
        modal("x" * 25),
        modal(blocks=[SECTION] * 101),
        modal(private_metadata="m" * 3001),
        modal(callback_id="c" * 256),
        modal(submit={"type": "plain_text", "text": "s" * 25}),
        modal(close={"type": "plain_text", "text": "c" * 25}),
        {"type": "modal", "blocks": [SECTION]},
    ],
    ids=["title", "blocks", "metadata", "callback_id", "submit", "close", "no-title"],
)
def test_modal_limits(client: WebClient, sandbox: Sandbox, view: dict[str, Any]) -> None:
    trigger = sandbox.workspace.new_trigger("U0000INS1").id

    answer = error_of(client.views_open, trigger_id=trigger, view=view)

    assert answer["error"] == "invalid_arguments" and answer["response_metadata"]["messages"]


def test_push_update_hash_and_external_id(client: WebClient, sandbox: Sandbox) -> None:
    ws = sandbox.workspace
    root = client.views_open(trigger_id=ws.new_trigger("U0000INS1").id, view=modal(external_id="ext-1"))["view"]
    pushed = client.views_push(trigger_id=ws.new_trigger("U0000INS1").id, view=modal("Step 2"))["view"]

    updated = client.views_update(view_id=root["id"], hash=root["hash"], view=modal("Again"))["view"]
    conflict = error_of(client.views_update, view_id=root["id"], hash=root["hash"], view=modal("Late"))
    by_external = client.views_update(external_id="ext-1", view=modal("By external"))["view"]

    assert pushed["previous_view_id"] == root["id"] and pushed["root_view_id"] == root["id"]
    assert updated["id"] == root["id"] and updated["hash"] != root["hash"]
    assert conflict["error"] == "hash_conflict"
    assert by_external["title"]["text"] == "By external" and by_external["external_id"] == "ext-1"
    assert error_of(client.views_update, view_id="V404", view=modal())["error"] == "not_found"
    assert sandbox.as_user("U0000INS1").modal().id == pushed["id"]  # type: ignore[union-attr]
    client.views_push(trigger_id=ws.new_trigger("U0000INS1").id, view=modal("3"))
    full = error_of(client.views_push, trigger_id=ws.new_trigger("U0000INS1").id, view=modal("4"))
    assert full["error"] == "push_limit_reached"


def test_update_keeps_entered_values(client: WebClient, sandbox: Sandbox) -> None:
    text_input = {
        "type": "input",
        "block_id": "b",
        "label": {"type": "plain_text", "text": "T"},
        "element": {"type": "plain_text_input", "action_id": "a"},
    }
    view = modal(blocks=[text_input], submit={"type": "plain_text", "text": "Go"})
    opened = client.views_open(trigger_id=sandbox.workspace.new_trigger("U0000INS1").id, view=view)["view"]
    person = sandbox.as_user("U0000INS1")
    person.wait_modal().fill({"a": "typed"})

    client.views_update(view_id=opened["id"], view={**view, "title": {"type": "plain_text", "text": "New"}})

    assert person.wait_modal().state["b"]["a"] == {"type": "plain_text_input", "value": "typed"}


def test_publish_home(client: WebClient, sandbox: Sandbox) -> None:
    home = {"type": "home", "blocks": [SECTION]}

    first = client.views_publish(user_id="U0000INS1", view=home)["view"]
    second = client.views_publish(user_id="U0000INS1", view=home, hash=first["hash"])["view"]

    assert first["type"] == "home" and second["id"] == first["id"]
    assert error_of(client.views_publish, user_id="U0000INS1", view=home, hash=first["hash"])["error"] == (
        "hash_conflict"
    )
    assert error_of(client.views_publish, user_id="U0000INS1", view=modal())["error"] == "invalid_arguments"
    assert sandbox.as_user("U0000INS1").home().all_text() == "hello"  # type: ignore[union-attr]


# ---- files --------------------------------------------------------------------------------------------------


def test_upload_v2_into_a_thread(client: WebClient, sandbox: Sandbox) -> None:
    channel = client.conversations_create(name="files")["channel"]["id"]
    parent = client.chat_postMessage(channel=channel, text="case file")["ts"]

    uploaded = client.files_upload_v2(
        channel=channel,
        thread_ts=parent,
        content="報告 report".encode(),
        filename="report.txt",
        title="Report",
        initial_comment="the report",
    )
    info = client.files_info(file=uploaded["file"]["id"])["file"]

    assert info["title"] == "Report" and info["name"] == "report.txt" and info["size"] == len("報告 report".encode())
    assert info["shares"]["public"][channel][0]["thread_ts"] == parent
    reply = client.conversations_replies(channel=channel, ts=parent)["messages"][1]
    assert reply["text"] == "the report" and reply["files"][0]["id"] == info["id"]
    assert sandbox.workspace.files[info["id"]].content == "報告 report".encode()
    download = httpx.get(info["url_private"], headers={"Authorization": f"Bearer {TOKEN}"})
    assert download.content == "報告 report".encode()
    assert error_of(client.files_info, file="F404")["error"] == "file_not_found"


# ---- the call log ---------------------------------------------------------------------------------------------


def test_every_call_is_logged(client: WebClient, sandbox: Sandbox) -> None:
    client.auth_test()
    error_of(client.users_info, user="U404")

    calls = sandbox.calls()

    assert [(c.method, c.ok, c.error, c.status) for c in calls] == [
        ("auth.test", True, None, 200),
        ("users.info", False, "user_not_found", 200),
    ]
    assert calls[1].args == {"user": "U404"} and calls[0].duration >= 0
