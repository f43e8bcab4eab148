"""HTTP mode: `POST /slack/events` into the Bolt app, and `GET /healthz` (design.md §2).

Bolt verifies each request's signature and 5-minute timestamp window and answers 401 otherwise. Dispatch runs in
a worker thread so a slow listener never holds the event loop; Bolt acks as soon as the listener calls `ack`.

Before Bolt sees a request, its body is read here with bounds that hold whatever the client declares: at most
`MAX_BODY_BYTES` counted as the bytes arrive (Content-Length and chunked alike; 413 and the connection closed, the
rest never read), within `BODY_TIMEOUT_SECONDS` in total (408), and a client that leaves mid-body is one DEBUG
line. A payload nested deeper than `MAX_JSON_DEPTH` is refused as malformed before any recursive code meets it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Callable

from anyio import move_on_after, to_thread
from slack_bolt import App, BoltRequest
from slack_bolt.request.internals import extract_content_type, parse_body
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024  # Slack's payloads are far smaller; anything bigger is not from Slack
# Slack sends its payload in one go within its 3 s budget; a body trickling in longer is holding a connection.
BODY_TIMEOUT_SECONDS = 10.0
# Slack's deepest shapes (rich text in a message in an event) are about 15 levels; json and Bolt recurse per level.
MAX_JSON_DEPTH = 64
# /healthz answers within this however the database behaves (the probe's own timeouts are shorter).
HEALTH_DEADLINE_SECONDS = 3.0


class BodyRefused(Exception):
    """A request body not read to its end: the status to answer and why."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.status = status
        self.error = error


async def read_body(request: Request, limit: int = MAX_BODY_BYTES, timeout: float = BODY_TIMEOUT_SECONDS) -> bytes:
    """The body, counted while it streams in; raises `BodyRefused` (413, 408) or Starlette's `ClientDisconnect`.

    `Request.body()` would buffer whatever arrives; a chunked body declares no length, so only counting the
    chunks bounds it. Stopping early leaves the rest unread, which the caller's `Connection: close` discards.
    """
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyRefused(413, "request body larger than 1 MiB")
    received = bytearray()
    try:
        async with asyncio.timeout(timeout):
            async for chunk in request.stream():
                if len(received) + len(chunk) > limit:
                    raise BodyRefused(413, "request body larger than 1 MiB")
                received += chunk
    except TimeoutError:
        raise BodyRefused(408, f"request body not received within {timeout:g} s") from None
    return bytes(received)


def too_deep(value: object, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a parsed payload nests lists and objects more than `limit` levels (iteratively: no recursion)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


# The shapes Slack always sends; Bolt (and our listeners) index into them without checking.
_OBJECTS = ("view", "container", "message", "event", "state")
_OBJECT_OR_ID = ("user", "channel", "team", "enterprise")


def malformed(body: object) -> str | None:
    """What is wrong with a parsed payload's shape, or None. Wrong types would crash Bolt before our listeners
    (a 500 and, for events, Slack's retries); they are refused with a 400 that names the field instead."""
    if not isinstance(body, dict):
        return "not an object"
    if too_deep(body):
        return f"nested more than {MAX_JSON_DEPTH} levels"
    if not isinstance(body.get("type", ""), str):
        return "type is not a string"
    for key in _OBJECTS:
        if key in body and not isinstance(body[key], dict):
            return f"{key} is not an object"
    for key in _OBJECT_OR_ID:
        if body.get(key) is not None and not isinstance(body[key], dict | str):
            return f"{key} is neither an object nor an id"
    for key in ("event", "view"):
        if key in body and not isinstance(body[key].get("type"), str):
            return f"{key} has no type"
    view = body.get("view") or {}
    if "state" in view and not (isinstance(view["state"], dict) and isinstance(view["state"].get("values", {}), dict)):
        return "view.state is not an object of values"
    actions = body.get("actions")
    if actions is not None and not (isinstance(actions, list) and actions and all(
            isinstance(a, dict) and isinstance(a.get("action_id", ""), str) for a in actions)):
        return "actions is not a list of actions"
    return None


def build_asgi(app: App, signing_secret: str, health: Callable[[], dict[str, object]], *,
               body_timeout: float = BODY_TIMEOUT_SECONDS,
               health_deadline: float = HEALTH_DEADLINE_SECONDS) -> Starlette:
    """The ASGI application: the Slack endpoint and the health check. The timeouts are parameters for tests."""
    verifier = SignatureVerifier(signing_secret)

    async def slack_events(request: Request) -> Response:
        try:
            raw = await read_body(request, MAX_BODY_BYTES, body_timeout)
        except BodyRefused as refused:
            # Close the connection: the unread rest of the body must not be parsed as the next request, nor read.
            return JSONResponse({"ok": False, "error": refused.error}, status_code=refused.status,
                                headers={"Connection": "close"})
        except ClientDisconnect:
            # A phone losing its network mid-upload is not our error, and there is no one left to answer.
            log.debug("client %s disconnected before its request body was complete",
                      request.client.host if request.client else "?")
            return Response(status_code=400, headers={"Connection": "close"})
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return JSONResponse({"ok": False, "error": "request body is not UTF-8"}, status_code=400)
        headers = {k: [v] for k, v in request.headers.items()}
        bolt_req: BoltRequest | None = None
        try:
            problem = malformed(parse_body(body, extract_content_type(headers)))
            bolt_req = None if problem else BoltRequest(body=body, query=request.url.query, headers=headers)
        except (ValueError, TypeError, AttributeError, KeyError) as exc:  # truncated JSON, wrong types…
            problem = str(exc)
        except RecursionError:  # json.loads of thousands of nested brackets
            problem = f"nested more than {MAX_JSON_DEPTH} levels"
        if bolt_req is None:
            if not verifier.is_valid_request(body, {k: v[0] for k, v in headers.items()}):
                return JSONResponse({"ok": False, "error": "invalid request signature"}, status_code=401)
            log.warning("malformed Slack payload: %s", problem)
            return JSONResponse({"ok": False, "error": f"malformed payload: {problem}"[:200]}, status_code=400)
        try:
            bolt_resp = await run_in_threadpool(app.dispatch, bolt_req)
        except Exception:
            # Listeners' errors are handled in the app (handlers/app.py); what escapes dispatch is Bolt itself choking
            # on a payload shape Slack never sends. Say so with a 400 (a 5xx would make Slack retry it).
            error_id = uuid.uuid4().hex[:8]
            log.exception("Slack payload could not be dispatched (error id %s)", error_id)
            return JSONResponse({"ok": False, "error": f"malformed payload (error id {error_id})"}, status_code=400)
        headers = {k: v[0] for k, v in bolt_resp.headers.items() if v and k.lower() != "content-length"}
        return Response(content=bolt_resp.body, status_code=bolt_resp.status, headers=headers)

    async def healthz(request: Request) -> Response:
        report: dict[str, object] = {"ok": False, "database": "timeout"}
        # The probe has short timeouts of its own; this deadline holds even if a driver ignores them (a DNS
        # lookup, say). An abandoned probe thread ends on its own timeouts.
        with move_on_after(health_deadline):
            report = await to_thread.run_sync(health, abandon_on_cancel=True)
        status = 200 if report.get("database") == "ok" else 503
        return Response(json.dumps(report), status_code=status, media_type="application/json")

    return Starlette(routes=[
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ])
