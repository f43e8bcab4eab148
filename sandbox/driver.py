"""A Python driver for tests: act as a person in the sandbox workspace.

    sandbox = Sandbox.start()                       # or Sandbox(server) around a running SandboxServer
    sandbox.configure_bot(bot_events_url, signing_secret)
    person = sandbox.as_user("U0000INS1")
    seen = person.slash("/crisis", "report")        # the ack text/blocks or the ephemeral shown
    modal = person.wait_modal(callback_id="report")
    result = modal.fill({"title": "Fire at pier 3", ("level", "level"): "high"}).submit()
    assert result.errors is None
    card = sandbox.channel("general").wait_for_message(lambda m: "Fire" in m.all_text())
    person.click(card, "acknowledge")

All waiting is on the workspace's condition variable, never a fixed sleep.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from slack_sdk import WebClient

from sandbox.interactions import Dialog, Outcome, find_element
from sandbox.payloads import element_value
from sandbox.server import SandboxServer
from sandbox.transport import BotReply, Delivery
from sandbox.workspace import Channel, SlackError, User, ViewRecord, Workspace

# Generous: a wait returns as soon as its condition holds, and a loaded CI machine can take seconds for one ack.
DEFAULT_TIMEOUT = 15.0


def _texts(value: Any) -> Iterator[str]:
    """Every ``text`` string inside blocks, for assertions that do not care about layout."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "text" and isinstance(item, str):
                yield item
            else:
                yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


class Message:
    """A message as a person sees it; ``raw`` is Slack's message object."""

    def __init__(self, sandbox: Sandbox, channel: str, raw: dict[str, Any], ephemeral: bool = False) -> None:
        self.sandbox = sandbox
        self.channel = channel
        self.raw = raw
        self.is_ephemeral = ephemeral

    @property
    def ts(self) -> str:
        return str(self.raw["ts"])

    @property
    def text(self) -> str:
        return str(self.raw.get("text") or "")

    @property
    def blocks(self) -> list[dict[str, Any]]:
        return list(self.raw.get("blocks") or [])

    @property
    def user(self) -> str | None:
        return self.raw.get("user")

    @property
    def thread_ts(self) -> str | None:
        return self.raw.get("thread_ts")

    @property
    def files(self) -> list[dict[str, Any]]:
        return list(self.raw.get("files") or [])

    @property
    def from_bot(self) -> bool:
        return self.raw.get("bot_id") == self.sandbox.workspace.bot_id

    def all_text(self) -> str:
        """The text and every text inside the blocks, newline-joined."""
        return "\n".join([self.text, *_texts(self.blocks)])

    def replies(self) -> list[Message]:
        """Thread replies (without the parent), oldest first."""
        ws = self.sandbox.workspace
        with ws.reading():
            found = ws.replies(ws.channels[self.channel], self.thread_ts or self.ts)[1:]
            return [Message(self.sandbox, self.channel, copy.deepcopy(m)) for m in found]

    def refresh(self) -> Message:
        """The current version of this message (after chat.update)."""
        ws = self.sandbox.workspace
        with ws.reading():
            if self.is_ephemeral:
                for eph in ws.ephemerals:
                    if eph.message["ts"] == self.ts:
                        return Message(self.sandbox, self.channel, copy.deepcopy(eph.message), True)
                raise KeyError(f"ephemeral {self.ts} is gone")
            return Message(self.sandbox, self.channel, copy.deepcopy(ws.find_message(self.channel, self.ts)))

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    def __repr__(self) -> str:
        return f"Message({self.channel} {self.ts} {self.text[:40]!r})"


class ViewHandle:
    """A modal or App Home view shown to a person; reads always reflect the workspace's latest state."""

    def __init__(self, person: Person, view_id: str) -> None:
        self.person = person
        self.id = view_id

    @property
    def _record(self) -> ViewRecord:
        return self.person.sandbox.workspace.views[self.id]

    @property
    def data(self) -> dict[str, Any]:
        """A copy of Slack's view object (with ``state``)."""
        with self.person.sandbox.workspace.reading():
            return copy.deepcopy(self._record.view)

    @property
    def callback_id(self) -> str:
        return str(self._record.view.get("callback_id") or "")

    @property
    def private_metadata(self) -> str:
        return str(self._record.view.get("private_metadata") or "")

    @property
    def title(self) -> str:
        title = self._record.view.get("title") or {}
        return str(title.get("text", ""))

    @property
    def blocks(self) -> list[dict[str, Any]]:
        return self.data["blocks"]

    @property
    def hash(self) -> str:
        return str(self._record.view["hash"])

    @property
    def state(self) -> dict[str, Any]:
        return self.data["state"]["values"]

    @property
    def errors(self) -> dict[str, str] | None:
        """The inline errors from the last ``response_action: errors`` (None when there were none)."""
        return self._record.errors

    @property
    def is_open(self) -> bool:
        return not self._record.closed

    def all_text(self) -> str:
        return "\n".join(_texts(self.blocks))

    def fill(self, values: Mapping[str | tuple[str, str], Any]) -> ViewHandle:
        """Type into the view's inputs: keys are action_ids or (block_id, action_id); values as a person picks
        them (text, an option's value, user ids, dates...).  Unknown ids or options raise at once."""
        ws = self.person.sandbox.workspace
        with ws.changing():
            record = self._record
            for key, value in values.items():
                block_id, action_id = key if isinstance(key, tuple) else (None, key)
                block, element = find_element(record.view["blocks"], action_id, block_id)
                entry = element_value(element, value)
                record.view["state"]["values"].setdefault(block["block_id"], {})[element["action_id"]] = entry
        return self

    def submit(self, **delivery: Any) -> Outcome:
        """Press the submit button; the outcome carries ``errors`` / ``response_action`` / the new view."""
        if not self.is_open:
            raise RuntimeError(f"view {self.id} is not open")
        return self.person.sandbox.interactions.submit(self.person.user, self._record, **delivery)

    def close(self, clear: bool = False) -> Outcome | None:
        """Press Close (or the X with ``clear``); returns the view_closed outcome when the bot asked for one."""
        return self.person.sandbox.interactions.close_view(self.person.user, self._record, clear)

    def click(self, action_id: str, value: Any = None, block_id: str | None = None, *, confirm: bool | None = None,
              **delivery: Any) -> Outcome:
        return self.person.click(self, action_id, value, block_id=block_id, confirm=confirm, **delivery)

    def refresh(self) -> ViewHandle:
        return self

    def __repr__(self) -> str:
        return f"ViewHandle({self.id} {self.callback_id!r} open={self.is_open})"


class Conversation:
    """A channel or DM as a member sees it."""

    def __init__(self, sandbox: Sandbox, channel_id: str, viewer: str | None = None) -> None:
        self.sandbox = sandbox
        self.id = channel_id
        self.viewer = viewer

    @property
    def channel(self) -> Channel:
        return self.sandbox.workspace.channels[self.id]

    @property
    def name(self) -> str:
        return self.channel.name

    @property
    def topic(self) -> str:
        return str(self.channel.topic["value"])

    @property
    def purpose(self) -> str:
        return str(self.channel.purpose["value"])

    @property
    def members(self) -> list[str]:
        with self.sandbox.workspace.reading():
            return list(self.channel.members)

    @property
    def pins(self) -> list[Message]:
        with self.sandbox.workspace.reading():
            return [Message(self.sandbox, self.id, copy.deepcopy(p["message"])) for p in self.channel.pins]

    @property
    def bookmarks(self) -> list[dict[str, Any]]:
        with self.sandbox.workspace.reading():
            return copy.deepcopy(self.channel.bookmarks)

    def messages(self, include_replies: bool = False) -> list[Message]:
        """Messages oldest first: the history, plus thread replies when asked."""
        ws = self.sandbox.workspace
        with ws.reading():
            raw = list(self.channel.messages.values()) if include_replies else ws.history(self.channel)
            return [Message(self.sandbox, self.id, copy.deepcopy(m)) for m in raw]

    def wait_for_message(
        self,
        predicate: Callable[[Message], bool] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        include_replies: bool = True,
    ) -> Message:
        """The first message (replies included by default) satisfying ``predicate``, waiting if needed."""

        def found() -> Message | None:
            for message in self.messages(include_replies):
                if predicate is None or predicate(message):
                    return message
            return None

        return self.sandbox.workspace.wait_for(found, timeout)

    def say(self, text: str, thread_ts: str | None = None) -> Message:
        """Post as the viewer (who must be a member)."""
        if self.viewer is None:
            raise RuntimeError("say() needs a person: use person.channel(...).say(...)")
        return self.sandbox.as_user(self.viewer).say(self.id, text, thread_ts)

    def __repr__(self) -> str:
        return f"Conversation({self.id} #{self.name})"


class Person:
    """One member of the workspace, acting through Slack's surfaces."""

    def __init__(self, sandbox: Sandbox, user: User) -> None:
        self.sandbox = sandbox
        self.user = user

    @property
    def id(self) -> str:
        return self.user.id

    # ---- commands and messages ----------------------------------------------------------------------------

    def slash(self, command: str, text: str = "", channel: str | None = None, **delivery: Any) -> Outcome:
        """Type ``command text`` in ``channel`` (name or id; default #general) and return what Slack showed."""
        conversation = self.sandbox._conversation(channel or "general")
        return self.sandbox.interactions.slash(self.user, conversation, command, text, **delivery)

    def say(self, channel: str, text: str, thread_ts: str | None = None) -> Message:
        """Post a message (the bot hears message.im in its DM, app_mention when mentioned)."""
        conversation = self.sandbox._conversation(channel)
        if self.id not in conversation.members:
            raise SlackError("not_in_channel")
        raw = self.sandbox.interactions.say(self.user, conversation, text, thread_ts)
        return Message(self.sandbox, conversation.id, copy.deepcopy(raw))

    def dm(self) -> Conversation:
        """The direct-message conversation with the bot."""
        return Conversation(self.sandbox, self.sandbox.workspace.im_with(self.id).id, self.id)

    def channel(self, name_or_id: str) -> Conversation:
        return Conversation(self.sandbox, self.sandbox._conversation(name_or_id).id, self.id)

    def ephemerals(self, channel: str | None = None) -> list[Message]:
        """Ephemeral messages shown to this person, oldest first (optionally in one channel)."""
        ws = self.sandbox.workspace
        channel_id = self.sandbox._conversation(channel).id if channel else None
        with ws.reading():
            return [
                Message(self.sandbox, e.channel, copy.deepcopy(e.message), ephemeral=True)
                for e in ws.ephemerals
                if e.user == self.id and (channel_id is None or e.channel == channel_id)
            ]

    def wait_ephemeral(
        self, predicate: Callable[[Message], bool] | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> Message:
        def found() -> Message | None:
            return next((m for m in self.ephemerals() if predicate is None or predicate(m)), None)

        return self.sandbox.workspace.wait_for(found, timeout)

    # ---- views ------------------------------------------------------------------------------------------------

    def modal(self) -> ViewHandle | None:
        """The modal on top of this person's stack, if one is open."""
        record = self.sandbox.workspace.top_modal(self.id)
        return ViewHandle(self, record.id) if record else None

    def wait_modal(
        self,
        callback_id: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        where: Callable[[ViewHandle], bool] | None = None,
    ) -> ViewHandle:
        """Wait for an open modal (with ``callback_id``, satisfying ``where``) on top of the stack."""

        def found() -> ViewHandle | None:
            view = self.modal()
            if view is None or (callback_id is not None and view.callback_id != callback_id):
                return None
            return view if where is None or where(view) else None

        return self.sandbox.workspace.wait_for(found, timeout)

    def home(self) -> ViewHandle | None:
        """The App Home view published for this person."""
        view_id = self.sandbox.workspace.home_views.get(self.id)
        return ViewHandle(self, view_id) if view_id else None

    def open_home(self, wait: bool = True, timeout: float = DEFAULT_TIMEOUT) -> ViewHandle | None:
        """Open the App Home tab (app_home_opened) and, when ``wait``, wait until a home view is published
        after it."""
        before = self.home()
        old_hash = before.hash if before else None
        self.sandbox.interactions.open_home(self.user)
        if not wait:
            return self.home()

        def published() -> ViewHandle | None:
            home = self.home()
            return home if home is not None and home.hash != old_hash else None

        return self.sandbox.workspace.wait_for(published, timeout)

    # ---- interactivity ----------------------------------------------------------------------------------------

    def click(
        self,
        target: Message | ViewHandle,
        action_id: str,
        value: Any = None,
        block_id: str | None = None,
        *,
        confirm: bool | None = None,
        **delivery: Any,
    ) -> Outcome:
        """Click a button (or pick ``value`` in a select, date picker...) in a message or a view.

        An element with a ``confirm`` object shows Slack's confirmation dialog first, and the action reaches the bot
        only if the person confirms. By default they do (a test that clicks Resolve means it), and the dialog is on
        the outcome (``outcome.dialog``) to be checked. ``confirm=False`` presses the dialog's deny button: nothing
        is sent, and the outcome's ``failure`` is ``"declined"``. ``confirm`` True or False on an element without a
        dialog is an error, since the test expects one that is not there."""
        ws = self.sandbox.workspace
        if isinstance(target, ViewHandle):
            record = target._record
            block, element = find_element(record.view["blocks"], action_id, block_id)
            dialog = self._dialog(element, confirm)
            if dialog is not None and confirm is False:
                return self._declined(dialog)
            outcome = self.sandbox.interactions.block_action(
                self.user, block=block, element=element, value=value, view=record, **delivery
            )
            outcome.dialog = dialog
            return outcome
        message = target.refresh()
        block, element = find_element(message.blocks, action_id, block_id)
        dialog = self._dialog(element, confirm)
        if dialog is not None and confirm is False:
            return self._declined(dialog)
        outcome = self.sandbox.interactions.block_action(
            self.user,
            block=block,
            element=element,
            value=value,
            channel=ws.channels[message.channel],
            message=message.raw,
            is_ephemeral=message.is_ephemeral,
            **delivery,
        )
        outcome.dialog = dialog
        return outcome

    @staticmethod
    def _dialog(element: dict[str, Any], confirm: bool | None) -> Dialog | None:
        found = element.get("confirm")
        if confirm is not None and not isinstance(found, dict):
            raise AssertionError(f"{element.get('action_id')!r} asks for no confirmation (confirm={confirm})")
        return Dialog.of(found) if isinstance(found, dict) else None

    def _declined(self, dialog: Dialog) -> Outcome:
        """The person pressed the dialog's deny button: Slack's client sends nothing."""
        return Outcome(BotReply(0, error="declined"), Delivery("interactive", {}), failure="declined", dialog=dialog)

    def __repr__(self) -> str:
        return f"Person({self.id} {self.user.name})"


class Sandbox:
    """What tests hold: a running sandbox server plus people to act as."""

    def __init__(self, server: SandboxServer) -> None:
        self.server = server

    @classmethod
    def start(cls, **server_options: Any) -> Sandbox:
        """Start a SandboxServer (options as SandboxServer's) and wrap it."""
        return cls(SandboxServer(**server_options).start())

    def stop(self) -> None:
        self.server.stop()

    def relax_deadlines(self, seconds: float = 30.0) -> Sandbox:
        """Give the bot ``seconds`` (not Slack's 3) to ack and to use a trigger_id.

        For tests that are not about those limits, so that a slow, loaded machine does not fail them. The limits
        themselves are tested in tests/sandbox, and how fast the bot acks is measured by bench/, as ratios.
        """
        self.interactions.ack_deadline = seconds
        self.workspace.trigger_lifetime = seconds
        return self

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def workspace(self) -> Workspace:
        return self.server.workspace

    @property
    def interactions(self) -> Any:
        return self.server.interactions

    @property
    def faults(self) -> Any:
        return self.server.faults

    @property
    def api_url(self) -> str:
        return self.server.api_url

    @property
    def bot_token(self) -> str:
        return self.server.bot_token

    def configure_bot(self, url: str, signing_secret: str, timeout: float = 10.0) -> None:
        self.server.configure_bot(url, signing_secret, timeout)

    def subscribe_manifest(self, manifest: Path) -> None:
        """Send only the events an app manifest subscribes to, as Slack does."""
        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
        self.interactions.subscribe(data["settings"]["event_subscriptions"]["bot_events"])

    def client(self, **options: Any) -> WebClient:
        """A WebClient holding the bot token, pointed at the sandbox."""
        return WebClient(token=self.bot_token, base_url=self.api_url, **options)

    def as_user(self, user: str) -> Person:
        """A person by user id, user name or e-mail."""
        ws = self.workspace
        if user in ws.users:
            return Person(self, ws.users[user])
        for candidate in ws.users.values():
            if user in (candidate.name, candidate.email):
                return Person(self, candidate)
        raise KeyError(f"no user {user!r} in the sandbox workspace")

    def channel(self, name_or_id: str) -> Conversation:
        return Conversation(self, self._conversation(name_or_id).id)

    def _conversation(self, name_or_id: str) -> Channel:
        ws = self.workspace
        with ws.reading():
            if name_or_id in ws.channels:
                return ws.channels[name_or_id]
            return ws.channel_by_name(name_or_id)

    def resend(self, sent: Outcome | Delivery, **overrides: Any) -> BotReply:
        """Deliver the same payload again (a retried event or a double-clicked submit); ``overrides`` set
        Delivery fields such as ``retry_num=1, retry_reason="http_timeout"``."""
        delivery = sent.delivery if isinstance(sent, Outcome) else sent
        return self.interactions.send(dataclasses.replace(delivery, **overrides))

    def wait_for(self, predicate: Callable[[], Any], timeout: float = DEFAULT_TIMEOUT) -> Any:
        return self.workspace.wait_for(predicate, timeout)

    def calls(self, method: str | None = None) -> list[Any]:
        """The Web API call log (optionally for one method)."""
        with self.workspace.reading():
            return [c for c in self.workspace.calls if method is None or c.method == method]

    def wait_for_call(self, method: str, count: int = 1, timeout: float = DEFAULT_TIMEOUT) -> list[Any]:
        """Wait until the bot has called ``method`` at least ``count`` times."""
        return self.workspace.wait_for(lambda: (calls := self.calls(method)) and len(calls) >= count and calls, timeout)
