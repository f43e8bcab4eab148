"""Fault injection: Slack's rate-limit tiers, forced errors, HTTP 500s and slow answers."""

from __future__ import annotations

import time

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler

from sandbox.driver import Sandbox
from sandbox.faults import METHOD_TIERS, Faults
from tests.sandbox.conftest import SettableClock


def test_faults_are_off_by_default(client: WebClient) -> None:
    for index in range(30):
        client.conversations_create(name=f"c{index}")


def test_tier_2_answers_429_with_retry_after(client: WebClient, sandbox: Sandbox, clock: SettableClock) -> None:
    # The buckets read the settable clock, which stands still: a burst stays a burst however slow the machine is.
    sandbox.faults.use_clock(clock)
    sandbox.faults.rate_limits(methods=["conversations.create"])

    for index in range(20):  # Tier 2: about 20 a minute, as a burst
        client.conversations_create(name=f"ok-{index}")
    with pytest.raises(SlackApiError) as caught:
        client.conversations_create(name="one-too-many")

    response = caught.value.response
    assert response.status_code == 429 and response.data == {"ok": False, "error": "ratelimited"}
    assert response.headers["Retry-After"] == "3"  # Tier 2 refills one call every 3 s
    assert sandbox.calls("conversations.create")[-1].status == 429
    clock.advance(3)
    assert client.conversations_create(name="after-the-wait")["ok"]


class _WaitsOnTheSandboxClock(RateLimitErrorRetryHandler):
    """slack_sdk's own handler, which sleeps for Retry-After; the sandbox's still clock then moves on as far."""

    def __init__(self, clock: SettableClock) -> None:
        super().__init__(max_retry_count=2)
        self.clock, self.waits = clock, []

    def prepare_for_next_attempt(self, *, state, request, response=None, error=None) -> None:
        super().prepare_for_next_attempt(state=state, request=request, response=response, error=error)
        retry_after = next(v for k, v in response.headers.items() if k.lower() == "retry-after")
        self.waits.append(int(retry_after[0] if isinstance(retry_after, list) else retry_after))
        self.clock.advance(self.waits[-1])


def test_rate_limit_retry_handler_recovers(sandbox: Sandbox, clock: SettableClock) -> None:
    sandbox.faults.use_clock(clock)
    # Compressed 60x: Tier 2's refill of one call per 3 s takes 0.05 s, so Retry-After is its minimum, 1 s.
    sandbox.faults.rate_limits(compression=60.0, methods=["conversations.create"])
    handler = _WaitsOnTheSandboxClock(clock)
    client = WebClient(token=sandbox.bot_token, base_url=sandbox.api_url, retry_handlers=[handler])
    for index in range(20):
        client.conversations_create(name=f"burst-{index}")
    before = len(sandbox.calls("conversations.create"))

    answer = client.conversations_create(name="after-retry")

    assert answer["ok"] and answer["channel"]["name"] == "after-retry"
    assert [c.status for c in sandbox.calls("conversations.create")[before:]] == [429, 200]
    assert handler.waits == [1]


def test_post_message_is_limited_per_channel(client: WebClient, sandbox: Sandbox, clock: SettableClock) -> None:
    sandbox.faults.use_clock(clock)
    sandbox.faults.rate_limits()
    other = client.conversations_create(name="other")["channel"]["id"]

    statuses = []
    for _ in range(4):
        try:
            client.chat_postMessage(channel="C0GENERAL", text="x")
            statuses.append(200)
        except SlackApiError as err:
            statuses.append(err.response.status_code)

    assert statuses == [200, 200, 200, 429]  # a burst of 3 in one channel, then about 1 a second
    assert client.chat_postMessage(channel=other, text="another channel is not limited")["ok"]


def test_forced_500_then_recovery(client: WebClient, sandbox: Sandbox) -> None:
    sandbox.faults.http_error("chat.postMessage", status=500, times=2)
    retrying = WebClient(
        token=sandbox.bot_token, base_url=sandbox.api_url, retry_handlers=[ServerErrorRetryHandler(max_retry_count=2)]
    )

    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C0GENERAL", text="a")
    answer = retrying.chat_postMessage(channel="C0GENERAL", text="b")

    assert caught.value.response.status_code == 500
    assert answer["ok"] and [c.status for c in sandbox.calls("chat.postMessage")] == [500, 500, 200]


def test_forced_error_for_matching_names(client: WebClient, sandbox: Sandbox) -> None:
    sandbox.faults.fail("conversations.create", "invalid_name_specials", times=None, match={"name": r"[\u4e00-\u9fff]"})

    with pytest.raises(SlackApiError) as caught:
        client.conversations_create(name="事件-001")
    fallback = client.conversations_create(name="incident-001")

    assert caught.value.response.data["error"] == "invalid_name_specials"
    assert fallback["channel"]["name"] == "incident-001"


def test_forced_error_counts_down(client: WebClient, sandbox: Sandbox) -> None:
    sandbox.faults.fail("users.info", "fatal_error", times=1)

    with pytest.raises(SlackApiError):
        client.users_info(user="U0000INS1")

    assert client.users_info(user="U0000INS1")["ok"]


def test_slow_answers(client: WebClient, sandbox: Sandbox) -> None:
    sandbox.faults.delay("auth.test", 0.3, times=1)

    started = time.monotonic()
    client.auth_test()
    slow = time.monotonic() - started
    client.auth_test()

    assert slow >= 0.3
    assert [c.status for c in sandbox.calls("auth.test")][-2:] == [200, 200]
    assert sandbox.faults.describe()["rules"] == []  # the delay was for one call only


def test_admin_endpoint_switches_faults(client: WebClient, sandbox: Sandbox) -> None:
    spec = {"fail": [{"method": "conversations.create", "error": "restricted_action", "times": 1}]}

    described = httpx.post(sandbox.server.base_url + "/sandbox/faults", json=spec).json()

    assert described["rules"][0]["error"] == "restricted_action"
    with pytest.raises(SlackApiError):
        client.conversations_create(name="blocked")
    httpx.post(sandbox.server.base_url + "/sandbox/faults", json={"clear": True})
    assert client.conversations_create(name="allowed")["ok"]


def test_every_implemented_method_has_a_tier(sandbox: Sandbox) -> None:
    implemented = {name[3:].replace("_", ".", 1) for name in dir(sandbox.server.api) if name.startswith("_m_")}

    assert implemented == set(METHOD_TIERS)


def test_tier_1_allows_one_call_a_minute() -> None:
    now = [1000.0]
    faults = Faults(monotonic=lambda: now[0])
    faults.rate_limits(tiers={"team.info": 1})

    first, second = faults.check("team.info", {}), faults.check("team.info", {})
    now[0] += 60
    third = faults.check("team.info", {})

    assert first.status is None and second.status == 429 and second.retry_after == 60 and third.status is None
