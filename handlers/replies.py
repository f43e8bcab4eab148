"""What every handler says back to a person: an ephemeral line, and the procedure's polite refusal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond

from bot.procedure.config import OrgConfig
from bot.procedure.errors import NotAllowed
from bot.procedure.i18n import Lang, t


def ephemeral(respond: Respond, text: str, **extra: Any) -> None:
    """A line only this person sees, below what they clicked (never replacing it)."""
    respond(text=text, response_type="ephemeral", replace_original=False, **extra)


def refusal(exc: NotAllowed, lang: Lang, config: OrgConfig | None = None) -> str:
    """"Sorry: under the crisis procedure, X is for Y only"; a step's responsible roles come from the config."""
    if exc.allowed.startswith("allowed.step.") and config is not None:
        from bot.handling.views import responsible_names

        allowed = responsible_names(config, exc.allowed.removeprefix("allowed.step."), lang)
    else:
        allowed = t(exc.allowed, lang)
    return t("refusal", lang, action=t(exc.action, lang), allowed=allowed)
