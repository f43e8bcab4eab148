"""Socket Mode in the sandbox: ``apps.connections.open`` hands out a WebSocket URL, and deliveries go over it.

What Slack does, on loopback: the app calls ``apps.connections.open`` with its app-level token (``xapp-…``) and
gets a single-use ``ws://…/socket-mode/link?ticket=…`` URL (Slack's is ``wss://``).  On connect the server sends
``{"type": "hello", …}``.  Each delivery is an envelope ``{"envelope_id", "type": "slash_commands" | "interactive" |
"events_api", "payload", "accepts_response_payload", "retry_attempt", "retry_reason"}`` and the app acks with
``{"envelope_id", "payload"?}``; the payload of the ack is what an HTTP app would have answered in the body.

``SocketModeTransport`` implements the sandbox's ``Transport`` protocol over the hub, so ``Interactions`` (and the
driver and the browser page above it) work unchanged whether the bot listens over HTTP or Socket Mode.
Ping/pong is the WebSocket protocol's own (the server answers pings; slack_sdk's clients ping and check pongs).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from sandbox.transport import BotReply, Delivery

log = logging.getLogger(__name__)

TICKET_LIFETIME_SECONDS = 30.0
CONNECT_WAIT_SECONDS = 5.0


@dataclass
class Connection:
    """One app connection: its socket, the loop it lives on, and when it said hello."""

    id: int
    socket: WebSocket
    loop: asyncio.AbstractEventLoop
    opened: float
    received: list[dict[str, Any]] = field(default_factory=list)


class SocketModeHub:
    """Tickets, live connections and pending envelopes; thread-safe (deliveries come from other threads)."""

    def __init__(self, app_id: str) -> None:
        self.app_id = app_id
        self._cond = threading.Condition()
        self._tickets: dict[str, float] = {}
        self._connections: list[Connection] = []
        self._acks: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._next = 0
        self.opened = 0  # connections accepted so far (tests check reconnects)

    # ---- the app's side: open a URL, connect ------------------------------------------------------------------

    def issue_url(self, base_url: str) -> str:
        """A fresh single-use URL for ``apps.connections.open``."""
        ticket = secrets.token_urlsafe(16)
        with self._cond:
            self._tickets[ticket] = time.monotonic()
        return base_url.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + (
            f"/socket-mode/link?ticket={ticket}&app_id={self.app_id}"
        )

    def _take_ticket(self, ticket: str | None) -> bool:
        with self._cond:
            issued = self._tickets.pop(ticket or "", None)
        return issued is not None and time.monotonic() - issued <= TICKET_LIFETIME_SECONDS

    async def endpoint(self, websocket: WebSocket) -> None:
        """The WebSocket route: check the ticket, say hello, then read acks until the app goes away."""
        if not self._take_ticket(websocket.query_params.get("ticket")):
            await websocket.close(code=1008, reason="invalid or used ticket")
            return
        await websocket.accept()
        connection = Connection(next(self._ids), websocket, asyncio.get_running_loop(), time.time())
        with self._cond:
            self._connections.append(connection)
            self.opened += 1
            count = len(self._connections)
            self._cond.notify_all()
        await websocket.send_text(json.dumps({
            "type": "hello",
            "num_connections": count,
            "debug_info": {"host": "applink-sandbox", "build_number": 1, "approximate_connection_time": 18060},
            "connection_info": {"app_id": self.app_id},
        }))
        try:
            while True:
                text = await websocket.receive_text()
                try:
                    message = json.loads(text)
                except ValueError:
                    log.warning("socket mode: ignoring a frame that is not JSON: %.80r", text)
                    continue
                if isinstance(message, dict) and message.get("envelope_id"):
                    with self._cond:
                        connection.received.append(message)
                        self._acks[str(message["envelope_id"])] = message
                        self._cond.notify_all()
        except WebSocketDisconnect:
            pass
        finally:
            with self._cond:
                if connection in self._connections:
                    self._connections.remove(connection)
                self._cond.notify_all()

    # ---- the sandbox's side: send envelopes ---------------------------------------------------------------------

    @property
    def connections(self) -> int:
        with self._cond:
            return len(self._connections)

    def wait_connected(self, count: int = 1, timeout: float = 10.0, opened: int = 0) -> None:
        """Block until at least ``count`` connections are open (and at least ``opened`` were ever accepted)."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._connections) >= count and self.opened >= opened, timeout):
                raise TimeoutError(f"socket mode: {len(self._connections)} connection(s) open, {self.opened} "
                                   f"accepted; wanted {count} and {opened}")

    def _pick(self, wait: float) -> Connection | None:
        with self._cond:
            self._cond.wait_for(lambda: bool(self._connections), wait)
            if not self._connections:
                return None
            self._next = (self._next + 1) % len(self._connections)
            return self._connections[self._next]

    def deliver(self, delivery: Delivery, timeout: float) -> BotReply:
        """Send one envelope and wait for its ack; the ack's payload becomes the reply body."""
        started = time.perf_counter()
        connection = self._pick(CONNECT_WAIT_SECONDS)
        if connection is None:
            return BotReply(0, error="no_socket_mode_connection", duration=time.perf_counter() - started)
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "payload": delivery.payload,
            "type": delivery.kind,
            "accepts_response_payload": delivery.kind != "events_api",
        }
        if delivery.kind == "events_api":
            envelope["retry_attempt"] = delivery.retry_num or 0
            envelope["retry_reason"] = delivery.retry_reason or ""
        text = json.dumps(envelope, ensure_ascii=False)
        try:
            asyncio.run_coroutine_threadsafe(connection.socket.send_text(text), connection.loop).result(timeout)
        except Exception as exc:  # the socket closed under us: Slack would try another connection later
            log.info("socket mode: sending envelope %s failed: %s", envelope_id, exc)
            return BotReply(0, error=f"connection_error: {exc}", duration=time.perf_counter() - started)
        with self._cond:
            acked = self._cond.wait_for(lambda: envelope_id in self._acks, timeout)
            ack = self._acks.pop(envelope_id, None)
        duration = time.perf_counter() - started
        if not acked or ack is None:
            return BotReply(0, error="timeout", duration=duration)
        payload = ack.get("payload")
        body = json.dumps(payload, ensure_ascii=False).encode() if payload else b""
        return BotReply(200, body, "application/json" if body else "", duration)

    def disconnect_all(self, reason: str = "refresh_requested") -> None:
        """Ask every app to reconnect (Slack's ``disconnect`` message), then close the sockets."""
        with self._cond:
            connections = list(self._connections)
        for connection in connections:
            future = asyncio.run_coroutine_threadsafe(self._disconnect(connection, reason), connection.loop)
            future.result(5)

    @staticmethod
    async def _disconnect(connection: Connection, reason: str) -> None:
        try:
            await connection.socket.send_text(json.dumps({"type": "disconnect", "reason": reason}))
            await connection.socket.close()
        except Exception:  # already gone
            log.debug("socket mode: connection %s already closed", connection.id)


class SocketModeTransport:
    """The ``Transport`` protocol over Socket Mode: each delivery is an envelope to a connected app."""

    def __init__(self, hub: SocketModeHub, timeout: float = 10.0) -> None:
        self.hub = hub
        self.timeout = timeout

    def send(self, delivery: Delivery) -> BotReply:
        return self.hub.deliver(delivery, self.timeout)

    def close(self) -> None:
        """Connections belong to the hub (and end with the server)."""


__all__ = ["SocketModeHub", "SocketModeTransport"]
