"""How the sandbox reaches the bot: a pluggable transport, HTTP by default.

``HttpTransport`` does what Slack does for apps in HTTP mode: it POSTs to the bot's events URL with
``X-Slack-Request-Timestamp`` and ``X-Slack-Signature`` (v0, HMAC-SHA256 over ``v0:{ts}:{body}``).  A slash command
is form-encoded, interactivity is ``payload=<json>``, Events API is JSON.  A Socket Mode transport can implement
the same ``Transport`` protocol later (the delivery kinds are Socket Mode's envelope types).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol
from urllib.parse import urlencode

import httpx

Kind = Literal["slash_commands", "interactive", "events_api"]


@dataclass
class Delivery:
    """One request to the bot.  ``signature``/``timestamp`` override the real ones to test refusals."""

    kind: Kind
    payload: dict[str, Any]
    retry_num: int | None = None
    retry_reason: str | None = None
    signature: str | None = None
    timestamp: int | None = None


@dataclass
class BotReply:
    """The bot's answer: status, content type and body (Slack reads the body of a 200 as the ack)."""

    status: int
    body: bytes = b""
    content_type: str = ""
    duration: float = 0.0
    error: str | None = None  # transport failure, e.g. "timeout" or "connection_refused"
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> dict[str, Any] | None:
        """The body as a JSON object, or None when empty or not JSON (Slack treats that as plain text)."""
        if not self.body.strip():
            return None
        try:
            value = json.loads(self.body)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None


class Transport(Protocol):
    def send(self, delivery: Delivery) -> BotReply: ...

    def close(self) -> None: ...


def sign(signing_secret: str, timestamp: int | str, body: bytes) -> str:
    """Slack's v0 request signature."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


def encode(delivery: Delivery) -> tuple[bytes, str]:
    """Body and content type for a delivery, as Slack encodes each kind."""
    if delivery.kind == "slash_commands":
        return urlencode(delivery.payload).encode(), "application/x-www-form-urlencoded"
    if delivery.kind == "interactive":
        body = urlencode({"payload": json.dumps(delivery.payload, ensure_ascii=False)})
        return body.encode(), "application/x-www-form-urlencoded"
    return json.dumps(delivery.payload, ensure_ascii=False).encode(), "application/json"


class HttpTransport:
    """Signed HTTP POSTs to the bot's ``/slack/events`` URL."""

    def __init__(self, url: str, signing_secret: str, timeout: float = 10.0) -> None:
        self.url = url
        self.signing_secret = signing_secret
        # Slack waits 3 s for an ack; a longer default lets a slow test bot still answer, tests may shorten it.
        self._client = httpx.Client(timeout=timeout)

    def send(self, delivery: Delivery) -> BotReply:
        body, content_type = encode(delivery)
        # Bolt checks the timestamp against its own wall clock, so use real time, not the workspace clock.
        timestamp = delivery.timestamp if delivery.timestamp is not None else int(time.time())
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": delivery.signature or sign(self.signing_secret, timestamp, body),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        }
        if delivery.retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(delivery.retry_num)
            headers["X-Slack-Retry-Reason"] = delivery.retry_reason or "http_error"
        started = time.perf_counter()
        try:
            response = self._client.post(self.url, content=body, headers=headers)
        except httpx.TimeoutException:
            return BotReply(0, error="timeout", duration=time.perf_counter() - started)
        except httpx.HTTPError as exc:
            return BotReply(0, error=f"connection_error: {exc}", duration=time.perf_counter() - started)
        return BotReply(
            status=response.status_code,
            body=response.content,
            content_type=response.headers.get("content-type", ""),
            duration=time.perf_counter() - started,
            headers=dict(response.headers),
        )

    def close(self) -> None:
        self._client.close()
