"""Bot processes for the reliability suites: `python -m bot.runtime.cli serve` against a sandbox in the test process.

Each process is a real replica: its own interpreter, scheduler, worker id and database connections. Tests kill
them with SIGKILL (no clean-up runs) and start them again on the same database and port.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from sandbox.driver import Sandbox

ROOT = Path(__file__).resolve().parents[2]
TOKEN, SECRET = "xoxb-reliability", "reliability-secret"
FULL = os.environ.get("CRISISBOT_RELIABILITY_FULL") == "1"


def scale(small: int, full: int) -> int:
    """A count for the bounded CI run, or for the full run on demand."""
    return full if FULL else small


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class BotProcess:
    """One `crisisbot serve` process; `start()` waits for /healthz, `kill()` is SIGKILL."""

    def __init__(self, database_url: str, sandbox: Sandbox, logdir: Path, *, port: int | None = None,
                 tick: float = 0.2, lease: float = 2, name: str = "bot", **env: str) -> None:
        self.port = port or free_port()
        self.database_url, self.sandbox, self.name = database_url, sandbox, name
        self.log = logdir / f"{name}.log"
        self.env = {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
                    "SLACK_API_URL": sandbox.api_url, "DATABASE_URL": database_url,
                    "CRISISBOT_TICK_SECONDS": str(tick), "CRISISBOT_LEASE_SECONDS": str(lease),
                    "PYTHONUNBUFFERED": "1", **env}
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> BotProcess:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot.runtime.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"{self.name} did not become healthy:\n{self.tail()}")

    def route_here(self) -> None:
        """Point the sandbox's deliveries (commands, clicks, submissions) at this process."""
        self.sandbox.configure_bot(self.url + "/slack/events", SECRET)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def rss_kib(self) -> int:
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def work_keys(sandbox: Sandbox) -> Counter[str]:
    """How many times each work key was posted, over every channel and DM of the sandbox (message metadata)."""
    seen: Counter[str] = Counter()
    ws = sandbox.workspace
    with ws.reading():
        for channel in ws.channels.values():
            for msg in channel.messages.values():
                key = ((msg.get("metadata") or {}).get("event_payload") or {}).get("work")
                if key:
                    seen[key] += 1
    return seen


def wait_settled(database_url: str, timeout: float = 120) -> None:
    """Wait until no due work is left undone (work due in the future, like page escalations, may stay)."""
    from datetime import UTC, datetime, timedelta

    import sqlalchemy as sa

    from storage.db import create_engine
    from storage.models import DueWork

    engine = create_engine(database_url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            with engine.connect() as conn:
                left = conn.scalar(sa.select(sa.func.count()).select_from(DueWork).where(
                    DueWork.done_at.is_(None), DueWork.cancelled_at.is_(None),
                    DueWork.due_at <= datetime.now(UTC) + timedelta(seconds=30)))
            if not left:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{left} due work rows left undone")
            time.sleep(0.2)
    finally:
        engine.dispose()


def describe(**figures: Any) -> str:
    return ", ".join(f"{k}={v}" for k, v in figures.items())


def seed_reminders(database_url: str, count: int, *, last_month: bool = False) -> tuple[int, list[str]]:
    """Migrate, load the roster, draw this month's drill and add ``count`` reminders due now.

    Returns the drill id and the work keys every reminder DM must carry exactly once (one per unit head and
    deputy, as the ``drill.remind`` executor sends them). With ``last_month`` the drill is last month's, so this
    month's draw is still to be made (by the bot's start-up catch-up).
    """
    import random
    from datetime import UTC, datetime, timedelta

    from bot.drills import service as drills
    from bot.procedure.config import load_config
    from bot.runtime.compose import prepare_database
    from storage import db
    from storage import work as queue

    config = load_config()
    now = datetime.now(UTC)
    engine = prepare_database(database_url, config, now)
    try:
        with db.session_factory(engine)() as session, session.begin():
            at = now - timedelta(days=31) if last_month else now
            drawn = drills.draw(session, config, "reliability-test", at, random.Random(3))
            unit = config.unit(drawn.unit_id)
            assert unit is not None
            keys = []
            for i in range(count):
                key = f"drill:{drawn.drill_id}:remind:load{i}:1"
                queue.enqueue(session, "drill.remind", key, now, {"drill": drawn.drill_id, "days": 1},
                              f"drill:{drawn.drill_id}")
                keys += [f"{key}:{unit.head}", f"{key}:{unit.deputy}"]
        return drawn.drill_id, keys
    finally:
        engine.dispose()


def report(sandbox: Sandbox, user: str, title: str, level: str = "high", timeout: float = 10,
           resubmit_for: float = 0.0) -> bool:
    """One person reports a crisis through the sandbox: `/crisis report`, fill, submit. True when acked.

    A submission that got no answer (the bot died) is pressed again on the same modal for up to ``resubmit_for``
    seconds, as Slack keeps the modal open with an error: the bot must recognise the same view and hash and not
    open a second incident. Otherwise False, and the modal is closed so the person can start again. (Seconds,
    not tries: a restart on a slow machine can outlast many quick failed tries.)
    """
    from bot.blockkit import ids

    person = sandbox.as_user(user)
    try:
        shown = person.slash("/crisis", "report")
        if not shown.ok:
            return False
        modal = person.wait_modal(ids.REPORT_VIEW, timeout=timeout,
                                  where=lambda v: any(b.get("type") == "input" for b in v.blocks))
        modal.fill({ids.F_SUBTYPE: "force_majeure", ids.F_TITLE: title,
                    ids.F_DESCRIPTION: "港區積水，貨櫃場停止作業。", ids.F_LEVEL: level})
        deadline = time.monotonic() + resubmit_for
        while True:
            outcome = modal.submit()
            if outcome.ok and not outcome.errors:
                return True
            if outcome.errors or not modal.is_open or time.monotonic() >= deadline:
                return False
            time.sleep(0.3)
    except Exception:  # the driver's timeouts and refusals all mean "not acked"
        return False
    finally:
        sandbox.workspace.close_modal(person.id, clear=True)


def check_incidents(database_url: str, sandbox: Sandbox) -> dict[str, int]:
    """Every incident has one war room with its pinned card, and every page was delivered once.

    Returns the figures; raises AssertionError naming the first incident that breaks a promise.
    """
    import sqlalchemy as sa

    from storage.db import create_engine
    from storage.models import DueWork, Incident, Page

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            incidents = conn.execute(sa.select(Incident.id, Incident.number, Incident.channel_id, Incident.level)).all()
            pages = conn.execute(sa.select(Page.id, Page.incident_id, Page.target_user)).all()
            gave_up = conn.execute(sa.select(DueWork.key, DueWork.last_error).where(
                DueWork.cancelled_at.is_not(None), DueWork.last_error.is_not(None))).all()
    finally:
        engine.dispose()
    assert not gave_up, f"work gave up: {gave_up[:5]}"
    ws = sandbox.workspace
    with ws.reading():
        rooms = {c.id: c for c in ws.channels.values() if c.name.startswith("inc-")}
        by_number = Counter(c.name.split("-")[1] + "-" + c.name.split("-")[2] for c in rooms.values())
    paged = Counter(p.incident_id for p in pages)
    for inc in incidents:
        assert inc.channel_id in rooms, f"incident {inc.number} has no war room"
        assert by_number[inc.number] == 1, f"incident {inc.number} has {by_number[inc.number]} war rooms"
        assert rooms[inc.channel_id].pins, f"incident {inc.number} has no pinned card"
        if inc.level in ("high", "medium"):
            assert paged[inc.id] >= 1, f"incident {inc.number} paged nobody"
    keys = work_keys(sandbox)
    twice = {k: n for k, n in keys.items() if n > 1}
    assert not twice, f"posted more than once: {twice}"
    for page in pages:
        assert keys[f"page:{page.id}:dm"] == 1, f"page {page.id} to {page.target_user} was not delivered"
    return {"incidents": len(incidents), "war_rooms": len(rooms), "pages": len(pages), "messages": sum(keys.values())}
