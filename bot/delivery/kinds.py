"""Every kind of due work, by the area of the procedure that owns it.

A kind is stored in `due_work.kind`; the tick finds its executor in `scheduler.executors`, which checks that each
kind here has exactly one. The values are the stored strings: renaming one strands pending rows of the old name.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class WorkKind(StrEnum):
    """A kind of due work (the value is what the database stores)."""

    # §4–5 report and triage
    REPORTER_NOTIFY = "reporter.notify"
    TRIAGE_REQUEST = "triage.request"
    TRIAGE_REFRESH = "triage.refresh"  # the triage request's copies redrawn once the level is judged
    FINISHED_DMS = "incident.finished_dms"  # an ended incident's reminders and requests lose their buttons
    TRIAGE_TIMEOUT = "triage.timeout"
    LOWLEVEL_REPORT = "lowlevel.report"
    LOWLEVEL_REFRESH = "lowlevel.refresh"  # the report's copies redrawn once it is acknowledged (收悉)
    OBSERVE_REMIND = "observe.remind"
    FLAG_NOTIFY = "flag.notify"  # a report's flag tells a role (media → PR, legislator → PR and secretary)

    # §3/§5 pages, escalation, acknowledgement
    PAGE_SEND = "page.send"
    PAGE_MENTION = "page.mention"
    PAGE_ESCALATE = "page.escalate"
    PAGE_ACKED = "page.acked"
    PAGE_SETTLED = "page.settled"  # answered by another, or closed with its incident: the DM says so
    PAGE_REDRAW = "page.redraw"  # the incident's level changed: the DM shows it as it stands
    WARROOM_ALERT = "warroom.alert"

    # the war room and its card
    WARROOM_OPEN = "warroom.open"
    WARROOM_INVITE = "warroom.invite"
    WARROOM_CARD = "warroom.card"
    WARROOM_CARD_REFRESH = "warroom.card.refresh"
    WARROOM_NOTE = "warroom.note"
    WARROOM_PURPOSE = "warroom.purpose"
    WARROOM_TOPIC = "warroom.topic"

    # §6 handling steps and the aftermath
    HANDLING_POST = "handling.post"
    HANDLING_DM = "handling.dm"
    PLAN_POST = "plan.post"
    PLAN_REFRESH = "plan.refresh"
    MEDIA_POST = "media.post"
    MEDIA_REFRESH = "media.refresh"
    MEDIA_APPROVAL_REFRESH = "media.approval.refresh"  # the approval request's copies redrawn once decided
    UPDATE_REMIND = "update.remind"
    CASEFILE_REMIND = "casefile.remind"
    CASEFILE_UPLOAD = "casefile.upload"
    INCIDENT_ARCHIVE = "incident.archive"

    # §7 drills
    DRILL_APPROVAL = "drill.approval"
    DRILL_APPROVAL_REFRESH = "drill.approval.refresh"  # the request's copies redrawn once decided or superseded
    DRILL_CIRCULATE = "drill.circulate"
    DRILL_CLOSED_REFRESH = "drill.closed.refresh"  # the drill's DMs and card redrawn without buttons once closed
    DRILL_DECIDED = "drill.decided"
    DRILL_NOTE = "drill.note"
    DRILL_NOTIFY_TEAM = "drill.notify_team"
    DRILL_NOTIFY_UNIT = "drill.notify_unit"
    DRILL_OVERDUE = "drill.overdue"
    DRILL_REMIND = "drill.remind"
    DRILL_REPORT_SENT = "drill.report_sent"
    DRILL_THREAD = "drill.thread"
    DRILL_UPLOAD = "drill.upload"

    # §2 the periodic review: the figures, DOCX and CSV by DM (on request, and monthly)
    REVIEW_SEND = "review.send"
    # the case-file library (/crisis cases): a case file's DOCX to the person who asked, by DM
    CASES_DOCX = "cases.docx"

    # §3 handover
    ROSTER_HANDOVER_NOTIFY = "roster.handover.notify"

    # work that gave up, told to the war room or the executive secretary (`bot.delivery.alerts`)
    DELIVERY_FAILED = "delivery.failed"


# How many times each kind is tried before it gives up and the people who depend on it are told. Back-off doubles
# from 1 s to 5 minutes, so 60 tries of a Slack outage span about four and a half hours; waiting on other work
# (NotReady) retries each second for the first `NOT_READY_FAST` tries, then backs off the same way. A page, an
# alert and a war room are worth a longer outage than a card redraw or a reminder that the next one supersedes.
DEFAULT_ATTEMPTS = 60
NOT_READY_FAST = 30
_LONGER = {WorkKind.PAGE_SEND, WorkKind.PAGE_MENTION, WorkKind.PAGE_ESCALATE, WorkKind.WARROOM_ALERT,
           WorkKind.WARROOM_OPEN, WorkKind.WARROOM_INVITE, WorkKind.WARROOM_CARD, WorkKind.DELIVERY_FAILED}
_SHORTER = {WorkKind.WARROOM_CARD_REFRESH, WorkKind.UPDATE_REMIND, WorkKind.CASEFILE_REMIND, WorkKind.DRILL_REMIND,
            WorkKind.OBSERVE_REMIND}
ATTEMPTS: Mapping[WorkKind, int] = MappingProxyType(
    {k: 100 if k in _LONGER else 40 if k in _SHORTER else DEFAULT_ATTEMPTS for k in WorkKind})


def attempt_cap(kind: str) -> int:
    """The tries work of this kind gets (a kind no longer known gets the default: it cannot run anyway)."""
    try:
        return ATTEMPTS[WorkKind(kind)]
    except ValueError:
        return DEFAULT_ATTEMPTS
