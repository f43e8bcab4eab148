"""The reporter's account travels with the incident, and the report's flags act (issue 12 §3), end to end through
the sandbox on both databases: a member reports what happened, when, where, the impact and the flags; the war-room
card, the head's triage DM, the page DM (in short), `/crisis status`, App Home and the case file show it; media
attention brings in PR, a legislator's concern PR and the executive secretary, casualties page the commander even
at low level; another config's flag routes bring in others; an overlong account loses no word."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import yaml

from bot.blockkit import ids
from bot.handling.casefile import compile_case, to_markdown
from bot.procedure.config import EXAMPLE_CONFIG, parse_config
from tests.flows.test_report import incident, pages, report
from tests.stack import Stack

HEAD, DEPUTY, MEMBER = "U0000INSH", "U0000INSD", "U0000INS1"
COMMANDER, COMMANDER_DEPUTY, SECRETARY, PR, PLANNING = "U0000CMDR", "U0000CMDD", "U0000EXEC", "U0000PRPR", "U0000PLAN"

WHAT = "六堵貨櫃場 3 號倉庫冒煙，兩名搬運工吸入濃煙送醫；記者已到場採訪，立委辦公室來電詢問。"
WHERE = "六堵貨櫃場 3 號倉庫"
IMPACT = "3 號倉暫停進出，約 40 個貨櫃延後查驗。"
WHEN = datetime(2026, 11, 28, 0, 30, tzinfo=UTC)  # 08:30 in Taipei
ALL_FLAGS = ["media", "legislator", "casualties"]


def account(**more):
    return {ids.F_DESCRIPTION: WHAT, ids.F_LOCATION: WHERE, ids.F_IMPACT: IMPACT, ids.F_OCCURRED: WHEN, **more}


def block(message, block_id: str) -> str:
    """The mrkdwn of one block of a message (and of the blocks a long text continued into, up to the next id)."""
    found = [b for b in message.blocks if b.get("block_id") == block_id]
    assert found, f"no block {block_id} in {message.blocks}"
    return found[0]["text"]["text"]


def texts(message) -> str:
    return "\n".join(b["text"]["text"] for b in message.blocks if b.get("type") == "section" and "text" in b)


def dm_about(stack, user: str, needle: str):
    return stack.person(user).dm().wait_for_message(lambda m: needle in str(m.blocks))


def test_the_account_is_on_the_card_the_triage_dm_the_page_status_home_and_case_file(stack):
    report(stack, MEMBER, "medium", **account(**{ids.F_FLAGS: ALL_FLAGS}))
    stack.drain()
    inc = incident(stack)
    assert (inc.level, inc.flags) == (None, {"media": True, "legislator": True, "casualties": True})

    card = stack.sandbox.channel(inc.channel_id).pins[0]
    shown = texts(card)
    assert WHAT in shown and WHERE in shown and IMPACT in shown
    assert "2026-11-28 08:30" in shown  # in the organisation's time zone
    assert "📰 媒體已關注" in shown and "🏛️ 民意代表關切" in shown and "🚑 有人員傷亡" in shown
    assert "None" not in card.all_text()

    triage = dm_about(stack, HEAD, ids.TRIAGE_OPEN)
    assert WHAT in block(triage, ids.ACCOUNT) and IMPACT in block(triage, ids.ACCOUNT)

    # casualties: the commander is paged at once, untriaged as it is, and the page says what happened in short
    [page] = pages(stack)
    assert (page.role, page.target_user) == ("commander", COMMANDER)
    paged = dm_about(stack, COMMANDER, ids.PAGE_ACK)
    short = block(paged, ids.ACCOUNT_SHORT)
    assert WHAT in short and WHERE in short and "2026-11-28 08:30" in short and "🚑 有人員傷亡" in short
    assert IMPACT not in str(paged.blocks)  # the short form: what, where, when, flags

    commander = stack.person(COMMANDER)
    commander.slash("/crisis", "status 1")
    status = commander.wait_ephemeral(lambda m: "2026-0001" in m.text)
    assert WHAT in status.all_text() and IMPACT in status.all_text() and "🏛️ 民意代表關切" in status.all_text()

    home = commander.open_home().all_text()
    assert WHAT[:40] in home and WHERE in home and "🚑 有人員傷亡" in home

    with stack.bot.services.sessions() as s:
        markdown = to_markdown(compile_case(s, stack.bot.services.config, incident(stack)), stack.bot.services.config)
    assert WHAT in markdown and WHERE in markdown and IMPACT in markdown and "2026-11-28 08:30" in markdown
    assert "有人員傷亡 People are hurt" in markdown and "依通報情形通知 Brought in by a flag" in markdown


def test_media_brings_in_pr_and_a_legislator_pr_and_the_executive_secretary(stack):
    report(stack, MEMBER, "low", **account(**{ids.F_FLAGS: ["media", "legislator"]}))
    stack.drain()
    room = stack.sandbox.channel(incident(stack).channel_id)
    assert {PR, SECRETARY} <= set(room.members)
    told = dm_about(stack, PR, ids.ACCOUNT_SHORT)
    assert "媒體已關注、民意代表關切" in told.text  # one DM, both reasons
    assert f"<#{room.id}|{room.name}>" in str(told.blocks) and WHAT in block(told, ids.ACCOUNT_SHORT)
    secretary = dm_about(stack, SECRETARY, ids.ACCOUNT_SHORT)
    assert "民意代表關切" in secretary.text and "媒體已關注" not in secretary.text and "執行秘書" in secretary.text
    assert pages(stack) == []  # no casualties, low level: nobody paged
    assert len([m for m in stack.person(PR).dm().messages() if ids.ACCOUNT_SHORT in str(m.blocks)]) == 1
    # §3 職務代理人: each role's deputy gets a copy, in their own language, and is let into the room it links
    deputy = dm_about(stack, "U0000PRDP", ids.ACCOUNT_SHORT)
    assert "Media are involved" in deputy.text
    assert {"U0000PRDP", "U0000EXED"} <= set(room.members)


def test_media_alone_brings_in_pr_only(stack):
    report(stack, MEMBER, "low", **account(**{ids.F_FLAGS: ["media"]}))
    stack.drain()
    room = stack.sandbox.channel(incident(stack).channel_id)
    assert PR in room.members and SECRETARY not in room.members
    assert dm_about(stack, PR, ids.ACCOUNT_SHORT)


def test_casualties_page_the_commander_at_low_level_who_may_let_it_escalate_to_the_deputy(stack):
    report(stack, HEAD, "low", **account(**{ids.F_FLAGS: ["casualties"]}))  # the head: the level stands
    stack.drain()
    inc = incident(stack)
    assert inc.level == "low"
    [page] = pages(stack)
    assert (page.role, page.target_user, page.status) == ("commander", COMMANDER, "paging")
    assert COMMANDER in stack.sandbox.channel(inc.channel_id).members
    stack.later(seconds=stack.bot.services.config.paging.ack_timeout_seconds["medium"] + 1)
    first, deputy = pages(stack)
    assert (first.status, deputy.target_user) == ("escalated", COMMANDER_DEPUTY)
    english = dm_about(stack, COMMANDER_DEPUTY, ids.PAGE_ACK)  # the deputy reads English
    assert "People are hurt" in block(english, ids.ACCOUNT_SHORT) and WHAT in block(english, ids.ACCOUNT_SHORT)


def test_casualties_at_high_level_page_the_commander_once(stack):
    report(stack, HEAD, "high", **account(**{ids.F_FLAGS: ["casualties"]}))
    stack.drain()
    assert [(p.role, p.target_user) for p in pages(stack)] == [("commander", COMMANDER)]


def test_casualties_keep_the_commanders_page_when_a_proposed_high_is_judged_low(stack):
    report(stack, MEMBER, "high", **account(**{ids.F_FLAGS: ["casualties"]}))
    stack.drain()
    [page] = pages(stack)
    assert (page.target_user, page.status) == (COMMANDER, "paging")
    head = stack.person(HEAD)
    head.click(dm_about(stack, HEAD, ids.TRIAGE_OPEN), ids.TRIAGE_OPEN)
    assert head.wait_modal(ids.TRIAGE_VIEW).fill({ids.T_LEVEL: "low"}).submit().ok
    stack.drain()
    # judged low, but people are hurt: the commander is still asked, as at a low report with casualties
    assert [(p.target_user, p.status) for p in pages(stack)] == [(COMMANDER, "paging")]
    assert ids.PAGE_ACK in str(dm_about(stack, COMMANDER, ids.PAGE_ACK).blocks)


def test_no_flags_bring_in_nobody_and_empty_fields_show_a_dash(stack):
    report(stack, MEMBER, "low", **{ids.F_OCCURRED: None})  # no impact, no time, no flags
    stack.drain()
    room = stack.sandbox.channel(incident(stack).channel_id)
    assert PR not in room.members and pages(stack) == []
    shown = texts(room.pins[0])
    assert "*發生時間*：—" in shown and "*目前影響*：—" in shown and "None" not in shown
    assert "其他情形" not in shown


@pytest.fixture
def planning_stack(database_url):
    """The bot with a config whose flags route otherwise: media brings in the planning group, casualties page
    nobody (an empty route), a legislator's concern keeps its default."""
    data = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    data["routing"]["flags"] = {"media": {"invite": ["planning"], "notify": ["planning"]}, "casualties": {}}
    running = Stack(database_url, config=parse_config(data)).start()
    try:
        yield running
    finally:
        running.stop()


def test_a_config_with_other_flag_routes_brings_in_others(planning_stack):
    stack = planning_stack
    report(stack, MEMBER, "low", **account(**{ids.F_FLAGS: ["media", "casualties"]}))
    stack.drain()
    room = stack.sandbox.channel(incident(stack).channel_id)
    assert PLANNING in room.members and PR not in room.members
    assert "媒體已關注" in dm_about(stack, PLANNING, ids.ACCOUNT_SHORT).text
    assert pages(stack) == []
    report(stack, MEMBER, "low", **account(**{ids.F_FLAGS: ["legislator"]}))
    stack.drain()
    second = stack.sandbox.channel(incident(stack, "2026-0002").channel_id)
    assert {PR, SECRETARY} <= set(second.members)


def test_an_overlong_account_fits_without_losing_a_word(stack):
    words = [f"第{n}段 <b>&amp;</b> 煙霧 word{n}" for n in range(200)]
    what = " ".join(words)[:3000]
    whole = what.rsplit(" ", 1)[0]  # the last word may be cut by the form's limit: check the whole ones
    report(stack, MEMBER, "medium", **account(**{ids.F_DESCRIPTION: what, ids.F_IMPACT: "&" * 2000,
                                                  ids.F_FLAGS: ALL_FLAGS}))
    stack.drain()
    inc = incident(stack)
    card = stack.sandbox.channel(inc.channel_id).pins[0]
    for message in (card, dm_about(stack, HEAD, ids.TRIAGE_OPEN)):
        shown = " ".join(texts(message).split())
        escaped = whole.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert " ".join(escaped.split()) in shown
        assert shown.count("&amp;") >= 2000 + what.count("&")
        assert all(len(b["text"]["text"]) <= 3000 for b in message.blocks if b.get("type") == "section" and "text" in b)
    short = block(dm_about(stack, COMMANDER, ids.PAGE_ACK), ids.ACCOUNT_SHORT)
    assert short.startswith("📝 第0段 &lt;b&gt;") and "…" in short and len(short) < 3000
