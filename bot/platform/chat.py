"""The chat port: what the services need from Slack, in the procedure's terms, with no Slack types.

The Slack adapter implements it over the Web API; unit tests use a recording fake."""

from __future__ import annotations

from typing import Any, Protocol


class ChatError(Exception):
    """Slack said no. `code` is Slack's error code (e.g. `name_taken`), kept for the audit trail."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


class RateLimited(ChatError):
    """HTTP 429: try again after `retry_after` seconds (Slack's Retry-After header)."""

    def __init__(self, retry_after: float) -> None:
        super().__init__("ratelimited", f"retry after {retry_after:g}s")
        self.retry_after = retry_after


class Unavailable(ChatError):
    """A 5xx, a timeout or a broken connection: worth retrying with back-off."""


class ChatPort(Protocol):
    """The Slack calls the services make. Each raises ChatError, RateLimited or Unavailable."""

    def user_info(self, user: str, *, timeout: float | None = None) -> dict[str, Any]: ...

    def call(self, method: str, **args: Any) -> dict[str, Any]: ...
