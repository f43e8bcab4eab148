"""Slack Web API methods over the sandbox workspace, with Slack's response shapes and error codes.

``WebApi.call(method, args, token)`` is transport-free: the server hands it the merged query/form/JSON
arguments and turns the returned ``ApiResult`` into an HTTP response.  Methods run as the bot (the only token
the sandbox issues).
"""

from __future__ import annotations

import base64
import copy
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox import rules
from sandbox.faults import Faults
from sandbox.workspace import ApiCall, Channel, SlackError, StoredFile, ViewRecord, Workspace

Args = dict[str, Any]


@dataclass
class ApiResult:
    status: int
    body: dict[str, Any] | None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


def _json(value: Any, name: str) -> Any:
    """Form-encoded calls carry structured fields (blocks, view, files) as JSON strings."""
    if isinstance(value, str):
        if value == "":
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise SlackError(
                "invalid_arguments",
                response_metadata={"messages": [f"[ERROR] invalid JSON: {exc} [json-pointer:/{name}]"]},
            ) from exc
    return value


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _page(items: list[Any], args: Args, default_limit: int = 100) -> tuple[list[Any], str]:
    """Cursor pagination: the cursor is an opaque base64 offset, like Slack's opaque cursors."""
    limit = _int(args.get("limit"), default_limit) or default_limit
    cursor = args.get("cursor") or ""
    try:
        start = int(base64.b64decode(cursor).decode().split(":")[1]) if cursor else 0
    except (ValueError, IndexError) as exc:
        raise SlackError("invalid_cursor") from exc
    page = items[start : start + limit]
    more = start + limit < len(items)
    next_cursor = base64.b64encode(f"offset:{start + limit}".encode()).decode() if more else ""
    return page, next_cursor


def public_message(message: dict[str, Any]) -> dict[str, Any]:
    """A copy of a stored message as the API answers it."""
    return copy.deepcopy(message)


class WebApi:
    """Dispatches Web API calls to ``_m_<method with dots as underscores>`` handlers."""

    def __init__(self, workspace: Workspace, faults: Faults | None = None) -> None:
        self.ws = workspace
        self.faults = faults or Faults()
        self.base_url = "http://127.0.0.1"  # set by the server once it listens
        self.on_member_joined: Callable[[str, str, str | None], None] | None = None
        # Socket Mode: the app-level token and the URL maker, set by the server.
        self.app_token: str | None = None
        self.socket_url: Callable[[], str] | None = None

    # ---- dispatch -------------------------------------------------------------------------------------------------

    def call(self, method: str, args: Args, token: str | None) -> ApiResult:
        """Answer one call, log it, and apply any switched-on fault."""
        started = time.perf_counter()
        result = self._answer(method, args, token)
        body = result.body or {}
        self.ws.record_call(
            ApiCall(
                method=method,
                args={k: v for k, v in args.items() if k != "token"},
                time=self.ws.now(),
                status=result.status,
                ok=bool(body.get("ok")),
                error=body.get("error"),
                duration=time.perf_counter() - started,
            )
        )
        return result

    def _answer(self, method: str, args: Args, token: str | None) -> ApiResult:
        if method == "apps.connections.open":
            return self._connections_open(token) if token else ApiResult(200, {"ok": False, "error": "not_authed"})
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return ApiResult(404, {"ok": False, "error": "unknown_method", "req_method": method})
        if not token:
            return ApiResult(200, {"ok": False, "error": "not_authed"})
        if token != self.ws.bot_token:
            return ApiResult(200, {"ok": False, "error": "invalid_auth"})
        verdict = self.faults.check(method, args)
        if verdict.status == 429:
            return ApiResult(
                429,
                {"ok": False, "error": "ratelimited"},
                {"Retry-After": str(verdict.retry_after or 1)},
                verdict.delay,
            )
        if verdict.status is not None:
            return ApiResult(verdict.status, None, {}, verdict.delay)
        if verdict.error is not None:
            return ApiResult(200, {"ok": False, "error": verdict.error}, {}, verdict.delay)
        try:
            # One lock for the whole call: the driver's threads change the same dicts this method iterates.
            with self.ws.changing():
                body = handler(args)
        except SlackError as err:
            return ApiResult(err.status, {"ok": False, "error": err.code, **err.extra}, {}, verdict.delay)
        return ApiResult(200, {"ok": True, **body}, {}, verdict.delay)

    def _connections_open(self, token: str) -> ApiResult:
        """Socket Mode: only the app-level token may open a connection; the answer is a single-use URL."""
        if token == self.ws.bot_token or token.startswith(("xoxb-", "xoxp-")):
            return ApiResult(200, {"ok": False, "error": "not_allowed_token_type"})
        if self.app_token is None or token != self.app_token or self.socket_url is None:
            return ApiResult(200, {"ok": False, "error": "invalid_auth"})
        return ApiResult(200, {"ok": True, "url": self.socket_url()})

    # ---- helpers --------------------------------------------------------------------------------------------------

    @property
    def bot(self) -> str:
        return self.ws.bot_user_id

    def _visible(self, channel_id: str | None) -> Channel:
        """A channel the bot can see: public ones, and private ones or DMs it belongs to."""
        channel = self.ws.channel(channel_id)
        if channel.is_private and self.bot not in channel.members:
            raise SlackError("channel_not_found")
        return channel

    def _target(self, channel_id: str | None) -> Channel:
        """Where chat.* posts go: a user id means the DM with that user."""
        if channel_id and channel_id.startswith(("U", "W")) and channel_id in self.ws.users:
            return self.ws.im_with(channel_id)
        if not channel_id:
            raise SlackError("channel_not_found")
        channel = self.ws.channels.get(channel_id)
        if channel is None:
            # Slack accepts a channel name too; keep that convenience.
            channel = self.ws.channel_by_name(channel_id)
        return channel

    def _message_content(self, args: Args, require: bool = True) -> tuple[str, list[dict[str, Any]] | None, Any]:
        text = args.get("text") or ""
        blocks = _json(args.get("blocks"), "blocks")
        attachments = _json(args.get("attachments"), "attachments")
        if require and not text and not blocks and not attachments:
            raise SlackError("no_text")
        if len(text) > rules.MESSAGE_TEXT_MAX:
            raise SlackError("msg_too_long")
        if blocks is not None:
            messages = rules.block_messages(blocks)
            if messages:
                raise SlackError(
                    "invalid_blocks",
                    errors=messages,
                    response_metadata={"messages": rules.with_error_prefix(messages)},
                )
        return text, blocks, attachments

    def _channel_json(self, channel: Channel, num_members: bool = False) -> dict[str, Any]:
        with self.ws.reading():
            return channel.to_slack(self.bot, num_members)

    # ---- auth / team / users ----------------------------------------------------------------------------------

    def _m_auth_test(self, args: Args) -> dict[str, Any]:
        return {
            "url": f"https://{self.ws.team['domain']}.slack.com/",
            "team": self.ws.team["name"],
            "user": self.ws.bot_name,
            "team_id": self.ws.team["id"],
            "user_id": self.bot,
            "bot_id": self.ws.bot_id,
            "is_enterprise_install": False,
        }

    def _m_team_info(self, args: Args) -> dict[str, Any]:
        team = self.ws.team
        return {
            "team": {
                "id": team["id"],
                "name": team["name"],
                "url": f"https://{team['domain']}.slack.com/",
                "domain": team["domain"],
                "email_domain": team.get("email_domain", ""),
                "icon": {"image_default": True},
                "avatar_base_url": "https://ca.slack-edge.com/",
                "is_verified": False,
            }
        }

    def _m_users_info(self, args: Args) -> dict[str, Any]:
        user = self.ws.user(args.get("user"))
        return {"user": user.to_slack(self.ws.team["id"], _bool(args.get("include_locale")))}

    def _m_users_list(self, args: Args) -> dict[str, Any]:
        with self.ws.reading():
            users = list(self.ws.users.values())
        page, cursor = _page(users, args, 200)
        include_locale = _bool(args.get("include_locale"))
        return {
            "members": [u.to_slack(self.ws.team["id"], include_locale) for u in page],
            "cache_ts": int(self.ws.now()),
            "response_metadata": {"next_cursor": cursor},
        }

    def _m_users_lookupByEmail(self, args: Args) -> dict[str, Any]:
        user = self.ws.user_by_email(args.get("email") or "")
        return {"user": user.to_slack(self.ws.team["id"])}

    # ---- conversations ----------------------------------------------------------------------------------------

    def _m_conversations_create(self, args: Args) -> dict[str, Any]:
        name = args.get("name") or ""
        problem = rules.channel_name_error(name)
        if problem:
            raise SlackError(problem)
        with self.ws.changing():
            for existing in self.ws.channels.values():
                if not existing.is_im and existing.name == name:
                    raise SlackError("name_taken")
            now = int(self.ws.now())
            channel = Channel(
                id=self.ws.new_id("C"),
                name=name,
                created=now,
                creator=self.bot,
                is_private=_bool(args.get("is_private")),
                members=[self.bot],
            )
            self.ws.channels[channel.id] = channel
        return {"channel": self._channel_json(channel, num_members=False)}

    def _m_conversations_invite(self, args: Args) -> dict[str, Any]:
        channel = self._visible(args.get("channel"))
        raw = args.get("users") or ""
        user_ids = [u.strip() for u in (raw if isinstance(raw, list) else raw.split(",")) if u.strip()]
        if not user_ids:
            raise SlackError("no_user")
        if channel.is_im:
            raise SlackError("method_not_supported_for_channel_type")
        if channel.archived:
            raise SlackError("is_archived")
        if self.bot not in channel.members:
            raise SlackError("not_in_channel")
        force = _bool(args.get("force"))
        errors: list[dict[str, Any]] = []
        to_add: list[str] = []
        with self.ws.changing():
            for uid in user_ids:
                if uid == self.bot:
                    code = "cant_invite_self"
                elif uid not in self.ws.users or self.ws.users[uid].deleted:
                    code = "user_not_found"
                elif uid in channel.members:
                    code = "already_in_channel"
                else:
                    to_add.append(uid)
                    continue
                errors.append({"user": uid, "ok": False, "error": code})
            if errors and not force:
                raise SlackError(errors[0]["error"], errors=errors)
            for uid in to_add:
                channel.members.append(uid)
        for uid in to_add:
            if self.on_member_joined:
                self.on_member_joined(channel.id, uid, self.bot)
        body: dict[str, Any] = {"channel": self._channel_json(channel)}
        if errors:
            body["errors"] = errors
        return body

    def _m_conversations_join(self, args: Args) -> dict[str, Any]:
        channel = self.ws.channel(args.get("channel"))
        if channel.is_im or channel.is_private:
            raise SlackError("method_not_supported_for_channel_type")
        if channel.archived:
            raise SlackError("is_archived")
        with self.ws.changing():
            already = self.bot in channel.members
            if not already:
                channel.members.append(self.bot)
        body: dict[str, Any] = {"channel": self._channel_json(channel)}
        if already:
            body["warning"] = "already_in_channel"
            body["response_metadata"] = {"warnings": ["already_in_channel"]}
        elif self.on_member_joined:
            self.on_member_joined(channel.id, self.bot, None)
        return body

    def _m_conversations_info(self, args: Args) -> dict[str, Any]:
        channel = self._visible(args.get("channel"))
        return {"channel": self._channel_json(channel, _bool(args.get("include_num_members")))}

    def _m_conversations_list(self, args: Args) -> dict[str, Any]:
        types = set((args.get("types") or "public_channel").split(","))
        exclude_archived = _bool(args.get("exclude_archived"))
        with self.ws.reading():
            found = []
            for channel in self.ws.channels.values():
                kind = "im" if channel.is_im else "private_channel" if channel.is_private else "public_channel"
                if kind not in types or (exclude_archived and channel.archived):
                    continue
                if channel.is_private and self.bot not in channel.members:
                    continue
                found.append(channel.to_slack(self.bot))
        page, cursor = _page(found, args, 100)
        return {"channels": page, "response_metadata": {"next_cursor": cursor}}

    def _m_conversations_members(self, args: Args) -> dict[str, Any]:
        channel = self._visible(args.get("channel"))
        with self.ws.reading():
            members = list(channel.members)
        page, cursor = _page(members, args, 100)
        return {"members": page, "response_metadata": {"next_cursor": cursor}}

    def _m_conversations_history(self, args: Args) -> dict[str, Any]:
        channel = self._visible(args.get("channel"))
        messages = list(reversed(self.ws.history(channel)))  # newest first, like Slack
        oldest, latest = args.get("oldest"), args.get("latest")
        inclusive = _bool(args.get("inclusive"))

        def within(ts: str) -> bool:
            t = float(ts)
            if oldest is not None and (t < float(oldest) or (t == float(oldest) and not inclusive)):
                return False
            return not (latest is not None and (t > float(latest) or (t == float(latest) and not inclusive)))

        messages = [m for m in messages if within(m["ts"])]
        page, cursor = _page(messages, args, 100)
        with self.ws.reading():
            answer = [public_message(m) for m in page]
        return {
            "messages": answer,
            "has_more": bool(cursor),
            "pin_count": len(channel.pins),
            "channel_actions_ts": None,
            "channel_actions_count": 0,
            "response_metadata": {"next_cursor": cursor},
        }

    def _m_conversations_replies(self, args: Args) -> dict[str, Any]:
        channel = self._visible(args.get("channel"))
        messages = self.ws.replies(channel, args.get("ts") or "")
        page, cursor = _page(messages, args, 1000)
        with self.ws.reading():
            answer = [public_message(m) for m in page]
        return {"messages": answer, "has_more": bool(cursor), "response_metadata": {"next_cursor": cursor}}

    def _m_conversations_open(self, args: Args) -> dict[str, Any]:
        if args.get("channel"):
            channel = self._visible(args["channel"])
            return {"channel": self._channel_json(channel)}
        raw = args.get("users") or ""
        users = [u.strip() for u in raw.split(",") if u.strip()]
        if not users:
            raise SlackError("users_list_not_supplied")
        if len(users) > 1:
            raise SlackError("not_enough_users" if len(users) < 2 else "method_not_supported_for_channel_type")
        user = self.ws.user(users[0])
        existed = any(c.is_im and set(c.members) == {user.id, self.bot} for c in self.ws.channels.values())
        channel = self.ws.im_with(user.id)
        body: dict[str, Any] = {
            "channel": self._channel_json(channel) if _bool(args.get("return_im")) else {"id": channel.id}
        }
        if existed:
            body["no_op"] = True
            body["already_open"] = True
        return body

    def _set_text_field(self, args: Args, key: str, limit: int) -> dict[str, Any]:
        channel = self._visible(args.get("channel"))
        value = args.get(key) or ""
        if len(value) > limit:
            raise SlackError("too_long")
        if channel.archived:
            raise SlackError("is_archived")
        if self.bot not in channel.members:
            raise SlackError("not_in_channel")
        with self.ws.changing():
            setattr(channel, key, {"value": value, "creator": self.bot, "last_set": int(self.ws.now())})
            # Slack records the change in the channel as a system message, which carries the new text too.
            message = self.ws.add_message(
                channel,
                user=self.bot,
                text=f"<@{self.bot}> set the channel {key}: {value}",
                subtype=f"channel_{key}",
            )
            message[key] = value
        return {"channel": self._channel_json(channel)}

    def _m_conversations_setTopic(self, args: Args) -> dict[str, Any]:
        return self._set_text_field(args, "topic", rules.TOPIC_MAX)

    def _m_conversations_setPurpose(self, args: Args) -> dict[str, Any]:
        return self._set_text_field(args, "purpose", rules.PURPOSE_MAX)

    def _m_conversations_archive(self, args: Args) -> dict[str, Any]:
        channel = self._visible(args.get("channel"))
        if channel.is_im:
            raise SlackError("method_not_supported_for_channel_type")
        if channel.is_general:
            raise SlackError("cant_archive_general")
        if channel.archived:
            raise SlackError("already_archived")
        if self.bot not in channel.members:
            raise SlackError("not_in_channel")
        with self.ws.changing():
            channel.archived = True
        return {}

    # ---- chat ----------------------------------------------------------------------------------------------------

    def _postable(self, args: Args) -> Channel:
        channel = self._target(args.get("channel"))
        if channel.is_private and self.bot not in channel.members:
            raise SlackError("not_in_channel")
        if channel.archived:
            raise SlackError("is_archived")
        return channel

    def _m_chat_postMessage(self, args: Args) -> dict[str, Any]:
        channel = self._postable(args)
        text, blocks, attachments = self._message_content(args)
        metadata = _json(args.get("metadata"), "metadata")
        message = self.ws.add_message(
            channel,
            user=self.bot,
            text=text,
            blocks=blocks,
            attachments=attachments,
            thread_ts=args.get("thread_ts") or None,
            reply_broadcast=_bool(args.get("reply_broadcast")),
            metadata=metadata,
        )
        with self.ws.reading():
            return {"channel": channel.id, "ts": message["ts"], "message": public_message(message)}

    def _m_chat_postEphemeral(self, args: Args) -> dict[str, Any]:
        channel = self._postable(args)
        user = self.ws.user(args.get("user"))
        if user.id not in channel.members:
            raise SlackError("user_not_in_channel")
        text, blocks, _ = self._message_content(args)
        eph = self.ws.add_ephemeral(
            channel.id, user.id, text=text, blocks=blocks, thread_ts=args.get("thread_ts") or None
        )
        return {"message_ts": eph.message["ts"]}

    def _own_message(self, args: Args, ts_key: str, refusal: str) -> tuple[Channel, dict[str, Any]]:
        channel = self._visible(args.get("channel"))
        message = self.ws.find_message(channel.id, args.get(ts_key))
        if message.get("user") != self.bot or message.get("subtype", "").startswith("channel_"):
            raise SlackError(refusal)
        return channel, message

    def _m_chat_update(self, args: Args) -> dict[str, Any]:
        channel, message = self._own_message(args, "ts", "cant_update_message")
        if channel.archived:
            raise SlackError("is_archived")
        text, blocks, attachments = self._message_content(args, require=False)
        with self.ws.changing():
            if "text" in args:
                message["text"] = text
            if blocks is not None:
                message["blocks"] = self._with_ids(blocks)
            elif "blocks" in args:
                message.pop("blocks", None)
            if attachments is not None:
                message["attachments"] = attachments
            message["edited"] = {"user": self.bot, "ts": self.ws.new_ts()}
            answer = public_message(message)
        return {"channel": channel.id, "ts": message["ts"], "text": message["text"], "message": answer}

    @staticmethod
    def _with_ids(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        from sandbox.workspace import with_block_ids

        return with_block_ids(blocks)

    def _m_chat_delete(self, args: Args) -> dict[str, Any]:
        channel, message = self._own_message(args, "ts", "cant_delete_message")
        with self.ws.changing():
            del channel.messages[message["ts"]]
            parent_ts = message.get("thread_ts")
            if parent_ts and parent_ts != message["ts"] and parent_ts in channel.messages:
                parent = channel.messages[parent_ts]
                parent["reply_count"] = max(0, parent.get("reply_count", 1) - 1)
            channel.pins = [p for p in channel.pins if p["message"]["ts"] != message["ts"]]
        return {"channel": channel.id, "ts": message["ts"]}

    def permalink(self, channel_id: str, ts: str) -> str:
        message = self.ws.find_message(channel_id, ts)
        link = f"https://{self.ws.team['domain']}.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"
        thread_ts = message.get("thread_ts")
        if thread_ts and thread_ts != ts:
            link += f"?thread_ts={thread_ts}&cid={channel_id}"
        return link

    def _m_chat_getPermalink(self, args: Args) -> dict[str, Any]:
        channel = self._visible(args.get("channel"))
        return {"channel": channel.id, "permalink": self.permalink(channel.id, args.get("message_ts") or "")}

    # ---- pins and bookmarks ---------------------------------------------------------------------------------------

    def _m_pins_add(self, args: Args) -> dict[str, Any]:
        channel = self._visible(args.get("channel"))
        if self.bot not in channel.members:
            raise SlackError("not_in_channel")
        message = self.ws.find_message(channel.id, args.get("timestamp"))
        with self.ws.changing():
            if any(p["message"]["ts"] == message["ts"] for p in channel.pins):
                raise SlackError("already_pinned")
            channel.pins.append(
                {
                    "type": "message",
                    "created": int(self.ws.now()),
                    "created_by": self.bot,
                    "channel": channel.id,
                    "message": message,
                }
            )
            message.setdefault("pinned_to", []).append(channel.id)
        return {}

    def _m_pins_list(self, args: Args) -> dict[str, Any]:
        channel = self._visible(args.get("channel"))
        with self.ws.reading():
            items = [{**p, "message": public_message(p["message"])} for p in reversed(channel.pins)]
        return {"items": items}

    def _m_bookmarks_add(self, args: Args) -> dict[str, Any]:
        channel = self._visible(args.get("channel_id"))
        title = args.get("title") or ""
        kind = args.get("type") or ""
        if not title:
            raise SlackError("invalid_arguments")
        if kind != "link":
            raise SlackError("invalid_bookmark_type")
        link = args.get("link") or ""
        if not link.startswith(("http://", "https://")):
            raise SlackError("invalid_link")
        now = int(self.ws.now())
        bookmark = {
            "id": self.ws.new_id("Bk"),
            "channel_id": channel.id,
            "title": title,
            "link": link,
            "emoji": args.get("emoji"),
            "icon_url": None,
            "type": "link",
            "entity_id": args.get("entity_id"),
            "date_created": now,
            "date_updated": 0,
            "rank": chr(ord("U") + len(channel.bookmarks) % 5),
            "last_updated_by_user_id": self.bot,
            "last_updated_by_team_id": self.ws.team["id"],
            "shortcut_id": None,
            "app_id": self.ws.app_id,
        }
        with self.ws.changing():
            channel.bookmarks.append(bookmark)
        return {"bookmark": dict(bookmark)}

    def _m_bookmarks_list(self, args: Args) -> dict[str, Any]:
        channel = self._visible(args.get("channel_id"))
        with self.ws.reading():
            return {"bookmarks": [dict(b) for b in channel.bookmarks]}

    # ---- views ----------------------------------------------------------------------------------------------------

    def _view_arg(self, args: Args, expected: str) -> dict[str, Any]:
        view = _json(args.get("view"), "view")
        if view is None:
            raise SlackError(
                "invalid_arguments", response_metadata={"messages": ["[ERROR] missing required field: view"]}
            )
        messages = rules.view_messages(view, expected)
        if messages:
            raise SlackError("invalid_arguments", response_metadata={"messages": rules.with_error_prefix(messages)})
        if view.get("external_id"):
            for record in self.ws.views.values():
                if record.view.get("external_id") == view["external_id"] and not record.closed:
                    raise SlackError("duplicate_external_id")
        return view

    def _view_answer(self, record: ViewRecord) -> dict[str, Any]:
        with self.ws.reading():
            return {"view": copy.deepcopy(record.view)}

    def _m_views_open(self, args: Args) -> dict[str, Any]:
        view = self._view_arg(args, "modal")
        trigger = self.ws.exchange_trigger(args.get("trigger_id"))
        with self.ws.changing():
            # A new modal replaces whatever modal the user had open.
            self.ws.close_modal(trigger.user, clear=True)
            record = self.ws.store_view(view, trigger.user)
            self.ws.modal_stacks[trigger.user] = [record.id]
        return self._view_answer(record)

    def _m_views_push(self, args: Args) -> dict[str, Any]:
        view = self._view_arg(args, "modal")
        trigger = self.ws.exchange_trigger(args.get("trigger_id"))
        with self.ws.changing():
            stack = self.ws.modal_stacks.get(trigger.user) or []
            if not stack:
                raise SlackError("not_found")
            if len(stack) >= 3:
                raise SlackError("push_limit_reached")
            record = self.ws.store_view(view, trigger.user, root_view_id=stack[0], previous_view_id=stack[-1])
            stack.append(record.id)
        return self._view_answer(record)

    def _m_views_update(self, args: Args) -> dict[str, Any]:
        view = _json(args.get("view"), "view")
        with self.ws.changing():
            if args.get("view_id"):
                record = self.ws.views.get(args["view_id"])
                if record is None:
                    raise SlackError("not_found")
            elif args.get("external_id"):
                record = self.ws.view_by_external_id(args["external_id"])
            else:
                raise SlackError(
                    "invalid_arguments",
                    response_metadata={"messages": ["[ERROR] either view_id or external_id is required"]},
                )
            if view is None:
                messages = ["missing required field: view [json-pointer:/view]"]
            else:
                messages = rules.view_messages(view, record.view["type"])
                # An update keeps the view's external_id unless the app sets a new one.
                view = {**view, "external_id": view.get("external_id") or record.view.get("external_id", "")}
            if messages:
                raise SlackError("invalid_arguments", response_metadata={"messages": rules.with_error_prefix(messages)})
            if args.get("hash") and args["hash"] != record.view["hash"]:
                raise SlackError("hash_conflict")
            assert view is not None
            old = record.view
            record = self.ws.store_view(
                view,
                record.user,
                view_id=record.id,
                root_view_id=old["root_view_id"],
                previous_view_id=old["previous_view_id"],
                keep_state=old["state"]["values"],
            )
        return self._view_answer(record)

    def _m_views_publish(self, args: Args) -> dict[str, Any]:
        view = self._view_arg(args, "home")
        user = self.ws.user(args.get("user_id"))
        with self.ws.changing():
            current = self.ws.home_views.get(user.id)
            if args.get("hash") and current and args["hash"] != self.ws.views[current].view["hash"]:
                raise SlackError("hash_conflict")
            record = self.ws.store_view(view, user.id, view_id=current)
            self.ws.home_views[user.id] = record.id
        return self._view_answer(record)

    # ---- files ----------------------------------------------------------------------------------------------------

    def _m_files_getUploadURLExternal(self, args: Args) -> dict[str, Any]:
        filename = args.get("filename") or ""
        length = _int(args.get("length"), -1)
        if not filename or length < 0:
            raise SlackError("invalid_arguments")
        stored = StoredFile(
            id=self.ws.new_id("F"),
            name=filename,
            length=length,
            user=self.bot,
            created=int(self.ws.now()),
            alt_txt=args.get("alt_txt"),
            snippet_type=args.get("snippet_type"),
        )
        with self.ws.changing():
            self.ws.files[stored.id] = stored
        return {"upload_url": f"{self.base_url}/upload/v1/{stored.id}", "file_id": stored.id}

    def receive_upload(self, file_id: str, data: bytes) -> tuple[int, str]:
        """The upload URL itself: store the bytes (Slack answers 200 ``OK - <length>``)."""
        with self.ws.changing():
            stored = self.ws.files.get(file_id)
            if stored is None or stored.completed:
                return 404, "Not Found"
            stored.content = data
            stored.uploaded = True
        return 200, f"OK - {len(data)}"

    def file_json(self, stored: StoredFile) -> dict[str, Any]:
        team = self.ws.team["domain"]
        url = f"{self.base_url}/files/{stored.id}/{stored.name}"
        shared = [self.ws.channels[c] for c in stored.shares]
        return {
            "id": stored.id,
            "created": stored.created,
            "timestamp": stored.created,
            "name": stored.name,
            "title": stored.title or stored.name,
            "mimetype": "text/plain" if stored.name.endswith((".txt", ".md", ".csv")) else "application/octet-stream",
            "filetype": stored.name.rsplit(".", 1)[-1] if "." in stored.name else "binary",
            "pretty_type": stored.name.rsplit(".", 1)[-1].upper() if "." in stored.name else "Binary",
            "user": stored.user,
            "user_team": self.ws.team["id"],
            "editable": False,
            "size": len(stored.content),
            "mode": "hosted",
            "is_external": False,
            "external_type": "",
            "is_public": any(not c.is_private for c in shared),
            "public_url_shared": False,
            "display_as_bot": False,
            "username": "",
            "url_private": url,
            "url_private_download": url + "?download=1",
            "permalink": f"https://{team}.slack.com/files/{stored.user}/{stored.id}/{stored.name}",
            "alt_txt": stored.alt_txt,
            "channels": [c.id for c in shared if not c.is_private],
            "groups": [c.id for c in shared if c.is_private and not c.is_im],
            "ims": [c.id for c in shared if c.is_im],
            "shares": self._shares(stored),
            "comments_count": 0,
        }

    def _shares(self, stored: StoredFile) -> dict[str, Any]:
        shares: dict[str, Any] = {}
        for channel_id, items in stored.shares.items():
            channel = self.ws.channels[channel_id]
            kind = "private" if channel.is_private or channel.is_im else "public"
            shares.setdefault(kind, {})[channel_id] = copy.deepcopy(items)
        return shares

    def _m_files_completeUploadExternal(self, args: Args) -> dict[str, Any]:
        files = _json(args.get("files"), "files")
        if not isinstance(files, list) or not files:
            raise SlackError("invalid_arguments")
        channel_ids: list[str] = []
        if args.get("channel_id"):
            channel_ids.append(args["channel_id"])
        if args.get("channels"):
            channel_ids += [c for c in str(args["channels"]).split(",") if c]
        channels = [self._postable({"channel": c}) for c in channel_ids]
        thread_ts = args.get("thread_ts") or None
        stored_files: list[StoredFile] = []
        with self.ws.changing():
            for item in files:
                stored = self.ws.files.get(item.get("id", ""))
                # Slack refuses ids that were never uploaded to, or that were completed already.
                if stored is None or not stored.uploaded or stored.completed:
                    raise SlackError("file_not_found")
                stored.title = item.get("title") or stored.name
                stored.completed = True
                stored_files.append(stored)
            for channel in channels:
                if thread_ts and thread_ts not in channel.messages:
                    raise SlackError("thread_not_found")
                message = self.ws.add_message(
                    channel,
                    user=self.bot,
                    text=args.get("initial_comment") or "",
                    thread_ts=thread_ts,
                    files=[],
                )
                for stored in stored_files:
                    share: dict[str, Any] = {
                        "ts": message["ts"],
                        "channel_name": channel.name,
                        "team_id": self.ws.team["id"],
                    }
                    if thread_ts:
                        share["thread_ts"] = thread_ts
                    stored.shares.setdefault(channel.id, []).append(share)
                message["files"] = [self.file_json(s) for s in stored_files]
            answer = [{"id": s.id, "title": s.title} for s in stored_files]
        return {"files": answer}

    def _m_files_info(self, args: Args) -> dict[str, Any]:
        stored = self.ws.files.get(args.get("file") or "")
        if stored is None or not stored.completed:
            raise SlackError("file_not_found")
        with self.ws.reading():
            return {"file": self.file_json(stored), "comments": [], "response_metadata": {"next_cursor": ""}}
