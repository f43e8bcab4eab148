"""The review's figures against the hand-computed dataset of `tests.bot.review.fixture` (every expected number is
worked out in that module's docstring, not by the code under test), on both databases; who may ask; the period's
parsing; and the monthly review enqueued once per month."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from bot.procedure.config import load_config
from bot.procedure.errors import InvalidInput, NotAllowed
from bot.procedure.who import who_from_config
from bot.review import service
from bot.review.state import Durations, Escalations
from storage.models import AuditEvent, DueWork
from tests.bot.review.fixture import build

CONFIG = load_config()
TZ = CONFIG.organisation.tz
NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)


def test_a_months_figures_match_the_hand_computed_dataset(session, make):
    data = build(session, make)
    found = service.figures(session, CONFIG, service.parse_period("2026-11", TZ), NOW)
    assert found.incidents == 5  # A, B, C, D, F; E is October in Taipei
    assert found.by_category == {"clearance": 2, "sudden_event": 2, "public_opinion": 1}
    assert list(found.by_category) == ["clearance", "sudden_event", "public_opinion"]  # most first, then by id
    assert found.by_level == {"medium": 2, "high": 1, "low": 1, "untriaged": 1}
    assert found.by_unit == {"inspection": 3, "clearance1": 1, "none": 1}
    # report → triage: A 600 s, B 1800 s, C 0 s, F 3600 s (D never triaged)
    assert found.to_triage == Durations(count=4, median=1200.0, max=3600.0)
    # report → first page of a tier: A 60 s, B 300 s, D 120 s (the legal group's later page is no tier), F 60 s
    assert found.to_first_page == Durations(count=4, median=90.0, max=300.0)
    # page → acknowledgement: the commander's tier (A: 02:01 → the deputy's 02:08); the secretary's (B: 00:05 →
    # the next tier's 00:40 = 2100 s, F: 180 s; D unanswered)
    assert found.to_ack == {"commander": Durations(count=1, median=420.0, max=420.0),
                            "executive_secretary": Durations(count=2, median=1140.0, max=2100.0, missing=1)}
    # 7 tier pages (the legal page is left out); P1, P3, P4 timed out; A's deputy page and F's holder's page
    # answered by the deputy; B answered by the next tier; D's chain exhausted
    assert found.escalations == Escalations(pages=7, escalated=3, acked=3, by_deputy=2, by_next_tier=1, exhausted=1)
    [follow] = found.followups  # A's latest version only; B's empty, C's blank, E is October
    assert (follow.number, follow.unit_id, follow.text, follow.version) == (
        data.numbers["A"], "inspection", "更換配電盤；加裝抽水機", 2)
    [drill] = found.drills
    assert (drill.period, drill.unit_id, drill.late, drill.evaluation_status, drill.evaluation_version) == (
        "2026-11", "inspection", False, "submitted", 1)
    assert (found.drills_done, found.drills_late) == (1, 0)
    rows = found.rows()
    assert ("to_ack.executive_secretary", "median_seconds", "1140", "") in rows
    assert ("followup", data.numbers["A"], "更換配電盤；加裝抽水機", "unit=inspection; case_file=v2") in rows
    assert ("drills", "late", "0", "") in rows


def test_a_years_figures(session, make):
    build(session, make)
    found = service.figures(session, CONFIG, service.parse_period("2026", TZ), NOW)
    assert found.incidents == 6  # E (October) too
    assert found.by_category == {"clearance": 3, "sudden_event": 2, "public_opinion": 1}
    assert [f.text for f in found.followups] == ["更換配電盤；加裝抽水機", "不應出現在十一月"]
    assert [(d.period, d.late, d.evaluation_status, d.evaluation_version, d.circulated) for d in found.drills] == [
        ("2026-10", True, "approved", 2, True), ("2026-11", False, "submitted", 1, False)]  # not 2025-12
    assert (found.drills_done, found.drills_late) == (2, 1)


def test_an_empty_period_has_zero_figures(session, make):
    build(session, make)
    found = service.figures(session, CONFIG, service.parse_period("2026-01", TZ), NOW)
    assert (found.incidents, found.by_category, found.followups, found.drills) == (0, {}, [], [])
    assert found.to_triage == Durations() and found.escalations == Escalations()


def test_a_drill_past_due_with_no_form_is_late(session, make):
    from storage.models import Drill

    make.unit("inspection")
    session.add(Drill(period="2026-11", unit_id="inspection", category="clearance", draw={}, status="planned",
                      due_at=datetime(2026, 11, 15, 15, 59, tzinfo=UTC), drawn_by="scheduler",
                      drawn_at=datetime(2026, 11, 1, 1, tzinfo=UTC)))
    session.commit()
    period = service.parse_period("2026-11", TZ)
    assert service.figures(session, CONFIG, period, datetime(2026, 11, 10, tzinfo=UTC)).drills_late == 0
    assert service.figures(session, CONFIG, period, NOW).drills_late == 1


def test_periods_in_the_organisations_time_zone():
    month = service.parse_period("2026-11", TZ)
    assert (month.start, month.end) == (datetime(2026, 10, 31, 16, tzinfo=UTC), datetime(2026, 11, 30, 16, tzinfo=UTC))
    december = service.parse_period(" 2026-12 ", TZ)
    assert december.end == datetime(2026, 12, 31, 16, tzinfo=UTC) and december.months == ("2026-12", "2026-12")
    year = service.parse_period("2026", TZ)
    assert (year.start, year.months) == (datetime(2025, 12, 31, 16, tzinfo=UTC), ("2026-01", "2026-12"))
    for bad in ("2026-13", "26-11", "2026/11", "november", "", "2026-1", "1999"):
        with pytest.raises(InvalidInput):
            service.parse_period(bad, TZ)
    # the last full month, in Taipei: 1 December 07:00 there is still 30 November in UTC
    assert service.last_month(datetime(2026, 11, 30, 23, tzinfo=UTC), TZ) == "2026-11"
    assert service.last_month(datetime(2026, 1, 5, tzinfo=UTC), TZ) == "2025-12"


def test_only_the_commander_and_the_executive_secretary_may_review(session, make):
    period = service.parse_period("2026-11", TZ)
    for user in ("U0000CMDR", "U0000CMDD", "U0000EXEC", "U0000EXED"):
        assert service.review(session, CONFIG, who_from_config(CONFIG, user), period, NOW).incidents == 0
    for user in ("U0000INSH", "U0000PLAN", "U0000NOBODY"):
        with pytest.raises(NotAllowed):
            service.review(session, CONFIG, who_from_config(CONFIG, user), period, NOW)


def test_the_files_of_the_same_figures_are_requested_once(session, make):
    who = who_from_config(CONFIG, "U0000EXEC")
    found = service.figures(session, CONFIG, service.parse_period("2026-11", TZ), NOW)
    assert service.request_files(session, CONFIG, who, found, NOW) is True
    assert service.request_files(session, CONFIG, who, found, NOW) is False
    session.commit()
    make.incident(created_at=datetime(2026, 11, 5, tzinfo=UTC))  # the figures change: a new request counts
    changed = service.figures(session, CONFIG, service.parse_period("2026-11", TZ), NOW)
    assert service.request_files(session, CONFIG, who, changed, NOW) is True
    session.commit()
    kinds = session.scalars(sa.select(DueWork.kind)).all()
    assert kinds == ["review.send", "review.send"]
    with pytest.raises(NotAllowed):
        service.request_files(session, CONFIG, who_from_config(CONFIG, "U0000INSH"), found, NOW)


def test_the_monthly_review_is_enqueued_once_per_month(session):
    first_of_december = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 09:00 in Taipei: the default schedule fires
    assert service.schedule_monthly(session, CONFIG, first_of_december) == "2026-11"
    assert service.schedule_monthly(session, CONFIG, first_of_december) is None  # another replica, a restart
    assert service.schedule_monthly(session, CONFIG, first_of_december, catch_up=True) is None
    session.commit()
    rows = session.scalars(sa.select(DueWork)).all()
    assert [(r.kind, r.key, r.payload) for r in rows] == [
        ("review.send", "review:monthly:2026-11", {"period": "2026-11", "to": ["executive_secretary"]})]
    events = session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "review.scheduled")).all()
    assert [e.subject_id for e in events] == ["2026-11"]


def test_the_catch_up_waits_for_the_schedule(session):
    early = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)  # 08:30 in Taipei, before the 09:00 run
    assert service.schedule_monthly(session, CONFIG, early, catch_up=True) is None
    later = datetime(2026, 12, 3, tzinfo=UTC)  # no replica ran on the 1st: the start catches up
    assert service.schedule_monthly(session, CONFIG, later, catch_up=True) == "2026-11"
