"""Drills: the committed nonce for the next draw, and the drill's thread

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("drills") as batch:
        batch.add_column(sa.Column("next_nonce", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("thread_channel", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("thread_ts", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("drills") as batch:
        batch.drop_column("thread_ts")
        batch.drop_column("thread_channel")
        batch.drop_column("next_nonce")
