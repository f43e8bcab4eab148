"""The roster and the handover (procedure §3: 職務代理人, 移交) end to end through the sandbox, on both databases."""

from __future__ import annotations

import sqlalchemy as sa

from bot.blockkit import ids
from bot.procedure.config import Role
from storage import audit
from storage import roster as storage_roster
from storage.models import Page
from tests.flows.test_report import report

EXEC, EXEC_DEPUTY, COMMANDER, COMMANDER_DEPUTY = "U0000EXEC", "U0000EXED", "U0000CMDR", "U0000CMDD"


def holders(stack, role, unit_id=None):
    with stack.bot.services.sessions() as s:
        return storage_roster.holders(s, role, unit_id)


def handover(stack, user: str, text: str, expect: str):
    """Type the handover; when it shows the preview (what would move), confirm it; the answer that says `expect`."""
    person = stack.person(user)
    assert person.slash("/crisis", text).ok
    shown = person.wait_ephemeral(lambda m: expect in m.text or ids.HANDOVER_CONFIRM in str(m.blocks))
    if ids.HANDOVER_CONFIRM in str(shown.blocks):
        assert person.click(shown, ids.HANDOVER_CONFIRM).ok
        return person.wait_ephemeral(lambda m: expect in m.text and ids.HANDOVER_CONFIRM not in str(m.blocks))
    return shown


def test_roster_in_the_readers_language(stack):
    clerk = stack.person("U0000INS1")  # zh-TW
    assert clerk.slash("/crisis", "名冊").ok
    shown = clerk.wait_ephemeral(lambda m: "危機管理小組名冊" in m.text)
    text = shown.all_text()
    assert "總指揮兼發言人" in text and f"<@{COMMANDER}>" in text and f"職務代理人 <@{COMMANDER_DEPUTY}>" in text
    assert "驗貨課" in text and "<@U0000INSH>" in text and "<@U0000INSD>" in text and "<@U0000INS2>" in text
    assert "臺北港分關" in text  # every unit
    assert len(shown.blocks) <= 50
    deputy = stack.person(COMMANDER_DEPUTY)  # en-US
    assert deputy.slash("/crisis", "roster").ok
    english = deputy.wait_ephemeral(lambda m: "Crisis team roster" in m.text).all_text()
    assert "Executive secretary" in english and "Inspection Section" in english
    guest = stack.person("U0000GUST")
    guest.slash("/crisis", "roster")
    assert "crisis team roster" in guest.wait_ephemeral(lambda m: "Sorry" in m.text).text


def test_handover_by_the_holder_redirects_the_next_page(stack):
    before = stack.clock.now
    confirmation = handover(stack, EXEC, "handover executive_secretary <@U0000SECH|chen>", "已將")
    assert "<@U0000SECH>" in confirmation.text and f"<@{EXEC}>" in confirmation.text
    assert holders(stack, Role.EXECUTIVE_SECRETARY) == ("U0000SECH", EXEC_DEPUTY)
    stack.drain()
    new = stack.person("U0000SECH").dm().wait_for_message(lambda m: "職務移交" in m.text)
    assert "執行秘書" in new.text and f"<@{EXEC}>" in new.text
    previous = stack.person(EXEC).dm().wait_for_message(lambda m: "職務移交" in m.text)
    assert "<@U0000SECH>" in previous.text
    with stack.bot.services.sessions() as s:
        [event] = audit.events(s, kind_prefix="roster.handover")
        assert event.actor == EXEC and before < event.at <= stack.clock.now  # when the command ran
        assert (event.data["from"], event.data["to"], event.data["seat"]) == (EXEC, "U0000SECH", "primary")
        seats = [(a.user_id, a.ended_at) for a in storage_roster.history(s, Role.EXECUTIVE_SECRETARY)
                 if a.seat == "primary"]
        assert seats == [(EXEC, event.at), ("U0000SECH", None)]  # the seat ends at the handover's instant
    # the next medium incident pages the new holder
    report(stack, "U0000CL2H", "medium")  # a head reports: the level stands
    stack.drain()
    with stack.bot.services.sessions() as s:
        [page] = s.scalars(sa.select(Page)).all()
    assert (page.role, page.target_user) == ("executive_secretary", "U0000SECH")
    stack.person("U0000SECH").dm().wait_for_message(lambda m: ids.PAGE_ACK in str(m.blocks))
    # a restart reloads the unchanged config: the handover stays
    stack.crash()
    stack.boot()
    assert holders(stack, Role.EXECUTIVE_SECRETARY).primary == "U0000SECH"


def test_the_deputy_hands_over_the_deputy_seat_in_chinese(stack):
    confirmation = handover(stack, COMMANDER_DEPUTY, "移交 總指揮 代理人 <@U0000PERH>", "seat went from")
    assert "Deputy commander-in-chief" in confirmation.text  # the caller reads English
    assert holders(stack, Role.COMMANDER) == (COMMANDER, "U0000PERH")
    stack.drain()
    assert "總指揮兼發言人職務代理人" in stack.person("U0000PERH").dm().wait_for_message(
        lambda m: "職務移交" in m.text).text


def test_the_executive_secretary_hands_over_a_unit_head(stack):
    handover(stack, EXEC_DEPUTY, "handover head:inspection <@U0000INS1>", "驗貨課主管")
    assert holders(stack, "head", "inspection") == ("U0000INS1", "U0000INSD")
    handover(stack, EXEC, "移交 deputy:inspection <@U0000INS2>", "驗貨課主管職務代理人")
    assert holders(stack, "head", "inspection") == ("U0000INS1", "U0000INS2")


def test_others_are_refused_politely_and_nothing_changes(stack):
    refusal = handover(stack, "U0000INS1", "handover commander <@U0000INS2>", "抱歉")
    assert f"<@{COMMANDER}>" in refusal.text and "執行秘書" in refusal.text
    refusal = handover(stack, COMMANDER, "handover commander deputy <@U0000INS2>", "抱歉")
    assert f"<@{COMMANDER_DEPUTY}>" in refusal.text
    handover(stack, EXEC, "handover legal <@U9999NOPE>", "找不到這位同仁")
    handover(stack, EXEC, "handover legal <@U0000LGSH>", "已經是此職務的現任者")
    handover(stack, EXEC, "handover head:nowhere <@U0000INS1>", "找不到單位")
    handover(stack, EXEC, "handover legal", "用法")
    assert holders(stack, Role.COMMANDER) == (COMMANDER, COMMANDER_DEPUTY)
    assert holders(stack, Role.LEGAL).primary == "U0000LGSH"
    with stack.bot.services.sessions() as s:
        assert audit.events(s, kind_prefix="roster.handover") == []


def test_help_lists_the_new_commands_for_the_team(stack):
    head = stack.person("U0000INSH")
    text = str(head.slash("/crisis", "help").blocks)
    for usage in ("/crisis roster", "/crisis handover", "/crisis list", "/crisis status", "/crisis 名冊"):
        assert usage in text
    guest = str(stack.person("U0000GUST").slash("/crisis", "help").blocks)
    assert "/crisis roster" not in guest and "/crisis handover" not in guest


def test_nobody_hands_a_seat_to_themselves(stack):
    deputy = stack.person("U0000EXED")  # the executive secretary's deputy may hand seats over, not take them
    deputy.slash("/crisis", "handover commander <@U0000EXED|chang.shufen>")
    refusal = deputy.wait_ephemeral(lambda m: "yourself" in m.text or "自己" in m.text)
    assert refusal
    from storage import roster as storage_roster

    with stack.bot.services.sessions() as s:
        assert storage_roster.holders(s, "commander").primary == "U0000CMDR"
