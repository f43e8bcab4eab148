"""The sandbox's HTTP face: a Starlette app served by uvicorn on a background thread.

Routes:
- ``/api/{method}``             Slack Web API (GET or POST; query, form-encoded or JSON arguments)
- ``/upload/v1/{file_id}``      the upload URL that ``files.getUploadURLExternal`` hands out
- ``/files/{file_id}/{name}``   a file's bytes (``url_private``), bot token required
- ``/response/{token}``         response_url endpoint (ephemeral, in_channel, replace/delete_original)
- ``/sandbox/faults``           GET the fault settings, POST a JSON spec (see ``Faults.configure``)
- ``/sandbox/bot``              POST ``{"url": ..., "signing_secret": ...}`` to point the sandbox at the bot
- ``/sandbox/calls``            GET the Web API call log
- ``/``, ``/ui/``, ``/sandbox/ui/...``  the sandbox in a browser (see ``sandbox/webui.py``)
- ``/socket-mode/link``          Socket Mode WebSocket, URL from ``apps.connections.open`` (``sandbox/socket_mode.py``)

The page and the control endpoints (everything but the Slack-facing routes) answer only a loopback Host, this
page's own Origin and JSON bodies (``sandbox.webui.ControlGuard``), so another web site cannot reconfigure the
sandbox, point it at another bot or read its call log. Refusals are JSON ``{"ok": false, "error": ...}`` (403, 415;
a body that is not the expected JSON is a 400).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute

from sandbox.faults import Faults
from sandbox.interactions import Interactions
from sandbox.socket_mode import SocketModeHub, SocketModeTransport
from sandbox.webapi import WebApi
from sandbox.webui import ControlGuard, WebUi
from sandbox.webui import routes as ui_routes
from sandbox.workspace import Workspace


async def _arguments(request: Request) -> dict[str, Any]:
    """Merge query string and body arguments; slack_sdk sends JSON or form bodies depending on the method."""
    args: dict[str, Any] = dict(request.query_params)
    body = await request.body()
    if not body:
        return args
    content_type = request.headers.get("content-type", "")
    if "application/json" in content_type:
        try:
            data = json.loads(body)
        except ValueError:
            return {**args, "__invalid__": "invalid_json"}
        if isinstance(data, dict):
            args.update(data)
        return args
    if "multipart/form-data" in content_type:
        # files.upload (v1, retired by Slack) is the only multipart method; the sandbox does not take it.
        return {**args, "__invalid__": "invalid_form_data"}
    args.update(dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)))
    return args


def _bad_spec(error: str) -> Response:
    return JSONResponse({"ok": False, "error": error}, status_code=400)


async def _control_spec(request: Request) -> dict[str, Any] | Response:
    """A control endpoint's JSON object (``{}`` for an empty body), or the 400 that says what is wrong with it.
    Host, Origin and Content-Type were checked before (``ControlGuard``)."""
    raw = await request.body()
    try:
        spec = json.loads(raw or b"{}")
    except ValueError:  # UnicodeDecodeError too
        return _bad_spec("the body is not JSON")
    if not isinstance(spec, dict):
        return _bad_spec("the body must be a JSON object")
    return spec


def _token(request: Request, args: dict[str, Any]) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    token = args.pop("token", None)
    return str(token) if token else None


def build_app(
    api: WebApi, interactions: Interactions, ui: WebUi | None = None, socket_mode: SocketModeHub | None = None
) -> Starlette:
    """The Starlette application over one WebApi and Interactions pair (and the browser page, when given)."""

    async def web_api(request: Request) -> Response:
        method = request.path_params["method"]
        args = await _arguments(request)
        if "__invalid__" in args:
            return JSONResponse({"ok": False, "error": args["__invalid__"]})
        token = _token(request, args)
        result = api.call(method, args, token)
        if result.delay:
            await asyncio.sleep(result.delay)
        if result.body is None:
            return PlainTextResponse("Internal Server Error", status_code=result.status)
        return JSONResponse(result.body, status_code=result.status, headers=result.headers)

    async def upload(request: Request) -> Response:
        status, text = api.receive_upload(request.path_params["file_id"], await request.body())
        return PlainTextResponse(text, status_code=status)

    async def download(request: Request) -> Response:
        if _token(request, dict(request.query_params)) != api.ws.bot_token:
            return PlainTextResponse("Unauthorized", status_code=401)
        stored = api.ws.files.get(request.path_params["file_id"])
        if stored is None or not stored.completed:
            return PlainTextResponse("Not Found", status_code=404)
        return Response(stored.content, media_type="application/octet-stream")

    async def response_url(request: Request) -> Response:
        raw = await request.body()
        try:
            body = json.loads(raw) if raw.strip().startswith(b"{") else dict(parse_qsl(raw.decode()))
        except ValueError:
            return PlainTextResponse("invalid_payload", status_code=400)
        if isinstance(body.get("payload"), str):
            body = json.loads(body["payload"])
        status, answer = interactions.response_url(request.path_params["token"], body)
        return JSONResponse(answer, status_code=status)

    async def faults(request: Request) -> Response:
        if request.method == "POST":
            spec = await _control_spec(request)
            if isinstance(spec, Response):
                return spec
            try:
                api.faults.configure(spec)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                return _bad_spec(f"not a fault spec ({type(exc).__name__}: {exc}); see Faults.configure")
        return JSONResponse(api.faults.describe())

    async def bot(request: Request) -> Response:
        spec = await _control_spec(request)
        if isinstance(spec, Response):
            return spec
        url, secret, timeout = spec.get("url"), spec.get("signing_secret"), spec.get("timeout", 10.0)
        if not (isinstance(url, str) and url and isinstance(secret, str) and secret):
            return _bad_spec('"url" and "signing_secret" (strings) are required')
        if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
            return _bad_spec('"timeout" must be a positive number of seconds')
        events = spec.get("events")
        if events is not None and not (isinstance(events, list) and all(isinstance(e, str) for e in events)):
            return _bad_spec('"events" must be a list of event types')
        interactions.configure_bot(url, secret, timeout=float(timeout))
        if events is not None:
            interactions.subscribe(events)
        return JSONResponse({"ok": True})

    async def calls(request: Request) -> Response:
        with api.ws.reading():
            log = [vars(c) for c in api.ws.calls]
        return JSONResponse({"calls": log})

    app = Starlette(
        routes=[
            Route("/api/{method}", web_api, methods=["GET", "POST"]),
            Route("/upload/v1/{file_id}", upload, methods=["POST", "PUT"]),
            Route("/files/{file_id}/{name}", download, methods=["GET"]),
            Route("/response/{token}", response_url, methods=["POST"]),
            Route("/sandbox/faults", faults, methods=["GET", "POST"]),
            Route("/sandbox/bot", bot, methods=["POST"]),
            Route("/sandbox/calls", calls, methods=["GET"]),
            *(ui_routes(ui) if ui is not None else []),
            *([WebSocketRoute("/socket-mode/link", socket_mode.endpoint)] if socket_mode is not None else []),
        ]
    )
    # Around the router, so no route (static files and the live feed included) is reached before the check.
    app.add_middleware(ControlGuard)
    return app


class SandboxServer:
    """A sandbox workspace served over HTTP on loopback.

    ``SandboxServer().start()`` returns once it listens; ``port=0`` picks a free port.  ``api_url`` is what the
    bot uses as ``SLACK_API_URL`` (it ends in ``/api/``).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        workspace: Workspace | None = None,
        people: Path | dict[str, Any] | None = None,
        clock: Callable[[], float] = time.time,
        bot_token: str = "xoxb-sandbox",
        bot_url: str | None = None,
        signing_secret: str | None = None,
        app_token: str = "xapp-1-sandbox",
        socket_mode: bool = False,
    ) -> None:
        if not bot_token.startswith("xoxb-"):
            raise ValueError("the sandbox's bot token must start with xoxb-")
        if not app_token.startswith("xapp-"):
            raise ValueError("the sandbox's app-level token must start with xapp-")
        self.host = host
        self.port = port
        self.workspace = workspace or Workspace(people, clock=clock, bot_token=bot_token)
        self.faults = Faults()
        self.api = WebApi(self.workspace, self.faults)
        self.interactions = Interactions(self.workspace)
        self.api.on_member_joined = self.interactions.member_joined
        if bot_url and signing_secret:
            self.interactions.configure_bot(bot_url, signing_secret)
        self.ui = WebUi(self.workspace, self.interactions)
        self.socket_mode = SocketModeHub(self.workspace.app_id)
        self.app_token = app_token
        self.api.app_token = app_token
        self.api.socket_url = lambda: self.socket_mode.issue_url(self.base_url)
        if socket_mode:
            self.use_socket_mode()
        self.app = build_app(self.api, self.interactions, self.ui, self.socket_mode)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    @property
    def ui_url(self) -> str:
        """The page where a person uses the workspace in a browser."""
        return f"{self.base_url}/ui/"

    @property
    def bot_token(self) -> str:
        return self.workspace.bot_token

    def configure_bot(self, url: str, signing_secret: str, timeout: float = 10.0) -> None:
        """Tell the sandbox where the bot's ``/slack/events`` is and how to sign for it."""
        self.interactions.configure_bot(url, signing_secret, timeout=timeout)

    def use_socket_mode(self, timeout: float = 10.0) -> None:
        """Deliver to the bot over Socket Mode (the app connects with ``apps.connections.open``)."""
        self.interactions.configure_bot(transport=SocketModeTransport(self.socket_mode, timeout))

    def start(self, timeout: float = 10.0) -> SandboxServer:
        """Serve on a background thread; returns when the socket listens."""
        config = uvicorn.Config(
            self.app, host=self.host, port=self.port, log_level="warning", lifespan="off", access_log=False
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="sandbox-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"sandbox server did not start on {self.host}:{self.port}")
            time.sleep(0.005)  # uvicorn offers no started-event to wait on; this polls only at start-up
        sockets = self._server.servers[0].sockets
        self.port = sockets[0].getsockname()[1]
        self.api.base_url = self.base_url
        self.interactions.base_url = self.base_url
        return self

    def stop(self) -> None:
        """Stop serving and the event worker."""
        self.ui.feed.close()
        self.interactions.close()
        if self._server is not None:
            # force_exit skips waiting for idle keep-alive connections (the bot's pool keeps some open).
            self._server.should_exit = True
            self._server.force_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
