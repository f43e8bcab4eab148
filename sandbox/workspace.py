"""Thread-safe in-memory state of the sandbox Slack workspace.

The Web API, the driver and the server share one ``Workspace``.  Every change happens inside
``with workspace.changing():`` which holds the lock and, on exit, wakes everyone blocked in ``wait_for`` — so
tests wait on a condition variable instead of sleeping.  Messages and views are kept as dicts in Slack's own
wire shape, so what the Web API returns is what the state holds.
"""

from __future__ import annotations

import copy
import itertools
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

T = TypeVar("T")

PEOPLE_FILE = Path(__file__).parent / "data" / "people.yaml"
TRIGGER_LIFETIME_SECONDS = 3.0
MODAL_STACK_MAX = 3


class SlackError(Exception):
    """A Slack API error: ``{"ok": false, "error": code, **extra}``."""

    def __init__(self, code: str, status: int = 200, **extra: Any) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.extra = extra


@dataclass
class User:
    id: str
    name: str
    real_name: str = ""
    display_name: str = ""
    title: str = ""
    locale: str = "en-US"
    email: str = ""
    tz: str = "Asia/Taipei"
    is_bot: bool = False
    bot_id: str | None = None
    deleted: bool = False

    def to_slack(self, team_id: str, include_locale: bool = False) -> dict[str, Any]:
        """Slack's user object (users.info / users.list)."""
        profile: dict[str, Any] = {
            "title": self.title,
            "phone": "",
            "real_name": self.real_name,
            "real_name_normalized": self.real_name,
            "display_name": self.display_name,
            "display_name_normalized": self.display_name,
            "status_text": "",
            "status_emoji": "",
            "team": team_id,
            "image_48": "https://a.slack-edge.com/default-avatar-48.png",
        }
        if self.email:
            profile["email"] = self.email
        if self.bot_id:
            profile["bot_id"] = self.bot_id
        user: dict[str, Any] = {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": self.deleted,
            "color": "9f69e7",
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": "Taipei Standard Time" if self.tz == "Asia/Taipei" else self.tz,
            "tz_offset": 28800 if self.tz == "Asia/Taipei" else 0,
            "profile": profile,
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1_700_000_000,
        }
        if include_locale:
            user["locale"] = self.locale
        return user


@dataclass
class Channel:
    id: str
    name: str
    created: int
    creator: str
    is_private: bool = False
    is_im: bool = False
    im_user: str | None = None
    is_general: bool = False
    archived: bool = False
    topic: dict[str, Any] = field(default_factory=lambda: {"value": "", "creator": "", "last_set": 0})
    purpose: dict[str, Any] = field(default_factory=lambda: {"value": "", "creator": "", "last_set": 0})
    members: list[str] = field(default_factory=list)
    # ts -> message dict, in posting order (ts increases), thread replies included.
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    pins: list[dict[str, Any]] = field(default_factory=list)
    bookmarks: list[dict[str, Any]] = field(default_factory=list)

    def to_slack(self, viewer: str | None = None, num_members: bool = False) -> dict[str, Any]:
        """Slack's conversation object as seen by ``viewer`` (``is_member``)."""
        if self.is_im:
            return {
                "id": self.id,
                "created": self.created,
                "is_archived": False,
                "is_im": True,
                "is_org_shared": False,
                "context_team_id": None,
                "updated": self.created * 1000,
                "user": self.im_user,
                "is_user_deleted": False,
                "priority": 0,
            }
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            # Channels made with conversations.create are C-ids: is_channel even when private (G-ids are legacy).
            "is_channel": True,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "created": self.created,
            "is_archived": self.archived,
            "is_general": self.is_general,
            "unlinked": 0,
            "name_normalized": self.name,
            "is_shared": False,
            "is_org_shared": False,
            "is_pending_ext_shared": False,
            "pending_shared": [],
            "context_team_id": None,
            "updated": self.created * 1000,
            "parent_conversation": None,
            "creator": self.creator,
            "is_ext_shared": False,
            "shared_team_ids": [],
            "pending_connected_team_ids": [],
            "is_member": viewer in self.members if viewer else False,
            "topic": dict(self.topic),
            "purpose": dict(self.purpose),
            "previous_names": [],
        }
        if num_members:
            data["num_members"] = len(self.members)
        return data


@dataclass
class ViewRecord:
    """A modal or home view plus what only the sandbox knows: its owner, inline errors, whether it is open."""

    view: dict[str, Any]
    user: str
    errors: dict[str, str] | None = None
    closed: bool = False

    @property
    def id(self) -> str:
        return str(self.view["id"])


@dataclass
class Trigger:
    id: str
    user: str
    issued: float
    used: bool = False


@dataclass
class StoredFile:
    id: str
    name: str
    length: int
    user: str
    created: int
    title: str = ""
    alt_txt: str | None = None
    snippet_type: str | None = None
    content: bytes = b""
    uploaded: bool = False
    completed: bool = False
    shares: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass
class Ephemeral:
    """An ephemeral message: only ``user`` sees it; it is not in the channel history."""

    user: str
    channel: str
    message: dict[str, Any]
    source: str  # "api", "slash", "response_url"


@dataclass
class ApiCall:
    method: str
    args: dict[str, Any]
    time: float
    status: int
    ok: bool
    error: str | None
    duration: float


@dataclass
class ResponseHook:
    """What a ``response_url`` refers to: who triggered it, where, and which message it may replace."""

    token: str
    user: str
    channel: str | None
    message_ts: str | None
    ephemeral_ts: str | None
    issued: float
    uses: int = 0


class Workspace:
    """All state of the sandbox workspace, guarded by one re-entrant lock with a condition variable."""

    def __init__(
        self,
        people: Path | dict[str, Any] | None = None,
        clock: Callable[[], float] = time.time,
        bot_token: str = "xoxb-sandbox",
    ) -> None:
        self.clock = clock
        self.bot_token = bot_token
        self.trigger_lifetime = TRIGGER_LIFETIME_SECONDS  # Slack's; Sandbox.relax_deadlines() lengthens it
        self._cond = threading.Condition(threading.RLock())
        self.version = 0
        self._counter = itertools.count(1)
        self._last_ts = 0
        data = people if isinstance(people, dict) else yaml.safe_load((people or PEOPLE_FILE).read_text("utf-8"))
        self.team: dict[str, Any] = dict(data["team"])
        bot = data["bot"]
        self.bot_user_id: str = bot["user_id"]
        self.bot_id: str = bot["bot_id"]
        self.app_id: str = bot["app_id"]
        self.bot_name: str = bot["name"]
        self.users: dict[str, User] = {}
        for raw in data["users"]:
            user = User(**{k: v for k, v in raw.items() if k in User.__dataclass_fields__})
            self.users[user.id] = user
        self.users[self.bot_user_id] = User(
            id=self.bot_user_id,
            name=self.bot_name,
            real_name=self.bot_name,
            display_name=self.bot_name,
            is_bot=True,
            bot_id=self.bot_id,
        )
        self.channels: dict[str, Channel] = {}
        self.ephemerals: list[Ephemeral] = []
        self.views: dict[str, ViewRecord] = {}
        self.modal_stacks: dict[str, list[str]] = {}
        self.home_views: dict[str, str] = {}
        self.triggers: dict[str, Trigger] = {}
        self.files: dict[str, StoredFile] = {}
        self.hooks: dict[str, ResponseHook] = {}
        self.calls: list[ApiCall] = []
        # Everything the sandbox sent to the bot, with the bot's answer (see transport/slackside).
        self.deliveries: list[dict[str, Any]] = []
        now = int(self.clock())
        general = Channel(id="C0GENERAL", name="general", created=now, creator=next(iter(self.users)), is_general=True)
        general.members = [u for u in self.users if u != self.bot_user_id]
        self.channels[general.id] = general

    # ---- locking and waiting -------------------------------------------------------------------------------

    @contextmanager
    def changing(self) -> Iterator[Workspace]:
        """Hold the lock for a change; wake every waiter when it is done."""
        with self._cond:
            try:
                yield self
            finally:
                self.version += 1
                self._cond.notify_all()

    @contextmanager
    def reading(self) -> Iterator[Workspace]:
        """Hold the lock for a consistent read."""
        with self._cond:
            yield self

    def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        """Block until ``predicate()`` is truthy (evaluated under the lock) and return its value.

        Raises TimeoutError naming the predicate when it stays falsy for ``timeout`` seconds.
        """
        with self._cond:
            result = self._cond.wait_for(predicate, timeout)
        if not result:
            raise TimeoutError(f"sandbox: condition not met within {timeout}s ({predicate!r})")
        return result

    def wait_change(self, version: int, timeout: float) -> int:
        """Block until ``version`` is no longer current (or ``timeout`` passes); returns the version now."""
        with self._cond:
            self._cond.wait_for(lambda: self.version != version, timeout)
            return self.version

    def notify(self) -> None:
        """Wake the waiters after a change made outside ``changing()`` (e.g. a delivery log entry)."""
        with self.changing():
            pass

    def reset(self) -> None:
        """Clear what people and the bot made: every channel but #general (emptied), DMs, ephemerals, views,
        triggers, response URLs, files and the logs.  The people stay; the bot's own database is not touched."""
        with self.changing():
            general = next(c for c in self.channels.values() if c.is_general)
            general.messages.clear()
            general.pins.clear()
            general.bookmarks.clear()
            general.topic = {"value": "", "creator": "", "last_set": 0}
            general.purpose = {"value": "", "creator": "", "last_set": 0}
            general.members = [u for u in self.users if u != self.bot_user_id]
            self.channels = {general.id: general}
            self.ephemerals.clear()
            self.views.clear()
            self.modal_stacks.clear()
            self.home_views.clear()
            self.triggers.clear()
            self.files.clear()
            self.hooks.clear()
            self.calls.clear()
            self.deliveries.clear()

    # ---- ids and time ----------------------------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        """Slack-looking ids: a type letter and ten upper-case characters, unique in this workspace."""
        return f"{prefix}{next(self._counter):06X}{secrets.token_hex(2).upper()}"

    def new_ts(self) -> str:
        """A message timestamp from the clock, strictly increasing so every ts is unique."""
        with self._cond:
            # Whole microseconds: float arithmetic near 1.7e9 can round two stamps to the same string.
            micros = max(int(self.clock() * 1_000_000), self._last_ts + 1)
            self._last_ts = micros
            return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def now(self) -> float:
        return self.clock()

    # ---- lookups (raise SlackError like the API would) -------------------------------------------------------

    def user(self, user_id: str | None) -> User:
        if not user_id or user_id not in self.users:
            raise SlackError("user_not_found")
        return self.users[user_id]

    def channel(self, channel_id: str | None) -> Channel:
        if not channel_id or channel_id not in self.channels:
            raise SlackError("channel_not_found")
        return self.channels[channel_id]

    def channel_by_name(self, name: str) -> Channel:
        name = name.lstrip("#")
        for channel in self.channels.values():
            if channel.name == name and not channel.is_im:
                return channel
        if name in self.channels:
            return self.channels[name]
        raise SlackError("channel_not_found")

    def user_by_email(self, email: str) -> User:
        for user in self.users.values():
            if user.email and user.email.lower() == email.lower():
                return user
        raise SlackError("users_not_found")

    def im_with(self, user_id: str, other: str | None = None) -> Channel:
        """The DM between ``other`` (the bot by default) and ``user_id``, created on first use."""
        other = other or self.bot_user_id
        with self.changing():
            for channel in self.channels.values():
                if channel.is_im and set(channel.members) == {user_id, other}:
                    return channel
            channel = Channel(
                id=self.new_id("D"),
                name=user_id,
                created=int(self.clock()),
                creator=other,
                is_im=True,
                im_user=user_id if other == self.bot_user_id else other,
                is_private=True,
                members=[other, user_id],
            )
            self.channels[channel.id] = channel
            return channel

    def find_message(self, channel_id: str, ts: str | None) -> dict[str, Any]:
        channel = self.channel(channel_id)
        if not ts or ts not in channel.messages:
            raise SlackError("message_not_found")
        return channel.messages[ts]

    # ---- messages --------------------------------------------------------------------------------------------

    def add_message(
        self,
        channel: Channel,
        *,
        user: str,
        text: str = "",
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
        reply_broadcast: bool = False,
        attachments: list[dict[str, Any]] | None = None,
        files: list[dict[str, Any]] | None = None,
        subtype: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Store a message (as the bot when ``user`` is the bot user) and update the thread parent."""
        with self.changing():
            ts = self.new_ts()
            message: dict[str, Any] = {"type": "message", "user": user, "text": text, "ts": ts}
            if user == self.bot_user_id:
                message["bot_id"] = self.bot_id
                message["app_id"] = self.app_id
                message["bot_profile"] = {
                    "id": self.bot_id,
                    "app_id": self.app_id,
                    "name": self.bot_name,
                    "team_id": self.team["id"],
                    "deleted": False,
                }
            message["team"] = self.team["id"]
            if subtype:
                message["subtype"] = subtype
            if blocks:
                message["blocks"] = with_block_ids(blocks)
            if attachments:
                message["attachments"] = copy.deepcopy(attachments)
            if files:
                message["files"] = files
                message["upload"] = True
            if metadata:
                message["metadata"] = metadata
            if thread_ts:
                parent = channel.messages.get(thread_ts)
                if parent is None:
                    raise SlackError("thread_not_found")
                message["thread_ts"] = thread_ts
                message["parent_user_id"] = parent.get("user")
                parent.setdefault("thread_ts", thread_ts)
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                parent["reply_users_count"] = 0
                reply_users = parent.setdefault("reply_users", [])
                if user not in reply_users:
                    reply_users.append(user)
                parent["reply_users_count"] = len(reply_users)
                parent["latest_reply"] = ts
                if reply_broadcast:
                    message["subtype"] = "thread_broadcast"
            channel.messages[ts] = message
            return message

    def history(self, channel: Channel) -> list[dict[str, Any]]:
        """Top-level messages and thread broadcasts, oldest first (as Slack keeps them in history)."""
        with self.reading():
            return [
                m
                for m in channel.messages.values()
                if m.get("thread_ts") in (None, m["ts"]) or m.get("subtype") == "thread_broadcast"
            ]

    def replies(self, channel: Channel, thread_ts: str) -> list[dict[str, Any]]:
        with self.reading():
            parent = channel.messages.get(thread_ts)
            if parent is None:
                raise SlackError("thread_not_found")
            return [parent] + [
                m for m in channel.messages.values() if m.get("thread_ts") == thread_ts and m["ts"] != thread_ts
            ]

    def add_ephemeral(
        self,
        channel_id: str,
        user: str,
        *,
        text: str = "",
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
        source: str = "api",
        sender: str | None = None,
    ) -> Ephemeral:
        with self.changing():
            sender = sender or self.bot_user_id
            message: dict[str, Any] = {
                "type": "message",
                "user": sender,
                "text": text,
                "ts": self.new_ts(),
                "channel": channel_id,
                "is_ephemeral": True,
            }
            if sender == self.bot_user_id:
                message["bot_id"] = self.bot_id
            if blocks:
                message["blocks"] = with_block_ids(blocks)
            if thread_ts:
                message["thread_ts"] = thread_ts
            eph = Ephemeral(user=user, channel=channel_id, message=message, source=source)
            self.ephemerals.append(eph)
            return eph

    # ---- triggers and response urls ------------------------------------------------------------------------

    def new_trigger(self, user: str) -> Trigger:
        with self.changing():
            now = self.clock()
            trigger = Trigger(id=f"{int(now)}.{next(self._counter)}.{secrets.token_hex(16)}", user=user, issued=now)
            self.triggers[trigger.id] = trigger
            return trigger

    def exchange_trigger(self, trigger_id: str | None) -> Trigger:
        """Use a trigger once; Slack's codes for a missing, reused or older-than-3-seconds trigger."""
        with self.changing():
            trigger = self.triggers.get(trigger_id or "")
            if trigger is None:
                raise SlackError("invalid_trigger_id")
            if trigger.used:
                raise SlackError("exchanged_trigger_id")
            if self.clock() - trigger.issued > self.trigger_lifetime:
                raise SlackError("expired_trigger_id")
            trigger.used = True
            return trigger

    def new_hook(
        self,
        user: str,
        channel: str | None,
        message_ts: str | None = None,
        ephemeral_ts: str | None = None,
    ) -> ResponseHook:
        with self.changing():
            hook = ResponseHook(
                token=secrets.token_urlsafe(12),
                user=user,
                channel=channel,
                message_ts=message_ts,
                ephemeral_ts=ephemeral_ts,
                issued=self.clock(),
            )
            self.hooks[hook.token] = hook
            return hook

    # ---- views --------------------------------------------------------------------------------------------------

    def store_view(
        self,
        view: dict[str, Any],
        user: str,
        *,
        view_id: str | None = None,
        root_view_id: str | None = None,
        previous_view_id: str | None = None,
        keep_state: dict[str, Any] | None = None,
    ) -> ViewRecord:
        """Create or replace a view record with Slack's full view object (fresh hash each time)."""
        with self.changing():
            vid = view_id or self.new_id("V")
            blocks = with_block_ids(view.get("blocks") or [])
            full: dict[str, Any] = {
                "id": vid,
                "team_id": self.team["id"],
                "type": view["type"],
                "blocks": blocks,
                "private_metadata": view.get("private_metadata", ""),
                "callback_id": view.get("callback_id", ""),
                "state": {"values": initial_state(blocks, keep_state)},
                "hash": f"{int(self.clock())}.{secrets.token_hex(4)}",
                "title": _plain(view.get("title")),
                "clear_on_close": bool(view.get("clear_on_close", False)),
                "notify_on_close": bool(view.get("notify_on_close", False)),
                "close": _plain(view.get("close")),
                "submit": _plain(view.get("submit")),
                "previous_view_id": previous_view_id,
                "root_view_id": root_view_id or vid,
                "app_id": self.app_id,
                "external_id": view.get("external_id", ""),
                "app_installed_team_id": self.team["id"],
                "bot_id": self.bot_id,
            }
            if view["type"] == "home":
                full["close"] = None
                full["submit"] = None
            record = self.views.get(vid)
            if record is None:
                record = ViewRecord(view=full, user=user)
                self.views[vid] = record
            else:
                record.view = full
                record.errors = None
            return record

    def view_by_external_id(self, external_id: str) -> ViewRecord:
        for record in self.views.values():
            if external_id and record.view.get("external_id") == external_id and not record.closed:
                return record
        raise SlackError("not_found")

    def top_modal(self, user: str) -> ViewRecord | None:
        with self.reading():
            stack = self.modal_stacks.get(user) or []
            return self.views[stack[-1]] if stack else None

    def close_modal(self, user: str, view_id: str | None = None, clear: bool = False) -> list[ViewRecord]:
        """Pop the top view (or everything when ``clear``); returns the closed records."""
        with self.changing():
            stack = self.modal_stacks.get(user) or []
            closed: list[ViewRecord] = []
            while stack:
                vid = stack.pop()
                self.views[vid].closed = True
                closed.append(self.views[vid])
                if not clear and (view_id is None or vid == view_id):
                    break
            return closed

    # ---- api log ------------------------------------------------------------------------------------------------

    def record_call(self, call: ApiCall) -> None:
        with self.changing():
            self.calls.append(call)

    def calls_to(self, method: str) -> list[ApiCall]:
        with self.reading():
            return [c for c in self.calls if c.method == method]


def _plain(text: Any) -> dict[str, Any] | None:
    if text is None:
        return None
    if isinstance(text, str):
        return {"type": "plain_text", "text": text, "emoji": True}
    return {"emoji": True, **text} if text.get("type") == "plain_text" else dict(text)


def with_block_ids(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copy blocks, giving every block a block_id and every element an action_id, as Slack does."""
    result = copy.deepcopy(blocks)
    for block in result:
        if not isinstance(block, dict):
            continue
        block.setdefault("block_id", secrets.token_urlsafe(3).replace("-", "a").replace("_", "b"))
        for element in iter_elements(block):
            if element.get("type") not in ("image", "mrkdwn", "plain_text"):
                element.setdefault("action_id", secrets.token_urlsafe(3).replace("-", "c").replace("_", "d"))
    return result


def iter_elements(block: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Interactive elements of a block: actions' elements, an input's element, a section's accessory."""
    if block.get("type") == "actions":
        yield from (e for e in block.get("elements") or [] if isinstance(e, dict))
    elif block.get("type") == "input" and isinstance(block.get("element"), dict):
        yield block["element"]
    elif block.get("type") == "section" and isinstance(block.get("accessory"), dict):
        yield block["accessory"]


STATEFUL_TYPES = {
    "plain_text_input",
    "email_text_input",
    "url_text_input",
    "number_input",
    "rich_text_input",
    "static_select",
    "external_select",
    "users_select",
    "conversations_select",
    "channels_select",
    "multi_static_select",
    "multi_external_select",
    "multi_users_select",
    "multi_conversations_select",
    "multi_channels_select",
    "radio_buttons",
    "checkboxes",
    "datepicker",
    "timepicker",
    "datetimepicker",
}


def empty_value(element: dict[str, Any]) -> dict[str, Any]:
    """Slack's state entry for an element the user has not touched (initial values applied)."""
    kind = element.get("type", "")
    value: dict[str, Any] = {"type": kind}
    if kind in ("plain_text_input", "email_text_input", "url_text_input", "number_input"):
        value["value"] = element.get("initial_value")
    elif kind == "rich_text_input":
        value["rich_text_value"] = element.get("initial_value")
    elif kind in ("static_select", "external_select", "radio_buttons"):
        value["selected_option"] = element.get("initial_option")
    elif kind in ("multi_static_select", "multi_external_select", "checkboxes"):
        value["selected_options"] = element.get("initial_options") or []
    elif kind == "users_select":
        value["selected_user"] = element.get("initial_user")
    elif kind == "multi_users_select":
        value["selected_users"] = element.get("initial_users") or []
    elif kind == "conversations_select":
        value["selected_conversation"] = element.get("initial_conversation")
    elif kind == "multi_conversations_select":
        value["selected_conversations"] = element.get("initial_conversations") or []
    elif kind == "channels_select":
        value["selected_channel"] = element.get("initial_channel")
    elif kind == "multi_channels_select":
        value["selected_channels"] = element.get("initial_channels") or []
    elif kind == "datepicker":
        value["selected_date"] = element.get("initial_date")
    elif kind == "timepicker":
        value["selected_time"] = element.get("initial_time")
        if element.get("timezone"):
            value["timezone"] = element["timezone"]
    elif kind == "datetimepicker":
        value["selected_date_time"] = element.get("initial_date_time")
    return value


def initial_state(blocks: list[dict[str, Any]], keep: dict[str, Any] | None = None) -> dict[str, Any]:
    """State values for every stateful element; values already entered survive an update when the
    block_id and action_id stay the same (Slack's rule for views.update)."""
    values: dict[str, Any] = {}
    for block in blocks:
        for element in iter_elements(block):
            if element.get("type") not in STATEFUL_TYPES:
                continue
            block_id, action_id = block["block_id"], element["action_id"]
            kept = (keep or {}).get(block_id, {}).get(action_id)
            if kept is not None and kept.get("type") == element.get("type"):
                values.setdefault(block_id, {})[action_id] = copy.deepcopy(kept)
            else:
                values.setdefault(block_id, {})[action_id] = empty_value(element)
    return values
