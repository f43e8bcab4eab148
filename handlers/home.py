"""The App Home tab, published when a person opens it: their overview, then their commands; and the tab's task
buttons that act at once (confirm a plan, approve a statement, approve a drill evaluation).

A task on App Home belongs to the seat, not to the person a DM once went to (§3 移交): whoever holds the seat now
sees it, and the service authorizes the click against the roster as it is then. App Home has no message to answer
below, so the answer is the refreshed tab; only a refusal, or someone else having done it first, comes by DM."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blockkit import ids
from bot.drills import service as drills
from bot.drills import views as drill_views
from bot.platform.services import Services
from bot.procedure import errors
from bot.procedure.i18n import Lang, t
from bot.procedure.who import Who
from handlers import handling, kit
from handlers.overview import publish_home
from storage import incidents
from storage.models import DrillEvaluation

# (services, session, who, the DM button's value, now, lang) -> what to tell the person, if anything
HomeAct = Callable[[Services, Session, Who, str, datetime, Lang], str | None]


def on_home_opened(event: dict[str, Any], client: WebClient, services: Services) -> None:
    """Publish the tab when its owner opens it (not for the Messages tab)."""
    if event.get("tab") not in (None, "home"):
        return
    publish_home(services, client, str(event["user"]))


def _incident_act(run: handling.Act) -> HomeAct:
    """A war-room button's effect (handlers/handling.py CLICKS) on the incident it names, locked."""
    def act(sv: Services, session: Session, who: Who, value: str, now: datetime, lang: Lang) -> str | None:
        incident_id, tail = kit.parse_id(value)
        incident = incidents.lock(session, incident_id)
        if incident is None:
            raise errors.NotFound("incident")
        run(sv, session, who, incident, tail, now)
        return None
    return act


def _approve_evaluation(sv: Services, session: Session, who: Who, value: str, now: datetime,
                        lang: Lang) -> str | None:
    evaluation = session.get(DrillEvaluation, kit.as_id(value))
    if evaluation is None:
        raise errors.NotFound("evaluation")
    decision = drills.decide(session, who, evaluation, True, "", now)  # locks the drill, re-reads the evaluation
    if decision.fresh or (decision.by == who.user and decision.newer is None):
        return None  # done (by this click, or this person's earlier one): the refreshed tab shows it
    return drill_views.decision_text(decision, sv.config, lang)


HOME_ACTS: dict[str, HomeAct] = {
    ids.PLAN_CONFIRM: _incident_act(handling.confirm_plan),
    ids.MEDIA_APPROVE: _incident_act(handling.release),
    ids.DRILL_APPROVE: _approve_evaluation,
}


def on_home_task(ack: Ack, body: dict[str, Any], client: WebClient, services: Services) -> None:
    """A task button on App Home: the DM button's effect, then the tab refreshed."""
    ack()
    person = kit.actor(services, body)
    action_id, _, value = str((body.get("actions") or [{}])[0].get("value") or "").partition("|")
    run = HOME_ACTS.get(action_id)
    answer: str | None = None
    if run is not None:
        lang, who, now = person.lang, person.who, person.now  # before the session: never nest sessions
        try:
            with services.sessions() as session, session.begin():
                answer = run(services, session, who, value, now, lang)
        except errors.NotAllowed as exc:
            answer = kit.refusal(exc, lang, services.config)
        except errors.Closed as exc:  # done already: by this person (a double tap) needs no word, by another does
            answer = None if exc.facts.get("user") == person.user else kit.closed_text(exc, lang, services.config)
        except errors.NotFound:
            answer = t("incident.not_found", lang)
        services.kick()
    if answer:
        client.chat_postMessage(channel=person.user, text=answer)
    publish_home(services, client, person.user)


LISTENERS: tuple[kit.Listener, ...] = (
    ("event", "app_home_opened", on_home_opened),
    ("action", ids.HOME_TASK, on_home_task),
)


def register(app: App) -> None:
    """Wire the app_home_opened event and the tab's task buttons."""
    kit.register(app, LISTENERS)
