"""HTTP mode: `POST /slack/events` into the Bolt app, and `GET /healthz` (design.md §2).

Bolt verifies each request's signature and 5-minute timestamp window and answers 401 otherwise. Dispatch runs in
a worker thread so a slow listener never holds the event loop; Bolt acks as soon as the listener calls `ack`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024  # Slack's payloads are far smaller; anything bigger is not from Slack


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
        try:
            bolt_req = BoltRequest(body=body, query=request.url.query, headers=headers)
        except ValueError as exc:  # truncated JSON, a payload that is not an object…
            if not verifier.is_valid_request(body, {k: v[0] for k, v in headers.items()}):
                return JSONResponse({"ok": False, "error": "invalid request signature"}, status_code=401)
            log.warning("malformed Slack payload: %s", exc)
            return JSONResponse({"ok": False, "error": f"malformed payload: {exc}"[:200]}, status_code=400)
        bolt_resp = await run_in_threadpool(app.dispatch, bolt_req)
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
