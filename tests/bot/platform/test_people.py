"""Each reader's language: from Slack's locale, cached in memory and in the database, never delaying an ack."""

import threading
import time
from datetime import timedelta

import sqlalchemy as sa

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
    assert people.flush(10)  # the database copies are written after the answer, on a thread of their own
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


def test_a_held_write_lock_never_delays_the_answer(sqlite_database_url, now):
    """The language is answered at once while another connection holds SQLite's write lock; the database copy
    follows when the lock is released."""
    engine = db.create_engine(sqlite_database_url)
    sessions = db.session_factory(engine)
    people = People(SlackChat(RecordingWebApi({"U1": "en-US"})), "zh-TW", lambda: now, sessions=sessions,
                    reads=db.read_session_factory(engine))
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:
        with sessions() as session, session.begin():
            session.execute(sa.text("SELECT 1"))  # BEGIN IMMEDIATE: the write lock is held from here
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(10)
        started = time.monotonic()
        assert people.lang_of("U1") == "en"
        assert time.monotonic() - started < 1.0  # a write on this thread would have waited for the lock
        assert not people.flush(0.2)  # the copy is still queued behind the lock, not lost
    finally:
        release.set()
        thread.join()
    try:
        assert people.flush(10)
        other = People(SlackChat(RecordingWebApi()), "zh-TW", lambda: now, sessions=sessions)
        assert other.lang_of("U1") == "en"
    finally:
        engine.dispose()
