"""The war room's topic follows the incident (procedure §5–§6): number, level and status in the organisation's
language, updated when the level or the status changes and only then, within Slack's 250 characters; a failure to
set it is retried on its own and holds up nothing else. Run through the real tick over the recording chat."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from sqlalchemy.orm import Session

from bot.delivery.kinds import WorkKind
from bot.handling import service as handling
from bot.incidents import service as incidents
from bot.platform.chat import Room, Unavailable
from bot.platform.services import Services
from bot.platform.settings import Settings
from bot.procedure.config import Level
from bot.warroom import work as warroom
from bot.warroom.service import refresh_card
from bot.warroom.views import ROOM_TEXT_MAX, room_topic
from scheduler.tick import tick
from storage.db import session_factory
from storage.models import Incident
from tests.bot.procedure_kit import (
    COMMANDER,
    CONFIG,
    INSPECTION_HEAD,
    INSPECTION_MEMBER,
    Clock,
    job_for,
    reported,
    reread,
    who,
)
from tests.fakes import RecordingChat

UNTRIAGED = "待主管研判 Awaiting triage（建議 proposed：中度危機）"


def settle(services: Services, clock: Clock) -> None:
    """Tick on a moving clock until nothing is left to run (NotReady work comes back a second later)."""
    for _ in range(30):
        if not tick(services, clock.advance(seconds=2)):
            return
    raise AssertionError("the due work did not settle")


def topics(chat: RecordingChat) -> list[str]:
    return [a["topic"] for a in chat.asked("set_topic")]


def change(services: Services, incident: Incident, act: Callable[[Session, Incident], object]) -> Incident:
    """Run a service call in a transaction of its own, as a handler does."""
    with services.sessions() as s, s.begin():
        row = s.get(Incident, incident.id)
        assert row is not None
        act(s, row)
    return row


def test_the_topic_follows_triage_resolution_and_closing(session, clock, services, chat):
    incident = reported(session, INSPECTION_MEMBER, Level.MEDIUM, clock.now)
    settle(services, clock)
    number = incident.number
    assert topics(chat) == [f"{number}｜{UNTRIAGED}｜處理中 Open"]
    assert [a["purpose"] for a in chat.asked("set_purpose")] == [f"{number} Typhoon floods the inspection yard"]

    change(services, incident, lambda s, i: incidents.set_level(s, CONFIG, who(INSPECTION_HEAD), i, Level.HIGH,
                                                                None, clock.advance(seconds=1)))
    settle(services, clock)
    assert topics(chat)[-1] == f"{number}｜高度危機｜處理中 Open"

    change(services, incident, lambda s, i: handling.resolve(s, CONFIG, who(COMMANDER), i,
                                                             clock.advance(seconds=1)))
    settle(services, clock)
    assert topics(chat)[-1] == f"{number}｜高度危機｜危機解除，待案例檔案 Resolved"

    change(services, incident, lambda s, i: handling.submit_case_file(
        s, CONFIG, who(INSPECTION_HEAD), i, {"summary": "水退了"}, clock.advance(seconds=1)))
    settle(services, clock)
    assert topics(chat)[-1] == f"{number}｜高度危機｜已結案 Closed"
    assert len(topics(chat)) == 4  # one per change: page events and steps redrew the card but left the topic be


def test_the_topic_speaks_the_organisations_language(session, clock, engine, chat):
    english = CONFIG.model_copy(update={"organisation": CONFIG.organisation.model_copy(update={"language": "en"})})
    services = Services(Settings(), english, session_factory(engine), chat, clock=lambda: clock.now)
    incident = reported(session, INSPECTION_HEAD, Level.HIGH, clock.now)  # the head's report is triaged at once
    settle(services, clock)
    assert topics(chat) == [f"{incident.number}｜High｜Open"]


def test_a_redraw_with_no_change_of_level_or_status_leaves_the_topic(session, clock, services, chat):
    incident = reported(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    settle(services, clock)
    before = len(topics(chat))

    change(services, incident, lambda s, i: refresh_card(s, i.id, clock.advance(seconds=1), "page-acked"))
    settle(services, clock)

    assert len(topics(chat)) == before == 1
    assert chat.asked("room_info") == []  # the last run's result answered: no extra Slack call


def test_a_retry_after_slack_took_the_topic_does_not_set_it_again(session, clock, services, chat):
    incident = reported(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    warroom.open_warroom(services, job_for(services, incident, WorkKind.WARROOM_OPEN), clock.now)
    room = reread(services, incident).channel_id
    job = job_for(services, incident, WorkKind.WARROOM_TOPIC)
    shown = room_topic(CONFIG, incident.number, "high", "high", "open", "zh-TW")
    chat.script["room_info"] = Room(room or "", "", "", shown)  # the first run set it, then crashed

    assert warroom.retitle(services, replace(job, attempts=2), clock.now) == {"topic": shown, "already": True}
    assert topics(chat) == []


def test_a_topic_slack_refuses_is_retried_and_the_card_goes_up_meanwhile(session, clock, services, chat):
    chat.script["set_topic"] = [Unavailable("http_503"), Unavailable("http_503")]
    incident = reported(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    settle(services, clock)

    assert reread(services, incident).card_ts is not None
    assert len(topics(chat)) == 3 and len(set(topics(chat))) == 1  # two refusals, then set


def test_the_topic_fits_slacks_limit_with_the_number_whole():
    high = CONFIG.levels.high
    long_name = high.name.model_copy(update={"en": "Extremely serious " * 16, "zh_tw": "極度嚴重" * 70})
    config = CONFIG.model_copy(update={"levels": CONFIG.levels.model_copy(
        update={"high": high.model_copy(update={"name": long_name})})})

    english = room_topic(config, "2026-0007", "high", None, "resolved", "en")
    chinese = room_topic(config, "2026-0007", "high", None, "resolved", "zh-TW")

    assert len(english) <= ROOM_TEXT_MAX and english.startswith("2026-0007｜Extremely serious")
    assert english.endswith(" serious…")  # cut after a whole word, not inside one
    assert len(chinese) == ROOM_TEXT_MAX and chinese.startswith("2026-0007｜極度嚴重") and chinese.endswith("…")
