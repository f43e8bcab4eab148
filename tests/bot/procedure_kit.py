"""A small kit for state-machine tests of the procedure (§3, §5) that go straight through the services: the shipped
Keelung config, its roster loaded into the test's database, a moving clock, a report by a named person, and
readers for the rows the services leave behind (pages, due work, audit events). No Slack, no HTTP, no mocks.

For the executors (the due work's chat side): `services` over a `RecordingChat` (`chat`), `reported` (a report the
executors' own sessions can read) and `job_for` (the pending work, as the tick hands it over).

The fixtures here (`clock`, `chat`, `services`) reach every test under tests/bot: see its conftest.py."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.delivery.job import Job
from bot.delivery.kinds import WorkKind
from bot.incidents import service as incidents
from bot.incidents.state import Report
from bot.paging import service as paging
from bot.platform.services import Services
from bot.platform.settings import Settings
from bot.procedure.config import Level, load_config
from bot.procedure.who import Who, who_from_config
from bot.roster.sync import sync_roster
from storage import audit
from storage import work as queue
from storage.db import session_factory
from storage.models import DueWork, Incident, Page
from storage.types import as_utc
from tests.fakes import RecordingChat

T = TypeVar("T")

CONFIG = load_config()
START = datetime(2026, 11, 3, 1, 30, tzinfo=UTC)

# The shipped Keelung example's people (bot/procedure/data/keelung.yaml).
COMMANDER, COMMANDER_DEPUTY = "U0000CMDR", "U0000CMDD"
SECRETARY, SECRETARY_DEPUTY = "U0000EXEC", "U0000EXED"
LEGAL = "U0000LGSH"
PR, PR_DEPUTY = "U0000PRPR", "U0000PRDP"
INSPECTION_HEAD, INSPECTION_DEPUTY = "U0000INSH", "U0000INSD"
INSPECTION_MEMBER = "U0000INS1"
CLEARANCE1_HEAD = "U0000CL1H"
OUTSIDER = "U0000NOBODY"


class Clock:
    """The kit's clock. `now` is the instant a test hands to a service call (it moves only with `advance`);
    calling the clock, as the executors do through `services`, reads it as production's clock does: each reading
    1 ms later than the one before (thread-safe), never behind `now`."""

    STEP = timedelta(milliseconds=1)

    def __init__(self, start: datetime = START) -> None:
        self._now = start
        self._read = start
        self._lock = threading.Lock()

    @property
    def now(self) -> datetime:
        return self._now

    def __call__(self) -> datetime:
        with self._lock:
            self._read = max(self._read, self._now) + self.STEP
            return self._read

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self._now += timedelta(**delta)
            return self._now


def who(user: str) -> Who:
    return who_from_config(CONFIG, user)


def load_roster(session: Session, now: datetime = START) -> None:
    """The services read the holders from the database: load the shipped roster there."""
    sync_roster(session, CONFIG, actor="config", now=now - timedelta(days=1))
    session.commit()


@pytest.fixture
def clock(session: Session) -> Clock:
    """The shipped roster in the test's database and a clock at START."""
    load_roster(session)
    return Clock(START)


def file_report(session: Session, reporter: str, level: Level, now: datetime, *, unit: str = "inspection",
                subtype: str = "force_majeure", category: str = "sudden_event", key: str | None = None,
                title: str = "Typhoon floods the inspection yard") -> Incident:
    data = Report(unit_id=unit, category=category, subtype=subtype, title=title,
                  description="Water in the yard", occurred_at=None, location="", impact="", proposed_level=level,
                  flags={})
    reported = incidents.report(session, CONFIG, who(reporter), data,
                                submission_key=key or f"{reporter}:{now.isoformat()}:{level.value}", now=now)
    session.flush()
    incident = session.get(Incident, reported.incident_id)
    assert incident is not None
    return incident


def escalate(session: Session, page: Page, now: datetime) -> Page | None:
    """The page's escalation timer fires: the next page (deputy, next tier) or None."""
    nxt = paging.escalate(session, CONFIG, page, now)
    session.flush()
    return nxt


def ack(session: Session, user: str, page: Page, now: datetime) -> bool:
    """`user` acknowledges `page`."""
    done = paging.acknowledge(session, who(user), page, now)
    session.flush()
    return done.fresh


@pytest.fixture
def chat() -> RecordingChat:
    """The chat port, recording the verbs the executors speak."""
    return RecordingChat()


@pytest.fixture
def services(engine: Engine, clock: Clock, chat: RecordingChat) -> Services:
    """The executors' collaborators: the shipped config, the test's database, the recording chat, the kit's clock."""
    return Services(Settings(), CONFIG, session_factory(engine), chat, clock=clock)


def reported(session: Session, reporter: str, level: Level, now: datetime, **kw: str) -> Incident:
    """`file_report`, committed: executors read it from sessions of their own (and, on SQLite, a transaction left
    open in the test's session would hold the write lock they wait for)."""
    incident = file_report(session, reporter, level, now, **kw)  # type: ignore[arg-type]
    session.commit()
    return incident


def job_for(services: Services, incident: Incident, kind: WorkKind, *, page: Page | None = None,
            attempts: int = 1) -> Job:
    """The incident's one pending work of `kind` (of `page`), as the tick hands it to the executor on attempt
    `attempts` (2 and on: an earlier attempt may have reached the chat)."""
    with services.sessions() as session:
        [row] = [w for w in queue.pending(session, subject_id=incident.id)
                 if w.kind == kind and (page is None or w.payload.get("page") == page.id)]
    return Job(row.id, row.kind, row.key, row.subject_id, dict(row.payload or {}), attempts, row.due_at)


def reread(services: Services, row: T) -> T:
    """`row` as the database holds it now (the executors wrote it in sessions of their own)."""
    with services.sessions() as session:
        fresh = session.get(type(row), row.id)  # type: ignore[attr-defined]
    assert fresh is not None
    return fresh


def pages(session: Session, incident: Incident) -> list[Page]:
    session.flush()
    return list(session.scalars(sa.select(Page).where(Page.incident_id == incident.id).order_by(Page.id)))


def summary(page: Page) -> tuple[str, str, str, str, int]:
    """A page in one line: (role, target, attempt, status, tier)."""
    return page.role, page.target_user, page.attempt, page.status, page.tier


def due(session: Session, incident: Incident, kind: WorkKind | None = None) -> list[DueWork]:
    """The incident's pending work (not done, not cancelled), soonest first, optionally of one kind."""
    session.flush()
    return [w for w in queue.pending(session, subject_id=incident.id) if kind is None or w.kind == kind]


def kinds(session: Session, incident: Incident) -> set[str]:
    return {w.kind for w in due(session, incident)}


def due_for_page(session: Session, page: Page) -> dict[str, datetime]:
    """The pending work of one page: kind → due_at (UTC)."""
    session.flush()
    return {w.kind: as_utc(w.due_at) for w in queue.pending(session, subject_id=page.incident_id)
            if w.payload.get("page") == page.id}


def events(session: Session, incident: Incident, prefix: str = "") -> list[str]:
    """The incident's audit trail, oldest first, as kinds."""
    session.flush()
    return [e.kind for e in audit.timeline(session, incident.id) if e.kind.startswith(prefix)]


def event_data(session: Session, incident: Incident, kind: str) -> list[dict]:
    session.flush()
    return [dict(e.data) for e in audit.timeline(session, incident.id) if e.kind == kind]


def invited(session: Session, incident: Incident) -> set[str]:
    """Everyone the pending war-room invites name."""
    return {u for w in due(session, incident, WorkKind.WARROOM_INVITE) for u in w.payload["users"]}


def pending_pages(session: Session, incident: Incident) -> Sequence[Page]:
    return [p for p in pages(session, incident) if p.status == "paging"]
