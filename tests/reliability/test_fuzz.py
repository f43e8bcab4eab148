"""Bad input, fuzzed with hypothesis: slash-command text, report modal values, raw payloads, bad signatures.

The promise: never a 5xx, never a listener crash (the global error handler's "listener failed"), always an
answer (a 200 ack, an inline error, or a 400/401 naming what is wrong), and user text never pings or forges.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.blockkit import ids
from sandbox.transport import sign
from tests.reliability.procs import scale
from tests.stack import SECRET, Stack

pytestmark = pytest.mark.reliability

EXAMPLES = scale(25, 300)
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Text that breaks naive code: control characters, RTL/LTR marks and overrides, zero-width characters, mrkdwn and
# mention syntax, surrogates-free astral characters, overlong runs.
NASTY = st.sampled_from([
    "<!channel>", "<!here>", "<!everyone>", "<@U0000CMDR>", "<#C0GENERAL>", "<https://evil.example|銀行>",
    "\u202e", "\u200f", "\u200b", "\u2066", "\x00", "\x1b[31m", "\r\n", "*粗體*", "`code`", "```", "&amp;", "&lt;",
    "颱風", "🌀", "𠀀", "a" * 3001, ".", "#", "@", "-", " ",
])
TEXT = st.lists(st.one_of(NASTY, st.text(max_size=40)), max_size=6).map("".join)


class Failures(logging.Handler):
    """Collects the global error handler's reports and any error logged while handling a request."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    from storage.db import upgrade

    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    upgrade(f"sqlite:///{path}")
    running = Stack(f"sqlite:///{path}").start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def failures() -> Iterator[Failures]:
    handler = Failures()
    logging.getLogger().addHandler(handler)
    try:
        yield handler
    finally:
        logging.getLogger().removeHandler(handler)


def _no_crash(failures: Failures) -> None:
    crashes = [r.getMessage() for r in failures.records if "listener failed" in r.getMessage()
               or r.name.startswith(("slack_bolt", "handlers", "bot"))]
    failures.records.clear()
    assert not crashes, crashes


@FUZZ
@given(text=st.one_of(TEXT, st.sampled_from(["report", "drill", "drill draw", "drill verify x", "drill verify 99",
                                             "drill status", "drill report", "help", "說明", "演練 狀態"]).flatmap(
    lambda cmd: TEXT.map(lambda extra: f"{cmd} {extra}"))))
def test_slash_text(fuzz_stack: Stack, failures: Failures, text: str) -> None:
    person = fuzz_stack.person("U0000INS1")
    shown = person.slash("/crisis", text[:4000])
    assert shown.reply.status == 200, (text, shown.reply.status, shown.reply.text)
    assert fuzz_stack.bot.listeners.wait_idle()  # the listener's work after the ack (it may open a modal)
    fuzz_stack.sandbox.workspace.close_modal(person.id, clear=True)
    _no_crash(failures)


@FUZZ
@given(title=TEXT, description=TEXT, location=TEXT, level=st.sampled_from(["high", "medium", "low"]))
def test_report_modal_values(fuzz_stack: Stack, failures: Failures, title: str, description: str, location: str,
                             level: str) -> None:
    person = fuzz_stack.person("U0000INSH")
    assert person.slash("/crisis", "report").ok
    modal = person.wait_modal(ids.REPORT_VIEW, where=lambda v: any(b.get("type") == "input" for b in v.blocks))
    modal.fill({ids.F_SUBTYPE: "force_majeure", ids.F_TITLE: title[:3000], ids.F_DESCRIPTION: description[:3000],
                ids.F_LOCATION: location[:3000], ids.F_LEVEL: level})
    outcome = modal.submit()
    fuzz_stack.sandbox.workspace.close_modal(person.id, clear=True)
    assert outcome.reply.status == 200, outcome.reply.text
    assert outcome.ok, outcome.reply.text
    if not outcome.errors:
        fuzz_stack.drain()
    _no_crash(failures)
    _no_pings(fuzz_stack)


def _no_pings(stack: Stack) -> None:
    """No mrkdwn the bot posted (the notification text, mrkdwn text objects) carries a broadcast or a forged link
    from user text. plain_text objects are not parsed by Slack, so they may show the characters as typed."""
    ws = stack.sandbox.workspace
    with ws.reading():
        for channel in ws.channels.values():
            for msg in channel.messages.values():
                for text in [msg.get("text") or "", *_mrkdwn(msg.get("blocks") or [])]:
                    for bad in ("<!channel>", "<!here>", "<!everyone>", "<https://evil.example"):
                        assert bad not in text, (channel.name, text[:300])
            assert "\u202e" not in channel.name and "\x00" not in channel.name


def _mrkdwn(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn" and isinstance(value.get("text"), str):
            yield value["text"]
        for v in value.values():
            yield from _mrkdwn(v)
    elif isinstance(value, list):
        for v in value:
            yield from _mrkdwn(v)


# ---------------------------------------------------------------------------------------------- raw payloads


def _post(stack: Stack, body: bytes, content_type: str, *, secret: str = SECRET, timestamp: int | None = None,
          signature: str | None = None) -> httpx.Response:
    ts = int(time.time()) if timestamp is None else timestamp
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(ts),
               "X-Slack-Signature": signature or sign(secret, ts, body)}
    return httpx.post(stack.http.url + "/slack/events", content=body, headers=headers, timeout=10)


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                       lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                                   max_size=4), max_leaves=12)
TYPES = st.sampled_from(["block_actions", "view_submission", "view_closed", "shortcut", "message_action",
                         "block_suggestion", "nonsense", ""])


ACTION_IDS = sorted(v for k, v in vars(ids).items() if k.isupper() and isinstance(v, str))


@st.composite
def interactive(draw: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"type": draw(TYPES), "user": draw(st.one_of(
        st.fixed_dictionaries({"id": st.sampled_from(["U0000INSH", "U0000CMDR", "UNOBODY", ""])}), JSONISH)),
        "team": {"id": "T0SANDBOX"}, "api_app_id": "A0CRISISBOT", "token": "x",
        "trigger_id": draw(st.text(max_size=10))}
    if draw(st.booleans()):
        payload["actions"] = draw(st.one_of(JSONISH, st.lists(st.fixed_dictionaries({
            "action_id": st.one_of(st.sampled_from(ACTION_IDS), st.text(max_size=20)),
            "block_id": st.text(max_size=10), "value": st.one_of(st.text(max_size=30), JSONISH),
            "type": st.just("button")}), max_size=2)))
    if draw(st.booleans()):
        payload["view"] = draw(st.one_of(JSONISH, st.fixed_dictionaries({
            "id": st.text(max_size=8), "callback_id": st.sampled_from([ids.REPORT_VIEW, "x", ""]),
            "private_metadata": st.one_of(st.text(max_size=50), st.just('{"incident": "x"}')),
            "state": st.fixed_dictionaries({"values": JSONISH}), "hash": st.text(max_size=5),
            "blocks": st.just([])})))
    extra = draw(st.dictionaries(st.sampled_from(["channel", "container", "message", "response_url"]), JSONISH,
                                 max_size=2))
    return {**payload, **extra}


@FUZZ
@given(payload=interactive(), cut=st.one_of(st.none(), st.integers(min_value=0, max_value=400)))
def test_raw_interactive_payloads(fuzz_stack: Stack, failures: Failures, payload: dict[str, Any],
                                  cut: int | None) -> None:
    text = json.dumps(payload, ensure_ascii=False)
    if cut is not None:
        text = text[:cut]  # truncated JSON
    response = _post(fuzz_stack, urlencode({"payload": text}).encode(), "application/x-www-form-urlencoded")
    assert response.status_code in (200, 400, 404), (response.status_code, response.text, text[:200])
    if response.status_code == 400:
        assert response.json()["error"]
    assert fuzz_stack.bot.listeners.wait_idle()  # the listeners' work after the ack
    _no_crash(failures)


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(["command", "text", "user_id", "trigger_id", "channel_id", "team_id",
                                               "response_url", "api_app_id"]), st.text(max_size=30), max_size=8),
       event=JSONISH)
def test_raw_commands_and_events(fuzz_stack: Stack, failures: Failures, fields: dict[str, str], event: Any) -> None:
    response = _post(fuzz_stack, urlencode(fields).encode(), "application/x-www-form-urlencoded")
    assert response.status_code in (200, 400, 404), (response.status_code, response.text)
    body = json.dumps({"type": "event_callback", "team_id": "T0SANDBOX", "api_app_id": "A0CRISISBOT",
                       "event": event, "event_id": "Ev1", "event_time": 1}).encode()
    response = _post(fuzz_stack, body, "application/json")
    assert response.status_code in (200, 400, 404), (response.status_code, response.text)
    assert fuzz_stack.bot.listeners.wait_idle()  # the listeners' work after the ack
    _no_crash(failures)


@FUZZ
@given(body=st.binary(max_size=300), secret=st.text(max_size=12), skew=st.integers(-10**6, 10**6),
       signature=st.one_of(st.none(), st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=70)))
def test_bad_signatures_are_refused(fuzz_stack: Stack, body: bytes, secret: str, skew: int,
                                    signature: str | None) -> None:
    if secret == SECRET and abs(skew) < 300 and signature is None:
        secret += "x"
    response = _post(fuzz_stack, body, "application/x-www-form-urlencoded", secret=secret,
                     timestamp=int(time.time()) + skew, signature=signature)
    assert response.status_code in (400, 401), (response.status_code, response.text)


BASE = {"user": {"id": "U0000INSH"}, "team": {"id": "T0SANDBOX"}, "api_app_id": "A0CRISISBOT", "token": "x"}


@pytest.mark.parametrize(("payload", "named"), [
    ({**BASE, "type": "block_actions", "channel": False}, "channel"),  # crashed Bolt's context extraction: 500
    ({**BASE, "type": "block_actions", "actions": []}, "actions"),  # crashed Bolt's matcher: 500
    ({**BASE, "type": "view_submission", "view": {"id": "V1", "callback_id": ids.REPORT_VIEW}}, "view"),  # 500
    ({**BASE, "type": "view_submission", "view": []}, "view"),  # crashed the global error handler
])
def test_payloads_that_crashed_bolt_get_a_400_naming_the_field(fuzz_stack: Stack, payload: dict[str, Any],
                                                               named: str) -> None:
    body = urlencode({"payload": json.dumps(payload)}).encode()
    response = _post(fuzz_stack, body, "application/x-www-form-urlencoded")
    assert response.status_code == 400 and named in response.json()["error"], response.text
    bad = _post(fuzz_stack, body, "application/x-www-form-urlencoded", secret="wrong")
    assert bad.status_code == 401  # the signature is still checked first
