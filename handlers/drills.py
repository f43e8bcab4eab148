"""Drills (§7, annex 2): `/crisis drill draw|status|verify|report`, the plan, report and evaluation modals, and
the approve / return buttons. Thin: ack, call the service (which decides who may), answer in the reader's
language. No Slack call while a session is open."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blockkit import forms, ids
from bot.blockkit.forms import inline_errors
from bot.drills import forms as service_forms
from bot.drills import service, views
from bot.drills import state as service_state
from bot.drills import state as views_state
from bot.drills import views as service_views
from bot.drills.state import DrillState
from bot.platform.services import Services
from bot.procedure import errors as service_errors
from bot.procedure.errors import InvalidInput, NotAllowed
from bot.procedure.i18n import Lang, t
from bot.procedure.who import Who
from handlers.replies import ephemeral, refusal
from storage import drills as service_drills
from storage.models import Drill, DrillEvaluation


def _int(value: Any) -> int:
    try:
        return int(str(value).lstrip("#"))
    except (TypeError, ValueError):
        return -1


def _errors(view: dict[str, Any], lang: Lang, exc: Exception) -> dict[str, str]:
    """A modal's inline errors for what the drill service refused."""
    if isinstance(exc, InvalidInput):
        return inline_errors(exc, service_forms.BLOCKS, lang)
    if isinstance(exc, NotAllowed):
        return {_first_block(view): refusal(exc, lang)}
    return {_first_block(view): t("drill.not_found", lang)}


def _meta(view: dict[str, Any], services: Services, user: str) -> tuple[dict[str, Any], Lang]:
    meta = json.loads(view.get("private_metadata") or "{}")
    return meta, meta.get("lang") or services.lang_of(user)


def _first_block(view: dict[str, Any]) -> str:
    return next(b["block_id"] for b in view["blocks"] if b.get("type") == "input")


# ---------------------------------------------------------------------------------------------- commands


def on_command(services: Services, client: WebClient, respond: Respond, user: str, key: str, args: list[str],
               trigger_id: str) -> None:
    """A `/crisis drill …` sub-command, after the ack."""
    if key == "drill_report":
        return open_report(services, client, respond, user, None, trigger_id)
    lang, who, now = services.lang_of(user), services.who(user), services.clock()
    config = services.config
    try:
        if key == "drill_draw":
            with services.sessions() as session, session.begin():
                drawn = service.draw(session, config, user, now, services.rng, who=who)
            services.kick()
            return ephemeral(respond, t("drill.drawn", lang, period=drawn.period, id=drawn.drill_id,
                                         unit=views.unit_name(config, drawn.unit_id, lang),
                                         category=views.drill_item(config, drawn.category, lang),
                                         due=views.day(drawn.due_at, config)))
        if key == "drill_status":
            with services.sessions() as session:
                data = service.status(session, config, who)
            return respond(**views.status_message(data, config, lang), replace_original=False)
        if key == "drill_verify":
            if not service.may_view(who):
                raise NotAllowed("action.drill_status", "allowed.drill_status")
            if not args or _int(args[0]) < 0:
                return ephemeral(respond, t("drill.verify.usage", lang))
            with services.sessions() as session:
                result = service.verify(session, _int(args[0]))
            return ephemeral(respond, service_views.verification_text(result, config, lang))
    except NotAllowed as exc:
        return ephemeral(respond, refusal(exc, lang))
    except service.AlreadyDrawn as exc:
        return ephemeral(respond, t("drill.already_drawn", lang, period=exc.period, id=exc.drill_id,
                                     unit=views.unit_name(config, exc.unit_id, lang)))
    except service_errors.NotFound:
        return ephemeral(respond, t("drill.not_found", lang))
    raise LookupError(f"no handler for sub-command {key}")  # pragma: no cover - registry bug


def open_report(services: Services, client: WebClient, respond: Respond, user: str, drill_id: int | None,
                trigger_id: str) -> None:
    """Open annex 2 for the drilled unit's people (prefilled from the latest version); refuse anyone else."""
    lang, who, now = services.lang_of(user), services.who(user), services.clock()
    with services.sessions() as session:
        drill = service.open_drill_for(session, who) if drill_id is None else session.get(Drill, drill_id)
        if drill is None:
            return ephemeral(respond, t("drill.none_open" if drill_id is None else "drill.not_found", lang))
        allowed = service.may_report(who, drill.unit_id)
        state = DrillState.of(drill)
        latest = service_drills.latest_report(session, drill.id)
        data = dict(latest.data) if latest else None
    if not allowed:
        return ephemeral(respond, refusal(NotAllowed("action.drill_report", "allowed.drill_report"), lang))
    client.views_open(trigger_id=trigger_id, view=views.report_modal(state, services.config, lang, data, now))
    return None


# ---------------------------------------------------------------------------------------------- listeners


def register(app: App, services: Services) -> None:
    """Wire the drill buttons and modals."""

    def open_for_drill(body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond,
                       may: Callable[[Who], bool], refused: NotAllowed,
                       build: Callable[[Session, Drill, Who, Lang], dict[str, Any]]) -> None:
        """A drill button that opens a modal: check who may, load the drill, build the view, open it."""
        user = body["user"]["id"]
        lang, who = services.lang_of(user), services.who(user)
        if not may(who):
            return ephemeral(respond, refusal(refused, lang))
        with services.sessions() as session:
            drill = session.get(Drill, _int(action.get("value")))
            if drill is None:
                return ephemeral(respond, t("drill.not_found", lang))
            view = build(session, drill, who, lang)
        client.views_open(trigger_id=body["trigger_id"], view=view)
        return None

    @app.action(ids.DRILL_PLAN_OPEN)
    def on_plan_open(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                     respond: Respond) -> None:
        ack()

        def build(session: Session, drill: Drill, who: Who, lang: Lang) -> dict[str, Any]:
            previous = service_drills.previous_of(session, drill)
            return views.plan_modal(DrillState.of(drill), services.config, lang,
                                    may_move_due=service.may_approve(who),
                                    previous_category=previous.category if previous else None,
                                    last_use=service.category_last_use(session, services.config))

        open_for_drill(body, action, client, respond, service.may_plan,
                       NotAllowed("action.drill_plan", "allowed.drill_plan"), build)

    @app.view(ids.DRILL_PLAN_VIEW)
    def on_plan(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user, now = body["user"]["id"], services.clock()
        meta, lang = _meta(view, services, user)
        who = services.who(user)
        try:
            plan = service_forms.parse_plan(services.config, view["state"]["values"], lang)
            with services.sessions() as session, session.begin():
                drill = service.get(session, _int(meta.get("drill")))
                service.set_plan(session, services.config, who, drill, plan, now)
        except (InvalidInput, NotAllowed, service_errors.NotFound) as exc:
            return ack(response_action="errors", errors=_errors(view, lang, exc))
        ack()
        services.kick()
        return None

    @app.action(ids.DRILL_REPORT_OPEN)
    def on_report_open(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                       respond: Respond) -> None:
        ack()
        open_report(services, client, respond, body["user"]["id"], _int(action.get("value")), body["trigger_id"])

    @app.view(ids.DRILL_REPORT_VIEW)
    def on_report(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user, now = body["user"]["id"], services.clock()
        meta, lang = _meta(view, services, user)
        who = services.who(user)
        try:
            with services.sessions() as session, session.begin():
                drill = service.get(session, _int(meta.get("drill")))
                data = service_forms.parse_report(services.config, drill, view["state"]["values"], now, lang)
                filed = service.file_report(session, services.config, who, drill, data, now)
        except (InvalidInput, NotAllowed, service_errors.NotFound) as exc:
            return ack(response_action="errors", errors=_errors(view, lang, exc))
        ack(response_action="update", view=views.report_done_view(filed.version, lang))
        services.kick()
        return None

    @app.action(ids.DRILL_EVAL_OPEN)
    def on_evaluation_open(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                           respond: Respond) -> None:
        ack()

        def build(session: Session, drill: Drill, who: Who, lang: Lang) -> dict[str, Any]:
            report = service_drills.latest_report(session, drill.id)
            evaluation = service_drills.latest_evaluation(session, drill.id)
            return views.evaluation_modal(DrillState.of(drill), services.config, lang,
                                          dict(evaluation.data) if evaluation else None,
                                          dict(report.data) if report else None)

        open_for_drill(body, action, client, respond, service.may_evaluate,
                       NotAllowed("action.drill_evaluate", "allowed.drill_evaluate"), build)

    @app.view(ids.DRILL_EVAL_VIEW)
    def on_evaluation(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user, now = body["user"]["id"], services.clock()
        meta, lang = _meta(view, services, user)
        who = services.who(user)
        try:
            data = service_forms.parse_evaluation(view["state"]["values"], lang)
            with services.sessions() as session, session.begin():
                drill = service.get(session, _int(meta.get("drill")))
                version = service.submit_evaluation(session, who, drill, data, now).version
        except (InvalidInput, NotAllowed, service_errors.NotFound) as exc:
            return ack(response_action="errors", errors=_errors(view, lang, exc))
        ack(response_action="update", view=views.done_view(t("drill.eval.title", lang),
                                                            t("drill.eval.done", lang, version=version), lang))
        services.kick()
        return None

    @app.action(ids.DRILL_APPROVE)
    def on_approve(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        user, now = body["user"]["id"], services.clock()
        lang, who = services.lang_of(user), services.who(user)
        try:
            with services.sessions() as session, session.begin():
                evaluation = session.get(DrillEvaluation, _int(action.get("value")))
                if evaluation is None:
                    raise service_errors.NotFound("evaluation")
                fresh = service.decide(session, who, evaluation, True, "", now)
                state, version = DrillState.of(service.get(session, evaluation.drill_id)), evaluation.version
        except NotAllowed as exc:
            return ephemeral(respond, refusal(exc, lang))
        except service_errors.NotFound:
            return ephemeral(respond, t("drill.not_found", lang))
        if not fresh:
            return ephemeral(respond, t("drill.eval.already", lang))
        services.kick()
        respond(replace_original=True, **views.approval_done(state, version, True, user, services.config, lang))
        return None

    @app.action(ids.DRILL_RETURN_OPEN)
    def on_return_open(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                       respond: Respond) -> None:
        ack()
        user = body["user"]["id"]
        lang, who = services.lang_of(user), services.who(user)
        if not service.may_approve(who):
            return ephemeral(respond, refusal(NotAllowed("action.drill_approve", "allowed.drill_approve"), lang))
        with services.sessions() as session:
            evaluation = session.get(DrillEvaluation, _int(action.get("value")))
            pending = evaluation is not None and evaluation.status == service_state.SUBMITTED
        if not pending:
            return ephemeral(respond, t("drill.eval.already", lang))
        client.views_open(trigger_id=body["trigger_id"], view=views.return_modal(_int(action.get("value")), lang))
        return None

    @app.view(ids.DRILL_RETURN_VIEW)
    def on_return(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user, now = body["user"]["id"], services.clock()
        meta, lang = _meta(view, services, user)
        errors: dict[str, str] = {}
        comment = forms.text(view["state"]["values"], ids.E_RETURN_COMMENT, views_state.TEXT_MAX, True, errors, lang)
        if errors:
            return ack(response_action="errors", errors=errors)
        who = services.who(user)
        try:
            with services.sessions() as session, session.begin():
                evaluation = session.get(DrillEvaluation, _int(meta.get("evaluation")))
                if evaluation is None:
                    raise service_errors.NotFound("evaluation")
                fresh = service.decide(session, who, evaluation, False, comment, now)
        except NotAllowed as exc:
            return ack(response_action="errors", errors={ids.E_RETURN_COMMENT: refusal(exc, lang)})
        except service_errors.NotFound:
            return ack(response_action="errors", errors={ids.E_RETURN_COMMENT: t("drill.not_found", lang)})
        if not fresh:
            return ack(response_action="errors", errors={ids.E_RETURN_COMMENT: t("drill.eval.already", lang)})
        ack()
        services.kick()
        return None
