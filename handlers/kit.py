"""What every listener repeats: the services (put in Bolt's context by one middleware), the acting person, the
subject id a click or a modal is about, a modal's first input block, ephemeral replies and refusals, opening a
modal, and the claim that makes a modal's submission count once.

Listeners are plain module-level functions. Bolt injects arguments by parameter name and also offers every key of
the request's context, so a listener that names a `services` parameter gets the one `provide` put there."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cached_property
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blockkit.names import responsible_names, short_time
from bot.platform.services import Services
from bot.procedure.config import OrgConfig
from bot.procedure.errors import Closed, NotAllowed
from bot.procedure.i18n import Lang, t
from bot.procedure.who import Who
from storage import audit, claims

SERVICES = "services"  # the context key, and so the listener parameter name Bolt fills from it

# One row of a module's registration table: Bolt's decorator name ("command", "action", "view", "event"),
# the id it matches, and the listener.
Listener = tuple[str, str, Callable[..., Any]]


def provide(services: Services) -> Callable[[BoltContext, Callable[[], BoltResponse]], BoltResponse]:
    """A global middleware that hands the services to every listener (as the `services` argument)."""

    def services_middleware(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        context[SERVICES] = services
        return next()

    return services_middleware


def reply_without_a_message(context: BoltContext, body: dict[str, Any],
                            next: Callable[[], BoltResponse]) -> BoltResponse:
    """A global middleware: a button on a view (App Home, a modal) has no message to answer below, and Slack sends
    no response_url for it, so a line meant for below the click (a refusal, who did it first) goes to the person's
    DM instead of failing."""
    if body.get("type") == "block_actions" and not body.get("response_url") \
            and (body.get("container") or {}).get("type") == "view":
        user, client = str((body.get("user") or {}).get("id") or ""), context.client

        def respond(text: str = "", blocks: list[dict[str, Any]] | None = None, **_where: Any) -> None:
            if user and client is not None:
                client.chat_postMessage(channel=user, text=text, blocks=blocks)

        context["respond"] = respond
    return next()


def register(app: App, listeners: Iterable[Listener]) -> None:
    """Walk a module's registration table: `app.action(id)(fn)` and the like."""
    for kind, key, function in listeners:
        getattr(app, kind)(key)(function)


class Actor:
    """The person a request comes from. `who`, `lang` and `now` are looked up on first use and then kept, so a
    listener asks the roster, users.info and the clock at the same points as before and at most once each."""

    def __init__(self, services: Services, user: str, lang: Lang | None = None) -> None:
        self.services = services
        self.user = user
        if lang:  # a modal carries the language it was drawn in
            self.lang = lang

    @cached_property
    def who(self) -> Who:
        return self.services.who(self.user)

    @cached_property
    def lang(self) -> Lang:
        return self.services.lang_of(self.user)

    @cached_property
    def now(self) -> datetime:
        return self.services.clock()


def actor(services: Services, body: dict[str, Any], view: dict[str, Any] | None = None) -> Actor:
    """The acting person of an action or a view submission; a view's own language (private_metadata) wins."""
    lang = metadata(view).get("lang") if view is not None else None
    return Actor(services, body["user"]["id"], lang)


def metadata(view: dict[str, Any] | None) -> dict[str, Any]:
    """A view's private_metadata (we always write a JSON object there)."""
    return json.loads((view or {}).get("private_metadata") or "{}")


def parse_id(value: Any) -> tuple[int, str]:
    """An action value '12:assess' → (12, 'assess'); '12' → (12, ''); no number → (-1, rest)."""
    head, _, tail = str(value if value is not None else "").partition(":")
    try:
        return int(head), tail
    except ValueError:
        return -1, tail


def as_id(value: Any) -> int:
    """An id written as a number ("12", 12), or -1 (no row has it) when it is missing or not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def subject_id(body: dict[str, Any], key: str | None = None) -> int:
    """The id a click or a submission is about: the clicked action's value ('12' or '12:…'), or, with `key`,
    that field of the view's private_metadata. -1 (no row has it) when absent or malformed."""
    if key is None:
        actions = body.get("actions") or [{}]
        return parse_id(actions[0].get("value"))[0]
    try:
        meta = metadata(body.get("view"))
    except ValueError:
        return -1
    return as_id(meta.get(key)) if isinstance(meta, dict) else -1


def first_input_block(view: dict[str, Any]) -> str | None:
    """Where a modal shows an error that belongs to no one field: its first input block."""
    return next((b["block_id"] for b in view.get("blocks", []) if b.get("type") == "input"), None)


def ephemeral(respond: Respond | Callable[..., Any], text: str, **extra: Any) -> None:
    """A line only this person sees, below what they clicked (never replacing it)."""
    respond(text=text, response_type="ephemeral", replace_original=False, **extra)


def refusal(exc: NotAllowed, lang: Lang, config: OrgConfig | None = None) -> str:
    """"Sorry: under the crisis procedure, X is for Y only"; a step's responsible roles come from the config."""
    if exc.allowed.startswith("allowed.step.") and config is not None:
        allowed = responsible_names(config, exc.allowed.removeprefix("allowed.step."), lang)
    else:
        allowed = t(exc.allowed, lang)
    return t("refusal", lang, action=t(exc.action, lang), allowed=allowed)


def closed_text(exc: Closed, lang: Lang, config: OrgConfig) -> str:
    """What happened instead, in the reader's words: "<@X> already resolved this incident at 12/02 09:15"."""
    facts = {k: short_time(v, config) if isinstance(v, datetime) else v for k, v in exc.facts.items()}
    return t(exc.reason, lang, **facts)


def refuse(respond: Respond | Callable[..., Any], lang: Lang, action: str, allowed: str) -> None:
    """Tell the person, ephemerally, that the procedure gives this to others."""
    ephemeral(respond, refusal(NotAllowed(action, allowed), lang))


def open_modal(client: WebClient, trigger_id: str, view: dict[str, Any]) -> None:
    """Open a modal on the click's trigger (valid for 3 s and for one view only)."""
    client.views_open(trigger_id=trigger_id, view=view)


def submission(view: dict[str, Any]) -> str:
    """The key of one submission: a retry or a double tap sends the same view id and hash."""
    return f"{view.get('id')}:{view.get('hash')}"[:64]


def claim_submission(session: Session, view: dict[str, Any], user: str, now: datetime,
                     incident: int | None = None) -> bool:
    """Take this submission (its view id and hash) in the caller's transaction, before its effect: False when an
    earlier delivery of it (Slack's retry, a double tap, both at once) already had its effect. The claim is a
    unique row, so two deliveries in flight together cannot both pass (design §3)."""
    key, callback = submission(view), str(view.get("callback_id") or "")
    if not claims.claim(session, f"view:{key}", callback, user, now, incident):
        return False
    audit.record(session, user, "view.submitted", "view", key, at=now, data={"callback": callback,
                                                                            "incident": incident})
    return True
