"""Slack's side of every interaction: send the person's action to the bot, then apply the bot's answer.

A slash command's synchronous body becomes an ephemeral or in-channel message; a ``view_submission`` body's
``response_action`` (errors / update / push / clear) is applied to the user's modal stack; ``response_url`` posts
are applied to the message they came from.  Events (app_home_opened, member_joined_channel, message.im,
app_mention) are delivered to the bot too, those caused by the bot's own API calls on a background thread so
the API answer is never held up by the bot.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sandbox import payloads, rules
from sandbox.transport import BotReply, Delivery, HttpTransport, Kind, Transport
from sandbox.workspace import Channel, SlackError, User, ViewRecord, Workspace, iter_elements

log = logging.getLogger(__name__)

DEFAULT_EVENTS = frozenset({"app_home_opened", "member_joined_channel", "app_mention", "message.im"})
ACK_DEADLINE = 3.0
RESPONSE_URL_USES = 5
RESPONSE_URL_LIFETIME = 30 * 60


@dataclass(frozen=True)
class Dialog:
    """A confirmation dialog as Slack's client shows it before sending a button's action (its `confirm` object):
    the title, the text, and the labels of its confirm and deny buttons."""

    title: str
    text: str
    confirm: str
    deny: str
    style: str | None = None

    @classmethod
    def of(cls, confirm: dict[str, Any]) -> Dialog:
        def words(key: str, default: str) -> str:
            part = confirm.get(key)
            return str(part.get("text", "")) if isinstance(part, dict) else default

        # Slack's own labels when an app leaves confirm / deny out
        return cls(words("title", ""), words("text", ""), words("confirm", "Yes"), words("deny", "Cancel"),
                   confirm.get("style"))


@dataclass
class Outcome:
    """What the person saw after an interaction."""

    reply: BotReply
    delivery: Delivery
    text: str | None = None
    blocks: list[dict[str, Any]] | None = None
    response_type: str | None = None
    response_action: str | None = None
    errors: dict[str, str] | None = None
    view: dict[str, Any] | None = None
    ephemeral: dict[str, Any] | None = None
    failure: str | None = None  # what Slack would show when the bot's answer was unusable
    extra: dict[str, Any] = field(default_factory=dict)
    dialog: Dialog | None = None  # the confirmation dialog the person answered before the action was sent

    @property
    def ok(self) -> bool:
        return self.failure is None and self.reply.status == 200


class Interactions:
    """Sends people's actions to the bot and applies its answers to the workspace."""

    def __init__(self, workspace: Workspace, base_url: str = "http://127.0.0.1") -> None:
        self.ws = workspace
        self.base_url = base_url
        self.transport: Transport | None = None
        self.events: set[str] = set(DEFAULT_EVENTS)
        # Slack gives up on an ack after 3 s and ignores a late answer; None turns the check off.
        self.ack_deadline: float | None = ACK_DEADLINE
        self._queue: queue.Queue[Delivery | None] = queue.Queue()
        self._worker: threading.Thread | None = None

    # ---- configuration ----------------------------------------------------------------------------------------

    def configure_bot(
        self,
        url: str | None = None,
        signing_secret: str | None = None,
        transport: Transport | None = None,
        timeout: float = 10.0,
    ) -> None:
        """Point the sandbox at the bot: an events URL and signing secret, or any ``Transport``."""
        if self.transport is not None:
            self.transport.close()
        if transport is None:
            if url is None or signing_secret is None:
                raise ValueError("configure_bot needs url and signing_secret, or a transport")
            transport = HttpTransport(url, signing_secret, timeout)
        self.transport = transport

    def subscribe(self, events: Iterable[str]) -> None:
        """Replace the set of event types delivered to the bot (Slack's "event subscriptions")."""
        self.events = set(events)

    def close(self) -> None:
        if self._worker is not None:
            self._queue.put(None)
            self._worker.join(timeout=5)
            self._worker = None
        if self.transport is not None:
            self.transport.close()
            self.transport = None

    # ---- sending ----------------------------------------------------------------------------------------------

    def send(self, delivery: Delivery) -> BotReply:
        """Deliver to the bot and log the exchange in ``workspace.deliveries``."""
        if self.transport is None:
            reply = BotReply(0, error="no_bot_configured")
        else:
            reply = self.transport.send(delivery)
        with self.ws.changing():
            self.ws.deliveries.append(
                {
                    "kind": delivery.kind,
                    "payload": delivery.payload,
                    "retry_num": delivery.retry_num,
                    "status": reply.status,
                    "body": reply.text,
                    "error": reply.error,
                    "duration": reply.duration,
                    "time": self.ws.now(),
                }
            )
        if reply.status != 200:
            log.info("bot answered %s %s to %s", reply.status, reply.error or "", delivery.kind)
        return reply

    def send_later(self, delivery: Delivery) -> None:
        """Deliver on the background thread, in order (Events API deliveries caused by API calls)."""
        if self._worker is None:
            self._worker = threading.Thread(target=self._drain, name="sandbox-events", daemon=True)
            self._worker.start()
        self._queue.put(delivery)

    def _drain(self) -> None:
        while True:
            delivery = self._queue.get()
            if delivery is None:
                return
            try:
                self.send(delivery)
            except Exception:  # keep the worker alive; the failure is logged with its context
                log.exception("sandbox: delivering %s failed", delivery.kind)

    def event(
        self,
        event: dict[str, Any],
        *,
        subscription: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
        background: bool = False,
        **overrides: Any,
    ) -> BotReply | None:
        """Send an Events API ``event_callback`` if the bot subscribes to it (always when ``subscription``
        is None and the type is subscribed, or when called with ``subscription="*"``)."""
        name = subscription or event["type"]
        if name != "*" and name not in self.events:
            return None
        envelope = payloads.event_callback(self.ws, event)
        envelope.update(overrides)
        delivery = Delivery("events_api", envelope, retry_num=retry_num, retry_reason=retry_reason)
        if background:
            self.send_later(delivery)
            return None
        return self.send(delivery)

    def member_joined(self, channel_id: str, user_id: str, inviter: str | None) -> None:
        """Hook for the Web API: invitations and joins produce member_joined_channel."""
        channel = self.ws.channels[channel_id]
        self.event(payloads.member_joined_channel(self.ws, user_id, channel, inviter), background=True)

    # ---- slash commands ---------------------------------------------------------------------------------------

    def hook_url(self, token: str) -> str:
        return f"{self.base_url}/response/{token}"

    def slash(self, user: User, channel: Channel, command: str, text: str = "", **delivery: Any) -> Outcome:
        """Run a slash command as ``user`` in ``channel`` and apply the synchronous answer."""
        trigger = self.ws.new_trigger(user.id)
        hook = self.ws.new_hook(user.id, channel.id)
        payload = payloads.slash_command(self.ws, user, channel, command, text, self.hook_url(hook.token), trigger.id)
        sent = Delivery("slash_commands", payload, **delivery)
        reply = self.send(sent)
        outcome = Outcome(reply, sent, extra={"trigger_id": trigger.id, "response_url": payload["response_url"]})
        if reply.status != 200 or self._late(reply):
            # Slack tells the user the command failed, with its own wording.
            reason = "operation_timeout" if reply.error == "timeout" or self._late(reply) else "dispatch_failed"
            outcome.failure = reason
            outcome.ephemeral = self.ws.add_ephemeral(
                channel.id,
                user.id,
                text=f'{command} failed with the error "{reason}"',
                source="slash",
                sender="USLACKBOT",
            ).message
            return outcome
        body = reply.json()
        if body is None:
            if reply.text.strip():
                outcome.text = reply.text
                outcome.ephemeral = self.ws.add_ephemeral(channel.id, user.id, text=reply.text, source="slash").message
            return outcome
        outcome.text = body.get("text")
        outcome.blocks = body.get("blocks")
        outcome.response_type = body.get("response_type", "ephemeral")
        if not outcome.text and not outcome.blocks:
            return outcome
        self._show(user, channel, body, source="slash", command=f"{command} {text}".strip(), outcome=outcome)
        return outcome

    def _show(
        self,
        user: User,
        channel: Channel,
        body: dict[str, Any],
        *,
        source: str,
        command: str | None = None,
        outcome: Outcome | None = None,
    ) -> dict[str, Any] | None:
        """Show a message-shaped answer: in the channel (``in_channel``) or to the user alone."""
        blocks = body.get("blocks")
        if blocks:
            problems = rules.block_messages(blocks)
            if problems:
                if outcome is not None:
                    outcome.failure = "invalid_blocks"
                    outcome.extra["messages"] = problems
                return None
        if body.get("response_type") == "in_channel":
            if command:
                # Slack shows the person's command in the channel along with an in_channel answer.
                self.ws.add_message(channel, user=user.id, text=command)
            message = self.ws.add_message(
                channel,
                user=self.ws.bot_user_id,
                text=body.get("text") or "",
                blocks=blocks,
                thread_ts=body.get("thread_ts"),
            )
            return message
        eph = self.ws.add_ephemeral(
            channel.id,
            user.id,
            text=body.get("text") or "",
            blocks=blocks,
            thread_ts=body.get("thread_ts"),
            source=source,
        )
        if outcome is not None:
            outcome.ephemeral = eph.message
        return eph.message

    # ---- response_url -----------------------------------------------------------------------------------------

    def response_url(self, token: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """A POST to a response_url: replace/delete the original, or post ephemeral / in_channel."""
        with self.ws.changing():
            hook = self.ws.hooks.get(token)
            if hook is None:
                return 404, {"ok": False, "error": "no_active_hooks"}
            if self.ws.now() - hook.issued > RESPONSE_URL_LIFETIME:
                return 404, {"ok": False, "error": "expired_url"}
            if hook.uses >= RESPONSE_URL_USES:
                return 404, {"ok": False, "error": "used_url"}
            hook.uses += 1
            blocks = body.get("blocks")
            if blocks and rules.block_messages(blocks):
                return 400, {
                    "ok": False,
                    "error": "invalid_blocks",
                    "response_metadata": {"messages": rules.with_error_prefix(rules.block_messages(blocks))},
                }
            user = self.ws.user(hook.user)
            channel = self.ws.channel(hook.channel) if hook.channel else self.ws.im_with(user.id)
            if _truthy(body.get("delete_original")):
                self._delete_original(hook, channel)
                return 200, {"ok": True}
            if _truthy(body.get("replace_original")) and (hook.message_ts or hook.ephemeral_ts):
                self._replace_original(hook, channel, body)
                return 200, {"ok": True}
            shown = self._show(user, channel, body, source="response_url")
            if shown is None:
                return 400, {"ok": False, "error": "invalid_blocks"}
            return 200, {"ok": True}

    def _delete_original(self, hook: Any, channel: Channel) -> None:
        if hook.ephemeral_ts:
            self.ws.ephemerals = [e for e in self.ws.ephemerals if e.message["ts"] != hook.ephemeral_ts]
        elif hook.message_ts and hook.message_ts in channel.messages:
            del channel.messages[hook.message_ts]

    def _replace_original(self, hook: Any, channel: Channel, body: dict[str, Any]) -> None:
        from sandbox.workspace import with_block_ids

        if hook.ephemeral_ts:
            targets = [e.message for e in self.ws.ephemerals if e.message["ts"] == hook.ephemeral_ts]
        else:
            targets = [channel.messages[hook.message_ts]] if hook.message_ts in channel.messages else []
        for message in targets:
            message["text"] = body.get("text") or ""
            if body.get("blocks"):
                message["blocks"] = with_block_ids(body["blocks"])
            else:
                message.pop("blocks", None)
            if not hook.ephemeral_ts:
                message["edited"] = {"user": self.ws.bot_user_id, "ts": self.ws.new_ts()}

    # ---- block actions ----------------------------------------------------------------------------------------

    def block_action(
        self,
        user: User,
        *,
        block: dict[str, Any],
        element: dict[str, Any],
        value: Any = None,
        channel: Channel | None = None,
        message: dict[str, Any] | None = None,
        is_ephemeral: bool = False,
        view: ViewRecord | None = None,
        **delivery: Any,
    ) -> Outcome:
        """A person clicks or picks ``element`` in a message or a view; the bot's answer is only an ack."""
        trigger = self.ws.new_trigger(user.id)
        act = payloads.action(block, element, value, self.ws.new_ts())
        response_url = None
        if view is None:
            assert channel is not None and message is not None
            hook = self.ws.new_hook(
                user.id,
                channel.id,
                message_ts=None if is_ephemeral else message["ts"],
                ephemeral_ts=message["ts"] if is_ephemeral else None,
            )
            response_url = self.hook_url(hook.token)
        with self.ws.changing():
            if view is not None and element.get("type") != "button":
                # A picked value in a view becomes part of its state, as in Slack.
                state = view.view["state"]["values"].setdefault(block["block_id"], {})
                state[element["action_id"]] = {
                    k: v for k, v in act.items() if k not in ("action_id", "block_id", "action_ts", "placeholder")
                }
            state_values = view.view["state"]["values"] if view is not None else {}
            payload = payloads.block_actions(
                self.ws,
                user,
                actions=[act],
                trigger_id=trigger.id,
                channel=channel,
                message=message,
                is_ephemeral=is_ephemeral,
                view=view.view if view is not None else None,
                response_url=response_url,
                state_values=state_values,
            )
        sent = Delivery("interactive", payload, **delivery)
        reply = self.send(sent)
        outcome = Outcome(reply, sent, extra={"trigger_id": trigger.id, "response_url": response_url})
        if reply.status != 200:
            outcome.failure = "dispatch_failed"
        elif self._late(reply):
            outcome.failure = "operation_timeout"
        return outcome

    def _late(self, reply: BotReply) -> bool:
        return self.ack_deadline is not None and reply.duration > self.ack_deadline

    # ---- views ------------------------------------------------------------------------------------------------

    def submit(self, user: User, record: ViewRecord, **delivery: Any) -> Outcome:
        """Submit the modal ``record`` and apply the ``response_action`` the bot answers with."""
        trigger = self.ws.new_trigger(user.id)
        with self.ws.reading():
            payload = payloads.view_submission(self.ws, user, record.view, trigger.id)
        sent = Delivery("interactive", payload, **delivery)
        reply = self.send(sent)
        outcome = Outcome(reply, sent, extra={"trigger_id": trigger.id})
        if reply.status != 200 or self._late(reply):
            # Slack keeps the modal open, shows a connection error and ignores a late answer.
            outcome.failure = "We had some trouble connecting. Try again?"
            return outcome
        body = reply.json() or {}
        action = body.get("response_action")
        outcome.response_action = action
        with self.ws.changing():
            if action is None:
                self.ws.close_modal(user.id, record.id)
            elif action == "clear":
                self.ws.close_modal(user.id, clear=True)
            elif action == "errors":
                errors = body.get("errors") or {}
                outcome.errors = dict(errors)
                input_ids = {b.get("block_id") for b in record.view["blocks"] if b.get("type") == "input"}
                unknown = [k for k in errors if k not in input_ids]
                if unknown:
                    # Slack refuses errors for block ids that are not input blocks of the view.
                    outcome.failure = f"errors name unknown input blocks: {unknown}"
                record.errors = dict(errors)
            elif action in ("update", "push"):
                view = body.get("view")
                problems = rules.view_messages(view, "modal")
                stack = self.ws.modal_stacks.get(user.id) or []
                if problems:
                    outcome.failure = "invalid view: " + "; ".join(problems)
                elif action == "push" and len(stack) >= 3:
                    outcome.failure = "push_limit_reached"
                elif action == "update":
                    outcome.view = self.ws.store_view(
                        view,
                        user.id,
                        view_id=record.id,
                        root_view_id=record.view["root_view_id"],
                        previous_view_id=record.view["previous_view_id"],
                    ).view
                else:
                    pushed = self.ws.store_view(view, user.id, root_view_id=stack[0], previous_view_id=stack[-1])
                    stack.append(pushed.id)
                    outcome.view = pushed.view
            else:
                outcome.failure = f"unknown response_action {action!r}"
        return outcome

    def close_view(self, user: User, record: ViewRecord, clear: bool = False) -> Outcome | None:
        """The person closes the modal (X or Cancel); ``view_closed`` goes out when notify_on_close is set."""
        with self.ws.changing():
            closed = self.ws.close_modal(user.id, None if clear else record.id, clear=clear)
        notify = [c for c in closed if c.view.get("notify_on_close")]
        outcome: Outcome | None = None
        for view in notify[:1] if clear else notify:
            sent = Delivery("interactive", payloads.view_closed(self.ws, user, view.view, clear))
            outcome = Outcome(self.send(sent), sent)
        return outcome

    # ---- person-originated messages and home --------------------------------------------------------------------

    def say(self, user: User, channel: Channel, text: str, thread_ts: str | None = None) -> dict[str, Any]:
        """A person posts a message; the bot hears it as message.im or app_mention if subscribed."""
        if channel.archived:
            raise SlackError("is_archived")
        message = self.ws.add_message(channel, user=user.id, text=text, thread_ts=thread_ts)
        mention = f"<@{self.ws.bot_user_id}>" in text
        if channel.is_im:
            self.event(payloads.message_event(self.ws, channel, message), subscription="message.im")
        elif mention:
            self.event(payloads.message_event(self.ws, channel, message, mention=True))
        else:
            kind = "message.groups" if channel.is_private else "message.channels"
            self.event(payloads.message_event(self.ws, channel, message), subscription=kind)
        return message

    def open_home(self, user: User) -> BotReply | None:
        dm = self.ws.im_with(user.id)
        home_id = self.ws.home_views.get(user.id)
        view = self.ws.views[home_id].view if home_id else None
        return self.event(payloads.app_home_opened(self.ws, user, dm, view))


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() == "true"
    return bool(value)


def find_element(
    blocks: list[dict[str, Any]], action_id: str, block_id: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (block, element) with ``action_id`` (and ``block_id`` when given); KeyError lists what exists."""
    seen = []
    for block in blocks:
        for element in iter_elements(block):
            seen.append((block.get("block_id"), element.get("action_id")))
            if element.get("action_id") == action_id and (block_id is None or block.get("block_id") == block_id):
                return block, element
    raise KeyError(f"no element with action_id {action_id!r} (block {block_id!r}); have {seen}")


__all__ = ["DEFAULT_EVENTS", "Dialog", "Interactions", "Kind", "Outcome", "find_element"]
