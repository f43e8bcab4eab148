"""`/crisis roster` and `/crisis handover` (procedure §3). Thin: after the ack, call the service (which decides
who may), answer in the reader's language. Slack is called only outside a database session."""

from __future__ import annotations

from slack_bolt import Respond

from bot.platform.services import Services
from bot.procedure.i18n import t
from bot.procedure.text import clip, escape
from bot.roster import forms, service
from bot.roster.views import handed_text, just_handed_text, roster_message, seat_name
from handlers.kit import ephemeral, refusal
from storage import roster


def on_command(services: Services, respond: Respond, user: str, key: str, args: list[str]) -> None:
    """A `/crisis roster|handover …` sub-command, after the ack."""
    lang, who, config = services.lang_of(user), services.who(user), services.config
    if key == "roster":
        try:
            with services.sessions() as session:
                data = service.roster_data(session, who)
        except service.NotAllowed as exc:
            return ephemeral(respond, refusal(exc, lang))
        return respond(**roster_message(data, config, lang), replace_original=False)
    try:
        target, to_user = forms.parse(" ".join(args))
    except forms.Usage:
        return ephemeral(respond, t("handover.usage", lang))
    seat = seat_name(target, config, lang)
    # The holder as the person sees it now: if the seat changes hands before this handover is made (another
    # handover at the same moment, or this command delivered twice), the service refuses it and says to whom.
    with services.sessions() as session:
        holder = roster.holders(session, target.role, target.unit_id)
    current = holder.primary if target.seat == "primary" else holder.deputy
    if not service.may_hand_over(who, target):  # the service checks again; this spares a users.info call
        return ephemeral(respond, t("handover.refused", lang, seat=seat, holder=f"<@{current}>" if current else "—"))
    try:
        service.check_person(services.chat, to_user)
        with services.sessions() as session, session.begin():
            handed = service.hand_over(session, who, target, to_user, services.clock(), expected=current)
    except service.UnknownSeat as exc:
        return ephemeral(respond, t("handover.unknown_seat", lang, unit=escape(clip(str(exc), 40))))
    except service.InvalidTarget as exc:
        return ephemeral(respond, t(exc.key, lang))
    except service.NotHolder as exc:
        return ephemeral(respond, t("handover.refused", lang, seat=seat,
                                     holder=f"<@{exc.holder}>" if exc.holder else "—"))
    except service.JustHanded as exc:
        return ephemeral(respond, just_handed_text(exc.target, exc.to, exc.by, exc.at, config, lang))
    services.kick()
    return ephemeral(respond, handed_text(handed, config, lang))
