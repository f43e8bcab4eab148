"""Replicas: three bot processes share one PostgreSQL database. Due reminders and incidents are spread over
them (deliveries round-robin, each replica's scheduler claims due rows); every effect happens exactly once, and
the monthly draw, which all three make at start (the catch-up), is made once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from bot.drills.work import schedule_fired
from bot.procedure.config import load_config
from sandbox.driver import Sandbox
from storage.db import create_engine
from storage.models import AuditEvent, Drill, DueWork
from tests.reliability.procs import (
    BotProcess,
    check_incidents,
    report,
    scale,
    seed_reminders,
    wait_settled,
    work_keys,
)

pytestmark = [pytest.mark.reliability, pytest.mark.postgres]

MANIFEST = Path(__file__).parents[2] / "manifests" / "http.yaml"


@pytest.mark.timeout(600)
def test_three_replicas_do_everything_once(pg_database_url: str, tmp_path: Path) -> None:
    url = pg_database_url
    reminders, incidents = scale(100, 1000), scale(10, 100)
    sandbox = Sandbox.start(bot_token="xoxb-reliability").relax_deadlines()
    sandbox.subscribe_manifest(MANIFEST)
    _old, reminder_keys = seed_reminders(url, reminders, last_month=True)
    replicas = [BotProcess(url, sandbox, tmp_path, name=f"replica{i}", tick=0.3, lease=10) for i in range(3)]
    try:
        # The catch-up draw is made only once this month's schedule has fired (e.g. not before 09:00 on the 1st).
        due_before = _this_months_draw_due()
        # Started together: all three migrate, load the roster and make the catch-up draw at the same moment.
        procs = [_spawn(r) for r in replicas]
        for wait in procs:
            wait()
        heads = ["U0000INSH", "U0000CL1H", "U0000CL2H", "U0000INVH"]
        for i in range(incidents):
            replicas[i % 3].route_here()
            assert report(sandbox, heads[i % len(heads)], f"颱風 {i}", "high", timeout=60), f"report {i} not acked"
        wait_settled(url, timeout=300)
        figures = check_incidents(url, sandbox)
        assert figures["incidents"] == incidents
        keys = work_keys(sandbox)
        missing = [k for k in reminder_keys if keys[k] != 1]
        assert not missing, f"reminders not sent exactly once: {missing[:5]}"
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                drills = conn.execute(sa.select(Drill.id, Drill.period)).all()
                drawn = conn.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                    .where(AuditEvent.kind == "drill.drawn"))
                workers = conn.scalars(sa.select(DueWork.claimed_by).distinct()
                                       .where(DueWork.done_at.is_not(None))).all()
        finally:
            engine.dispose()
        # last month's (seeded) and, once due, this month's: each once
        assert len(drills) == drawn and 1 + due_before <= drawn <= 1 + _this_months_draw_due(), (drills, drawn)
        print(f"replicas: {figures}, reminders {len(reminder_keys)} DMs once each, draws {drawn}, "
              f"workers {len(set(workers))}")
    finally:
        for r in replicas:
            r.stop()
        sandbox.stop()


def _this_months_draw_due() -> int:
    """1 when the default configuration's draw schedule has fired this month by now (real time), else 0."""
    return int(schedule_fired(SimpleNamespace(config=load_config()), datetime.now(UTC)))  # type: ignore[arg-type]


def _spawn(replica: BotProcess):  # type: ignore[no-untyped-def]
    """Start a replica's process without waiting; return the wait for its /healthz."""
    import threading

    box: list[BaseException] = []
    thread = threading.Thread(target=lambda: _start(replica, box), daemon=True)
    thread.start()

    def wait() -> None:
        thread.join(90)
        if box:
            raise box[0]

    return wait


def _start(replica: BotProcess, box: list[BaseException]) -> None:
    try:
        replica.start()
    except BaseException as exc:  # handed to the waiting test
        box.append(exc)
