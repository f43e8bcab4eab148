"""Drills (§7, annex 2): `/crisis drill draw|status|verify|report`, the plan, report and evaluation modals, and
the approve / return buttons. Thin: ack, call the service (which decides who may), answer in the reader's
language. No Slack call while a session is open.

Every modal submission claims its view first (`kit.claim_submission`): a repeated delivery of it has no second
effect and is shown the receipt of the first. A submission that lost a race (someone saved a newer version, or
the drill closed, while the form was open) turns the modal into what actually happened."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blockkit import forms, ids
from bot.blockkit.forms import inline_errors
from bot.drills import forms as drill_forms
from bot.drills import service, views
from bot.drills.state import TEXT_MAX, DrillState
from bot.platform.services import Services
from bot.procedure import errors
from bot.procedure.config import OrgConfig
from bot.procedure.errors import InvalidInput, NotAllowed
from bot.procedure.i18n import Lang, t
from bot.procedure.status import DrillStatus
from bot.procedure.who import Who
from handlers import kit
from handlers.kit import ephemeral, refusal
from storage import drills as stored
from storage.models import Drill, DrillEvaluation


def _number(arg: str) -> int:
    """A drill id typed after `/crisis drill verify`, with or without its '#'; -1 if it is none."""
    return kit.as_id(arg.lstrip("#"))


def _errors(view: dict[str, Any], lang: Lang, exc: Exception) -> dict[str, str]:
    """A modal's inline errors for what the drill service refused."""
    if isinstance(exc, InvalidInput):
        return inline_errors(exc, drill_forms.BLOCKS, lang)
    if isinstance(exc, NotAllowed):
        return {_first_block(view): refusal(exc, lang)}
    return {_first_block(view): t("drill.not_found", lang)}


def _first_block(view: dict[str, Any]) -> str:
    first = kit.first_input_block(view)
    if first is None:  # every drill modal has an input; one without is a bug to report, not to hide
        raise LookupError(f"modal {view.get('callback_id')} has no input block")
    return first


def _base(view: dict[str, Any]) -> int | None:
    """The version (or plan stamp) the modal was opened on; None for a modal drawn before modals carried it."""
    base = kit.metadata(view).get("base")
    return kit.as_id(base) if base is not None else None


def _lost(exc: service.Stale | service.DrillClosed, title: str, config: OrgConfig, lang: Lang) -> dict[str, Any]:
    """The modal's replacement when its submission did not count: what was saved instead, or that the drill is
    closed, naming who and when (a view, not inline errors: those are plain text and cannot mention a person)."""
    if isinstance(exc, service.Stale):
        text = views.stale_text(exc.what, exc.version, exc.by, exc.at, config, lang)
    else:
        text = views.closed_text(exc.action, exc.by, exc.at, config, lang)
    return views.done_view(title, text, lang)


def _closed_drill(session: Session, drill: Drill, action: str, config: OrgConfig, lang: Lang) -> str | None:
    """The refusal shown instead of opening a form on a closed drill; None while it is open."""
    if drill.status != DrillStatus.CLOSED:
        return None
    return views.closed_text(action, *service.closed_by(session, drill), config, lang)


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
            if not args or _number(args[0]) < 0:
                return ephemeral(respond, t("drill.verify.usage", lang))
            with services.sessions() as session:
                result = service.verify(session, _number(args[0]))
            return ephemeral(respond, views.verification_text(result, config, lang))
    except NotAllowed as exc:
        return ephemeral(respond, refusal(exc, lang))
    except service.AlreadyDrawn as exc:
        return ephemeral(respond, t("drill.already_drawn", lang, period=exc.period, id=exc.drill_id,
                                     unit=views.unit_name(config, exc.unit_id, lang)))
    except errors.NotFound:
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
        closed = _closed_drill(session, drill, "report", services.config, lang)
        state = DrillState.of(drill)
        latest = stored.latest_report(session, drill.id)
        data, base = (dict(latest.data), latest.version) if latest else (None, 0)
    if not allowed:
        return ephemeral(respond, refusal(NotAllowed("action.drill_report", "allowed.drill_report"), lang))
    if closed:
        return ephemeral(respond, closed)
    kit.open_modal(client, trigger_id, views.report_modal(state, services.config, lang, data, now, base))
    return None


# ---------------------------------------------------------------------------------------------- listeners

Build = Callable[[Services, Session, Drill, Who, Lang], dict[str, Any]]


def _open_for_drill(services: Services, body: dict[str, Any], client: WebClient, respond: Respond,
                    may: Callable[[Who], bool], refused: NotAllowed, action: str, build: Build) -> None:
    """A drill button that opens a modal: check who may, load the drill, refuse a closed one, build the view,
    open it."""
    person = kit.actor(services, body)
    lang, who = person.lang, person.who
    if not may(who):
        return ephemeral(respond, refusal(refused, lang))
    with services.sessions() as session:
        drill = session.get(Drill, kit.subject_id(body))
        if drill is None:
            return ephemeral(respond, t("drill.not_found", lang))
        closed = _closed_drill(session, drill, action, services.config, lang)
        view = None if closed else build(services, session, drill, who, lang)
    if view is None:
        return ephemeral(respond, closed or "")
    kit.open_modal(client, body["trigger_id"], view)
    return None


def _plan_modal(services: Services, session: Session, drill: Drill, who: Who, lang: Lang) -> dict[str, Any]:
    previous = stored.previous_of(session, drill)
    return views.plan_modal(DrillState.of(drill), services.config, lang,
                            may_move_due=service.may_approve(who),
                            previous_category=previous.category if previous else None,
                            last_use=service.category_last_use(session, services.config),
                            base=service.plan_stamp(session, drill.id))


def _evaluation_modal(services: Services, session: Session, drill: Drill, who: Who, lang: Lang) -> dict[str, Any]:
    report = stored.latest_report(session, drill.id)
    evaluation = stored.latest_evaluation(session, drill.id)
    return views.evaluation_modal(DrillState.of(drill), services.config, lang,
                                  dict(evaluation.data) if evaluation else None,
                                  dict(report.data) if report else None,
                                  evaluation.version if evaluation else 0)


def on_plan_open(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Services) -> None:
    """The plan modal, for those who plan drills."""
    ack()
    _open_for_drill(services, body, client, respond, service.may_plan,
                    NotAllowed("action.drill_plan", "allowed.drill_plan"), "plan", _plan_modal)


def on_plan(ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services) -> None:
    """Store the drill's plan."""
    person = kit.actor(services, body, view)
    now, lang, who = person.now, person.lang, person.who
    try:
        plan = drill_forms.parse_plan(services.config, view["state"]["values"], lang)
        with services.sessions() as session, session.begin():
            if not kit.claim_submission(session, view, person.user, now):
                return ack()  # this very submission saved the plan already
            drill = service.get(session, kit.subject_id(body, "drill"))
            service.set_plan(session, services.config, who, drill, plan, now, base=_base(view))
    except (InvalidInput, NotAllowed, errors.NotFound) as exc:
        return ack(response_action="errors", errors=_errors(view, lang, exc))
    except (service.Stale, service.DrillClosed) as exc:
        return ack(response_action="update", view=_lost(exc, t("drill.saved.title", lang), services.config, lang))
    ack()
    services.kick()
    return None


def on_report_open(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond,
                   services: Services) -> None:
    """Annex 2 for the drill on the button."""
    ack()
    open_report(services, client, respond, body["user"]["id"], kit.subject_id(body), body["trigger_id"])


def on_report(ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services) -> None:
    """File a version of annex 2 and show its number in place of the form."""
    person = kit.actor(services, body, view)
    now, lang, who = person.now, person.lang, person.who
    drill_id = kit.subject_id(body, "drill")
    try:
        with services.sessions() as session, session.begin():
            if not kit.claim_submission(session, view, person.user, now):
                # this very submission was filed already: show its receipt again
                return ack(response_action="update",
                           view=views.report_done_view(service.report_version(session, drill_id), lang))
            drill = service.get(session, drill_id)
            data = drill_forms.parse_report(services.config, drill, view["state"]["values"], now, lang)
            filed = service.file_report(session, services.config, who, drill, data, now, base=_base(view))
    except (InvalidInput, NotAllowed, errors.NotFound) as exc:
        return ack(response_action="errors", errors=_errors(view, lang, exc))
    except (service.Stale, service.DrillClosed) as exc:
        return ack(response_action="update", view=_lost(exc, t("drill.saved.title", lang), services.config, lang))
    ack(response_action="update", view=views.report_done_view(filed.version, lang))
    services.kick()
    return None


def on_evaluation_open(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond,
                       services: Services) -> None:
    """The evaluation modal, for the evaluators."""
    ack()
    _open_for_drill(services, body, client, respond, service.may_evaluate,
                    NotAllowed("action.drill_evaluate", "allowed.drill_evaluate"), "evaluation", _evaluation_modal)


def on_evaluation(ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services) -> None:
    """Submit a version of the evaluation for approval."""
    person = kit.actor(services, body, view)
    now, lang, who = person.now, person.lang, person.who
    drill_id = kit.subject_id(body, "drill")
    try:
        data = drill_forms.parse_evaluation(view["state"]["values"], lang)
        with services.sessions() as session, session.begin():
            if kit.claim_submission(session, view, person.user, now):
                drill = service.get(session, drill_id)
                version = service.submit_evaluation(session, who, drill, data, now, base=_base(view)).version
            else:  # this very submission was sent already: show its receipt again
                version = service.evaluation_version(session, drill_id)
    except (InvalidInput, NotAllowed, errors.NotFound) as exc:
        return ack(response_action="errors", errors=_errors(view, lang, exc))
    except (service.Stale, service.DrillClosed) as exc:
        return ack(response_action="update", view=_lost(exc, t("drill.saved.title", lang), services.config, lang))
    ack(response_action="update", view=views.done_view(t("drill.eval.title", lang),
                                                        t("drill.eval.done", lang, version=version), lang))
    services.kick()
    return None


def on_approve(ack: Ack, body: dict[str, Any], respond: Respond, services: Services) -> None:
    """Approve an evaluation, replacing the request with the decision; a click that came too late (decided
    already, or a newer version supersedes this one) is told what happened."""
    ack()
    person = kit.actor(services, body)
    now, lang, who = person.now, person.lang, person.who
    try:
        with services.sessions() as session, session.begin():
            evaluation = session.get(DrillEvaluation, kit.subject_id(body))
            if evaluation is None:
                raise errors.NotFound("evaluation")
            decision = service.decide(session, who, evaluation, True, "", now)
            state = DrillState.of(service.get(session, evaluation.drill_id))
            data, drafted_by = dict(evaluation.data), evaluation.drafted_by
    except NotAllowed as exc:
        return ephemeral(respond, refusal(exc, lang))
    except errors.NotFound:
        return ephemeral(respond, t("drill.not_found", lang))
    if not decision.fresh:
        return ephemeral(respond, views.decision_text(decision, services.config, lang))
    services.kick()
    # This copy at once; the others (the holder's or the deputy's) are redrawn the same way by due work.
    settled = views.decision_text(decision, services.config, lang)
    respond(replace_original=True, **views.approval_request(state, decision.evaluation_id, decision.version, data,
                                                            drafted_by, services.config, lang, settled=settled))
    return None


def on_return_open(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond,
                   services: Services) -> None:
    """The return-with-comment modal, for the newest evaluation still waiting for a decision."""
    ack()
    person = kit.actor(services, body)
    lang, who = person.lang, person.who
    if not service.may_approve(who):
        return ephemeral(respond, refusal(NotAllowed("action.drill_approve", "allowed.drill_approve"), lang))
    evaluation_id = kit.subject_id(body)
    with services.sessions() as session:
        evaluation = session.get(DrillEvaluation, evaluation_id)
        done = service.outcome(session, evaluation) if evaluation is not None else None
    if evaluation is None:
        return ephemeral(respond, t("drill.not_found", lang))
    if done is not None:
        return ephemeral(respond, views.decision_text(done, services.config, lang))
    kit.open_modal(client, body["trigger_id"], views.return_modal(evaluation_id, lang))
    return None


def on_return(ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services) -> None:
    """Return an evaluation with the approver's comment; a return that came too late says what happened."""
    person = kit.actor(services, body, view)
    now, lang = person.now, person.lang
    problems: dict[str, str] = {}
    comment = forms.text(view["state"]["values"], ids.E_RETURN_COMMENT, TEXT_MAX, True, problems, lang)
    if problems:
        return ack(response_action="errors", errors=problems)
    who = person.who
    try:
        with services.sessions() as session, session.begin():
            if not kit.claim_submission(session, view, person.user, now):
                return ack()  # this very submission returned the evaluation already
            evaluation = session.get(DrillEvaluation, kit.subject_id(body, "evaluation"))
            if evaluation is None:
                raise errors.NotFound("evaluation")
            decision = service.decide(session, who, evaluation, False, comment, now)
    except NotAllowed as exc:
        return ack(response_action="errors", errors={ids.E_RETURN_COMMENT: refusal(exc, lang)})
    except errors.NotFound:
        return ack(response_action="errors", errors={ids.E_RETURN_COMMENT: t("drill.not_found", lang)})
    if not decision.fresh:
        return ack(response_action="update", view=views.done_view(
            t("drill.return.title", lang), views.decision_text(decision, services.config, lang), lang))
    ack()
    services.kick()
    return None


LISTENERS: tuple[kit.Listener, ...] = (
    ("action", ids.DRILL_PLAN_OPEN, on_plan_open),
    ("view", ids.DRILL_PLAN_VIEW, on_plan),
    ("action", ids.DRILL_REPORT_OPEN, on_report_open),
    ("view", ids.DRILL_REPORT_VIEW, on_report),
    ("action", ids.DRILL_EVAL_OPEN, on_evaluation_open),
    ("view", ids.DRILL_EVAL_VIEW, on_evaluation),
    ("action", ids.DRILL_APPROVE, on_approve),
    ("action", ids.DRILL_RETURN_OPEN, on_return_open),
    ("view", ids.DRILL_RETURN_VIEW, on_return),
)


def register(app: App) -> None:
    """Wire the drill buttons and modals."""
    kit.register(app, LISTENERS)
