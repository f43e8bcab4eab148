"""The `/crisis` slash command: parse the text, route to the sub-command through a table, answer in the user's
language. bot/procedure/commands.py holds each sub-command's words and who may run it; this module only maps its
key to the listener that answers it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.overview.views import help_message
from bot.platform.services import Services
from bot.procedure import commands
from bot.procedure.i18n import t
from bot.procedure.text import clip, escape
from handlers import cases, drills, handling, kit, overview, report, review, roster


@dataclass(frozen=True)
class Slash:
    """One `/crisis …` request, as every route needs it."""

    ack: Ack
    command: dict[str, Any]
    client: WebClient
    respond: Respond
    services: Services
    user: str
    parsed: commands.Parsed

    @property
    def key(self) -> str:
        return self.parsed.command.key if self.parsed.command is not None else ""

    @property
    def trigger_id(self) -> str:
        return str(self.command.get("trigger_id", ""))


def _report(slash: Slash) -> None:
    slash.ack()  # before any look-up: the modal must open within the trigger's 3 s
    report.open_report(slash.services, slash.client, slash.user, str(slash.command["trigger_id"]),
                       slash.command.get("channel_id"))


def _update(slash: Slash) -> None:
    slash.ack()  # the war room's incident is looked up after the ack
    handling.on_update_command(slash.services, slash.client, slash.respond, slash.user,
                               slash.command.get("channel_id"), slash.trigger_id, slash.parsed.tail)


def _drill(slash: Slash) -> None:
    slash.ack()  # the draw, the status and the report modal answer after the ack
    drills.on_command(slash.services, slash.client, slash.respond, slash.user, slash.key, slash.parsed.args,
                      slash.trigger_id)


def _roster(slash: Slash) -> None:
    slash.ack()  # the roster and the handover answer after the ack (users.info, the database)
    roster.on_command(slash.services, slash.respond, slash.user, slash.key, slash.parsed.args)


def _overview(slash: Slash) -> None:
    slash.ack()
    overview.on_command(slash.services, slash.respond, slash.user, slash.key, slash.parsed.args)


def _review(slash: Slash) -> None:
    slash.ack()  # the figures are read after the ack
    review.on_command(slash.services, slash.respond, slash.user, slash.parsed.args)
def _cases(slash: Slash) -> None:
    slash.ack()  # the search reads the database after the ack
    cases.on_command(slash.services, slash.respond, slash.user, slash.parsed.args)


def _help(slash: Slash) -> None:
    # Answered in the ack itself: help needs only the person's posts and language.
    lang = slash.services.lang_of(slash.user)
    who = slash.services.who(slash.user)
    slash.ack(**help_message(who, commands.available(who), slash.services.config, lang))


def _unknown(slash: Slash) -> None:
    lang = slash.services.lang_of(slash.user)
    slash.services.who(slash.user)  # unused; read as before the router was a table, so the ack waits as long
    slash.ack(response_type="ephemeral", text=t("unknown.command", lang, text=escape(clip(slash.parsed.text, 80))))


ROUTES: dict[str, Callable[[Slash], None]] = {
    "help": _help,
    "report": _report,
    "list": _overview,
    "status": _overview,
    "roster": _roster,
    "handover": _roster,
    "update": _update,
    "drill_draw": _drill,
    "drill_report": _drill,
    "drill_status": _drill,
    "drill_verify": _drill,
    "review": _review,
    "cases": _cases,
}


def on_crisis(ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond, services: Services) -> None:
    """`/crisis …`: the sub-command's route, or the unknown-command answer."""
    parsed = commands.parse(str(command.get("text", "")))
    slash = Slash(ack, command, client, respond, services, str(command.get("user_id", "")), parsed)
    if parsed.command is None:
        return _unknown(slash)
    route = ROUTES.get(parsed.command.key)
    if route is None:  # pragma: no cover - a sub-command in bot/procedure/commands.py with no route here
        raise LookupError(f"no handler for sub-command {parsed.command.key}")
    return route(slash)


LISTENERS: tuple[kit.Listener, ...] = (
    ("command", commands.SLASH, on_crisis),
)


def register(app: App) -> None:
    """Wire the slash command to the app."""
    kit.register(app, LISTENERS)
