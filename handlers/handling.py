"""Handling the crisis in the war room (§6): the card's step buttons and menus, `/crisis update`, and the handling
modals. Thin: ack, open a view or call the service (which decides who may), answer in the reader's language.
No Slack call and no language look-up while a session is open."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blockkit import ids
from bot.blockkit.forms import inline_errors
from bot.blockkit.names import role_name
from bot.handling import forms as handling_forms
from bot.handling import service, views
from bot.handling import state as service_state
from bot.platform.services import Services
from bot.procedure import errors as service_errors
from bot.procedure import status as service_status
from bot.procedure.errors import InvalidInput, NotAllowed
from bot.procedure.i18n import Lang, t
from bot.procedure.text import clean
from bot.procedure.who import Who
from handlers.replies import ephemeral, refusal
from storage import audit
from storage import incidents as service_incidents
from storage.models import Incident

Build = Callable[[Session, Incident, Lang], dict[str, Any]]


def _ids(value: Any) -> tuple[int, str]:
    """'12:assess' → (12, 'assess'); '12' → (12, '')."""
    head, _, tail = str(value or "").partition(":")
    try:
        return int(head), tail
    except ValueError:
        return -1, tail


def _text(values: dict[str, Any], block: str) -> str:
    return clean(str(((values.get(block) or {}).get(block) or {}).get("value") or "")).strip()


def _required(values: dict[str, Any], blocks: list[str], lang: Lang, optional: tuple[str, ...] = ()) -> dict[str, str]:
    """The modal's text fields, or InvalidInput naming every empty required one."""
    found = {b: _text(values, b) for b in blocks}
    errors = {b: t("error.required", lang) for b, v in found.items() if not v and b not in optional}
    if errors:
        raise InvalidInput(errors)
    return found


def register(app: App, services: Services) -> None:
    """Wire the handling steps' actions, views and the `/crisis update` command."""

    def open_view(body: dict[str, Any], client: WebClient, respond: Respond, incident_id: int, action: str | None,
                  build: Build, *, active: bool = True) -> None:
        user = body["user"]["id"]
        lang, who = services.lang_of(user), services.who(user)
        answer = view = None
        with services.sessions() as session:
            incident = session.get(Incident, incident_id)
            if incident is None:
                answer = t("incident.not_found", lang)
            elif active and incident.status not in service_status.ACTIVE:
                answer = t("handling.closed", lang)
            else:
                try:
                    if action:
                        service.require(who, action, incident, services.config)
                    view = build(session, incident, lang)
                except NotAllowed as exc:
                    answer = refusal(exc, lang, services.config)
                except service_errors.Closed as exc:
                    answer = t(exc.reason, lang)
        if answer is not None or view is None:
            return ephemeral(respond, answer or t("incident.not_found", lang))
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any],
               run: Callable[[Session, Who, Incident, dict[str, Any], Lang, datetime], None]) -> None:
        user, now = body["user"]["id"], services.clock()
        meta = json.loads(view.get("private_metadata") or "{}")
        lang = meta.get("lang") or services.lang_of(user)
        first = next(b["block_id"] for b in view["blocks"] if b.get("type") == "input")
        who = services.who(user)
        try:
            with services.sessions() as session, session.begin():
                incident = session.get(Incident, int(meta.get("incident", -1)))
                if incident is None:
                    return ack(response_action="errors", errors={first: t("incident.not_found", lang)})
                # A repeated view_submission (Slack's retry, a double tap) has no second effect.
                submission = f"{view.get('id')}:{view.get('hash')}"[:64]
                if audit.events(session, subject_type="view", subject_id=submission):
                    return ack()
                run(session, who, incident, {**meta, "values": view["state"]["values"]}, lang, now)
                audit.record(session, user, "view.submitted", "view", submission, at=now,
                             data={"callback": view.get("callback_id"), "incident": incident.id})
        except InvalidInput as exc:
            return ack(response_action="errors", errors=inline_errors(exc, handling_forms.BLOCKS, lang))
        except NotAllowed as exc:
            return ack(response_action="errors", errors={first: refusal(exc, lang, services.config)})
        except service_errors.Closed as exc:
            return ack(response_action="errors", errors={first: t(exc.reason, lang)})
        ack()
        services.kick()

    def act(body: dict[str, Any], respond: Respond, incident_id: int,
            run: Callable[[Session, Who, Incident, datetime], str | None]) -> None:
        """A button that changes state at once; the answer (if any) is an ephemeral in the reader's language."""
        user, now = body["user"]["id"], services.clock()
        who = services.who(user)
        answer: str | None = None
        try:
            with services.sessions() as session, session.begin():
                incident = session.get(Incident, incident_id)
                if incident is None:
                    answer = "incident.not_found"
                else:
                    answer = run(session, who, incident, now)
        except NotAllowed as exc:
            return ephemeral(respond, refusal(exc, services.lang_of(user), services.config))
        except service_errors.Closed as exc:
            answer = exc.reason
        services.kick()
        if answer:
            ephemeral(respond, t(answer, services.lang_of(user)))
        return None

    # ------------------------------------------------------------------------------------------ steps

    @app.action(ids.STEP_COMPLETE)
    def on_step_complete(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        incident_id, step = _ids(action.get("value"))
        act(body, respond, incident_id, lambda s, who, inc, now: (
            service.complete_step(s, services.config, who, inc, step, now), None)[1])

    @app.action(ids.STEP_SKIP_OPEN)
    def on_step_skip(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                     respond: Respond) -> None:
        ack()
        incident_id, step_id = _ids(action.get("value"))
        step = next((s for s in services.config.steps if s.id == step_id), None)
        who = services.who(body["user"]["id"])  # before the view's session: never nest sessions

        def build(session: Session, incident: Incident, lang: Lang) -> dict[str, Any]:
            if step is None:
                raise service_errors.Closed("step.unknown")
            if not service.may_do_step(who, step, incident):
                raise NotAllowed("action.skip_step", f"allowed.step.{step.id}")
            return views.skip_modal(incident.id, incident.number, incident.title, step.id, step.name(lang), lang)

        open_view(body, client, respond, incident_id, None, build)

    @app.view(ids.STEP_SKIP_VIEW)
    def on_skip(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        def run(session: Session, who: Who, incident: Incident, meta: dict[str, Any], lang: Lang,
                now: datetime) -> None:
            reason = _required(meta["values"], [ids.H_REASON], lang)[ids.H_REASON]
            service.complete_step(session, services.config, who, incident, str(meta.get("step")), now,
                                  skip_reason=reason)

        submit(ack, body, view, run)

    # ------------------------------------------------------------------------------------------ updates

    def open_update(body: dict[str, Any], client: WebClient, respond: Respond, incident_id: int) -> None:
        open_view(body, client, respond, incident_id, "update",
                  lambda s, inc, lang: views.update_modal(inc.id, inc.number, inc.title, lang))

    @app.action(ids.UPDATE_OPEN)
    def on_update_open(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                       respond: Respond) -> None:
        ack()
        open_update(body, client, respond, _ids(action.get("value"))[0])

    @app.view(ids.UPDATE_VIEW)
    def on_update(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        submit(ack, body, view, lambda s, who, inc, meta, lang, now: service.post_update(
            s, services.config, who, inc, _required(meta["values"], [ids.H_TEXT], lang)[ids.H_TEXT], now))

    @app.action(ids.UPDATE_SNOOZE)
    def on_snooze(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()

        def run(session: Session, who: Who, incident: Incident, now: datetime) -> str:
            service.snooze(session, services.config, who, incident, now)
            return "update.snoozed"

        act(body, respond, _ids(action.get("value"))[0], run)

    # ------------------------------------------------------------------------------------------ the menus

    def on_menu(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        what, _, rest = str((action.get("selected_option") or {}).get("value") or "").partition(":")
        incident_id = _ids(rest)[0]
        user = body["user"]["id"]
        if what == "confirm_plan":
            act(body, respond, incident_id, lambda s, who, inc, now: (
                service.confirm_plan(s, services.config, who, inc, None, now), None)[1])
            return
        if what == "convene":
            def build(session: Session, inc: Incident, lang: Lang) -> dict[str, Any]:
                people = service.team_for_level(session, services.config, inc)
                start = int((services.clock() + timedelta(minutes=30)).timestamp()) // 300 * 300
                return views.convene_modal(inc.id, inc.number, inc.title, people, start, lang)
            return open_view(body, client, respond, incident_id, "convene", build)
        if what == "legal_answer":
            return open_view(body, client, respond, incident_id, "legal_answer", lambda s, inc, lang: (
                views.legal_answer_modal(inc.id, inc.number, inc.title, service_state.legal_question(s, inc.id), lang)),
                active=False)
        builders: dict[str, Build] = {
            "notes": lambda s, inc, lang: views.notes_modal(inc.id, inc.number, inc.title, lang),
            "plan": lambda s, inc, lang: views.plan_modal(
                inc.id, inc.number, inc.title, _confirmer(inc.level, lang), lang),
            "draft": lambda s, inc, lang: views.media_modal(inc.id, inc.number, inc.title, lang),
            "opinion": lambda s, inc, lang: views.opinion_modal(inc.id, inc.number, inc.title, lang),
            "coordinate": lambda s, inc, lang: views.coordination_modal(inc.id, inc.number, inc.title, lang),
        }
        if what not in builders:
            return ephemeral(respond, t("incident.not_found", services.lang_of(user)))
        return open_view(body, client, respond, incident_id, what, builders[what])

    app.action(ids.HANDLING_MENU)(on_menu)
    app.action(ids.HANDLING_MENU_MORE)(on_menu)

    # ------------------------------------------------------------------------------------------ step 2: assess

    @app.view(ids.CONVENE_VIEW)
    def on_convene(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        def run(session: Session, who: Who, incident: Incident, meta: dict[str, Any], lang: Lang,
                now: datetime) -> None:
            values = meta["values"]
            stamp = ((values.get(ids.H_MEETING_AT) or {}).get(ids.H_MEETING_AT) or {}).get("selected_date_time")
            if stamp is None:
                raise InvalidInput({ids.H_MEETING_AT: "error.required"})
            at = datetime.fromtimestamp(int(stamp), tz=UTC)
            if at < now - timedelta(minutes=5):
                raise InvalidInput({ids.H_MEETING_AT: "error.meeting_past"})
            service.convene(session, services.config, who, incident, at, _text(values, ids.H_PLACE), now)

        submit(ack, body, view, run)

    @app.view(ids.NOTES_VIEW)
    def on_notes(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        def run(session: Session, who: Who, incident: Incident, meta: dict[str, Any], lang: Lang,
                now: datetime) -> None:
            found = _required(meta["values"], [ids.H_INFORMATION, ids.H_DIAGNOSIS], lang, (ids.H_DIAGNOSIS,))
            service.record_notes(session, services.config, who, incident, found[ids.H_INFORMATION],
                                 found[ids.H_DIAGNOSIS], now)

        submit(ack, body, view, run)

    @app.view(ids.PLAN_VIEW)
    def on_plan(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        submit(ack, body, view, lambda s, who, inc, meta, lang, now: (service.propose_plan(
            s, services.config, who, inc, _required(meta["values"], [ids.H_TEXT], lang)[ids.H_TEXT], now), None)[1])

    @app.action(ids.PLAN_CONFIRM)
    def on_plan_confirm(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        incident_id, plan = _ids(action.get("value"))
        act(body, respond, incident_id, lambda s, who, inc, now: (
            service.confirm_plan(s, services.config, who, inc, int(plan or 0), now), None)[1])

    # ------------------------------------------------------------------------------------------ step 4: media

    @app.view(ids.MEDIA_VIEW)
    def on_media(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        def run(session: Session, who: Who, incident: Incident, meta: dict[str, Any], lang: Lang,
                now: datetime) -> None:
            values = meta["values"]
            kind = (((values.get(ids.H_KIND) or {}).get(ids.H_KIND) or {}).get("selected_option") or {}).get("value")
            text = _required(values, [ids.H_TEXT], lang)[ids.H_TEXT]
            service.draft_statement(session, services.config, who, incident, str(kind or ""), text, now)

        submit(ack, body, view, run)

    @app.action(ids.MEDIA_APPROVE)
    def on_media_approve(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        incident_id, statement = _ids(action.get("value"))
        act(body, respond, incident_id, lambda s, who, inc, now: (service.decide_statement(
            s, services.config, who, inc, int(statement or 0), "release", now), None)[1])

    def statement_view(body: dict[str, Any], client: WebClient, respond: Respond, value: Any, edit: bool) -> None:
        incident_id, statement = _ids(value)

        def build(session: Session, inc: Incident, lang: Lang) -> dict[str, Any]:
            found = service_state.statements(audit.timeline(session, inc.id)).get(int(statement or 0))
            if found is None:
                raise service_errors.Closed("media.not_found")
            if found["status"] != "pending":
                raise service_errors.Closed("media.already")
            if edit:
                return views.media_edit_modal(inc.id, found["id"], inc.number, inc.title, found["text"], lang)
            return views.media_reject_modal(inc.id, found["id"], inc.number, inc.title, lang)

        open_view(body, client, respond, incident_id, "decide", build, active=False)

    @app.action(ids.MEDIA_EDIT_OPEN)
    def on_media_edit_open(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                           respond: Respond) -> None:
        ack()
        statement_view(body, client, respond, action.get("value"), True)

    @app.action(ids.MEDIA_REJECT_OPEN)
    def on_media_reject_open(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                             respond: Respond) -> None:
        ack()
        statement_view(body, client, respond, action.get("value"), False)

    @app.view(ids.MEDIA_EDIT_VIEW)
    def on_media_edit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        submit(ack, body, view, lambda s, who, inc, meta, lang, now: (service.decide_statement(
            s, services.config, who, inc, int(meta.get("statement", 0)), "release", now,
            text=_required(meta["values"], [ids.H_TEXT], lang)[ids.H_TEXT]), None)[1])

    @app.view(ids.MEDIA_REJECT_VIEW)
    def on_media_reject(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        submit(ack, body, view, lambda s, who, inc, meta, lang, now: (service.decide_statement(
            s, services.config, who, inc, int(meta.get("statement", 0)), "reject", now,
            reason=_text(meta["values"], ids.H_REASON)), None)[1])

    @app.view(ids.OPINION_VIEW)
    def on_opinion(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        submit(ack, body, view, lambda s, who, inc, meta, lang, now: service.note_opinion(
            s, services.config, who, inc, _required(meta["values"], [ids.H_TEXT], lang)[ids.H_TEXT], now))

    # ------------------------------------------------------------------------------------------ legal

    @app.view(ids.LEGAL_REQUEST_VIEW)
    def on_legal_request(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        submit(ack, body, view, lambda s, who, inc, meta, lang, now: service.request_legal(
            s, services.config, who, inc, _required(meta["values"], [ids.H_QUESTION], lang)[ids.H_QUESTION], now))

    @app.action(ids.LEGAL_ANSWER_OPEN)
    def on_legal_answer_open(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                             respond: Respond) -> None:
        ack()
        open_view(body, client, respond, _ids(action.get("value"))[0], "legal_answer", lambda s, inc, lang: (
            views.legal_answer_modal(inc.id, inc.number, inc.title, service_state.legal_question(s, inc.id), lang)),
            active=False)

    @app.view(ids.LEGAL_ANSWER_VIEW)
    def on_legal_answer(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        submit(ack, body, view, lambda s, who, inc, meta, lang, now: service.answer_legal(
            s, services.config, who, inc, _required(meta["values"], [ids.H_TEXT], lang)[ids.H_TEXT], now))

    # ------------------------------------------------------------------------------------------ step 5

    @app.view(ids.COORD_VIEW)
    def on_coordination(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        def run(session: Session, who: Who, incident: Incident, meta: dict[str, Any], lang: Lang,
                now: datetime) -> None:
            found = _required(meta["values"], [ids.H_ACTION, ids.H_OUTCOME], lang, (ids.H_OUTCOME,))
            service.log_coordination(session, services.config, who, incident, found[ids.H_ACTION],
                                     found[ids.H_OUTCOME], now)

        submit(ack, body, view, run)

    # ------------------------------------------------------------------------------------------ step 6

    @app.action(ids.RESOLVE)
    def on_resolve(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        act(body, respond, _ids(action.get("value"))[0], lambda s, who, inc, now: (
            service.resolve(s, services.config, who, inc, now), None)[1])

    @app.action(ids.CASEFILE_OPEN)
    def on_case_file_open(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                          respond: Respond) -> None:
        ack()

        def build(session: Session, inc: Incident, lang: Lang) -> dict[str, Any]:
            if inc.status not in ("resolved", "closed"):
                raise service_errors.Closed("casefile.not_resolved")
            latest = service_incidents.latest_case_file(session, inc.id)
            return views.case_file_modal(inc.id, inc.number, inc.title, dict(latest.data) if latest else {},
                                         latest.version if latest else None, lang)

        open_view(body, client, respond, _ids(action.get("value"))[0], "case_file", build, active=False)

    @app.view(ids.CASEFILE_VIEW)
    def on_case_file(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        def run(session: Session, who: Who, incident: Incident, meta: dict[str, Any], lang: Lang,
                now: datetime) -> None:
            blocks = [f"{ids.CF_PREFIX}{f}" for f in service_state.CASE_FIELDS]
            found = _required(meta["values"], blocks, lang, (f"{ids.CF_PREFIX}followups",))
            service.submit_case_file(session, services.config, who, incident,
                                     {b.removeprefix(ids.CF_PREFIX): v for b, v in found.items()}, now)

        submit(ack, body, view, run)


def _confirmer(level: str | None, lang: Lang) -> str:
    role = service.plan_confirmer(level)
    return role_name(role.value, lang) if role else t("plan.confirmer_unit", lang)


def on_update_command(services: Services, client: WebClient, respond: Respond, user: str, channel: str | None,
                      trigger_id: str) -> None:
    """`/crisis update` typed in a war room: the status-update modal for that room's incident."""
    lang, who = services.lang_of(user), services.who(user)
    answer = view = None
    with services.sessions() as session:
        incident = service_incidents.by_channel(session, channel)
        if incident is None:
            answer = t("update.not_war_room", lang)
        elif incident.status not in service_status.ACTIVE:
            answer = t("handling.closed", lang)
        elif not service.may(who, "update", incident, services.config):
            answer = t("refusal", lang, action=t("action.update", lang), allowed=t("allowed.update", lang))
        else:
            view = views.update_modal(incident.id, incident.number, incident.title, lang)
    if view is None:
        return ephemeral(respond, answer or "")
    client.views_open(trigger_id=trigger_id, view=view)
