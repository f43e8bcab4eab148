"""Fixtures for the sandbox's own tests: a fresh sandbox per test, a settable clock, a tiny Bolt bot."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from sandbox.driver import Sandbox
from tests.sandbox.bolt_bot import BoltBot

TOKEN = "xoxb-test"
SIGNING_SECRET = "sandbox-test-signing-secret"


class SettableClock:
    """A clock tests move by hand (trigger expiry); starts at the real time so Bolt's checks stay happy."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock()


@pytest.fixture
def sandbox(clock: SettableClock) -> Iterator[Sandbox]:
    box = Sandbox.start(bot_token=TOKEN, clock=clock)
    try:
        yield box
    finally:
        box.stop()


@pytest.fixture
def client(sandbox: Sandbox) -> WebClient:
    return WebClient(token=TOKEN, base_url=sandbox.api_url)


@pytest.fixture
def bot(sandbox: Sandbox) -> Iterator[BoltBot]:
    served = BoltBot(sandbox.api_url, TOKEN, SIGNING_SECRET).start()
    sandbox.configure_bot(served.events_url, SIGNING_SECRET)
    try:
        yield served
    finally:
        served.stop()
