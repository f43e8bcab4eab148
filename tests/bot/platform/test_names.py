"""People's names for the documents (issue 13, part 7): Slack's users.info gives the display name (else the real
name), the user cache keeps it, and `learn_names` asks only for the people not stored yet; a failed look-up never
stops a document: that person is simply left out of the names (and shows by id)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.platform.chat import ChatError
from bot.platform.people import learn_names
from bot.platform.slack import SlackChat
from storage import users
from storage.db import session_factory
from tests.fakes import RecordingWebApi

NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)


def slack_user(user: str, display: str, real: str) -> dict:
    return {"ok": True, "user": {"id": user, "real_name": real, "locale": "zh-TW", "tz": "Asia/Taipei",
                                 "profile": {"display_name": display, "real_name": real}}}


def test_the_display_name_else_the_real_name():
    api = RecordingWebApi()
    api.script["users.info"] = [slack_user("U0000CMDR", "林志明", "林志明 Lin Chih-ming"),
                                slack_user("U0000EXEC", "", "王建國 Wang Chien-kuo"),
                                slack_user("U0000NONE", "", "")]
    chat = SlackChat(api)
    assert chat.person("U0000CMDR").name == "林志明"
    assert chat.person("U0000EXEC").name == "王建國 Wang Chien-kuo"
    assert chat.person("U0000NONE").name is None


def test_learn_names_asks_only_for_people_not_stored_and_survives_a_failure(engine):
    sessions = session_factory(engine)
    with sessions() as s, s.begin():
        users.save_locale(s, "U0000CMDR", "zh-TW", None, NOW, "林志明")
    api = RecordingWebApi()

    def info(user: str, **_: object) -> dict:
        if user != "U0000EXEC":
            raise ChatError("user_not_found")
        return slack_user(user, "王建國", "王建國")

    api.script["users.info"] = info
    names = learn_names(SlackChat(api), sessions, ["U0000CMDR", "U0000EXEC", "U0000GONE", "crisisbot"], NOW)
    assert names == {"U0000CMDR": "林志明", "U0000EXEC": "王建國"}
    assert sorted(a["user"] for m, a in api.calls if m == "users.info") == ["U0000EXEC", "U0000GONE"]
    with sessions() as s:  # stored for next time (the CLI reads these)
        assert users.names(s, ["U0000EXEC", "U0000GONE"]) == {"U0000EXEC": "王建國"}
    api.calls.clear()
    assert learn_names(SlackChat(api), sessions, ["U0000EXEC"], NOW) == {"U0000EXEC": "王建國"}
    assert api.calls == []
