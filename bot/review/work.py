"""The review's due work: its figures by DM with the DOCX and CSV in the message's thread, to the person who asked
(`/crisis review`) or, monthly, to the executive secretary and a copy to the deputy.

Idempotent under retries: each person's message is posted once under their own key (`Job.per`), and the files go
into that message's thread, where a retry looks for them by name before uploading (the thread is this job's own,
so an earlier review's files in the DM never pass for this one's)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.delivery import copies
from bot.delivery.job import GiveUp, Job
from bot.delivery.kinds import WorkKind
from bot.procedure.errors import InvalidInput
from bot.procedure.i18n import t
from bot.review import docs
from bot.review import service as review
from bot.review.views import review_message

if TYPE_CHECKING:
    from bot.platform.services import Services


def send(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    config = services.config
    try:
        period = review.parse_period(str(job.payload["period"]), config.organisation.tz)
    except InvalidInput:
        raise GiveUp(f"{job.payload['period']!r} is not a review period") from None
    with services.sessions() as session:
        found = review.figures(session, config, period, now)
        people = copies.recipients(session, job.payload)
    if not people:
        raise GiveUp(f"nobody holds a seat that {job.key} is addressed to")
    files = [(docs.filename(period.key, "docx"), docs.to_docx(found, config)),
             (docs.filename(period.key, "csv"), docs.to_csv(found))]
    monthly = copies.TO in job.payload
    sent: dict[str, dict[str, Any]] = {}
    for user in people:
        lang = services.lang_of(user)
        mine = job.per(user)
        message = review_message(found, config, lang, note=t("review.files_below", lang),
                                 intro=t("review.monthly", lang, period=period.key) if monthly else None)
        posted = services.chat.direct_message_once(mine.key, user, message, retry=job.retried)
        uploaded = []
        for name, content in files:
            up = services.chat.upload_once(f"{mine.key}:{name}", posted.room, name, name, content, thread=posted.ts,
                                           comment=t("review.upload", lang, period=period.key), retry=job.retried)
            uploaded.append(up.file)
        sent[user] = {**posted.record(), "files": uploaded}
    return {"copies": sent, "digest": found.digest()}


EXECUTORS = {WorkKind.REVIEW_SEND: send}


def scheduled_review(services: Services, now: datetime | None = None, *, catch_up: bool = False) -> str | None:
    """The monthly cron job (and, with ``catch_up``, the start-up check for a month whose review no replica sent):
    last month's review to the executive secretary; the work's key is the period, so it goes once."""
    now = now or services.clock()
    with services.sessions() as session, session.begin():
        period = review.schedule_monthly(session, services.config, now, catch_up=catch_up)
    if period is not None:
        services.kick()
    return period
