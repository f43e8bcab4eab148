"""post_once finds its own message beyond the newest page of history (a burst between a crash and the retry)."""

from __future__ import annotations

import pytest

from bot.platform.chat import Posted
from bot.platform.slack import SlackChat
from tests.fakes import RecordingWebApi

pytestmark = pytest.mark.reliability


def test_a_retry_finds_its_message_on_a_later_page() -> None:
    chat = RecordingWebApi()
    others = [{"ts": f"{i}.0", "metadata": {"event_payload": {"work": f"reminder:{i}"}}} for i in range(200)]
    chat.script["conversations.history"] = [
        {"messages": others, "response_metadata": {"next_cursor": "p2"}},
        {"messages": [{"ts": "5.5", "metadata": {"event_payload": {"work": "page:7:dm"}}}],
         "response_metadata": {"next_cursor": ""}},
    ]
    posted = SlackChat(chat).post_once("page:7:dm", "D1", {"text": "t", "blocks": []}, retry=True)
    assert posted == Posted("D1", "5.5")
    assert "chat.postMessage" not in chat.methods()
    assert chat.calls[1][1]["cursor"] == "p2"


def test_a_first_attempt_posts_without_looking() -> None:
    chat = RecordingWebApi()
    chat.script["chat.postMessage"] = {"ok": True, "channel": "D1", "ts": "1.0"}
    SlackChat(chat).post_once("page:7:dm", "D1", {"text": "t", "blocks": []})
    assert chat.methods() == ["chat.postMessage"]
    assert chat.calls[0][1]["metadata"]["event_payload"] == {"work": "page:7:dm"}
