"""Drills end to end through the sandbox (issue 4: procedure §7, annex 2), on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import threading

import sqlalchemy as sa
from docx import Document

from bot import ids
from storage import work as queue
from storage.models import AuditEvent, Drill, DrillEvaluation, DrillReport

EXEC, EXEC_DEPUTY, PLAN, PLAN_DEPUTY, COMMANDER = "U0000EXEC", "U0000EXED", "U0000PLAN", "U0000PLDP", "U0000CMDR"


def drills(stack) -> list[Drill]:
    with stack.bot.services.sessions() as s:
        return list(s.scalars(sa.select(Drill).order_by(Drill.id)))


def draw(stack, user: str = EXEC) -> Drill:
    person = stack.person(user)
    assert person.slash("/crisis", "drill draw").ok
    person.wait_ephemeral(lambda m: "drill verify" in m.text)
    stack.drain()
    [drill] = drills(stack)
    return drill


def heads_of(stack, unit_id: str) -> tuple[str, str]:
    unit = stack.bot.services.config.unit(unit_id)
    return unit.head, unit.deputy


def dm_with(stack, user: str, action_id: str, predicate=lambda m: True):
    return stack.person(user).dm().wait_for_message(lambda m: action_id in str(m.blocks) and predicate(m))


def test_manual_draw_notifies_everyone(stack):
    drill = draw(stack)
    assert drill.period == "2026-11" and drill.status == "drawn" and drill.drawn_by == EXEC
    record = drill.draw
    assert record["unit"] == drill.unit_id and record["seed"] and record["eligible"]
    # the executive secretary's DM is the drill's thread; the planning group is told with a plan button
    card = stack.person(EXEC).dm().wait_for_message(lambda m: ids.DRILL_PLAN_OPEN in str(m.blocks))
    assert drill.thread_ts == card.ts
    dm_with(stack, PLAN, ids.DRILL_PLAN_OPEN)
    dm_with(stack, PLAN_DEPUTY, ids.DRILL_PLAN_OPEN)
    head, deputy = heads_of(stack, drill.unit_id)
    for user in (head, deputy):
        notice = dm_with(stack, user, ids.DRILL_REPORT_OPEN)
        assert "2026-12-12" in notice.all_text()
