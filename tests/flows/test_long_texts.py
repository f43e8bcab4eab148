"""Texts always reach Slack (issue 11 §5), end to end through the sandbox on both databases: a person types
10,000 characters (a media statement, a plan full of `& < >`, a legal question, a status update) and the war room
shows every word of it, split into sections and, past one message's limits, continued in its thread. A post
Slack refuses for good is not dropped: the war room, or the executive secretary by DM, is told what did not
arrive."""

from __future__ import annotations

import html
import random
import re

from bot.blockkit import ids
from tests.flows.test_handling import events, menu, open_high, room_of, settle
from tests.flows.test_report import dm_with

PIECES = ["貨櫃場火警", "疏散", "R&D", "A&B", "<b>", "x<y>z", "&&&", "<!channel>", "<@U0000CMDR>", "🔥", "👍🏽", "🇹🇼",
          "。", "，", "暫停3號倉通關", "word", "\n", "\n\n", " "]


def typed(marker: str, size: int = 10_000, amps: bool = False, seed: int = 5) -> str:
    """What a person types: a marker to find the post by, then CJK, escapes-to-be, emoji and mentions."""
    rng = random.Random(seed)
    out = [marker, " "]
    while sum(map(len, out)) < size:
        out.append("&&&&&&&&" if amps and rng.random() < 0.5 else rng.choice(PIECES))
    return "".join(out)[:size]


def _sections(message) -> list[str]:
    return [re.sub(r"(^|\n)> ", r"\1", b["text"]["text"]) for b in message.blocks if b.get("type") == "section"]


def shown(message) -> str:
    """Everything a reader sees of a post, its continuation in the thread included, as they read it."""
    parts = [message, *[r for r in message.replies() if r.from_bot]]
    return html.unescape("".join(t for m in parts for t in _sections(m)))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def posts_with(stack, marker: str):
    return [m for m in room_of(stack).messages() if marker in m.all_text()]


def assert_whole(message, text: str) -> None:
    assert squeeze(text) in squeeze(shown(message))
    for part in [message, *message.replies()]:
        assert len(part.blocks) <= 50 and all(len(b.get("text", {}).get("text", "")) <= 3000 for b in part.blocks)


def test_a_10000_character_media_statement_arrives_whole_and_stays_whole_when_released(stack):
    open_high(stack)
    statement = typed("新聞稿甲", seed=1)
    pr = menu(stack, "U0000PRPR", "draft", more=True)
    pr.wait_modal(ids.MEDIA_VIEW).fill({ids.H_TEXT: statement}).submit()
    stack.drain()
    [draft] = posts_with(stack, "新聞稿甲")
    assert_whole(draft, statement)
    assert "<!channel>" not in str(draft.blocks) and "&lt;!channel&gt;" in str(draft.blocks)  # nobody is pinged
    stack.person("U0000CMDR").click(draft, ids.MEDIA_APPROVE)
    settle(stack, lambda: events(stack, "media.released"))
    assert ids.MEDIA_APPROVE not in str(draft.refresh().blocks)
    assert_whole(draft.refresh(), statement)


def test_a_plan_full_of_ampersands_and_brackets_continues_in_its_thread_and_is_confirmed(stack):
    open_high(stack)
    plan = typed("方案乙", amps=True, seed=2)  # 10,000 typed, about 40,000 once escaped: more than one message
    menu(stack, "U0000INSH", "plan")
    stack.person("U0000INSH").wait_modal(ids.PLAN_VIEW).fill({ids.H_TEXT: plan}).submit()
    stack.drain()
    [post] = [m for m in posts_with(stack, "方案乙") if not m.thread_ts or m.thread_ts == m.ts]
    assert post.replies(), "the plan continues in its thread"
    assert "(1/" in post.all_text()
    assert_whole(post, plan)
    [with_button] = [m for m in [post, *post.replies()] if ids.PLAN_CONFIRM in str(m.blocks)]
    stack.person("U0000CMDR").click(with_button, ids.PLAN_CONFIRM)
    settle(stack, lambda: events(stack, "plan.confirmed"))
    assert all(ids.PLAN_CONFIRM not in str(m.refresh().blocks) for m in [post, *post.replies()])
    assert_whole(post.refresh(), plan)


def test_a_long_legal_question_reaches_the_war_room_and_the_legal_groups_page_whole(stack):
    open_high(stack)
    question = typed("諮詢丙", seed=3)
    head = stack.person("U0000INSH")
    head.click(room_of(stack).pins[0].refresh(), ids.REQUEST_LEGAL)
    head.wait_modal(ids.LEGAL_REQUEST_VIEW).fill({ids.H_QUESTION: question}).submit()
    stack.drain()
    [post] = posts_with(stack, "諮詢丙")
    assert_whole(post, question)
    page = dm_with(stack, "U0000LGSH", ids.LEGAL_ANSWER_OPEN)
    assert_whole(page, question)
    legal = stack.person("U0000LGSH")
    legal.click(page, ids.LEGAL_ANSWER_OPEN)
    modal = legal.wait_modal(ids.LEGAL_ANSWER_VIEW)
    assert len(modal.blocks) <= 100 and "諮詢丙" in modal.all_text()


def test_a_long_status_update_arrives_whole(stack):
    inc = open_high(stack)
    update = typed("更新丁", seed=4)
    member = stack.person("U0000INS1")
    member.slash("/crisis", "update", channel=inc.channel_id)
    member.wait_modal(ids.UPDATE_VIEW).fill({ids.H_TEXT: update}).submit()
    stack.drain()
    [post] = posts_with(stack, "更新丁")
    assert_whole(post, update)


def test_a_post_slack_refuses_for_good_is_told_to_the_war_room(stack):
    open_high(stack)
    stack.sandbox.faults.fail("chat.postMessage", "msg_too_long", times=None,
                              when=lambda args: "被拒稿" in str(args.get("blocks")))
    pr = menu(stack, "U0000PRPR", "draft", more=True)
    pr.wait_modal(ids.MEDIA_VIEW).fill({ids.H_TEXT: "被拒稿 本關已啟動應變"}).submit()
    stack.drain()
    [alert] = [m for m in room_of(stack).messages() if "無法送達" in m.all_text()]
    assert "新聞稿（對外說明）草稿" in alert.all_text() and "msg_too_long" in alert.all_text()
    assert "2026-0001" in alert.all_text()


def test_when_the_war_room_refuses_everything_the_executive_secretary_is_told_by_dm(stack):
    inc = open_high(stack)
    stack.sandbox.faults.fail("chat.postMessage", "is_archived", times=None,
                              when=lambda args: args.get("channel") == inc.channel_id)
    member = stack.person("U0000INS1")
    member.slash("/crisis", "update", channel=inc.channel_id)
    member.wait_modal(ids.UPDATE_VIEW).fill({ids.H_TEXT: "無法張貼的更新"}).submit()
    stack.drain()
    dm = stack.person("U0000EXEC").dm().wait_for_message(lambda m: "無法送達" in m.all_text())
    assert "戰情室的處理訊息" in dm.all_text() and "is_archived" in dm.all_text() and "2026-0001" in dm.all_text()
    stack.drain()
    assert len([m for m in stack.person("U0000EXEC").dm().messages() if "無法送達" in m.all_text()]) == 1
