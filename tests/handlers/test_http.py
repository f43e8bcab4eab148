"""Security basics of the HTTP endpoint: signatures, health, malformed payloads, body size; and the hardening
of issue 11 against real sockets: chunked and slow bodies, clients that leave, deep JSON, a held write lock."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy import create_engine

from bot.runtime.compose import HttpServer
from handlers.http import MAX_BODY_BYTES, build_asgi
from tests.stack import SECRET


def signed(body: str, secret: str = SECRET, ts: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if ts is None else ts)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}",
            "Content-Type": "application/x-www-form-urlencoded"}


def command_body(text: str = "help") -> str:
    return urlencode({"command": "/crisis", "text": text, "user_id": "U0000INS1", "team_id": "T0KEELUNG",
                      "channel_id": "C0GENERAL", "trigger_id": "1.2.3", "response_url": "http://127.0.0.1:9/x"})


@pytest.fixture
def url(stack):
    return stack.http.url


def test_signed_command_is_answered(url):
    body = command_body()
    answer = httpx.post(f"{url}/slack/events", content=body, headers=signed(body))
    assert answer.status_code == 200
    assert "可用指令" in answer.json()["text"]


@pytest.mark.parametrize(
    "headers",
    [
        {},  # missing
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=deadbeef"},  # bad
        "stale",
        "wrong-secret",
    ],
    ids=["missing", "bad", "stale", "wrong-secret"],
)
def test_unsigned_or_badly_signed_requests_get_401(url, headers):
    body = command_body()
    if headers == "stale":
        headers = signed(body, ts=int(time.time()) - 6 * 60)
    elif headers == "wrong-secret":
        headers = signed(body, secret="not-the-secret")
    answer = httpx.post(f"{url}/slack/events", content=body, headers=headers)
    assert answer.status_code == 401


def test_malformed_payload_gets_a_clear_400(url):
    body = "payload=" + json.dumps({"type": "block_actions"})[:-5]
    answer = httpx.post(f"{url}/slack/events", content=body, headers=signed(body))
    assert answer.status_code == 400
    assert "malformed payload" in answer.json()["error"]


def test_malformed_unsigned_payload_is_still_401(url):
    body = "payload={broken"
    answer = httpx.post(f"{url}/slack/events", content=body, headers=signed(body, secret="nope"))
    assert answer.status_code == 401


def test_oversized_body_is_refused(url):
    body = "text=" + "x" * (1024 * 1024 + 10)
    answer = httpx.post(f"{url}/slack/events", content=body, headers=signed(body))
    assert answer.status_code == 413


def test_healthz_reports_the_database(stack, url):
    assert httpx.get(f"{url}/healthz").json() == {"ok": True, "database": "ok"}
    stack.bot.engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none",
                                     connect_args={"connect_timeout": 1})
    answer = httpx.get(f"{url}/healthz")
    assert answer.status_code == 503 and answer.json()["database"] == "unreachable"


def test_unknown_paths_are_404_not_500(url):
    assert httpx.get(f"{url}/nope").status_code == 404
    assert httpx.get(f"{url}/slack/events").status_code == 405


# ---------------------------------------------------------------------------------------- hardening (issue 11)


class CountingApp:
    """Wraps the bot's ASGI app and counts the body bytes it actually took from the server."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.received = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def counted() -> dict[str, Any]:
            message = await receive()
            if message["type"] == "http.request":
                self.received += len(message.get("body", b""))
            return message

        await self.app(scope, counted, send)


@pytest.fixture
def served(stack) -> Iterator[Callable[..., tuple[CountingApp, int]]]:
    """Serve the running bot's app again, counted and with the timeouts a test asks for; yields a starter."""
    servers: list[HttpServer] = []

    def start(**options: Any) -> tuple[CountingApp, int]:
        app = CountingApp(build_asgi(stack.bot.app, SECRET, stack.bot.health, **options))
        server = HttpServer(app).start()  # type: ignore[arg-type]
        servers.append(server)
        return app, server.port

    yield start
    for server in servers:
        server.stop()


def read_response(sock: socket.socket, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one HTTP/1.1 response (Content-Length framed, as Starlette sends them)."""
    sock.setblocking(True)
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        more = sock.recv(65536)
        if not more:
            raise AssertionError(f"connection closed before a response: {data!r}")
        data += more
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    while len(body) < int(headers.get("content-length", "0")):
        more = sock.recv(65536)
        if not more:
            break
        body += more
    return int(status_line.split()[1]), headers, body


def request_head(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_an_endless_chunked_body_is_cut_at_1_mib(served):
    """256 MiB announced by nothing (chunked): the app takes 1 MiB and a chunk, answers 413 and closes; the
    client cannot push more than the kernel's socket buffers after that."""
    app, port = served()
    total, size = 256 * 1024 * 1024, 64 * 1024
    frame = memoryview(b"%x\r\n" % size + b"x" * size + b"\r\n")
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
    with sock:
        sock.sendall(request_head("/slack/events", {"Transfer-Encoding": "chunked",
                                                    "Content-Type": "application/x-www-form-urlencoded"}))
        sock.setblocking(False)
        sent, offset, deadline = 0, 0, time.monotonic() + 60
        while sent < total and time.monotonic() < deadline:
            readable, writable, _ = select.select([sock], [sock], [], 10)
            if readable:
                break  # the answer (or the close) came before the body ended
            if writable:
                try:
                    n = sock.send(frame[offset:])
                except (BrokenPipeError, ConnectionResetError):
                    break
                sent, offset = sent + n, (offset + n) % len(frame)
        status, headers, body = read_response(sock)
    assert app.received <= MAX_BODY_BYTES + 512 * 1024  # 1 MiB and at most one read of slack
    assert sent < 64 * 1024 * 1024  # far from the 256 MiB: nobody read the rest
    assert status == 413 and "1 MiB" in json.loads(body)["error"]
    assert headers.get("connection") == "close"


def test_a_declared_oversize_body_is_refused_unread(served):
    app, port = served()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(request_head("/slack/events", {"Content-Length": str(256 * 1024 * 1024),
                                                    "Content-Type": "application/x-www-form-urlencoded"}))
        sock.sendall(b"x" * 65536)
        status, headers, _ = read_response(sock)
    assert status == 413 and headers.get("connection") == "close"
    assert app.received <= 512 * 1024


@pytest.mark.parametrize("shape", ["json", "form"])
def test_deeply_nested_json_is_a_400_or_401_without_a_traceback(url, shape, caplog):
    nested = "[" * 100_000
    body = nested if shape == "json" else "payload=" + nested
    content_type = "application/json" if shape == "json" else "application/x-www-form-urlencoded"
    with caplog.at_level(logging.DEBUG):
        unsigned = httpx.post(f"{url}/slack/events", content=body, headers={"Content-Type": content_type})
        signed_headers = {**signed(body), "Content-Type": content_type}
        answer = httpx.post(f"{url}/slack/events", content=body, headers=signed_headers)
        # deep but parseable: refused before Bolt's own recursion meets it
        moderate = json.dumps({"type": "block_actions", "x": json.loads("[" * 100 + "]" * 100)})
        moderate_body = moderate if shape == "json" else "payload=" + moderate
        deep = httpx.post(f"{url}/slack/events", content=moderate_body,
                          headers={**signed(moderate_body), "Content-Type": content_type})
    assert unsigned.status_code == 401
    assert answer.status_code == 400 and "nested" in answer.json()["error"]
    assert deep.status_code == 400 and "nested more than 64 levels" in deep.json()["error"]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


class Recorded(logging.Handler):
    """Log records of the HTTP module, with an event set when the first DEBUG line arrives."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.debug = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        if record.levelno == logging.DEBUG:
            self.debug.set()


def test_a_client_leaving_mid_body_is_one_quiet_debug_line(served, caplog):
    _, port = served()
    recorded = Recorded()
    module = logging.getLogger("handlers.http")
    module.addHandler(recorded)
    level = module.level
    module.setLevel(logging.DEBUG)
    try:
        with caplog.at_level(logging.DEBUG), socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(request_head("/slack/events", {"Content-Length": "1000",
                                                        "Content-Type": "application/json"}) + b'{"type": ')
            sock.shutdown(socket.SHUT_WR)  # the phone lost its network: no more bytes, ever
            assert recorded.debug.wait(10), "no line for the disconnect"
    finally:
        module.removeHandler(recorded)
        module.setLevel(level)
    assert [(r.levelno, "disconnected" in r.getMessage()) for r in recorded.records] == [(logging.DEBUG, True)]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.WARNING]


def test_a_body_that_never_ends_times_out(served):
    """Half a body and then silence: 408 after the (shortened) total read time."""
    _, port = served(body_timeout=0.3)
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(request_head("/slack/events", {"Content-Length": "1000",
                                                    "Content-Type": "application/json"}) + b'{"type": ')
        started = time.monotonic()
        status, headers, body = read_response(sock)
    assert status == 408 and headers.get("connection") == "close"
    assert "0.3 s" in json.loads(body)["error"]
    assert time.monotonic() - started < 5


def test_a_trickling_body_times_out_in_total_not_per_read(served):
    """A byte every 50 ms never lets a per-read timeout fire; the total read time still does."""
    _, port = served(body_timeout=0.3)
    stop = threading.Event()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(request_head("/slack/events", {"Transfer-Encoding": "chunked",
                                                    "Content-Type": "application/json"}))

        def trickle() -> None:
            while not stop.is_set():
                try:
                    sock.sendall(b"1\r\nx\r\n")
                except OSError:
                    return
                stop.wait(0.05)  # the slow client itself: this test is about its pace

        sender = threading.Thread(target=trickle)
        sender.start()
        try:
            started = time.monotonic()
            status, _, _ = read_response(sock)
        finally:
            stop.set()
            sender.join()
    assert status == 408
    assert time.monotonic() - started < 5


def test_healthz_is_503_while_another_connection_holds_the_sqlite_write_lock(stack, url):
    if not stack.database_url.startswith("sqlite"):
        pytest.skip("SQLite's single write lock")
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:
        with stack.bot.services.sessions() as session, session.begin():
            session.execute(sa.text("SELECT 1"))  # BEGIN IMMEDIATE: the write lock is held from here
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(10)
        started = time.monotonic()
        answer = httpx.get(f"{url}/healthz")
        assert time.monotonic() - started < 2  # the probe's short timeout, not the 30 s busy timeout
        assert answer.status_code == 503 and answer.json() == {"ok": False, "database": "busy"}
    finally:
        release.set()
        thread.join()
    assert httpx.get(f"{url}/healthz").status_code == 200


def test_healthz_is_503_when_the_database_takes_no_writes(stack, url):
    """A read-only PostgreSQL (a failover onto a standby, a full disk made read-only) answers SELECT 1 but keeps
    no page: not healthy."""
    if not stack.database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's read-only sessions")
    name = sa.make_url(stack.database_url).database
    admin = create_engine(stack.database_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        answer = httpx.get(f"{url}/healthz")
        assert answer.status_code == 503 and answer.json() == {"ok": False, "database": "not writable"}
        with admin.connect() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
        assert httpx.get(f"{url}/healthz").json() == {"ok": True, "database": "ok"}
    finally:
        admin.dispose()


def test_an_ack_does_not_wait_for_a_held_write_lock(stack, url):
    """`/crisis help` by someone whose language is not cached yet: answered at once although another connection
    holds SQLite's write lock (the language cache is written after the answer)."""
    if not stack.database_url.startswith("sqlite"):
        pytest.skip("SQLite's single write lock")
    stack.bot.services.people.forget()
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:
        with stack.bot.services.sessions() as session, session.begin():
            session.execute(sa.text("SELECT 1"))
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(10)
        body = command_body()
        started = time.monotonic()
        answer = httpx.post(f"{url}/slack/events", content=body, headers=signed(body), timeout=30)
        assert time.monotonic() - started < 2.5
        assert answer.status_code == 200 and "可用指令" in answer.json()["text"]
    finally:
        release.set()
        thread.join()
    assert stack.bot.services.people.flush(10)
