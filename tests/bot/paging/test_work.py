"""Paging's due work over the recording chat (procedure §3): the page reaches its holder by DM once, a retry looks
before it sends, an acknowledgement shows in the DM and the room, and an unanswered page pages the deputy."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.blockkit import ids
from bot.delivery.job import NotReady
from bot.delivery.kinds import WorkKind
from bot.incidents import service as incidents
from bot.paging import service as paging
from bot.paging import work as paging_work
from bot.procedure.config import Level, Role
from bot.procedure.status import PageStatus
from bot.warroom import work as warroom
from handlers.incident import ack_text
from storage.models import Incident, Page
from storage.pages import lock as pages_lock
from tests.bot.procedure_kit import (
    COMMANDER,
    COMMANDER_DEPUTY,
    CONFIG,
    INSPECTION_HEAD,
    INSPECTION_MEMBER,
    LEGAL,
    ack,
    due,
    due_for_page,
    event_data,
    job_for,
    pages,
    reported,
    reread,
    summary,
    who,
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


# ---------------------------------------------------------------------------------------------- the level as it stands


def proposal_paged(session, clock):
    """A member proposes high: the commander is paged at once, the head has not judged yet."""
    incident = reported(session, INSPECTION_MEMBER, Level.HIGH, clock.now)
    [page] = pages(session, incident)
    session.commit()
    return incident, page


def buttons(message):
    return [e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def shown(message):
    return " ".join(str(b) for b in message["blocks"])


def test_a_proposed_page_says_so_and_offers_the_commander_the_triage_button(session, clock, services, chat):
    incident, page = proposal_paged(session, clock)

    send(services, incident, page, clock.now)

    [dm] = chat.asked("direct_message_once")
    assert dm["user"] == COMMANDER
    assert dm["message"]["text"].startswith("🚨 待研判（通報人建議：高度危機）")
    assert "尚待單位主管研判" in shown(dm["message"])
    assert buttons(dm["message"]) == [ids.PAGE_ACK, ids.TRIAGE_OPEN]


def test_a_page_about_an_untriaged_incident_offers_no_triage_button_to_who_may_not_triage(session, clock,
                                                                                          services, chat):
    incident = reported(session, INSPECTION_MEMBER, Level.MEDIUM, clock.now)
    with services.sessions() as s, s.begin():
        legal = paging.page_role(s, CONFIG, s.get(Incident, incident.id), Role.LEGAL, None, clock.now)
    assert legal is not None

    send(services, incident, legal, clock.now)

    [dm] = chat.asked("direct_message_once")
    assert dm["user"] == LEGAL
    assert "待研判" in dm["message"]["text"]
    assert ids.TRIAGE_OPEN not in buttons(dm["message"]) and ids.PAGE_ACK in buttons(dm["message"])


def test_the_page_links_the_war_room_by_its_name(session, clock, services, chat):
    incident, page = commander_paged(session, clock)
    room = open_room(services, incident, clock.now)
    name = reread(services, incident).channel_name

    send(services, incident, page, clock.now)

    [dm] = chat.asked("direct_message_once")
    assert f"<#{room}|{name}>" in shown(dm["message"])


def test_triage_redraws_the_proposed_page_with_the_judged_level_and_no_triage_button(session, clock, services,
                                                                                     chat):
    incident, page = proposal_paged(session, clock)
    send(services, incident, page, clock.now)
    with services.sessions() as s, s.begin():
        incidents.set_level(s, CONFIG, who(INSPECTION_HEAD), s.get(Incident, incident.id), Level.HIGH, None,
                            clock.advance(minutes=2))

    result = paging_work.redraw_page(services, job_for(services, incident, WorkKind.PAGE_REDRAW, page=page),
                                     clock.now)

    [update] = chat.asked("update")
    assert update["message"]["text"].startswith("🚨 高度危機：")
    assert "待研判" not in shown(update["message"])
    assert buttons(update["message"]) == [ids.PAGE_ACK]  # still waiting for the commander's answer
    assert result == {"updated": True, "status": PageStatus.PAGING}


def test_a_proposal_judged_medium_stands_the_commander_down_and_the_dm_says_who_judged(session, clock, services,
                                                                                      chat):
    incident, page = proposal_paged(session, clock)
    send(services, incident, page, clock.now)
    with services.sessions() as s, s.begin():
        incidents.set_level(s, CONFIG, who(INSPECTION_HEAD), s.get(Incident, incident.id), Level.MEDIUM, None,
                            clock.advance(minutes=2))

    paging_work.redraw_page(services, job_for(services, incident, WorkKind.PAGE_SETTLED, page=page), clock.now)

    [update] = chat.asked("update")
    assert buttons(update["message"]) == []
    assert f"<@{INSPECTION_HEAD}> 已研判為中度危機，此通知無須處理" in shown(update["message"])
    with services.sessions() as s, s.begin():
        late = paging.acknowledge(s, who(COMMANDER), pages_lock(s, page.id), clock.advance(minutes=1))
    assert (late.fresh, late.stood_down, late.by, late.level) == (False, True, INSPECTION_HEAD, "medium")
    assert ack_text(late, CONFIG, "en") == f"<@{INSPECTION_HEAD}> judged it Medium; this page needs no acknowledgement."


def test_a_page_whose_dm_is_not_out_yet_is_not_redrawn(session, clock, services, chat):
    incident, page = proposal_paged(session, clock)
    with services.sessions() as s, s.begin():
        incidents.set_level(s, CONFIG, who(INSPECTION_HEAD), s.get(Incident, incident.id), Level.HIGH, None,
                            clock.advance(minutes=2))

    job = job_for(services, incident, WorkKind.PAGE_REDRAW, page=page)
    assert paging_work.redraw_page(services, job, clock.now) == {"updated": False}
    send(services, incident, page, clock.now)  # drawn as it stands when it goes
    [dm] = chat.asked("direct_message_once")
    assert dm["message"]["text"].startswith("🚨 高度危機：")


def test_a_stood_down_page_whose_dm_never_went_is_not_sent(session, clock, services, chat):
    incident, page = proposal_paged(session, clock)
    with services.sessions() as s, s.begin():
        incidents.set_level(s, CONFIG, who(INSPECTION_HEAD), s.get(Incident, incident.id), Level.LOW, None,
                            clock.advance(minutes=2))

    assert send(services, incident, page, clock.now) == {"skipped": PageStatus.STOOD_DOWN}
    assert chat.asked("direct_message_once") == []
