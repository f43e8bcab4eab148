"""The one Slack adapter: the chat port over slack_sdk's WebClient, with Slack's failures mapped to ours."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.platform.chat import ChatError, RateLimited, Unavailable

log = logging.getLogger(__name__)


def make_client(token: str, base_url: str, timeout: float = 10) -> WebClient:
    """A WebClient with no built-in retries: the durable work queue owns retries, so none are doubled."""
    client = WebClient(token=token, base_url=base_url, timeout=int(timeout))
    client.retry_handlers = []
    return client


class SlackChat:
    """The chat port on a real (or sandbox) Slack Web API."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def call(self, method: str, **args: Any) -> dict[str, Any]:
        return self._call(self.client, method, args)

    def user_info(self, user: str, *, timeout: float | None = None) -> dict[str, Any]:
        client = self.client
        if timeout is not None:
            # On the ack path a slow users.info must not hold the ack: use a short-lived client.
            client = make_client(self.client.token or "", self.client.base_url, timeout)
        return self._call(client, "users.info", {"user": user, "include_locale": True})["user"]  # type: ignore[no-any-return]

    @staticmethod
    def _call(client: WebClient, method: str, args: dict[str, Any]) -> dict[str, Any]:
        try:
            # The SDK's typed method encodes each call the way Slack expects (JSON or form, GET or POST).
            return getattr(client, method.replace(".", "_"))(**args).data  # type: ignore[no-any-return]
        except SlackApiError as exc:
            resp = exc.response
            if resp.status_code == 429:
                raise RateLimited(float(resp.headers.get("Retry-After", resp.headers.get("retry-after", 1)))) from None
            if resp.status_code >= 500:
                raise Unavailable(f"http_{resp.status_code}") from None
            code = resp.get("error", "unknown_error") if isinstance(resp.data, dict) else "unknown_error"
            raise ChatError(code, method) from None
        except (SlackRequestError, OSError, TimeoutError) as exc:
            raise Unavailable("connection", f"{method}: {type(exc).__name__}") from None


# The bot scopes each Web API method needs (comma-separated where it reads both channels and DMs). The
# manifest test derives the least scopes from the methods the code calls, so a new call without its scope (or a
# scope nothing uses) fails a test, not an install.
SCOPES_BY_METHOD: dict[str, str | None] = {
    "auth.test": None,
    "users.info": "users:read",
    "users.lookupByEmail": "users:read.email",
    "views.open": None,
    "views.push": None,
    "views.update": None,
    "views.publish": None,
    "conversations.create": "channels:manage",
    "conversations.invite": "channels:manage",
    "conversations.setTopic": "channels:manage",
    "conversations.setPurpose": "channels:manage",
    "conversations.archive": "channels:manage",
    "conversations.info": "channels:read",
    "conversations.list": "channels:read",
    "conversations.history": "channels:history,im:history",
    "conversations.replies": "channels:history,im:history",
    "conversations.members": "channels:read",
    "conversations.join": "channels:join",
    "conversations.open": "im:write",
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write",
    "chat.getPermalink": None,
    "pins.add": "pins:write",
    "bookmarks.add": "bookmarks:write",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
}


# Scopes that come with a surface rather than a Web API method.
SURFACE_SCOPES: dict[str, str] = {"slash_command": "commands"}
