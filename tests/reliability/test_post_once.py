"""post_once finds its own earlier message by its record, however busy the room is, and posts at most once even
when the process died between Slack's answer and the record of it (only then is Slack's history read, around the
lost attempt). The record lives in the database (bot.delivery.sent), so a new process finds what the old one did."""

from __future__ import annotations

from typing import Any

import pytest

from bot.delivery.sent import SentLedger
from bot.platform.chat import MemorySentLog, NotInRoom, Posted, Unavailable
from bot.platform.slack import HISTORY_PAGES, SlackChat
from storage import db
from tests.fakes import RecordingWebApi

pytestmark = pytest.mark.reliability

MESSAGE = {"text": "t", "blocks": []}
START = 1_764_000_000.0  # the attempt's wall-clock start


class Crash(BaseException):
    """The process dies (a BaseException, as SIGKILL is uncatchable: nothing below may handle it)."""


class DiesAfterSlackAnswers(MemorySentLog):
    """A record that dies on its first `done`: Slack posted, and the bot crashed before writing the ts."""

    def __init__(self) -> None:
        super().__init__()
        self.crashed = False

    def done(self, key: str, room: str, ts: str) -> None:
        if not self.crashed:
            self.crashed = True
            raise Crash
        super().done(key, room, ts)


def busy_history(ours: dict[str, Any] | None = None, *, pages: int = 10) -> list[dict[str, Any]]:
    """Pages of 200 other messages each (a typhoon's reminders), with ours on the last page if given."""
    result = []
    for page in range(pages):
        messages = [{"ts": f"{page}.{i}", "metadata": {"event_payload": {"work": f"reminder:{page}:{i}"}}}
                    for i in range(200)]
        if ours and page == pages - 1:
            messages.append(ours)
        result.append({"messages": messages, "response_metadata": {"next_cursor": f"p{page + 1}"}})
    return result


def test_a_retry_finds_its_message_by_its_record_whatever_the_rooms_traffic() -> None:
    api = RecordingWebApi()
    api.script["chat.postMessage"] = {"ok": True, "channel": "D1", "ts": "5.5"}
    chat = SlackChat(api)
    chat.post_once("page:7:dm", "D1", MESSAGE)
    api.calls.clear()
    api.script["conversations.history"] = busy_history()  # a thousand and more messages since: never read

    assert chat.post_once("page:7:dm", "D1", MESSAGE, retry=True) == Posted("D1", "5.5")
    assert api.calls == []


def test_a_crash_between_slacks_answer_and_the_record_still_posts_once() -> None:
    api = RecordingWebApi()
    api.script["chat.postMessage"] = {"ok": True, "channel": "C1", "ts": f"{START + 0.4:.6f}"}
    sent = DiesAfterSlackAnswers()
    chat = SlackChat(api, sent=sent, wallclock=lambda: START)
    with pytest.raises(Crash):
        chat.post_once("incident:1:note", "C1", MESSAGE)
    api.calls.clear()
    ours = {"ts": f"{START + 0.4:.6f}", "metadata": {"event_payload": {"work": "incident:1:note"}}}
    api.script["conversations.history"] = [{"messages": [ours], "response_metadata": {"next_cursor": ""}}]

    assert chat.post_once("incident:1:note", "C1", MESSAGE, retry=True) == Posted("C1", ours["ts"])
    assert api.methods() == ["conversations.history"]  # found: no second post
    window = api.calls[0][1]
    assert float(window["oldest"]) < START < float(window["latest"]) and window["inclusive"] is True
    assert float(window["latest"]) - float(window["oldest"]) <= 180  # minutes of the room, not its history
    assert sent.find("incident:1:note").ts == ours["ts"]  # type: ignore[union-attr]


def test_the_search_for_a_lost_answer_is_bounded() -> None:
    api = RecordingWebApi()
    chat = SlackChat(api, wallclock=lambda: START)
    chat.sent.begin("k", "C1", START)
    api.script["conversations.history"] = busy_history(pages=HISTORY_PAGES + 3)  # an API that pages for ever
    api.script["chat.postMessage"] = {"ok": True, "channel": "C1", "ts": "9.9"}

    assert chat.post_once("k", "C1", MESSAGE, retry=True) == Posted("C1", "9.9")
    assert api.methods().count("conversations.history") == HISTORY_PAGES


def test_a_retry_with_no_record_posts_without_reading_history() -> None:
    api = RecordingWebApi()  # the earlier attempt failed before it reached Slack (say, the room was not open)
    api.script["chat.postMessage"] = {"ok": True, "channel": "C1", "ts": "1.0"}
    assert SlackChat(api).post_once("k", "C1", MESSAGE, retry=True) == Posted("C1", "1.0")
    assert api.methods() == ["chat.postMessage"]


def test_a_refusal_is_forgotten_and_a_timeout_is_searched() -> None:
    api = RecordingWebApi()
    chat = SlackChat(api, wallclock=lambda: START)
    api.script["chat.postMessage"] = [NotInRoom("not_in_channel"), {"ok": True, "channel": "C1", "ts": "1.0"}]
    with pytest.raises(NotInRoom):
        chat.post_once("refused", "C1", MESSAGE)
    chat.post_once("refused", "C1", MESSAGE, retry=True)  # Slack said no: nothing to look for
    assert api.methods() == ["chat.postMessage", "chat.postMessage"]

    api.calls.clear()
    api.script["chat.postMessage"] = [Unavailable("http_503"), {"ok": True, "channel": "C1", "ts": "2.0"}]
    api.script["conversations.history"] = {"messages": []}
    with pytest.raises(Unavailable):
        chat.post_once("timed-out", "C1", MESSAGE)
    chat.post_once("timed-out", "C1", MESSAGE, retry=True)  # a 503 may have posted: look first
    assert api.methods() == ["chat.postMessage", "conversations.history", "chat.postMessage"]


def test_a_new_process_finds_what_the_old_one_posted_in_the_database(engine) -> None:
    sessions = db.session_factory(engine)
    api = RecordingWebApi()
    api.script["chat.postMessage"] = {"ok": True, "channel": "D1", "ts": "7.0"}
    SlackChat(api, sent=SentLedger(sessions)).direct_message_once("page:9:dm", "U1", MESSAGE)
    api.calls.clear()

    restarted = SlackChat(api, sent=SentLedger(sessions))
    assert restarted.direct_message_once("page:9:dm", "U1", MESSAGE, retry=True) == Posted("D1", "7.0")
    assert api.calls == []


def test_the_database_record_keeps_an_attempt_until_slack_answers(engine) -> None:
    ledger = SentLedger(db.session_factory(engine))
    assert ledger.find("k") is None
    ledger.begin("k", "C1", START)
    assert (ledger.find("k").room, ledger.find("k").started, ledger.find("k").ts) == ("C1", START, None)  # type: ignore[union-attr]
    ledger.begin("k", "C1", START + 30)  # a later attempt moves the start on
    assert ledger.find("k").started == START + 30  # type: ignore[union-attr]
    ledger.abandon("k")
    assert ledger.find("k") is None
    ledger.begin("k", "U1", START)
    ledger.done("k", "D1", "7.0")
    ledger.abandon("k")  # a message that exists is never forgotten
    assert (ledger.find("k").room, ledger.find("k").ts) == ("D1", "7.0")  # type: ignore[union-attr]
