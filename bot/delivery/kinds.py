"""Every kind of due work, by the area of the procedure that owns it.

A kind is stored in `due_work.kind`; the tick finds its executor in `scheduler.executors`, which checks that each
kind here has exactly one. The values are the stored strings: renaming one strands pending rows of the old name.
"""

from __future__ import annotations

from enum import StrEnum


class WorkKind(StrEnum):
    """A kind of due work (the value is what the database stores)."""

    # §4–5 report and triage
    REPORTER_NOTIFY = "reporter.notify"
    TRIAGE_REQUEST = "triage.request"
    TRIAGE_TIMEOUT = "triage.timeout"
    LOWLEVEL_REPORT = "lowlevel.report"
    OBSERVE_REMIND = "observe.remind"

    # §3/§5 pages, escalation, acknowledgement
    PAGE_SEND = "page.send"
    PAGE_MENTION = "page.mention"
    PAGE_ESCALATE = "page.escalate"
    PAGE_ACKED = "page.acked"
    PAGE_SETTLED = "page.settled"  # answered by another, or closed with its incident: the DM says so
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
    UPDATE_REMIND = "update.remind"
    CASEFILE_REMIND = "casefile.remind"
    CASEFILE_UPLOAD = "casefile.upload"
    INCIDENT_ARCHIVE = "incident.archive"

    # §7 drills
    DRILL_APPROVAL = "drill.approval"
    DRILL_CIRCULATE = "drill.circulate"
    DRILL_DECIDED = "drill.decided"
    DRILL_NOTE = "drill.note"
    DRILL_NOTIFY_TEAM = "drill.notify_team"
    DRILL_NOTIFY_UNIT = "drill.notify_unit"
    DRILL_OVERDUE = "drill.overdue"
    DRILL_REMIND = "drill.remind"
    DRILL_REPORT_SENT = "drill.report_sent"
    DRILL_THREAD = "drill.thread"
    DRILL_UPLOAD = "drill.upload"

    # §3 handover
    ROSTER_HANDOVER_NOTIFY = "roster.handover.notify"
