"""The periodic review (procedure §2 定期檢討評估, §6 step 6): a period's figures read from the database, who may
ask for them, and the due work that sends them with the DOCX and CSV by DM (on request, and monthly to the
executive secretary and a copy to the deputy)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.delivery.kinds import WorkKind
from bot.paging.transitions import root_of
from bot.procedure.config import OrgConfig, Role
from bot.procedure.cron import fired_this_month
from bot.procedure.errors import InvalidInput, NotAllowed
from bot.procedure.status import PageStatus
from bot.procedure.who import Who
from bot.review.state import NO_UNIT, TIERS, UNTRIAGED, DrillFigure, Durations, Escalations, FollowUp, Period, Review
from storage import audit
from storage import review as rows
from storage import work as queue
from storage.models import Page
from storage.types import as_utc

PERIOD = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2]))?$")
MONTHLY_KEY = "review:monthly:"


def may_review(who: Who) -> bool:
    """The commander and the executive secretary, holder or deputy: the review is for the commander's meeting."""
    return who.holds(Role.COMMANDER) or who.holds(Role.EXECUTIVE_SECRETARY)


def parse_period(text: str, tz: ZoneInfo) -> Period:
    """``2026`` (a year) or ``2026-11`` (a month), in the organisation's time zone; InvalidInput names the text."""
    found = PERIOD.match(text.strip())
    if found is None or not 2000 <= int(found.group(1)) <= 2999:
        raise InvalidInput({"period": text})
    year, month = int(found.group(1)), int(found.group(2) or 0)
    if month:
        start = datetime(year, month, 1, tzinfo=tz)
        end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
        key = f"{year}-{month:02d}"
    else:
        start, end, key = datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz), str(year)
    return Period(key, as_utc(start), as_utc(end))


def last_month(now: datetime, tz: ZoneInfo) -> str:
    """The last full month before ``now`` (``YYYY-MM``): what the commander's monthly meeting looks back on."""
    first = now.astimezone(tz).replace(day=1)
    previous = first - timedelta(days=1)
    return f"{previous.year}-{previous.month:02d}"


def _spans(pairs: list[tuple[datetime | None, datetime | None]]) -> list[float]:
    return [(as_utc(b) - as_utc(a)).total_seconds() for a, b in pairs if a is not None and b is not None]


def figures(session: Session, config: OrgConfig, period: Period, now: datetime) -> Review:
    """The period's figures: incidents reported in it (by category, level, unit), how fast they were triaged,
    paged and acknowledged, who had to answer, the follow-ups still in their case files, and its drills."""
    incidents = rows.incidents_reported(session, period.start, period.end)
    ids = [i.id for i in incidents]
    chain = [p for p in rows.pages_of(session, ids) if root_of(Role(p.role), p.tier) is not None]
    by_incident: dict[int, list[Page]] = defaultdict(list)
    for page in chain:
        by_incident[page.incident_id].append(page)

    # Per tier: from its first page to the first acknowledgement of any page that answered for it.
    waits: dict[str, list[float]] = {tier: [] for tier in TIERS}
    unanswered: Counter[str] = Counter()
    groups: dict[tuple[int, str], list[Page]] = defaultdict(list)
    for page in chain:
        groups[(page.incident_id, str(root_of(Role(page.role), page.tier)))].append(page)
    for (_, tier), paged in groups.items():
        acks = [p.acked_at for p in paged if p.status == PageStatus.ACKED and p.acked_at is not None]
        if acks:
            waits[tier] += _spans([(min(p.paged_at for p in paged), min(acks))])
        else:
            unanswered[tier] += 1

    acked = [p for p in chain if p.status == PageStatus.ACKED]
    escalations = Escalations(
        pages=len(chain),
        escalated=sum(1 for p in chain if p.escalated_at is not None),
        acked=len(acked),
        by_deputy=sum(1 for p in acked if p.attempt == "deputy" or (p.attempt == "primary"
                                                                    and p.acked_by != p.target_user)),
        by_next_tier=sum(1 for p in acked if p.attempt == "next_tier"),
        exhausted=sum(1 for e in rows.events_of(session, ids, "page.exhausted")
                      if e.data.get("role") in TIERS),
    )

    cases = rows.latest_case_files(session, ids)
    followups = [FollowUp(i.number, i.title, i.unit_id, str(cases[i.id].data.get("followups") or "").strip(),
                          cases[i.id].version)
                 for i in incidents if i.id in cases and str(cases[i.id].data.get("followups") or "").strip()]

    drills = rows.drills_in(session, *period.months)
    reports = rows.first_reports(session, [d.id for d in drills])
    evaluations = rows.latest_evaluations(session, [d.id for d in drills])
    drill_figures = []
    for drill in drills:
        report, evaluation = reports.get(drill.id), evaluations.get(drill.id)
        filed = report.submitted_at if report else None
        late = (as_utc(filed) > as_utc(drill.due_at)) if filed else as_utc(now) > as_utc(drill.due_at)
        drill_figures.append(DrillFigure(
            drill.period, drill.unit_id, drill.category, drill.status, drill.due_at, filed, late,
            evaluation.status if evaluation else None, evaluation.version if evaluation else None,
            evaluation.approved_at if evaluation else None, bool(evaluation and evaluation.circulated_at)))

    def counted(values: list[str]) -> dict[str, int]:
        return dict(sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0])))

    return Review(
        period=period, generated_at=now, incidents=len(incidents),
        by_category=counted([i.category for i in incidents]),
        by_level=counted([i.level or UNTRIAGED for i in incidents]),
        by_unit=counted([i.unit_id or NO_UNIT for i in incidents]),
        to_triage=Durations.of(_spans([(i.created_at, i.triaged_at) for i in incidents])),
        to_first_page=Durations.of(_spans([(i.created_at, min(p.paged_at for p in by_incident[i.id]))
                                           for i in incidents if by_incident[i.id]])),
        to_ack={tier: Durations.of(waits[tier], unanswered[tier]) for tier in TIERS},
        escalations=escalations, followups=followups, drills=drill_figures,
    )


def review(session: Session, config: OrgConfig, who: Who, period: Period, now: datetime) -> Review:
    """The figures for a person who asks (`/crisis review`): the commander or the executive secretary only."""
    if not may_review(who):
        raise NotAllowed("action.review", "allowed.review")
    return figures(session, config, period, now)


def request_files(session: Session, config: OrgConfig, who: Who, found: Review, now: datetime) -> bool:
    """Send the asker the DOCX and CSV by DM, as due work keyed by the figures' digest: a retried or doubled
    command for the same figures sends them once (False: they are on their way or sent already)."""
    if not may_review(who):
        raise NotAllowed("action.review", "allowed.review")
    key = f"review:{found.period.key}:{who.user}:{found.digest()}"
    if not queue.enqueue(session, WorkKind.REVIEW_SEND, key, now, {"period": found.period.key, "user": who.user},
                         f"review:{found.period.key}"):
        return False
    audit.record(session, who.user, "review.requested", "review", found.period.key, at=now,
                 data={"period": found.period.key, "digest": found.digest()})
    return True


def schedule_monthly(session: Session, config: OrgConfig, now: datetime, *, catch_up: bool = False) -> str | None:
    """The monthly review of last month to the executive secretary (and a copy to the deputy), once per month:
    the work's key is the period, so two replicas, a restart or the start-up catch-up enqueue one. With
    ``catch_up``, only once this month's schedule has fired. Returns the period enqueued, or None."""
    if catch_up and not fired_this_month(config.review.schedule, config.organisation.tz, now):
        return None
    period = last_month(now, config.organisation.tz)
    if not queue.enqueue(session, WorkKind.REVIEW_SEND, f"{MONTHLY_KEY}{period}", now,
                         {"period": period, "to": [Role.EXECUTIVE_SECRETARY.value]}, f"review:{period}"):
        return None
    audit.record(session, "scheduler", "review.scheduled", "review", period, at=now, data={"period": period})
    return period
