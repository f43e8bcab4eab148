"""Sent messages: the record that lets post_once find its own message by key; an index for the card's reads

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sent_messages",
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("room", sa.String(length=64), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sent_messages")),
    )
    op.create_index("ix_audit_events_incident_id_kind_at", "audit_events", ["incident_id", "kind", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_incident_id_kind_at", table_name="audit_events")
    op.drop_table("sent_messages")
