"""HTTP mode: `POST /slack/events` into the Bolt app, and `GET /healthz` (design.md §2).

Bolt verifies each request's signature and 5-minute timestamp window and answers 401 otherwise. Dispatch runs in
a worker thread so a slow listener never holds the event loop; Bolt acks as soon as the listener calls `ack`.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable

from slack_bolt import App, BoltRequest
from slack_bolt.request.internals import extract_content_type, parse_body
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024  # Slack's payloads are far smaller; anything bigger is not from Slack


# The shapes Slack always sends; Bolt (and our listeners) index into them without checking.
_OBJECTS = ("view", "container", "message", "event", "state")
_OBJECT_OR_ID = ("user", "channel", "team", "enterprise")


def malformed(body: object) -> str | None:
    """What is wrong with a parsed payload's shape, or None. Wrong types would crash Bolt before our listeners
    (a 500 and, for events, Slack's retries); they are refused with a 400 that names the field instead."""
    if not isinstance(body, dict):
        return "not an object"
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


def build_asgi(app: App, signing_secret: str, health: Callable[[], dict[str, object]]) -> Starlette:
    """The ASGI application: the Slack endpoint and the health check."""
    verifier = SignatureVerifier(signing_secret)

    async def slack_events(request: Request) -> Response:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return JSONResponse({"ok": False, "error": "request body larger than 1 MiB"}, status_code=413)
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            return JSONResponse({"ok": False, "error": "request body larger than 1 MiB"}, status_code=413)
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
        report = await run_in_threadpool(health)
        status = 200 if report.get("database") == "ok" else 503
        return Response(json.dumps(report), status_code=status, media_type="application/json")

    return Starlette(routes=[
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ])
