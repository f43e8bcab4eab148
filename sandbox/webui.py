"""The sandbox in a browser: a Slack-like page and the small JSON / server-sent-events API behind it.

Routes (added to the sandbox's Starlette app by ``routes``):

- ``GET /`` → ``/ui/``; ``GET /ui/`` the page; ``/ui/static/*`` its script and style (``sandbox/static``)
- ``GET /sandbox/ui/bootstrap``                 the team, the bot and the people (name, title = role)
- ``GET /sandbox/ui/state?as=U``                what ``U`` sees: channels and DMs with unread counts, top modal
- ``GET /sandbox/ui/conversation?as=U&channel=C[&thread=TS]`` messages (with ``U``'s ephemerals) or a thread;
  ``{"gone": reason}`` when it is no longer there for ``U``
- ``GET /sandbox/ui/events``                    server-sent events: ``change`` whenever the workspace changes
- ``POST /sandbox/ui/command|message|action|submit|close|read|dm|home|reset``  what a person does

Every action goes through the same ``Interactions`` code the Python driver uses (``slash``, ``say``,
``block_action``, ``submit``, ``close_view``), so the bot receives exactly Slack's signed payloads.  The page
renders Block Kit and mrkdwn with DOM nodes and ``textContent`` only, and a Content-Security-Policy allows nothing
but this origin.  Every request for the page, its API and the sandbox's control endpoints passes ``refusal`` (in
``ControlGuard``): a loopback Host, this page's own Origin when there is one, JSON bodies only; so another web page
can neither drive the sandbox nor read it, even through DNS rebinding.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from sandbox.interactions import Interactions, Outcome, find_element
from sandbox.payloads import element_value
from sandbox.workspace import Channel, SlackError, User, Workspace

STATIC = Path(__file__).parent / "static"
KEEPALIVE_SECONDS = 15.0
# Bursts of changes (a report makes dozens of Web API calls) are sent as one event at most this often.
EVENT_INTERVAL_SECONDS = 0.1

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class UiError(Exception):
    """A refused UI request: HTTP status and a short reason for the page to show."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class ChangeFeed:
    """Turns the workspace's condition-variable notifications into asyncio wake-ups for SSE clients.

    One watcher thread waits on the workspace; each change sets every subscriber's ``asyncio.Event`` on its own
    loop.  The thread starts with the first subscriber and ends with ``close``.
    """

    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace
        self._subscribers: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = threading.Event()

    def subscribe(self) -> tuple[asyncio.AbstractEventLoop, asyncio.Event]:
        entry = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            self._subscribers.add(entry)
            if self._thread is None and not self._closed.is_set():
                self._thread = threading.Thread(target=self._watch, name="sandbox-ui-feed", daemon=True)
                self._thread.start()
        return entry

    def unsubscribe(self, entry: tuple[asyncio.AbstractEventLoop, asyncio.Event]) -> None:
        with self._lock:
            self._subscribers.discard(entry)

    def _watch(self) -> None:
        version = self.ws.version
        while not self._closed.is_set():
            now = self.ws.wait_change(version, timeout=0.5)
            if now == version:
                continue
            version = now
            with self._lock:
                subscribers = list(self._subscribers)
            for loop, event in subscribers:
                try:
                    loop.call_soon_threadsafe(event.set)
                except RuntimeError:  # the loop has closed: the server stopped
                    self.unsubscribe((loop, event))

    def close(self) -> None:
        self._closed.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None


class WebUi:
    """The page's API over one workspace and its ``Interactions``; read markers for unread counts live here."""

    def __init__(self, workspace: Workspace, interactions: Interactions) -> None:
        self.ws = workspace
        self.interactions = interactions
        self.feed = ChangeFeed(workspace)
        # (user, channel) -> the newest ts the user has seen there.
        self.read_markers: dict[tuple[str, str], str] = {}

    # ---- reading -----------------------------------------------------------------------------------------------

    def person(self, user_id: str | None) -> User:
        user = self.ws.users.get(user_id or "")
        if user is None or user.is_bot or user.deleted:
            raise UiError(404, f"no person {user_id!r} in the workspace")
        return user

    def bootstrap(self) -> dict[str, Any]:
        with self.ws.reading():
            people = [
                {
                    "id": u.id,
                    "name": u.name,
                    "real_name": u.real_name,
                    "display_name": u.display_name or u.real_name or u.name,
                    "title": u.title,
                    "locale": u.locale,
                    "is_bot": u.is_bot,
                }
                for u in self.ws.users.values()
                if not u.deleted
            ]
            return {
                "team": dict(self.ws.team),
                "bot": {"user_id": self.ws.bot_user_id, "bot_id": self.ws.bot_id, "name": self.ws.bot_name},
                "people": people,
            }

    def _unread(self, user: str, channel: Channel) -> tuple[int, bool]:
        marker = self.read_markers.get((user, channel.id), "0")
        count, mentioned = 0, False
        for message in self.ws.history(channel):
            if float(message["ts"]) > float(marker) and message.get("user") != user:
                count += 1
                mentioned = mentioned or f"<@{user}>" in str(message.get("text", "")) or channel.is_im
        return count, mentioned

    def _channel_json(self, channel: Channel, user: str) -> dict[str, Any]:
        unread, mentioned = self._unread(user, channel)
        if channel.is_im:
            other = next((m for m in channel.members if m != user), user)
            kind = "im"
        else:
            other = None
            kind = "private" if channel.is_private else "channel"
        return {
            "id": channel.id,
            "name": channel.name,
            "kind": kind,
            "user": other,
            "topic": channel.topic.get("value", ""),
            "purpose": channel.purpose.get("value", ""),
            "members": len(channel.members),
            "is_general": channel.is_general,
            "archived": channel.archived,
            "unread": unread,
            "mention": mentioned,
        }

    def state(self, user_id: str | None) -> dict[str, Any]:
        """Everything the sidebar and the modal layer need for one person."""
        user = self.person(user_id)
        with self.ws.reading():
            mine = [c for c in self.ws.channels.values() if user.id in c.members and not c.archived]
            channels = sorted((c for c in mine if not c.is_im), key=lambda c: (not c.is_general, c.name))
            dms = sorted((c for c in mine if c.is_im), key=lambda c: c.created)
            stack = self.ws.modal_stacks.get(user.id) or []
            modal = None
            if stack:
                record = self.ws.views[stack[-1]]
                modal = {**copy.deepcopy(record.view), "errors": dict(record.errors or {}), "depth": len(stack)}
            home_id = self.ws.home_views.get(user.id)
            return {
                "version": self.ws.version,
                "me": user.id,
                "channels": [self._channel_json(c, user.id) for c in channels],
                "dms": [self._channel_json(c, user.id) for c in dms],
                "bot_dm": next((c.id for c in dms if self.ws.bot_user_id in c.members), None),
                "modal": modal,
                "home": copy.deepcopy(self.ws.views[home_id].view) if home_id in self.ws.views else None,
            }

    def conversation(self, user_id: str | None, channel_id: str | None, thread: str | None) -> dict[str, Any]:
        """A channel's messages (or one thread) with this person's ephemerals, oldest first.

        A channel or thread the person cannot read (deleted by a reset, or never theirs) answers 200 with
        ``gone`` and nothing else: an open page can lose its channel between two requests, and a 4xx there would
        only be a console error in the browser for a normal event.
        """
        user = self.person(user_id)
        with self.ws.reading():
            try:
                channel = self._visible(user, channel_id)
            except UiError as err:
                return {"version": self.ws.version, "gone": err.reason}
            if thread:
                try:
                    messages = [copy.deepcopy(m) for m in self.ws.replies(channel, thread)]
                except SlackError as err:
                    return {"version": self.ws.version, "gone": err.code}
            else:
                messages = [copy.deepcopy(m) for m in self.ws.history(channel)]
            for eph in self.ws.ephemerals:
                if eph.user == user.id and eph.channel == channel.id and eph.message.get("thread_ts") == thread:
                    messages.append({**copy.deepcopy(eph.message), "is_ephemeral": True})
            messages.sort(key=lambda m: float(m["ts"]))
            pinned = [p["message"]["ts"] for p in channel.pins]
            return {
                "version": self.ws.version,
                "channel": self._channel_json(channel, user.id),
                "messages": messages,
                "pinned": pinned,
                "thread": thread,
            }

    def _visible(self, user: User, channel_id: str | None) -> Channel:
        channel = self.ws.channels.get(channel_id or "")
        if channel is None:
            raise UiError(404, "channel_not_found")
        if user.id not in channel.members and (channel.is_private or channel.is_im):
            raise UiError(403, "not_in_channel")
        return channel

    # ---- acting ------------------------------------------------------------------------------------------------

    def mark_read(self, user_id: str | None, channel_id: str | None, ts: str | None) -> dict[str, Any]:
        user = self.person(user_id)
        with self.ws.reading():
            try:
                channel = self._visible(user, channel_id)
            except UiError as err:  # the page raced a reset: there is nothing left to mark
                return {"ok": True, "gone": err.reason}
            newest = ts or max((m["ts"] for m in self.ws.history(channel)), key=float, default="0")
        key = (user.id, channel.id)
        if float(newest) > float(self.read_markers.get(key, "0")):
            self.read_markers[key] = newest
            self.ws.notify()  # other tabs of the same person update their unread marks
        return {"ok": True}

    def open_dm(self, user_id: str | None) -> dict[str, Any]:
        user = self.person(user_id)
        return {"ok": True, "channel": self.ws.im_with(user.id).id}

    def command(self, user_id: str | None, channel_id: str | None, text: str) -> dict[str, Any]:
        """``/crisis report`` typed in the composer: the command word, then its text."""
        user = self.person(user_id)
        channel = self._visible(user, channel_id)
        command, _, rest = text.strip().partition(" ")
        if not command.startswith("/") or len(command) < 2:
            raise UiError(400, "a slash command starts with / and a name")
        # As Slack does for a command with should_escape (the manifests): &<> escaped, @name → <@U…>.
        return _outcome(self.interactions.slash(user, channel, command, self.as_typed(rest.strip())))

    def message(self, user_id: str | None, channel_id: str | None, text: str, thread: str | None) -> dict[str, Any]:
        user = self.person(user_id)
        channel = self._visible(user, channel_id)
        if not text.strip():
            raise UiError(400, "empty message")
        if user.id not in channel.members:
            raise UiError(403, "not_in_channel")
        try:
            message = self.interactions.say(user, channel, self.as_typed(text), thread or None)
        except SlackError as err:
            raise UiError(400, err.code) from err
        return {"ok": True, "ts": message["ts"]}

    def as_typed(self, text: str) -> str:
        """What Slack's client sends for typed text: ``&<>`` escaped, ``@name`` turned into ``<@U…>``."""
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        with self.ws.reading():
            names = {}
            for u in self.ws.users.values():
                for name in (u.name, u.display_name):
                    if name:
                        names[name.lower()] = u.id

        def mention(match: re.Match[str]) -> str:
            found = names.get(match.group(1).lower())
            return f"<@{found}>" if found else match.group(0)

        return re.sub(r"@([\w.\-]+)", mention, escaped)

    def _fill(self, user: User, view_id: str, values: dict[str, Any] | None) -> Any:
        """Put what the person entered into the view's state, as Slack does while they type."""
        record = self.ws.views.get(view_id)
        if record is None or record.user != user.id or record.closed:
            raise UiError(404, "view_not_found")
        with self.ws.changing():
            for block_id, entries in (values or {}).items():
                for action_id, value in (entries or {}).items():
                    try:
                        block, element = find_element(record.view["blocks"], action_id, block_id)
                        entry = element_value(element, value)
                    except (KeyError, ValueError) as err:
                        raise UiError(400, str(err)) from err
                    record.view["state"]["values"].setdefault(block["block_id"], {})[element["action_id"]] = entry
        return record

    def action(self, user_id: str | None, spec: dict[str, Any]) -> dict[str, Any]:
        """A click or a pick in a message (``channel`` + ``ts``) or a view (``view_id``)."""
        user = self.person(user_id)
        block_id, action_id, value = spec.get("block_id"), str(spec.get("action_id") or ""), spec.get("value")
        if spec.get("view_id"):
            record = self._fill(user, str(spec["view_id"]), spec.get("values"))
            try:
                block, element = find_element(record.view["blocks"], action_id, block_id)
            except KeyError as err:
                raise UiError(404, str(err)) from err
            return _outcome(self.interactions.block_action(user, block=block, element=element, value=value,
                                                           view=record))
        with self.ws.reading():
            channel = self._visible(user, spec.get("channel"))
            ts = str(spec.get("ts") or "")
            ephemeral = bool(spec.get("ephemeral"))
            if ephemeral:
                found = next((e.message for e in self.ws.ephemerals if e.user == user.id and e.message["ts"] == ts),
                             None)
            else:
                found = channel.messages.get(ts)
            if found is None:
                raise UiError(404, "message_not_found")
            message = copy.deepcopy(found)
        try:
            block, element = find_element(message.get("blocks") or [], action_id, block_id)
        except KeyError as err:
            raise UiError(404, str(err)) from err
        return _outcome(self.interactions.block_action(user, block=block, element=element, value=value,
                                                       channel=channel, message=message, is_ephemeral=ephemeral))

    def submit(self, user_id: str | None, view_id: str, values: dict[str, Any] | None) -> dict[str, Any]:
        user = self.person(user_id)
        record = self._fill(user, view_id, values)
        return _outcome(self.interactions.submit(user, record))

    def close(self, user_id: str | None, view_id: str, clear: bool) -> dict[str, Any]:
        user = self.person(user_id)
        record = self.ws.views.get(view_id)
        if record is None or record.user != user.id:
            raise UiError(404, "view_not_found")
        outcome = self.interactions.close_view(user, record, clear)
        return _outcome(outcome) if outcome else {"ok": True}

    def open_home(self, user_id: str | None) -> dict[str, Any]:
        user = self.person(user_id)
        reply = self.interactions.open_home(user)
        return {"ok": reply is None or reply.status == 200, "subscribed": reply is not None}

    def reset(self) -> dict[str, Any]:
        self.ws.reset()
        self.read_markers.clear()
        return {"ok": True}


def _outcome(outcome: Outcome) -> dict[str, Any]:
    return {
        "ok": outcome.ok,
        "failure": outcome.failure,
        "errors": outcome.errors,
        "response_action": outcome.response_action,
        "status": outcome.reply.status,
    }


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
# What Slack's side of the sandbox serves to the bot, which may reach it under any host name (a container's, say);
# the Web API and the files need the bot token. Every other path is the page or a control endpoint: see `refusal`.
SLACK_FACING = ("/api/", "/upload/", "/files/", "/response/", "/socket-mode/")


def refusal(request: Request) -> UiError | None:
    """Why a request for the page or a control endpoint is refused (403, 415), or None: the one check for all.

    - the Host header must be a loopback name, on every method: a page on another site whose name was rebound to
      127.0.0.1 (DNS rebinding) still sends its own name, so it can neither read state nor drive the sandbox;
    - an Origin header, when the browser sends one, must be this page's own origin;
    - a request with a body must be ``application/json``, which no HTML form can send and which a cross-site
      ``fetch`` cannot send without a preflight that the Origin rule refuses.
    """
    host = request.headers.get("host", "")
    name = host[: host.index("]") + 1] if host.startswith("[") and "]" in host else host.rsplit(":", 1)[0]
    if name.lower() not in LOOPBACK_HOSTS:
        return UiError(403, f"Host {host or '(none)'!r} is not a loopback name; the sandbox answers only "
                            f"{', '.join(LOOPBACK_HOSTS)} (DNS rebinding protection)")
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{host}"
    if origin is not None and origin != own:
        return UiError(403, f"Origin {origin!r} is not the sandbox page's own origin {own!r}")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media != "application/json":
            return UiError(415, f"Content-Type must be application/json, not {media or '(none)'!r}")
    return None


class ControlGuard:
    """ASGI middleware that applies `refusal` to every HTTP request outside `SLACK_FACING`: the page, its
    assets and API, the live feed and the control endpoints. Deny by default, so a route added later is covered
    without remembering to guard it."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and not str(scope["path"]).startswith(SLACK_FACING):
            refused = refusal(Request(scope))
            if refused is not None:
                response = JSONResponse({"ok": False, "error": refused.reason}, status_code=refused.status,
                                        headers={"Cache-Control": "no-store"})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def routes(ui: WebUi) -> list[BaseRoute]:
    """The page's routes, to add to the sandbox's Starlette app, which wraps them in `ControlGuard`."""

    def guarded(handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            try:
                if request.method == "POST":
                    try:
                        body = json.loads(await request.body() or b"{}")
                    except ValueError as err:
                        raise UiError(400, "invalid_json") from err
                    if not isinstance(body, dict):
                        raise UiError(400, "invalid_json")
                    result = await run_in_threadpool(handler, body)
                else:
                    result = handler(dict(request.query_params))
            except UiError as err:
                return JSONResponse({"ok": False, "error": err.reason}, status_code=err.status,
                                    headers={"Cache-Control": "no-store"})
            return JSONResponse(result, headers={"Cache-Control": "no-store"})

        return endpoint

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)

    async def root(request: Request) -> Response:
        return RedirectResponse("/ui/")

    async def favicon(request: Request) -> Response:
        return Response(status_code=204)

    async def events(request: Request) -> Response:
        entry = ui.feed.subscribe()
        _, changed = entry

        async def stream() -> AsyncIterator[str]:
            try:
                yield f"retry: 1000\nevent: change\ndata: {json.dumps({'version': ui.ws.version})}\n\n"
                while True:
                    try:
                        await asyncio.wait_for(changed.wait(), KEEPALIVE_SECONDS)
                    except TimeoutError:
                        if await request.is_disconnected():
                            return
                        yield ": keep-alive\n\n"
                        continue
                    changed.clear()
                    yield f"event: change\ndata: {json.dumps({'version': ui.ws.version})}\n\n"
                    await asyncio.sleep(EVENT_INTERVAL_SECONDS)
            finally:
                ui.feed.unsubscribe(entry)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    api = "/sandbox/ui"
    return [
        Route("/", root, methods=["GET"]),
        Route("/ui/", index, methods=["GET"]),
        Route("/ui", root, methods=["GET"]),
        Route("/favicon.ico", favicon, methods=["GET"]),
        Mount("/ui/static", app=StaticFiles(directory=STATIC), name="ui-static"),
        Route(f"{api}/bootstrap", guarded(lambda q: ui.bootstrap()), methods=["GET"]),
        Route(f"{api}/state", guarded(lambda q: ui.state(q.get("as"))), methods=["GET"]),
        Route(f"{api}/conversation",
              guarded(lambda q: ui.conversation(q.get("as"), q.get("channel"), q.get("thread") or None)),
              methods=["GET"]),
        Route(f"{api}/events", events, methods=["GET"]),
        Route(f"{api}/read", guarded(lambda b: ui.mark_read(b.get("as"), b.get("channel"), b.get("ts"))),
              methods=["POST"]),
        Route(f"{api}/dm", guarded(lambda b: ui.open_dm(b.get("as"))), methods=["POST"]),
        Route(f"{api}/command",
              guarded(lambda b: ui.command(b.get("as"), b.get("channel"), str(b.get("text") or ""))),
              methods=["POST"]),
        Route(f"{api}/message",
              guarded(lambda b: ui.message(b.get("as"), b.get("channel"), str(b.get("text") or ""),
                                           b.get("thread"))),
              methods=["POST"]),
        Route(f"{api}/action", guarded(lambda b: ui.action(b.get("as"), b)), methods=["POST"]),
        Route(f"{api}/submit", guarded(lambda b: ui.submit(b.get("as"), str(b.get("view_id")), b.get("values"))),
              methods=["POST"]),
        Route(f"{api}/close",
              guarded(lambda b: ui.close(b.get("as"), str(b.get("view_id")), bool(b.get("clear")))),
              methods=["POST"]),
        Route(f"{api}/home", guarded(lambda b: ui.open_home(b.get("as"))), methods=["POST"]),
        Route(f"{api}/reset", guarded(lambda b: ui.reset()), methods=["POST"]),
    ]


__all__ = ["ChangeFeed", "ControlGuard", "UiError", "WebUi", "refusal", "routes"]
