"""Handling the crisis in the war room (§6): the card's step buttons and menus, `/crisis update`, and the handling
modals. Thin: ack, open a view or call the service (which decides who may), answer in the reader's language.
No Slack call and no language look-up while a session is open."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blockkit import ids
from bot.blockkit.forms import inline_errors
from bot.blockkit.names import role_name, room_link
from bot.handling import forms as handling_forms
from bot.handling import service, views
from bot.handling import state as service_state
from bot.overview.service import parse_number
from bot.platform.services import Services
from bot.procedure import commands
from bot.procedure import errors as service_errors
from bot.procedure.errors import InvalidInput, NotAllowed
from bot.procedure.i18n import Lang, t
from bot.procedure.status import ACTIVE, FINISHED
from bot.procedure.text import clean, clip, escape
from bot.procedure.who import Who
from handlers import kit
from handlers.kit import ephemeral, refusal
from storage import audit
from storage import incidents as service_incidents
from storage.models import Incident

Build = Callable[[Services, Session, Incident, Lang], dict[str, Any]]
Act = Callable[[Services, Session, Who, Incident, str, datetime], str | None]  # str: the value after the id
Run = Callable[[Services, Session, Who, Incident, dict[str, Any], Lang, datetime], None]


def _text(values: dict[str, Any], block: str) -> str:
    return clean(str(((values.get(block) or {}).get(block) or {}).get("value") or "")).strip()


def _required(values: dict[str, Any], blocks: list[str], lang: Lang, optional: tuple[str, ...] = ()) -> dict[str, str]:
    """The modal's text fields, or InvalidInput naming every empty required one."""
    found = {b: _text(values, b) for b in blocks}
    errors = {b: t("error.required", lang) for b, v in found.items() if not v and b not in optional}
    if errors:
        raise InvalidInput(errors)
    return found


def _value(body: dict[str, Any]) -> tuple[int, str]:
    """The clicked button's '12:assess' as (12, 'assess')."""
    return kit.parse_id((body.get("actions") or [{}])[0].get("value"))


# ---------------------------------------------------------------------------------------------- the three shapes


def _open_view(services: Services, body: dict[str, Any], client: WebClient, respond: Respond, incident_id: int,
               action: str | None, build: Build, *, active: bool = True) -> None:
    """A button that opens a modal on an incident: check it is there (and active), who may, build, open."""
    person = kit.actor(services, body)
    lang, who = person.lang, person.who  # before the session: never nest sessions, no users.info inside one
    answer = view = None
    with services.sessions() as session:
        incident = session.get(Incident, incident_id)
        if incident is None:
            answer = t("incident.not_found", lang)
        elif active and incident.status not in ACTIVE:
            answer = t("handling.closed", lang)
        else:
            try:
                if action:
                    service.require(who, action, incident, services.config)
                view = build(services, session, incident, lang)
            except NotAllowed as exc:
                answer = refusal(exc, lang, services.config)
            except service_errors.Closed as exc:
                answer = kit.closed_text(exc, lang, services.config)
    if answer is not None or view is None:
        return ephemeral(respond, answer or t("incident.not_found", lang))
    kit.open_modal(client, body["trigger_id"], view)


def _submit(services: Services, ack: Ack, body: dict[str, Any], view: dict[str, Any], run: Run) -> None:
    """A handling modal's submission: run it once (a retry or a double tap has no second effect), in one
    transaction with its audit mark; refusals and invalid fields come back as the modal's inline errors."""
    person = kit.actor(services, body, view)
    now, lang = person.now, person.lang
    meta = kit.metadata(view)
    first = kit.first_input_block(view) or ""
    who = person.who
    try:
        with services.sessions() as session, session.begin():
            incident = service_incidents.lock(session, kit.as_id(meta.get("incident")))
            if incident is None:
                return ack(response_action="errors", errors={first: t("incident.not_found", lang)})
            if not kit.claim_submission(session, view, person.user, now, incident.id):
                return ack()
            run(services, session, who, incident, {**meta, "values": view["state"]["values"]}, lang, now)
    except InvalidInput as exc:
        return ack(response_action="errors", errors=inline_errors(exc, handling_forms.BLOCKS, lang))
    except NotAllowed as exc:
        return ack(response_action="errors", errors={first: refusal(exc, lang, services.config)})
    except service_errors.Closed as exc:
        return ack(response_action="errors", errors={first: kit.closed_text(exc, lang, services.config)})
    ack()
    services.kick()


def _act(services: Services, body: dict[str, Any], respond: Respond, incident_id: int, tail: str, run: Act) -> None:
    """A button that changes state at once; the answer (if any) is an ephemeral in the reader's language."""
    person = kit.actor(services, body)
    now, who = person.now, person.who
    answer: str | None = None
    try:
        with services.sessions() as session, session.begin():
            incident = service_incidents.lock(session, incident_id)
            key = "incident.not_found" if incident is None else run(services, session, who, incident, tail, now)
        answer = t(key, person.lang) if key else None
    except NotAllowed as exc:
        return ephemeral(respond, refusal(exc, person.lang, services.config))
    except service_errors.Closed as exc:
        answer = kit.closed_text(exc, person.lang, services.config)
    services.kick()
    if answer:
        ephemeral(respond, answer)
    return None


def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services) -> None:
    """Any handling modal's submission: `_submit` with that modal's effect (SUBMITS, by callback id)."""
    _submit(services, ack, body, view, SUBMITS[view["callback_id"]])


def on_click(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, services: Services) -> None:
    """Any button that changes state at once: `_act` with that button's effect (CLICKS, by action id)."""
    ack()
    incident_id, tail = _value(body)
    _act(services, body, respond, incident_id, tail, CLICKS[action["action_id"]])


# ---------------------------------------------------------------------------------------------- steps


def complete_step(sv: Services, s: Session, who: Who, inc: Incident, step: str, now: datetime) -> None:
    service.complete_step(s, sv.config, who, inc, step, now)


def on_step_skip(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Services) -> None:
    """The skip modal (asks why), for those responsible for the step."""
    ack()
    incident_id, step_id = _value(body)
    step = next((s for s in services.config.steps if s.id == step_id), None)
    who = services.who(body["user"]["id"])  # before the view's session: never nest sessions

    def build(sv: Services, session: Session, incident: Incident, lang: Lang) -> dict[str, Any]:
        if step is None:
            raise service_errors.Closed("step.unknown")
        if not service.may_do_step(who, step, incident):
            raise NotAllowed("action.skip_step", f"allowed.step.{step.id}")
        return views.skip_modal(incident.id, incident.number, incident.title, step.id, step.name(lang), lang)

    _open_view(services, body, client, respond, incident_id, None, build)


def skip(sv: Services, session: Session, who: Who, incident: Incident, meta: dict[str, Any], lang: Lang,
         now: datetime) -> None:
    reason = _required(meta["values"], [ids.H_REASON], lang)[ids.H_REASON]
    service.complete_step(session, sv.config, who, incident, str(meta.get("step")), now, skip_reason=reason)


# ---------------------------------------------------------------------------------------------- updates


def on_update_open(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Services) -> None:
    """The status-update modal."""
    ack()
    _open_view(services, body, client, respond, _value(body)[0], "update",
               lambda sv, s, inc, lang: views.update_modal(inc.id, inc.number, inc.title, lang))


def update(sv: Services, s: Session, who: Who, inc: Incident, meta: dict[str, Any], lang: Lang,
           now: datetime) -> None:
    service.post_update(s, sv.config, who, inc, _required(meta["values"], [ids.H_TEXT], lang)[ids.H_TEXT], now)


def snooze(sv: Services, session: Session, who: Who, incident: Incident, _tail: str, now: datetime) -> str:
    service.snooze(session, sv.config, who, incident, now)
    return "update.snoozed"


# ---------------------------------------------------------------------------------------------- the menus


def _convene_modal(sv: Services, session: Session, inc: Incident, lang: Lang) -> dict[str, Any]:
    people = service.team_for_level(session, sv.config, inc)
    start = int((sv.clock() + timedelta(minutes=30)).timestamp()) // 300 * 300
    return views.convene_modal(inc.id, inc.number, inc.title, people, start, lang)


def _legal_answer_modal(sv: Services, s: Session, inc: Incident, lang: Lang) -> dict[str, Any]:
    return views.legal_answer_modal(inc.id, inc.number, inc.title, service_state.legal_question(s, inc.id), lang)


# The menu's modals that need only the incident; their permission is the menu value itself.
MENU_MODALS: dict[str, Build] = {
    "notes": lambda sv, s, inc, lang: views.notes_modal(inc.id, inc.number, inc.title, lang),
    "plan": lambda sv, s, inc, lang: views.plan_modal(inc.id, inc.number, inc.title, _confirmer(inc.level, lang), lang),
    "draft": lambda sv, s, inc, lang: views.media_modal(inc.id, inc.number, inc.title, lang),
    "opinion": lambda sv, s, inc, lang: views.opinion_modal(inc.id, inc.number, inc.title, lang),
    "coordinate": lambda sv, s, inc, lang: views.coordination_modal(inc.id, inc.number, inc.title, lang),
}


def on_menu(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond,
            services: Services) -> None:
    """The card's step menus: the plan to confirm, or the chosen step's modal."""
    ack()
    what, _, rest = str((action.get("selected_option") or {}).get("value") or "").partition(":")
    incident_id = kit.parse_id(rest)[0]
    if what == "confirm_plan":
        return _show_plan(services, body, respond, incident_id)
    if what == "convene":
        return _open_view(services, body, client, respond, incident_id, "convene", _convene_modal)
    if what == "legal_answer":
        return _open_view(services, body, client, respond, incident_id, "legal_answer", _legal_answer_modal,
                          active=False)
    if what not in MENU_MODALS:
        return ephemeral(respond, t("incident.not_found", services.lang_of(body["user"]["id"])))
    return _open_view(services, body, client, respond, incident_id, what, MENU_MODALS[what])


def _show_plan(services: Services, body: dict[str, Any], respond: Respond, incident_id: int) -> None:
    """The menu's "Confirm the plan": the plan that awaits confirmation, shown to the person with its Confirm button
    (which asks before it acts). A menu pick cannot ask first (Slack's overflow has one dialog for all its options),
    and a plan should not be confirmed by one pick without being read."""
    person = kit.actor(services, body)
    lang, who = person.lang, person.who
    answer: str | None = None
    message: dict[str, Any] | None = None
    with services.sessions() as session:
        incident = session.get(Incident, incident_id)
        try:
            if incident is None:
                raise service_errors.Closed("incident.not_found")
            if incident.status not in ACTIVE:
                raise service_errors.Closed("handling.closed")
            service.require(who, "confirm_plan", incident, services.config)
            found = service_state.plans(audit.timeline(session, incident.id))
            if not found:
                raise service_errors.Closed("plan.none")
            plan = found[max(found)]  # the newest: every older unconfirmed one is superseded by it
            if plan.get("confirmed_by"):
                raise service_errors.Closed("plan.already_by", user=plan["confirmed_by"], at=plan["confirmed_at"])
            message = views.plan_message(plan, incident.id, _confirmer(incident.level, lang), services.config, lang)
        except NotAllowed as exc:
            answer = refusal(exc, lang, services.config)
        except service_errors.Closed as exc:
            answer = kit.closed_text(exc, lang, services.config)
    if message is None:
        return ephemeral(respond, answer or t("incident.not_found", lang))
    respond(**message, response_type="ephemeral", replace_original=False)
    return None


# ---------------------------------------------------------------------------------------------- step 2: assess


def convene(sv: Services, session: Session, who: Who, incident: Incident, meta: dict[str, Any], lang: Lang,
            now: datetime) -> None:
    values = meta["values"]
    stamp = ((values.get(ids.H_MEETING_AT) or {}).get(ids.H_MEETING_AT) or {}).get("selected_date_time")
    if stamp is None:
        raise InvalidInput({ids.H_MEETING_AT: "error.required"})
    at = datetime.fromtimestamp(int(stamp), tz=UTC)
    if at < now - timedelta(minutes=5):
        raise InvalidInput({ids.H_MEETING_AT: "error.meeting_past"})
    service.convene(session, sv.config, who, incident, at, _text(values, ids.H_PLACE), now)


def notes(sv: Services, session: Session, who: Who, incident: Incident, meta: dict[str, Any], lang: Lang,
          now: datetime) -> None:
    found = _required(meta["values"], [ids.H_INFORMATION, ids.H_DIAGNOSIS], lang, (ids.H_DIAGNOSIS,))
    service.record_notes(session, sv.config, who, incident, found[ids.H_INFORMATION], found[ids.H_DIAGNOSIS], now)


def plan(sv: Services, s: Session, who: Who, inc: Incident, meta: dict[str, Any], lang: Lang, now: datetime) -> None:
    service.propose_plan(s, sv.config, who, inc, _required(meta["values"], [ids.H_TEXT], lang)[ids.H_TEXT], now)


def confirm_plan(sv: Services, s: Session, who: Who, inc: Incident, proposed: str, now: datetime) -> None:
    service.confirm_plan(s, sv.config, who, inc, int(proposed or 0), now)


# ---------------------------------------------------------------------------------------------- step 4: media


def media(sv: Services, session: Session, who: Who, incident: Incident, meta: dict[str, Any], lang: Lang,
          now: datetime) -> None:
    values = meta["values"]
    kind = (((values.get(ids.H_KIND) or {}).get(ids.H_KIND) or {}).get("selected_option") or {}).get("value")
    text = _required(values, [ids.H_TEXT], lang)[ids.H_TEXT]
    service.draft_statement(session, sv.config, who, incident, str(kind or ""), text, now)


def release(sv: Services, s: Session, who: Who, inc: Incident, statement: str, now: datetime) -> None:
    service.decide_statement(s, sv.config, who, inc, int(statement or 0), "release", now)


def _statement_view(services: Services, body: dict[str, Any], client: WebClient, respond: Respond,
                    edit: bool) -> None:
    incident_id, statement = _value(body)

    def build(sv: Services, session: Session, inc: Incident, lang: Lang) -> dict[str, Any]:
        found = service_state.statements(audit.timeline(session, inc.id)).get(int(statement or 0))
        if found is None:
            raise service_errors.Closed("media.not_found")
        if found["status"] != "pending":
            raise service_errors.Closed("media.already")
        if edit:
            return views.media_edit_modal(inc.id, found["id"], inc.number, inc.title, found["text"], lang)
        return views.media_reject_modal(inc.id, found["id"], inc.number, inc.title, lang)

    _open_view(services, body, client, respond, incident_id, "decide", build, active=False)


def on_media_edit_open(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond,
                       services: Services) -> None:
    """The modal to edit a pending statement before releasing it."""
    ack()
    _statement_view(services, body, client, respond, True)


def on_media_reject_open(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond,
                         services: Services) -> None:
    """The modal to reject a pending statement, with a reason."""
    ack()
    _statement_view(services, body, client, respond, False)


def media_edit(sv: Services, s: Session, who: Who, inc: Incident, meta: dict[str, Any], lang: Lang,
               now: datetime) -> None:
    service.decide_statement(s, sv.config, who, inc, int(meta.get("statement", 0)), "release", now,
                             text=_required(meta["values"], [ids.H_TEXT], lang)[ids.H_TEXT])


def media_reject(sv: Services, s: Session, who: Who, inc: Incident, meta: dict[str, Any], lang: Lang,
                 now: datetime) -> None:
    service.decide_statement(s, sv.config, who, inc, int(meta.get("statement", 0)), "reject", now,
                             reason=_text(meta["values"], ids.H_REASON))


def opinion(sv: Services, s: Session, who: Who, inc: Incident, meta: dict[str, Any], lang: Lang,
            now: datetime) -> None:
    service.note_opinion(s, sv.config, who, inc, _required(meta["values"], [ids.H_TEXT], lang)[ids.H_TEXT], now)


# ---------------------------------------------------------------------------------------------- legal


def legal_request(sv: Services, s: Session, who: Who, inc: Incident, meta: dict[str, Any], lang: Lang,
                  now: datetime) -> None:
    service.request_legal(s, sv.config, who, inc,
                          _required(meta["values"], [ids.H_QUESTION], lang)[ids.H_QUESTION], now)


def on_legal_answer_open(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond,
                         services: Services) -> None:
    """The modal for the legal group's answer (open also after the incident is closed)."""
    ack()
    _open_view(services, body, client, respond, _value(body)[0], "legal_answer", _legal_answer_modal, active=False)


def legal_answer(sv: Services, s: Session, who: Who, inc: Incident, meta: dict[str, Any], lang: Lang,
                 now: datetime) -> None:
    service.answer_legal(s, sv.config, who, inc, _required(meta["values"], [ids.H_TEXT], lang)[ids.H_TEXT], now)


# ---------------------------------------------------------------------------------------------- step 5


def coordination(sv: Services, session: Session, who: Who, incident: Incident, meta: dict[str, Any], lang: Lang,
                 now: datetime) -> None:
    found = _required(meta["values"], [ids.H_ACTION, ids.H_OUTCOME], lang, (ids.H_OUTCOME,))
    service.log_coordination(session, sv.config, who, incident, found[ids.H_ACTION], found[ids.H_OUTCOME], now)


# ---------------------------------------------------------------------------------------------- step 6


def resolve(sv: Services, s: Session, who: Who, inc: Incident, _tail: str, now: datetime) -> None:
    service.resolve(s, sv.config, who, inc, now)


def on_case_file_open(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond,
                      services: Services) -> None:
    """The case file modal, prefilled from its latest version, once the incident is resolved."""
    ack()

    def build(sv: Services, session: Session, inc: Incident, lang: Lang) -> dict[str, Any]:
        if inc.status not in FINISHED:
            raise service_errors.Closed("casefile.not_resolved")
        latest = service_incidents.latest_case_file(session, inc.id)
        return views.case_file_modal(inc.id, inc.number, inc.title, dict(latest.data) if latest else {},
                                     latest.version if latest else None, lang)

    _open_view(services, body, client, respond, _value(body)[0], "case_file", build, active=False)


def case_file(sv: Services, session: Session, who: Who, incident: Incident, meta: dict[str, Any], lang: Lang,
              now: datetime) -> None:
    blocks = [f"{ids.CF_PREFIX}{f}" for f in service_state.CASE_FIELDS]
    found = _required(meta["values"], blocks, lang, (f"{ids.CF_PREFIX}followups",))
    service.submit_case_file(session, sv.config, who, incident,
                             {b.removeprefix(ids.CF_PREFIX): v for b, v in found.items()}, now)


# What each handling modal's submission does, by callback id.
SUBMITS: dict[str, Run] = {
    ids.STEP_SKIP_VIEW: skip,
    ids.UPDATE_VIEW: update,
    ids.CONVENE_VIEW: convene,
    ids.NOTES_VIEW: notes,
    ids.PLAN_VIEW: plan,
    ids.MEDIA_VIEW: media,
    ids.MEDIA_EDIT_VIEW: media_edit,
    ids.MEDIA_REJECT_VIEW: media_reject,
    ids.OPINION_VIEW: opinion,
    ids.LEGAL_REQUEST_VIEW: legal_request,
    ids.LEGAL_ANSWER_VIEW: legal_answer,
    ids.COORD_VIEW: coordination,
    ids.CASEFILE_VIEW: case_file,
}

# What each state-changing button does, by action id.
CLICKS: dict[str, Act] = {
    ids.STEP_COMPLETE: complete_step,
    ids.UPDATE_SNOOZE: snooze,
    ids.PLAN_CONFIRM: confirm_plan,
    ids.MEDIA_APPROVE: release,
    ids.RESOLVE: resolve,
}

LISTENERS: tuple[kit.Listener, ...] = (
    ("action", ids.STEP_SKIP_OPEN, on_step_skip),
    ("action", ids.UPDATE_OPEN, on_update_open),
    ("action", ids.HANDLING_MENU, on_menu),
    ("action", ids.HANDLING_MENU_MORE, on_menu),
    ("action", ids.MEDIA_EDIT_OPEN, on_media_edit_open),
    ("action", ids.MEDIA_REJECT_OPEN, on_media_reject_open),
    ("action", ids.LEGAL_ANSWER_OPEN, on_legal_answer_open),
    ("action", ids.CASEFILE_OPEN, on_case_file_open),
    *(("action", action_id, on_click) for action_id in CLICKS),
    *(("view", callback_id, on_submit) for callback_id in SUBMITS),
)


def register(app: App) -> None:
    """Wire the handling steps' actions and views (`/crisis update` comes through handlers/commands)."""
    kit.register(app, LISTENERS)


def _confirmer(level: str | None, lang: Lang) -> str:
    role = service.plan_confirmer(level)
    return role_name(role.value, lang) if role else t("plan.confirmer_unit", lang)


def on_update_command(services: Services, client: WebClient, respond: Respond, user: str, channel: str | None,
                      trigger_id: str, text: str = "") -> None:
    """`/crisis update [<number>] [text]`: the update for the war room's incident, or (elsewhere) the incident the
    first word numbers, in any form `/crisis status` accepts.

    With text the command posts it at once, as the modal would: the person typed the update, in its room or naming
    its incident, so there is nothing left to ask and a modal would only add a step where words can be lost. In the
    war room the whole text is the update ("3 trucks left" is not incident 3). Without text, the modal opens."""
    lang, who, now, config = services.lang_of(user), services.who(user), services.clock(), services.config
    text = clean(text).strip()
    answer = view = number = None
    with services.sessions() as session:
        incident = service_incidents.by_channel(session, channel)
        if incident is None and text:  # outside a war room the first word names the incident
            number = parse_number(text.split()[0], now, config)
            incident = service_incidents.by_number(session, number) if number else None
            text = commands.after_words(text, 1) if incident is not None else text
        named = incident is not None and incident.channel_id != channel
        if incident is None:
            answer = (t("incident.not_found", lang) + f" ({escape(clip(number, 20))})" if number
                      else t("update.where", lang))
        elif incident.status not in ACTIVE:
            answer = t("handling.closed", lang)
        elif not service.may(who, "update", incident, config):
            answer = kit.refusal(NotAllowed("action.update", "allowed.update"), lang)
        elif not text:
            view = views.update_modal(incident.id, incident.number, incident.title, lang)
        incident_id, room, name = ((incident.id, incident.channel_id, incident.channel_name) if incident is not None
                                   else (0, None, None))
    if answer is None and view is None:
        answer = _post_typed(services, who, incident_id, text, trigger_id, now, lang)
        if answer is None and named:
            answer = t("update.posted_to", lang, room=room_link(room, name) if room else "—")
    if view is None:
        return ephemeral(respond, answer or "") if answer else None
    kit.open_modal(client, trigger_id, view)


def _post_typed(services: Services, who: Who, incident_id: int, text: str, trigger_id: str, now: datetime,
                lang: Lang) -> str | None:
    """Post the typed update in one transaction on the locked incident; what to tell the person, if anything."""
    try:
        with services.sessions() as session, session.begin():
            incident = service_incidents.lock(session, incident_id)
            if incident is None:
                return t("incident.not_found", lang)
            service.post_typed_update(session, services.config, who, incident, text, now, delivery=trigger_id or None)
    except NotAllowed as exc:
        return refusal(exc, lang, services.config)
    except service_errors.Closed as exc:
        return kit.closed_text(exc, lang, services.config)
    services.kick()
    return None
