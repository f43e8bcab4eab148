"""The Slack adapter: each chat-port verb becomes exactly the Web API calls the bot has always made."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.delivery.job import Job
from bot.platform.chat import ChatError, InvalidName, NameTaken, NotInRoom, Person, Posted, Room, Uploaded
from bot.platform.services import Services
from bot.platform.settings import Settings
from bot.platform.slack import SlackChat
from bot.procedure.config import load_config
from bot.roster import work as roster_work
from storage import db
from tests.fakes import RecordingChat, RecordingWebApi

MESSAGE = {"text": "t", "blocks": [{"type": "section"}]}


@pytest.fixture
def api() -> RecordingWebApi:
    return RecordingWebApi()


@pytest.fixture
def chat(api: RecordingWebApi) -> SlackChat:
    return SlackChat(api)


# Rooms

def test_create_room_is_a_public_conversation_and_its_refusals_keep_slacks_codes(api, chat):
    api.script["conversations.create"] = [{"ok": True, "channel": {"id": "C1", "name": "inc-1"}},
                                          ChatError("name_taken"), ChatError("invalid_name_specials")]
    assert chat.create_room("inc-1") == Room("C1", "inc-1")
    assert api.calls[0] == ("conversations.create", {"name": "inc-1", "is_private": False})
    with pytest.raises(NameTaken) as taken:
        chat.create_room("inc-1")
    with pytest.raises(InvalidName) as invalid:
        chat.create_room("inc-1-火")
    assert (taken.value.code, invalid.value.code) == ("name_taken", "invalid_name_specials")


def test_find_room_pages_through_the_public_channels(api, chat):
    api.script["conversations.list"] = [
        {"channels": [{"id": "C1", "name": "other"}], "response_metadata": {"next_cursor": "c2"}},
        {"channels": [{"id": "C2", "name": "inc-1", "purpose": {"value": "2026-0001 火警"}}]}]
    assert chat.find_room("inc-1") == Room("C2", "inc-1", "2026-0001 火警")
    assert api.calls == [
        ("conversations.list", {"exclude_archived": True, "limit": 200, "types": "public_channel"}),
        ("conversations.list", {"exclude_archived": True, "limit": 200, "types": "public_channel", "cursor": "c2"})]
    api.script["conversations.list"] = {"channels": []}
    assert chat.find_room("inc-1") is None


def test_describe_invite_join_and_archive(api, chat):
    api.script["conversations.info"] = {"ok": True, "channel": {"id": "C1", "name": "inc-1", "purpose": {"value": "p"},
                                                                "topic": {"value": "t"}}}
    api.script["conversations.invite"] = {"ok": True, "errors": [{"user": "U2", "ok": False,
                                                                  "error": "already_in_channel"}]}
    api.script["conversations.archive"] = ChatError("already_archived")
    chat.set_purpose("C1", "p")
    chat.set_topic("C1", "t")
    assert chat.room_info("C1") == Room("C1", "inc-1", "p", "t")
    assert chat.invite("C1", ["U1", "U2"]) == [{"user": "U2", "ok": False, "error": "already_in_channel"}]
    chat.join_room("C1")
    chat.archive_room("C1")  # archived already: not an error
    assert api.calls == [("conversations.setPurpose", {"channel": "C1", "purpose": "p"}),
                         ("conversations.setTopic", {"channel": "C1", "topic": "t"}),
                         ("conversations.info", {"channel": "C1"}),
                         ("conversations.invite", {"channel": "C1", "users": "U1,U2", "force": True}),
                         ("conversations.join", {"channel": "C1"}),
                         ("conversations.archive", {"channel": "C1"})]
    api.script["conversations.archive"] = ChatError("channel_not_found")
    with pytest.raises(ChatError, match="channel_not_found"):
        chat.archive_room("C1")


# Messages

def test_post_once_carries_the_key_and_a_retry_in_a_thread_finds_it(api, chat):
    api.script["chat.postMessage"] = {"ok": True, "channel": "C1", "ts": "1.0", "message": {}}
    assert chat.post_once("k:1", "C1", MESSAGE, thread="0.5") == Posted("C1", "1.0")
    assert api.calls[-1] == ("chat.postMessage", {
        "channel": "C1", "text": "t", "blocks": MESSAGE["blocks"],
        "metadata": {"event_type": "crisisbot_work", "event_payload": {"work": "k:1"}},
        "unfurl_links": False, "unfurl_media": False, "thread_ts": "0.5"})
    api.calls.clear()
    assert chat.post_once("k:1", "C1", MESSAGE, thread="0.5", retry=True) == Posted("C1", "1.0")
    assert api.calls == []  # its record has the ts


def test_a_lost_answer_in_a_thread_is_searched_around_the_attempt(api):
    chat = SlackChat(api, wallclock=lambda: 1000.0)
    chat.sent.begin("k:1", "C1", 1000.0)  # an attempt began, and its answer was never recorded
    api.script["conversations.replies"] = {"messages": [{"ts": "1.0", "metadata": {"event_payload": {"work": "k:1"}}}]}
    assert chat.post_once("k:1", "C1", MESSAGE, thread="0.5", retry=True) == Posted("C1", "1.0")
    assert api.calls == [("conversations.replies", {"channel": "C1", "ts": "0.5", "limit": 200,
                                                    "include_all_metadata": True, "oldest": "940.000000",
                                                    "latest": "1120.000000", "inclusive": True})]
    assert chat.sent.find("k:1").ts == "1.0"  # type: ignore[union-attr]


def test_post_once_where_the_bot_is_not_a_member_says_so(api, chat):
    api.script["chat.postMessage"] = ChatError("not_in_channel")
    with pytest.raises(NotInRoom):
        chat.post_once("k", "C9", MESSAGE)


def test_a_dm_posts_to_the_user_and_a_retry_finds_it_by_its_record(api, chat):
    api.script["chat.postMessage"] = {"ok": True, "channel": "D1", "ts": "2.0"}
    assert chat.direct_message_once("page:1", "U1", MESSAGE) == Posted("D1", "2.0")
    assert api.methods() == ["chat.postMessage"] and api.calls[0][1]["channel"] == "U1"
    api.calls.clear()
    assert chat.direct_message_once("page:1", "U1", MESSAGE, retry=True) == Posted("D1", "2.0")
    assert api.calls == []


def test_a_dm_whose_answer_was_lost_opens_the_dm_to_search_it(api):
    chat = SlackChat(api, wallclock=lambda: 1000.0)
    chat.sent.begin("page:1", "U1", 1000.0)
    api.script["conversations.open"] = {"ok": True, "channel": {"id": "D1"}}
    api.script["conversations.history"] = {"messages": []}  # it never reached Slack after all
    api.script["chat.postMessage"] = {"ok": True, "channel": "D1", "ts": "2.0"}
    assert chat.direct_message_once("page:1", "U1", MESSAGE, retry=True) == Posted("D1", "2.0")
    assert api.methods() == ["conversations.open", "conversations.history", "chat.postMessage"]
    assert api.calls[0][1] == {"users": "U1"} and api.calls[1][1]["channel"] == "D1"


def test_update_and_pin(api, chat):
    api.script["pins.add"] = [{"ok": True}, ChatError("already_pinned"), ChatError("message_not_found")]
    chat.update("C1", "1.0", MESSAGE)
    chat.pin("C1", "1.0")
    chat.pin("C1", "1.0")  # pinned already: not an error
    with pytest.raises(ChatError, match="message_not_found"):
        chat.pin("C1", "1.0")
    assert api.calls[:2] == [("chat.update", {"channel": "C1", "ts": "1.0", "text": "t", "blocks": MESSAGE["blocks"]}),
                             ("pins.add", {"channel": "C1", "timestamp": "1.0"})]


def test_upload_v2_into_a_channel_and_a_retry_finds_the_file(api, chat):
    api.script["files.getUploadURLExternal"] = {"upload_url": "https://files.example/F1", "file_id": "F1"}
    api.script["files.completeUploadExternal"] = {"files": [{"id": "F1"}]}
    assert chat.upload_once("k", "C1", "case.md", "Case", b"# x", comment="here") == Uploaded(
        "F1", "case.md", files=("F1",))
    assert api.calls == [
        ("files.getUploadURLExternal", {"filename": "case.md", "length": 3}),
        ("files.completeUploadExternal", {"files": [{"id": "F1", "title": "Case"}], "channel_id": "C1",
                                          "initial_comment": "here"})]
    assert api.uploads == [("https://files.example/F1", b"# x")]
    api.calls.clear()
    api.script["conversations.history"] = {"messages": [{"ts": "3.0", "files": [{"id": "F1", "name": "case.md"}]}]}
    found = chat.upload_once("k", "C1", "case.md", "Case", b"# x", retry=True)
    assert found.record() == {"file": "F1", "name": "case.md", "already": True}
    assert api.calls == [("conversations.history", {"channel": "C1", "limit": 100})]


# People

def test_person_asks_users_info_with_the_locale_within_the_timeout():
    api = RecordingWebApi()
    api.script["users.info"] = [{"ok": True, "user": {"id": "U1", "locale": "en-US", "tz": "Asia/Taipei"}},
                                {"ok": True, "user": {"id": "B1", "is_bot": True}}, ChatError("user_not_found")]
    chat = SlackChat(api)
    assert chat.person("U1", timeout=1.5) == Person("U1", "en-US", "Asia/Taipei")
    assert api.calls[0] == ("users.info", {"user": "U1", "include_locale": True}) and api.timeouts == [1.5]
    assert chat.person("B1").active is False
    with pytest.raises(ChatError) as missing:
        chat.person("U404")
    assert missing.value.code == "user_not_found"


def test_person_by_email(api, chat):
    api.script["users.lookupByEmail"] = [{"ok": True, "user": {"id": "U7"}}, ChatError("users_not_found")]
    assert chat.person_by_email("a@example.gov.tw").id == "U7"
    assert api.calls[0] == ("users.lookupByEmail", {"email": "a@example.gov.tw"})
    with pytest.raises(ChatError) as missing:
        chat.person_by_email("b@example.gov.tw")
    assert missing.value.code == "users_not_found"


# An executor over the port's recording fake: it speaks verbs, in the reader's language, keyed by its job.

def test_a_retried_handover_dm_is_a_keyed_retry_in_the_readers_language(engine):
    now = datetime(2026, 11, 3, 1, 30, tzinfo=UTC)
    chat = RecordingChat({"U1": "en-US"})
    services = Services(Settings(), load_config(), db.session_factory(engine), chat, clock=lambda: now)
    job = Job(1, "roster.handover.notify", "handover:1:U1", None,
              {"user": "U1", "role": "legal", "seat": "primary", "by": "U9", "to": "U1", "from": "U2"}, 2, now)
    assert roster_work.notify(services, job, now) == {"channel": "DU1", "ts": "1.000000"}
    assert chat.verbs() == ["person", "direct_message_once"]
    sent = chat.calls[1][1]
    assert (sent["key"], sent["user"], sent["retry"]) == ("handover:1:U1", "U1", True)
    assert sent["message"]["text"].startswith("📋 Handover: <@U9> handed the")
