from datetime import timedelta

from bot.platform.people import People
from bot.platform.slack import SlackChat
from storage import db
from tests.fakes import RecordingWebApi


def test_language_from_the_slack_locale_cached_in_memory_and_database(engine, now):
    sessions = db.session_factory(engine)
    chat = RecordingWebApi({"U1": "en-US", "U2": "zh-TW", "U3": "ja-JP"})
    people = People(SlackChat(chat), "zh-TW", lambda: now, sessions=sessions)
    assert [people.lang_of(u) for u in ("U1", "U2", "U3")] == ["en", "zh-TW", "zh-TW"]
    assert people.lang_of("U1") == "en"
    assert chat.methods().count("users.info") == 3
    # another replica (or the bot after a restart) reads the database, not Slack
    other = People(SlackChat(RecordingWebApi()), "zh-TW", lambda: now, sessions=sessions)
    assert other.lang_of("U1") == "en" and other.cached("U1") == "en"


def test_a_stale_entry_is_asked_again_and_a_failure_falls_back(engine, now):
    sessions = db.session_factory(engine)
    clock = [now]
    chat = RecordingWebApi({"U1": "en-US"})
    people = People(SlackChat(chat), "zh-TW", lambda: clock[0], sessions=sessions, ttl=timedelta(hours=1))
    people.lang_of("U1")
    clock[0] = now + timedelta(hours=2)
    chat.locales["U1"] = "zh-TW"
    people.forget()
    assert people.lang_of("U1") == "zh-TW"
    assert people.lang_of("U404") == "zh-TW"  # users.info failed: the organisation's language, not cached
    assert people.cached("U404") is None
