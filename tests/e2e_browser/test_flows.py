"""The report → triage → page → acknowledge flows, done in the browser by the crisis team's members.

Each step is what a person does on the page; after each, ``stack.drain()`` runs the bot's due work (the test stack
has no scheduler).  The drill report form (附件二) is filed in test_drill_form.py.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from bot.blockkit import ids
from storage.models import Incident, Page
from tests.e2e_browser.conftest import shoot
from tests.e2e_browser.ui import SandboxPage
from tests.stack import Stack


def pages(stack: Stack) -> list[Page]:
    with stack.bot.services.sessions() as s:
        return list(s.scalars(sa.select(Page).order_by(Page.id)))


def the_incident(stack: Stack) -> Incident:
    with stack.bot.services.sessions() as s:
        return s.scalars(sa.select(Incident)).one()


def report(ui: SandboxPage, level: str, title: str = "六堵貨櫃場火警", shot: str | None = None) -> None:
    ui.type("/crisis report")
    ui.modal(ids.REPORT_VIEW)
    ui.pick(ids.F_SUBTYPE, "force_majeure")
    ui.fill(ids.F_TITLE, title)
    ui.fill(ids.F_DESCRIPTION, "3 號倉庫冒煙，已通報消防隊，貨櫃暫停進出。")
    ui.fill(ids.F_LOCATION, "六堵貨櫃場")
    ui.choose(ids.F_LEVEL, level)
    if shot:
        ui.page.locator("#modal-layer .modal-body").evaluate("node => { node.scrollTop = 0; }")
        shoot(ui.page, shot, docs=True)
    ui.submit()
    receipt = ui.modal(ids.REPORT_DONE_VIEW)
    assert "2026-0001" in receipt.inner_text()
    ui.close_modal()


def triage(stack: Stack, ui: SandboxPage, level: str) -> None:
    ui.act_as("U0000INSH")
    ui.open_bot_dm()
    ask = ui.message("2026-0001")
    ui.click_action(ids.TRIAGE_OPEN, within=ask)
    ui.modal(ids.TRIAGE_VIEW)
    ui.choose(ids.T_LEVEL, level)
    ui.submit()
    ui.page.wait_for_selector("#modal-layer", state="hidden")
    stack.drain()


def acknowledge(stack: Stack, ui: SandboxPage, person: str, shot: str, docs: bool = False) -> None:
    if person not in ui.page.url:
        ui.act_as(person)
    ui.open_bot_dm()
    page_dm = ui.message(re.compile("2026-0001"))
    page_dm.locator(f"[data-action-id='{ids.PAGE_ACK}']").wait_for()
    shoot(ui.page, shot, docs=docs)
    ui.click_action(ids.PAGE_ACK, within=page_dm)
    stack.drain()
    # the page DM is updated in place: the button is gone, live, without a reload
    ui.page.locator(f"#messages [data-action-id='{ids.PAGE_ACK}']").wait_for(state="detached")


def test_member_reports_head_triages_medium_executive_secretary_acknowledges(sqlite_stack: Stack, page) -> None:
    stack = sqlite_stack
    ui = SandboxPage(page, stack.sandbox.server.base_url).open("U0000INS1")
    assert "賴冠宇" in page.locator("#person option:checked").inner_text()
    assert "驗貨課科員" in page.locator("#me-card").inner_text()
    report(ui, "medium", shot="report-modal")
    stack.drain()
    inc = the_incident(stack)
    assert inc.proposed_level == "medium" and inc.level is None

    # the reporter's DM links the war room by name, as a channel link
    ui.open_bot_dm()
    link = ui.page.locator("#messages .channel-link").first
    expect(link).to_have_text(re.compile(r"^#inc-2026-0001"))  # the name once the reporter is in the room

    triage(stack, ui, "medium")
    assert the_incident(stack).level == "medium"
    [paged] = pages(stack)
    assert (paged.target_user, paged.status) == ("U0000EXEC", "paging")

    acknowledge(stack, ui, "U0000EXEC", "page-dm-executive-secretary")
    [paged] = pages(stack)
    assert paged.status == "acked" and paged.acked_by == "U0000EXEC"

    # the war room: pinned card with the acknowledgement, the executive secretary is a member
    ui.open_channel(inc.channel_id and stack.sandbox.channel(inc.channel_id).name)
    card = ui.page.locator("#messages .message.pinned").first
    expect(card).to_contain_text("已確認")
    ui.page.locator(".sidebar a.active .badge").wait_for(state="detached")  # opening the room marks it read
    card.evaluate("node => node.scrollIntoView({block: 'start'})")
    shoot(ui.page, "war-room", docs=True)


def test_high_level_pages_the_commander_who_acknowledges_on_a_phone(sqlite_stack: Stack, page, phone) -> None:
    stack = sqlite_stack
    ui = SandboxPage(page, stack.sandbox.server.base_url).open("U0000INS1")
    report(ui, "low", title="走私槍械遭媒體報導")
    stack.drain()
    triage(stack, ui, "high")
    assert the_incident(stack).level == "high"
    assert [p.target_user for p in pages(stack)] == ["U0000CMDR"]

    mobile = SandboxPage(phone, stack.sandbox.server.base_url).open("U0000CMDR")
    assert phone.locator("#sidebar").is_hidden() or not phone.locator("#sidebar").is_visible() \
        or phone.evaluate("() => document.getElementById('sidebar').getBoundingClientRect().right <= 0")
    phone.locator("#menu-toggle").click()
    phone.wait_for_function("() => document.getElementById('sidebar').getBoundingClientRect().left >= 0")
    shoot(phone, "phone-channels")
    acknowledge(stack, mobile, "U0000CMDR", "phone-page-commander", docs=True)
    [paged] = pages(stack)
    assert paged.status == "acked" and paged.acked_by == "U0000CMDR"


def test_validation_errors_show_inline_and_the_form_keeps_what_was_typed(sqlite_stack: Stack, page) -> None:
    ui = SandboxPage(page, sqlite_stack.sandbox.server.base_url).open("U0000INS1")
    ui.type("/crisis report")
    ui.modal(ids.REPORT_VIEW)
    ui.fill(ids.F_DESCRIPTION, "只有經過")
    ui.choose(ids.F_LEVEL, "low")
    ui.submit()
    error = ui.field(ids.F_TITLE).locator(".input-error")
    error.wait_for()
    assert error.inner_text() == "請填寫此欄。"
    assert ui.field(ids.F_SUBTYPE).locator(".input-error").is_visible()
    assert ui.field(ids.F_DESCRIPTION).locator("textarea").input_value() == "只有經過"
    shoot(page, "report-errors")
    ui.close_modal()


def test_help_answers_in_the_channel_as_an_ephemeral(sqlite_stack: Stack, page) -> None:
    ui = SandboxPage(page, sqlite_stack.sandbox.server.base_url).open("U0000EXEC")
    ui.type("/crisis help")
    answer = ui.message("/crisis")
    assert "Only visible to you" in answer.inner_text()
    assert answer.locator("code").count() >= 1


def test_app_home_tab_in_the_bots_dm(sqlite_stack: Stack, page) -> None:
    ui = SandboxPage(page, sqlite_stack.sandbox.server.base_url).open("U0000PRPR")
    ui.open_bot_dm()  # the DM is opened on first use, as in Slack
    page.locator(".tab[data-tab='home']").click()
    home = page.locator("#messages .home")
    home.wait_for()
    assert "/crisis" in home.inner_text()
    assert page.locator("#composer").is_hidden()
    page.locator(".tab[data-tab='messages']").click()
    page.locator("#composer").wait_for()
