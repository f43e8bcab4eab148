"""The audit trail becomes a hash chain: seq, prev_hash and hash on every event, the chain head, and a backfill

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

The events written before this revision are chained in id order (the order they were written in), with the
algorithm of its time, ``crisisbot-audit-v1`` (``storage.chain``). The append-only triggers are dropped for the
backfill and recreated after it, now letting through the one update that seals a new event at commit.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from storage import chain
from storage.types import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = "audit_events is append-only"
JSON_DATA = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BATCH = 1000

# The columns as the backfill reads them: the same types the bot reads them with, so verify recomputes the same.
EVENTS = sa.table(
    "audit_events",
    sa.column("id", sa.BigInteger()),
    sa.column("at", UTCDateTime()),
    sa.column("actor", sa.String()),
    sa.column("kind", sa.String()),
    sa.column("subject_type", sa.String()),
    sa.column("subject_id", sa.String()),
    sa.column("incident_id", sa.BigInteger()),
    sa.column("data", JSON_DATA),
    sa.column("seq", sa.BigInteger()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)
HEAD = sa.table("audit_chain_head", sa.column("id", sa.Integer()), sa.column("seq", sa.BigInteger()),
                sa.column("hash", sa.String()))

# Everything an event says, compared before and after an UPDATE: only a seal (NULL -> value) may pass.
CONTENT = ("id", "at", "actor", "kind", "subject_type", "subject_id", "incident_id", "data")
SEALING_PG = (
    "OLD.seq IS NULL AND OLD.hash IS NULL AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL "
    "AND NEW.hash IS NOT NULL AND (" + ", ".join(f"NEW.{c}" for c in CONTENT) + ") IS NOT DISTINCT FROM ("
    + ", ".join(f"OLD.{c}" for c in CONTENT) + ")"
)
SEALING_SQLITE = (
    "OLD.seq IS NULL AND OLD.hash IS NULL AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL "
    "AND NEW.hash IS NOT NULL AND " + " AND ".join(f"NEW.{c} IS OLD.{c}" for c in CONTENT)
)


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _drop_triggers() -> None:
    if _postgresql():
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")


def _create_triggers(*, sealing: bool) -> None:
    """The append-only triggers; with ``sealing``, an unsealed event may be sealed once (and nothing else)."""
    if _postgresql():
        allow = f"IF TG_OP = 'UPDATE' AND {SEALING_PG} THEN RETURN NEW; END IF; " if sealing else ""
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {allow}RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
        return
    when = f" WHEN NOT ({SEALING_SQLITE})" if sealing else ""
    op.execute(f"CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events{when} "
               f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END")
    op.execute(f"CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
               f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END")


def _backfill() -> tuple[int, str]:
    """Chain every existing event in id order; returns the last link. Reads in batches by id, so a long trail
    never sits in memory at once."""
    bind = op.get_bind()
    seq, last, after = 0, chain.GENESIS, None
    update = (sa.update(EVENTS).where(EVENTS.c.id == sa.bindparam("event_id"))
              .values(seq=sa.bindparam("new_seq"), prev_hash=sa.bindparam("new_prev"), hash=sa.bindparam("new_hash")))
    while True:
        query = sa.select(EVENTS).order_by(EVENTS.c.id).limit(BATCH)
        if after is not None:
            query = query.where(EVENTS.c.id > after)
        rows = bind.execute(query).mappings().all()
        if not rows:
            return seq, last
        changes = []
        for row in rows:
            seq += 1
            link = {"seq": seq, "prev_hash": last}
            last = chain.link_hash({**row, **link})
            changes.append({"event_id": row["id"], "new_seq": seq, "new_prev": link["prev_hash"], "new_hash": last})
        bind.execute(update, changes)
        after = rows[-1]["id"]


def upgrade() -> None:
    _drop_triggers()
    op.add_column("audit_events", sa.Column("seq", sa.BigInteger(), nullable=True))
    op.add_column("audit_events", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_events", sa.Column("hash", sa.String(length=64), nullable=True))
    op.create_index("uq_audit_events_seq", "audit_events", ["seq"], unique=True)
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_chain_head_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    seq, last = _backfill()
    op.execute(HEAD.insert().values(id=1, seq=seq, hash=last))
    _create_triggers(sealing=True)


def downgrade() -> None:
    _drop_triggers()
    op.drop_table("audit_chain_head")
    op.drop_index("uq_audit_events_seq", table_name="audit_events")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
    _create_triggers(sealing=False)
