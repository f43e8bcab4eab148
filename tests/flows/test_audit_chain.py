"""The audit trail's hash chain as the running bot builds it: a report through the sandbox, the triage DM, the war
room and the due work drained, and `crisisbot audit verify` finds every event sealed, in one unbroken chain."""

from __future__ import annotations

import sqlalchemy as sa

from bot.runtime.cli import main
from storage import audit
from tests.flows.test_report import report


def test_a_report_and_its_work_leave_an_unbroken_chain(stack, database_url, monkeypatch, capsys):
    report(stack, "U0000INS1", "high")
    stack.drain()
    with stack.bot.services.sessions() as s:
        rows = list(s.execute(sa.select(audit.EVENTS).order_by(audit.EVENTS.c.id)).mappings())
        head = audit.head(s)
    kinds = [r["kind"] for r in rows]
    assert "incident.reported" in kinds and len(kinds) > 3
    assert all(r["seq"] is not None and r["hash"] is not None for r in rows)  # every event sealed at commit
    assert sorted(r["seq"] for r in rows) == list(range(1, len(rows) + 1))
    assert head == (len(rows), max(rows, key=lambda r: r["seq"])["hash"])
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    assert main(["audit", "verify"]) == 0
    assert f"audit chain holds: {len(rows)} event(s) checked" in capsys.readouterr().out
