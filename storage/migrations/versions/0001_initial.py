"""Initial schema: roster, incidents, timeline, pages, drills, due work, user cache

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from storage.types import UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out here rather than imported from the models, so this revision keeps meaning what it meant.
JSON_DATA = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = UTCDateTime()

TABLES = [  # in drop order: children first
    "drill_evaluations",
    "pages",
    "drill_reports",
    "case_files",
    "audit_events",
    "role_assignments",
    "incidents",
    "drills",
    "user_cache",
    "units",
    "incident_counters",
    "due_work",
]

APPEND_ONLY = "audit_events is append-only"


def upgrade() -> None:
    op.create_table(
        "due_work",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=True),
        sa.Column("payload", JSON_DATA, nullable=False),
        sa.Column("due_at", UTC_TIME, nullable=False),
        sa.Column("done_at", UTC_TIME, nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_until", UTC_TIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("result", JSON_DATA, nullable=True),
        sa.Column("cancelled_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_due_work")),
        sa.UniqueConstraint("key", name=op.f("uq_due_work_key")),
    )
    with op.batch_alter_table("due_work", schema=None) as batch_op:
        batch_op.create_index(
            "ix_due_work_pending_due_at",
            ["due_at"],
            unique=False,
            sqlite_where=sa.text("done_at IS NULL AND cancelled_at IS NULL"),
            postgresql_where=sa.text("done_at IS NULL AND cancelled_at IS NULL"),
        )
        batch_op.create_index("ix_due_work_subject_id", ["subject_id"], unique=False)

    op.create_table(
        "incident_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_incident_counters")),
    )
    op.create_table(
        "units",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("drill_eligible", sa.Boolean(), server_default=sa.text("(true)"), nullable=False),
        sa.Column("retired_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
    )
    op.create_table(
        "user_cache",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=20), nullable=True),
        sa.Column("tz", sa.String(length=64), nullable=True),
        sa.Column("fetched_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_cache")),
    )
    op.create_table(
        "drills",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("unit_id", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("draw", JSON_DATA, nullable=False),
        sa.Column("scenario", sa.Text(), nullable=True),
        sa.Column("window_start", UTC_TIME, nullable=True),
        sa.Column("window_end", UTC_TIME, nullable=True),
        sa.Column("due_at", UTC_TIME, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("drawn_by", sa.String(length=64), nullable=False),
        sa.Column("drawn_at", UTC_TIME, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_drills_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drills")),
        sa.UniqueConstraint("period", name=op.f("uq_drills_period")),
    )
    op.create_table(
        "incidents",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("subtype", sa.String(length=40), nullable=True),
        sa.Column("level", sa.String(length=10), nullable=True),
        sa.Column("proposed_level", sa.String(length=10), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=True),
        sa.Column("unit_id", sa.String(length=40), nullable=True),
        sa.Column("reporter", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("occurred_at", UTC_TIME, nullable=True),
        sa.Column("location", sa.String(length=300), nullable=True),
        sa.Column("impact", sa.Text(), nullable=True),
        sa.Column("flags", JSON_DATA, nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("channel_name", sa.String(length=80), nullable=True),
        sa.Column("card_ts", sa.String(length=32), nullable=True),
        sa.Column("submission_key", sa.String(length=200), nullable=True),
        sa.Column("triaged_at", UTC_TIME, nullable=True),
        sa.Column("triaged_by", sa.String(length=64), nullable=True),
        sa.Column("closed_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_incidents_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
        sa.UniqueConstraint("number", name=op.f("uq_incidents_number")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_incidents_submission_key")),
        sa.UniqueConstraint("year", "seq", name=op.f("uq_incidents_year_seq")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_status", ["status"], unique=False)

    op.create_table(
        "role_assignments",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("unit_id", sa.String(length=40), nullable=True),
        sa.Column("seat", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("assigned_at", UTC_TIME, nullable=False),
        sa.Column("ended_at", UTC_TIME, nullable=True),
        sa.CheckConstraint(
            "(unit_id IS NULL AND role NOT IN ('head', 'member'))"
            " OR (unit_id IS NOT NULL AND role IN ('head', 'member'))",
            name=op.f("ck_role_assignments_unit_post"),
        ),
        sa.CheckConstraint("seat IN ('primary', 'deputy')", name=op.f("ck_role_assignments_seat")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_role_assignments_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_assignments")),
    )
    with op.batch_alter_table("role_assignments", schema=None) as batch_op:
        batch_op.create_index("ix_role_assignments_user_id", ["user_id"], unique=False)
        batch_op.create_index(
            "uq_role_assignments_current_head",
            ["unit_id", "seat"],
            unique=True,
            sqlite_where=sa.text("role = 'head' AND ended_at IS NULL"),
            postgresql_where=sa.text("role = 'head' AND ended_at IS NULL"),
        )
        batch_op.create_index(
            "uq_role_assignments_current_member",
            ["unit_id", "user_id"],
            unique=True,
            sqlite_where=sa.text("role = 'member' AND ended_at IS NULL"),
            postgresql_where=sa.text("role = 'member' AND ended_at IS NULL"),
        )
        batch_op.create_index(
            "uq_role_assignments_current_role",
            ["role", "seat"],
            unique=True,
            sqlite_where=sa.text("unit_id IS NULL AND ended_at IS NULL"),
            postgresql_where=sa.text("unit_id IS NULL AND ended_at IS NULL"),
        )

    op.create_table(
        "audit_events",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=True),
        sa.Column("incident_id", BIG_ID, nullable=True),
        sa.Column("data", JSON_DATA, nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], name=op.f("fk_audit_events_incident_id_incidents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_at", ["at"], unique=False)
        batch_op.create_index("ix_audit_events_incident_id_at", ["incident_id", "at"], unique=False)
        batch_op.create_index("ix_audit_events_subject", ["subject_type", "subject_id"], unique=False)

    op.create_table(
        "case_files",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("incident_id", BIG_ID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", JSON_DATA, nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], name=op.f("fk_case_files_incident_id_incidents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_files")),
        sa.UniqueConstraint("incident_id", "version", name=op.f("uq_case_files_incident_id_version")),
    )
    op.create_table(
        "drill_reports",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("drill_id", BIG_ID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", JSON_DATA, nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["drill_id"], ["drills.id"], name=op.f("fk_drill_reports_drill_id_drills")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill_reports")),
        sa.UniqueConstraint("drill_id", "version", name=op.f("uq_drill_reports_drill_id_version")),
    )
    op.create_table(
        "pages",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("incident_id", BIG_ID, nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("target_user", sa.String(length=64), nullable=False),
        sa.Column("attempt", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("paged_at", UTC_TIME, nullable=False),
        sa.Column("acked_at", UTC_TIME, nullable=True),
        sa.Column("acked_by", sa.String(length=64), nullable=True),
        sa.Column("escalated_at", UTC_TIME, nullable=True),
        sa.Column("dm_channel", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.CheckConstraint("attempt IN ('primary', 'deputy', 'next_tier')", name=op.f("ck_pages_attempt")),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], name=op.f("fk_pages_incident_id_incidents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pages")),
    )
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.create_index("ix_pages_incident_id", ["incident_id"], unique=False)
        batch_op.create_index("ix_pages_target_user_status", ["target_user", "status"], unique=False)

    op.create_table(
        "drill_evaluations",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("drill_id", BIG_ID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("report_id", BIG_ID, nullable=True),
        sa.Column("data", JSON_DATA, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("drafted_by", sa.String(length=64), nullable=False),
        sa.Column("drafted_at", UTC_TIME, nullable=False),
        sa.Column("approved_by", sa.String(length=64), nullable=True),
        sa.Column("approved_at", UTC_TIME, nullable=True),
        sa.Column("circulated_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(["drill_id"], ["drills.id"], name=op.f("fk_drill_evaluations_drill_id_drills")),
        sa.ForeignKeyConstraint(
            ["report_id"], ["drill_reports.id"], name=op.f("fk_drill_evaluations_report_id_drill_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill_evaluations")),
        sa.UniqueConstraint("drill_id", "version", name=op.f("uq_drill_evaluations_drill_id_version")),
    )

    _audit_trail_append_only()


def _audit_trail_append_only() -> None:
    # The audit trail must be trustworthy: the database itself refuses to change or delete an entry.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{action.lower()} BEFORE {action} ON audit_events "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    # Dropping a table drops its indexes and SQLite triggers with it.
    for table in TABLES:
        op.drop_table(table)
