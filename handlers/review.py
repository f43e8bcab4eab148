"""`/crisis review [period]` (`/crisis 檢討 …`): the period's figures for the commander and the executive
secretary, answered after the ack, and the DOCX and CSV sent to them by DM as due work. Thin: the service reads,
decides who may and enqueues; Slack is answered once the transaction is committed."""

from __future__ import annotations

from slack_bolt import Respond

from bot.platform.services import Services
from bot.procedure.errors import InvalidInput, NotAllowed
from bot.procedure.i18n import t
from bot.procedure.text import clip, escape
from bot.review import service
from bot.review.views import review_message
from handlers import kit
from handlers.kit import ephemeral


def on_command(services: Services, respond: Respond, user: str, args: list[str]) -> None:
    """The figures of the period typed (a year or a month), or of the last full month when none is."""
    lang, who, now, config = services.lang_of(user), services.who(user), services.clock(), services.config
    if not service.may_review(who):  # refused before the period is read: a stranger learns nothing from it
        return kit.refuse(respond, lang, "action.review", "allowed.review")
    text = " ".join(args) or service.last_month(now, config.organisation.tz)
    try:
        period = service.parse_period(text, config.organisation.tz)
    except InvalidInput:
        return ephemeral(respond, t("review.error.period", lang, text=escape(clip(text, 40))))
    try:
        with services.sessions() as session, session.begin():
            found = service.review(session, config, who, period, now)
            queued = service.request_files(session, config, who, found, now)
    except NotAllowed as exc:
        return ephemeral(respond, kit.refusal(exc, lang))
    if queued:
        services.kick()
    note = t("review.files_coming" if queued else "review.files_sent", lang)
    respond(**review_message(found, config, lang, note=note), response_type="ephemeral", replace_original=False)
