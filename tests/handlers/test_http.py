"""Security basics of the HTTP endpoint: signatures, health, malformed payloads, body size."""

import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import create_engine

from tests.stack import SECRET


def signed(body: str, secret: str = SECRET, ts: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if ts is None else ts)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}",
            "Content-Type": "application/x-www-form-urlencoded"}


def command_body(text: str = "help") -> str:
    return urlencode({"command": "/crisis", "text": text, "user_id": "U0000INS1", "team_id": "T0KEELUNG",
                      "channel_id": "C0GENERAL", "trigger_id": "1.2.3", "response_url": "http://127.0.0.1:9/x"})


@pytest.fixture
def url(stack):
    return stack.http.url


def test_signed_command_is_answered(url):
    body = command_body()
    answer = httpx.post(f"{url}/slack/events", content=body, headers=signed(body))
    assert answer.status_code == 200
    assert "可用指令" in answer.json()["text"]


@pytest.mark.parametrize(
    "headers",
    [
        {},  # missing
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=deadbeef"},  # bad
        "stale",
        "wrong-secret",
    ],
    ids=["missing", "bad", "stale", "wrong-secret"],
)
def test_unsigned_or_badly_signed_requests_get_401(url, headers):
    body = command_body()
    if headers == "stale":
        headers = signed(body, ts=int(time.time()) - 6 * 60)
    elif headers == "wrong-secret":
        headers = signed(body, secret="not-the-secret")
    answer = httpx.post(f"{url}/slack/events", content=body, headers=headers)
    assert answer.status_code == 401


def test_malformed_payload_gets_a_clear_400(url):
    body = "payload=" + json.dumps({"type": "block_actions"})[:-5]
    answer = httpx.post(f"{url}/slack/events", content=body, headers=signed(body))
    assert answer.status_code == 400
    assert "malformed payload" in answer.json()["error"]


def test_malformed_unsigned_payload_is_still_401(url):
    body = "payload={broken"
    answer = httpx.post(f"{url}/slack/events", content=body, headers=signed(body, secret="nope"))
    assert answer.status_code == 401


def test_oversized_body_is_refused(url):
    body = "text=" + "x" * (1024 * 1024 + 10)
    answer = httpx.post(f"{url}/slack/events", content=body, headers=signed(body))
    assert answer.status_code == 413


def test_healthz_reports_the_database(stack, url):
    assert httpx.get(f"{url}/healthz").json() == {"ok": True, "database": "ok"}
    stack.bot.engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none",
                                     connect_args={"connect_timeout": 1})
    answer = httpx.get(f"{url}/healthz")
    assert answer.status_code == 503 and answer.json()["database"] == "unreachable"


def test_unknown_paths_are_404_not_500(url):
    assert httpx.get(f"{url}/nope").status_code == 404
    assert httpx.get(f"{url}/slack/events").status_code == 405
