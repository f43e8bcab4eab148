"""Drill services (bot.drills) on a real database (SQLite and PostgreSQL), with an injected clock and rng."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.blockkit.forms import inline_errors
from bot.drills import forms as drills_forms
from bot.drills import service as drills
from bot.drills import state as drills_state
from bot.drills import views as drills_views
from bot.procedure.config import load_config
from bot.procedure.errors import InvalidInput, NotAllowed
from bot.procedure.status import DrillStatus
from bot.procedure.who import who_from_config
from bot.roster.sync import sync_roster
from storage import drills as storage_drills
from storage import work as queue
from storage.db import create_engine, session_factory
from storage.models import Drill, DueWork

CONFIG = load_config()
NOV = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)  # 09:00 on 1 November in Taipei


def month(n: int) -> datetime:
    """The n-th month after November 2026, at the cron's time."""
    y, m = divmod(10 + n, 12)
    return datetime(2026 + y, m + 1, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def db(session):
    with session.begin():
        sync_roster(session, CONFIG, actor="config", now=NOV)
    return session


def draw(session, now, rng=None, who=None, actor="scheduler"):
    with session.begin():
        return drills.draw(session, CONFIG, actor, now, rng or random.Random(1), who=who)


def test_one_draw_per_period(db):
    first = draw(db, NOV)
    assert first.created and first.period == "2026-11"
    with pytest.raises(drills.AlreadyDrawn) as again:
        draw(db, NOV + timedelta(days=3))
    assert again.value.drill_id == first.drill_id
    assert db.scalar(sa.select(sa.func.count()).select_from(Drill)) == 1


def test_only_the_executive_secretary_or_deputy_may_draw(db):
    for user in ("U0000PLAN", "U0000CMDR", "U0000INSH", "U0000GUST"):
        with pytest.raises(NotAllowed):
            draw(db, NOV, who=who_from_config(CONFIG, user), actor=user)
    drawn = draw(db, NOV, who=who_from_config(CONFIG, "U0000EXED"), actor="U0000EXED")
    assert drawn.created


def test_draws_chain_and_verify(db):
    made = [draw(db, month(i), random.Random(i)) for i in range(8)]
    units = [d.unit_id for d in made]
    assert all(units[i] not in units[max(0, i - 6):i] for i in range(len(units)))
    for d in made:
        result = drills.verify(db, d.drill_id)
        assert result.ok, [c for c in result.checks if not c.ok]
    rows = storage_drills.history(db)
    # each record commits to the nonce the next one reveals; only the newest keeps an unrevealed nonce
    assert [r.next_nonce is None for r in rows] == [False] + [True] * 7
    text = drills_views.verification_text(drills.verify(db, made[3].drill_id), CONFIG, "en")
    assert "Verified" in text and "commitment" in text


def test_verify_detects_a_changed_result(db):
    made = [draw(db, month(i)) for i in range(3)]
    with db.begin():
        drill = db.get(Drill, made[1].drill_id)
        drill.unit_id = next(u.id for u in CONFIG.units if u.id != drill.unit_id)
    assert not drills.verify(db, made[1].drill_id).ok
    assert not drills.verify(db, made[2].drill_id).ok  # the later draw's history no longer matches


def test_category_is_the_least_recently_drilled_and_differs(db):
    made = [draw(db, month(i)) for i in range(5)]
    categories = [d.category for d in made]
    assert categories[:4] == [c.id for c in CONFIG.categories]  # never drilled first, in the procedure's order
    assert categories[4] == categories[0]
    assert all(a != b for a, b in zip(categories, categories[1:], strict=False))


def test_reminders_are_scheduled_in_the_organisations_time_zone(db):
    drawn = draw(db, NOV)
    assert drawn.due_at == datetime(2026, 11, 15, 15, 59, tzinfo=UTC)  # 23:59 on 15 Nov in Taipei
    rows = [w for w in queue.pending(db, subject_id=f"drill:{drawn.drill_id}") if w.kind in ("drill.remind",
                                                                                            "drill.overdue")]
    db.commit()
    assert [(w.kind, w.payload.get("days"), w.due_at) for w in rows] == [
        ("drill.remind", 7, datetime(2026, 11, 8, 1, 0, tzinfo=UTC)),
        ("drill.remind", 3, datetime(2026, 11, 12, 1, 0, tzinfo=UTC)),
        ("drill.remind", 1, datetime(2026, 11, 14, 1, 0, tzinfo=UTC)),
        ("drill.remind", 0, datetime(2026, 11, 15, 1, 0, tzinfo=UTC)),
        ("drill.overdue", None, datetime(2026, 11, 15, 16, 0, tzinfo=UTC)),
    ]


def test_plan_validation_and_authorization(db):
    first = draw(db, NOV)
    second = draw(db, month(1))
    planner, executive = who_from_config(CONFIG, "U0000PLAN"), who_from_config(CONFIG, "U0000EXEC")
    with db.begin():
        drill = db.get(Drill, second.drill_id)
        previous = db.get(Drill, first.drill_id).category
        same = drills_state.Plan(previous, "案由", None, None, None)
        with pytest.raises(InvalidInput) as bad:
            drills.set_plan(db, CONFIG, planner, drill, same, month(1))
        assert bad.value.errors == {"category": "drill.error.same_category"}
        assert "不同類別" in inline_errors(bad.value, drills_forms.BLOCKS, "zh-TW")["drill_category"]
        later = drills_state.Plan(drill.category, "案由", None, None, drills.local_date(drill.due_at, CONFIG)
                            + timedelta(days=3))
        with pytest.raises(InvalidInput) as due:
            drills.set_plan(db, CONFIG, planner, drill, later, month(1))
        assert "executive secretary" in inline_errors(due.value, drills_forms.BLOCKS, "en")["drill_due"]
        with pytest.raises(NotAllowed):
            drills.set_plan(db, CONFIG, who_from_config(CONFIG, "U0000INSH"), drill, later, month(1))
        changes = drills.set_plan(db, CONFIG, executive, drill, later, month(1))
        assert "due_at" in changes and drill.status == DrillStatus.PLANNED
    pending = [w for w in queue.pending(db, subject_id=f"drill:{second.drill_id}") if w.kind == "drill.remind"]
    db.commit()
    assert len(pending) == 4 and all(w.due_at.day in (11, 15, 17, 18) for w in pending)


def test_two_replicas_draw_at_once_one_draw_counts(database_url):
    engines = [create_engine(database_url) for _ in range(2)]
    try:
        with session_factory(engines[0])() as s, s.begin():
            sync_roster(s, CONFIG, actor="config", now=NOV)
        results: list = []
        barrier = threading.Barrier(2)

        def replica(engine, seed):
            barrier.wait()
            with session_factory(engine)() as s:
                try:
                    with s.begin():
                        results.append(drills.draw(s, CONFIG, "scheduler", NOV, random.Random(seed)))
                except drills.AlreadyDrawn as exc:
                    results.append(exc)

        threads = [threading.Thread(target=replica, args=(e, i)) for i, e in enumerate(engines)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert sorted(type(r).__name__ for r in results) == ["AlreadyDrawn", "Drawn"]
        with session_factory(engines[0])() as s:
            assert s.scalar(sa.select(sa.func.count()).select_from(Drill)) == 1
            keys = s.scalars(sa.select(DueWork.key).where(DueWork.kind == "drill.thread")).all()
            assert len(keys) == 1
    finally:
        for e in engines:
            e.dispose()
