"""Fault matrix: the report → war room → page flow under Slack's failures and a database outage.

Slack answers 429, 500, too late (beyond the client's timeout, after doing the work), `name_taken` and
`invalid_name_specials`; the flow completes, nothing twice. The database (PostgreSQL) refuses connections for a
few seconds: `/healthz` says 503, then 200; what was committed before is done afterwards; nothing is lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from bot.blockkit import ids
from sandbox.driver import Sandbox
from storage import work as queue
from storage.models import Incident
from tests.reliability.procs import check_incidents, report
from tests.stack import Stack

pytestmark = pytest.mark.reliability

# Slack work is due now or after a short back-off; timers (escalations, reminders) are minutes or more ahead.
HORIZON = timedelta(minutes=2)
HEAD = "U0000INSH"


def settle(stack: Stack, rounds: int = 60) -> None:
    """Let the clock run in 2-second steps until no Slack work is left (timers far ahead may stay)."""
    for _ in range(rounds):
        stack.later(seconds=2)
        with stack.bot.services.sessions() as s:
            if not [w for w in queue.pending(s) if w.due_at <= stack.clock() + HORIZON]:
                return
    raise AssertionError("the flow did not complete")


def slow(method: str) -> Callable[[Sandbox, Stack], None]:
    def arm(sandbox: Sandbox, stack: Stack) -> None:
        stack.bot.services.chat.api.client.timeout = 1  # the answer comes after the client gave up
        sandbox.faults.delay(method, 1.5, times=1)
    return arm


FAULTS: dict[str, Callable[[Sandbox, Stack], None]] = {
    "429 create": lambda sb, _: sb.faults.ratelimit("conversations.create", retry_after=1, times=2),
    "429 post": lambda sb, _: sb.faults.ratelimit("chat.postMessage", retry_after=1, times=4),
    "429 pin+invite": lambda sb, _: (sb.faults.ratelimit("pins.add", times=2),
                                     sb.faults.ratelimit("conversations.invite", times=2)),
    "500 create": lambda sb, _: sb.faults.http_error("conversations.create", 500, times=2),
    "500 post": lambda sb, _: sb.faults.http_error("chat.postMessage", 503, times=3),
    "500 everything once": lambda sb, _: sb.faults.http_error("*", 500, times=6),
    "timeout create": slow("conversations.create"),
    "timeout post": slow("chat.postMessage"),
    "name_taken": lambda sb, _: sb.faults.fail("conversations.create", "name_taken", times=2),
    "invalid_name_specials": lambda sb, _: sb.faults.fail("conversations.create", "invalid_name_specials", times=1),
}


@pytest.fixture
def sqlite_stack(sqlite_database_url: str) -> Iterator[Stack]:
    running = Stack(sqlite_database_url).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.mark.parametrize("fault", list(FAULTS))
def test_report_flow_survives(fault: str, stack: Stack, database_url: str) -> None:
    assert report(stack.sandbox, HEAD, "颱風：貨櫃場淹水 #3 <!channel>", "high")
    FAULTS[fault](stack.sandbox, stack)  # the incident is committed; its Slack work runs under the fault
    settle(stack)
    figures = check_incidents(database_url, stack.sandbox)
    assert figures["incidents"] == figures["war_rooms"] == figures["pages"] == 1, figures
    commander = stack.person("U0000CMDR").dm()
    assert len([m for m in commander.messages() if ids.PAGE_ACK in str(m.blocks)]) == 1
    with stack.bot.services.sessions() as s:
        [incident] = s.scalars(sa.select(Incident)).all()
    room = stack.sandbox.channel(incident.channel_id)
    assert room.name.startswith("inc-2026-0001")
    assert len(room.pins) == 1 and "2026-0001" in room.purpose
    if fault == "invalid_name_specials":
        assert room.name.isascii()


# ---------------------------------------------------------------------------------------------- the database


def _set_connections(admin_url: str, database: str, allow: bool) -> None:
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {"true" if allow else "false"}')
            if not allow:
                conn.exec_driver_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                     f"WHERE datname = '{database}' AND pid <> pg_backend_pid()")
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_database_outage(pg_admin_url: str, pg_database_url: str) -> None:
    stack = Stack(pg_database_url).start()
    database = sa.engine.make_url(pg_database_url).database
    health = stack.http.url + "/healthz"
    try:
        assert httpx.get(health).status_code == 200
        assert report(stack.sandbox, HEAD, "停電前", "high")  # committed; its Slack work not yet run
        _set_connections(pg_admin_url, database, allow=False)
        started = time.monotonic()
        answer = httpx.get(health, timeout=10)
        assert answer.status_code == 503 and answer.json()["database"] == "unreachable"
        # The tick during the outage fails without losing anything; a report during it gets a clear answer.
        with pytest.raises(sa.exc.OperationalError):
            stack.bot.tick(stack.clock())
        outage = _report_outcome(stack, "停電中")
        assert outage["status"] == 200 and ("錯誤" in outage["said"] or "error" in outage["said"]), outage
        time.sleep(max(0.0, 3 - (time.monotonic() - started)))
        _set_connections(pg_admin_url, database, allow=True)
        assert httpx.get(health).status_code == 200
        assert report(stack.sandbox, HEAD, "復電後", "high")
        settle(stack)
        figures = check_incidents(pg_database_url, stack.sandbox)
        assert figures["incidents"] == figures["war_rooms"] == figures["pages"] == 2, figures
    finally:
        _set_connections(pg_admin_url, database, allow=True)
        stack.stop()


def _report_outcome(stack: Stack, title: str) -> dict[str, Any]:
    """What a person reporting during the outage sees: the modal keeps what they typed and shows an error with an
    id (the submission could not be committed), or, when the modal cannot load, an ephemeral error with an id."""
    person = stack.person(HEAD)
    shown = person.slash("/crisis", "report")
    assert shown.ok and shown.reply.status == 200

    def form() -> Any:
        view = person.modal()
        return view if view is not None and view.callback_id == ids.REPORT_VIEW and any(
            b.get("type") == "input" for b in view.blocks) else None

    def error() -> Any:
        return next((m for m in person.ephemerals() if "error" in m.text.lower() or "錯誤" in m.text), None)

    # one wait for whichever comes: a slow modal is not mistaken for a missing one
    stack.sandbox.workspace.wait_for(lambda: form() or error(), timeout=30)
    modal = form()
    if modal is None:
        said = error()
        stack.sandbox.workspace.close_modal(HEAD, clear=True)
        return {"status": 200, "said": said.text}
    modal.fill({ids.F_SUBTYPE: "force_majeure", ids.F_TITLE: title, ids.F_DESCRIPTION: "x", ids.F_LEVEL: "high"})
    outcome = modal.submit()
    stack.sandbox.workspace.close_modal(HEAD, clear=True)
    assert outcome.errors, outcome.reply.text
    return {"status": outcome.reply.status, "said": str(outcome.errors)}
