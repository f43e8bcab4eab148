"""`/crisis roster` and `/crisis handover` (procedure §3), and the handover's Confirm / Cancel buttons. Thin: after
the ack, call the service (which decides who may), answer in the reader's language. Slack is called only outside a
database session.

A handover is made in two steps: the command shows what would move (the seat's waiting pages, its war rooms, its
pending tasks) with Confirm and Cancel; Confirm makes it, under the seat's locks, against the holder the preview
showed. A Confirm delivered twice (a double tap, Slack's retry) is one handover: the second finds the seat handed
already, by this very person to this very holder, and shows the same result."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.blockkit import ids
from bot.platform.services import Services
from bot.procedure.i18n import Lang, t
from bot.procedure.text import clip, escape
from bot.roster import forms, service
from bot.roster.state import Handed, Target
from bot.roster.views import (
    handed_text,
    just_handed_text,
    parse_confirm,
    preview_message,
    roster_message,
    seat_name,
    work_text,
)
from handlers import kit
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
    if not service.may_hand_over(who, target):  # the service checks again; this spares a users.info call
        with services.sessions() as session:
            holder = roster.seat(session, target.role, target.unit_id, target.seat)
        return ephemeral(respond, _refused(target, holder.user_id if holder else None, services, lang))
    try:
        service.check_person(services.chat, to_user)
        with services.sessions() as session:
            preview = service.preview(session, config, who, target, to_user)
    except service.HandoverRefused as exc:
        return ephemeral(respond, _refusal_text(exc, target, services, lang))
    return ephemeral(respond, **preview_message(preview, config, lang))


def _refused(target: Target, holder: str | None, services: Services, lang: Lang) -> str:
    return t("handover.refused", lang, seat=seat_name(target, services.config, lang),
             holder=f"<@{holder}>" if holder else "—")


def _refusal_text(exc: Exception, target: Target, services: Services, lang: Lang) -> str:
    """Why a handover is not made, in the reader's words."""
    config = services.config
    if isinstance(exc, service.UnknownSeat):
        return t("handover.unknown_seat", lang, unit=escape(clip(str(exc), 40)))
    if isinstance(exc, service.InvalidTarget):
        return t(exc.key, lang)
    if isinstance(exc, service.NotHolder):
        return _refused(target, exc.holder, services, lang)
    assert isinstance(exc, service.JustHanded)
    return just_handed_text(exc.target, exc.to, exc.by, exc.at, config, lang)


def _done_text(handed: Handed, services: Services, lang: Lang) -> str:
    text = handed_text(handed, services.config, lang)
    return text if handed.work.empty else f"{text}\n{work_text(handed.work, lang)}"


def on_confirm(ack: Ack, body: dict[str, Any], respond: Respond, services: Services) -> None:
    """Make the handover the preview showed; the preview is replaced by the result (or why it was not made)."""
    ack()
    person = kit.actor(services, body)
    lang, who = person.lang, person.who
    parsed = parse_confirm((body.get("actions") or [{}])[0].get("value"))
    if parsed is None:
        return ephemeral(respond, t("handover.usage", lang))
    target, to_user, expected = parsed
    try:
        service.check_person(services.chat, to_user)
        with services.sessions() as session, session.begin():
            handed = service.hand_over(session, who, target, to_user, person.now, config=services.config,
                                       expected=expected)
    except service.JustHanded as exc:
        if exc.to == to_user and exc.by == person.user:  # this very handover, delivered twice: one handover
            return respond(replace_original=True, text=handed_text(Handed(target, expected, to_user, 0),
                                                                   services.config, lang))
        return respond(replace_original=True, text=_refusal_text(exc, target, services, lang))
    except service.HandoverRefused as exc:
        return respond(replace_original=True, text=_refusal_text(exc, target, services, lang))
    services.kick()
    return respond(replace_original=True, text=_done_text(handed, services, lang))


def on_cancel(ack: Ack, body: dict[str, Any], respond: Respond, services: Services) -> None:
    """Leave the seat as it is; the preview says so and loses its buttons."""
    ack()
    person = kit.actor(services, body)
    parsed = parse_confirm((body.get("actions") or [{}])[0].get("value"))
    seat = seat_name(parsed[0], services.config, person.lang) if parsed else "—"
    respond(replace_original=True, text=t("handover.cancelled", person.lang, seat=seat))


LISTENERS: tuple[kit.Listener, ...] = (
    ("action", ids.HANDOVER_CONFIRM, on_confirm),
    ("action", ids.HANDOVER_CANCEL, on_cancel),
)


def register(app: App) -> None:
    """Wire the handover's buttons (`/crisis roster` and `/crisis handover` come through handlers/commands)."""
    kit.register(app, LISTENERS)
