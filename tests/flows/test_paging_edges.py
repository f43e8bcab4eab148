"""The procedure's edges of paging and triage, end to end through the sandbox (issue 12, bullets 1, 2 and 4): a
member's proposed high reaches the commander at once and can be judged from the page; an untriaged incident's
timeout pages its proposal's tier; everyone paged is in the war room and their page links it by name; a handled
low-level incident raised again is handled again."""

from __future__ import annotations

import sqlalchemy as sa

from bot.blockkit import ids
from storage.incidents import by_number
from storage.models import Incident, Page

REPORT = {
    ids.F_SUBTYPE: "force_majeure",
    ids.F_TITLE: "貨櫃場火警",
    ids.F_DESCRIPTION: "六堵貨櫃場 3 號倉庫冒煙，已通報消防隊。",
}
HEAD, DEPUTY_HEAD, MEMBER = "U0000INSH", "U0000INSD", "U0000INS1"
COMMANDER, COMMANDER_DEPUTY, SECRETARY, SECRETARY_DEPUTY = "U0000CMDR", "U0000CMDD", "U0000EXEC", "U0000EXED"
LEGAL, LEGAL_DEPUTY = "U0000LGSH", "U0000LGSD"


def report(stack, user: str, level: str) -> None:
    person = stack.person(user)
    assert person.slash("/crisis", "report").ok
    outcome = person.wait_modal(ids.REPORT_VIEW).fill({**REPORT, ids.F_LEVEL: level}).submit()
    assert outcome.ok and not outcome.errors, outcome.errors
    stack.drain()


def incident(stack) -> Incident:
    with stack.bot.services.sessions() as s:
        found = by_number(s, "2026-0001")
        assert found is not None
        return found


def pages(stack) -> list[tuple[str, str, str]]:
    """Every page so far as (person, attempt, status)."""
    with stack.bot.services.sessions() as s:
        return [(p.target_user, p.attempt, p.status) for p in s.scalars(sa.select(Page).order_by(Page.id))]


def page_dm(stack, user: str):
    return stack.person(user).dm().wait_for_message(lambda m: ids.PAGE_ACK in str(m.blocks) or "🚨" in m.text)


def room(stack):
    return stack.sandbox.channel(incident(stack).channel_id)


def buttons(message) -> list[str]:
    return [e["action_id"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]]


def triage(stack, user: str, message, level: str) -> None:
    person = stack.person(user)
    person.click(message, ids.TRIAGE_OPEN)
    assert person.wait_modal(ids.TRIAGE_VIEW).fill({ids.T_LEVEL: level}).submit().ok
    stack.drain()


# ---------------------------------------------------------------------------------------------- bullet 1


def test_a_members_proposed_high_reaches_the_commander_at_once_who_judges_it_from_the_page(stack):
    report(stack, MEMBER, "high")

    page = page_dm(stack, COMMANDER)  # within the report's own drain, no timeout waited for
    assert page.text.startswith("🚨 待研判（通報人建議：高度危機）")
    assert "尚待單位主管研判" in page.all_text()
    assert buttons(page) == [ids.PAGE_ACK, ids.TRIAGE_OPEN]
    assert incident(stack).level is None
    assert COMMANDER in room(stack).members
    assert any(f"<@{COMMANDER}>" in m.text and "依通報人建議之高度危機通知" in m.text for m in room(stack).messages())
    head_asked = stack.person(HEAD).dm().wait_for_message(lambda m: ids.TRIAGE_OPEN in str(m.blocks))
    assert "建議等級" in head_asked.text  # the head and the deputy are asked to judge, as before

    triage(stack, COMMANDER, page, "high")

    assert (incident(stack).level, incident(stack).triaged_by) == ("high", COMMANDER)
    assert pages(stack) == [(COMMANDER, "primary", "paging")]  # confirmed: not paged twice
    judged = page.refresh()
    assert judged.text.startswith("🚨 高度危機：") and "待研判" not in judged.all_text()
    assert buttons(judged) == [ids.PAGE_ACK]  # the triage button goes once the level is judged
    assert {SECRETARY, "U0000PRPR"} <= set(room(stack).members)  # now the whole high-level team


def test_the_head_judging_a_proposed_high_medium_stands_the_commander_down_and_pages_the_secretary(stack):
    report(stack, MEMBER, "high")
    proposal = page_dm(stack, COMMANDER)
    head_asked = stack.person(HEAD).dm().wait_for_message(lambda m: ids.TRIAGE_OPEN in str(m.blocks))

    triage(stack, HEAD, head_asked, "medium")

    assert pages(stack) == [(COMMANDER, "primary", "stood_down"), (SECRETARY, "primary", "paging")]
    settled = proposal.refresh()
    assert buttons(settled) == []
    assert f"<@{HEAD}> 已研判為中度危機，此通知無須處理" in settled.all_text()
    assert settled.text.startswith("🚨 中度危機：")
    assert COMMANDER in room(stack).members  # nobody is put out of the room
    assert "stood down" in room(stack).pins[0].refresh().all_text()
    stack.later(seconds=301)  # the commander's escalation would have fallen due: it was stopped
    assert [p for p in pages(stack) if p[0] == COMMANDER_DEPUTY] == []


def test_the_head_and_the_deputy_are_both_asked_and_both_requests_say_who_judged(stack):
    report(stack, MEMBER, "medium")
    head_asked = stack.person(HEAD).dm().wait_for_message(lambda m: ids.TRIAGE_OPEN in str(m.blocks))
    deputy_asked = stack.person(DEPUTY_HEAD).dm().wait_for_message(lambda m: ids.TRIAGE_OPEN in str(m.blocks))

    triage(stack, DEPUTY_HEAD, deputy_asked, "low")

    for copy in (head_asked.refresh(), deputy_asked.refresh()):  # a finished request keeps no button anywhere
        assert buttons(copy) == []
        assert f"<@{DEPUTY_HEAD}>" in copy.all_text() and "低度危機" in copy.all_text()
    assert incident(stack).triaged_by == DEPUTY_HEAD


def test_an_untriaged_medium_times_out_to_the_secretary_who_may_judge_it_from_the_page(stack):
    report(stack, MEMBER, "medium")
    assert pages(stack) == []

    stack.later(seconds=stack.bot.services.config.routing.untriaged_timeout_seconds + 1)

    assert pages(stack) == [(SECRETARY, "primary", "paging")]
    page = page_dm(stack, SECRETARY)
    assert page.text.startswith("🚨 待研判（通報人建議：中度危機）")
    assert "中度危機：" not in page.text  # not called medium before anyone judged it
    assert ids.TRIAGE_OPEN in buttons(page)
    assert SECRETARY in room(stack).members
    triage(stack, SECRETARY, page, "medium")
    assert pages(stack) == [(SECRETARY, "primary", "paging")]
    assert buttons(page.refresh()) == [ids.PAGE_ACK]


def test_an_untriaged_high_times_out_to_the_commander_who_already_has_it(stack):
    report(stack, MEMBER, "high")
    commander = stack.person(COMMANDER)
    commander.click(page_dm(stack, COMMANDER), ids.PAGE_ACK)
    stack.drain()

    stack.later(seconds=stack.bot.services.config.routing.untriaged_timeout_seconds + 1)

    assert pages(stack) == [(COMMANDER, "primary", "acked")]  # the timeout pages the proposal's tier: no one new
    acked = page_dm(stack, COMMANDER).refresh()
    assert buttons(acked) == [ids.TRIAGE_OPEN]  # acknowledged, and still awaiting a judgement


# ---------------------------------------------------------------------------------------------- bullet 2


def test_everyone_paged_joins_the_war_room_and_the_page_links_it_by_name(stack):
    report(stack, "U0000CL2H", "medium")  # a head: the level stands, the executive secretary is paged
    war_room = room(stack)
    head = stack.person("U0000CL2H")
    head.click(war_room.pins[0], ids.REQUEST_LEGAL)
    head.wait_modal(ids.LEGAL_REQUEST_VIEW).fill({ids.H_QUESTION: "可否暫停該倉通關？"}).submit()
    stack.drain()

    stack.later(seconds=901)  # the secretary and legal do not answer: their deputies are paged
    stack.later(seconds=901)  # the secretary's deputy neither: the commander, as the next tier

    paged = {person for person, _, _ in pages(stack)}
    assert paged == {SECRETARY, SECRETARY_DEPUTY, COMMANDER, LEGAL, LEGAL_DEPUTY}
    assert paged <= set(room(stack).members)
    link = f"<#{war_room.id}|{war_room.name}>"
    for person in (SECRETARY_DEPUTY, COMMANDER, LEGAL_DEPUTY):
        assert link in page_dm(stack, person).all_text(), person


# ---------------------------------------------------------------------------------------------- bullet 4


def test_a_handled_low_incident_raised_to_high_is_handled_again(stack):
    report(stack, HEAD, "low")
    head = stack.person(HEAD)
    head.click(room(stack).pins[0], ids.MARK_HANDLED)
    stack.drain()
    assert incident(stack).status == "observing"

    triage(stack, SECRETARY, room(stack).pins[0], "high")

    assert (incident(stack).status, incident(stack).level) == ("open", "high")
    card = room(stack).pins[0].refresh()
    assert "持續觀察" not in card.all_text() and "高度危機" in card.all_text()
    assert any("恢復處理" in m.text for m in room(stack).messages())
    assert pages(stack) == [(COMMANDER, "primary", "paging")]
    stack.later(minutes=31)  # routing.update_interval_minutes.high
    reminder = head.dm().wait_for_message(lambda m: ids.UPDATE_SNOOZE in str(m.blocks))
    assert "30 分鐘未更新" in reminder.text
    stack.later(hours=24 * 3)
    assert not [m for m in room(stack).messages() if m.text.startswith("🔭 觀察提醒")]  # observation stopped


def test_handled_raised_lowered_and_handled_again_reports_and_observes_anew(stack):
    report(stack, HEAD, "low")
    head = stack.person(HEAD)
    head.click(room(stack).pins[0], ids.MARK_HANDLED)
    stack.drain()
    triage(stack, SECRETARY, room(stack).pins[0], "high")
    triage(stack, SECRETARY, room(stack).pins[0], "low")

    head.click(room(stack).pins[0].refresh(), ids.MARK_HANDLED)
    stack.drain()

    assert incident(stack).status == "observing"
    reports = [m for m in stack.person(SECRETARY).dm().messages() if ids.HANDOFF_READ in str(m.blocks)
               or "收悉" in m.all_text()]
    assert len(reports) == 2  # a report for each round of handling
    stack.person(SECRETARY).click(reports[-1], ids.HANDOFF_READ)
    stack.drain()
    assert ids.HANDOFF_READ not in str(reports[-1].refresh().blocks)  # the latest round's report was read
    stack.later(hours=25)
    assert [m for m in room(stack).messages() if m.text.startswith("🔭 觀察提醒")]  # observing again, reminded
