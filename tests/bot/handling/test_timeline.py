"""The timeline's details in words (issue 13, part 7), from plain data: roles, levels, steps, flags and plans by
name in both languages, people by name (by id when unknown), times in the organisation's zone."""

from __future__ import annotations

from types import SimpleNamespace

from bot.handling.timeline import details, name_of, people_in, plan_numbers
from bot.procedure.text import is_user_id
from tests.bot.procedure_kit import CONFIG

NAMES = {"U0000CMDR": "林志明", "U0000EXEC": "王建國"}


def test_a_page_names_the_role_and_the_person_in_both_languages():
    text = details({"role": "commander", "target": "U0000CMDR", "attempt": "primary", "tier": 0}, CONFIG, NAMES)
    assert text == ("角色 Role：總指揮兼發言人 Commander-in-chief and spokesperson；通知對象 Paged：主要 Primary；"
                    "對象 Person：林志明")
    assert "commander" not in text and "tier" not in text  # no raw key: value pairs, no bookkeeping


def test_levels_steps_and_flags_by_name():
    assert details({"level": "high", "previous": "medium"}, CONFIG, {}) == (
        "等級 Level：高度危機 High；原等級 Previous level：中度危機 Medium")
    step = CONFIG.steps[0]
    assert details({"step": step.id}, CONFIG, {}) == f"步驟 Step：{step.name('zh-TW')} {step.name('en')}"
    assert details({"flag": "media"}, CONFIG, {}) == "情形 Flag：媒體已關注 Media are involved"
    assert details({"kind": "clarification"}, CONFIG, {}) == "類型 Kind：澄清稿 Clarification"


def test_a_plan_by_its_number_in_the_incident_not_its_event_id():
    plans = plan_numbers([("plan.proposed", 17), ("page.sent", 40), ("plan.proposed", 91), ("plan.confirmed", 95)])
    assert plans == {17: 1, 91: 2}
    text = details({"plan": 91, "proposed_by": "U0000EXEC"}, CONFIG, NAMES, plans)
    assert text == "方案 Plan：方案 #2 Plan #2；提案人 Proposed by：王建國"
    assert "91" not in text
    assert details({"plan": "先疏散再滅火"}, CONFIG, {}) == "方案 Plan：先疏散再滅火"  # a proposal carries its text
    drafts = plan_numbers([("media.drafted", 30), ("media.drafted", 44)], "media.drafted")
    assert details({"statement": 44, "reason": "措辭不妥"}, CONFIG, {}, statements=drafts) == (
        "理由 Reason：措辭不妥；稿件 Statement：第 2 份 #2")


def test_times_in_the_organisations_zone_and_people_unknown_by_id():
    text = details({"at": "2026-11-28T01:00:00+00:00", "members": ["U0000CMDR", "U0000ZZZZ"]}, CONFIG, NAMES)
    assert text == "時間 At：2026-11-28 09:00；成員 Members：林志明、U0000ZZZZ"
    assert details({"version": 2}, CONFIG, {}) == "版本 Version：第 2 版 version 2"
    assert details({"by": "reporter is the unit's head", "level": "low"}, CONFIG, {}).startswith("等級 Level：")


def test_names_and_who_the_timeline_names():
    assert name_of(NAMES, "U0000CMDR") == "林志明" and name_of(NAMES, "U0000ZZZZ") == "U0000ZZZZ"
    assert name_of(NAMES, "crisisbot") == "crisisbot" and name_of(NAMES, None) == ""
    events = [SimpleNamespace(actor="U0000EXEC", data={"target": "U0000CMDR", "members": ["U0000INSH"]}),
              SimpleNamespace(actor="crisisbot", data={"channel": "C0001", "text": "hello"})]
    assert people_in(events) == {"U0000EXEC", "U0000CMDR", "U0000INSH"}
    assert is_user_id("W012AB") and not is_user_id("crisisbot") and not is_user_id("C0001")
