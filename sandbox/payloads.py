"""Slack's request payloads, built from workspace state: slash commands, interactivity and Events API.

Shapes follow what Slack sends (and bolt-python's scenario tests replay): a slash command is a flat form,
``block_actions`` / ``view_submission`` / ``view_closed`` are the JSON behind ``payload=``, events are wrapped in
an ``event_callback`` envelope.  ``element_value`` gives an element's state entry in Slack's per-element shape;
both ``view.state.values`` and ``actions[]`` use it.
"""

from __future__ import annotations

import copy
import datetime as dt
import secrets
from typing import Any

from sandbox.workspace import Channel, User, Workspace

VERIFICATION_TOKEN = "sandbox-verification-token"  # the deprecated "token" field Slack still sends


def user_ref(ws: Workspace, user: User) -> dict[str, Any]:
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": ws.team["id"]}


def team_ref(ws: Workspace) -> dict[str, Any]:
    return {"id": ws.team["id"], "domain": ws.team["domain"]}


def channel_ref(channel: Channel) -> dict[str, Any]:
    return {"id": channel.id, "name": "directmessage" if channel.is_im else channel.name}


def slash_command(
    ws: Workspace,
    user: User,
    channel: Channel,
    command: str,
    text: str,
    response_url: str,
    trigger_id: str,
) -> dict[str, str]:
    """The form fields of a slash command request."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": ws.team["id"],
        "team_domain": ws.team["domain"],
        "channel_id": channel.id,
        "channel_name": "directmessage" if channel.is_im else channel.name,
        "user_id": user.id,
        "user_name": user.name,
        "command": command,
        "text": text,
        "api_app_id": ws.app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def _options(element: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        found += group.get("options") or []
    return found


def _option(element: dict[str, Any], value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    options = _options(element)
    for option in options:
        if option.get("value") == value:
            return copy.deepcopy(option)
    if element.get("type", "").endswith("external_select"):
        return {"text": {"type": "plain_text", "text": str(value), "emoji": True}, "value": str(value)}
    known = [o.get("value") for o in options]
    raise ValueError(f"{element.get('action_id')}: no option with value {value!r} (options: {known})")


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple | set) else [value]


def element_value(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """The state entry Slack reports for ``element`` after the user entered ``value``.

    ``value`` is what a person would choose: text, an option's value (or list of them), a user id, a date
    (``datetime.date`` or ``YYYY-MM-DD``), a time (``HH:MM``), a datetime (or epoch seconds).
    """
    kind = element.get("type", "")
    entry: dict[str, Any] = {"type": kind}
    if kind in ("plain_text_input", "email_text_input", "url_text_input", "number_input"):
        entry["value"] = None if value is None else str(value)
    elif kind == "rich_text_input":
        entry["rich_text_value"] = {
            "type": "rich_text",
            "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": str(value)}]}],
        }
    elif kind in ("static_select", "external_select", "radio_buttons", "overflow"):
        entry["selected_option"] = None if value is None else _option(element, value)
    elif kind in ("multi_static_select", "multi_external_select", "checkboxes"):
        entry["selected_options"] = [_option(element, v) for v in _as_list(value or [])]
    elif kind == "users_select":
        entry["selected_user"] = value
    elif kind == "multi_users_select":
        entry["selected_users"] = _as_list(value or [])
    elif kind == "conversations_select":
        entry["selected_conversation"] = value
    elif kind == "multi_conversations_select":
        entry["selected_conversations"] = _as_list(value or [])
    elif kind == "channels_select":
        entry["selected_channel"] = value
    elif kind == "multi_channels_select":
        entry["selected_channels"] = _as_list(value or [])
    elif kind == "datepicker":
        entry["selected_date"] = value.isoformat() if isinstance(value, dt.date) else value
    elif kind == "timepicker":
        entry["selected_time"] = value.strftime("%H:%M") if isinstance(value, dt.time) else value
        if element.get("timezone"):
            entry["timezone"] = element["timezone"]
    elif kind == "datetimepicker":
        entry["selected_date_time"] = int(value.timestamp()) if isinstance(value, dt.datetime) else value
    elif kind == "button":
        pass
    else:
        raise ValueError(f"sandbox cannot fill a {kind!r} element")
    return entry


def action(block: dict[str, Any], element: dict[str, Any], value: Any, action_ts: str) -> dict[str, Any]:
    """One entry of a block_actions payload's ``actions``."""
    kind = element.get("type", "")
    act: dict[str, Any] = {"action_id": element.get("action_id"), "block_id": block.get("block_id")}
    if kind == "button":
        act["text"] = copy.deepcopy(element.get("text"))
        if "value" in element or value is not None:
            act["value"] = value if value is not None else element.get("value")
        if element.get("style"):
            act["style"] = element["style"]
        act["type"] = "button"
    else:
        act.update(element_value(element, value))
        if element.get("placeholder"):
            act["placeholder"] = copy.deepcopy(element["placeholder"])
    if element.get("url"):
        act["url"] = element["url"]
    act["action_ts"] = action_ts
    return act


def interactive_base(ws: Workspace, user: User, kind: str) -> dict[str, Any]:
    return {
        "type": kind,
        "user": user_ref(ws, user),
        "api_app_id": ws.app_id,
        "token": VERIFICATION_TOKEN,
    }


def block_actions(
    ws: Workspace,
    user: User,
    *,
    actions: list[dict[str, Any]],
    trigger_id: str,
    channel: Channel | None = None,
    message: dict[str, Any] | None = None,
    is_ephemeral: bool = False,
    view: dict[str, Any] | None = None,
    response_url: str | None = None,
    state_values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A block_actions payload from a message (``channel`` + ``message``) or from a view."""
    payload = interactive_base(ws, user, "block_actions")
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view["id"]}
    else:
        assert channel is not None and message is not None
        payload["container"] = {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel.id,
            "is_ephemeral": is_ephemeral,
        }
        if message.get("thread_ts"):
            payload["container"]["thread_ts"] = message["thread_ts"]
    payload["trigger_id"] = trigger_id
    payload["team"] = team_ref(ws)
    payload["enterprise"] = None
    payload["is_enterprise_install"] = False
    if channel is not None:
        payload["channel"] = channel_ref(channel)
    if view is not None:
        payload["view"] = copy.deepcopy(view)
    elif message is not None and not is_ephemeral:
        payload["message"] = copy.deepcopy(message)
    payload["state"] = {"values": copy.deepcopy(state_values or {})}
    if response_url:
        payload["response_url"] = response_url
    payload["actions"] = actions
    return payload


def view_submission(ws: Workspace, user: User, view: dict[str, Any], trigger_id: str) -> dict[str, Any]:
    payload = interactive_base(ws, user, "view_submission")
    payload.update(
        {
            "team": team_ref(ws),
            "trigger_id": trigger_id,
            "view": copy.deepcopy(view),
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
    )
    return payload


def view_closed(ws: Workspace, user: User, view: dict[str, Any], is_cleared: bool) -> dict[str, Any]:
    payload = interactive_base(ws, user, "view_closed")
    payload.update(
        {
            "team": team_ref(ws),
            "view": copy.deepcopy(view),
            "is_cleared": is_cleared,
            "is_enterprise_install": False,
            "enterprise": None,
        }
    )
    return payload


def event_callback(ws: Workspace, event: dict[str, Any], event_time: int | None = None) -> dict[str, Any]:
    """Wrap an inner event the way the Events API delivers it."""
    now = int(event_time if event_time is not None else ws.now())
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": ws.team["id"],
        "context_team_id": ws.team["id"],
        "context_enterprise_id": None,
        "api_app_id": ws.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": "Ev" + secrets.token_hex(5).upper(),
        "event_time": now,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": ws.team["id"],
                "user_id": ws.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-" + secrets.token_urlsafe(24),
    }


def app_home_opened(ws: Workspace, user: User, dm: Channel, view: dict[str, Any] | None) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user.id,
        "channel": dm.id,
        "tab": "home",
        "event_ts": ws.new_ts(),
    }
    if view is not None:
        event["view"] = copy.deepcopy(view)
    return event


def member_joined_channel(ws: Workspace, user_id: str, channel: Channel, inviter: str | None) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "member_joined_channel",
        "user": user_id,
        "channel": channel.id,
        "channel_type": "G" if channel.is_private else "C",
        "team": ws.team["id"],
        "event_ts": ws.new_ts(),
    }
    if inviter:
        event["inviter"] = inviter
    return event


def message_event(ws: Workspace, channel: Channel, message: dict[str, Any], mention: bool = False) -> dict[str, Any]:
    """``message.im`` / ``message.channels`` (or ``app_mention`` when ``mention``) for a person's message."""
    event: dict[str, Any] = {
        "type": "app_mention" if mention else "message",
        "user": message["user"],
        "text": message["text"],
        "ts": message["ts"],
        "team": ws.team["id"],
        "channel": channel.id,
        "event_ts": message["ts"],
        "client_msg_id": message.get("client_msg_id", secrets.token_hex(16)),
    }
    if message.get("blocks"):
        event["blocks"] = copy.deepcopy(message["blocks"])
    if message.get("thread_ts"):
        event["thread_ts"] = message["thread_ts"]
    if not mention:
        event["channel_type"] = "im" if channel.is_im else "group" if channel.is_private else "channel"
    return event
