"""The tables, named in the procedure's words: the roster, incidents, the timeline, pages, drills and due work.

Conventions: every time is a UTC ``UTCDateTime``; statuses and kinds are short strings (the services own their
enums, the database only stores the value); people are referred to by the Slack user id or e-mail address the
organisation config names them with; JSON columns hold data whose shape belongs to one service.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import BigId, JSONData, UTCDateTime, utcnow

# Named constraints let Alembic's SQLite batch mode (table copy) and later migrations refer to them.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

USER = 64  # a Slack user id, or an e-mail address as the config allows


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONData}


class Seat(StrEnum):
    """Which of a post's two holders (procedure §3: every member has a designated deputy, 職務代理人)."""

    PRIMARY = "primary"
    DEPUTY = "deputy"


class UnitPost(StrEnum):
    """A post inside a unit. The unit's deputy is stored as the deputy seat of ``head``."""

    HEAD = "head"
    MEMBER = "member"


# ---------------------------------------------------------------------------------------------- roster


class Unit(Base):
    """A unit of the office (單位); its head belongs to the handling group (處理組)."""

    __tablename__ = "units"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    drill_eligible: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    # A unit dropped from the config is retired, not deleted: incidents and drills still point at it.
    retired_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RoleAssignment(Base):
    """Who holds a standing crisis-team role or a unit post, from when to when.

    ``role`` is a standing role (commander, executive_secretary, legal, public_relations, planning) with
    ``unit_id`` NULL, or a unit post (``head``, ``member``) with ``unit_id`` set. ``seat`` is primary or deputy;
    a unit's deputy head is ``(head, deputy)``, members sit as primary. A handover (移交) ends one row and
    starts another, so the history stays.
    """

    __tablename__ = "role_assignments"
    __table_args__ = (
        CheckConstraint("seat IN ('primary', 'deputy')", name="seat"),
        CheckConstraint(
            "(unit_id IS NULL AND role NOT IN ('head', 'member'))"
            " OR (unit_id IS NOT NULL AND role IN ('head', 'member'))",
            name="unit_post",
        ),
        # One current holder per standing seat, per unit head seat, and per member.
        Index(
            "uq_role_assignments_current_role",
            "role",
            "seat",
            unique=True,
            sqlite_where=text("unit_id IS NULL AND ended_at IS NULL"),
            postgresql_where=text("unit_id IS NULL AND ended_at IS NULL"),
        ),
        Index(
            "uq_role_assignments_current_head",
            "unit_id",
            "seat",
            unique=True,
            sqlite_where=text("role = 'head' AND ended_at IS NULL"),
            postgresql_where=text("role = 'head' AND ended_at IS NULL"),
        ),
        Index(
            "uq_role_assignments_current_member",
            "unit_id",
            "user_id",
            unique=True,
            sqlite_where=text("role = 'member' AND ended_at IS NULL"),
            postgresql_where=text("role = 'member' AND ended_at IS NULL"),
        ),
        Index("ix_role_assignments_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    role: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    seat: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[str] = mapped_column(String(USER))
    assigned_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


# ---------------------------------------------------------------------------------------------- incidents


class IncidentCounter(Base):
    """The last incident number handed out in a year; one row per year, bumped under a row lock."""

    __tablename__ = "incident_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int]


class Incident(Base):
    """A reported crisis event (危機事件) and where it stands in the procedure."""

    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        Index("ix_incidents_status", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)  # human number, e.g. 2026-0007
    year: Mapped[int]
    seq: Mapped[int]
    category: Mapped[str] = mapped_column(String(40))
    subtype: Mapped[str | None] = mapped_column(String(40))
    level: Mapped[str | None] = mapped_column(String(10))  # set by triage (§5)
    proposed_level: Mapped[str | None] = mapped_column(String(10))  # the reporter's guess
    status: Mapped[str] = mapped_column(String(20))
    step: Mapped[str | None] = mapped_column(String(40))  # current handling step (§6)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    reporter: Mapped[str] = mapped_column(String(USER))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[datetime | None]
    location: Mapped[str | None] = mapped_column(String(300))  # "where"
    impact: Mapped[str | None] = mapped_column(Text)
    flags: Mapped[dict[str, Any]] = mapped_column(default=dict)
    channel_id: Mapped[str | None] = mapped_column(String(32))  # the war room
    channel_name: Mapped[str | None] = mapped_column(String(80))
    card_ts: Mapped[str | None] = mapped_column(String(32))  # the incident card message in the war room
    # Slack view id + hash of the report modal: a repeated view_submission finds the incident it made.
    submission_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    triaged_at: Mapped[datetime | None]
    triaged_by: Mapped[str | None] = mapped_column(String(USER))
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CaseFile(Base):
    """The handling group's case file (案例檔案) written after an incident; every edit is a new version."""

    __tablename__ = "case_files"
    __table_args__ = (UniqueConstraint("incident_id", "version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    version: Mapped[int]
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    submitted_by: Mapped[str] = mapped_column(String(USER))
    submitted_at: Mapped[datetime]


# ---------------------------------------------------------------------------------------------- timeline


class AuditEvent(Base):
    """One entry of the timeline / audit trail: who did what to which subject, and when. Append-only.

    Every state change writes one, roster loads included. Database triggers refuse UPDATE and DELETE, except the
    one update that seals a new event into the hash chain at commit (``seq``, ``prev_hash`` and ``hash`` from
    NULL to their values, nothing else changed; ``storage.audit``, algorithm in ``storage.chain``).
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_incident_id_at", "incident_id", "at"),
        Index("ix_audit_events_subject", "subject_type", "subject_id"),
        Index("ix_audit_events_at", "at"),
        Index("uq_audit_events_seq", "seq", unique=True),  # one event per link: a fork is impossible
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(USER))  # a user id, or "system", "config", "scheduler"
    kind: Mapped[str] = mapped_column(String(60))  # e.g. incident.reported, roster.deputy_changed
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # NULL only between the event's INSERT and its transaction's commit, which seals it (storage.audit).
    seq: Mapped[int | None] = mapped_column(BigInteger)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditChainHead(Base):
    """The audit chain's last link, one row: every committing transaction that wrote events locks it, so the
    seals queue here, at commit, after every aggregate lock (never before one: no deadlock)."""

    __tablename__ = "audit_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


# ---------------------------------------------------------------------------------------------- paging


class Page(Base):
    """One attempt to reach a role holder about an incident; unacknowledged → deputy → next tier."""

    __tablename__ = "pages"
    __table_args__ = (
        CheckConstraint("attempt IN ('primary', 'deputy', 'next_tier')", name="attempt"),
        Index("ix_pages_incident_id", "incident_id"),
        Index("ix_pages_target_user_status", "target_user", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    role: Mapped[str] = mapped_column(String(40))
    tier: Mapped[int] = mapped_column(default=0)
    target_user: Mapped[str] = mapped_column(String(USER))
    attempt: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))  # e.g. paging, acked, escalated, cancelled
    # The level whose tier this page is (the proposal's, while untriaged), kept through its escalations, so a lower
    # judged level can stand it down; null for a page in its own right (the legal group's question).
    paged_for: Mapped[str | None] = mapped_column(String(10))
    paged_at: Mapped[datetime]
    acked_at: Mapped[datetime | None]
    acked_by: Mapped[str | None] = mapped_column(String(USER))
    escalated_at: Mapped[datetime | None]
    dm_channel: Mapped[str | None] = mapped_column(String(32))  # where the page was sent, to update it
    message_ts: Mapped[str | None] = mapped_column(String(32))


# ---------------------------------------------------------------------------------------------- drills


class Drill(Base):
    """A monthly simulated drill (模擬演練): the unit drawn by lot, the category, and the report window.

    ``period`` is unique, so a second replica's draw for the same month inserts nothing.
    """

    __tablename__ = "drills"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    period: Mapped[str] = mapped_column(String(7), unique=True)  # e.g. 2026-11
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    category: Mapped[str] = mapped_column(String(40))
    # The draw (抽選): eligible units, weights, seed and the result, so anyone can re-run it.
    draw: Mapped[dict[str, Any]] = mapped_column(default=dict)
    scenario: Mapped[str | None] = mapped_column(Text)  # simulated case (模擬案由)
    window_start: Mapped[datetime | None]
    window_end: Mapped[datetime | None]
    due_at: Mapped[datetime]  # when the drill report form is due
    status: Mapped[str] = mapped_column(String(20))
    drawn_by: Mapped[str] = mapped_column(String(USER))
    drawn_at: Mapped[datetime]
    # The nonce the next draw will use, committed to in ``draw["next_commitment"]``; revealed only by that draw.
    next_nonce: Mapped[str | None] = mapped_column(String(64))
    # The drill's thread: the draw's message in the announcement channel (or the executive secretary's DM).
    thread_channel: Mapped[str | None] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DrillReport(Base):
    """The drill report form (危機管理演練報告表, annex 2); each submission is a new version."""

    __tablename__ = "drill_reports"
    __table_args__ = (UniqueConstraint("drill_id", "version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id"))
    version: Mapped[int]
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    submitted_by: Mapped[str] = mapped_column(String(USER))
    submitted_at: Mapped[datetime]


class DrillEvaluation(Base):
    """The planning group's evaluation of a drill (評估), approved and then circulated to every unit."""

    __tablename__ = "drill_evaluations"
    __table_args__ = (UniqueConstraint("drill_id", "version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id"))
    version: Mapped[int] = mapped_column(default=1)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("drill_reports.id"))  # the version evaluated
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20))  # e.g. draft, approved, circulated
    drafted_by: Mapped[str] = mapped_column(String(USER))
    drafted_at: Mapped[datetime]
    approved_by: Mapped[str | None] = mapped_column(String(USER))
    approved_at: Mapped[datetime | None]
    circulated_at: Mapped[datetime | None]


# ---------------------------------------------------------------------------------------------- due work


class DueWork(Base):
    """Work that falls due at a time: timers and pending Slack side effects (design.md §1).

    The row is the source of truth. ``key`` is the idempotency key: enqueueing it twice makes one row. A worker
    claims a row by setting ``claimed_until`` (a lease); a lease that runs out lets another worker redo it.
    """

    __tablename__ = "due_work"
    __table_args__ = (
        # The tick's query: what is due and not yet done.
        Index(
            "ix_due_work_pending_due_at",
            "due_at",
            sqlite_where=text("done_at IS NULL AND cancelled_at IS NULL"),
            postgresql_where=text("done_at IS NULL AND cancelled_at IS NULL"),
        ),
        Index("ix_due_work_subject_id", "subject_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(300), unique=True)
    subject_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    due_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONData)
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# ---------------------------------------------------------------------------------------------- users


class UserCache(Base):
    """What Slack told us about a person, so messages need not ask each time (locale for the language) and the
    documents can name people (`name`: the display name, else the real name) even where Slack is not at hand."""

    __tablename__ = "user_cache"

    user_id: Mapped[str] = mapped_column(String(USER), primary_key=True)
    locale: Mapped[str | None] = mapped_column(String(20))
    tz: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200))
    fetched_at: Mapped[datetime]


# ---------------------------------------------------------------------------------------------- deduplication


class Claim(Base):
    """One interaction that has had its effect: a modal submission (view id and hash), a repeated request.

    Its primary key is the deduplication (design §3): the second of two identical deliveries cannot insert the
    row, so it has no effect, however close together they arrive. On PostgreSQL the second insert waits for the
    first transaction and then finds the row; on SQLite the write lock queues them."""

    __tablename__ = "claims"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # what was claimed: a modal's callback id, "legal.request"…
    user_id: Mapped[str] = mapped_column(String(USER))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    at: Mapped[datetime]


# ---------------------------------------------------------------------------------------------- posted once


class SentMessage(Base):
    """A message the chat port posts at most once per key (`post_once`): each attempt writes this row before it
    calls the platform, and the message's ts once the platform answered. A retry reads the ts here; a row with no
    ts says an attempt may have reached the platform without learning its answer (a crash in between), and only
    then is the room's history searched, from the attempt's start onwards."""

    __tablename__ = "sent_messages"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)  # a job's key, with a recipient (Job.per)
    room: Mapped[str] = mapped_column(String(64))  # where it went: a channel, a DM (for a direct message)
    started_at: Mapped[datetime]  # the latest attempt's start, on the wall clock (the platform's ts are on it)
    ts: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None]


# The card reads a few kinds of an incident's timeline (bot.handling.state.SUMMARY_KINDS) and the newest status
# update's time: with this index both are index lookups, not a scan of a 10,000-event trail.
Index("ix_audit_events_incident_id_kind_at", AuditEvent.incident_id, AuditEvent.kind, AuditEvent.at)
