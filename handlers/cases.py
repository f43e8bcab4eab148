"""The case-file library's listeners: `/crisis cases [words]`, Open case file (a modal, paged with Previous /
Next by views.update), DOCX (due work: the file comes by DM), App Home's Search cases modal and its submit.
Thin: bot/overview/cases.py decides who reads what, at every click; Slack is called after the session closes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blockkit import ids
from bot.overview import cases
from bot.overview.casesview import case_modal, cases_message, search_modal, search_words
from bot.platform.services import Services
from bot.procedure.errors import NotAllowed, NotFound
from bot.procedure.i18n import Lang, t
from handlers import kit
from handlers.kit import ephemeral

YEARS_BACK = 6  # the search modal's year choices: this year and the five before


def _years(now: datetime, services: Services) -> list[int]:
    year = now.astimezone(services.config.organisation.tz).year
    return list(range(year, year - YEARS_BACK, -1))


def on_command(services: Services, respond: Respond, user: str, args: list[str]) -> None:
    """`/crisis cases [words]`, after the ack."""
    lang, who, config = services.lang_of(user), services.who(user), services.config
    query = cases.parse_query(args, config)
    try:
        with services.sessions() as session:
            found = cases.search(session, config, who, query)
    except NotAllowed as exc:
        return ephemeral(respond, kit.refusal(exc, lang))
    return respond(**cases_message(found, config, lang), replace_original=False)


def _case(services: Services, person: kit.Actor, incident_id: int, respond: Respond) -> cases.CaseView | None:
    """The case file for this person, or None after telling them why not."""
    try:
        with services.sessions() as session:
            return cases.case_view(session, services.config, person.who, incident_id)
    except NotAllowed as exc:
        ephemeral(respond, kit.refusal(exc, person.lang))
    except NotFound:
        ephemeral(respond, t("cases.not_found", person.lang))
    return None


def _in_modal(body: dict[str, Any]) -> bool:
    return (body.get("view") or {}).get("type") == "modal"


def on_open(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Services) -> None:
    """Open case file: the modal's first page (pushed over the search modal when clicked in it)."""
    ack()
    person = kit.actor(services, body)
    view = _case(services, person, kit.subject_id(body), respond)
    if view is None:
        return
    modal = case_modal(view, 0, services.config, person.lang)
    if _in_modal(body):
        client.views_push(trigger_id=body["trigger_id"], view=modal)
    else:
        kit.open_modal(client, body["trigger_id"], modal)


def on_page(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Services) -> None:
    """Previous / Next in the case file modal: the same modal redrawn at that page (authorized again)."""
    ack()
    person = kit.actor(services, body, body.get("view"))
    incident_id, page = kit.parse_id((body.get("actions") or [{}])[0].get("value"))
    view = _case(services, person, incident_id, respond)
    if view is None:
        return
    # No hash: the page drawn depends only on the button's value, so a double tap's two updates agree
    client.views_update(view_id=(body.get("view") or {}).get("id"),
                        view=case_modal(view, kit.as_id(page), services.config, person.lang))


def on_docx(ack: Ack, body: dict[str, Any], respond: Respond, services: Services) -> None:
    """DOCX: the case file's document comes by DM (durable due work)."""
    ack()
    person = kit.actor(services, body, body.get("view") if _in_modal(body) else None)
    # One DOCX per button shown (the message or the modal it is on): a double tap, or Slack's retry overtaking
    # the first delivery, sends it once; asking again is another search or another opening of the case file.
    container = body.get("container") or {}
    click = str(container.get("message_ts") or container.get("view_id") or (body.get("view") or {}).get("id") or "")
    try:
        with services.sessions() as session, session.begin():
            added = cases.request_docx(session, services.config, person.who, kit.subject_id(body), click, person.now)
    except NotAllowed as exc:
        return ephemeral(respond, kit.refusal(exc, person.lang))
    except NotFound:
        return ephemeral(respond, t("cases.not_found", person.lang))
    services.kick()
    if added and not _in_modal(body):
        ephemeral(respond, t("cases.docx_sent", person.lang))


def on_search_open(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Services) -> None:
    """App Home's Search cases: the search modal (for those who may read cases)."""
    ack()
    person = kit.actor(services, body)
    if not cases.may_search(person.who):
        return kit.refuse(respond, person.lang, "action.cases", "allowed.cases")
    kit.open_modal(client, body["trigger_id"], search_modal(services.config, person.lang,
                                                            _years(person.now, services)))


def on_search(ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services) -> None:
    """The search modal's submit: the results below the form, in the same modal (one tap to search again)."""
    person = kit.actor(services, body, view)
    lang: Lang = person.lang
    query = cases.parse_query(search_words(view.get("state", {}).get("values", {})), services.config)
    try:
        with services.sessions() as session:
            found = cases.search(session, services.config, person.who, query)
    except NotAllowed as exc:
        return ack(response_action="errors", errors={ids.CS_WORDS: kit.refusal(exc, lang)[:150]})
    ack(response_action="update", view=search_modal(services.config, lang, _years(person.now, services), found))


LISTENERS: tuple[kit.Listener, ...] = (
    ("action", ids.CASES_OPEN, on_open),
    ("action", ids.CASES_PAGE, on_page),
    ("action", ids.CASES_DOCX, on_docx),
    ("action", ids.CASES_SEARCH_OPEN, on_search_open),
    ("view", ids.CASES_SEARCH_VIEW, on_search),
)


def register(app: App) -> None:
    """Wire the library's buttons and the search modal."""
    kit.register(app, LISTENERS)
