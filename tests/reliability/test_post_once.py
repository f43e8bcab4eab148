"""post_once finds its own message beyond the newest page of history (a burst between a crash and the retry)."""

from __future__ import annotations

import types
from datetime import UTC, datetime

import pytest

from bot.delivery.job import Job
from bot.delivery.post import post_once
from tests.fakes import RecordingChat

pytestmark = pytest.mark.reliability


def _job(attempts: int) -> Job:
    return Job(1, "page.send", "page:7:dm", None, {}, attempts, datetime(2026, 11, 28, tzinfo=UTC))


def _services(chat: RecordingChat) -> types.SimpleNamespace:
    return types.SimpleNamespace(chat=chat)


def test_a_retry_finds_its_message_on_a_later_page() -> None:
    chat = RecordingChat()
    others = [{"ts": f"{i}.0", "metadata": {"event_payload": {"work": f"reminder:{i}"}}} for i in range(200)]
    chat.script["conversations.history"] = [
        {"messages": others, "response_metadata": {"next_cursor": "p2"}},
        {"messages": [{"ts": "5.5", "metadata": {"event_payload": {"work": "page:7:dm"}}}],
         "response_metadata": {"next_cursor": ""}},
    ]
    posted = post_once(_services(chat), _job(2), "D1", {"text": "t", "blocks": []})  # type: ignore[arg-type]
    assert posted == {"channel": "D1", "ts": "5.5"}
    assert "chat.postMessage" not in chat.methods()
    assert chat.calls[1][1]["cursor"] == "p2"


def test_a_first_attempt_posts_without_looking() -> None:
    chat = RecordingChat()
    chat.script["chat.postMessage"] = {"ok": True, "channel": "D1", "ts": "1.0"}
    post_once(_services(chat), _job(1), "D1", {"text": "t", "blocks": []})  # type: ignore[arg-type]
    assert chat.methods() == ["chat.postMessage"]
    assert chat.calls[0][1]["metadata"]["event_payload"] == {"work": "page:7:dm"}
