"""Resolve in the browser: the button asks first, as Slack's client does (the dialog of its `confirm` object), Cancel
sends nothing, and on Confirm the incident is resolved and the room's header shows the new topic."""

from __future__ import annotations

from playwright.sync_api import expect

from bot.blockkit import ids
from sandbox.driver import Sandbox
from tests.e2e_browser.conftest import shoot
from tests.e2e_browser.test_page import ScriptedBot, plain, sandbox, scripted
from tests.e2e_browser.ui import SandboxPage
from tests.flows.test_report import incident, report
from tests.stack import Stack

__all__ = ["sandbox", "scripted"]  # the scripted page's fixtures, used by the menu test


def test_resolve_shows_the_dialog_and_only_confirm_resolves(sqlite_stack: Stack, page) -> None:
    stack = sqlite_stack
    report(stack, "U0000INSH", "high")  # the unit head's report: high at once, the commander in the room
    stack.drain()
    room = stack.sandbox.channel(incident(stack).channel_id)
    ui = SandboxPage(page, stack.sandbox.server.base_url).open("U0000CMDR")
    ui.open_channel(room.name)
    expect(page.locator("#channel-topic")).to_have_text("2026-0001｜高度危機｜處理中 Open")
    card = page.locator("#messages .message.pinned").first
    resolve = card.locator(f"[data-action-id='{ids.RESOLVE}']")

    resolve.click()
    dialog = page.locator("#confirm-layer .confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".confirm-title")).to_have_text("確定解除危機？")
    expect(dialog.locator(".confirm-text")).to_contain_text("案例檔案")
    expect(dialog.locator(".confirm-ok")).to_have_text("危機解除")
    shoot(page, "resolve-confirm")
    dialog.locator(".confirm-deny").click()  # 取消
    expect(page.locator("#confirm-layer")).to_have_count(0)
    ui.settle()
    resolve.click()
    page.keyboard.press("Escape")  # Escape cancels too
    expect(page.locator("#confirm-layer")).to_have_count(0)
    ui.settle()
    stack.drain()
    assert incident(stack).status == "open"
    assert ids.RESOLVE in str(room.pins[0].blocks)  # nothing was sent: the card is as it was

    resolve.click()
    page.locator("#confirm-layer .confirm-ok").click()
    ui.settle()
    stack.drain()
    assert incident(stack).status == "resolved"
    expect(page.locator("#channel-topic")).to_have_text("2026-0001｜高度危機｜危機解除，待案例檔案 Resolved")
    expect(card.locator(f"[data-action-id='{ids.RESOLVE}']")).to_have_count(0)  # the card redrawn, live
    expect(card.locator(f"[data-action-id='{ids.CASEFILE_OPEN}']")).to_have_count(1)


def test_a_menu_with_a_dialog_asks_too_and_deny_puts_it_back(sandbox: Sandbox, scripted: ScriptedBot, page) -> None:
    dialog = {"title": plain("確定？"), "text": {"type": "mrkdwn", "text": "*無法*復原"}, "confirm": plain("確定"),
              "deny": plain("取消")}
    menu = {"type": "overflow", "action_id": "more", "confirm": dialog,
            "options": [{"text": plain("封存"), "value": "archive"}]}
    sandbox.client().chat_postMessage(channel="C0GENERAL", text="選單", blocks=[
        {"type": "section", "text": {"type": "mrkdwn", "text": "選單 menu"}},
        {"type": "actions", "elements": [menu]}])
    ui = SandboxPage(page, sandbox.server.base_url).open("U0000INS1")
    select = ui.message("選單 menu").locator("[data-action-id='more']")

    select.select_option("archive")
    expect(page.locator("#confirm-layer .confirm-text b")).to_have_text("無法")  # the text's mrkdwn, rendered
    page.locator("#confirm-layer .confirm-deny").click()
    expect(select).to_have_value("")
    ui.settle()
    assert scripted.of("block_actions") == []

    select.select_option("archive")
    page.locator("#confirm-layer .confirm-ok").click()
    ui.settle()
    [sent] = scripted.of("block_actions")
    assert sent["actions"][0]["selected_option"]["value"] == "archive"
