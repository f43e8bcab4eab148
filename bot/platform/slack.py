"""The one Slack adapter: the chat port's verbs over Slack's Web API, with Slack's failures mapped to ours.

`SlackChat` speaks the verbs; `WebApi` is the Web API under it (production wraps slack_sdk's WebClient, tests a
recording fake), so a test of a verb asserts the very Web API calls production makes."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.blockkit import fit
from bot.platform.chat import (
    ChatError,
    InvalidName,
    MemorySentLog,
    NameTaken,
    NotInRoom,
    Person,
    Posted,
    RateLimited,
    Room,
    SentLog,
    Unavailable,
    Uploaded,
)

log = logging.getLogger(__name__)


def make_client(token: str, base_url: str, timeout: float = 10) -> WebClient:
    """A WebClient with no built-in retries: the durable work queue owns retries, so none are doubled."""
    client = WebClient(token=token, base_url=base_url, timeout=int(timeout))
    client.retry_handlers = []
    return client


class WebApi(Protocol):
    """Slack's HTTP surface as the adapter uses it. Raises ChatError, RateLimited or Unavailable."""

    def call(self, method: str, /, **args: Any) -> dict[str, Any]:
        """One Web API method (`chat.postMessage`…) with its arguments; Slack's answer."""
        ...

    def with_timeout(self, timeout: float) -> WebApi:
        """The same API with a shorter timeout, for a call that must not hold up an ack."""
        ...

    def send_file(self, url: str, content: bytes) -> None:
        """POST a file's bytes to the upload URL `files.getUploadURLExternal` handed out."""
        ...


UPLOAD_TIMEOUT = 30


class SlackWebApi:
    """The Web API over slack_sdk's WebClient."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def call(self, method: str, /, **args: Any) -> dict[str, Any]:
        try:
            # The SDK's typed method encodes each call the way Slack expects (JSON or form, GET or POST).
            return getattr(self.client, method.replace(".", "_"))(**args).data  # type: ignore[no-any-return]
        except SlackApiError as exc:
            resp = exc.response
            if resp.status_code == 429:
                raise RateLimited(float(resp.headers.get("Retry-After", resp.headers.get("retry-after", 1)))) from None
            if resp.status_code >= 500:
                raise Unavailable(f"http_{resp.status_code}") from None
            code = resp.get("error", "unknown_error") if isinstance(resp.data, dict) else "unknown_error"
            raise error_for(code)(code, method) from None
        except (SlackRequestError, OSError, TimeoutError) as exc:
            raise Unavailable("connection", f"{method}: {type(exc).__name__}") from None

    def with_timeout(self, timeout: float) -> SlackWebApi:
        return SlackWebApi(make_client(self.client.token or "", self.client.base_url, timeout))

    def send_file(self, url: str, content: bytes) -> None:
        try:
            response = httpx.post(url, content=content, timeout=UPLOAD_TIMEOUT,
                                  headers={"Content-Type": "application/octet-stream"})
        except httpx.HTTPError as exc:
            raise Unavailable("upload", f"{type(exc).__name__}") from None
        if response.status_code >= 500:
            raise Unavailable(f"http_{response.status_code}", "upload")
        if response.status_code != 200:
            raise ChatError(f"upload_http_{response.status_code}")


def error_for(code: str) -> type[ChatError]:
    """The port's error class for a Slack error code; the code itself is kept either way."""
    if code == "name_taken":
        return NameTaken
    if code.startswith("invalid_name"):
        return InvalidName
    if code == "not_in_channel":
        return NotInRoom
    return ChatError


# A retry whose record has no ts searches the room only around the lost attempt: from its start (less the skew
# between our clock and Slack's) to the longest a chat.postMessage can take (the client's timeout, 10 s, well
# inside). Slack posts about one message a second per channel, so that window holds a few hundred messages at most,
# however busy the room is the rest of the time; the page bound only keeps a misbehaving API from looping.
CLOCK_SKEW = 60.0
CALL_WINDOW = 60.0
HISTORY_PAGES = 5
HISTORY_PAGE = 200

WORK_EVENT = "crisisbot_work"  # the message metadata's event type that carries a job's key


def part_key(ts: str, n: int) -> str:
    """The key of part n of the message ts that was too long for one (see `SlackChat.post_once`)."""
    return f"part:{ts}:{n}"


class SlackChat:
    """The chat port on a real (or sandbox) Slack Web API.

    `sent` keeps each `_once` message's ts by key (the bot passes the database's, `bot.delivery.sent.SentLedger`;
    without one, this process's memory). `wallclock` is the time Slack's own ts are measured on."""

    def __init__(self, api: WebApi | WebClient, sent: SentLog | None = None,
                 wallclock: Callable[[], float] = time.time) -> None:
        self.api: WebApi = SlackWebApi(api) if isinstance(api, WebClient) else api
        self.sent: SentLog = sent if sent is not None else MemorySentLog()
        self.wallclock = wallclock

    def _call(self, method: str, **args: Any) -> dict[str, Any]:
        # Raw Web API calls stay inside the adapter: everyone else speaks the port's verbs.
        return self.api.call(method, **args)

    # Rooms

    def create_room(self, name: str) -> Room:
        channel = self._call("conversations.create", name=name, is_private=False)["channel"]
        return _room(channel)

    def find_room(self, name: str) -> Room | None:
        cursor = None
        while True:
            page = self._call("conversations.list", exclude_archived=True, limit=200, types="public_channel",
                             **({"cursor": cursor} if cursor else {}))
            for channel in page.get("channels", []):
                if channel.get("name") == name:
                    return _room(channel)
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None

    def room_info(self, room: str) -> Room:
        return _room(self._call("conversations.info", channel=room)["channel"])

    def set_purpose(self, room: str, purpose: str) -> None:
        self._call("conversations.setPurpose", channel=room, purpose=purpose)

    def set_topic(self, room: str, topic: str) -> None:
        self._call("conversations.setTopic", channel=room, topic=topic)

    def invite(self, room: str, users: list[str]) -> list[dict[str, Any]]:
        # force: invite everyone who can be invited even if some are already in (a retry, or an earlier group).
        answer = self._call("conversations.invite", channel=room, users=",".join(users), force=True)
        return list(answer.get("errors", []))

    def join_room(self, room: str) -> None:
        self._call("conversations.join", channel=room)

    def archive_room(self, room: str) -> None:
        try:
            self._call("conversations.archive", channel=room)
        except ChatError as exc:
            if exc.code != "already_archived":
                raise

    # Messages

    def post_once(self, key: str, room: str, message: dict[str, Any], *, thread: str | None = None,
                  retry: bool = False) -> Posted:
        """chat.postMessage at most once per key: the record of an earlier attempt answers a retry with its ts.

        Each attempt is recorded before Slack is called, and its ts as soon as Slack answers. So a key with no
        record was never sent (post it), a record with a ts was (return it, whatever the room's traffic since),
        and only a record with no ts (the attempt crashed between Slack's answer and the write) needs Slack's
        history, searched around that attempt's start. The key also rides along as message metadata for that
        search. `retry` is kept for the port's contract; the record is asked either way, a key read being cheaper
        than a duplicate.

        A message past Slack's limits (50 blocks, 40,000 characters, 3,000 a section) is never cut: it is fitted
        (`bot.blockkit.fit.messages`) and its further parts are replies in its thread, each keyed by the first
        part's ts, so a retry finds the parts already posted and posts only the missing ones."""
        return self._post_parts(key, room, message, thread, lambda: room)

    def _post_parts(self, key: str, room: str, message: dict[str, Any], thread: str | None,
                    history_room: Callable[[], str]) -> Posted:
        first, *rest = fit.messages(message)
        posted = self._post_once(key, room, first, thread, history_room)
        for n, part in enumerate(rest, 1):
            self._post_once(part_key(posted.ts, n), posted.room, part, thread or posted.ts, lambda: posted.room)
        return posted

    def _post_once(self, key: str, room: str, message: dict[str, Any], thread: str | None,
                   history_room: Callable[[], str]) -> Posted:
        earlier = self.sent.find(key)
        if earlier is not None and earlier.ts:
            return Posted(earlier.room, earlier.ts)
        if earlier is not None:
            channel = history_room()
            found = self._posted(channel, key, thread, around=earlier.started)
            if found is not None:
                self.sent.done(key, channel, found)
                return Posted(channel, found)
        self.sent.begin(key, room, self.wallclock())
        where = {"thread_ts": thread} if thread else {}
        try:
            answer = self._call("chat.postMessage", channel=room, text=message["text"], blocks=message["blocks"],
                               metadata={"event_type": WORK_EVENT, "event_payload": {"work": key}},
                               unfurl_links=False, unfurl_media=False, **where)
        except Unavailable:
            raise  # a 5xx or a timeout may have posted: the record stays, and the retry searches
        except ChatError:
            self.sent.abandon(key)  # Slack said no (not_in_channel, 429…): nothing was posted, nothing to search
            raise
        posted = Posted(str(answer["channel"]), str(answer["ts"]))
        self.sent.done(key, posted.room, posted.ts)
        return posted

    def _posted(self, channel: str, key: str, thread: str | None, around: float) -> str | None:
        """The ts of the message carrying work ``key`` that an attempt begun at ``around`` may have posted: only the
        room's messages from then to the longest such a call can take are read."""
        cursor = None
        window = {"oldest": f"{around - CLOCK_SKEW:.6f}", "latest": f"{around + CLOCK_SKEW + CALL_WINDOW:.6f}",
                  "inclusive": True}
        for _ in range(HISTORY_PAGES):
            args: dict[str, Any] = {"channel": channel, "limit": HISTORY_PAGE, "include_all_metadata": True, **window}
            if cursor:
                args["cursor"] = cursor
            if thread:
                history = self._call("conversations.replies", ts=thread, **args)
            else:
                history = self._call("conversations.history", **args)
            for msg in history.get("messages", []):
                if ((msg.get("metadata") or {}).get("event_payload") or {}).get("work") == key:
                    return str(msg["ts"])
            cursor = (history.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        return None

    def direct_message_once(self, key: str, user: str, message: dict[str, Any], *, retry: bool = False) -> Posted:
        # Posted to the user id (Slack opens the DM); only a search of a lost attempt needs the DM's own id.
        return self._post_parts(key, user, message, None,
                                lambda: str(self._call("conversations.open", users=user)["channel"]["id"]))

    def update(self, room: str, ts: str, message: dict[str, Any]) -> None:
        """chat.update of the message; one fitted into several parts (see `post_once`) updates its first part and
        updates, or posts, the others in its thread (a refresh can make a message longer)."""
        first, *rest = fit.messages(message)
        self._call("chat.update", channel=room, ts=ts, text=first["text"], blocks=first["blocks"])
        if not rest:
            return
        found = self._parts(room, ts)
        for n, part in enumerate(rest, 1):
            if n in found:
                self._call("chat.update", channel=room, ts=found[n], text=part["text"], blocks=part["blocks"])
            else:
                self._post_once(part_key(ts, n), room, part, ts, lambda: room)

    def _parts(self, room: str, ts: str) -> dict[int, str]:
        """The continuation parts already in the thread of message ts: part number → its ts."""
        prefix = part_key(ts, 0)[:-1]
        found: dict[int, str] = {}
        history = self._call("conversations.replies", channel=room, ts=ts, limit=HISTORY_PAGE,
                             include_all_metadata=True)
        for msg in history.get("messages", []):
            work = str(((msg.get("metadata") or {}).get("event_payload") or {}).get("work") or "")
            if work.startswith(prefix) and work[len(prefix):].isdigit():
                found[int(work[len(prefix):])] = str(msg["ts"])
        return found

    def pin(self, room: str, ts: str) -> None:
        try:
            self._call("pins.add", channel=room, timestamp=ts)
        except ChatError as exc:
            if exc.code != "already_pinned":
                raise

    def upload_once(self, key: str, room: str, name: str, title: str, content: bytes, *, thread: str | None = None,
                    comment: str | None = None, retry: bool = False) -> Uploaded:
        """Slack's file upload v2 (files.getUploadURLExternal → POST the bytes → files.completeUploadExternal) into
        a channel or a thread. A retry first looks for a file of that name there, so it is never shared twice."""
        if retry:
            if thread:
                found = self._call("conversations.replies", channel=room, ts=thread, limit=200)
            else:
                found = self._call("conversations.history", channel=room, limit=100)
            for msg in found.get("messages", []):
                for file in msg.get("files") or []:
                    if file.get("name") == name:
                        return Uploaded(file.get("id"), name, already=True)
        answer = self._call("files.getUploadURLExternal", filename=name, length=len(content))
        self.api.send_file(answer["upload_url"], content)
        where: dict[str, Any] = {"channel_id": room}
        if thread:
            where["thread_ts"] = thread
        if comment:
            where["initial_comment"] = comment
        done = self._call("files.completeUploadExternal", files=[{"id": answer["file_id"], "title": title}], **where)
        return Uploaded(answer["file_id"], name, files=tuple(f.get("id") for f in done.get("files", [])))

    # People

    def person(self, user: str, *, timeout: float | None = None) -> Person:
        # On the ack path a slow users.info must not hold the ack: a short-lived API with its own timeout.
        api = self.api if timeout is None else self.api.with_timeout(timeout)
        return _person(api.call("users.info", user=user, include_locale=True)["user"])

    def person_by_email(self, email: str) -> Person:
        return _person(self._call("users.lookupByEmail", email=email)["user"])


def _room(channel: dict[str, Any]) -> Room:
    return Room(str(channel["id"]), str(channel.get("name", "")), (channel.get("purpose") or {}).get("value", ""),
                (channel.get("topic") or {}).get("value", ""))


def _person(user: dict[str, Any]) -> Person:
    # Slack's own order: the display name the person chose, else their full name (either may be empty).
    profile = user.get("profile") or {}
    name = (profile.get("display_name") or profile.get("real_name") or user.get("real_name") or "").strip()
    return Person(str(user["id"]), user.get("locale"), user.get("tz"),
                  active=not (user.get("deleted") or user.get("is_bot") or user.get("is_app_user")), name=name or None)


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
