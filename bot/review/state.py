"""The review's read models: a period and its figures as plain values, and the figures as rows (section, key,
value, detail) for the CSV and for a digest that says whether two requests would send the same files."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

# The tiers a page answers for (bot.paging.transitions.CHAIN), top first as the review shows them.
TIERS = ("commander", "executive_secretary")
UNTRIAGED = "untriaged"  # the level key of an incident nobody has judged yet
NO_UNIT = "none"


@dataclass(frozen=True)
class Period:
    """A year (``2026``) or a month (``2026-11``) in the organisation's time zone, as a UTC span ``[start, end)``."""

    key: str
    start: datetime
    end: datetime

    @property
    def is_year(self) -> bool:
        return len(self.key) == 4

    @property
    def months(self) -> tuple[str, str]:
        """The first and last drill periods (``YYYY-MM``) it spans."""
        return (f"{self.key}-01", f"{self.key}-12") if self.is_year else (self.key, self.key)


@dataclass(frozen=True)
class Durations:
    """How long something took, over the incidents where it happened: how many, the median and the longest (in
    seconds); ``missing`` counts those where it never happened (a tier paged that nobody answered)."""

    count: int = 0
    median: float | None = None
    max: float | None = None
    missing: int = 0

    @classmethod
    def of(cls, seconds: list[float], missing: int = 0) -> Durations:
        if not seconds:
            return cls(0, None, None, missing)
        return cls(len(seconds), float(median(seconds)), float(max(seconds)), missing)


@dataclass(frozen=True)
class Escalations:
    """How often the first person paged was not the one who answered (§3 職務代理人, then the next tier)."""

    pages: int = 0  # pages of the paging chain sent
    escalated: int = 0  # pages that timed out and went on to a deputy or the next tier
    acked: int = 0  # pages acknowledged
    by_deputy: int = 0  # acknowledged by a deputy: a deputy's page, or the deputy answering the holder's
    by_next_tier: int = 0  # acknowledged on a next-tier page (the tier above answered for the silent one)
    exhausted: int = 0  # chains that reached the top unanswered (the war room's alarm)


@dataclass(frozen=True)
class FollowUp:
    """An incident's follow-ups as its latest case file has them."""

    number: str
    title: str
    unit_id: str | None
    text: str
    version: int


@dataclass(frozen=True)
class DrillFigure:
    """One drill of the period: whether its form came in on time, and what became of its evaluation."""

    period: str
    unit_id: str
    category: str
    status: str
    due_at: datetime
    reported_at: datetime | None
    late: bool
    evaluation_status: str | None = None
    evaluation_version: int | None = None
    approved_at: datetime | None = None
    circulated: bool = False


@dataclass(frozen=True)
class Review:
    """A period's figures."""

    period: Period
    generated_at: datetime
    incidents: int
    by_category: dict[str, int]
    by_level: dict[str, int]
    by_unit: dict[str, int]
    to_triage: Durations
    to_first_page: Durations
    to_ack: dict[str, Durations]  # by the tier the pages answered for
    escalations: Escalations
    followups: list[FollowUp] = field(default_factory=list)
    drills: list[DrillFigure] = field(default_factory=list)

    @property
    def drills_done(self) -> int:
        return sum(1 for d in self.drills if d.reported_at is not None)

    @property
    def drills_late(self) -> int:
        return sum(1 for d in self.drills if d.late)

    def rows(self) -> list[tuple[str, str, str, str]]:
        """Every figure as (section, key, value, detail): the CSV's rows, ids and seconds as stored."""
        out: list[tuple[str, str, str, str]] = [("period", "period", self.period.key, ""),
                                                ("incidents", "total", str(self.incidents), "")]
        for section, counts in (("by_category", self.by_category), ("by_level", self.by_level),
                                ("by_unit", self.by_unit)):
            out += [(section, key, str(n), "") for key, n in counts.items()]
        for name, spans in (("to_triage", self.to_triage), ("to_first_page", self.to_first_page),
                            *((f"to_ack.{tier}", self.to_ack[tier]) for tier in TIERS)):
            out += [(name, "count", str(spans.count), ""), (name, "median_seconds", _seconds(spans.median), ""),
                    (name, "max_seconds", _seconds(spans.max), ""), (name, "unanswered", str(spans.missing), "")]
        e = self.escalations
        out += [("escalations", key, str(getattr(e, key)), "")
                for key in ("pages", "escalated", "acked", "by_deputy", "by_next_tier", "exhausted")]
        out.append(("followups", "open", str(len(self.followups)), ""))
        out += [("followup", f.number, f.text, f"unit={f.unit_id or NO_UNIT}; case_file=v{f.version}")
                for f in self.followups]
        out += [("drills", "total", str(len(self.drills)), ""), ("drills", "done", str(self.drills_done), ""),
                ("drills", "late", str(self.drills_late), "")]
        out += [("drill", d.period, d.status,
                 f"unit={d.unit_id}; category={d.category}; late={'yes' if d.late else 'no'}; "
                 f"evaluation={d.evaluation_status or 'none'}"
                 + (f" v{d.evaluation_version}" if d.evaluation_version else "")
                 + ("; circulated" if d.circulated else ""))
                for d in self.drills]
        return out

    def digest(self) -> str:
        """A short hash of the figures (not of when they were read): the same figures, the same files."""
        return hashlib.sha256(json.dumps(self.rows(), ensure_ascii=False).encode()).hexdigest()[:12]


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def span_text(seconds: float | None) -> str:
    """A duration as both languages read it: ``45 s``, ``12 m 30 s``, ``3 h 05 m``, ``2 d 4 h``; ``—`` for none."""
    if seconds is None:
        return "—"
    whole = round(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} m"
    if minutes:
        return f"{minutes} m {secs:02d} s"
    return f"{secs} s"
