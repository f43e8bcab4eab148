"""A thin helper over a Playwright page showing the sandbox UI: act as a person, type, fill modals, click."""

from __future__ import annotations

import re
from typing import Any


class SandboxPage:
    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    def open(self, person: str) -> SandboxPage:
        self.page.goto(f"{self.base_url}/ui/#/{person}")
        self.page.wait_for_selector("body[data-ready='1']")
        return self

    def act_as(self, person: str) -> SandboxPage:
        """Switch person with the switcher, as a visitor would."""
        self.page.select_option("#person", person)
        self.page.wait_for_function(f"() => location.hash.startsWith('#/{person}')")
        return self

    def settle(self) -> None:
        """Wait until every action the page sent has been answered (the bot has acked it)."""
        self.page.wait_for_selector("body[data-inflight='0']", state="attached")

    def sidebar(self, text: str) -> Any:
        return self.page.locator(".sidebar a", has_text=text).first

    def open_channel(self, name: str) -> None:
        self.page.locator(f".sidebar a[data-name='{name}']").click()
        self.page.wait_for_selector(f"#channel-title:has-text('{name}')")

    def open_bot_dm(self) -> None:
        self.sidebar("crisisbot").click()
        self.page.wait_for_selector("#channel-title:has-text('crisisbot')")

    def type(self, text: str, enter: bool = True) -> None:
        box = self.page.locator("#composer-input")
        box.fill(text)
        if enter:
            box.press("Enter")
            self.settle()

    def message(self, text: str | re.Pattern[str]) -> Any:
        found = self.page.locator("#messages .message", has_text=text).last
        found.wait_for()
        return found

    def modal(self, callback_id: str) -> Any:
        found = self.page.locator(f"#modal-layer .modal[data-callback-id='{callback_id}']")
        found.wait_for()
        return found

    def field(self, block_id: str) -> Any:
        return self.page.locator(f"#modal-layer .input-block[data-block-id='{block_id}']")

    def fill(self, block_id: str, text: str) -> None:
        self.field(block_id).locator("input, textarea").first.fill(text)

    def pick(self, block_id: str, value: str | list[str]) -> None:
        self.field(block_id).locator("select").select_option(value)

    def choose(self, block_id: str, value: str) -> None:
        self.field(block_id).locator(f"input[value='{value}']").check()

    def submit(self) -> None:
        self.page.locator("#modal-layer .modal-submit").click()
        self.settle()

    def close_modal(self) -> None:
        self.page.locator("#modal-layer .modal-close").click()
        self.settle()  # the close's view_closed reaches the bot before the page's request is answered
        self.page.wait_for_selector("#modal-layer", state="hidden")

    def click_action(self, action_id: str, within: Any = None) -> None:
        scope = within if within is not None else self.page.locator("#messages")
        scope.locator(f"[data-action-id='{action_id}']").last.click()
        self.settle()
