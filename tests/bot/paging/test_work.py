"""Paging's due work over the recording chat (procedure §3): the page reaches its holder by DM once, a retry looks
before it sends, an acknowledgement shows in the DM and the room, and an unanswered page pages the deputy."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.delivery.job import NotReady
from bot.delivery.kinds import WorkKind
from bot.paging import work as paging_work
from bot.procedure.config import Level
from bot.procedure.status import PageStatus
from bot.warroom import work as warroom
from storage.models import Page
from tests.bot.procedure_kit import (
    COMMANDER,
    COMMANDER_DEPUTY,
    INSPECTION_HEAD,
    ack,
    due,
    due_for_page,
    event_data,
    job_for,
    pages,
    reported,
    reread,
    summary,
)


def commander_paged(session, clock):
    """A unit head reports a high-level incident: the commander is paged at once."""
    incident = reported(session, INSPECTION_HEAD, Level.HIGH, clock.now)
    [page] = pages(session, incident)
    session.commit()
    return incident, page


def open_room(services, incident, now):
    return warroom.open_warroom(services, job_for(services, incident, WorkKind.WARROOM_OPEN), now)["channel"]


def send(services, incident, page, now, attempts=1):
    return paging_work.send_page(services, job_for(services, incident, WorkKind.PAGE_SEND, page=page,
                                                   attempts=attempts), now)


# ---------------------------------------------------------------------------------------------- the page DM


def test_a_page_reaches_the_commander_by_dm_once(session, clock, services, chat):
    incident, page = commander_paged(session, clock)
    job = job_for(services, incident, WorkKind.PAGE_SEND, page=page)

    result = paging_work.send_page(services, job, clock.now)

    [dm] = chat.asked("direct_message_once")
    assert (dm["key"], dm["user"], dm["retry"]) == (job.key, COMMANDER, False)
    assert incident.number in dm["message"]["text"]
    assert any(b["type"] == "actions" for b in dm["message"]["blocks"])  # the Acknowledge button
    delivered = reread(services, page)
    assert result == {"channel": delivered.dm_channel, "ts": delivered.message_ts}
    assert (delivered.dm_channel, delivered.message_ts) == (f"D{COMMANDER}", result["ts"])
    with services.sessions() as s:
        assert event_data(s, incident, "page.delivered") == [{"target": COMMANDER, "channel": f"D{COMMANDER}"}]

    again = paging_work.send_page(services, replace(job, attempts=2), clock.advance(seconds=5))
    assert again == {"ts": result["ts"], "already": True}
    assert len(chat.asked("direct_message_once")) == 1


def test_the_page_is_written_in_the_paged_persons_language(session, clock, services, chat):
    chat.people[COMMANDER] = "en-US"
    incident, page = commander_paged(session, clock)

    send(services, incident, page, clock.now)

    [dm] = chat.asked("direct_message_once")
    assert dm["message"]["text"].startswith("🚨 High")
    assert chat.asked("person")[0]["user"] == COMMANDER


def test_a_retried_page_asks_the_chat_to_look_for_the_dm_it_may_have_sent(session, clock, services, chat):
    incident, page = commander_paged(session, clock)

    send(services, incident, page, clock.now, attempts=2)

    [dm] = chat.asked("direct_message_once")
    assert (dm["key"], dm["retry"]) == (f"page:{page.id}:dm", True)
    assert reread(services, page).message_ts is not None


def test_the_war_room_mention_waits_for_the_room_then_names_the_paged_person(session, clock, services, chat):
    incident, page = commander_paged(session, clock)
    job = job_for(services, incident, WorkKind.PAGE_MENTION, page=page)
    with pytest.raises(NotReady):
        paging_work.mention_page(services, job, clock.now)

    room = open_room(services, incident, clock.now)
    paging_work.mention_page(services, job, clock.now)

    [mention] = chat.asked("post_once")
    assert (mention["key"], mention["room"]) == (job.key, room)
    assert f"<@{COMMANDER}>" in mention["message"]["text"]


# ---------------------------------------------------------------------------------------------- acknowledgement


def test_an_acknowledged_page_shows_who_answered_in_the_dm_and_the_room(session, clock, services, chat):
    incident, page = commander_paged(session, clock)
    room = open_room(services, incident, clock.now)
    send(services, incident, page, clock.now)
    with services.sessions() as s, s.begin():
        ack(s, COMMANDER, s.get(Page, page.id), clock.advance(minutes=2))
    chat.calls.clear()
    job = job_for(services, incident, WorkKind.PAGE_ACKED, page=page)

    assert paging_work.page_acked(services, job, clock.now) == {"acked_by": COMMANDER}

    delivered = reread(services, page)
    [update] = chat.asked("update")
    assert (update["room"], update["ts"]) == (delivered.dm_channel, delivered.message_ts)
    assert not any(b["type"] == "actions" for b in update["message"]["blocks"])  # no button left to press
    assert f"<@{COMMANDER}>" in update["message"]["blocks"][-1]["elements"][0]["text"]
    [told] = chat.asked("post_once")
    assert (told["key"], told["room"]) == (job.key, room)
    assert told["message"]["text"] == f"✅ <@{COMMANDER}> 已確認收到通知（總指揮兼發言人）。"
    with services.sessions() as s:
        assert any(f":ack:{page.id}:" in w.key for w in due(s, incident, WorkKind.WARROOM_CARD_REFRESH))


def test_an_acknowledgement_before_the_dm_or_the_room_tells_nobody_and_still_redraws_the_card(session, clock,
                                                                                               services, chat):
    incident, page = commander_paged(session, clock)
    with services.sessions() as s, s.begin():
        ack(s, COMMANDER, s.get(Page, page.id), clock.advance(minutes=1))

    paging_work.page_acked(services, job_for(services, incident, WorkKind.PAGE_ACKED, page=page), clock.now)

    assert chat.asked("update") == [] and chat.asked("post_once") == []
    with services.sessions() as s:
        assert due(s, incident, WorkKind.WARROOM_CARD_REFRESH)


# ---------------------------------------------------------------------------------------------- escalation


def test_an_unanswered_page_escalates_to_the_deputy(session, clock, services, chat):
    incident, page = commander_paged(session, clock)
    job = job_for(services, incident, WorkKind.PAGE_ESCALATE, page=page)

    result = paging_work.escalate_page(services, job, clock.advance(seconds=300))

    with services.sessions() as s:
        first, deputy = pages(s, incident)
        assert summary(first) == ("commander", COMMANDER, "primary", PageStatus.ESCALATED, 0)
        assert summary(deputy) == ("commander", COMMANDER_DEPUTY, "deputy", PageStatus.PAGING, 0)
        assert WorkKind.PAGE_SEND in due_for_page(s, deputy)
        assert due(s, incident, WorkKind.WARROOM_CARD_REFRESH)
    assert result == {"next_page": deputy.id, "status": PageStatus.ESCALATED}
    assert chat.calls == []  # the deputy's DM is work of its own


def test_an_escalation_timer_that_fires_again_pages_the_deputy_once(session, clock, services, chat):
    incident, page = commander_paged(session, clock)
    job = job_for(services, incident, WorkKind.PAGE_ESCALATE, page=page)
    paging_work.escalate_page(services, job, clock.advance(seconds=300))

    again = paging_work.escalate_page(services, replace(job, attempts=2), clock.advance(seconds=1))

    assert again == {"next_page": None, "status": PageStatus.ESCALATED}
    with services.sessions() as s:
        assert len(pages(s, incident)) == 2
