"""A small fixed dataset for the periodic review, whose figures are worked out by hand in the tests that use it.

Times are UTC; the organisation's time zone is Asia/Taipei (UTC+8), so November 2026 there is
2026-10-31 16:00Z to 2026-11-30 16:00Z. Incidents (report → triage; pages):

  A  sudden_event / high / inspection, 11-02 02:00, triaged +10 min. Commander paged 02:01, timed out 02:06 to the
     deputy (U0000CMDD), who acknowledged at 02:08. Case file v1 and v2 (v2's follow-ups count).
  B  sudden_event / medium / inspection, 11-10 00:00, triaged +30 min. Executive secretary paged 00:05, timed out
     00:20 to the deputy, timed out 00:35 to the next tier (the commander), acknowledged 00:40. Case file with
     no follow-ups.
  C  clearance / low / clearance1, 11-20 03:00, triaged at once (the head reported). No pages. Case file whose
     follow-ups are blank.
  D  clearance / untriaged / inspection, 11-25 05:00. Executive secretary paged 05:02, never answered; the legal
     group paged 05:03 and answered (not a tier: left out). A `page.exhausted` event for the commander's chain.
  E  clearance / medium / inspection, 10-31 15:59 (23:59 on 31 October in Taipei: October). Case file with a
     follow-up that must not show in November.
  F  public_opinion / medium / no unit, 11-30 15:30 (23:30 on 30 November in Taipei), triaged +60 min. Executive
     secretary paged +1 min, acknowledged +4 min by the deputy on the holder's page.

Drills: 2026-10 (clearance1, due 10-15 15:59, form filed 10-20: late; evaluation v1 returned, v2 approved and
circulated), 2026-11 (inspection, due 11-15 15:59, form filed 11-10: on time; evaluation v1 submitted), and 2025-12
(outside 2026).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from storage import audit
from storage.models import CaseFile, Drill, DrillEvaluation, DrillReport, Incident


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass(frozen=True)
class Dataset:
    numbers: dict[str, str]  # A..F -> incident number


def build(session: Session, make: Any) -> Dataset:
    for unit in ("inspection", "clearance1"):
        make.unit(unit)
    minute = timedelta(minutes=1)

    def incident(category: str, level: str | None, unit: str | None, created: datetime,
                 triaged: datetime | None, title: str) -> Incident:
        row = make.incident(category=category, subtype=None, level=level, unit_id=unit, created_at=created,
                            triaged_at=triaged, status="closed", title=title)
        return row

    def page(row: Incident, role: str, attempt: str, target: str, paged: datetime, *, tier: int = 0,
             escalated: datetime | None = None, acked: datetime | None = None, by: str | None = None) -> None:
        status = "acked" if acked else "escalated" if escalated else "paging"
        make.page(row, role=role, tier=tier, attempt=attempt, target_user=target, paged_at=paged, status=status,
                  escalated_at=escalated, acked_at=acked, acked_by=by or (target if acked else None))

    def case_file(row: Incident, version: int, followups: str) -> None:
        session.add(CaseFile(incident_id=row.id, version=version, submitted_by="U0000INSH",
                             submitted_at=row.created_at + timedelta(days=1),
                             data={"summary": "s", "cause": "c", "handling": "h", "lessons": "l",
                                   "followups": followups}))
        session.commit()

    a = incident("sudden_event", "high", "inspection", at(11, 2, 2), at(11, 2, 2, 10), "颱風淹水")
    page(a, "commander", "primary", "U0000CMDR", at(11, 2, 2, 1), escalated=at(11, 2, 2, 6))
    page(a, "commander", "deputy", "U0000CMDD", at(11, 2, 2, 6), acked=at(11, 2, 2, 8))
    case_file(a, 1, "舊的追蹤事項")
    case_file(a, 2, "更換配電盤；加裝抽水機")

    b = incident("sudden_event", "medium", "inspection", at(11, 10, 0), at(11, 10, 0, 30), "貨櫃倒塌")
    page(b, "executive_secretary", "primary", "U0000EXEC", at(11, 10, 0, 5), escalated=at(11, 10, 0, 20))
    page(b, "executive_secretary", "deputy", "U0000EXED", at(11, 10, 0, 20), escalated=at(11, 10, 0, 35))
    page(b, "commander", "next_tier", "U0000CMDR", at(11, 10, 0, 35), tier=1, acked=at(11, 10, 0, 40))
    case_file(b, 1, "")

    c = incident("clearance", "low", "clearance1", at(11, 20, 3), at(11, 20, 3), "系統當機")
    case_file(c, 1, "   ")

    d = incident("clearance", None, "inspection", at(11, 25, 5), None, "報關延誤")
    page(d, "executive_secretary", "primary", "U0000EXEC", at(11, 25, 5, 2))
    page(d, "legal", "primary", "U0000LGSH", at(11, 25, 5, 3), acked=at(11, 25, 5, 4))
    audit.record(session, "crisisbot", "page.exhausted", "incident", d.id, incident_id=d.id, at=at(11, 25, 6),
                 data={"role": "commander"})
    session.commit()

    e = incident("clearance", "medium", "inspection", at(10, 31, 15, 59), at(10, 31, 16, 10), "十月底的事件")
    case_file(e, 1, "不應出現在十一月")

    f_created = at(11, 30, 15, 30)
    f = incident("public_opinion", "medium", None, f_created, f_created + 60 * minute, "網路輿情")
    page(f, "executive_secretary", "primary", "U0000EXEC", f_created + minute, acked=f_created + 4 * minute,
         by="U0000EXED")

    def drill(period: str, unit: str, due: datetime, status: str) -> Drill:
        row = Drill(period=period, unit_id=unit, category="clearance", draw={}, due_at=due, status=status,
                    drawn_by="scheduler", drawn_at=due - timedelta(days=14))
        session.add(row)
        session.commit()
        return row

    def report(row: Drill, version: int, when: datetime) -> DrillReport:
        filed = DrillReport(drill_id=row.id, version=version, data={}, submitted_by="U0000INSH", submitted_at=when)
        session.add(filed)
        session.commit()
        return filed

    def evaluation(row: Drill, version: int, status: str, filed: DrillReport, **kw: Any) -> None:
        session.add(DrillEvaluation(drill_id=row.id, version=version, report_id=filed.id, data={}, status=status,
                                    drafted_by="U0000PLAN", drafted_at=filed.submitted_at + timedelta(days=1), **kw))
        session.commit()

    october = drill("2026-10", "clearance1", at(10, 15, 15, 59), "closed")
    first = report(october, 1, at(10, 20, 2))
    report(october, 2, at(10, 21, 2))
    evaluation(october, 1, "returned", first)
    evaluation(october, 2, "approved", first, approved_by="U0000EXEC", approved_at=at(10, 25, 2),
               circulated_at=at(10, 25, 3))
    november = drill("2026-11", "inspection", at(11, 15, 15, 59), "evaluating")
    evaluation(november, 1, "submitted", report(november, 1, at(11, 10, 2)))
    drill("2025-12", "inspection", at(12, 15, 15, 59, year=2025), "closed")
    return Dataset({k: v.number for k, v in zip("ABCDEF", (a, b, c, d, e, f), strict=True)})
