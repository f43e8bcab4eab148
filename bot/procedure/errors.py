"""The procedure's refusals, one home for every area: services raise them with domain words (i18n keys and field
names); handlers turn them into the reader's language and Slack's inline modal errors."""

from __future__ import annotations


class Refusal(Exception):
    """The procedure says no. Areas may refine these four with their own facts, never add a fifth kind."""


class InvalidInput(Refusal):
    """What was entered cannot be used: field → problem. A service names its own fields and gives text keys
    (``{"category": "drill.error.same_category"}``); a form reader gives block ids and the reader's words. The
    handler shows them inline (`bot.blockkit.forms.inline_errors`)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class NotAllowed(Refusal):
    """The procedure does not give this person this action; `action` and `allowed` are i18n keys."""

    def __init__(self, action: str, allowed: str) -> None:
        super().__init__(f"{action} is for {allowed}")
        self.action = action
        self.allowed = allowed


class Closed(Refusal):
    """The incident is no longer in this state (already resolved or closed, the step already done); `reason` is an
    i18n key and `facts` what the reader is told about what happened instead (who did it, when: a ``user`` id, an
    ``at`` time, a ``version``), raw: the handler words them."""

    def __init__(self, reason: str, **facts: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.facts = facts


class NotFound(Refusal):
    """No such incident, drill, evaluation or seat; the message says which."""
