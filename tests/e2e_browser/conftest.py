"""Browser tests: the sandbox page in headless Chromium, driven with Playwright.

Chromium is Debian's (`/usr/bin/chromium`, installed by `scripts/ensure-chromium.sh` from `make test`); Playwright's
own browser download is never used.  Each test gets a fresh browser context; screenshots go to tests/artifacts/
(gitignored), and with CRISISBOT_UPDATE_SCREENSHOTS=1 the README's pictures in docs/screenshots/ are rewritten.
These tests run on SQLite only, to keep CI short: the flows they drive are covered on PostgreSQL by
tests/flows/test_report.py through the Python driver.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.stack import Stack

CHROMIUM = os.environ.get("CRISISBOT_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
DOCS = ROOT / "docs" / "screenshots"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "e2e_browser" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium for the session (Playwright's launch gives it a fresh temporary user-data dir)."""
    if os.environ.get("CRISISBOT_SKIP_BROWSER") == "1":
        pytest.skip("browser tests skipped: CRISISBOT_SKIP_BROWSER=1")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh (make test does), "
                    "or set CRISISBOT_SKIP_BROWSER=1 to skip the browser tests", pytrace=False)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=15_000)  # as the pages' own waits: expect() otherwise gives up after 5 s

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(chromium: Any, viewport: dict[str, int]) -> tuple[Any, list[str]]:
    context = chromium.new_context(viewport=viewport, locale="zh-TW", timezone_id="Asia/Taipei",
                                   reduced_motion="reduce")
    tab = context.new_page()
    tab.set_default_timeout(15_000)  # waits end as soon as the element is there; a loaded CI machine is slow
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    tab.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    return tab, problems


def _tab(chromium: Any, viewport: dict[str, int]) -> Iterator[Any]:
    tab, problems = new_page(chromium, viewport)
    try:
        yield tab
    finally:
        tab.context.close()
    assert not problems, problems


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A desktop-sized tab in a fresh context; page errors and console errors fail the test."""
    yield from _tab(chromium, DESKTOP)


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    """A phone-sized tab (390 × 844) in a fresh context; page errors and console errors fail the test."""
    yield from _tab(chromium, PHONE)


@pytest.fixture
def sqlite_stack(sqlite_database_url: str) -> Iterator[Stack]:
    """The whole bot end to end on SQLite (the `stack` fixture of the root conftest, without the pg run)."""
    running = Stack(sqlite_database_url).start()
    try:
        yield running
    finally:
        running.stop()


def shoot(page: Any, name: str, docs: bool = False) -> Path:
    """Save a screenshot under tests/artifacts/ (and docs/screenshots/ when asked and enabled)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    if docs and os.environ.get("CRISISBOT_UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS / f"{name}.png")
    return path
