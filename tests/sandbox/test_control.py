"""The sandbox's page and control endpoints over real HTTP: a loopback Host on every request (DNS rebinding),
this page's own Origin, JSON bodies only; refusals and bad specs are clear JSON errors, never a 500.

The list of guarded routes is read from the running app, so a route added later is tested without being named.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import httpx
import pytest
from starlette.routing import Mount, Route

from sandbox.driver import Sandbox
from sandbox.webui import SLACK_FACING


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    with Sandbox.start() as running:
        yield running


@pytest.fixture
def http(box: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=box.server.base_url) as client:
        yield client


def guarded_requests(box: Sandbox) -> list[tuple[str, str]]:
    """(method, path) for every route of the page and the control endpoints, from the app's own table."""
    found: list[tuple[str, str]] = []
    for route in box.server.app.routes:
        if isinstance(route, Mount):
            found.append(("GET", route.path + "/app.js"))
        elif isinstance(route, Route) and not route.path.startswith(SLACK_FACING):
            found.extend((method, route.path) for method in sorted(route.methods or ()) if method != "HEAD")
    return found


def test_the_guard_covers_the_control_endpoints_and_the_page(box: Sandbox) -> None:
    paths = {path for _, path in guarded_requests(box)}
    assert {"/sandbox/bot", "/sandbox/faults", "/sandbox/calls", "/sandbox/ui/state", "/sandbox/ui/events",
            "/sandbox/ui/reset", "/ui/", "/ui/static/app.js"} <= paths


def test_every_page_and_control_request_needs_a_loopback_host(box: Sandbox, http: httpx.Client) -> None:
    """A page on rebound.example whose name now points at 127.0.0.1 can neither read nor drive the sandbox."""
    answers = {(method, path): http.request(method, path, json={}, headers={"Host": "rebound.example:3000"})
               for method, path in guarded_requests(box)}
    wrong = {key: (a.status_code, a.text[:80]) for key, a in answers.items()
             if a.status_code != 403 or "rebound.example:3000" not in a.json()["error"]}
    assert wrong == {}
    assert "DNS rebinding" in answers[("GET", "/sandbox/calls")].json()["error"]


def test_a_request_without_a_host_header_is_refused(box: Sandbox) -> None:
    with socket.create_connection(("127.0.0.1", box.server.port)) as sock:
        sock.sendall(b"GET /sandbox/faults HTTP/1.0\r\n\r\n")  # HTTP/1.0 may leave Host out
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 403") and "(none)" in json.loads(body)["error"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST", "[::1]"])
def test_loopback_names_are_served(box: Sandbox, http: httpx.Client, host: str) -> None:
    answer = http.get("/sandbox/faults", headers={"Host": f"{host}:{box.server.port}"})
    assert answer.status_code == 200 and answer.json()["rules"] == []


@pytest.mark.parametrize("path", ["/sandbox/bot", "/sandbox/faults", "/sandbox/ui/reset"])
def test_a_foreign_origin_is_refused(box: Sandbox, http: httpx.Client, path: str) -> None:
    before = box.interactions.transport
    answer = http.post(path, json={"url": "http://evil.example/x", "signing_secret": "s", "clear": True},
                       headers={"Origin": "https://evil.example"})
    assert answer.status_code == 403
    assert answer.json() == {"ok": False, "error": "Origin 'https://evil.example' is not the sandbox page's own "
                                                   f"origin '{box.server.base_url}'"}
    assert box.interactions.transport is before  # nothing was reconfigured


def test_a_foreign_origin_cannot_read_either(http: httpx.Client) -> None:
    assert http.get("/sandbox/calls", headers={"Origin": "https://evil.example"}).status_code == 403


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data",
                                          None])
@pytest.mark.parametrize("path", ["/sandbox/bot", "/sandbox/faults", "/sandbox/ui/reset"])
def test_control_posts_take_json_only(box: Sandbox, http: httpx.Client, path: str, content_type: str | None) -> None:
    """What an HTML form on another site can send (no preflight) is refused with 415, whatever the body says."""
    before = box.interactions.transport
    body = json.dumps({"url": "http://evil.example/x", "signing_secret": "s"}).encode()
    request = http.build_request("POST", path, content=body)
    if content_type is None:
        request.headers.pop("Content-Type", None)
    else:
        request.headers["Content-Type"] = content_type
    answer = http.send(request)
    assert answer.status_code == 415
    assert answer.json()["error"].startswith("Content-Type must be application/json, not ")
    assert box.interactions.transport is before


def test_the_page_origin_with_json_is_served(box: Sandbox, http: httpx.Client) -> None:
    own = {"Origin": box.server.base_url}
    spec = {"fail": [{"method": "chat.postMessage", "error": "channel_not_found"}]}
    described = http.post("/sandbox/faults", json=spec, headers=own)
    assert described.status_code == 200 and described.json()["rules"][0]["error"] == "channel_not_found"
    assert http.post("/sandbox/faults", json={"clear": True},
                     headers={**own, "Content-Type": "application/json; charset=utf-8"}).json()["rules"] == []
    before = box.interactions.transport
    try:
        pointed = http.post("/sandbox/bot", json={"url": "http://127.0.0.1:9/slack/events", "signing_secret": "s",
                                                  "timeout": 1}, headers=own)
        assert pointed.json() == {"ok": True} and box.interactions.transport is not before
    finally:
        box.interactions.transport.close()
        box.interactions.transport = before  # as the module's sandbox started: no bot


@pytest.mark.parametrize(("path", "body", "error"), [
    ("/sandbox/faults", b"not json", "the body is not JSON"),
    ("/sandbox/faults", b"[1, 2]", "the body must be a JSON object"),
    ("/sandbox/faults", b'{"fail": [{"method": "chat.postMessage"}]}', "not a fault spec (KeyError"),
    ("/sandbox/faults", b'{"delay": "soon"}', "not a fault spec"),
    ("/sandbox/bot", b"{}", '"url" and "signing_secret" (strings) are required'),
    ("/sandbox/bot", b'{"url": 1, "signing_secret": "s"}', '"url" and "signing_secret" (strings) are required'),
    ("/sandbox/bot", b'{"url": "http://x", "signing_secret": "s", "timeout": "x"}', '"timeout" must be'),
    ("/sandbox/bot", b'{"url": "http://x", "signing_secret": "s", "events": "all"}', '"events" must be'),
    ("/sandbox/bot", b"\xff\xfe", "the body is not JSON"),
])
def test_a_bad_spec_is_a_400_that_says_what_is_wrong(box: Sandbox, http: httpx.Client, path: str, body: bytes,
                                                     error: str) -> None:
    before = box.interactions.transport
    answer = http.post(path, content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400 and answer.json()["ok"] is False
    assert answer.json()["error"].startswith(error)
    assert box.interactions.transport is before
    assert box.faults.describe()["rules"] == []


def test_the_slack_facing_api_answers_any_host(box: Sandbox, http: httpx.Client) -> None:
    """The bot may reach the sandbox under a container's name; the Web API needs the bot token, not a Host."""
    answer = http.post("/api/auth.test", headers={"Host": "sandbox.internal:3000",
                                                  "Authorization": f"Bearer {box.server.bot_token}"})
    assert answer.status_code == 200 and answer.json()["ok"] is True
