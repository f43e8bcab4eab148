"""Incident numbers: YYYY-NNNN, per year, no duplicates and no gaps, even under concurrency."""

from __future__ import annotations

import threading

from storage import incidents
from storage.db import session_factory
from storage.models import Incident


def test_numbers_count_per_year(session):
    assert incidents.next_incident_number(session, 2026) == "2026-0001"
    assert incidents.next_incident_number(session, 2026) == "2026-0002"
    assert incidents.next_incident_number(session, 2027) == "2027-0001"
    assert incidents.allocate_incident_number(session, 2026) == (3, "2026-0003")


def test_rolled_back_report_gives_its_number_back(engine):
    factory = session_factory(engine)
    with factory() as s:
        assert incidents.next_incident_number(s, 2026) == "2026-0001"
        s.rollback()
    with factory() as s:
        assert incidents.next_incident_number(s, 2026) == "2026-0001"


def test_concurrent_reports_get_distinct_gapless_numbers(engine, make, now):
    make.unit("inspection")
    make.session.commit()
    factory = session_factory(engine)
    threads_n, per_thread = 8, 6
    barrier = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def report(worker: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with factory() as s:
                    seq, number = incidents.allocate_incident_number(s, 2026)
                    s.add(
                        Incident(
                            number=number, year=2026, seq=seq, category="clearance", status="reported",
                            reporter=f"U{worker}", title=f"report {worker}/{i}", unit_id="inspection",
                            created_at=now, updated_at=now, flags={},
                        )
                    )  # fmt: skip
                    if i == 2:
                        s.rollback()  # an abandoned report must not leave a hole
                        continue
                    s.commit()
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=report, args=(w,)) for w in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    assert errors == []
    with factory() as s:
        numbers = sorted(s.scalars(Incident.__table__.select().with_only_columns(Incident.number)).all())
    expected = threads_n * (per_thread - 1)
    assert numbers == [f"2026-{n:04d}" for n in range(1, expected + 1)]
