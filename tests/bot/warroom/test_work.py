"""The war room's due work over the recording chat (procedure §5, §6 step 1): the room opens once under the
incident's name and asks for its purpose and topic as work of their own, and the card is posted and pinned once; a
retry finds what was done."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.delivery.job import NotReady
from bot.delivery.kinds import WorkKind
from bot.platform.chat import InvalidName, NameTaken, Room, Unavailable
from bot.procedure.config import Level
from bot.warroom import work as warroom
from storage import work as queue
from tests.bot.procedure_kit import INSPECTION_MEMBER, event_data, job_for, reported, reread

FIRE = "貨櫃場火警"


def report(session, clock, title=FIRE):
    return reported(session, INSPECTION_MEMBER, Level.MEDIUM, clock.now, title=title)


def open_room(services, incident, now, attempts=1):
    return warroom.open_warroom(services, job_for(services, incident, WorkKind.WARROOM_OPEN, attempts=attempts), now)


def opened_events(services, incident):
    with services.sessions() as s:
        return event_data(s, incident, "warroom.opened")


def created(chat):
    return [args["name"] for args in chat.asked("create_room")]


# ---------------------------------------------------------------------------------------------- opening the room


def test_the_war_room_opens_under_the_incidents_chinese_name_and_says_what_it_is_for(session, clock, services, chat):
    incident = report(session, clock)
    name = f"inc-{incident.number}-貨櫃場火警"

    result = open_room(services, incident, clock.now)

    assert chat.verbs() == ["create_room"]
    assert created(chat) == [name]
    room = result["channel"]
    assert result == {"channel": room, "name": name}
    purpose = job_for(services, incident, WorkKind.WARROOM_PURPOSE)
    topic = job_for(services, incident, WorkKind.WARROOM_TOPIC)
    assert (purpose.key, topic.key) == (f"incident:{incident.id}:purpose", f"incident:{incident.id}:topic:opened")
    assert warroom.describe(services, purpose, clock.now) == {"purpose": f"{incident.number} 貨櫃場火警"}
    assert warroom.retitle(services, topic, clock.now) == {
        "topic": f"{incident.number}｜待主管研判 Awaiting triage（建議 proposed：中度危機）｜處理中 Open"}
    assert chat.asked("set_purpose") == [{"room": room, "purpose": f"{incident.number} 貨櫃場火警"}]
    assert [a["room"] for a in chat.asked("set_topic")] == [room]
    assert (reread(services, incident).channel_id, reread(services, incident).channel_name) == (room, name)
    assert opened_events(services, incident) == [{"channel": room, "name": name}]


def test_a_war_room_already_open_is_not_opened_again(session, clock, services, chat):
    incident = report(session, clock)
    room = open_room(services, incident, clock.now)["channel"]
    chat.calls.clear()

    assert open_room(services, incident, clock.advance(seconds=5), attempts=2) == {"channel": room, "already": True}
    assert chat.calls == []
    assert len(opened_events(services, incident)) == 1


@pytest.mark.parametrize("purpose", ["{number} 貨櫃場火警", ""], ids=["described", "crashed-before-describing"])
def test_a_retry_that_finds_the_name_taken_by_its_own_room_adopts_it(session, clock, services, chat, purpose):
    incident = report(session, clock)
    name = f"inc-{incident.number}-貨櫃場火警"
    chat.script["create_room"] = NameTaken("name_taken")
    chat.script["find_room"] = Room("C0OURS", name, purpose.format(number=incident.number))

    assert open_room(services, incident, clock.now, attempts=2) == {"channel": "C0OURS", "name": name}
    assert chat.verbs() == ["create_room", "find_room"]
    assert chat.asked("find_room") == [{"name": name}]
    assert reread(services, incident).channel_id == "C0OURS"
    assert opened_events(services, incident) == [{"channel": "C0OURS", "name": name}]


def test_a_name_taken_by_another_incidents_room_is_tried_again_with_2(session, clock, services, chat):
    incident = report(session, clock)
    name = f"inc-{incident.number}-貨櫃場火警"
    chat.script["create_room"] = [NameTaken("name_taken")]  # then a room is made
    chat.script["find_room"] = Room("C0OLD", name, "2025-0042 倉庫漏水")

    result = open_room(services, incident, clock.now)

    assert created(chat) == [name, f"{name}-2"]
    assert result["name"] == f"{name}-2" and result["channel"] != "C0OLD"
    assert reread(services, incident).channel_name == f"{name}-2"


def test_a_name_taken_with_no_room_to_find_is_tried_again_with_2(session, clock, services, chat):
    incident = report(session, clock)
    name = f"inc-{incident.number}-貨櫃場火警"
    chat.script["create_room"] = [NameTaken("name_taken")]  # an archived room keeps its name; find_room skips it

    assert open_room(services, incident, clock.now)["name"] == f"{name}-2"
    assert created(chat) == [name, f"{name}-2"]


def test_a_name_the_platform_refuses_falls_back_to_the_ascii_slug(session, clock, services, chat):
    incident = report(session, clock, title="貨櫃場火警 Fire at the yard")
    chat.script["create_room"] = [InvalidName("invalid_name_specials")]

    result = open_room(services, incident, clock.now)

    first, second = created(chat)
    assert first == f"inc-{incident.number}-貨櫃場火警-fire-at-the-yard"
    assert second.startswith(f"inc-{incident.number}-fire-at-the-yard") and second.isascii()
    assert reread(services, incident).channel_name == second == result["name"]


def test_the_ascii_fallback_is_tried_under_its_own_name_first(session, clock, services, chat):
    incident = report(session, clock, title="貨櫃場火警 Fire at the yard")
    chat.script["create_room"] = [InvalidName("invalid_name_specials")]

    open_room(services, incident, clock.now)

    assert created(chat)[1] == f"inc-{incident.number}-fire-at-the-yard"


def test_a_purpose_that_failed_is_retried_on_its_own_and_holds_up_neither_room_nor_card(session, clock, services,
                                                                                        chat):
    incident = report(session, clock)
    room = open_room(services, incident, clock.now)["channel"]
    purpose = job_for(services, incident, WorkKind.WARROOM_PURPOSE)
    chat.script["set_purpose"] = [Unavailable("http_503")]
    with pytest.raises(Unavailable):
        warroom.describe(services, purpose, clock.now)

    assert warroom.post_card(services, job_for(services, incident, WorkKind.WARROOM_CARD), clock.now)["ts"]
    chat.script["room_info"] = Room(room, "", "")  # the failed call set nothing
    assert warroom.describe(services, replace(purpose, attempts=2), clock.advance(seconds=1)) == {
        "purpose": f"{incident.number} 貨櫃場火警"}
    assert len(chat.asked("set_purpose")) == 2


def test_a_retried_purpose_that_slack_already_shows_is_not_set_twice(session, clock, services, chat):
    incident = report(session, clock)
    room = open_room(services, incident, clock.now)["channel"]
    chat.script["room_info"] = Room(room, "", f"{incident.number} 貨櫃場火警")  # set, then the attempt crashed

    job = replace(job_for(services, incident, WorkKind.WARROOM_PURPOSE), attempts=2)
    assert warroom.describe(services, job, clock.now)["already"] is True
    assert chat.asked("set_purpose") == []


def test_the_purpose_waits_for_the_room(session, clock, services, chat):
    incident = report(session, clock)
    with services.sessions() as s, s.begin():
        queue.enqueue(s, WorkKind.WARROOM_PURPOSE, f"incident:{incident.id}:purpose", clock.now,
                      {"incident": incident.id}, incident.id)

    with pytest.raises(NotReady):
        warroom.describe(services, job_for(services, incident, WorkKind.WARROOM_PURPOSE), clock.now)
    assert chat.calls == []


# ---------------------------------------------------------------------------------------------- invitations


def test_inviting_before_the_room_exists_waits_for_it(session, clock, services, chat):
    incident = report(session, clock)

    with pytest.raises(NotReady):
        warroom.invite(services, job_for(services, incident, WorkKind.WARROOM_INVITE), clock.now)
    assert chat.calls == []


def test_the_unit_is_invited_into_the_open_room_in_one_call(session, clock, services, chat):
    incident = report(session, clock)
    room = open_room(services, incident, clock.now)["channel"]
    job = job_for(services, incident, WorkKind.WARROOM_INVITE)

    assert warroom.invite(services, job, clock.now) == {"channel": room, "errors": []}
    assert chat.asked("invite") == [{"room": room, "users": job.payload["users"]}]


# ---------------------------------------------------------------------------------------------- the card


def test_the_card_is_posted_once_pinned_and_remembered(session, clock, services, chat):
    incident = report(session, clock)
    room = open_room(services, incident, clock.now)["channel"]
    chat.calls.clear()
    job = job_for(services, incident, WorkKind.WARROOM_CARD)

    result = warroom.post_card(services, job, clock.now)

    assert chat.verbs() == ["post_once", "pin"]
    [posted] = chat.asked("post_once")
    assert (posted["key"], posted["room"], posted["retry"]) == (job.key, room, False)
    assert incident.number in posted["message"]["text"]
    assert chat.asked("pin") == [{"room": room, "ts": result["ts"]}]
    assert reread(services, incident).card_ts == result["ts"]

    chat.calls.clear()
    assert warroom.post_card(services, replace(job, attempts=2), clock.advance(seconds=5)) == {
        "ts": result["ts"], "already": True}
    assert chat.calls == []


def test_the_card_waits_for_the_room(session, clock, services, chat):
    incident = report(session, clock)

    with pytest.raises(NotReady):
        warroom.post_card(services, job_for(services, incident, WorkKind.WARROOM_CARD), clock.now)
    assert chat.calls == []


def test_a_retried_card_whose_pin_failed_looks_for_its_post_and_pins_it(session, clock, services, chat):
    incident = report(session, clock)
    room = open_room(services, incident, clock.now)["channel"]
    chat.calls.clear()
    chat.script["pin"] = [Unavailable("http_503")]
    with pytest.raises(Unavailable):
        warroom.post_card(services, job_for(services, incident, WorkKind.WARROOM_CARD), clock.now)
    assert reread(services, incident).card_ts is None

    result = warroom.post_card(services, job_for(services, incident, WorkKind.WARROOM_CARD, attempts=2), clock.now)

    assert [p["retry"] for p in chat.asked("post_once")] == [False, True]
    assert chat.asked("pin")[-1] == {"room": room, "ts": result["ts"]}
    assert reread(services, incident).card_ts == result["ts"]
