"""The chat port: what the procedure needs from a chat platform, as the procedure's verbs, with no Slack types.

Executors open the war room, invite, post once, update the card, direct-message a person and upload a document;
an adapter turns each verb into its platform's calls. The Slack adapter (`bot.platform.slack`) is the one there is
today; this is the seam a second platform (Microsoft Teams) and the out-of-band channels (e-mail, SMS) plug into.

A `message` is the dict {"text", "blocks"} that the views build: Block Kit is the format the project renders, and
an adapter for another platform converts it. `ts` is a message's id in its room, as the adapter gave it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class ChatError(Exception):
    """The platform said no. `code` is the platform's error code (e.g. `name_taken`), kept for the audit trail."""

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


class NameTaken(ChatError):
    """`create_room`: a room of that name exists (perhaps the one a crashed attempt created: see `find_room`)."""


class InvalidName(ChatError):
    """`create_room`: the platform refuses the name's characters; a plainer name may pass."""


class NotInRoom(ChatError):
    """The bot must join the room (`join_room`) before it can post there."""


@dataclass(frozen=True)
class Room:
    """A room (a Slack channel): its id, its name and, when the platform said, its purpose and topic."""

    id: str
    name: str
    purpose: str = ""
    topic: str = ""


@dataclass(frozen=True)
class Posted:
    """Where a message landed: the room (a DM's room for a direct message) and the message's id there."""

    room: str
    ts: str

    def record(self) -> dict[str, Any]:
        """The result a job keeps. Its keys predate the port's verbs and stay, so rows already stored still read."""
        return {"channel": self.room, "ts": self.ts}


@dataclass(frozen=True)
class Uploaded:
    """A shared document: its file id and name; `already` when a retry found it shared by an earlier attempt."""

    file: str | None
    name: str
    already: bool = False
    files: tuple[str, ...] = field(default=())

    def record(self) -> dict[str, Any]:
        """The result a job keeps, in the shape stored before the port spoke verbs."""
        if self.already:
            return {"file": self.file, "name": self.name, "already": True}
        return {"file": self.file, "name": self.name, "files": list(self.files)}


@dataclass(frozen=True)
class Person:
    """A person as the platform knows them. `locale`, `tz` and `name` may be unknown (None)."""

    id: str
    locale: str | None = None
    tz: str | None = None
    active: bool = True  # False for a deactivated account, a bot or an app user: nobody to hand a post to
    name: str | None = None  # what people call them: the display name, else the real name (for the documents)


@dataclass(frozen=True)
class Sending:
    """A `_once` message as its record has it: the room it went to, when the latest attempt began (seconds since
    the epoch, on the wall clock, as the platform's own timestamps are) and, once the platform answered, its ts."""

    room: str
    started: float
    ts: str | None = None


class SentLog(Protocol):
    """Where an adapter keeps its `_once` messages by key, so a retry finds its own message by key, not by reading
    the room's history. Each method is a short write or read of its own, never held across a platform call."""

    def find(self, key: str) -> Sending | None:
        """The record of `key`, if an attempt to post it ever began."""
        ...

    def begin(self, key: str, room: str, started: float) -> None:
        """An attempt to post `key` in `room` begins now (recorded before the platform is called)."""
        ...

    def done(self, key: str, room: str, ts: str) -> None:
        """The platform posted `key` as message `ts` in `room`."""
        ...

    def abandon(self, key: str) -> None:
        """The platform refused the attempt (it posted nothing): forget it, so the next attempt need not search."""
        ...


class MemorySentLog:
    """A SentLog in this process's memory: for an adapter with no database (tests, a one-off command). It forgets
    on restart, so the bot itself uses the database's (`bot.delivery.sent.SentLedger`)."""

    def __init__(self) -> None:
        self.records: dict[str, Sending] = {}

    def find(self, key: str) -> Sending | None:
        return self.records.get(key)

    def begin(self, key: str, room: str, started: float) -> None:
        self.records[key] = Sending(room, started)

    def done(self, key: str, room: str, ts: str) -> None:
        started = self.records[key].started if key in self.records else 0.0
        self.records[key] = Sending(room, started, ts)

    def abandon(self, key: str) -> None:
        if key in self.records and not self.records[key].ts:
            del self.records[key]


class ChatPort(Protocol):
    """The procedure's verbs on a chat platform. Each raises ChatError, RateLimited or Unavailable.

    The `_once` verbs are idempotent under the work queue's retries: `key` (the job's key) identifies the message,
    and with `retry` (an earlier attempt may have reached the platform) the adapter first looks for it."""

    def create_room(self, name: str) -> Room:
        """Open a new public room named `name`. NameTaken or InvalidName (codes as the platform gave them)."""
        ...

    def find_room(self, name: str) -> Room | None:
        """The open (unarchived) public room named `name`, with its purpose, if there is one."""
        ...

    def room_info(self, room: str) -> Room:
        """The room `room` as the platform has it now: its name, purpose and topic."""
        ...

    def set_purpose(self, room: str, purpose: str) -> None:
        """Set what the room is for (the platform shows a line in the room about it)."""
        ...

    def set_topic(self, room: str, topic: str) -> None:
        """Set the room's topic, the line under its name (the platform shows a line in the room about it)."""
        ...

    def invite(self, room: str, users: list[str]) -> list[dict[str, Any]]:
        """Invite everyone who can be invited, even if some are in already; the per-person refusals
        ({"user", "error"}) come back rather than failing the whole invitation."""
        ...

    def join_room(self, room: str) -> None:
        """The bot joins a public room (to post in it)."""
        ...

    def archive_room(self, room: str) -> None:
        """Archive the room; a room archived already is not an error."""
        ...

    def post_once(self, key: str, room: str, message: dict[str, Any], *, thread: str | None = None,
                  retry: bool = False) -> Posted:
        """Post `message` in `room` (in the thread of message `thread`), at most once per `key`. NotInRoom if the
        bot must join first."""
        ...

    def direct_message_once(self, key: str, user: str, message: dict[str, Any], *, retry: bool = False) -> Posted:
        """Post `message` to `user` privately, at most once per `key`."""
        ...

    def update(self, room: str, ts: str, message: dict[str, Any]) -> None:
        """Replace the message `ts` in `room` (a card, a DM's buttons) with `message`."""
        ...

    def pin(self, room: str, ts: str) -> None:
        """Pin the message `ts` in `room`; a message pinned already is not an error."""
        ...

    def upload_once(self, key: str, room: str, name: str, title: str, content: bytes, *, thread: str | None = None,
                    comment: str | None = None, retry: bool = False) -> Uploaded:
        """Share the document `content` as file `name` in `room` (in a thread), with `comment`, at most once: a
        retry first looks for a file of that name there (the file's name is unique per job)."""
        ...

    def person(self, user: str, *, timeout: float | None = None) -> Person:
        """The person `user`, with their locale. `timeout` bounds the look-up on a path that must answer fast."""
        ...

    def person_by_email(self, email: str) -> Person:
        """The person with that e-mail address (ChatError `users_not_found` if nobody has it)."""
        ...

